"""Load: gunicorn (production settings) under 10, 50 and 100 concurrent users for a fixed time
each, every user on their own account and address, walking real journeys. Reports req/s,
p50/p95/p99 per request type and overall, errors, and the most database connections seen.

Not in CI (`make bench`). Closed loop: each virtual user waits THINK seconds (±50 %) between
requests, like a person reading. LUMEN_LOAD_SECONDS (60) sets the time per level,
LUMEN_LOAD_WORKERS / LUMEN_LOAD_THREADS (4 / 4) the gunicorn shape.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict

import httpx
import psycopg
import pytest
from cryptography.fernet import Fernet

from tests.bench.conftest import OUT, gunicorn, percentile
from tests.conftest import ROOT

LEVELS = (10, 50, 100)
SECONDS = int(os.environ.get("LUMEN_LOAD_SECONDS", "60"))
WORKERS = os.environ.get("LUMEN_LOAD_WORKERS", "4")
THREADS = os.environ.get("LUMEN_LOAD_THREADS", "4")
THINK = 1.0
DB_NAME = "lumen_load"
PASSWORD = "load-test-password-7431"
PATIENTS, PHARMA = 100, 10
QUESTIONS = (
    "What are the side effects of ibuprofen?",
    "How should I store insulin?",
    "Can I take paracetamol with warfarin?",
    "What is high blood pressure?",
)
SYMPTOMS = (
    "mild headache since this morning",
    "runny nose and sneezing for 2 days",
    "sore throat and a mild fever since yesterday",
)
STREAM = re.compile(r'sse-connect="(/patients/ask/messages/[0-9a-f-]+/stream/)"')


def _secrets() -> dict[str, str]:
    """Kept between runs: the load database's encrypted fields need the same key."""
    path = OUT / "load-secrets.json"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        keys = {"SECRET_KEY": Fernet.generate_key().decode() * 2}
        keys["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()
        path.write_text(json.dumps(keys))
    return json.loads(path.read_text())


def _socket_dir() -> str:
    from django.db import connection

    return connection.settings_dict["HOST"]


@pytest.fixture(scope="module")
def production_env() -> dict[str, str]:
    host = _socket_dir()
    with psycopg.connect(host=host, dbname="postgres", user="postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            c.execute(f'CREATE DATABASE "{DB_NAME}"')
    dropped = {"DEBUG", "LUMEN_TASKS_SYNC", "DJANGO_ALLOW_ASYNC_UNSAFE", "LUMEN_TEST_DB_NAME"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        _secrets(),
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@/{DB_NAME}?host={host}",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; TLS is the proxy's job
        BEHIND_TLS_PROXY="1",  # as deployed: client addresses come from X-Forwarded-For
        LUMEN_GENERATOR="extractive",
        LOG_LEVEL="WARNING",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
    )
    manage = [sys.executable, "manage.py"]
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_starter"],
    ):
        subprocess.run([*manage, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        [sys.executable, "-m", "tests.bench.load_seed", str(PATIENTS), str(PHARMA), PASSWORD],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    env["LOAD_DOCUMENTS"] = seeded.stdout.strip().splitlines()[-1]
    return env


@pytest.fixture(scope="module")
def server(production_env, tmp_path_factory):
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with gunicorn(production_env, log, workers=WORKERS, threads=THREADS) as base:
        yield base, json.loads(production_env["LOAD_DOCUMENTS"])["documents"]


class Stats:
    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.error_kinds: Counter = Counter()

    def add(self, name: str, seconds: float, ok: bool, why: str = "") -> None:
        self.samples[name].append(seconds)
        if not ok:
            self.errors[name] += 1
            self.error_kinds[f"{name}: {why}"] += 1


class VirtualUser:
    """One person: their own account, address and cookies (kept by hand: the production
    cookies are Secure, and a cookie jar would not send them back over loopback HTTP)."""

    def __init__(self, client: httpx.AsyncClient, n: int, stats: Stats) -> None:
        self.client, self.n, self.stats = client, n, stats
        self.pharma = n % 10 == 0
        self.email = f"qa{n // 10}@load.example" if self.pharma else f"patient{n}@load.example"
        self.cookies: dict[str, str] = {}
        self.ip = f"10.{n // 200}.{n % 200}.{random.randint(1, 250)}"

    async def call(self, name: str, method: str, path: str, *, ok=(200,), **kwargs):
        headers = {"X-Forwarded-For": self.ip, **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        started = time.perf_counter()
        try:
            async with self.client.stream(method, path, headers=headers, **kwargs) as response:
                body = await response.aread()
        except httpx.HTTPError as exc:
            self.stats.add(name, time.perf_counter() - started, False, type(exc).__name__)
            return None
        self.stats.add(
            name, time.perf_counter() - started, response.status_code in ok,
            str(response.status_code),
        )  # fmt: skip
        for header in response.headers.get_list("set-cookie"):
            key, _, value = header.split(";")[0].partition("=")
            if value and "max-age=0" not in header.lower():
                self.cookies[key.strip()] = value.strip('"')
            else:
                self.cookies.pop(key.strip(), None)
        return response, body

    async def login(self) -> bool:
        await self.call("login page", "GET", "/accounts/login/")
        got = await self.call(
            "login", "POST", "/accounts/login/", ok=(302,),
            data={"login": self.email, "password": PASSWORD},
        )  # fmt: skip
        return bool(got and got[0].status_code == 302)

    async def think(self) -> None:
        await asyncio.sleep(THINK * random.uniform(0.5, 1.5))

    async def journey(self, documents: list[str]) -> None:
        if self.pharma:
            await self.call("pharma documents", "GET", "/pharma/documents/")
            await self.think()
            uid = documents[(self.n // 10) % len(documents)]
            await self.call("PDF download", "GET", f"/pharma/documents/{uid}/pdf/")
            return
        await self.call("patient home", "GET", "/patients/")
        await self.think()
        await self.call("profile view", "GET", "/patients/profile/")
        await self.think()
        await self.call(
            "profile edit", "POST", "/patients/profile/", ok=(302,),
            data={"date_of_birth": "1980-01-31", "sex": "female", "pregnancy": ""},
        )  # fmt: skip
        await self.think()
        got = await self.call(
            "symptom checker", "POST", "/patients/symptoms/describe/", ok=(302,),
            data={"text": random.choice(SYMPTOMS)},
        )  # fmt: skip
        if got and got[0].status_code == 302:
            await self.call("symptom result", "GET", got[0].headers["location"])
        await self.think()
        await self.call(
            "interaction check", "POST", "/patients/interactions/",
            data={"drug": ["warfarin", "ibuprofen"]},
        )  # fmt: skip
        await self.think()
        got = await self.call(
            "ask (htmx POST)", "POST", "/patients/ask/", headers={"HX-Request": "true"},
            data={"question": random.choice(QUESTIONS)},
        )  # fmt: skip
        if got and (match := STREAM.search(got[1].decode())):
            await self.call("ask (SSE stream)", "GET", match.group(1))
        await self.think()


async def _run(base: str, documents: list[str], users: int, seconds: float) -> dict:
    stats, logins = Stats(), Stats()
    # Like a browser, never reuse a connection the server is about to close (keep-alive 5 s).
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=4)
    peak_connections = 0

    async def sample_connections(stop: asyncio.Event) -> None:
        nonlocal peak_connections
        while not stop.is_set():
            peak_connections = max(peak_connections, await asyncio.to_thread(_db_connections))
            await asyncio.sleep(1)

    async def person(n: int, start: asyncio.Event, deadline: list[float]) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
            user = VirtualUser(client, n, logins)
            logged_in = await user.login()
            user.stats = stats
            await start.wait()
            while logged_in and time.monotonic() < deadline[0]:
                await user.journey(documents)

    start, stop, deadline = asyncio.Event(), asyncio.Event(), [0.0]
    people = [asyncio.create_task(person(n, start, deadline)) for n in range(users)]
    while sum(len(v) for v in logins.samples.values()) < 2 * users:  # every login done
        await asyncio.sleep(0.2)
    sampler = asyncio.create_task(sample_connections(stop))
    began = time.monotonic()
    deadline[0] = began + seconds
    start.set()
    await asyncio.gather(*people)
    elapsed = time.monotonic() - began
    stop.set()
    await sampler
    return _figures(stats, logins, elapsed, users, peak_connections)


def _db_connections() -> int:
    with psycopg.connect(host=_socket_dir(), dbname="postgres", user="postgres") as c:
        row = c.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [DB_NAME])
        return row.fetchone()[0]


def _summary(samples: list[float], errors: int) -> dict:
    ms = [s * 1000 for s in samples]
    return {
        "requests": len(ms),
        "errors": errors,
        "p50_ms": round(percentile(ms, 50)),
        "p95_ms": round(percentile(ms, 95)),
        "p99_ms": round(percentile(ms, 99)),
    }


def _figures(stats: Stats, logins: Stats, elapsed: float, users: int, peak: int) -> dict:
    every = [s for v in stats.samples.values() for s in v]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "req_per_s": round(len(every) / elapsed, 1),
        "overall": _summary(every, sum(stats.errors.values())),
        "per_type": {k: _summary(v, stats.errors[k]) for k, v in sorted(stats.samples.items())},
        "login_before_window": _summary(logins.samples["login"], logins.errors["login"]),
        "error_kinds": dict(stats.error_kinds.most_common(10) + logins.error_kinds.most_common(5)),
        "peak_db_connections": peak,
    }


def test_load_at_10_50_and_100_users(server, record):
    base, documents = server
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    asyncio.run(_run(base, documents, 2 * int(WORKERS), 20))  # warm-up, not recorded
    figures = {"gunicorn": f"gthread, {WORKERS} workers x {THREADS} threads", "think_s": THINK}
    for users in LEVELS:
        figures[str(users)] = asyncio.run(_run(base, documents, users, SECONDS))
        print(json.dumps(figures[str(users)], indent=1), flush=True)
    record("load", figures)
    assert all(figures[str(u)]["overall"]["requests"] > 0 for u in LEVELS)
