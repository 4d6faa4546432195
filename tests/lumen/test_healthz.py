"""/healthz: status for everyone (the Docker HEALTHCHECK and load balancers read only the HTTP
code), the checks themselves (versions, backends) only for staff or a monitor's token, and
the registry other apps add their checks to."""

from __future__ import annotations

import pytest

from lumen import health

TOKEN = "monitor-token-1f2e3d4c5b6a"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def token(settings):
    settings.LUMEN_HEALTHZ_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def registry(monkeypatch):
    """The real registry with Lumen's own checks, restored after the test."""
    monkeypatch.setattr(health, "_checks", dict(health._checks))


def _assert_no_details(response) -> None:
    assert set(response.json()) == {"status"}
    text = response.content.decode()
    for leak in ("PostgreSQL", "vector", "extractive", "tgi", "generator", "database"):
        assert leak not in text


def test_anonymous_callers_get_the_status_only(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    _assert_no_details(response)
    assert "no-store" in response["Cache-Control"]


def test_the_token_shows_database_pgvector_and_generator(client, db, token):
    response = client.get("/healthz", **AUTH)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["database"]["detail"].startswith("PostgreSQL")
    assert body["checks"]["pgvector"]["detail"].startswith("vector ")
    assert "extractive" in body["checks"]["generator"]["detail"]
    for name in ("database", "pgvector", "generator"):
        assert body["checks"][name]["critical"] is True


@pytest.mark.parametrize(
    "header",
    [
        "Bearer monitor-token-1f2e3d4c5b6b",  # one character off
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer ",
    ],
)
def test_a_wrong_token_gets_the_status_only(client, db, token, header):
    response = client.get("/healthz", HTTP_AUTHORIZATION=header)
    assert response.status_code == 200
    _assert_no_details(response)


def test_without_a_configured_token_an_empty_bearer_shows_nothing(client, db, settings):
    settings.LUMEN_HEALTHZ_TOKEN = ""
    _assert_no_details(client.get("/healthz", HTTP_AUTHORIZATION="Bearer "))
    _assert_no_details(client.get("/healthz", HTTP_AUTHORIZATION="Bearer"))


def test_signed_in_staff_see_the_details(client, staff_user, login):
    login(staff_user)
    body = client.get("/healthz").json()
    assert body["checks"]["database"]["detail"].startswith("PostgreSQL")


def test_signed_in_patients_and_pharma_see_the_status_only(client, alice_patient, acme_qa, login):
    for person in (alice_patient, acme_qa):
        login(person)
        _assert_no_details(client.get("/healthz"))
        client.logout()


def test_healthz_is_503_when_the_generator_is_unreachable(client, db, settings, token):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = "http://127.0.0.1:9"  # discard port: connection refused
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 503
    assert anonymous.json() == {"status": "unhealthy"}
    response = client.get("/healthz", **AUTH)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["generator"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_200_when_tgi_serves_the_adapter(client, db, settings, fake_tgi, token):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "lumen-medical"
    response = client.get("/healthz", **AUTH)
    assert response.status_code == 200
    assert response.json()["checks"]["generator"]["ok"] is True


def test_healthz_is_503_when_tgi_silently_lacks_the_adapter(client, db, settings, fake_tgi, token):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "not-loaded-adapter"
    response = client.get("/healthz", **AUTH)
    assert response.status_code == 503
    assert "not-loaded-adapter" in response.json()["checks"]["generator"]["detail"]


def test_check_deploy_fails_when_the_adapter_is_not_served(db, settings, fake_tgi):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "not-loaded-adapter"
    with pytest.raises(SystemCheckError, match=r"lumen\.E001"):
        call_command("check", "--deploy", "--tag", "compatibility")


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405


# --- the registry ----------------------------------------------------------------------


def test_a_failing_non_critical_check_shows_in_the_details_but_keeps_lumen_healthy(
    client, db, token, registry
):
    health.register_check(
        "corpus_ingestion", lambda: health.Check(False, "12 of 40 sources"), critical=False
    )
    anonymous = client.get("/healthz")
    assert anonymous.status_code == 200
    assert anonymous.json() == {"status": "degraded"}
    body = client.get("/healthz", **AUTH).json()
    assert body["status"] == "degraded"
    assert body["checks"]["corpus_ingestion"] == {
        "ok": False,
        "detail": "12 of 40 sources",
        "critical": False,
    }
    assert list(body["checks"])[:3] == ["database", "pgvector", "generator"]


def test_a_passing_non_critical_check_leaves_the_status_ok(client, db, token, registry):
    health.register_check("queue", lambda: health.Check(True, "0 waiting"), critical=False)
    response = client.get("/healthz", **AUTH)
    assert response.json()["status"] == "ok"
    assert response.json()["checks"]["queue"]["detail"] == "0 waiting"


def test_a_failing_critical_check_makes_lumen_unhealthy(client, db, registry):
    health.register_check("disk", lambda: health.Check(False, "full"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unhealthy"}


def test_a_check_that_raises_fails_with_the_error_class_not_a_500(
    client, db, token, registry, caplog
):
    def broken() -> health.Check:
        raise RuntimeError("secret detail from the backend")

    health.register_check("broken", broken)
    response = client.get("/healthz", **AUTH)
    assert response.status_code == 503
    assert response.json()["checks"]["broken"]["detail"] == "check failed (RuntimeError)"
    assert "secret detail" not in response.content.decode()
    assert "health: check broken raised" in caplog.text


def test_a_name_cannot_be_taken_twice_but_registering_again_is_harmless(registry):
    def queue() -> health.Check:
        return health.Check(True, "")

    health.register_check("queue", queue, critical=False)
    health.register_check("queue", queue, critical=False)  # ready() running twice
    with pytest.raises(ValueError, match="'queue' is already registered"):
        health.register_check("queue", lambda: health.Check(True, ""))
    with pytest.raises(ValueError, match="'database' is already registered"):
        health.register_check("database", lambda: health.Check(True, ""))


def test_lumens_own_checks_are_in_the_registry():
    assert list(health._checks)[:3] == ["database", "pgvector", "generator"]
    assert all(health._checks[n].critical for n in ("database", "pgvector", "generator"))


def test_lumen_never_imports_knowledge():
    """Dependencies point one way: knowledge registers its health checks with lumen, never the
    reverse (an import cycle waiting to happen)."""
    import ast
    from pathlib import Path

    root = Path(health.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] == "knowledge"]
    assert offenders == []
