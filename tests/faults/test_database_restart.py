"""PostgreSQL restarting under a running Lumen: a request caught by the outage gets a clean
503 page (no stack trace, says nothing saved was lost), the next request reconnects by
itself (CONN_HEALTH_CHECKS), and every row committed before the restart is still there.

The restarts happen on a PostgreSQL server of this test's own (a fresh pgserver data
directory, ~1.5 s to create, ~4 s to migrate), never on the embedded server that other test
runs share.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import close_old_connections, connection
from django.test import Client

from lumen import embedded_db
from lumen.accounts.roles import Role
from lumen.accounts.services import user_ensure
from patients.models import Profile, SymptomEntry
from tests.conftest import PASSWORD

UNAVAILABLE = "Lumen is briefly unavailable"
ENTRY = {"symptom": "Headache", "severity": "6", "recorded_at": "2025-03-01T09:30", "notes": ""}


class ServerClient(Client):
    """The test client, with connections handled around each request as under gunicorn.

    Django's test client disconnects `close_old_connections` from request_started and
    request_finished (to keep a test's transaction open); a real server runs it, and that is
    what lets CONN_HEALTH_CHECKS notice a connection the restart killed.
    """

    def request(self, **request):
        close_old_connections()
        try:
            return super().request(**request)
        finally:
            close_old_connections()


@pytest.fixture(scope="module")
def own_server(django_db_blocker) -> Iterator[Path]:
    """A migrated PostgreSQL of our own; Django's default connection points at it meanwhile."""
    # A short path: the server's socket lives inside it (unix socket paths max ~100 bytes).
    pgdata = Path(tempfile.mkdtemp(prefix="lumen-faults-")) / "pgdata"
    own = embedded_db.ensure_running(pgdata)
    with django_db_blocker.unblock():
        connection.close()
        saved = {key: connection.settings_dict[key] for key in ("NAME", "HOST")}
        connection.settings_dict.update(NAME=own["NAME"], HOST=own["HOST"])
        # Content-type ids differ between this server and the test database: the cache of
        # them (auditlog writes one with every entry) must not carry over either way.
        ContentType.objects.clear_cache()
        try:
            call_command("migrate", verbosity=0)
            call_command("createcachetable", verbosity=0)
            ContentType.objects.clear_cache()
            yield pgdata
        finally:
            connection.close()
            connection.settings_dict.update(saved)
            ContentType.objects.clear_cache()
    embedded_db.stop(pgdata)
    shutil.rmtree(pgdata.parent, ignore_errors=True)


@pytest.fixture
def browser(own_server, django_db_blocker) -> Iterator[Client]:
    """Alice signed in, with one diary entry committed; errors come back as pages."""
    with django_db_blocker.unblock():
        user, _ = user_ensure(
            email="alice@example.com", password=PASSWORD, role=Role.PATIENT, name="Alice"
        )
        Profile.objects.get_or_create(user=user)
        SymptomEntry.objects.all().delete()
        client = ServerClient(raise_request_exception=False)
        response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.post("/patients/diary/", ENTRY).status_code == 302
        assert SymptomEntry.objects.count() == 1
        yield client


def _restart(pgdata: Path) -> None:
    assert embedded_db.stop(pgdata)
    embedded_db.ensure_running(pgdata)


def _is_clean_503(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert UNAVAILABLE in html and "Nothing you had already saved has been lost" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_the_first_request_after_a_restart_reconnects_and_sees_earlier_rows(
    browser, own_server, django_db_blocker
):
    _restart(own_server)
    page = browser.get("/patients/diary/")
    assert page.status_code == 200
    assert "Headache" in page.content.decode()  # committed before the restart
    with django_db_blocker.unblock():
        assert SymptomEntry.objects.count() == 1


def test_a_request_while_the_database_is_down_gets_the_503_page_then_recovers(
    browser, own_server, django_db_blocker
):
    assert embedded_db.stop(own_server)
    try:
        _is_clean_503(browser.get("/patients/diary/"))
    finally:
        embedded_db.ensure_running(own_server)
    assert browser.get("/patients/diary/").status_code == 200  # still signed in
    with django_db_blocker.unblock():
        assert SymptomEntry.objects.count() == 1


def test_a_form_caught_by_a_restart_mid_request_saves_nothing_and_resending_saves_once(
    browser, own_server, django_db_blocker
):
    calls = 0

    def restart_before_the_third_query(execute, sql, params, many, context):
        nonlocal calls
        calls += 1
        if calls == 3:  # after the session and user lookups, before the diary write
            _restart(own_server)
        return execute(sql, params, many, context)

    with django_db_blocker.unblock(), connection.execute_wrapper(restart_before_the_third_query):
        response = browser.post("/patients/diary/", {**ENTRY, "symptom": "Nausea"})
    _is_clean_503(response)
    with django_db_blocker.unblock():
        assert list(SymptomEntry.objects.values_list("symptom", flat=True)) == ["Headache"]

    assert browser.post("/patients/diary/", {**ENTRY, "symptom": "Nausea"}).status_code == 302
    with django_db_blocker.unblock():
        assert sorted(SymptomEntry.objects.values_list("symptom", flat=True)) == [
            "Headache",
            "Nausea",
        ]


def test_any_other_error_keeps_the_plain_500_page(rf):
    from lumen.errors import server_error

    try:
        raise ValueError("a bug, not an outage")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    assert not response.has_header("Retry-After")
