"""Tasks for the worker fault tests, imported by a real qcluster process."""

from __future__ import annotations

from pathlib import Path


def fail_once(marker: str) -> str:
    """Fail the first time (leaving `marker` behind), succeed on every later attempt."""
    path = Path(marker)
    attempts = int(path.read_text()) + 1 if path.exists() else 1
    path.write_text(str(attempts))
    if attempts == 1:
        raise RuntimeError("the first attempt fails")
    return f"succeeded on attempt {attempts}"
