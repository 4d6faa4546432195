"""Who may sign what: the approval matrix and separation of duties.

Each document kind needs, before a revision is approved, one "authored" signature by the
person who submitted it, then the matrix's number of "reviewed" signatures, then of
"approved" signatures (default one each). Reviewers and approvers are assigned on
submission; each signature needs the role it stands for (pharma.models.QARole), and one
person signs a revision with one meaning only, so author, reviewers and approvers are
distinct people.
"""

from __future__ import annotations

from lumen.accounts.models import User
from pharma.models import Membership, Organisation, QARole, Revision, Signature
from pharma.qa_settings import qa_setting

Meaning = Signature.Meaning

ROLE_FOR = {
    Meaning.AUTHORED: QARole.AUTHOR,
    Meaning.REVIEWED: QARole.REVIEWER,
    Meaning.APPROVED: QARole.APPROVER,
}
ORDER = (Meaning.AUTHORED, Meaning.REVIEWED, Meaning.APPROVED)
MAX_PER_MEANING = 5


def matrix(organisation: Organisation, kind: str) -> dict[str, int]:
    """Signatures needed per meaning for `kind` in `organisation`."""
    override = (qa_setting(organisation, "approval_matrix") or {}).get(kind) or {}
    needed = {Meaning.AUTHORED: 1, Meaning.REVIEWED: 1, Meaning.APPROVED: 1}
    for meaning in (Meaning.REVIEWED, Meaning.APPROVED):
        value = override.get(str(meaning))
        if isinstance(value, int) and not isinstance(value, bool):
            needed[meaning] = min(max(value, 1), MAX_PER_MEANING)
    return needed


def roles_of(user: User, organisation: Organisation) -> set[str]:
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    return set(membership.qa_roles) if membership else set()


def members_with(organisation: Organisation, role: str):
    """Users of `organisation` holding `role`, by name."""
    return User.objects.filter(
        pharma_membership__organisation=organisation, pharma_membership__qa_roles__contains=[role]
    ).order_by("name", "email")


def signing_refusal(revision: Revision, user: User, meaning: str) -> str:
    """Why `user` may not sign `revision` with `meaning` now ("" when they may)."""
    organisation = revision.document.organisation
    role = ROLE_FOR[meaning]
    if role not in roles_of(user, organisation):
        return f"Signing as {Meaning(meaning).label.lower()} needs the {role.label.lower()} role."
    signatures = list(revision.signatures.all())
    if any(s.signer_id == user.pk and s.meaning == meaning for s in signatures):
        return "You have already signed this revision with that meaning."
    other = next((s for s in signatures if s.signer_id == user.pk), None)
    if other is not None:
        return (
            f"You signed this revision as {other.get_meaning_display().lower()}: each "
            "signature needs a different person."
        )
    if meaning == Meaning.AUTHORED:
        if revision.submitted_by_id != user.pk:
            return "Only the person who submitted this revision signs it as author."
        return ""
    if user.pk == revision.submitted_by_id:
        return "The author of a revision cannot review or approve it."
    if not revision.assignments.filter(user=user, meaning=meaning).exists():
        return f"You are not assigned to sign this revision as {Meaning(meaning).label.lower()}."
    needed = matrix(organisation, revision.document.kind)
    for earlier in ORDER[: ORDER.index(meaning)]:
        done = sum(1 for s in signatures if s.meaning == earlier)
        if done < needed[earlier]:
            return (
                f"{Meaning(earlier).label} signatures come first "
                f"({done} of {needed[earlier]} so far)."
            )
    return ""


def approval_complete(revision: Revision) -> bool:
    needed = matrix(revision.document.organisation, revision.document.kind)
    signatures = list(revision.signatures.all())
    return all(sum(1 for s in signatures if s.meaning == m) >= n for m, n in needed.items())


def assignment_refusal(
    revision: Revision, submitter: User, reviewers: list[User], approvers: list[User]
) -> str:
    """Why these assignees cannot be asked to sign `revision` ("" when they can)."""
    organisation = revision.document.organisation
    needed = matrix(organisation, revision.document.kind)
    if set(reviewers) & set(approvers):
        return "Reviewers and approvers must be different people."
    for meaning, people in ((Meaning.REVIEWED, reviewers), (Meaning.APPROVED, approvers)):
        label = "reviewer" if meaning == Meaning.REVIEWED else "approver"
        if len(set(people)) < needed[meaning]:
            return f"Choose at least {needed[meaning]} {label}(s) for this kind of document."
        for person in people:
            if person == submitter:
                return "You cannot review or approve your own revision: choose someone else."
            if ROLE_FOR[meaning] not in roles_of(person, organisation):
                return f"{person.name or person.email} does not hold the {label} role."
    return ""
