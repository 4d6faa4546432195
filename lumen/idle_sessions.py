"""The inactivity timeout without a database write per request.

A session ends SESSION_IDLE_MINUTES after its row was last saved (the row's `expire_date`,
checked by the database session backend on every read, so revocation stays server-side: a
deleted or expired row signs the browser out at its next request). Saving the row on every
request (SESSION_SAVE_EVERY_REQUEST) kept that timeout exact but wrote and committed a row per
request, the largest single cost of a signed-in page (docs/benchmarks.md, issue 20).

This middleware saves the session only when REFRESH_SECONDS have passed since its last save,
remembered in the session itself. An active user's row is therefore at most a minute behind
their last request: a session ends after between 29 and 30 idle minutes, never later than 30.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

REFRESH_SECONDS = 60
SAVED_AT = "_lumen_saved_at"  # Unix time of the session's last save, set here


class SessionRefreshMiddleware:
    """Below SessionMiddleware in MIDDLEWARE, so that a refresh asked for here is saved by it
    on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No cookie (is_empty reads nothing), a signed-out or unknown session: nothing to keep
        # alive, and writing would create a session for a visitor who has none.
        if session is None or session.is_empty() or not session.keys():
            return response
        now = int(time.time())
        if session.modified or now - session.get(SAVED_AT, 0) >= REFRESH_SECONDS:
            # Marks the session modified: SessionMiddleware saves it with a fresh expiry.
            session[SAVED_AT] = now
        return response
