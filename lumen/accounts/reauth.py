"""Password checks inside a session: every form that asks a signed-in user for their password
again (QA e-signatures, account deletion, allauth's reauthenticate page before two-factor
changes) calls `password_confirm`, so a stolen session cannot be used to guess the password.

Failures are counted per account, across all those forms, in the shared database cache (where
allauth keeps its login limits). After `LIMIT` failures within `WINDOW` every attempt is
refused unchecked, even with the right password, until the oldest counted failure is `WINDOW`
old. Each refusal is written to the audit trail with the actor and the action, never the
password.
"""

from __future__ import annotations

import datetime as dt
import math
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from auditlog.models import LogEntry
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from lumen.accounts.models import User

LIMIT = 5
WINDOW = dt.timedelta(minutes=15)


class ReauthRefused(Exception):
    """The password was wrong, or the account's checks are paused; the message is safe to
    show and says nothing about whether the password was right."""


class ReauthLocked(ReauthRefused):
    """Too many failures: attempts are refused unchecked until the time in the message."""


def _cache_key(user: User) -> str:
    return f"lumen:reauth-failures:{user.pk}"


def password_confirm(*, user: User, password: str, action: str) -> None:
    """Return if `password` is `user`'s and the account is under the failure limit; otherwise
    record the failure as `action` (e.g. "signature password failed") and raise
    ReauthRefused (ReauthLocked once the limit is reached)."""
    window = WINDOW.total_seconds()
    with transaction.atomic():
        # Lock the account's row so that parallel requests are counted one at a time and
        # cannot slip extra guesses past the limit.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        now = time.time()
        failures = sorted(t for t in cache.get(_cache_key(user), []) if t > now - window)
        locked = len(failures) >= LIMIT
        if not locked and password and user.check_password(password):
            return
        if not locked:
            failures.append(now)
            cache.set(_cache_key(user), failures, timeout=window)
        LogEntry.objects.log_create(
            user,
            force_log=True,
            actor=user,
            action=LogEntry.Action.ACCESS,
            changes={},
            additional_data={"event": action, "locked": locked},
        )
    if locked:
        retry_at = failures[-LIMIT] + window
        minutes = max(1, math.ceil((retry_at - now) / 60))
        after = timezone.localtime(dt.datetime.fromtimestamp(retry_at, tz=dt.UTC))
        raise ReauthLocked(
            "Too many wrong passwords: password checks on this account are paused for your "
            f"safety. Try again in {minutes} minute{'s' if minutes != 1 else ''} "
            f"(after {after:%H:%M})."
        )
    raise ReauthRefused("That password is not right.")


def has_two_factor(user: User) -> bool:
    """Whether `user` signs in with an authenticator app code as well as the password."""
    return is_mfa_enabled(user, types=[Authenticator.Type.TOTP])
