"""django.contrib.admin with Lumen's site (lumen.accounts.admin_site): one sign-in through
allauth, and two-factor for staff. Its own module: an apps module with two configs would make
Django guess which one is the app's."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class LumenAdminConfig(AdminConfig):
    default_site = "lumen.accounts.admin_site.LumenAdminSite"
