"""Symptom checker pages: guided steps and free text work as plain form posts and as htmx
fragments, results are saved encrypted and shown only to their owner."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from lumen.safety import DISCLAIMER
from patients import triage_services
from patients.models import Allergy, TriageAssessment
from patients.selectors import profile_for

PAGES = ("/patients/symptoms/", "/patients/symptoms/history/")


def _guided(client, complaint="chest_pain", **answers):
    data = {"complaint": complaint, "onset": "", "duration_days": "", "severity": "", **answers}
    return client.post("/patients/symptoms/assess/", data)


def test_the_start_page_offers_complaints_and_a_free_text_box(client, alice_patient, login):
    login(alice_patient)
    html = client.get("/patients/symptoms/").content.decode()
    assert '<option value="chest_pain">Chest pain or tightness</option>' in html
    assert 'name="text"' in html
    assert "999" in html


def test_the_home_page_links_to_the_symptom_checker(client, alice_patient, login):
    login(alice_patient)
    assert 'href="/patients/symptoms/"' in client.get("/patients/").content.decode()


def _step(client, stage, complaint="chest_pain", **answers):
    data = {"complaint": complaint, "stage": stage, **answers}
    return client.post("/patients/symptoms/assess/", data)


def test_choosing_a_complaint_first_asks_who_it_is_for_and_their_age(client, alice_patient, login):
    login(alice_patient)
    html = client.get("/patients/symptoms/questions/", {"complaint": "chest_pain"}).content.decode()
    assert "<legend>Who is this for?</legend>" in html
    assert 'value="child"' in html
    assert 'name="age"' in html
    assert 'name="flags"' not in html  # one step at a time
    assert "<html" in html  # a full page without JavaScript


def test_the_next_step_asks_the_complaints_own_warning_signs(client, alice_patient, login):
    login(alice_patient)
    html = _step(client, "who", subject="self").content.decode()
    assert "Any of these warning signs?" in html
    assert 'value="cardiac_character"' in html
    assert 'name="severity"' not in html
    headache = _step(client, "who", complaint="headache", subject="self").content.decode()
    assert 'value="cardiac_character"' not in headache  # not one generic list


def test_a_child_or_another_adult_needs_an_age(client, alice_patient, login):
    login(alice_patient)
    response = _step(client, "who", complaint="fever_child", subject="child", age="")
    assert response.status_code == 422
    assert "Please give their age" in response.content.decode()


def test_a_childs_age_brings_in_the_signs_for_children(client, alice_patient, login):
    login(alice_patient)
    child = _step(
        client, "who", complaint="fever_child", subject="child", age="2", age_unit="years"
    )
    adult = _step(client, "who", complaint="headache", subject="self")
    assert 'value="child_floppy"' in child.content.decode()
    assert 'value="child_floppy"' not in adult.content.decode()
    assert 'name="age" value="2"' in child.content.decode()  # carried to the next step


def test_the_interview_stops_as_soon_as_an_emergency_sign_is_ticked(client, alice_patient, login):
    login(alice_patient)
    response = _step(client, "signs", subject="self", flags=["cardiac_character"])
    assert response.status_code == 302
    result = triage_services.assessment_data(TriageAssessment.objects.get())["result"]
    assert result["disposition"] == "emergency"


def test_without_an_emergency_sign_it_asks_the_rest_and_carries_the_answers(
    client, alice_patient, login
):
    login(alice_patient)
    html = _step(client, "signs", complaint="headache", subject="self").content.decode()
    assert 'name="severity"' in html
    assert 'name="details"' in html
    assert 'name="subject" value="self"' in html
    assert not TriageAssessment.objects.exists()


LOOSE = "my throat feels like its shutting after the prawns"


def test_an_unsure_emergency_sign_in_their_own_words_gets_a_follow_up_question(
    client, alice_patient, login
):
    login(alice_patient)
    more = {"subject": "self", "onset": "", "duration_days": "", "severity": ""}
    html = _step(client, "more", complaint="sore_throat", details=LOOSE, **more).content.decode()
    assert 'id="followup"' in html
    assert 'name="confirmed" value="airway_swelling"' in html
    assert 'name="asked_about" value="airway_swelling"' in html
    assert not TriageAssessment.objects.exists()


@pytest.mark.parametrize(("confirmed", "emergency"), [([], False), (["airway_swelling"], True)])
def test_the_follow_up_answer_decides_the_level(client, alice_patient, login, confirmed, emergency):
    login(alice_patient)
    answers = {"subject": "self", "details": LOOSE, "asked_about": ["airway_swelling"]}
    response = _step(client, "followup", complaint="sore_throat", confirmed=confirmed, **answers)
    assert response.status_code == 302
    result = triage_services.assessment_data(TriageAssessment.objects.get())["result"]
    assert (result["disposition"] == "emergency") is emergency


def test_a_check_for_a_child_uses_the_childs_age_not_the_account_holders(
    client, alice_patient, login
):
    login(alice_patient)
    answers = {"subject": "child", "age": "6", "age_unit": "months", "onset": ""}
    response = _step(client, "", complaint="fever_child", flags=[], **answers)
    assert response.status_code == 302
    result = triage_services.assessment_data(TriageAssessment.objects.get())["result"]
    assert result["findings"]["subject"] == "child"
    assert result["findings"]["age"] == 0.5


def test_htmx_gets_only_the_next_step(client, alice_patient, login):
    login(alice_patient)
    response = client.get(
        "/patients/symptoms/questions/", {"complaint": "headache"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="questions-form"' in html


def test_an_unknown_complaint_is_refused(client, alice_patient, login):
    login(alice_patient)
    response = client.get("/patients/symptoms/questions/", {"complaint": "nope"})
    assert response.status_code == 422
    assert _guided(client, complaint="nope").status_code == 404


def test_a_red_flag_answer_gives_an_emergency_result_saved_encrypted(client, alice_patient, login):
    login(alice_patient)
    response = _guided(client, flags=["cardiac_character"], severity="7")
    assessment = TriageAssessment.objects.get(profile__user=alice_patient)
    assert response.status_code == 302
    assert response["Location"] == f"/patients/symptoms/{assessment.uid}/"
    html = client.get(response["Location"]).content.decode()
    assert html.index("Call 911 (US), 999 (UK) or 112 (EU)") < html.index("Risk level: high")
    assert "heart attack" in html
    assert DISCLAIMER.split(".")[0] in html
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM patients_triageassessment")
        stored = cursor.fetchone()[0]
    assert "emergency" not in stored and "chest" not in stored


def test_free_text_gives_self_care_with_otc_options(client, alice_patient, login, small_corpus):
    login(alice_patient)
    response = client.post(
        "/patients/symptoms/describe/", {"text": "mild headache since this morning"}
    )
    html = client.get(response["Location"]).content.decode()
    assert "Self-care at home" in html
    assert "Risk level: low" in html
    assert "<strong>ibuprofen</strong>" in html


def test_an_htmx_post_returns_the_result_fragment_and_pushes_its_url(client, alice_patient, login):
    login(alice_patient)
    response = client.post(
        "/patients/symptoms/describe/",
        {"text": "runny nose and sneezing for 2 days"},
        HTTP_HX_REQUEST="true",
    )
    uid = TriageAssessment.objects.get().uid
    assert response["HX-Push-Url"] == f"/patients/symptoms/{uid}/"
    html = response.content.decode()
    assert "<html" not in html and 'id="triage-result"' in html


def test_an_empty_description_is_a_form_error(client, alice_patient, login):
    login(alice_patient)
    response = client.post("/patients/symptoms/describe/", {"text": ""})
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    assert not TriageAssessment.objects.exists()


def test_the_profile_supplies_pregnancy_to_the_guided_checker(client, alice_patient, login):
    login(alice_patient)
    profile = profile_for(alice_patient)
    profile.pregnancy = "pregnant"
    profile.save()
    _guided(client, complaint="abdominal_pain", severity="3")
    data = json.loads(TriageAssessment.objects.get().data)
    assert data["result"]["disposition"] == "urgent"


def test_otc_options_clashing_with_an_allergy_are_left_out(alice_patient, small_corpus):
    profile = profile_for(alice_patient)

    def names() -> list[str]:
        assessment = triage_services.triage_text(profile=profile, text="mild headache today")
        return [o["name"] for o in json.loads(assessment.data)["otc"]]

    assert "ibuprofen" in names()
    Allergy.objects.create(profile=profile, substance="ibuprofen")
    assert "ibuprofen" not in names()


def test_history_lists_only_the_patients_own_results(client, alice_patient, bob_patient, login):
    triage_services.triage_text(profile=profile_for(bob_patient), text="sore throat for 2 days")
    login(alice_patient)
    _guided(client, complaint="headache")
    html = client.get("/patients/symptoms/history/").content.decode()
    assert html.count('class="card disposition') == 1
    assert "Headache" in html


def test_another_patients_result_is_not_found(client, alice_patient, bob_patient, login):
    theirs = triage_services.triage_text(profile=profile_for(bob_patient), text="cough")
    login(alice_patient)
    assert client.get(f"/patients/symptoms/{theirs.uid}/").status_code == 404


@pytest.mark.parametrize("url", [*PAGES, "/patients/symptoms/questions/?complaint=cough"])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_posts_from_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.post("/patients/symptoms/describe/", {"text": "cough"})
    assert response.status_code == 302
    assert not TriageAssessment.objects.exists()


def test_the_history_page_query_count_is_fixed(
    client, alice_patient, login, django_assert_max_num_queries
):
    profile = profile_for(alice_patient)
    for text in ("cough", "sore throat", "headache"):
        triage_services.triage_text(profile=profile, text=text)
    login(alice_patient)
    with django_assert_max_num_queries(8):
        client.get("/patients/symptoms/history/")
