"""Production start-up: refuse missing secrets with a clear message; pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 20 + "-production-secret-key-that-is-long-and-random-9f8e7d",
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "lumen.example.org",
    # Never contacted by `check`; proves production does not start the embedded database.
    "DATABASE_URL": "postgres://lumen:pw@db.invalid:5432/lumen",
}


def _manage(*args: str, drop: tuple[str, ...] = (), **overrides: str):
    # A clean production environment: nothing the test session set for itself leaks in.
    leaked = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *PRODUCTION}
    env = {k: v for k, v in os.environ.items() if k not in leaked}
    env.update(PRODUCTION)
    env.update(overrides)
    for name in drop:
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "FIELD_ENCRYPTION_KEY"])
def test_production_refuses_to_start_without_a_secret(missing):
    result = _manage("check", drop=(missing,))
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_secret_may_come_from_a_file(tmp_path):
    secret_file = tmp_path / "secret_key"
    secret_file.write_text(PRODUCTION["SECRET_KEY"])
    result = _manage("check", drop=("SECRET_KEY",), SECRET_KEY_FILE=str(secret_file))
    assert result.returncode == 0, result.stderr


def test_a_malformed_encryption_key_is_refused():
    result = _manage("check", FIELD_ENCRYPTION_KEY="not-a-fernet-key")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY must be" in result.stderr


def test_a_wildcard_host_is_refused_in_production():
    result = _manage("check", ALLOWED_HOSTS="*")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_an_unknown_generator_is_refused():
    result = _manage("check", LUMEN_GENERATOR="gpt-in-a-box")
    assert "LUMEN_GENERATOR must be extractive, tgi or openai" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"LUMEN_COMPLIANCE_CPU_SECONDS": "0"}, "LUMEN_COMPLIANCE_CPU_SECONDS must be"),
        ({"LUMEN_COMPLIANCE_WALL_SECONDS": "2"}, "LUMEN_COMPLIANCE_WALL_SECONDS at least"),
        ({"LUMEN_COMPLIANCE_MEMORY_MB": "64"}, "LUMEN_COMPLIANCE_MEMORY_MB must be"),
    ],
    ids=["no-cpu", "wall-under-cpu", "too-little-memory"],
)
def test_upload_reading_limits_that_cannot_work_are_refused(overrides, message):
    result = _manage("check", **overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_generates_its_keys_once_into_an_ignored_file(tmp_path):
    from lumen.lib import devsecrets

    path = tmp_path / "dev-secrets.json"
    first = devsecrets.load_or_create(path)
    assert devsecrets.load_or_create(path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    Fernet(first["FIELD_ENCRYPTION_KEY"])  # a usable key
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".lumen/dev-secrets.json"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0
