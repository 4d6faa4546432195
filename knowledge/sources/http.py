"""The one polite HTTP client every scraper fetches through.

`PoliteClient.fetch()` GETs a URL and returns its body, after:
- checking the host's robots.txt (fetched once per host and client, through the same client);
- waiting for the host's turn under `HOST_LIMITS` (and a robots.txt `Crawl-delay`, if longer);
- adding the API key the host takes, from settings;
and it retries timeouts, connection errors, 429 and 5xx with capped, jittered backoff (or the
server's `Retry-After`). Every successful body is kept under `LUMEN_RAW_DIR` with a JSON sidecar,
so a parser can be rerun without refetching. API keys never reach the sidecar or the logs.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import logging
import os
import random
import re
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from urllib.robotparser import RobotFileParser

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

try:
    VERSION = importlib.metadata.version("lumen")
except importlib.metadata.PackageNotFoundError:  # running from a checkout that isn't installed
    VERSION = "0.0.0"

PROJECT_URL = "https://github.com/lumen-health/lumen"
BACKOFF_CAP = 60.0  # seconds; no single backoff sleep is longer
RETRY_AFTER_CAP = 300.0  # seconds; a server asking for longer gets this, then we try again
SECRET_PARAMS = frozenset({"api_key"})
REDACTED = "REDACTED"


@dataclass(frozen=True)
class HostLimit:
    """How fast one host may be asked, and the API key setting that raises it.

    `per_second` applies without a key; `with_key` (when set) once the Django setting named by
    `key_setting` is non-empty, in which case the client also sends it as `api_key`.
    """

    per_second: float
    with_key: float | None = None
    key_setting: str = ""


# Each provider's documented limit. Where none is published we use DEFAULT_LIMIT.
HOST_LIMITS: dict[str, HostLimit] = {
    # openFDA (https://open.fda.gov/apis/authentication/): 240 requests per minute, per IP
    # without a key and per key with one. The daily caps differ (1,000 per IP without a key,
    # 120,000 per key with one) and are not enforced here: a run of more than 1,000 pages a
    # day needs LUMEN_OPENFDA_API_KEY, or openFDA answers 429 until the next day.
    "api.fda.gov": HostLimit(240 / 60, 240 / 60, "LUMEN_OPENFDA_API_KEY"),
    # NCBI E-utilities (https://www.ncbi.nlm.nih.gov/books/NBK25497/): 3 requests per second
    # without an API key, 10 with one.
    "eutils.ncbi.nlm.nih.gov": HostLimit(3.0, 10.0, "LUMEN_NCBI_API_KEY"),
    # RxNav (https://lhncbc.nlm.nih.gov/RxNav/TermsofService.html): 20 requests per second
    # per IP address.
    "rxnav.nlm.nih.gov": HostLimit(20.0),
    # MedlinePlus Connect (https://medlineplus.gov/medlineplus-connect/technical-information/):
    # 100 requests per minute per IP; the health-topic search service
    # (https://medlineplus.gov/about/developers/webservices/): 85 per minute per IP.
    "connect.medlineplus.gov": HostLimit(100 / 60),
    "wsearch.nlm.nih.gov": HostLimit(85 / 60),
    # clinicaltrials.gov, medlineplus.gov (XML files), www.fda.gov and dailymed.nlm.nih.gov
    # publish no numeric limit: DEFAULT_LIMIT, stretched by any robots.txt Crawl-delay.
}
DEFAULT_LIMIT = HostLimit(2.0)

_SECRET_IN_TEXT = re.compile(rf"\b((?:{'|'.join(sorted(SECRET_PARAMS))})=)[^&\s\"'#]+")
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$", re.IGNORECASE)


class FetchError(Exception):
    """A URL could not be fetched: disallowed, a non-retryable status, or retries exhausted.

    `url` has API keys redacted; `status` is the last HTTP status, None when there was none.
    """

    def __init__(self, url: str, why: str, *, status: int | None = None) -> None:
        super().__init__(f"GET {url} failed: {why}")
        self.url = url
        self.why = why
        self.status = status


def redact(text: str) -> str:
    """`text` with the value of every secret query parameter (`api_key=...`) replaced."""
    return _SECRET_IN_TEXT.sub(rf"\1{REDACTED}", text)


def _redact_params(params: dict) -> dict:
    return {k: (REDACTED if k in SECRET_PARAMS else v) for k, v in params.items()}


class _RedactHttpxLog(logging.Filter):
    # httpx logs every request URL at INFO, query string (and so our api_key) included.
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(str(arg)) if isinstance(arg, str | httpx.URL) else arg for arg in record.args
            )
        return True


logging.getLogger("httpx").addFilter(_RedactHttpxLog())


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def backoff_delay(
    attempt: int, base: float, *, uniform: Callable[[float, float], float] | None = None
) -> float:
    """Seconds to wait before retry number `attempt + 1`: full jitter, capped at BACKOFF_CAP.

    Full jitter (uniform between 0 and the exponential bound) spreads out clients that failed
    together, so they don't all come back at once. `uniform` defaults to `random.uniform`.
    """
    # Jitter, not cryptography: the stdlib generator is the right tool.
    pick = uniform or random.uniform
    return pick(0.0, min(BACKOFF_CAP, base * 2**attempt))


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or HTTP-date), capped.

    None when absent or unparseable, so the caller falls back to its own backoff.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # an HTTP-date is GMT by definition
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


class RateLimiter:
    """Spaces calls to `wait()` at least `interval` seconds apart, across threads.

    Each caller reserves the next free slot under the lock and sleeps outside it, so threads
    queue up in order without holding the lock while they wait.
    """

    def __init__(
        self,
        interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)


class PoliteClient:
    """Fetches public pages and API responses politely; one per scrape, closed when done.

    Defaults come from settings (LUMEN_SCRAPER_CONTACT, LUMEN_SCRAPER_TIMEOUT,
    LUMEN_SCRAPER_MAX_RETRIES, LUMEN_RAW_DIR). `sleep` and `clock` are injectable so tests
    never wait; `transport` lets tests route requests to a local server. Thread-safe.
    `stats` counts `fetch()` attempts (`requests`), `retries`, `failures` (FetchErrors raised)
    and body `bytes` returned; robots.txt requests are not counted.
    """

    def __init__(
        self,
        *,
        contact: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        raw_dir: Path | None = None,
        backoff_base: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        contact = contact if contact is not None else settings.LUMEN_SCRAPER_CONTACT
        self.user_agent = f"Lumen/{VERSION} (+{PROJECT_URL}; {contact})"
        self.timeout = timeout if timeout is not None else settings.LUMEN_SCRAPER_TIMEOUT
        self.max_retries = (
            max_retries if max_retries is not None else settings.LUMEN_SCRAPER_MAX_RETRIES
        )
        self.raw_dir = Path(raw_dir if raw_dir is not None else settings.LUMEN_RAW_DIR)
        self.backoff_base = backoff_base
        self._sleep = sleep
        self._clock = clock
        # Keys are read once: a scrape should not change speed or identity half way through.
        self._keys = {
            host: key
            for host, limit in HOST_LIMITS.items()
            if limit.key_setting and (key := getattr(settings, limit.key_setting, ""))
        }
        self._http = httpx.Client(
            headers={"User-Agent": self.user_agent},
            timeout=self.timeout,
            transport=transport,
            follow_redirects=True,
        )
        self._lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}
        self._robots: dict[str, RobotFileParser] = {}
        self.stats = {"requests": 0, "retries": 0, "failures": 0, "bytes": 0}

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def fetch(self, url: str, *, params: dict | None = None, source: str) -> bytes:
        """GET `url` (with `params`) and return the body, kept on disk under `source`.

        Raises FetchError when robots.txt disallows the URL (nothing is requested), on a
        non-retryable status (4xx other than 408/429), or once `max_retries` retries are spent.
        """
        if not _SOURCE_NAME.match(source):
            raise ValueError(f"source must be a plain slug, not {source!r}")
        params = dict(params or {})
        request_url = httpx.URL(url)
        if request_url.host in self._keys:
            params["api_key"] = self._keys[request_url.host]
        request = self._http.build_request("GET", request_url, params=params)
        shown = redact(str(request.url))

        origin = f"{request_url.scheme}://{request_url.netloc.decode('ascii')}"
        robots = self._robots_for(origin, request_url.host)
        if not robots.can_fetch(self.user_agent, str(request.url)):
            self._count("failures")
            raise FetchError(shown, f"disallowed by {origin}/robots.txt")

        limiter = self._limiter_for(request_url.host)
        why, status = "no attempt made", None
        for attempt in range(self.max_retries + 1):
            limiter.wait()
            self._count("requests")
            delay = None
            try:
                response = self._http.send(request)
            except httpx.UnsupportedProtocol as exc:
                why, status = f"{type(exc).__name__}: {exc}", None
                break
            except httpx.TransportError as exc:  # timeouts, refused and dropped connections
                why, status = f"{type(exc).__name__}: {exc}", None
            except httpx.HTTPError as exc:  # too many redirects and the like: retrying won't help
                why, status = f"{type(exc).__name__}: {exc}", None
                break
            else:
                status = response.status_code
                if response.is_success:
                    body = response.content
                    self._count("bytes", len(body))
                    self._keep(response, body, params=params, source=source)
                    return body
                why = f"HTTP {status}"
                if not _retryable(status):
                    break
                delay = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt == self.max_retries:
                break
            if delay is None:
                delay = backoff_delay(attempt, self.backoff_base)
            self._count("retries")
            logger.warning("Retrying %s in %.1fs after %s", shown, delay, redact(why))
            self._sleep(delay)
        self._count("failures")
        raise FetchError(shown, redact(why), status=status)

    # --- internals -------------------------------------------------------------------------

    def _count(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self.stats[name] += amount

    def _limiter_for(self, host: str) -> RateLimiter:
        with self._lock:
            limiter = self._limiters.get(host)
            if limiter is None:
                limit = HOST_LIMITS.get(host, DEFAULT_LIMIT)
                per_second = (
                    limit.with_key if host in self._keys and limit.with_key else limit.per_second
                )
                limiter = RateLimiter(1.0 / per_second, clock=self._clock, sleep=self._sleep)
                self._limiters[host] = limiter
            return limiter

    def _robots_for(self, origin: str, host: str) -> RobotFileParser:
        # One lock for all hosts keeps this simple; robots.txt is fetched once per host.
        with self._lock:
            robots = self._robots.get(origin)
        if robots is not None:
            return robots
        robots = RobotFileParser(f"{origin}/robots.txt")
        limiter = self._limiter_for(host)
        limiter.wait()  # robots.txt is a request to the host like any other
        try:
            response = self._http.get(f"{origin}/robots.txt")
        except httpx.HTTPError as exc:
            logger.warning("robots.txt of %s unreachable (%s); treating as allowed", origin, exc)
            robots.allow_all = True
        else:
            if response.is_success:
                robots.parse(response.text.splitlines())
                crawl_delay = robots.crawl_delay(self.user_agent)
                if crawl_delay:
                    limiter.interval = max(limiter.interval, float(crawl_delay))
            elif response.status_code < 500:
                # RFC 9309 2.3.1.3: a 4xx robots.txt means no restrictions.
                robots.allow_all = True
            else:
                logger.warning(
                    "robots.txt of %s answered HTTP %s; treating as allowed",
                    origin,
                    response.status_code,
                )
                robots.allow_all = True
        with self._lock:
            return self._robots.setdefault(origin, robots)

    def _keep(self, response: httpx.Response, body: bytes, *, params: dict, source: str) -> None:
        fetched_at = datetime.now(UTC)
        digest = hashlib.sha256(body).hexdigest()
        folder = self.raw_dir / source / fetched_at.date().isoformat()
        sidecar = {
            "url": redact(str(response.url)),
            "params": _redact_params(params),
            "status": response.status_code,
            "fetched_at": fetched_at.isoformat(),
            "content_type": response.headers.get("content-type", ""),
            "sha256": digest,
            "source": source,
        }
        # Body first: a sidecar must never point at a body that isn't there.
        write_atomic(folder / f"{digest[:16]}.body", body)
        write_atomic(
            folder / f"{digest[:16]}.json",
            json.dumps(sidecar, indent=2, sort_keys=True, default=str).encode(),
        )


def _retryable(status: int) -> bool:
    return status in (408, 429) or status >= 500
