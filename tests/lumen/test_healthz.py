import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@pytest.fixture
def generator_server():
    """A stand-in generator on loopback that answers TGI's /health route."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


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


def test_healthz_is_200_when_a_remote_generator_answers(client, db, settings, generator_server):
    settings.LUMEN_GENERATOR = "tgi"
    settings.LUMEN_GENERATOR_URL = generator_server
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["generator"]["ok"] is True


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405
