"""The profile lists as a new user met them: the same medicine cannot go on twice, Remove
asks first, and a condition says whether medicine warnings cover it (never "not
recognised" for one they do)."""

from __future__ import annotations

import pytest

from patients.models import Allergy, Condition, Medication, Profile


@pytest.fixture
def alice_profile(alice_patient):
    return Profile.objects.create(user=alice_patient)


def test_a_brand_and_a_misspelling_of_one_medicine_cannot_both_be_added(
    client, alice_patient, login, small_corpus
):
    login(alice_patient)
    client.post("/patients/medications/", {"name": "Coumadin"})
    response = client.post("/patients/medications/", {"name": "warfrin"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "warfrin is warfarin, which is already on your list as Coumadin." in (
        response.content.decode()
    )
    again = client.post("/patients/medications/", {"name": "coumadin"}, HTTP_HX_REQUEST="true")
    assert "Coumadin is already on your list." in again.content.decode()
    assert [m.name for m in Medication.objects.all()] == ["Coumadin"]
    # Without JavaScript the error comes back as a message on the page.
    plain = client.post("/patients/medications/", {"name": "warfarin"}, follow=True)
    assert "warfarin is already on your list as Coumadin." in plain.content.decode()
    assert Medication.objects.count() == 1


def test_editing_a_medicine_into_another_on_the_list_is_refused(
    client, alice_patient, alice_profile, login, small_corpus
):
    from patients.services import profile_item_save

    profile_item_save(Medication(profile=alice_profile, name="Advil"))
    other = profile_item_save(Medication(profile=alice_profile, name="Coumadin"))
    login(alice_patient)
    response = client.post(
        f"/patients/medications/{other.uid}/edit/", {"name": "ibuprofen"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "ibuprofen is already on your list as Advil." in response.content.decode()
    other.refresh_from_db()
    assert other.name == "Coumadin"
    # Saving a row unchanged is not a duplicate of itself.
    same = client.post(f"/patients/medications/{other.uid}/edit/", {"name": "Coumadin"})
    assert same.status_code == 302


def test_the_same_condition_or_allergy_twice_is_refused(client, alice_patient, login):
    login(alice_patient)
    client.post("/patients/conditions/", {"name": "Asthma"})
    client.post("/patients/conditions/", {"name": "asthma "})
    client.post("/patients/allergies/", {"substance": "penicillin"})
    client.post("/patients/allergies/", {"substance": "Penicillin", "reaction": "hives"})
    assert Condition.objects.count() == 1 and Allergy.objects.count() == 1


def test_remove_asks_first_and_only_a_post_removes(client, alice_patient, alice_profile, login):
    condition = Condition.objects.create(profile=alice_profile, name="gout")
    login(alice_patient)
    url = f"/patients/conditions/{condition.uid}/remove/"
    asked = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Remove gout?" in asked and "Yes, remove gout" in asked and "Keep it" in asked
    assert Condition.objects.exists()
    page = client.get(url).content.decode()  # without JavaScript: a page that asks
    assert "<html" in page and "Yes, remove gout" in page
    removed = client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'role="status">Removed gout.' in removed
    assert not Condition.objects.exists()


def test_removing_a_medicine_says_its_doses_go_too(client, alice_patient, alice_profile, login):
    medicine = Medication.objects.create(profile=alice_profile, name="Lasix")
    login(alice_patient)
    asked = client.get(f"/patients/medications/{medicine.uid}/remove/").content.decode()
    assert "reminders and" in asked and "dose history are removed with it" in asked
    response = client.post(f"/patients/medications/{medicine.uid}/remove/", follow=True)
    assert "Removed Lasix." in response.content.decode()
    assert not Medication.objects.exists()


def test_a_recognised_condition_says_what_the_warnings_check_for(
    client, alice_patient, alice_profile, login
):
    # Saved with an empty key (as by an older rule set): today's rules still recognise it.
    Condition.objects.create(profile=alice_profile, name="high blood pressure", key="")
    Condition.objects.create(profile=alice_profile, name="Type 2 diabetes")
    login(alice_patient)
    page = client.get("/patients/").content.decode()
    assert "not recognised" not in page
    assert "medicine warnings check for high blood pressure" in page
    assert "no medicine warnings are tied to it yet" in page
