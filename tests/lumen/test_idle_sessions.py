"""Sessions: a 30-minute inactivity timeout kept server-side, with at most one session write a
minute (lumen/idle_sessions.py), and sign-out and password changes that end sessions at once."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lumen import idle_sessions
from tests.conftest import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-42"


def _writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]


def _row(client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


@pytest.fixture
def clock(monkeypatch):
    """The middleware's clock, moved by hand."""
    now = [timezone.now().timestamp()]
    monkeypatch.setattr(idle_sessions.time, "time", lambda: now[0])
    return now


def test_a_signed_in_request_within_a_minute_of_the_last_save_writes_nothing(
    client, alice_patient, login, clock, django_assert_num_queries
):
    login(alice_patient)
    client.get("/patients/")
    expiry = _row(client).expire_date
    clock[0] += idle_sessions.REFRESH_SECONDS - 1
    # The session, then the user with their roles (one query): two reads, no write.
    with django_assert_num_queries(2), CaptureQueriesContext(connection) as queries:
        response = client.get("/accounts/password/change/")
    assert response.status_code == 200
    assert _writes(queries) == []
    assert "sessionid" not in response.cookies  # nothing to tell the browser either
    assert _row(client).expire_date == expiry


def test_the_first_request_a_minute_after_the_last_save_pushes_the_expiry_forward(
    client, alice_patient, login, clock
):
    login(alice_patient)
    clock[0] += idle_sessions.REFRESH_SECONDS
    # Idle for most of the timeout: thirty seconds left on the row.
    Session.objects.filter(pk=_row(client).pk).update(
        expire_date=timezone.now() + timezone.timedelta(seconds=30)
    )
    response = client.get("/patients/")
    assert response.status_code == 200
    remaining = (_row(client).expire_date - timezone.now()).total_seconds()
    assert 29 * 60 < remaining <= 30 * 60


def test_visitors_without_a_session_get_none_and_a_stale_cookie_creates_none(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "sessionid" not in response.cookies
    client.cookies["sessionid"] = "no-such-session-key-0123456789abcdef"
    response = client.get("/")
    assert "sessionid" not in response.cookies or not response.cookies["sessionid"].value
    assert not Session.objects.exists()


def test_signing_out_ends_the_session_on_the_server_at_once(client, alice_patient, login):
    login(alice_patient)
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=cookie).exists()
    replay = Client()
    replay.cookies["sessionid"] = cookie  # a copy of the old cookie opens nothing
    response = replay.get("/patients/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_password_change_ends_every_other_session_at_once_and_keeps_this_one(
    client, alice_patient, login, clock
):
    login(alice_patient)
    laptop = Client()
    laptop.post("/accounts/login/", {"login": alice_patient.email, "password": PASSWORD})
    assert laptop.get("/patients/").status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    # Within the same minute (no refresh due): the other session still ends.
    response = laptop.get("/patients/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.get("/patients/").status_code == 200


def test_a_disabled_account_is_signed_out_at_its_next_request(client, alice_patient, login):
    login(alice_patient)
    assert client.get("/patients/").status_code == 200
    alice_patient.is_active = False
    alice_patient.save(update_fields=["is_active"])
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
