"""allauth's account app under its own admin heading: it and lumen.accounts were both called
"Accounts", so the admin index showed two sections of that name. Its own module for the same
reason as admin_config: an apps module with two configs would make Django guess."""

from __future__ import annotations

from allauth.account.apps import AccountConfig


class SignInConfig(AccountConfig):
    verbose_name = "Sign-in"
