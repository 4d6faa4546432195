"""Development-only secrets, generated once into a git-ignored file.

Production never reaches this module: with DEBUG off, settings insist on real values from the
environment. In development a stable key matters, because a new FIELD_ENCRYPTION_KEY on every
start would make every encrypted field already stored unreadable.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def _generate() -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        # Demo accounts share one password per checkout, printed by `manage.py seed_demo`.
        "DEMO_PASSWORD": "lumen-" + secrets.token_urlsafe(9),
        # Web Push: the server's signing key (VAPID); browsers subscribe to its public half.
        "VAPID_PRIVATE_KEY": vapid_private_key(),
    }


def vapid_private_key() -> str:
    """A new VAPID private key: a P-256 scalar, base64url without padding, the form
    py_vapid (pywebpush) reads and `manage.py vapid_keys` prints."""
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec

    value = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(value.to_bytes(32, "big")).rstrip(b"=").decode()


def load_or_create(path: Path) -> dict[str, str]:
    """Return the development secrets stored at `path`, creating the file on first use.

    Missing keys (an older file) are added; existing values are never replaced.
    """
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text())
    fresh = _generate()
    missing = {k: v for k, v in fresh.items() if k not in stored}
    if missing:
        stored.update(missing)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        # Readable by the owner only: these keys decrypt every health record in the dev database.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(stored, fh, indent=2)
        tmp.replace(path)
    return stored
