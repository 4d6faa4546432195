"""Health checks behind /healthz: a small registry of named checks, with Lumen's own
(database, pgvector and the configured generator) registered below.

Other apps add theirs from their AppConfig.ready() with register_check(), so that this
package never imports them (dependencies point one way: apps depend on lumen, not back)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


@dataclass(frozen=True)
class _Registered:
    fn: Callable[[], Check]
    critical: bool


_checks: dict[str, _Registered] = {}


def register_check(name: str, fn: Callable[[], Check], *, critical: bool = True) -> None:
    """Add `fn` to /healthz under `name`. A failing critical check makes Lumen unhealthy
    (503); a failing non-critical one only shows in the details (status "degraded", 200).

    Registering the same function again is a no-op (ready() may run more than once); another
    function under a taken name is a programming error and raises ValueError."""
    known = _checks.get(name)
    if known is not None and known.fn is not fn:
        raise ValueError(f"a health check named {name!r} is already registered")
    _checks[name] = _Registered(fn, critical)


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


register_check("database", check_database)
register_check("pgvector", check_pgvector)
register_check("generator", check_generator)


@dataclass(frozen=True)
class Report:
    status: str  # "ok", "degraded" (a non-critical check failed) or "unhealthy"
    checks: dict[str, dict[str, object]]

    @property
    def healthy(self) -> bool:
        return self.status != "unhealthy"


def _run(name: str, registered: _Registered) -> Check:
    try:
        return registered.fn()
    except Exception as exc:  # one broken check must not take /healthz down with it
        logger.exception("health: check %s raised", name)
        return Check(False, f"check failed ({type(exc).__name__})")


def run_checks() -> Report:
    """Run every registered check, in registration order."""
    checks: dict[str, dict[str, object]] = {}
    failed_critical = failed_other = False
    for name, registered in list(_checks.items()):
        check = _run(name, registered)
        checks[name] = {"ok": check.ok, "detail": check.detail, "critical": registered.critical}
        if not check.ok:
            failed_critical |= registered.critical
            failed_other |= not registered.critical
    status = "unhealthy" if failed_critical else "degraded" if failed_other else "ok"
    return Report(status, checks)
