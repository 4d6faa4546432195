"""The flagged-question review in the admin: the queue shows no question and no asker; a
reviewer reads one question and Lumen's answer only after giving a reason, which becomes an
audit entry; nothing else of the patient's is shown; staff without the reviewer permission
reach the text by no admin URL (issues 12 and 17)."""

from __future__ import annotations

import json
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils.html import escape

from knowledge.models import FlaggedQuestion
from lumen.accounts.roles import StaffRole
from tests.conftest import staff_person

EMERGENCY = "my face is drooping and I can't lift my arm"
OTHER_QUESTION = "What are the side effects of ibuprofen?"
WORDS = ("drooping", "lift my arm")
REASON = {"reason": "safety", "detail": "Weekly check of emergency escalations"}


@pytest.fixture
def flagged(client, alice_patient, login, small_corpus) -> FlaggedQuestion:
    """Alice asks an ordinary question, then an emergency one (flagged), through the site."""
    login(alice_patient)
    client.post("/patients/ask/", {"question": OTHER_QUESTION})
    client.post("/patients/ask/", {"question": EMERGENCY})
    client.logout()
    return FlaggedQuestion.objects.get()


@pytest.fixture
def rita_reviewer(db):
    return staff_person("rita@lumen.example", "Rita Reviewer", StaffRole.CONTENT_EDITOR)


def _review_url(flagged) -> str:
    return reverse("admin:knowledge_flaggedquestion_review", args=[flagged.pk])


def _mark_url(flagged) -> str:
    return reverse("admin:knowledge_flaggedquestion_mark_reviewed", args=[flagged.pk])


def _accesses(flagged):
    return LogEntry.objects.get_for_object(flagged).filter(action=LogEntry.Action.ACCESS)


def _assert_no_phi(content: str, alice, *, identity: bool = True) -> None:
    secrets = (*WORDS, OTHER_QUESTION)
    if identity:
        secrets += (alice.email, alice.name, str(alice.external_id))
    for secret in secrets:
        assert secret.lower() not in content.lower(), secret


def test_the_queue_shows_flags_and_dates_but_not_the_question_or_who_asked(
    client, flagged, rita_reviewer, alice_patient, login
):
    login(rita_reviewer)
    page = client.get(reverse("admin:knowledge_flaggedquestion_changelist")).content.decode()
    assert "emergency" in page and "patient" in page
    assert _review_url(flagged) in page
    _assert_no_phi(page, alice_patient)


def test_a_reviewer_gives_a_reason_then_reads_the_question_and_lumens_answer(
    client, flagged, rita_reviewer, alice_patient, login
):
    login(rita_reviewer)
    form = client.get(_review_url(flagged))
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    _assert_no_phi(form.content.decode(), alice_patient)
    assert not _accesses(flagged).exists()

    opened = client.post(_review_url(flagged), REASON)
    page = opened.content.decode()
    assert opened.status_code == 200
    assert "drooping" in page
    assert flagged.reply.message and escape(flagged.reply.message.splitlines()[0]) in page
    assert re.search(r"asker #[0-9a-f]{8}", page)
    # Nothing else of Alice's: not her other question, not her email, name or id.
    for secret in (OTHER_QUESTION, alice_patient.email, alice_patient.name):
        assert secret not in page
    assert "no-store" in opened["Cache-Control"]


def test_the_read_is_an_audit_entry_naming_reviewer_question_and_reason_not_the_text(
    client, flagged, rita_reviewer, login
):
    login(rita_reviewer)
    client.post(_review_url(flagged), REASON)
    entry = _accesses(flagged).get()
    assert entry.actor == rita_reviewer
    assert entry.object_pk == str(flagged.pk)
    assert entry.additional_data == {
        "review_reason": "safety",
        "review_reason_detail": REASON["detail"],
    }
    stored = json.dumps([entry.changes, entry.additional_data, entry.object_repr])
    assert not any(word in stored for word in WORDS)
    assert not any(
        word in json.dumps([e.changes, e.additional_data, e.object_repr])
        for e in LogEntry.objects.all()
        for word in WORDS
    )


def test_no_reason_no_text_and_no_entry(client, flagged, rita_reviewer, alice_patient, login):
    login(rita_reviewer)
    for bad in ({}, {"reason": "curious", "detail": "x"}, {"reason": "safety", "detail": "  "}):
        response = client.post(_review_url(flagged), bad)
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
        _assert_no_phi(response.content.decode(), alice_patient)
    assert not _accesses(flagged).exists()


def test_the_reviewer_marks_it_reviewed_with_a_note_once(client, flagged, rita_reviewer, login):
    login(rita_reviewer)
    client.post(_review_url(flagged), REASON)
    response = client.post(_mark_url(flagged), {"note": "Escalation shown first; fine."})
    assert response.status_code == 302
    assert response.url == reverse("admin:knowledge_flaggedquestion_changelist")
    flagged.refresh_from_db()
    assert flagged.reviewed_by == rita_reviewer and flagged.reviewed_at is not None
    assert flagged.review_note == "Escalation shown first; fine."
    first = flagged.reviewed_at

    again = client.post(_mark_url(flagged), {"note": "Second click"}, follow=True)
    assert "already reviewed" in again.content.decode()
    flagged.refresh_from_db()
    assert (flagged.reviewed_at, flagged.review_note) == (first, "Escalation shown first; fine.")


def test_marking_reviewed_without_reading_it_or_without_a_note_is_refused(
    client, flagged, rita_reviewer, login
):
    login(rita_reviewer)
    unread = client.post(_mark_url(flagged), {"note": "Looks fine"})
    assert unread.status_code == 302 and unread.url == _review_url(flagged)
    client.post(_review_url(flagged), REASON)
    no_note = client.post(_mark_url(flagged), {"note": " "})
    assert no_note.status_code == 302 and no_note.url == _review_url(flagged)
    assert client.get(_mark_url(flagged)).status_code == 405
    flagged.refresh_from_db()
    assert flagged.reviewed_at is None


def test_an_unknown_flag_is_a_404(client, db, rita_reviewer):
    client.force_login(rita_reviewer)
    for pk in ("999999", "not-a-number"):
        url = reverse("admin:knowledge_flaggedquestion_review", args=[pk])
        assert client.get(url).status_code == 404


def _every_admin_url(flagged) -> list[str]:
    """The queue's pages, then the audit trail's (which names actors, Alice among them)."""
    prefix = "admin:knowledge_flaggedquestion"
    changelist = reverse(f"{prefix}_changelist")
    return [
        changelist,  # searches: test_searching_*, as the page echoes the words searched for
        f"{changelist}?reviewed_at__isempty=1&_facets=True",
        reverse(f"{prefix}_change", args=[flagged.pk]),
        reverse(f"{prefix}_history", args=[flagged.pk]),
        reverse(f"{prefix}_delete", args=[flagged.pk]),
        reverse("admin:auditlog_logentry_changelist"),
        *(
            reverse("admin:auditlog_logentry_change", args=[entry.pk])
            for entry in LogEntry.objects.all()  # Alice's messages' entries too
        ),
    ]


@pytest.mark.parametrize("role", [r for r in StaffRole if r is not StaffRole.CONTENT_EDITOR])
def test_roles_without_the_reviewer_permission_reach_the_text_by_no_admin_url(
    client, flagged, alice_patient, role
):
    client.force_login(staff_person("walker@lumen.example", "Walker", role))
    for url in _every_admin_url(flagged):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        identity = not url.startswith(reverse("admin:auditlog_logentry_changelist"))
        _assert_no_phi(response.content.decode(), alice_patient, identity=identity)
    for method in (client.get, client.post):
        assert method(_review_url(flagged), REASON).status_code == 403
    assert client.post(_mark_url(flagged), {"note": "x"}).status_code == 403
    assert not _accesses(flagged).exists()
    flagged.refresh_from_db()
    assert flagged.reviewed_at is None


def test_even_a_reviewer_reaches_the_text_only_through_a_reason(
    client, flagged, alice_patient, staff_user
):
    client.force_login(staff_user)  # every staff role
    for url in _every_admin_url(flagged):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        identity = not url.startswith(reverse("admin:auditlog_logentry_changelist"))
        _assert_no_phi(response.content.decode(), alice_patient, identity=identity)


@pytest.mark.parametrize("role", [StaffRole.CONTENT_EDITOR, StaffRole.AUDITOR])
def test_searching_the_queue_or_the_audit_trail_for_a_word_of_the_question_matches_nothing(
    client, flagged, role
):
    client.force_login(staff_person("walker@lumen.example", "Walker", role))
    queue = reverse("admin:knowledge_flaggedquestion_changelist")
    # The queue has no search at all (flags and reasons are encrypted too): a `q` in the URL
    # neither narrows the list nor tells a word of the question from any other word.
    assert not client.get(queue).context["cl"].search_fields
    counts = {w: client.get(queue, {"q": w}).context["cl"].result_count
              for w in ("drooping", "arm", "zzz-not-in-any-question")}  # fmt: skip
    assert set(counts.values()) == {1}


def test_auditors_read_who_opened_which_question_and_why(client, flagged, rita_reviewer):
    client.force_login(rita_reviewer)
    client.post(_review_url(flagged), REASON)
    auditor = staff_person("ada@lumen.example", "Ada Auditor", StaffRole.AUDITOR)
    client.force_login(auditor)
    entry = _accesses(flagged).get()
    trail = reverse("admin:auditlog_logentry_changelist")
    listing = client.get(trail, {"q": rita_reviewer.email})
    assert str(flagged) in listing.content.decode()
    assert client.get(trail, {"q": "drooping"}).context["cl"].result_count == 0
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert REASON["detail"] in detail.content.decode()


def test_the_queue_cannot_be_filtered_by_the_question_or_the_asker(
    client, flagged, rita_reviewer, alice_patient
):
    client.force_login(rita_reviewer)
    queue = reverse("admin:knowledge_flaggedquestion_changelist")
    for lookup in (
        {"question__icontains": "drooping"},
        {"user": alice_patient.pk},
        {"user__email": alice_patient.email},
        {"reply__text__icontains": "stroke"},
    ):
        response = client.get(queue, lookup)
        assert response.status_code == 400, lookup
