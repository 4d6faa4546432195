"""Pages that carry health or confidential data must never be kept by a browser or a shared
cache: every response under the private areas, and every response to a signed-in user, goes
out with `Cache-Control: no-store`.

Decided here, by path, for every response (views, htmx partials, redirects, 404s, 500s and
exports alike), so that a new view cannot forget it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

# Patient pages and exports, account pages, the pharma workspace (confidential documents),
# the admin. The access log also hides the values in these paths (lumen/request_logging.py).
PRIVATE_PREFIXES = ("/patients/", "/accounts/", "/pharma/", "/admin/")


def is_private(path: str) -> bool:
    return path.startswith(PRIVATE_PREFIXES)


class NoStoreMiddleware:
    """First in MIDDLEWARE, so that it also sees the responses other middleware return early
    (the HTTPS redirect, CSRF failures)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # request.user exists only once AuthenticationMiddleware has run; static files
        # (WhiteNoise answers before it) never reach the session.
        user = getattr(request, "user", None)
        if is_private(request.path) or (user is not None and user.is_authenticated):
            # no-store, no-cache, must-revalidate, private, max-age=0 and Expires.
            add_never_cache_headers(response)
            response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches
        return response
