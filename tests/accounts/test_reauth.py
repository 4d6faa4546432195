"""Password checks inside a session (signatures, deletion, allauth's reauthenticate page) share
one per-account limit and leave a trail (security finding 5)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry

from lumen.accounts import reauth
from tests.conftest import PASSWORD, totp_enable


def test_the_right_password_passes_and_leaves_no_failure(alice_patient):
    reauth.password_confirm(user=alice_patient, password=PASSWORD, action="test password failed")
    assert not LogEntry.objects.filter(additional_data__event="test password failed").exists()


def test_after_the_limit_even_the_right_password_is_refused_with_a_time(alice_patient):
    for _ in range(reauth.LIMIT):
        with pytest.raises(reauth.ReauthRefused, match="not right"):
            reauth.password_confirm(user=alice_patient, password="guess", action="x failed")
    with pytest.raises(reauth.ReauthRefused, match=r"Try again in 15 minutes \(after \d\d:\d\d\)"):
        reauth.password_confirm(user=alice_patient, password=PASSWORD, action="x failed")


def test_the_limit_is_shared_between_forms_and_kept_per_account(alice_patient, bob_patient):
    for action in ("signature password failed", "deletion password failed") * 3:
        with pytest.raises(reauth.ReauthRefused):
            reauth.password_confirm(user=alice_patient, password="guess", action=action)
    with pytest.raises(reauth.ReauthRefused, match="Too many"):
        reauth.password_confirm(user=alice_patient, password=PASSWORD, action="x failed")
    reauth.password_confirm(user=bob_patient, password=PASSWORD, action="x failed")


def test_a_failure_is_audited_with_the_actor_and_no_password(alice_patient):
    with pytest.raises(reauth.ReauthRefused):
        reauth.password_confirm(user=alice_patient, password="s3cret-guess", action="x failed")
    entry = LogEntry.objects.get(additional_data__event="x failed")
    assert entry.actor == alice_patient
    assert entry.additional_data == {"event": "x failed", "locked": False}
    assert "s3cret-guess" not in str(entry.changes) + str(entry.serialized_data)


def test_allauths_reauthenticate_page_is_limited_the_same_way(client, alice_patient, login):
    # Turning two-factor off (or on) asks for the password again on this page.
    totp_enable(alice_patient)
    login(alice_patient)
    # allauth answers 429 after 10 tries a minute; the account's own limit comes first.
    for attempt in range(reauth.LIMIT + 1):
        client.post("/accounts/reauthenticate/", {"password": f"guess-{attempt}"})
    response = client.post(
        "/accounts/reauthenticate/?next=/accounts/2fa/totp/deactivate/", {"password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Too many wrong passwords" in response.content.decode()
    assert LogEntry.objects.filter(
        actor=alice_patient, additional_data__event="reauthentication password failed"
    ).exists()
    assert Authenticator.objects.filter(user=alice_patient).exists()
