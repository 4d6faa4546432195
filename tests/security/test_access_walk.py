"""The URLs the app walkers (tests/patients, tests/pharma) do not cover: the root pages and
every Django admin page. Staff pages refuse patients, pharma users and anonymous visitors;
a new top-level URL fails here until it is walked somewhere."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, reverse

from lumen.urls import urlpatterns
from pharma.models import Organisation

# Top-level route -> where it is walked.
WALKED = {
    "": "here (public landing page)",
    "healthz": "here (public, GET only)",
    "accounts/": "allauth: tests/accounts",
    "patients/": "tests/patients/test_access_walk.py",
    "pharma/": "tests/pharma/test_access_walk.py",
    "admin/": "here",
}
# Sign-out, and the sign-in that only hands over to allauth's (tests/security/test_staff_findings.py).
ADMIN_PUBLIC = {"login", "logout"}


def _admin_urls() -> list[str]:
    """Every admin page: the site's own views, each app's index, and each registered
    model's list, add, change, history and delete pages (for an object id that need not
    exist: the refusal comes before the lookup)."""
    urls = [
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
        reverse("admin:autocomplete"),
        reverse("admin:jsi18n"),
        reverse("admin:view_on_site", args=[1, 1]),
    ]
    site_names = {p.name for p in admin.site.get_urls() if isinstance(p, URLPattern) and p.name}
    walked = {"index", "password_change", "password_change_done", "autocomplete", "jsi18n"}
    assert site_names - ADMIN_PUBLIC - walked - {"view_on_site", "app_list"} == set(), (
        "a new admin site view: add it to _admin_urls"
    )
    labels = {model._meta.app_label for model in admin.site._registry}
    urls += [reverse("admin:app_list", args=[label]) for label in sorted(labels)]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        urls += [
            reverse(f"{prefix}_{view}", args=["1"]) for view in ("change", "history", "delete")
        ]
    return urls


def test_every_top_level_url_is_walked():
    routes = {str(p.pattern) for p in urlpatterns if isinstance(p, URLPattern | URLResolver)}
    assert routes == set(WALKED)


def test_the_public_root_pages_answer_everyone(client, db):
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.post(reverse("healthz")).status_code == 405


def test_patient_records_are_never_in_the_admin():
    assert not [m for m in admin.site._registry if m._meta.app_label == "patients"]


@pytest.mark.parametrize("who", ["anonymous", "patient", "pharma"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_admin_refuses_everyone_but_staff(client, login, alice_patient, acme_qa, who, method):
    if who != "anonymous":
        login(alice_patient if who == "patient" else acme_qa)
    organisations = list(Organisation.objects.values_list("pk", "name"))
    for url in _admin_urls():
        response = getattr(client, method)(url, {"name": "changed", "post": "yes"})
        assert response.status_code == 302, (who, url, response.status_code)
        assert response["Location"].startswith(reverse("admin:login")), (who, url)
    assert list(Organisation.objects.values_list("pk", "name")) == organisations


def test_staff_reach_every_admin_page_they_hold_a_permission_for(client, login, staff_user):
    """Which role reaches which page is pinned in tests/security/test_admin_walk.py."""
    login(staff_user)
    for url in _admin_urls():
        response = client.get(url)
        # 404 for the made-up object id, 403 where staff lack the permission, 302 when the
        # admin sends a missing object back to its list.
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
    assert client.get(reverse("admin:index")).status_code == 200
