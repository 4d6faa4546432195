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
        "knowledge.view_flaggedquestion",
        "knowledge.change_flaggedquestion",  # the review note; the question stays read-only
    ),
    StaffRole.AUDITOR: tuple(f"knowledge.view_{model}" for model in _CURATED),
}
