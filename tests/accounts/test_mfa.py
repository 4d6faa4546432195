import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value

from tests.conftest import PASSWORD


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _open_activation_page(client):
    """Turning on MFA asks for the password again first (allauth's reauthentication)."""
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.url.startswith("/accounts/reauthenticate/")
    response = client.post(response.url, {"password": PASSWORD})
    assert response.status_code == 302
    return client.get("/accounts/2fa/totp/activate/")


def test_the_mfa_setup_page_offers_an_authenticator_app(client, alice_patient, login):
    login(alice_patient)
    assert client.get("/accounts/2fa/").status_code == 200
    response = _open_activation_page(client)
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    content = response.content.decode()
    assert secret in content  # for people who type the key instead of scanning
    assert 'src="data:image/svg+xml' in content  # the QR code to scan


def test_activated_totp_is_required_at_the_next_sign_in(client, alice_patient, login):
    login(alice_patient)
    _open_activation_page(client)
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert not Authenticator.objects.filter(user=alice_patient).exists()
    response = client.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})
    assert response.status_code == 302
    totp = Authenticator.objects.get(user=alice_patient, type=Authenticator.Type.TOTP)
    assert secret not in str(totp.data)  # stored encrypted with FIELD_ENCRYPTION_KEY

    client.logout()
    response = client.post("/accounts/login/", {"login": alice_patient.email, "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    assert client.get("/patients/").status_code == 302  # still outside

    response = client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.get("/patients/").status_code == 200


def test_turning_on_two_factor_is_audited_without_the_secret(client, alice_patient, login):
    from auditlog.models import LogEntry

    login(alice_patient)
    _open_activation_page(client)
    secret = client.session[SECRET_SESSION_KEY]
    client.post("/accounts/2fa/totp/activate/", {"code": _current_code(secret)})
    totp = Authenticator.objects.get(user=alice_patient, type=Authenticator.Type.TOTP)
    entry = LogEntry.objects.get_for_object(totp).get()
    assert entry.actor == alice_patient
    assert "data" not in entry.changes_dict
    assert secret not in str(entry.changes)
