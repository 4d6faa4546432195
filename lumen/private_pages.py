"""Pages that carry health or confidential data must never be kept by a browser or a shared
cache: every response under the private areas, and every response to a browser holding a
session (a signed-in user), goes out with `Cache-Control: no-store`.

Decided here, by path, for every response (views, htmx partials, redirects, 404s, 500s and
exports alike), so that a new view cannot forget it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

# Patient pages and exports, account pages, the pharma workspace (confidential documents),
# the admin. The access log also hides the values in these paths (lumen/request_logging.py).
PRIVATE_PREFIXES = ("/patients/", "/accounts/", "/pharma/", "/admin/")


def is_private(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES)


class NoStoreMiddleware:
    """Right after WhiteNoise in MIDDLEWARE: static files never reach it, and it sees the
    responses every later middleware returns early (CSRF failures, slash redirects)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # A session cookie stands for "signed in" without loading the session: no query, and
        # nothing to fail here while the database is down (errors.py answers 503 then).
        if is_private(request.path) or settings.SESSION_COOKIE_NAME in request.COOKIES:
            # no-store, no-cache, must-revalidate, private, max-age=0 and Expires.
            add_never_cache_headers(response)
            response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response
