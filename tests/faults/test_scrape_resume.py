"""A scrape interrupted half way (Ctrl-C, or the API failing) resumes from its checkpoint on
the next run, and the knowledge base ends up exactly as after one clean, uninterrupted run:
every record once, every chunk once, all embedded.

ClinicalTrials.gov is served from a loopback HTTP server: four real recorded studies, one per
page, chained by `nextPageToken` as the v2 API does.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from threading import Thread
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from knowledge.management.commands import scrape as scrape_command
from knowledge.models import Chunk, Document
from knowledge.sources import clinicaltrials, http

QUERY = "keytruda"


class FakeClinicalTrials(ThreadingHTTPServer):
    """`/api/v2/studies` one study a page; `failing_from` makes pages from there on a 500."""

    daemon_threads = False
    block_on_close = True

    def __init__(self, studies: list[dict]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.studies = studies
        self.requested: Counter = Counter()  # page number -> times asked for
        self.failing_from: int | None = None

    def page(self, token: str | None) -> tuple[int, bytes]:
        number = int(token[1:]) if token else 1
        self.requested[number] += 1
        if self.failing_from is not None and number >= self.failing_from:
            return 500, b'{"message": "Internal Server Error"}'
        body = {"studies": [self.studies[number - 1]], "totalCount": len(self.studies)}
        if number < len(self.studies):
            body["nextPageToken"] = f"p{number + 1}"
        return 200, json.dumps(body).encode()


class _Handler(BaseHTTPRequestHandler):
    server: FakeClinicalTrials
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/api/v2/studies":
            status, body = 404, b""  # robots.txt included: no restrictions
        else:
            status, body = self.server.page(parse_qs(url.query).get("pageToken", [None])[0])
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def api(shared_data, settings, tmp_path, monkeypatch) -> Iterator[FakeClinicalTrials]:
    search = json.loads((shared_data / "api/ctgov_v2_search_keytruda_limit3.json").read_bytes())
    single = json.loads((shared_data / "api/ctgov_v2_study_NCT06382129.json").read_bytes())
    server = FakeClinicalTrials([*search["studies"], single])
    thread = Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    host, port = server.server_address[:2]
    monkeypatch.setattr(clinicaltrials, "API_URL", f"http://{host}:{port}/api/v2/studies")
    monkeypatch.setitem(http.HOST_LIMITS, "127.0.0.1", http.HostLimit(1000.0))
    settings.LUMEN_RAW_DIR = tmp_path / "raw"
    settings.LUMEN_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.LUMEN_SCRAPER_MAX_RETRIES = 0  # a failing page ends the run at once
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _scrape() -> str:
    out = StringIO()
    call_command("scrape", "clinicaltrials", "--query", QUERY, stdout=out, stderr=StringIO())
    return out.getvalue()


def _knowledge_base() -> dict:
    """What a reader could tell apart: documents with their content, chunks, embeddings."""
    return {
        "documents": sorted(Document.objects.values_list("external_id", "content_hash")),
        "chunks": sorted(Chunk.objects.values_list("document__external_id", "text")),
        "unembedded": Chunk.objects.filter(embedding__isnull=True).count(),
    }


@pytest.fixture
def clean_run(api, db, django_capture_on_commit_callbacks, settings, tmp_path) -> dict:
    """The knowledge base after one uninterrupted scrape; then emptied, checkpoint forgotten."""
    with django_capture_on_commit_callbacks(execute=True):
        _scrape()
    expected = _knowledge_base()
    assert len(expected["documents"]) == 4 and expected["unembedded"] == 0
    Document.objects.all().delete()
    settings.LUMEN_CHECKPOINT_DIR = tmp_path / "checkpoints-2"
    api.requested.clear()
    return expected


def test_a_scrape_stopped_by_ctrl_c_after_storing_a_page_resumes_and_stores_it_once(
    api, clean_run, django_capture_on_commit_callbacks, monkeypatch
):
    real_ingest, pages = scrape_command.ingest, 0

    def ctrl_c_after_the_third_page_is_stored(**kwargs):
        nonlocal pages
        pages += 1
        stored = real_ingest(**kwargs)
        if pages == 3:  # stored, but the checkpoint has not moved past it yet
            raise KeyboardInterrupt
        return stored

    monkeypatch.setattr(scrape_command, "ingest", ctrl_c_after_the_third_page_is_stored)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit) as stop:
        _scrape()
    assert stop.value.code == 130
    assert Document.objects.count() == 3

    monkeypatch.setattr(scrape_command, "ingest", real_ingest)
    with django_capture_on_commit_callbacks(execute=True):
        summary = _scrape()
    assert "Resuming clinicaltrials after checkpoint 'p3'" in summary
    assert api.requested == {1: 1, 2: 1, 3: 2, 4: 1}  # only the unfinished page again
    assert _knowledge_base() == clean_run


def test_a_scrape_cut_short_by_the_api_failing_resumes_where_it_stopped(
    api, clean_run, django_capture_on_commit_callbacks
):
    api.failing_from = 3
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CommandError) as error:
        _scrape()
    assert "Progress is saved: run the same command again to resume" in str(error.value)
    assert Document.objects.count() == 2

    api.failing_from = None
    with django_capture_on_commit_callbacks(execute=True):
        summary = _scrape()
    assert "Resuming clinicaltrials after checkpoint 'p3'" in summary
    assert api.requested == {1: 1, 2: 1, 3: 2, 4: 1}
    assert _knowledge_base() == clean_run
