import re

from django.core import mail

from lumen.accounts.models import User
from lumen.accounts.roles import Role, roles_of
from tests.conftest import PASSWORD


def _signup(client, email="new.patient@example.com", password=PASSWORD, password2=None):
    return client.post(
        "/accounts/signup/",
        {"email": email, "password1": password, "password2": password2 or password},
    )


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)


def test_signup_creates_a_patient_and_sends_a_verification_email(client, db):
    response = _signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="new.patient@example.com")
    assert roles_of(user) == {Role.PATIENT}
    assert not user.emailaddress_set.get().verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.patient@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_an_unverified_account_cannot_sign_in_until_the_email_is_confirmed(client, db):
    _signup(client)
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.patient@example.com", "password": PASSWORD}
    )
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session

    link = _confirmation_link(mail.outbox[-1])
    assert client.get(link).status_code == 200  # confirmation page, not yet confirmed
    response = client.post(link)
    assert response.status_code == 302
    assert User.objects.get(email="new.patient@example.com").emailaddress_set.get().verified


def test_a_verified_patient_signs_in_by_email_and_lands_in_the_patient_area(client, alice_patient):
    response = client.post("/accounts/login/", {"login": "ALICE@example.com", "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == "/patients/"
    assert b"My health" in response.content


def test_signup_with_a_taken_email_does_not_reveal_that_the_account_exists(client, alice_patient):
    # Whether someone uses a health service is itself private: the visitor sees the usual
    # "check your email" step, and only the real owner hears of the attempt.
    response = _signup(client, email="alice@example.com")
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert "already" in mail.outbox[-1].body.lower()


def test_signup_refuses_a_weak_password(client, db):
    response = _signup(client, email="carol@example.com", password="12345678")
    assert response.status_code == 200
    assert b"too short" in response.content
    assert b"too common" in response.content
    assert not User.objects.filter(email="carol@example.com").exists()


def test_sign_up_has_no_username_field(client, db):
    content = client.get("/accounts/signup/").content.decode()
    assert 'name="email"' in content
    assert 'name="username"' not in content


def test_password_reset_emails_a_link(client, alice_patient):
    response = client.post("/accounts/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_repeated_failed_logins_are_rate_limited(client, alice_patient):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": alice_patient.email, "password": "x"})
        assert response.status_code == 200
    # Even the right password is refused while the account's failure budget is spent.
    response = client.post("/accounts/login/", {"login": alice_patient.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_sessions_expire_after_thirty_minutes_of_inactivity(client, alice_patient, login):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    login(alice_patient)
    client.get("/patients/")
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = (session.expire_date - timezone.now()).total_seconds()
    assert 29 * 60 < remaining <= 30 * 60  # pushed forward by every request: an idle timeout

    # Thirty idle minutes later the same cookie no longer opens the patient area.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now())
    response = client.get("/patients/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
