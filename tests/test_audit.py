"""django-auditlog records who changed regulated data, never the PHI values themselves."""

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from lumen.lib.audit import REDACTED
from patients.models import Profile
from pharma.models import Membership


def test_a_profile_change_is_audited_with_the_actor_and_without_the_values(
    client, alice_patient, login
):
    login(alice_patient)
    client.get("/patients/")  # creates the empty profile
    client.post("/patients/profile/", {"date_of_birth": "1967-03-14", "sex": "female"})

    profile = Profile.objects.get(user=alice_patient)
    entries = LogEntry.objects.get_for_object(profile).order_by("timestamp")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    update = entries.last()
    assert update.actor == alice_patient
    assert set(update.changes_dict) >= {"date_of_birth", "sex"}
    assert update.changes_dict["date_of_birth"] == [REDACTED, REDACTED]
    stored = str(update.changes) + str(update.changes_text) + str(update.serialized_data)
    assert "1967" not in stored and "female" not in stored


def test_deleting_a_profile_is_audited(alice_patient):
    profile = Profile.objects.create(user=alice_patient, sex="male")
    pk = profile.pk
    profile.delete()
    entry = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Profile), object_pk=str(pk)
    ).latest("timestamp")
    assert entry.action == LogEntry.Action.DELETE
    assert "male" not in str(entry.changes)


def test_accounts_and_memberships_are_audited(acme_qa):
    assert LogEntry.objects.get_for_object(acme_qa).filter(action=LogEntry.Action.CREATE).exists()
    membership = Membership.objects.get(user=acme_qa)
    assert LogEntry.objects.get_for_object(membership).exists()
    # Password hashes stay out of the trail.
    assert all("password" not in e.changes_dict for e in LogEntry.objects.get_for_object(acme_qa))


def test_staff_read_the_audit_trail_in_the_admin(client, staff_user, alice_patient, login):
    Profile.objects.create(user=alice_patient, date_of_birth=dt.date(1990, 1, 1))
    login(staff_user)
    response = client.get("/admin/auditlog/logentry/")
    assert response.status_code == 200
    assert "Profile" in response.content.decode()


def test_patients_cannot_open_the_admin(client, alice_patient, login):
    login(alice_patient)
    response = client.get("/admin/auditlog/logentry/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
