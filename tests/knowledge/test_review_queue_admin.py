"""The staff review queue reads and edits flagged questions whose flags, reasons and note are
encrypted: the list shows the flags, a review note is saved (encrypted) and marks the
question reviewed."""

from __future__ import annotations

from django.db import connection

from knowledge.models import FlaggedQuestion

URL = "/admin/knowledge/flaggedquestion/"


def test_staff_read_the_flags_and_save_a_review_note(client, staff_user, alice_patient, login):
    flagged = FlaggedQuestion.objects.create(
        user=alice_patient,
        audience="patient",
        question="I took all my pills",
        flags=["crisis", "flagged_for_review"],
        reasons=["overdose intent"],
    )
    login(staff_user)
    assert "crisis, flagged_for_review" in client.get(URL).content.decode()
    change = f"{URL}{flagged.pk}/change/"
    page = client.get(change).content.decode()
    assert "overdose intent" in page and "I took all my pills" in page

    response = client.post(change, {"review_note": "Rang back; safe."})
    assert response.status_code == 302, response.content[:2000]
    flagged.refresh_from_db()
    assert flagged.review_note == "Rang back; safe." and flagged.reviewed_by == staff_user
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT review_note FROM knowledge_flaggedquestion WHERE id = %s", [flagged.pk]
        )
        assert cursor.fetchone()[0].startswith("gAAAAA")
