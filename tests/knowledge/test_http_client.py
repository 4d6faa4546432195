"""PoliteClient against a real HTTP server on 127.0.0.1, scripted per test.

Time is faked (an injected clock and sleep), so nothing here waits for a backoff or a rate limit;
only the timeout test waits, for a real socket timeout of a fraction of a second.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from knowledge.sources import http as http_module
from knowledge.sources.http import (
    FetchError,
    PoliteClient,
    RateLimiter,
    backoff_delay,
    retry_after_seconds,
)

SECRET = "s3cret-key-value"


# --- a scripted server ------------------------------------------------------------------------


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # hold the response until teardown, so a client timeout trips first


class Scripted:
    """What the server answers on each path (the last reply repeats) and what it was asked."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.seen: list[tuple[str, dict[str, str]]] = []  # (path?query, headers)
        self.release = threading.Event()
        self.base_url = ""
        self.port = 0
        self._lock = threading.Lock()

    def script(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)

    def reply_to(self, raw_path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.seen.append((raw_path, headers))
            replies = self.routes.get(urlsplit(raw_path).path)
            if not replies:
                return Reply(404, b"not found")
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def paths(self) -> list[str]:
        return [urlsplit(raw).path for raw, _ in self.seen]

    def requests_to(self, path: str) -> list[tuple[str, dict[str, str]]]:
        return [(raw, headers) for raw, headers in self.seen if urlsplit(raw).path == path]


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        scripted: Scripted = self.server.scripted  # type: ignore[attr-defined]
        reply = scripted.reply_to(self.path, dict(self.headers))
        if reply.hang:
            scripted.release.wait(5)
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and left

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


class _Server(ThreadingHTTPServer):
    # Join handler threads on server_close(), so no socket outlives its test.
    daemon_threads = False


@pytest.fixture
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    scripted = Scripted()
    httpd.scripted = scripted  # type: ignore[attr-defined]
    scripted.port = httpd.server_address[1]
    scripted.base_url = f"http://127.0.0.1:{scripted.port}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield scripted
    scripted.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join()


class RouteTo(httpx.BaseTransport):
    """Send every request to the local server whatever host it names, as an /etc/hosts entry
    would; the client still sees (and applies limits and keys for) the host in the URL."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        routed = httpx.Request(
            request.method,
            request.url.copy_with(scheme="http", host="127.0.0.1", port=self._port),
            headers=request.headers,
            stream=request.stream,
        )
        return self._inner.handle_request(routed)

    def close(self) -> None:
        self._inner.close()


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it; sleeps are recorded."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(tmp_path, clock):
    clients: list[PoliteClient] = []

    def _make(**kwargs) -> PoliteClient:
        options = {
            "contact": "scrapers@lumen.example",
            "timeout": 5.0,
            "max_retries": 3,
            "raw_dir": tmp_path / "raw",
            "sleep": clock.sleep,
            "clock": clock,
        }
        client = PoliteClient(**(options | kwargs))
        clients.append(client)
        return client

    yield _make
    for client in clients:
        client.close()


# --- retries ----------------------------------------------------------------------------------


def test_a_429_waits_as_long_as_retry_after_asks_then_returns_the_body(server, make_client, clock):
    server.script("/page", Reply(429, b"slow down", {"Retry-After": "2"}), Reply(200, b"hello"))
    client = make_client()

    assert client.fetch(f"{server.base_url}/page", source="test") == b"hello"

    # 0.5 s: the 2/s default spacing after robots.txt; 2.0 s: Retry-After.
    assert clock.sleeps == [0.5, 2.0]
    assert client.stats == {"requests": 2, "retries": 1, "failures": 0, "bytes": 5}


def test_a_503_twice_is_retried_with_exponential_backoff_until_the_200(
    server, make_client, clock, monkeypatch
):
    # Take the top of each jitter range, so the backoff itself is visible.
    monkeypatch.setattr(http_module.random, "uniform", lambda low, high: high)
    server.script("/page", Reply(503), Reply(503), Reply(200, b"finally"))
    client = make_client(backoff_base=1.0)

    assert client.fetch(f"{server.base_url}/page", source="test") == b"finally"

    assert clock.sleeps == [0.5, 1.0, 2.0]  # spacing after robots.txt, then 1 s and 2 s backoff
    assert len(server.requests_to("/page")) == 3
    assert client.stats["retries"] == 2


def test_a_server_that_always_fails_raises_fetch_error_after_max_retries(server, make_client):
    server.script("/broken", Reply(500, b"oops"))
    client = make_client(max_retries=2)
    url = f"{server.base_url}/broken"

    with pytest.raises(FetchError, match="HTTP 500") as raised:
        client.fetch(url, source="test")

    assert url in str(raised.value)
    assert raised.value.status == 500
    assert len(server.requests_to("/broken")) == 3
    assert client.stats == {"requests": 3, "retries": 2, "failures": 1, "bytes": 0}


def test_a_server_slower_than_the_timeout_is_retried_then_given_up_on(server, make_client):
    server.script("/slow", Reply(hang=True))
    client = make_client(timeout=0.2, max_retries=1)

    with pytest.raises(FetchError, match="Timeout"):
        client.fetch(f"{server.base_url}/slow", source="test")

    assert len(server.requests_to("/slow")) == 2
    assert client.stats["retries"] == 1
    assert client.stats["failures"] == 1


def test_a_404_raises_fetch_error_without_retrying(server, make_client):
    client = make_client()

    with pytest.raises(FetchError, match="HTTP 404") as raised:
        client.fetch(f"{server.base_url}/missing", source="test")

    assert raised.value.status == 404
    assert len(server.requests_to("/missing")) == 1
    assert client.stats["retries"] == 0


def test_a_refused_connection_is_retried_and_robots_txt_treated_as_allowed(make_client, caplog):
    with socket.socket() as probe:  # a port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(max_retries=1)

    with pytest.raises(FetchError, match="ConnectError"):
        client.fetch(f"http://127.0.0.1:{port}/page", source="test")

    assert client.stats["retries"] == 1
    assert "robots.txt" in caplog.text and "unreachable" in caplog.text


# --- robots.txt -------------------------------------------------------------------------------


def test_a_path_robots_txt_disallows_is_never_requested(server, make_client):
    server.script("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n"))
    server.script("/private/page", Reply(200, b"secret"))
    server.script("/public", Reply(200, b"fine"))
    client = make_client()

    with pytest.raises(FetchError, match=r"disallowed by .*/robots\.txt"):
        client.fetch(f"{server.base_url}/private/page", source="test")
    assert client.fetch(f"{server.base_url}/public", source="test") == b"fine"

    assert server.paths() == ["/robots.txt", "/public"]  # robots.txt read once, /private never


def test_robots_txt_rules_for_lumen_by_name_apply_to_the_client(server, make_client):
    server.script("/robots.txt", Reply(200, b"User-agent: Lumen\nDisallow: /\n"))
    client = make_client()

    with pytest.raises(FetchError, match="disallowed"):
        client.fetch(f"{server.base_url}/anything", source="test")


def test_a_missing_robots_txt_allows_everything(server, make_client):
    server.script("/page", Reply(200, b"hello"))
    client = make_client()

    assert client.fetch(f"{server.base_url}/page", source="test") == b"hello"
    assert server.paths() == ["/robots.txt", "/page"]


def test_a_failing_robots_txt_allows_everything_with_a_warning(server, make_client, caplog):
    server.script("/robots.txt", Reply(503))
    server.script("/page", Reply(200, b"hello"))
    client = make_client()

    assert client.fetch(f"{server.base_url}/page", source="test") == b"hello"
    assert "robots.txt" in caplog.text and "HTTP 503" in caplog.text


def test_a_robots_txt_crawl_delay_longer_than_the_host_limit_spaces_requests(
    server, make_client, clock
):
    server.script("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 3\n"))
    server.script("/page", Reply(200, b"hello"))
    client = make_client()

    client.fetch(f"{server.base_url}/page", source="test")
    client.fetch(f"{server.base_url}/page", source="test")

    assert clock.sleeps == [0.5, 3.0]


# --- identity and API keys --------------------------------------------------------------------


def test_every_request_says_who_is_asking_and_how_to_reach_them(server, make_client):
    server.script("/page", Reply(200, b"hello"))
    client = make_client(contact="ops@hospital.example")

    client.fetch(f"{server.base_url}/page", source="test")

    agents = {headers["User-Agent"] for _, headers in server.seen}
    assert len(agents) == 1  # robots.txt and the page alike
    (agent,) = agents
    assert agent.startswith(f"Lumen/{http_module.VERSION} (+https://github.com/lumen-health/lumen;")
    assert "ops@hospital.example" in agent


def test_the_contact_defaults_to_the_setting(server, make_client, settings):
    settings.LUMEN_SCRAPER_CONTACT = "from-settings@lumen.example"
    server.script("/page", Reply(200, b"hello"))
    client = make_client(contact=None)

    client.fetch(f"{server.base_url}/page", source="test")

    assert "from-settings@lumen.example" in server.seen[-1][1]["User-Agent"]


@pytest.mark.parametrize(
    ("host", "setting", "path"),
    [
        ("api.fda.gov", "LUMEN_OPENFDA_API_KEY", "/drug/label.json"),
        ("eutils.ncbi.nlm.nih.gov", "LUMEN_NCBI_API_KEY", "/entrez/eutils/esearch.fcgi"),
    ],
)
def test_the_api_key_is_sent_to_its_host_but_never_written_to_disk_or_logs(
    server, make_client, settings, tmp_path, caplog, host, setting, path
):
    caplog.set_level(logging.DEBUG)
    setattr(settings, setting, SECRET)
    server.script(path, Reply(503), Reply(200, b'{"results": []}'))
    client = make_client(transport=RouteTo(server.port), backoff_base=0.0)

    client.fetch(f"https://{host}{path}", params={"search": "aspirin"}, source="test")

    page_queries = [parse_qs(urlsplit(raw).query) for raw, _ in server.requests_to(path)]
    assert page_queries == [{"search": ["aspirin"], "api_key": [SECRET]}] * 2
    assert "api_key" not in server.requests_to("/robots.txt")[0][0]
    (sidecar,) = (tmp_path / "raw" / "test").glob("*/*.json")
    meta = json.loads(sidecar.read_text())
    assert meta["params"] == {"search": "aspirin", "api_key": "REDACTED"}
    assert "api_key=REDACTED" in meta["url"]
    assert SECRET not in sidecar.read_text()
    assert "Retrying" in caplog.text  # the retry was logged, with its URL ...
    assert SECRET not in caplog.text  # ... redacted, as is httpx's own request log


def test_api_keys_are_not_sent_to_other_hosts(server, make_client, settings):
    settings.LUMEN_OPENFDA_API_KEY = SECRET
    settings.LUMEN_NCBI_API_KEY = SECRET
    server.script("/page", Reply(200, b"hello"))
    client = make_client()

    client.fetch(f"{server.base_url}/page", params={"q": "x"}, source="test")

    assert all(SECRET not in raw for raw, _ in server.seen)


# --- raw responses on disk --------------------------------------------------------------------


def test_each_body_is_kept_on_disk_with_a_sidecar_describing_it(server, make_client, tmp_path):
    body = b'{"results": [1, 2, 3]}'
    server.script("/data.json", Reply(200, body, {"Content-Type": "application/json"}))
    client = make_client()

    client.fetch(f"{server.base_url}/data.json", params={"limit": 3}, source="openfda-label")

    (day,) = (tmp_path / "raw" / "openfda-label").iterdir()
    (body_file,) = day.glob("*.body")
    meta = json.loads(body_file.with_suffix(".json").read_text())
    assert body_file.read_bytes() == body
    assert body_file.stem == meta["sha256"][:16]
    assert meta["url"] == f"{server.base_url}/data.json?limit=3"
    assert meta["params"] == {"limit": 3}
    assert meta["status"] == 200
    assert meta["content_type"] == "application/json"
    assert meta["source"] == "openfda-label"
    fetched_at = datetime.fromisoformat(meta["fetched_at"])
    assert fetched_at.utcoffset() == timedelta(0)
    assert day.name == fetched_at.date().isoformat()
    assert not list(day.glob(".*.tmp"))  # written atomically, nothing left behind


def test_a_source_name_that_is_not_a_slug_is_refused(make_client):
    client = make_client()

    with pytest.raises(ValueError, match="slug"):
        client.fetch("http://127.0.0.1:9/page", source="../escape")


# --- rate limits ------------------------------------------------------------------------------


def test_requests_to_one_host_are_spaced_by_its_limit(server, make_client, clock):
    server.script("/page", Reply(200, b"hello"))
    client = make_client()

    client.fetch(f"{server.base_url}/page", source="test")
    client.fetch(f"{server.base_url}/page", source="test")

    assert clock.sleeps == [0.5, 0.5]  # robots.txt, page, page at the default 2 per second


@pytest.mark.parametrize(("key", "interval"), [("", 1 / 3), (SECRET, 1 / 10)])
def test_eutils_is_asked_3_times_a_second_or_10_with_an_ncbi_key(
    server, make_client, clock, settings, key, interval
):
    settings.LUMEN_NCBI_API_KEY = key
    server.script("/esearch.fcgi", Reply(200, b"<eSearchResult/>"))
    client = make_client(transport=RouteTo(server.port))

    client.fetch("https://eutils.ncbi.nlm.nih.gov/esearch.fcgi", source="pubmed")

    assert clock.sleeps == [pytest.approx(interval)]


def test_the_rate_limiter_waits_only_for_what_is_left_of_the_interval(clock):
    limiter = RateLimiter(0.5, clock=clock, sleep=clock.sleep)

    limiter.wait()
    limiter.wait()
    clock.now += 0.2
    limiter.wait()
    clock.now += 10
    limiter.wait()

    assert clock.sleeps == [0.5, pytest.approx(0.3)]


def test_the_rate_limiter_gives_concurrent_threads_distinct_slots():
    sleeps: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            sleeps.append(seconds)

    # A frozen clock: every thread arrives at once, so each must be queued one interval later.
    limiter = RateLimiter(0.25, clock=lambda: 100.0, sleep=record)
    threads = [threading.Thread(target=limiter.wait) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(sleeps) == [0.25 * n for n in range(1, 8)]


# --- the pieces of the retry policy -----------------------------------------------------------


def test_backoff_jitters_over_an_exponential_range_capped_at_a_minute():
    ranges: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        ranges.append((low, high))
        return high

    delays = [backoff_delay(attempt, 1.0, uniform=uniform) for attempt in range(8)]

    assert ranges == [(0.0, high) for high in (1, 2, 4, 8, 16, 32, 60, 60)]
    assert delays[-1] == 60.0


def test_retry_after_is_read_as_seconds_or_an_http_date_and_capped():
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    in_30_seconds = format_datetime(now + timedelta(seconds=30), usegmt=True)
    an_hour_ago = format_datetime(now - timedelta(hours=1), usegmt=True)

    assert retry_after_seconds("7", now=now) == 7.0
    assert retry_after_seconds(in_30_seconds, now=now) == 30.0
    assert retry_after_seconds(an_hour_ago, now=now) == 0.0
    assert retry_after_seconds("86400", now=now) == 300.0
    assert retry_after_seconds("soon", now=now) is None
    assert retry_after_seconds(None, now=now) is None
