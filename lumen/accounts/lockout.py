"""Tell an account's owner when failed logins lock it (allauth's per-account `login_failed`
limit), at most once per lockout window. The notice goes through the task queue, and is
queued whether or not the account exists, so the attacker's response is the same either way.
"""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django_q.tasks import async_task

from lumen.accounts.models import User


def _per_account_rates() -> str:
    """The per-account ("key") parts of the login_failed limit, as configured: the per-IP
    part locks an address, not an account."""
    parts = (account_settings.RATE_LIMITS.get("login_failed") or "").split(",")
    return ",".join(p.strip() for p in parts if p.strip() and ratelimit.parse_rate(p).per == "key")


def notice_if_locked(request: HttpRequest, *, key: str, email: str) -> None:
    """Queue the notice if the login_failed budget for `key` (allauth's per-account cache
    key) is spent and no notice went out in this window."""
    rates = _per_account_rates()
    if not rates or not email:
        return
    still_open = ratelimit.consume(
        request,
        app="allauth.account",
        action="login_failed",
        config={"login_failed": rates},
        key=key,
        dry_run=True,
    )
    if still_open:
        return
    window = max(rate.duration for rate in ratelimit.parse_rates(rates))
    # cache.add is true only for the first caller in the window: one notice per lockout.
    if cache.add(f"lumen:lockout-notice:{key.lower()}", 1, timeout=window):
        reset_url = request.build_absolute_uri(reverse("account_reset_password"))
        async_task("lumen.accounts.lockout.notice_send", email, reset_url)


def notice_send(email: str, reset_url: str) -> None:
    """Task: email the owner of `email`, if there is one (nobody else is told anything)."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return
    send_mail(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Someone tried to sign in to your account",
        message=render_to_string("accounts/email/lockout_notice.txt", {"reset_url": reset_url}),
        from_email=None,
        recipient_list=[user.email],
    )
