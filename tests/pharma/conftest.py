"""The people of Acme's QA approval workflow: Quinn writes (author), Rita reviews, Avery
approves; all sign with two-factor on. `approve` takes a revision through the whole matrix."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, _person, totp_enable


def acme_member(acme, email: str, name: str, *roles: str):
    from lumen.accounts.roles import Role
    from pharma.models import Membership

    user = _person(email, Role.PHARMA, name)
    Membership.objects.create(user=user, organisation=acme, qa_roles=list(roles))
    totp_enable(user)
    return user


@pytest.fixture
def acme_reviewer(acme):
    return acme_member(acme, "rita@acme.example", "Rita Reviewer", "reviewer")


@pytest.fixture
def acme_approver(acme):
    return acme_member(acme, "avery@acme.example", "Avery Approver", "approver")


def approve(revision, author, reviewer, approver):
    """Submit `revision` as `author` and sign it authored, reviewed and approved."""
    from pharma import documents

    documents.revision_submit(
        revision=revision, user=author, reviewers=[reviewer], approvers=[approver]
    )
    for user, meaning in ((author, "authored"), (reviewer, "reviewed"), (approver, "approved")):
        documents.revision_sign(revision=revision, user=user, password=PASSWORD, meaning=meaning)
    revision.refresh_from_db()
    return revision
