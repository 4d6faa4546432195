"""When failed logins lock an account, its owner hears of it once per lockout window
(security finding 8): the attacker sees only allauth's usual message."""

from __future__ import annotations

from django.core import mail

from tests.conftest import PASSWORD


def _fail(client, email, times, ip="10.0.0.1"):
    for _ in range(times):
        client.post("/accounts/login/", {"login": email, "password": "guess"}, REMOTE_ADDR=ip)


def test_the_owner_is_emailed_once_when_failed_logins_lock_the_account(client, alice_patient):
    _fail(client, alice_patient.email, 4)
    assert mail.outbox == []  # a few typos are not a lockout
    _fail(client, alice_patient.email, 1)
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.to == [alice_patient.email]
    assert "someone tried to sign in to your account" in notice.body.lower()
    assert "/accounts/password/reset/" in notice.body
    # More attempts, even with the right password, are refused and send nothing more.
    _fail(client, alice_patient.email, 5)
    response = client.post("/accounts/login/", {"login": alice_patient.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert len(mail.outbox) == 1


def test_the_attacker_sees_the_same_page_for_an_unknown_account(client, alice_patient):
    # From two addresses, so that only the per-account limit is in play.
    _fail(client, alice_patient.email, 5, ip="10.0.0.1")
    known = client.post(
        "/accounts/login/", {"login": alice_patient.email, "password": "x"}, REMOTE_ADDR="10.0.0.1"
    )
    _fail(client, "nobody@example.com", 5, ip="10.0.0.2")
    unknown = client.post(
        "/accounts/login/", {"login": "nobody@example.com", "password": "x"}, REMOTE_ADDR="10.0.0.2"
    )
    assert known.status_code == unknown.status_code == 200
    assert b"Too many failed login attempts" in known.content
    assert _messages(known) == _messages(unknown)
    assert [m.to for m in mail.outbox] == [[alice_patient.email]]


def _messages(response) -> list[str]:
    import re

    html = response.content.decode()
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)


def test_an_address_blocked_for_trying_many_accounts_sends_no_notice(client, alice_patient):
    # allauth's per-IP limit (10 a minute) locks the address, not Alice's account: she made
    # no failed attempt, so she is not told anything.
    for n in range(10):
        _fail(client, f"nobody{n}@example.com", 1)
    response = client.post(
        "/accounts/login/",
        {"login": alice_patient.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert b"Too many failed login attempts" in response.content
    assert mail.outbox == []
