"""The patient interaction checker: pairs with severity, mechanism, management and source,
the patient's own medicines on request, profile warnings, unknown names, autocomplete, and
access for the owner only."""

from __future__ import annotations

import pytest

from knowledge.models import Drug
from lumen import safety
from patients.models import Allergy, Condition, Medication
from patients.selectors import profile_for

URL = "/patients/interactions/"


@pytest.fixture
def alice_on_warfarin(alice_patient, drug_database, db):
    profile = profile_for(alice_patient)
    Medication.objects.create(
        profile=profile, name="Coumadin 5 mg", drug=Drug.objects.get(name="warfarin")
    )
    return alice_patient


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    for url in (URL, f"{URL}suggest/?drug=ibu", f"{URL}row/?row=1"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_pharma_users_are_refused(client, acme_qa, login):
    login(acme_qa)
    assert client.get(URL).status_code == 403


def test_the_form_works_without_javascript(client, alice_patient, login, drug_database):
    login(alice_patient)
    page = client.get(URL).content.decode()
    assert page.count('name="drug"') == 3
    assert 'name="include_mine" checked' in page
    assert safety.DISCLAIMER in page
    more = client.post(URL, {"drug": ["warfarin"], "more": "1"}).content.decode()
    assert more.count('name="drug"') == 4  # the three rows a form starts with, plus one
    assert "Results" not in more


def test_every_pair_is_listed_with_severity_text_mechanism_management_and_source(
    client, alice_patient, login, drug_database
):
    login(alice_patient)
    response = client.post(URL, {"drug": ["warfarin", "Advil", "sertraline", ""]})
    html = response.content.decode()
    assert "3 interactions found" in html
    assert "Warfarin + Ibuprofen" in html or "Ibuprofen + Warfarin" in html
    assert 'class="severity-badge severity-major">Major interaction' in html
    assert "Moderate interaction" in html
    assert "What to do" in html and "dailymed.nlm.nih.gov" in html
    assert "“Advil” was read as ibuprofen" in html
    assert safety.DISCLAIMER in html


def test_my_medications_are_included_only_when_asked(
    client, alice_on_warfarin, login, drug_database
):
    login(alice_on_warfarin)
    with_mine = client.post(URL, {"drug": ["ibuprofen"], "include_mine": "on"}).content.decode()
    assert "Major interaction" in with_mine
    assert "(yours)" in with_mine
    without = client.post(URL, {"drug": ["ibuprofen"]}).content.decode()
    assert "Major interaction" not in without
    assert "at least two medicines" in without


def test_another_patients_medicines_are_never_used(
    client, alice_on_warfarin, bob_patient, login, drug_database
):
    login(bob_patient)
    html = client.post(URL, {"drug": ["ibuprofen"], "include_mine": "on"}).content.decode()
    assert "warfarin" not in html.lower()
    assert "at least two medicines" in html


def test_unknown_names_are_listed_as_not_checked(client, alice_patient, login, drug_database):
    login(alice_patient)
    html = client.post(URL, {"drug": ["warfarin", "aspirin", "moonbeam tonic"]}).content.decode()
    assert "Not recognised" in html
    assert "<li>moonbeam tonic is not in Lumen's database." in html
    assert "not checked" in html


def test_allergy_and_condition_warnings_from_the_profile_are_shown(
    client, alice_patient, login, drug_database
):
    profile = profile_for(alice_patient)
    Allergy.objects.create(profile=profile, substance="penicillin")
    Condition.objects.create(profile=profile, name="CKD")
    login(alice_patient)
    html = client.post(URL, {"drug": ["amoxicillin", "naproxen"]}).content.decode()
    assert "Warnings for you" in html
    assert "penicillin allergy" in html
    assert "kidney" in html.lower()


def test_an_htmx_check_returns_only_the_results(client, alice_patient, login, drug_database):
    login(alice_patient)
    response = client.post(URL, {"drug": ["warfarin", "ibuprofen"]}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="results"')
    assert "Major interaction" in html


def test_autocomplete_suggests_names_brands_and_synonyms_as_buttons(
    client, alice_patient, login, drug_database, django_assert_max_num_queries
):
    login(alice_patient)
    with django_assert_max_num_queries(10):
        response = client.get(
            f"{URL}suggest/", {"drug": "advi", "row": "2"}, HTTP_HX_REQUEST="true"
        )
    html = response.content.decode()
    assert html.lstrip().startswith('<ul id="suggestions-2"')
    assert '<button type="button" class="suggestion"' in html
    assert "Ibuprofen" in html and "(advil)" in html
    assert "name=ibuprofen" in html
    assert "No match" in client.get(f"{URL}suggest/", {"drug": "zzzz", "row": "0"}).content.decode()


def test_picking_a_suggestion_fills_its_row_and_adding_a_row_brings_the_next_button(
    client, alice_patient, login, db
):
    login(alice_patient)
    picked = client.get(f"{URL}row/", {"row": "1", "name": "ibuprofen"}).content.decode()
    assert 'id="drug-row-1"' in picked and 'value="ibuprofen"' in picked and "autofocus" in picked
    added = client.get(f"{URL}row/", {"row": "3"}).content.decode()
    assert 'id="drug-row-3"' in added and "row=4" in added
