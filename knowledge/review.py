"""The flagged-question review: a reviewer reads a question only after giving a reason, and
that read is an audit entry (who, when, which flag, why; never the question).

Issue 17: staff reviewers see the flagged question and Lumen's answer, never the rest of the
patient's record; the asker appears only as a pseudonym stable across their flags.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from knowledge.models import FlaggedQuestion

REVIEW_PERMISSION = "knowledge.review_flaggedquestion"

# Why a reviewer opens a question: recorded with each read, reported to auditors.
REASONS = {
    "safety": "Check the safety response (emergency, crisis, misuse)",
    "answer": "Check that Lumen's answer is correct",
    "content": "Find a gap in the knowledge base",
    "other": "Other (explained below)",
}


@dataclass(frozen=True)
class ReviewedQuestion:
    """What a reviewer is shown after giving a reason: the question, the answer, a pseudonym."""

    flagged: FlaggedQuestion
    question: str
    answer_message: str
    answer_text: str
    asker: str


def asker_pseudonym(flagged: FlaggedQuestion) -> str:
    """ "asker #<8 hex>": the same person across their flags, but no name, email or id."""
    if flagged.user_id is None:
        return f"anonymous ({flagged.channel})"
    digest = salted_hmac("knowledge.review.asker", str(flagged.user_id)).hexdigest()
    return f"asker #{digest[:8]}"


def flagged_question_open(
    *, flagged: FlaggedQuestion, reviewer, reason: str, detail: str
) -> ReviewedQuestion:
    """Record the reviewer's read (an auditlog ACCESS entry), then return what they may see.

    The entry is written before anything is read, so no read goes unrecorded.
    """
    if reason not in REASONS:
        raise ValueError(f"Unknown review reason {reason!r}.")
    LogEntry.objects.log_create(
        flagged,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=reviewer,
        additional_data={"review_reason": reason, "review_reason_detail": detail},
    )
    reply = flagged.reply  # the one answer message, through its model (decrypted there)
    return ReviewedQuestion(
        flagged=flagged,
        question=flagged.question,
        answer_message=reply.message if reply else "",
        answer_text=reply.text if reply else "",
        asker=asker_pseudonym(flagged),
    )


def has_opened(*, flagged: FlaggedQuestion, reviewer) -> bool:
    """Whether `reviewer` has read `flagged` (a recorded access): only then may they mark it."""
    return (
        LogEntry.objects.get_for_object(flagged)
        .filter(action=LogEntry.Action.ACCESS, actor=reviewer)
        .exists()
    )


@transaction.atomic
def flagged_question_mark_reviewed(*, flagged: FlaggedQuestion, reviewer, note: str) -> bool:
    """Mark `flagged` reviewed with `note`; False if someone already had (two clicks, two
    reviewers), leaving their review in place."""
    updated = FlaggedQuestion.objects.filter(pk=flagged.pk, reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by=reviewer, review_note=note
    )
    if updated:
        flagged.refresh_from_db(fields=["reviewed_at", "reviewed_by", "review_note"])
        LogEntry.objects.log_create(
            flagged,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"reviewed_at": ["None", str(flagged.reviewed_at)]},
            actor=reviewer,
            additional_data={"review": "marked reviewed"},
        )
    return bool(updated)
