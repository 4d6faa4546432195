"""The symptom diary: entries in the patient's own time zone, charts per symptom, and no
one else's entries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from patients.models import Profile, SymptomEntry
from patients.tracking import symptom_entry_add

UTC = dt.UTC


@pytest.fixture
def alice_profile(alice_patient):
    return Profile.objects.create(user=alice_patient, time_zone="Asia/Kolkata")


@pytest.fixture
def bob_profile(bob_patient):
    return Profile.objects.create(user=bob_patient)


def _entry(profile, symptom="Headache", severity=4, when=None, notes=""):
    when = when or timezone.now() - dt.timedelta(hours=1)
    return symptom_entry_add(
        profile=profile, symptom=symptom, severity=severity, recorded_at=when, notes=notes
    )


def test_a_patient_adds_an_entry_at_a_local_time_and_sees_it_with_a_chart(
    client, alice_profile, login
):
    login(alice_profile.user)
    response = client.post(
        "/patients/diary/",
        {
            "symptom": " Headache ",
            "severity": "6",
            "recorded_at": "2025-03-01T09:30",
            "notes": "after lunch",
        },
    )
    assert response.status_code == 302
    entry = SymptomEntry.objects.get(profile=alice_profile)
    # 09:30 in Kolkata (UTC+5:30) is 04:00 UTC.
    assert entry.recorded_at == dt.datetime(2025, 3, 1, 4, 0, tzinfo=UTC)
    assert (entry.symptom, entry.severity, entry.notes) == ("Headache", 6, "after lunch")

    page = client.get("/patients/diary/").content.decode()
    assert "Asia/Kolkata" in page
    assert "1 Mar 2025, 09:30" in page  # shown back in local time
    assert '<svg class="chart"' in page
    assert "<title id=" in page and "Headache: severity over time" in page
    assert "<summary>Show as a table</summary>" in page


def test_the_form_starts_at_now_on_the_patients_clock(client, alice_profile, login):
    login(alice_profile.user)
    page = client.get("/patients/diary/").content.decode()
    local = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert f'value="{local:%Y-%m-%dT%H:%M}"' in page or (
        f'value="{local - dt.timedelta(minutes=1):%Y-%m-%dT%H:%M}"' in page
    )


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"symptom": "Nausea", "severity": "11", "recorded_at": "2025-03-01T09:30"},
            "less than or equal to 10",
        ),
        (
            {"symptom": "Nausea", "severity": "-1", "recorded_at": "2025-03-01T09:30"},
            "greater than or equal to 0",
        ),
        (
            {"symptom": "", "severity": "3", "recorded_at": "2025-03-01T09:30"},
            "This field is required",
        ),
        (
            {"symptom": "Nausea", "severity": "3", "recorded_at": "2999-01-01T09:30"},
            "in the future",
        ),
        (
            {"symptom": "Nausea", "severity": "3", "recorded_at": "yesterday"},
            "Enter a valid date/time",
        ),
    ],
)
def test_bad_entries_are_form_errors_and_save_nothing(client, alice_profile, login, data, error):
    login(alice_profile.user)
    response = client.post("/patients/diary/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not SymptomEntry.objects.exists()


def test_symptoms_are_charted_separately_whatever_their_case(client, alice_profile, login):
    now = timezone.now()
    _entry(alice_profile, "Headache", 3, now - dt.timedelta(days=2))
    _entry(alice_profile, "headache", 7, now - dt.timedelta(days=1))
    _entry(alice_profile, "Nausea", 2, now - dt.timedelta(days=1))
    login(alice_profile.user)
    page = client.get("/patients/diary/").content.decode()
    assert page.count('<svg class="chart"') == 2
    assert "2 entries from" in page


def test_a_patient_edits_and_deletes_their_own_entry(client, alice_profile, login):
    entry = _entry(alice_profile)
    login(alice_profile.user)
    form = client.get(f"/patients/diary/{entry.uid}/edit/").content.decode()
    assert 'value="Headache"' in form
    response = client.post(
        f"/patients/diary/{entry.uid}/edit/",
        {"symptom": "Migraine", "severity": "8", "recorded_at": "2025-03-01T10:00", "notes": ""},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.symptom, entry.severity) == ("Migraine", 8)
    assert entry.recorded_at == dt.datetime(2025, 3, 1, 4, 30, tzinfo=UTC)

    assert client.post(f"/patients/diary/{entry.uid}/delete/").status_code == 302
    assert not SymptomEntry.objects.exists()


def test_another_patients_entries_are_invisible_and_untouchable(
    client, alice_profile, bob_profile, login
):
    entry = _entry(alice_profile, "Secret rash", notes="private note")
    login(bob_profile.user)
    page = client.get("/patients/diary/").content.decode()
    assert "Secret rash" not in page and "private note" not in page
    assert client.get(f"/patients/diary/{entry.uid}/edit/").status_code == 404
    assert client.post(f"/patients/diary/{entry.uid}/edit/", {}).status_code == 404
    assert client.post(f"/patients/diary/{entry.uid}/delete/").status_code == 404
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, alice_profile):
    entry = _entry(alice_profile)
    for url in ("/patients/diary/", f"/patients/diary/{entry.uid}/edit/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")
    assert client.post(f"/patients/diary/{entry.uid}/delete/").status_code == 302
    assert SymptomEntry.objects.filter(pk=entry.pk).exists()


def test_the_diary_page_takes_a_fixed_number_of_queries(
    client, alice_profile, login, django_assert_max_num_queries
):
    for i in range(20):
        _entry(alice_profile, f"Symptom {i % 4}", i % 11)
    login(alice_profile.user)
    with django_assert_max_num_queries(12):
        assert client.get("/patients/diary/").status_code == 200


def test_a_long_diary_is_paged_and_the_page_stays_small(client, alice_profile, login):
    start = timezone.now() - dt.timedelta(days=300)
    SymptomEntry.objects.bulk_create(
        SymptomEntry(
            profile=alice_profile,
            symptom=("Headache", "Nausea")[i % 2],
            severity=i % 11,
            recorded_at=start + dt.timedelta(days=i),
            notes="woke up with it" if i % 3 == 0 else "",
        )
        for i in range(300)
    )
    login(alice_profile.user)
    first = client.get("/patients/diary/")
    body = first.content.decode()
    assert len(first.content) < 300_000, len(first.content)
    assert body.count('id="entry-') == 50
    assert "Entries 1\u201350 of 300, newest first." in body
    assert 'rel="next"' in body and 'rel="prev"' not in body
    # The charts still draw every entry.
    assert body.count("<circle") == 300

    last = client.get("/patients/diary/?page=6").content.decode()
    assert last.count('id="entry-') == 50 and 'rel="next"' not in last
    assert client.get("/patients/diary/?page=99").status_code == 200  # the last page
    assert client.get("/patients/diary/?page=x").status_code == 200  # the first page
