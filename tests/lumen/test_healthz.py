import pytest


def test_healthz_reports_database_pgvector_and_generator(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["database"]["detail"].startswith("PostgreSQL")
    assert body["checks"]["pgvector"]["detail"].startswith("vector ")
    assert "extractive" in body["checks"]["generator"]["detail"]
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_503_when_the_generator_is_unreachable(client, db, settings):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = "http://127.0.0.1:9"  # discard port: connection refused
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["generator"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_healthz_is_200_when_tgi_serves_the_adapter(client, db, settings, fake_tgi):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "lumen-medical"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["generator"]["ok"] is True


def test_healthz_is_503_when_tgi_silently_lacks_the_adapter(client, db, settings, fake_tgi):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = fake_tgi.url
    settings.LUMEN_GENERATOR_ADAPTER_ID = "not-loaded-adapter"
    response = client.get("/healthz")
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
