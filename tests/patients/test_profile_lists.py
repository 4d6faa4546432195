"""The profile's three lists (medicines, conditions, allergies): add, edit and remove in
place with htmx or by plain posts; names matched to the drug database where possible; every
row private to its owner."""

from __future__ import annotations

import pytest
from django.db import connection

from patients.models import Allergy, Condition, Medication, Profile


@pytest.fixture
def alice_profile(alice_patient):
    return Profile.objects.create(user=alice_patient)


def test_a_medicine_is_matched_by_brand_or_a_close_misspelling(
    client, alice_patient, login, small_corpus
):
    login(alice_patient)
    for name in ("Coumadin", "ibuprofin", "  ADVIL  "):
        client.post("/patients/medications/", {"name": name})
    meds = {m.name: m.drug.name if m.drug else None for m in Medication.objects.all()}
    # ADVIL is ibuprofen too: refused as a second entry (tests/patients/test_profile_ux.py).
    assert meds == {"Coumadin": "warfarin", "ibuprofin": "ibuprofen"}
    page = client.get("/patients/").content.decode()
    assert "recognised as warfarin" in page and "recognised as ibuprofen" in page


def test_an_unknown_medicine_is_kept_as_written(client, alice_patient, login, small_corpus):
    login(alice_patient)
    client.post("/patients/medications/", {"name": "Grandma's herbal tonic"})
    med = Medication.objects.get()
    assert med.drug is None and med.name == "Grandma's herbal tonic"
    page = client.get("/patients/").content.decode()
    assert "kept as written" in page and "Grandma&#x27;s herbal tonic" in page


def test_an_htmx_add_returns_only_the_updated_section(client, alice_patient, login):
    login(alice_patient)
    response = client.post("/patients/conditions/", {"name": "CKD stage 3"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="conditions"' in html and "CKD stage 3" in html
    assert "kidney_disease" in Condition.objects.get().key


def test_an_invalid_htmx_add_shows_the_error_in_the_section_and_stores_nothing(
    client, alice_patient, login
):
    login(alice_patient)
    response = client.post("/patients/allergies/", {"substance": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "errorlist" in response.content.decode()
    assert not Allergy.objects.exists()


def test_an_allergy_is_edited_in_place(client, alice_patient, alice_profile, login):
    allergy = Allergy.objects.create(profile=alice_profile, substance="penicilin")
    login(alice_patient)
    url = f"/patients/allergies/{allergy.uid}/edit/"
    form = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="penicilin"' in form and "<html" not in form
    response = client.post(
        url, {"substance": "Penicillin", "reaction": "hives"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'id="allergies"' in response.content.decode()
    allergy.refresh_from_db()
    assert (allergy.substance, allergy.reaction) == ("Penicillin", "hives")


def test_an_invalid_edit_keeps_the_row_and_retargets_the_errors(
    client, alice_patient, alice_profile, login
):
    allergy = Allergy.objects.create(profile=alice_profile, substance="Penicillin")
    login(alice_patient)
    response = client.post(
        f"/patients/allergies/{allergy.uid}/edit/",
        {"substance": "x" * 500},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#row-{allergy.uid}"
    allergy.refresh_from_db()
    assert allergy.substance == "Penicillin"


def test_the_edit_page_works_without_javascript(client, alice_patient, alice_profile, login):
    condition = Condition.objects.create(profile=alice_profile, name="asthma")
    login(alice_patient)
    url = f"/patients/conditions/{condition.uid}/edit/"
    assert "<html" in client.get(url).content.decode()
    response = client.post(url, {"name": "Asthma (mild)"})
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.name == "Asthma (mild)"


def test_removing_a_row(client, alice_patient, alice_profile, login):
    condition = Condition.objects.create(profile=alice_profile, name="asthma")
    login(alice_patient)
    response = client.post(f"/patients/conditions/{condition.uid}/remove/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "None listed" in response.content.decode()
    assert not Condition.objects.exists()


@pytest.mark.parametrize("kind", ["medications", "conditions", "allergies"])
def test_another_patient_can_neither_see_edit_nor_remove_a_row(
    client, alice_profile, bob_patient, login, kind
):
    row = {
        "medications": lambda: Medication.objects.create(profile=alice_profile, name="Lasix"),
        "conditions": lambda: Condition.objects.create(profile=alice_profile, name="gout"),
        "allergies": lambda: Allergy.objects.create(profile=alice_profile, substance="sulfa"),
    }[kind]()
    login(bob_patient)
    assert client.get(f"/patients/{kind}/{row.uid}/edit/").status_code == 404
    edited = client.post(f"/patients/{kind}/{row.uid}/edit/", {"name": "x", "substance": "x"})
    assert edited.status_code == 404
    assert client.post(f"/patients/{kind}/{row.uid}/remove/").status_code == 404
    assert type(row).objects.filter(pk=row.pk).exists()
    assert str(row.pk) and "Lasix" not in client.get("/patients/").content.decode()


def test_conditions_and_allergies_are_ciphertext_at_rest(alice_profile):
    Condition.objects.create(profile=alice_profile, name="Chronic kidney disease")
    Allergy.objects.create(profile=alice_profile, substance="Penicillin", reaction="hives")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM patients_condition")
        (name,) = cursor.fetchone()
        cursor.execute("SELECT substance, reaction FROM patients_allergy")
        substance, reaction = cursor.fetchone()
    assert all(v.startswith("gAAAAA") for v in (name, substance, reaction))
    assert "kidney" not in name and "Penicillin" not in substance


def test_the_profile_feeds_the_patient_context(alice_profile, small_corpus):
    from patients.services import patient_context

    Condition.objects.create(profile=alice_profile, name="CKD")
    Allergy.objects.create(profile=alice_profile, substance="penicillin")
    Medication.objects.create(profile=alice_profile, name="Coumadin")
    context = patient_context(alice_profile)
    assert context.conditions == ("CKD",) and context.allergies == ("penicillin",)
    assert context.medications == ("Coumadin",)


def test_the_home_page_reads_recognised_drugs_without_a_query_per_medicine(
    client, alice_patient, login, small_corpus
):
    """Regression: each medicine row showed its matched drug with one query per row."""
    from django.test.utils import CaptureQueriesContext

    login(alice_patient)

    def home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/patients/").status_code == 200
        return len(queries)

    client.post("/patients/medications/", {"name": "Coumadin"})
    one = home_queries()
    for name in ("ibuprofen", "Advil", "paracetamol"):
        client.post("/patients/medications/", {"name": name})
    assert home_queries() == one


def _full_profile(profile: Profile) -> None:
    from patients.services import profile_item_save

    for name in ("Coumadin", "lisinopril", "metformin", "made-up tonic"):
        profile_item_save(Medication(profile=profile, name=name))
    profile_item_save(Condition(profile=profile, name="CKD stage 3"))
    profile_item_save(Allergy(profile=profile, substance="penicillin", reaction="rash"))


def test_the_home_page_reads_a_full_profile_in_seven_queries(
    client, alice_patient, alice_profile, login, small_corpus, django_assert_num_queries
):
    """Session, the user with their roles (one query), the profile, its medicines, their
    matched drugs, conditions and allergies; no write (issue 20)."""
    _full_profile(alice_profile)
    login(alice_patient)
    client.get("/patients/")
    with django_assert_num_queries(7):
        page = client.get("/patients/").content.decode()
    assert page.count('<li id="row-') == 6
    assert "recognised as warfarin" in page and "penicillin" in page


def test_the_home_page_shows_each_blank_add_form_with_its_own_ids(client, alice_patient, login):
    from patients.views.profile import KINDS

    login(alice_patient)
    page = client.get("/patients/").content.decode()
    for kind in KINDS.values():
        blank = str(kind.make_form().as_div())
        assert blank in page
        assert f'id="id_{kind.name}_' in blank
