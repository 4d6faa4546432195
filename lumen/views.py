from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from lumen import health
from lumen.accounts.roles import Role, roles_of

AREAS = {
    Role.PATIENT: ("patients:home", "Patient area"),
    Role.PHARMA: ("pharma:home", "Pharma QA workspace"),
    Role.STAFF: ("admin:index", "Staff administration"),
}


def home(request: HttpRequest) -> HttpResponse:
    """Send each signed-in user to their area; explain Lumen to everyone else."""
    user_roles = roles_of(request.user)
    areas = [(reverse(AREAS[r][0]), AREAS[r][1]) for r in Role if r in user_roles]
    if len(areas) == 1:
        return redirect(areas[0][0])
    return render(request, "home.html", {"areas": areas})


def _may_see_health_details(request: HttpRequest) -> bool:
    """Staff signed in, or a monitor sending `Authorization: Bearer <LUMEN_HEALTHZ_TOKEN>`.
    Versions and backend state help an attacker pick an exploit, so nobody else sees them."""
    token = settings.LUMEN_HEALTHZ_TOKEN
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    # Constant time: a byte-by-byte comparison would leak the token's prefix by timing.
    if (
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(sent.strip().encode(), token.encode())
    ):
        return True
    return Role.STAFF in roles_of(request.user)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with {"status": "ok" | "degraded"}, 503 with {"status": "unhealthy"}; the checks
    themselves only for staff or the token holder."""
    report = health.run_checks()
    body: dict[str, object] = {"status": report.status}
    if _may_see_health_details(request):
        body["checks"] = report.checks
    return JsonResponse(body, status=200 if report.healthy else 503)
