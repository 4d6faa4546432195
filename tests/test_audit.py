"""django-auditlog records who changed regulated data, never the PHI values themselves."""

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from knowledge.models import Drug, FlaggedQuestion
from lumen.lib.audit import REDACTED
from patients.models import Conversation, Medication, Message, Profile
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


def test_a_medicines_drug_match_and_an_answers_flags_are_masked_in_the_audit_trail(
    alice_patient,
):
    warfarin = Drug.objects.create(name="warfarin")
    profile = Profile.objects.create(user=alice_patient)
    medication = Medication.objects.create(profile=profile, name="Coumadin")
    medication.drug = warfarin
    medication.save()
    reply = Message.objects.create(
        conversation=Conversation.objects.create(user=alice_patient),
        role=Message.Role.ASSISTANT,
        citations=[{"n": 1, "title": "Warfarin: patient information"}],
        flags=["crisis", "flagged_for_review"],
        escalated=True,
        abstained=True,
        notice="The model was unavailable.",
    )
    flagged = FlaggedQuestion.objects.create(
        user=alice_patient, audience="patient", question="q", flags=["crisis"], reasons=["r"]
    )
    flagged.review_note = "Rang back."
    flagged.save()

    drug_change = LogEntry.objects.get_for_object(medication).latest("timestamp")
    assert drug_change.changes_dict["drug_ref"] == [REDACTED, REDACTED]
    created = LogEntry.objects.get_for_object(reply).get()
    for field in ("citations", "flags", "escalated", "abstained", "notice"):
        assert created.changes_dict[field] == [REDACTED, REDACTED], field
    reviewed = LogEntry.objects.get_for_object(flagged).latest("timestamp")
    assert reviewed.changes_dict["review_note"] == [REDACTED, REDACTED]
    trail = " ".join(str(e.changes) + str(e.changes_text) for e in LogEntry.objects.all())
    for clear in ("crisis", "Warfarin", "unavailable", "Rang back", f"→ {warfarin.pk}"):
        assert clear not in trail
