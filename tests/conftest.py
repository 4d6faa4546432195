"""Shared fixtures: people, named for who they are (STYLE.md), and fast test settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lumen.accounts.roles import Role, StaffRole, grant_staff_role
from lumen.accounts.services import user_ensure
from tests.corpus import small_corpus  # noqa: F401 - shared by every app's tests
from tests.drug_database import drug_database  # noqa: F401 - starter drugs and interaction rules
from tests.fakes.tgi_server import fake_tgi  # noqa: F401 - the stand-in TGI on loopback
from tests.llm_server import smollm2  # noqa: F401 - the real SmolLM2 on loopback

PASSWORD = "correct-horse-battery-9"
ROOT = Path(__file__).resolve().parent.parent
# Real recorded API responses and evaluation sets, beside the checkout (never shipped).
SHARED_DATA = Path(os.environ.get("LUMEN_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not (SHARED_DATA / "api").is_dir():
        pytest.fail(f"Recorded test data not found at {SHARED_DATA} (set LUMEN_SHARED_DATA).")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _person(email: str, role: Role, name: str):
    user, _ = user_ensure(email=email, password=PASSWORD, role=role, name=name)
    return user


@pytest.fixture
def alice_patient(db):
    return _person("alice@example.com", Role.PATIENT, "Alice Patient")


@pytest.fixture
def bob_patient(db):
    return _person("bob@example.com", Role.PATIENT, "Bob Patient")


@pytest.fixture
def acme(db):
    from pharma.models import Organisation

    return Organisation.objects.create(name="Acme Pharma")


@pytest.fixture
def globex(db):
    from pharma.models import Organisation

    return Organisation.objects.create(name="Globex Biologics")


@pytest.fixture
def acme_qa(acme):
    from pharma.models import Membership

    user = _person("quinn@acme.example", Role.PHARMA, "Quinn QA")
    Membership.objects.create(user=user, organisation=acme)
    return user


@pytest.fixture
def acme_signer(acme_qa):
    """Quinn QA with two-factor turned on: only such pharma users may sign QA documents."""
    totp_enable(acme_qa)
    return acme_qa


@pytest.fixture
def globex_qa(globex):
    from pharma.models import Membership

    user = _person("gina@globex.example", Role.PHARMA, "Gina QA")
    Membership.objects.create(user=user, organisation=globex)
    return user


def staff_person(email: str, name: str, *staff_roles: StaffRole, two_factor: bool = True):
    """A staff account holding `staff_roles`, with two-factor on (the admin requires it)."""
    user = _person(email, Role.STAFF, name)
    for staff_role in staff_roles:
        grant_staff_role(user, staff_role)
    if two_factor:
        totp_enable(user)
    return user


@pytest.fixture
def staff_user(db):
    """Sam holds every staff role (never superuser): what Sam cannot do, no role can."""
    return staff_person("sam@lumen.example", "Sam Staff", *StaffRole)


def totp_enable(user) -> str:
    """Turn on two-factor (an authenticator app) for `user`, as the setup page does; returns
    the secret, from which `totp_code` makes the codes the app would show."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(user) -> str:
    """The code `user`'s authenticator app shows now (read back from the stored secret)."""
    import time

    from allauth.mfa.adapter import get_adapter
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = get_adapter().decrypt(totp.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def login(client):
    """Sign a user in through the real login form, as a browser would (with the two-factor
    code too when the user has turned it on)."""

    def _login(user, password: str = PASSWORD):
        response = client.post("/accounts/login/", {"login": user.email, "password": password})
        assert response.status_code == 302, response.content[:500]
        if response.url == "/accounts/2fa/authenticate/":
            response = client.post(response.url, {"code": totp_code(user)})
            assert response.status_code == 302, response.content[:500]
        return client

    return _login
