"""Document control: the audit trail for the organisation's QA administrators (finding 9),
periodic review dates with reminders, and revision comparison."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from pharma import documents, kinds
from pharma.models import Membership, Revision
from tests.conftest import PASSWORD
from tests.pharma.conftest import approve
from tests.pharma.document_data import complete_content

CV = kinds.get("cleaning_validation")


@pytest.fixture
def approved(acme, acme_signer, acme_reviewer, acme_approver):
    document = documents.document_create(
        organisation=acme, user=acme_signer, kind=CV.key, title="Granulator train A"
    )
    revision = documents.revision_save(
        document=document, user=acme_signer, content=complete_content(CV), reason="Complete"
    )
    return approve(revision, acme_signer, acme_reviewer, acme_approver)


@pytest.fixture
def acme_qa_admin(acme_approver):
    Membership.objects.filter(user=acme_approver).update(qa_roles=["approver", "qa_admin"])
    return acme_approver


def test_the_qa_admin_sees_the_audit_trail_with_refused_signatures(
    client, login, approved, acme_qa_admin, acme_reviewer, globex, globex_qa
):
    with pytest.raises(documents.DocumentError):  # already approved: refused and logged
        documents.revision_sign(
            revision=approved, user=acme_reviewer, password=PASSWORD, meaning="reviewed"
        )
    with pytest.raises(documents.DocumentError):
        documents.revision_sign(
            revision=approved, user=acme_reviewer, password="wrong", meaning="reviewed"
        )
    other = documents.document_create(
        organisation=globex, user=globex_qa, kind=CV.key, title="Globex secret line"
    )
    login(acme_qa_admin)
    page = client.get("/pharma/audit/").content.decode()
    assert "status in_review → approved" in page and "status draft → in_review" in page
    assert "signature refused" in page and "signature password failed" in page
    assert "Granulator train A" in page or "CVP-0001" in page
    assert other.title not in page and "Globex" not in page
    home = client.get("/pharma/").content.decode()
    assert 'href="/pharma/audit/"' in home


def test_members_without_the_qa_admin_role_cannot_see_the_audit_trail(
    client, login, approved, acme_reviewer
):
    login(acme_reviewer)
    assert client.get("/pharma/audit/").status_code == 403
    assert 'href="/pharma/audit/"' not in client.get("/pharma/").content.decode()


def test_periodic_reviews_due_are_listed_and_emailed_to_qa_admins(
    client, login, approved, acme_qa_admin, mailoutbox
):
    assert approved.review_due == documents._months_after(approved.effective_date, 24)
    call_command("pharma_review_reminders", stdout=io.StringIO())
    assert mailoutbox == [], "not due for two years"
    Revision.objects.filter(pk=approved.pk).update(
        review_due=timezone.localdate() + dt.timedelta(days=10)
    )
    call_command("pharma_review_reminders", stdout=io.StringIO())
    assert [m.to for m in mailoutbox] == [["avery@acme.example"]]
    assert "CVP-0001 Granulator train A, version 1.0" in mailoutbox[0].body
    login(acme_qa_admin)
    assert "Periodic reviews due" in client.get("/pharma/").content.decode()


def test_months_after_keeps_the_day_or_the_months_last():
    assert documents._months_after(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert documents._months_after(dt.date(2026, 12, 7), 24) == dt.date(2028, 12, 7)


def test_comparing_revisions_lists_what_changed(client, login, approved, acme_signer):
    content = complete_content(CV)
    content["cleaning"]["runs"] = 4
    documents.revision_save(
        document=approved.document, user=acme_signer, content=content, reason="Four runs"
    )
    login(acme_signer)
    page = client.get(f"/pharma/documents/{approved.document.uid}/compare/").content.decode()
    assert "Version 1.0 → version 1.1" in page and "1 change" in page
    assert "Number of consecutive cleaning cycles" in page


def test_a_qa_admin_sets_roles_and_the_last_admin_stays(client, login, acme_qa_admin, acme_signer):
    login(acme_qa_admin)
    quinn = Membership.objects.get(user=acme_signer)
    response = client.post(
        "/pharma/members/", {"membership": quinn.pk, "roles": ["author", "reviewer", "king"]}
    )
    assert response.status_code == 302
    quinn.refresh_from_db()
    assert quinn.qa_roles == ["author", "reviewer"]
    me = Membership.objects.get(user=acme_qa_admin)
    page = client.post(
        "/pharma/members/", {"membership": me.pk, "roles": ["approver"]}, follow=True
    )
    assert "Keep at least one QA administrator" in page.content.decode()
    me.refresh_from_db()
    assert "qa_admin" in me.qa_roles


def test_members_who_are_not_qa_admins_cannot_change_roles(
    client, login, acme_signer, acme_qa_admin
):
    login(acme_signer)
    me = Membership.objects.get(user=acme_signer)
    page = client.post(
        "/pharma/members/", {"membership": me.pk, "roles": ["author", "approver"]}, follow=True
    )
    assert "QA administrators can change roles" in page.content.decode()
    me.refresh_from_db()
    assert me.qa_roles == ["author"]
    assert 'name="roles"' not in client.get("/pharma/members/").content.decode()
