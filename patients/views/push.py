"""Web Push: the service worker script, and a browser subscribing or unsubscribing.

The page's script (static/js/push.js) posts the subscription as JSON with the CSRF token in
a header; replies are JSON too, so the script can say what happened."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients import push
from patients.selectors import profile_for

MAX_BODY = 4096  # a subscription is a few hundred bytes


def _json_body(request: HttpRequest) -> object:
    if len(request.body) > MAX_BODY:
        raise push.InvalidSubscription("The request is too large.")
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as exc:
        raise push.InvalidSubscription("The request is not JSON.") from exc


@role_required(Role.PATIENT)
@require_POST
def subscribe(request: HttpRequest) -> JsonResponse:
    if not push.enabled():
        return JsonResponse({"error": "Notifications are not set up on this server."}, status=503)
    try:
        push.subscription_save(profile=profile_for(request.user), data=_json_body(request))
    except push.InvalidSubscription as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"subscribed": True}, status=201)


@role_required(Role.PATIENT)
@require_POST
def unsubscribe(request: HttpRequest) -> JsonResponse:
    try:
        data = _json_body(request)
    except push.InvalidSubscription as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    removed = push.subscription_delete(profile=profile_for(request.user), endpoint=endpoint)
    return JsonResponse({"subscribed": False, "removed": removed})


@role_required(Role.PATIENT)
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js, served under /patients/ so that it may control (and open) the
    patient pages: a worker's scope cannot be wider than the path it is served from. For
    patients only, like everything under /patients/ (the browser fetches it with the
    session cookie)."""
    path = finders.find("js/sw.js")
    with open(path, encoding="utf-8") as fh:
        script = fh.read()
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")
