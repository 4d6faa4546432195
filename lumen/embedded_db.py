"""The embedded PostgreSQL (with pgvector) used when DATABASE_URL is unset.

`pgserver` ships a real PostgreSQL 16 with pgvector inside a pip package. The server keeps
running after the process that started it exits, so `manage.py`, the worker, and the test
suite all find and reuse the same one; the first caller starts it (under pgserver's own
inter-process lock). It listens on a unix socket only, never on a TCP port.

Run as a script to stop it: `python -m lumen.embedded_db stop` (pgserver runs the server as
its own system user when we are root, so stop it here rather than with a bare pg_ctl).
"""

from __future__ import annotations

import atexit
import sys
import warnings
from pathlib import Path

DATABASE_NAME = "lumen"
SUPERUSER = "postgres"


def ensure_running(pgdata: Path) -> dict[str, object]:
    """Start (or find) the embedded server for `pgdata` and return Django DATABASES settings."""
    import psycopg

    pgserver = _import_pgserver()
    info = pgserver.utils.PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running() or info.status != "ready":
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        # pgserver caches one handle per directory for the life of the process and would hand
        # back the stopped server's; forget it so a server stopped here can start again.
        pgserver.postgres_server.PostgresServer._instances.pop(pgdata.resolve(), None)
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        # The server outlives this process by design; pgserver's exit hook only does
        # handle bookkeeping, which races when several processes exit together.
        atexit.unregister(server._cleanup)
        info = server.get_postmaster_info()
    socket_dir = str(info.socket_dir)

    with psycopg.connect(
        host=socket_dir, dbname="postgres", user=SUPERUSER, autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": SUPERUSER,
        "HOST": socket_dir,
        "PORT": "",
    }


def _import_pgserver():
    """pgserver, imported only when needed: production (DATABASE_URL set) never loads it."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI) and falls back to
        # /tmp/runtime-<uid>, which is what we want.
        warnings.simplefilter("ignore")
        import pgserver
        import pgserver._commands
        import pgserver.postgres_server
        import pgserver.utils
    return pgserver


def stop(pgdata: Path) -> bool:
    """Stop the embedded server if it runs; return whether one was stopped."""
    pgserver = _import_pgserver()
    pg_ctl = pgserver._commands.pg_ctl

    info = pgserver.utils.PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return False
    user = "pgserver" if _running_as_root() else None
    pg_ctl(["-w", "stop"], pgdata=pgdata, user=user)
    return True


def _running_as_root() -> bool:
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0


def default_pgdata() -> Path:
    import os

    base = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("LUMEN_PGDATA", base / ".lumen" / "pgdata"))


if __name__ == "__main__":  # pragma: no cover - operator entry point
    action = sys.argv[1] if len(sys.argv) > 1 else "status"
    path = default_pgdata()
    if action == "stop":
        print("stopped" if stop(path) else "not running")
    elif action == "start":
        print(ensure_running(path)["HOST"])
    else:
        info = _import_pgserver().utils.PostmasterInfo.read_from_pgdata(path)
        print("running" if info is not None and info.is_running() else "not running")
