"""The staff review queue over flagged questions whose flags, reasons and note are encrypted:
the list shows the flags (never the question), and a note written after a recorded read is
saved encrypted and marks the question reviewed."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse

from knowledge.models import FlaggedQuestion

URL = "/admin/knowledge/flaggedquestion/"


def test_a_reviewer_saves_an_encrypted_review_note(client, alice_patient, login):
    from lumen.accounts.roles import StaffRole
    from tests.conftest import staff_person

    flagged = FlaggedQuestion.objects.create(
        user=alice_patient,
        audience="patient",
        question="I took all my pills",
        flags=["crisis", "flagged_for_review"],
        reasons=["overdose intent"],
    )
    reviewer = staff_person("rev@lumen.example", "Rev Iewer", StaffRole.CONTENT_EDITOR)
    login(reviewer)
    listing = client.get(URL).content.decode()
    assert "crisis, flagged_for_review" in listing and "I took all my pills" not in listing

    review = reverse("admin:knowledge_flaggedquestion_review", args=[flagged.pk])
    page = client.post(review, {"reason": "safety", "detail": "Weekly check"})
    assert "I took all my pills" in page.content.decode()
    done = reverse("admin:knowledge_flaggedquestion_mark_reviewed", args=[flagged.pk])
    response = client.post(done, {"note": "Rang back; safe."})
    assert response.status_code == 302, response.content[:2000]
    flagged.refresh_from_db()
    assert flagged.review_note == "Rang back; safe." and flagged.reviewed_by == reviewer
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT review_note FROM knowledge_flaggedquestion WHERE id = %s", [flagged.pk]
        )
        assert cursor.fetchone()[0].startswith("gAAAAA")
