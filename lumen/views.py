from __future__ import annotations

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


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = health.run_checks()
    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )
