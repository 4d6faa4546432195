"""The migrations that encrypted the health facts of clear columns keep every stored value:
rows written under the old schema read back the same after migrating, and the way back
restores them in clear.

The test migrates the real test database backwards and forwards inside its own transaction;
PostgreSQL's DDL is transactional, so the rollback at the end leaves the schema as it was.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from knowledge.models import Drug, FlaggedQuestion
from patients.models import Medication, Message

BEFORE = [("patients", "0005_tracking_unscheduled_dose"), ("knowledge", "0003_flagged_question")]
# Forward means every migration there is (the encrypting ones and whatever came after), so
# the current models can read the rows back.
AFTER = None
CITATIONS = [{"n": 1, "title": "Warfarin: patient information", "url": "https://x.test"}]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    if targets is AFTER:
        targets = executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_rows(old, user_pk: int) -> dict[str, int]:
    """A patient on warfarin with a crisis answer and a reviewed flagged question, written
    through the models as they were before the migration."""
    warfarin = old.get_model("knowledge", "Drug").objects.create(name="warfarin")
    profile = old.get_model("patients", "Profile").objects.create(user_id=user_pk)
    Medication_ = old.get_model("patients", "Medication")
    matched = Medication_.objects.create(profile=profile, name="Coumadin", drug=warfarin)
    unmatched = Medication_.objects.create(profile=profile, name="herbal tonic")
    conversation = old.get_model("patients", "Conversation").objects.create(user_id=user_pk)
    Message_ = old.get_model("patients", "Message")
    crisis = Message_.objects.create(
        conversation=conversation,
        role="assistant",
        text="Call 988.",
        citations=CITATIONS,
        flags=["crisis", "flagged_for_review"],
        escalated=True,
        notice="Fallback used.",
        backend="extractive",
    )
    plain = Message_.objects.create(conversation=conversation, role="assistant", abstained=True)
    flagged = old.get_model("knowledge", "FlaggedQuestion").objects.create(
        user_id=user_pk,
        audience="patient",
        question="q",
        flags=["crisis"],
        reasons=["self-harm intent"],
        review_note="Rang back.",
    )
    return {
        "warfarin": warfarin.pk,
        "matched": matched.pk,
        "unmatched": unmatched.pk,
        "crisis": crisis.pk,
        "plain": plain.pk,
        "flagged": flagged.pk,
    }


@pytest.mark.django_db
def test_encrypting_the_clear_columns_keeps_every_stored_value(alice_patient):
    # Deferred foreign-key checks would otherwise still be pending when a later migration
    # alters the same table in this one transaction, which PostgreSQL refuses.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    old = _migrate(BEFORE)
    ids = _old_rows(old, alice_patient.pk)

    _migrate(AFTER)
    assert Medication.objects.get(pk=ids["matched"]).drug == Drug.objects.get(pk=ids["warfarin"])
    assert Medication.objects.get(pk=ids["unmatched"]).drug is None
    crisis = Message.objects.get(pk=ids["crisis"])
    assert (crisis.citations, crisis.flags) == (CITATIONS, ["crisis", "flagged_for_review"])
    assert (crisis.escalated, crisis.abstained, crisis.notice) == (True, False, "Fallback used.")
    assert crisis.backend == "extractive" and crisis.text == "Call 988."
    plain = Message.objects.get(pk=ids["plain"])
    assert (plain.flags, plain.citations, plain.escalated, plain.abstained) == ([], [], False, True)
    flagged = FlaggedQuestion.objects.get(pk=ids["flagged"])
    assert (flagged.flags, flagged.reasons) == (["crisis"], ["self-harm intent"])
    assert flagged.review_note == "Rang back."
    with connection.cursor() as cursor:
        cursor.execute("SELECT flags, escalated FROM patients_message WHERE id = %s", [crisis.pk])
        assert all(value.startswith("gAAAAA") for value in cursor.fetchone())

    # And back: the clear columns return with the same values.
    old = _migrate(BEFORE)
    med = old.get_model("patients", "Medication").objects.get(pk=ids["matched"])
    assert med.drug_id == ids["warfarin"]
    crisis = old.get_model("patients", "Message").objects.get(pk=ids["crisis"])
    assert (crisis.flags, crisis.escalated, crisis.citations) == (
        ["crisis", "flagged_for_review"],
        True,
        CITATIONS,
    )
    back = old.get_model("knowledge", "FlaggedQuestion").objects.get(pk=ids["flagged"])
    assert (back.flags, back.review_note) == (["crisis"], "Rang back.")
    _migrate(AFTER)
