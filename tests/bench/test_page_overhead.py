"""What being signed in costs: the same gunicorn (production settings, 2 workers x 4 threads)
answers an anonymous 404, /healthz and four signed-in pages, 8 concurrent clients each, and
the figure reported is each page's throughput as a share of the anonymous 404's (the
baseline runs through the whole middleware stack and touches no session).

Not in CI (`make bench`). Every page is measured in ROUNDS slices interleaved with the others,
so a burst of load from elsewhere on the machine lands on all of them alike. The clients are
threads holding keep-alive connections (reopened every REOPEN requests, so both gunicorn
workers get a share), each signed in as its own patient with a typical profile.
LUMEN_OVERHEAD_SECONDS (15) sets the measured time per page.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import httpx

from tests.bench import page_seed
from tests.bench.conftest import gunicorn, percentile
from tests.bench.test_load import PASSWORD, production_env  # noqa: F401 - the fixture
from tests.conftest import ROOT

CLIENTS = 8
SECONDS = float(os.environ.get("LUMEN_OVERHEAD_SECONDS", "15"))
ROUNDS = 3
REOPEN = 50
WORKERS, THREADS = "2", "4"

# (name, path, signed in, expected status); the first is the baseline.
PAGES = (
    ("anonymous 404 (whole middleware stack)", "/no-such-page/", False, 404),
    ("/healthz", "/healthz", False, 200),
    ("signed-in light page (password change form)", "/accounts/password/change/", True, 200),
    ("signed-in patient home", "/patients/", True, 200),
    ("signed-in drug page (warfarin)", "/patients/drugs/warfarin/", True, 200),
    ("signed-in profile form", "/patients/profile/", True, 200),
)


def _sign_in(base: str, n: int) -> str:
    """The Cookie header of a fresh session for bench patient `n` (kept by hand: production
    cookies are Secure, and a cookie jar would not send them over loopback HTTP)."""
    cookies: dict[str, str] = {}
    headers = {"X-Forwarded-For": f"10.9.0.{n + 1}"}
    with httpx.Client(base_url=base, timeout=30) as client:
        for method, kwargs in (
            ("GET", {}),
            ("POST", {"data": {"login": page_seed.email(n), "password": PASSWORD}}),
        ):
            response = client.request(
                method, "/accounts/login/",
                headers={**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                         "X-CSRFToken": cookies.get("csrftoken", "")},
                **kwargs,
            )  # fmt: skip
            for header in response.headers.get_list("set-cookie"):
                key, _, value = header.split(";")[0].partition("=")
                cookies[key.strip()] = value.strip('"')
    assert response.status_code == 302 and "sessionid" in cookies, response.text[:300]
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


@dataclass
class Tally:
    seconds: float = 0.0
    samples: list[float] = field(default_factory=list)
    wrong: dict[str, int] = field(default_factory=dict)


def _client(port: int, path: str, headers: dict, status: int, stop: float, tally: Tally) -> None:
    connection, used = None, 0
    local: list[float] = []
    while time.monotonic() < stop:
        if connection is None or used == REOPEN:
            if connection is not None:
                connection.close()
            connection, used = http.client.HTTPConnection("127.0.0.1", port, timeout=30), 0
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            got = str(response.status)
            if response.will_close:
                connection.close()
                connection = None
        except (OSError, http.client.HTTPException) as exc:
            got, connection = type(exc).__name__, None
        local.append(time.perf_counter() - started)
        used += 1
        if got != str(status):
            tally.wrong[got] = tally.wrong.get(got, 0) + 1
    if connection is not None:
        connection.close()
    tally.samples.extend(local)  # list.extend is atomic under the GIL


def _slice(port: int, page: tuple, cookies: list[str], seconds: float, tally: Tally) -> None:
    _, path, signed_in, status = page
    threads = []
    stop = time.monotonic() + seconds
    for n in range(CLIENTS):
        headers = {"Host": "127.0.0.1", "X-Forwarded-For": f"10.9.0.{n + 1}"}
        if signed_in:
            headers["Cookie"] = cookies[n]
        threads.append(
            threading.Thread(target=_client, args=(port, path, headers, status, stop, tally))
        )
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds += time.monotonic() - began


def _figures(tallies: dict[str, Tally]) -> list[dict]:
    baseline = len(tallies[PAGES[0][0]].samples) / tallies[PAGES[0][0]].seconds
    rows = []
    for name, tally in tallies.items():
        ms = [s * 1000 for s in tally.samples]
        rate = len(ms) / tally.seconds
        rows.append({
            "request": name,
            "requests": len(ms),
            "req_per_s": round(rate, 1),
            "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1),
            "vs_baseline": round(rate / baseline, 2),
            "wrong_status": tally.wrong,
        })  # fmt: skip
    return rows


def test_signed_in_pages_side_by_side_with_an_anonymous_404(production_env, tmp_path, record):  # noqa: F811
    logging.getLogger("httpx").setLevel(logging.WARNING)
    subprocess.run(
        [sys.executable, "-m", "tests.bench.page_seed", str(CLIENTS), PASSWORD],
        cwd=ROOT, env=production_env, check=True, capture_output=True,
    )  # fmt: skip
    with gunicorn(
        production_env, tmp_path / "gunicorn.log", workers=WORKERS, threads=THREADS
    ) as base:
        port = int(base.rsplit(":", 1)[1])
        cookies = [_sign_in(base, n) for n in range(CLIENTS)]
        for page in PAGES:  # warm-up: imports, templates, connections; not recorded
            _slice(port, page, cookies, 1.0, Tally())
        load_before = os.getloadavg()
        tallies = {page[0]: Tally() for page in PAGES}
        for _ in range(ROUNDS):
            for page in PAGES:
                _slice(port, page, cookies, SECONDS / ROUNDS, tallies[page[0]])
        load_after = os.getloadavg()
    rows = _figures(tallies)
    figures = {
        "gunicorn": f"gthread, {WORKERS} workers x {THREADS} threads",
        "clients": CLIENTS,
        "seconds_per_page": SECONDS,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "pages": rows,
    }
    record("page_overhead", figures)
    print(
        "\n| request | req/s | p50 | p95 | vs 404 baseline |\n| --- | ---: | ---: | ---: | ---: |"
    )
    for row in rows:
        print(
            f"| {row['request']} | {row['req_per_s']:.0f} | {row['p50_ms']} ms "
            f"| {row['p95_ms']} ms | {row['vs_baseline']:.2f} |"
        )
    print(json.dumps({"load": [load_before, load_after]}))
    for row in rows:
        assert row["requests"] > 0 and not row["wrong_status"], row
