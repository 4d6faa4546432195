"""The page shown when a request fails: a database outage is a 503 that says so, not a 500."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it inside its `except` block, so `sys.exc_info()` is the error.

    A lost or refused database connection (a restart, a failover) becomes a 503 with
    Retry-After; the next request reconnects (CONN_HEALTH_CHECKS). Both pages render without
    the request, so they need nothing from the database and never show a stack trace.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
