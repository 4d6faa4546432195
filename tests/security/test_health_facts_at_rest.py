"""No health fact in a clear column: every column of every table holding a patient's rows is
encrypted, a key, or on a commented allow-list, and raw SQL over realistic rows (a crisis
question, a medicine matched to warfarin) sees no clear value."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from encrypted_model_fields.fields import EncryptedMixin

from knowledge.models import Drug, FlaggedQuestion
from lumen.lib.fields import EncryptedJSONField
from patients.data_rights import export_data
from patients.models import Conversation, Medication, Message
from patients.selectors import profile_for

# Tables whose rows belong to one patient, beyond the patients app's own: the staff review
# queue keeps the asker's question beside their account.
OTHER_PATIENT_TABLES = ("knowledge_flaggedquestion",)

# Clear columns that are neither keys nor creation times, each with why it reveals no
# condition, medicine, symptom or risk. An entry whose column is gone fails the test too.
ALLOWED: dict[tuple[str, str], str] = {
    # A place (where reminders are timed), not a health fact.
    ("patients_profile", "time_zone"): "IANA zone for reminder times",
    ("patients_profile", "updated_at"): "when the row last changed",
    ("patients_conversation", "updated_at"): "when the patient last asked",
    # Who wrote a message (patient or Lumen); the content is encrypted.
    ("patients_message", "role"): "user / assistant",
    # Which generation backend wrote the answer (tgi, extractive): operational.
    ("patients_message", "backend"): "generation backend name",
    # Thumbs up or down on an answer: an opinion of Lumen, not a health fact.
    ("patients_message", "feedback"): "answer rating",
    # The reminder worker selects due schedules and doses in SQL every minute, and adherence
    # is counted in SQL per medicine. A time, a weekday or "taken" says nothing about which
    # medicine (its name, match and dose are encrypted) or why it is taken.
    ("patients_doseschedule", "time_of_day"): "reminder time",
    ("patients_doseschedule", "weekdays"): "reminder days",
    ("patients_doseschedule", "remind"): "email reminder on/off",
    ("patients_doseschedule", "active"): "schedule in use",
    ("patients_dose", "due_at"): "when a dose fell due",
    ("patients_dose", "status"): "pending / taken / skipped",
    ("patients_dose", "reminded_at"): "when the reminder went",
    ("patients_dose", "recorded_at"): "when the patient answered",
    ("patients_dose", "unscheduled"): "taken outside the schedule",
    # Repeats, snoozes and refill warnings are selected and claimed in SQL by the same worker
    # (patients/reminders.py), and a pack is counted down atomically. Counts and times name
    # no medicine and no strength (both encrypted).
    ("patients_profile", "time_zone_confirmed"): "zone chosen, not the default",
    ("patients_doseschedule", "repeat_minutes"): "reminder repeat interval",
    ("patients_doseschedule", "units_per_dose"): "units counted off the pack",
    ("patients_dose", "next_reminder_at"): "when a repeat or snooze is due",
    ("patients_dose", "reminders_sent"): "how many reminders went",
    ("patients_medication", "pack_count"): "units left in the pack",
    ("patients_medication", "refill_warn_days"): "days of warning before running out",
    ("patients_medication", "refill_warned_at"): "when the refill warning went",
    # An HMAC (keyed by SECRET_KEY) of the encrypted endpoint, to find a device's row again.
    ("patients_pushsubscription", "endpoint_digest"): "keyed hash of the push endpoint",
    # The staff queue filters on these in SQL (reviewed or not, patient or pharma, web or
    # command line); none says anything about the question, which is encrypted.
    ("knowledge_flaggedquestion", "audience"): "patient / pharma",
    ("knowledge_flaggedquestion", "channel"): "web / cli",
    ("knowledge_flaggedquestion", "reviewed_at"): "when staff reviewed it",
}

ENCRYPTED_FIELDS = (EncryptedMixin, EncryptedJSONField)
CRISIS = "crisis"
CITATION = "Warfarin: patient information"


def _patient_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = current_schema() AND table_name LIKE 'patients\\_%%'"
        )
        return sorted({row[0] for row in cursor.fetchall()} | set(OTHER_PATIENT_TABLES))


def _columns(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = %s ORDER BY column_name",
            [table],
        )
        return cursor.fetchall()


def _foreign_keys(table: str) -> dict[str, str]:
    """Column -> the table it references, from the database's own constraints."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kcu.column_name, ccu.table_name"
            " FROM information_schema.table_constraints tc"
            " JOIN information_schema.key_column_usage kcu"
            "   ON kcu.constraint_name = tc.constraint_name"
            "  AND kcu.table_schema = tc.table_schema"
            " JOIN information_schema.constraint_column_usage ccu"
            "   ON ccu.constraint_name = tc.constraint_name"
            "  AND ccu.table_schema = tc.table_schema"
            " WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_name = %s",
            [table],
        )
        return dict(cursor.fetchall())


def _why_clear_is_wrong(
    table: str, column: str, data_type: str, links: dict[str, str], owners: set[str]
) -> str:
    """Why this column fails, or "" when it is encrypted, a key or allowed."""
    if column in links:
        # A link to the patient's own rows or to an account is a key; a link anywhere else
        # (a drug) names a health fact in clear.
        return "" if links[column] in owners else f"foreign key to {links[column]}"
    if column == "id" or data_type == "uuid" or column == "created_at":
        return ""
    if (table, column) in ALLOWED:
        return ""
    models = {m._meta.db_table: m for m in apps.get_models()}
    if table not in models:
        return "table has no model to say how it is stored"
    fields = {f.column: f for f in models[table]._meta.concrete_fields}
    field = fields.get(column)
    if isinstance(field, ENCRYPTED_FIELDS) and data_type == "text":
        return ""
    return f"clear {data_type}"


@pytest.mark.django_db
def test_every_column_of_a_patient_table_is_encrypted_a_key_or_allowed():
    tables = _patient_tables()
    assert "patients_medication" in tables and "patients_message" in tables
    owners = {*tables, get_user_model()._meta.db_table}
    seen, failures = set(), []
    for table in tables:
        links = _foreign_keys(table)
        for column, data_type in _columns(table):
            seen.add((table, column))
            if why := _why_clear_is_wrong(table, column, data_type, links, owners):
                failures.append(f"{table}.{column}: {why}")
    assert failures == []
    assert set(ALLOWED) <= seen, f"stale allow-list entries: {set(ALLOWED) - seen}"


@pytest.fixture
def alice_in_crisis_on_warfarin(alice_patient):
    warfarin = Drug.objects.create(name="warfarin", brand_names=["Coumadin"])
    profile = profile_for(alice_patient)
    medication = Medication.objects.create(profile=profile, name="Coumadin 5 mg", drug=warfarin)
    conversation = Conversation.objects.create(user=alice_patient)
    asked = Message.objects.create(
        conversation=conversation, role=Message.Role.USER, text="I want to end it all"
    )
    reply = Message.objects.create(
        conversation=conversation,
        in_reply_to=asked,
        role=Message.Role.ASSISTANT,
        text="Please call 988 now.",
        citations=[{"n": 1, "title": CITATION, "section": "Warnings", "url": "https://x.test"}],
        flags=[CRISIS, "flagged_for_review"],
        escalated=True,
        abstained=False,
        notice="The model was unavailable.",
        backend="extractive",
    )
    flagged = FlaggedQuestion.objects.create(
        user=alice_patient,
        audience="patient",
        question="I want to end it all",
        flags=[CRISIS, "flagged_for_review"],
        reasons=["self-harm intent"],
        review_note="Rang back; safe with family.",
    )
    return warfarin, medication, reply, flagged


def _raw_row(table: str, pk: int) -> dict[str, object]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', [pk])  # noqa: S608 - our names
        names = [c.name for c in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def test_raw_sql_sees_no_flag_drug_or_citation_in_clear(alice_in_crisis_on_warfarin):
    warfarin, medication, reply, flagged = alice_in_crisis_on_warfarin
    rows = {
        "patients_medication": _raw_row("patients_medication", medication.pk),
        "patients_message": _raw_row("patients_message", reply.pk),
        "knowledge_flaggedquestion": _raw_row("knowledge_flaggedquestion", flagged.pk),
    }
    stored = " ".join(str(v) for row in rows.values() for v in row.values())
    for clear in (CRISIS, "flagged_for_review", CITATION, "Warfarin", "self-harm", "Rang back"):
        assert clear not in stored
    # The drug's id appears nowhere in the medicine's row but as ciphertext.
    med = rows["patients_medication"]
    assert "drug_id" not in med
    assert all(v != warfarin.pk for k, v in med.items() if k not in {"id", "profile_id"})
    assert med["drug_ref"].startswith("gAAAAA")
    message = rows["patients_message"]
    for column in ("flags", "citations", "escalated", "abstained", "notice"):
        assert isinstance(message[column], str) and message[column].startswith("gAAAAA")


def test_the_encrypted_facts_read_back_as_they_were_written(alice_in_crisis_on_warfarin):
    warfarin, medication, reply, flagged = alice_in_crisis_on_warfarin
    assert Medication.objects.get(pk=medication.pk).drug == warfarin
    again = Message.objects.get(pk=reply.pk)
    assert again.flags == [CRISIS, "flagged_for_review"]
    assert (again.escalated, again.abstained) == (True, False)
    assert again.citations[0]["title"] == CITATION and again.notice.startswith("The model")
    stored = FlaggedQuestion.objects.get(pk=flagged.pk)
    assert (stored.flags, stored.reasons) == ([CRISIS, "flagged_for_review"], ["self-harm intent"])
    assert stored.review_note == "Rang back; safe with family."


def test_the_data_export_still_carries_the_drug_match_and_the_flags(
    alice_in_crisis_on_warfarin, alice_patient
):
    warfarin, _, reply, _ = alice_in_crisis_on_warfarin
    data = export_data(alice_patient)
    (exported,) = data["medications"]
    assert exported["drug"] == str(warfarin.uid) and "drug_ref" not in exported
    answer = next(m for m in data["conversation"] if m["uid"] == str(reply.uid))
    assert answer["flags"] == [CRISIS, "flagged_for_review"] and answer["escalated"] is True
    assert answer["citations"][0]["title"] == CITATION
