"""What each staff role may do with the knowledge base in the admin (collected by
lumen.accounts.roles)."""

from __future__ import annotations

from lumen.accounts.roles import StaffRole

_CURATED = ("source", "document", "chunk", "drug", "druginteraction", "regulatorystatus")

STAFF_PERMISSIONS: dict[StaffRole, tuple[str, ...]] = {
    StaffRole.CONTENT_EDITOR: (
        *(
            f"knowledge.{action}_{model}"
            for model in _CURATED
            for action in ("view", "add", "change", "delete")
        ),
        "knowledge.view_flaggedquestion",  # the queue: flags and dates, never the question
        "knowledge.review_flaggedquestion",  # read one, giving a reason (an audit entry)
        "knowledge.view_unknowndrugname",  # content gaps: names only, read-only
    ),
    StaffRole.AUDITOR: (
        *(f"knowledge.view_{model}" for model in _CURATED),
        "knowledge.view_flaggedquestion",  # whether the queue is kept up; no question text
        "knowledge.view_unknowndrugname",
    ),
}
