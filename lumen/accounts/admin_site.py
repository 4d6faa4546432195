"""The admin site with one way in: allauth's sign-in (two-factor, rate limits), and for staff
a second factor before any admin page."""

from __future__ import annotations

from functools import wraps

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

TWO_FACTOR_REQUIRED = (
    "Staff accounts need two-factor authentication before they can use the admin. "
    "Set up an authenticator app below, then open the admin again."
)


class LumenAdminSite(admin.AdminSite):
    site_header = "Lumen administration"
    site_title = "Lumen admin"

    def login(self, request, extra_context=None):
        """The admin takes no password itself (finding 4): it hands over to allauth's sign-in,
        which asks for the second factor and counts failures, and comes back to `next`."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        if self.has_permission(request):
            return redirect(index)  # as Django's admin does: `next` could be this page again
        if request.user.is_authenticated:
            # Sending a signed-in patient to the sign-in page would bounce straight back here.
            raise PermissionDenied("The admin is for staff accounts.")
        return redirect_to_login(next_url, login_url=settings.LOGIN_URL)

    def admin_view(self, view, cacheable=False):
        """Every admin page but sign-out requires staff to have two-factor turned on."""
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def inner(request, *args, **kwargs):
            if (
                self.has_permission(request)
                and request.path != reverse("admin:logout", current_app=self.name)
                and not is_mfa_enabled(request.user, [Authenticator.Type.TOTP])
            ):
                messages.warning(request, TWO_FACTOR_REQUIRED)
                return redirect("mfa_activate_totp")
            return guarded(request, *args, **kwargs)

        return inner
