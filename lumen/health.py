"""Health checks behind /healthz: database, pgvector and the configured generator."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

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
    """The configured backend's own check: reachable, and (for TGI / OpenAI-compatible
    servers) really serving the configured adapter."""
    from lumen.generation import get_generator

    health = get_generator().health()
    return Check(health.ok, health.detail)


def warn_if_generator_unhealthy() -> None:
    """Called at web start-up: a missing adapter must be loud in the logs, because TGI
    would otherwise answer with the base model without saying so. Lumen still starts: the
    extractive fallback keeps answers coming."""
    check = check_generator()
    if not check.ok:
        logger.error("generator check failed at start-up: %s", check.detail)


def run_checks() -> dict[str, dict[str, object]]:
    checks = {
        "database": check_database(),
        "pgvector": check_pgvector(),
        "generator": check_generator(),
    }
    return {name: asdict(check) for name, check in checks.items()}
