"""Reminders people rely on: a reminder reaches the browser by Web Push (decrypted by a
loopback push service, tests/fakes/push_service.py) and the email outbox; snoozes, repeats
within the window and stops when the dose is marked; refill warnings from a pack count; and
subscriptions are stored encrypted and audit-logged, never in clear."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.utils import timezone

from patients import reminders
from patients.models import Dose, DoseSchedule, Medication, Profile, PushSubscription
from tests.fakes.push_service import PushService

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.fixture
def push_service():
    with PushService() as service:
        yield service


@pytest.fixture
def alice_profile(alice_patient):
    return Profile.objects.create(user=alice_patient, time_zone="Europe/London")


@pytest.fixture
def metformin(alice_profile):
    return Medication.objects.create(profile=alice_profile, name="Metformin")


SET_UP = utc(2025, 7, 15, 1)  # the morning the tests' reminders fall due


def _schedule(medication, at="08:00", *, repeat=0, units=1, created=SET_UP):
    schedule = DoseSchedule.objects.create(
        medication=medication,
        time_of_day=dt.time.fromisoformat(at),
        dose="500 mg",
        repeat_minutes=repeat,
        units_per_dose=units,
    )
    DoseSchedule.objects.filter(pk=schedule.pk).update(created_at=created)
    schedule.refresh_from_db()
    return schedule


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def _run(now: dt.datetime) -> reminders.Run:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_due_reminders(now=now)

    return _run


@pytest.fixture
def subscribed(client, login, alice_profile, push_service):
    """Alice's browser, subscribed through the page's endpoint as push.js does."""
    login(alice_profile.user)
    browser = push_service.browser()
    response = client.post(
        "/patients/push/subscribe/",
        json.dumps(browser.subscription_json()),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return browser


def _bodies(browser) -> list[str]:
    return [r["push"].payload["body"] for r in browser.received]


def test_a_reminder_reaches_the_push_endpoint_encrypted_and_the_email_outbox(
    subscribed, metformin, run, push_service, settings
):
    schedule = _schedule(metformin)
    # 08:00 in London on 15 July is 07:00 UTC (summer time).
    assert run(utc(2025, 7, 15, 7)) == (1, 1)
    dose = schedule.doses.get()

    assert push_service.rejected == []
    (received,) = subscribed.received
    push = received["push"]
    assert push.payload == {
        "title": "Lumen reminder",
        "body": "Time for your 08:00 medicine",
        "url": f"/patients/doses/{dose.uid}/",
        "tag": f"dose-{dose.uid}",
    }
    assert push.headers["ttl"] == str(4 * 60 * 60)
    assert push.claims["sub"] == settings.VAPID_SUBJECT
    from patients import push as push_module

    assert push.vapid_key == push_module.public_key()  # signed with Lumen's key
    # Nothing about the medicine, in the notification or on the wire.
    for text in (json.dumps(push.payload), received["raw"].decode("latin-1")):
        assert "Metformin" not in text and "500 mg" not in text

    (email,) = mail.outbox
    assert email.subject == "[Lumen] It's time for your 08:00 medicine"
    assert f"/patients/doses/{dose.uid}/" in email.body
    assert "Metformin" not in email.body + email.subject
    dose.refresh_from_db()
    assert dose.reminded_at is not None and dose.reminders_sent == 1


def test_reminders_repeat_within_the_window_and_stop_when_the_dose_is_marked(
    subscribed, metformin, run, client
):
    schedule = _schedule(metformin, repeat=30)
    due = utc(2025, 7, 15, 7)
    run(due)
    run(due + dt.timedelta(minutes=29))
    assert len(subscribed.received) == len(mail.outbox) == 1
    run(due + dt.timedelta(minutes=30))
    assert len(subscribed.received) == len(mail.outbox) == 2

    dose = schedule.doses.get()
    assert (
        client.post(f"/patients/doses/{dose.uid}/record/", {"status": "taken"}).status_code == 302
    )
    for minutes in (60, 90, 120):
        run(due + dt.timedelta(minutes=minutes))
    assert len(subscribed.received) == len(mail.outbox) == 2
    dose.refresh_from_db()
    assert dose.next_reminder_at is None


def test_repeats_end_at_the_window_when_nobody_answers(subscribed, metformin, run):
    _schedule(metformin, repeat=60)
    due = utc(2025, 7, 15, 7)
    for minutes in range(0, 6 * 60, 15):
        run(due + dt.timedelta(minutes=minutes))
    # 08:00, 09:00, 10:00 local: the last inside the two-hour window.
    assert len(subscribed.received) == len(mail.outbox) == 3
    assert dt.timedelta(hours=2) == reminders.REPEAT_WINDOW


def test_snooze_reminds_again_after_the_chosen_minutes(subscribed, metformin, run, client):
    now = timezone.now().replace(microsecond=0)
    schedule = _schedule(metformin, at=now.strftime("%H:%M"), created=now - dt.timedelta(minutes=5))
    schedule.medication.profile.time_zone = "UTC"
    schedule.medication.profile.save()
    run(now)
    dose = schedule.doses.get()
    assert len(subscribed.received) == 1

    page = client.get(f"/patients/doses/{dose.uid}/").content.decode()
    assert "Remind me again in" in page
    response = client.post(f"/patients/doses/{dose.uid}/snooze/", {"minutes": "10"})
    assert response.status_code == 302
    run(now + dt.timedelta(minutes=9))
    assert len(subscribed.received) == 1
    run(timezone.now() + dt.timedelta(minutes=10, seconds=1))
    assert _bodies(subscribed)[-1].startswith("Time for your")
    assert len(subscribed.received) == len(mail.outbox) == 2
    run(timezone.now() + dt.timedelta(minutes=30))
    assert len(subscribed.received) == 2  # a snooze is one more reminder, not a repeat

    assert client.post(f"/patients/doses/{dose.uid}/snooze/", {"minutes": "7"}).status_code == 400


def test_a_subscription_the_push_service_says_is_gone_is_removed(
    subscribed, metformin, run, push_service
):
    _schedule(metformin)
    push_service.status_for[subscribed.endpoint.removeprefix(push_service.origin)] = 410
    run(utc(2025, 7, 15, 7))
    assert not PushSubscription.objects.exists()
    assert len(mail.outbox) == 1  # email still goes


def test_a_push_service_that_is_down_does_not_stop_the_email(
    subscribed, metformin, run, push_service
):
    _schedule(metformin)
    push_service.__exit__(None, None, None)  # nothing listens on the endpoint now
    run(utc(2025, 7, 15, 7))
    assert len(mail.outbox) == 1
    assert PushSubscription.objects.count() == 1  # a failure is not "gone"


def test_subscriptions_are_encrypted_audited_and_removable(
    subscribed, client, alice_profile, caplog
):
    subscription = PushSubscription.objects.get()
    assert subscription.profile == alice_profile
    with connection.cursor() as cursor:
        cursor.execute("SELECT endpoint, p256dh, auth FROM patients_pushsubscription")
        row = cursor.fetchone()
    keys = subscribed.subscription_json()["keys"]
    assert subscribed.endpoint not in row[0]
    assert keys["p256dh"] not in row[1] and keys["auth"] not in row[2]

    entry = LogEntry.objects.get_for_object(subscription).get()
    assert entry.actor == alice_profile.user
    assert subscribed.endpoint not in json.dumps(entry.changes)

    response = client.post(
        "/patients/push/unsubscribe/",
        json.dumps({"endpoint": subscribed.endpoint}),
        content_type="application/json",
    )
    assert response.json() == {"subscribed": False, "removed": True}
    assert not PushSubscription.objects.exists()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE).count() == 1
    assert subscribed.endpoint not in caplog.text


def test_subscribing_again_from_the_same_browser_keeps_one_row(subscribed, client):
    data = subscribed.subscription_json()
    client.post("/patients/push/subscribe/", json.dumps(data), content_type="application/json")
    assert PushSubscription.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("not json", "not JSON"),
        ("[]", "Not a push subscription"),
        ('{"endpoint": "https://push.example/x", "keys": {}}', "p256dh key is missing"),
        (
            '{"endpoint": "https://push.example/x", "keys": {"p256dh": "abc", "auth": "abc"}}',
            "wrong length",
        ),
        ('{"endpoint": 5, "keys": {}}', "no endpoint"),
        ('{"endpoint": "ftp://push.example/x", "keys": {}}', "not an HTTPS URL"),
    ],
)
def test_a_bad_subscription_is_a_clear_error_and_stores_nothing(
    client, login, alice_profile, body, error
):
    login(alice_profile.user)
    response = client.post("/patients/push/subscribe/", body, content_type="application/json")
    assert response.status_code == 400
    assert error in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_outside_development_only_https_push_services_are_accepted(
    client, login, alice_profile, push_service, settings
):
    login(alice_profile.user)
    settings.LUMEN_PUSH_ALLOW_HTTP = False  # as in production
    data = push_service.browser().subscription_json()  # http://127.0.0.1:...
    response = client.post(
        "/patients/push/subscribe/", json.dumps(data), content_type="application/json"
    )
    assert response.status_code == 400
    assert not PushSubscription.objects.exists()


def test_only_patients_subscribe_and_the_service_worker_is_served(
    client, login, acme_qa, alice_patient
):
    response = client.post("/patients/push/subscribe/", "{}", content_type="application/json")
    assert response.status_code == 302  # to the login page
    login(acme_qa)
    assert (
        client.post("/patients/push/subscribe/", "{}", content_type="application/json").status_code
        == 403
    )
    assert client.get("/patients/sw.js").status_code == 403
    client.logout()
    login(alice_patient)
    worker = client.get("/patients/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert b'addEventListener("push"' in worker.content


def test_the_vapid_keys_command_prints_a_usable_key_pair(capsys):
    from django.core.management import call_command

    from patients import push

    call_command("vapid_keys")
    out = capsys.readouterr().out
    private = out.split("VAPID_PRIVATE_KEY=")[1].split()[0]
    assert push.public_key(private) in out


# --- Refill warnings --------------------------------------------------------------------


def test_a_refill_warning_goes_once_when_the_pack_runs_low_and_again_after_a_refill(
    subscribed, metformin, run, client
):
    _schedule(metformin, at="08:00", units=2)
    _schedule(metformin, at="20:00")  # 3 tablets a day
    response = client.post(
        f"/patients/medications/{metformin.uid}/supply/",
        {"pack_count": "30", "refill_warn_days": "7", "instructions": "With food"},
    )
    assert response.status_code == 302
    run(utc(2025, 7, 15, 12))  # 10 days left: no warning
    assert not any("running low" in m.subject for m in mail.outbox)

    client.post(
        f"/patients/medications/{metformin.uid}/supply/",
        {"pack_count": "20", "refill_warn_days": "7", "instructions": "With food"},
    )
    run(utc(2025, 7, 16, 12))
    run(utc(2025, 7, 16, 12, 1))
    warnings = [m for m in mail.outbox if "running low" in m.subject]
    assert len(warnings) == 1
    assert "about 6 days left" in warnings[0].body
    assert "Metformin" not in warnings[0].body + warnings[0].subject
    assert "One of your medicines is running low" in _bodies(subscribed)

    page = client.get("/patients/schedules/").content.decode()
    assert "Running low: about 6 days left" in page

    client.post(
        f"/patients/medications/{metformin.uid}/supply/",
        {"pack_count": "90", "refill_warn_days": "7", "instructions": "With food"},
    )
    metformin.refresh_from_db()
    assert metformin.refill_warned_at is None and metformin.instructions == "With food"


def test_taking_doses_counts_them_off_the_pack_and_undo_puts_them_back(client, login, metformin):
    schedule = _schedule(metformin, units=2)
    Medication.objects.filter(pk=metformin.pk).update(pack_count=5)
    dose = Dose.objects.create(schedule=schedule, due_at=timezone.now())
    login(metformin.profile.user)
    client.post(f"/patients/doses/{dose.uid}/record/", {"status": "taken"})
    metformin.refresh_from_db()
    assert metformin.pack_count == 3
    client.post(f"/patients/doses/{dose.uid}/undo/")
    metformin.refresh_from_db()
    assert metformin.pack_count == 5
    client.post("/patients/doses/extra/", {"medication": str(metformin.uid)})
    metformin.refresh_from_db()
    assert metformin.pack_count == 3


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"pack_count": "-1", "refill_warn_days": "7"}, "greater than or equal to 0"),
        ({"pack_count": "ten", "refill_warn_days": "7"}, "Enter a whole number"),
        ({"pack_count": "10", "refill_warn_days": "0"}, "greater than or equal to 1"),
        ({"pack_count": "10", "refill_warn_days": "7", "instructions": "x" * 301}, "at most 300"),
    ],
)
def test_a_bad_pack_count_is_a_form_error(client, login, metformin, data, error):
    login(metformin.profile.user)
    response = client.post(f"/patients/medications/{metformin.uid}/supply/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    metformin.refresh_from_db()
    assert metformin.pack_count is None


def test_the_reminder_page_shows_the_labels_instructions(client, login, metformin):
    schedule = _schedule(metformin)
    Medication.objects.filter(pk=metformin.pk).update(instructions="Swallow whole with a meal")
    dose = Dose.objects.create(schedule=schedule, due_at=timezone.now())
    login(metformin.profile.user)
    page = client.get(f"/patients/doses/{dose.uid}/").content.decode()
    assert "Swallow whole with a meal" in page
    assert "Metformin" in page and "500 mg" in page
