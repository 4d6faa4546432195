import datetime as dt

from django.db import connection

from patients.models import Profile


def test_health_fields_are_ciphertext_in_the_database(alice_patient):
    Profile.objects.create(
        user=alice_patient, date_of_birth=dt.date(1967, 3, 14), sex="female", pregnancy="no"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT date_of_birth, sex, pregnancy FROM patients_profile WHERE user_id = %s",
            [alice_patient.pk],
        )
        stored = cursor.fetchone()
    for raw, plain in zip(stored, ("1967-03-14", "female", "no"), strict=True):
        assert raw != plain
        # A short value like "no" can occur inside random base64 by chance; longer ones not.
        assert len(plain) < 5 or plain not in raw
        assert raw.startswith("gAAAAA")  # a Fernet token
    profile = Profile.objects.get(user=alice_patient)
    assert profile.date_of_birth == dt.date(1967, 3, 14)
    assert profile.sex == "female"


def test_a_patient_edits_their_own_profile(client, alice_patient, login):
    login(alice_patient)
    response = client.post(
        "/patients/profile/", {"date_of_birth": "1980-01-31", "sex": "male", "pregnancy": ""}
    )
    assert response.status_code == 302
    assert Profile.objects.get(user=alice_patient).date_of_birth == dt.date(1980, 1, 31)
    page = client.get("/patients/").content.decode()
    assert "31 January 1980" in page


def test_a_future_birth_date_is_a_form_error_and_changes_nothing(client, alice_patient, login):
    Profile.objects.create(user=alice_patient, date_of_birth=dt.date(1970, 5, 1))
    login(alice_patient)
    response = client.post(
        "/patients/profile/", {"date_of_birth": "2999-01-01", "sex": "female", "pregnancy": ""}
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    profile = Profile.objects.get(user=alice_patient)
    assert profile.date_of_birth == dt.date(1970, 5, 1)
    assert profile.sex == ""


def test_nonsense_in_a_choice_field_is_a_form_error(client, alice_patient, login):
    login(alice_patient)
    response = client.post("/patients/profile/", {"sex": "<script>x</script>"})
    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()
    assert "Select a valid choice" in response.content.decode()


def test_each_patient_sees_only_their_own_profile(client, alice_patient, bob_patient, login):
    Profile.objects.create(user=alice_patient, date_of_birth=dt.date(1967, 3, 14))
    login(bob_patient)
    page = client.get("/patients/").content.decode()
    assert "14 March 1967" not in page
    assert "not given" in page


def test_the_patient_area_refuses_other_roles_and_anonymous_visitors(client, acme_qa, login):
    for url in ("/patients/", "/patients/profile/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    login(acme_qa)
    for url in ("/patients/", "/patients/profile/"):
        assert client.get(url).status_code == 403
