"""Request logs never name a medicine: gunicorn's access log (a real gunicorn on loopback, with
gunicorn.conf.py), runserver's request lines and django.request's "Not Found" lines drop query
strings and referrers, and log the URL pattern a private path matched, not the path."""

from __future__ import annotations

import http.client
import io
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

from lumen.request_logging import AccessLogger, loggable_path
from tests.lumen.test_startup import PRODUCTION, ROOT

MEDICINE = "fluoxetine"
REQUESTS = [  # (path, what the log shows instead)
    (f"/patients/drugs/?q={MEDICINE}", "/patients/drugs/"),
    (f"/patients/drugs/{MEDICINE}/?go=1", "/patients/drugs/<str:key>/"),
    (f"/pharma/documents/?q={MEDICINE}", "/pharma/documents/"),
    (f"/healthz?q={MEDICINE}", "/healthz"),  # public paths lose their query string too
]
HEADERS = {"Referer": f"https://lumen.example.org/patients/drugs/?q={MEDICINE}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/patients/drugs/?q={MEDICINE}", "/patients/drugs/"),
        (f"/patients/drugs/{MEDICINE}/", "/patients/drugs/<str:key>/"),
        (f"/patients/drugs/{MEDICINE}", "/patients/<unmatched>"),
        (
            "/pharma/documents/3f2b8c1e-58cc-4372-a567-0e02b2c3d479/",
            "/pharma/documents/<uuid:uid>/",
        ),
        ("/static/lumen.css?v=3", "/static/lumen.css"),  # public: the path as it is
        ("/healthz", "/healthz"),
    ],
)
def test_loggable_path_keeps_the_route_and_drops_the_values(path, logged):
    assert loggable_path(path) == logged


def test_gunicorn_access_log_has_no_query_string_referrer_or_medicine(tmp_path):
    # gunicorn.conf.py as deployed, less the hook that loads the embedding model (~10 s).
    config = tmp_path / "gunicorn_test.conf.py"
    config.write_text(
        f"exec(compile(open({str(ROOT / 'gunicorn.conf.py')!r}).read(), 'gunicorn.conf.py',"
        " 'exec'))\n"
        "def post_worker_init(worker):\n    pass\n"
    )
    access_log = tmp_path / "access.log"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", *PRODUCTION}}
    env.update(PRODUCTION, BEHIND_TLS_PROXY="1", ALLOWED_HOSTS="127.0.0.1")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(config), "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--no-control-socket", "--access-logfile", str(access_log), "lumen.wsgi:application"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        headers = {**HEADERS, "Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        deadline = time.monotonic() + 60
        while True:
            try:
                statuses = [_get(port, path, headers) for path, _ in REQUESTS]
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "gunicorn died"
                time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert statuses == [302, 302, 302, 503], output
    log = access_log.read_text()
    lines = log.splitlines()
    assert len(lines) == len(REQUESTS), log
    for line, (_, logged) in zip(lines, REQUESTS, strict=True):
        assert f'"GET {logged} HTTP/1.1"' in line, line
    assert MEDICINE not in log
    assert "?" not in log
    assert MEDICINE not in output


def test_gunicorn_error_lines_about_a_failed_request_drop_the_query_string(capsys):
    from gunicorn.config import Config

    logger = AccessLogger(Config())
    try:
        raise RuntimeError("worker failed mid-response")
    except RuntimeError:
        logger.exception("Error handling request %s %s", "GET", f"/patients/drugs/?q={MEDICINE}")
    err = capsys.readouterr().err
    assert "Error handling request GET /patients/drugs/" in err, err
    assert MEDICINE not in err


@contextmanager
def _captured(handler: logging.Handler):
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def _configured_handler(logger_name: str) -> logging.StreamHandler:
    """The console handler settings.LOGGING gave this logger (not pytest's capture handlers)."""
    handlers = [
        h for h in logging.getLogger(logger_name).handlers if type(h) is logging.StreamHandler
    ]
    assert len(handlers) == 1, logging.getLogger(logger_name).handlers
    return handlers[0]


def test_runserver_request_lines_have_no_query_string_or_medicine():
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler, ipv6=False)
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    requests = REQUESTS[:3]  # the signed-out redirects: no database in this thread
    with _captured(_configured_handler("django.server")) as stream:
        try:
            statuses = [_get(server.server_address[1], path, HEADERS) for path, _ in requests]
        finally:
            server.shutdown()  # returns once the last request has been handled and logged
            server.server_close()
    assert statuses == [302, 302, 302]
    log = stream.getvalue()
    for status, (_, logged) in zip(statuses, requests, strict=True):
        assert f'"GET {logged} HTTP/1.1" {status}' in log, log
    assert MEDICINE not in log


def test_not_found_warnings_name_the_route_not_the_medicine(client, alice_patient, login):
    login(alice_patient)
    with _captured(_configured_handler("")) as stream:
        response = client.get(f"/patients/drugs/{MEDICINE}-xr/", {"q": MEDICINE})
    assert response.status_code == 404
    log = stream.getvalue()
    assert "Not Found: /patients/drugs/<str:key>/" in log, log
    assert MEDICINE not in log
