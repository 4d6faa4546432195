"""Health checks behind /healthz: database, pgvector and the configured generator."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import httpx
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            (version,) = cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the detail says which
        logger.warning("health: database unreachable: %s", type(exc).__name__)
        return Check(False, f"unreachable ({type(exc).__name__})")
    return Check(True, version.split(" on ")[0])


def check_pgvector() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
            row = cursor.fetchone()
    except Exception as exc:
        return Check(False, f"unknown ({type(exc).__name__})")
    if row is None:
        return Check(False, "extension not installed (run migrations)")
    return Check(True, f"vector {row[0]}")


def check_generator() -> Check:
    """The extractive default needs nothing; a remote server must answer its health route."""
    backend = settings.LUMEN_GENERATOR
    if backend == "extractive":
        return Check(True, "extractive (composed from sources; no language model configured)")
    url = settings.LUMEN_GENERATOR_URL.rstrip("/") + "/health"
    try:
        response = httpx.get(url, timeout=settings.LUMEN_HEALTH_TIMEOUT)
    except httpx.HTTPError as exc:
        return Check(
            False, f"{backend} at {settings.LUMEN_GENERATOR_URL} unreachable ({type(exc).__name__})"
        )
    if response.status_code != 200:
        return Check(False, f"{backend} answered HTTP {response.status_code}")
    return Check(True, f"{backend} at {settings.LUMEN_GENERATOR_URL}")


def run_checks() -> dict[str, dict[str, object]]:
    checks = {
        "database": check_database(),
        "pgvector": check_pgvector(),
        "generator": check_generator(),
    }
    return {name: asdict(check) for name, check in checks.items()}
