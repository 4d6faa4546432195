"""Every page passes axe-core with no serious or critical violation, and logs no CSP
violation or script error, as each kind of visitor (anonymous, patient, pharma, staff in the
admin), on a 390 px phone and on a desktop.

The pages come from the URL conf: every route without arguments, and every route with
arguments that SAMPLES fills from the fixtures; a new route with arguments must be sampled or
listed in NOT_AUDITED with the reason (a test checks), so the list cannot silently rot.
Responses that are not full HTML pages (PDF, JSON, downloads, htmx fragments, method not
allowed) are skipped: fragments are audited inside the pages that load them."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.e2e.accessibility import audit
from tests.e2e.conftest import sign_in, watch_console

pytestmark = pytest.mark.e2e

# Routes with arguments not audited here, and why.
NOT_AUDITED = {
    # Actions (POST only), files and streams: no page of their own.
    "patients:medications_remove", "patients:conditions_remove", "patients:allergies_remove",
    "patients:answer_stream", "patients:feedback", "patients:diary_entry_delete",
    "patients:schedule_remove", "patients:dose_record", "pharma:document_submit",
    "pharma:document_withdraw", "pharma:document_pdf", "pharma:document_revision_pdf",
    "pharma:execution_start", "pharma:execution_pdf", "pharma:evidence_download",
    "pharma:logbook_entry_verify", "pharma:result_record", "pharma:execution_sign",
    "pharma:logbook_entry_correct", "pharma:deviation_assess", "patients:dose_undo",
    "patients:dose_snooze", "patients:medication_supply", "pharma:logbook_pdf",
    # htmx fragments swapped into the profile page (audited there).
    "patients:medications_edit", "patients:conditions_edit", "patients:allergies_edit",
    "patients:schedule_add",
    # One-time links from e-mails: allauth's own templates with Lumen's base, the same
    # layout as the password-reset and sign-up pages audited here.
    "account_confirm_email", "account_reset_password_from_key", "pharma:invitation",
    # Pages of records these fixtures do not make, audited where a journey makes them:
    # an execution in test_qa_water_execution_journey.py (phone), a logbook in
    # test_logbook_journey.py (desktop), a triage result in test_symptom_checker.py (phone),
    # a diary entry's edit page in test_tracking_journey.py (phone).
    "pharma:execution_detail", "pharma:logbook_detail",
    "patients:triage_result", "patients:diary_entry_edit",
}  # fmt: skip


def _routes(resolver=None, prefix: str = "", namespace: str = ""):
    """(route, name) of every URL pattern, admin and allauth included."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _routes(pattern, prefix + str(pattern.pattern), inner.strip(":"))
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name


def _has_arguments(route: str) -> bool:
    return "<" in route or "(?P" in route


def _admin(name: str) -> bool:
    return name.startswith("admin:")


def page_urls(samples: dict[str, list]) -> list[str]:
    """Every page to audit: the routes without arguments, plus the sampled ones."""
    urls = []
    for route, name in _routes():
        if not _has_arguments(route):
            urls.append(reverse(name))
        elif name in samples:
            urls.append(reverse(name, args=samples[name]))
    return list(dict.fromkeys(urls))


def test_every_route_with_arguments_is_sampled_or_says_why_not(samples):
    unplaced = {
        name
        for route, name in _routes()
        if _has_arguments(route) and not _admin(name) and name not in samples
    } - NOT_AUDITED
    assert unplaced == set(), "sample these routes in `samples` or list them in NOT_AUDITED"


@pytest.fixture
def samples(acme, acme_signer, small_corpus, staff_user, alice_patient):
    import datetime as dt

    from django.utils import timezone

    from patients.models import Dose, DoseSchedule, Medication, Profile
    from pharma import documents, kinds
    from tests.pharma.document_data import complete_content

    kind = kinds.CLEANING_VALIDATION
    document = documents.document_create(
        organisation=acme, user=acme_signer, kind=kind.key, title="Granulator train A"
    )
    documents.revision_save(
        document=document, user=acme_signer, content=complete_content(kind), reason="Filled in"
    )
    uid = document.uid
    # The reminder page of one of the patient's doses (pages of other people's doses are 404).
    profile, _ = Profile.objects.get_or_create(user=alice_patient)
    medication = Medication.objects.create(profile=profile, name="Metformin")
    schedule = DoseSchedule.objects.create(
        medication=medication, time_of_day=dt.time(8), dose="500 mg"
    )
    dose = Dose.objects.create(schedule=schedule, due_at=timezone.now())
    return {
        "patients:dose_detail": [dose.uid],
        "pharma:document_detail": [uid],
        "pharma:document_edit": [uid],
        "pharma:document_sign": [uid],
        "pharma:document_compare": [uid],
        "pharma:document_revision": [uid, 1],
        "pharma:drug_detail": ["ibuprofen"],
        "patients:drug_detail": ["ibuprofen"],
        "admin:pharma_organisation_change": [acme.pk],
        "admin:accounts_user_change": [staff_user.pk],
    }


def _audit_all(page, urls: list[str], console: list[str]) -> dict[str, list[str]]:
    """{url: violations} for each URL that answers a full HTML page (after redirects), each
    final address audited once. What `console` gets while axe runs is dropped: axe itself sets
    inline styles to measure some pages (the admin's), which the CSP rightly blocks."""
    seen, failures = set(), {}
    for url in urls:
        response = page.request.get(url)
        content_type = response.headers.get("content-type", "")
        if response.status >= 400 and response.status not in (403, 404):
            continue  # 405 for POST-only actions; 404 and 403 pages are audited
        if "text/html" not in content_type or "<html" not in response.text()[:500].lower():
            continue  # files, JSON, event streams and htmx fragments
        final = response.url.split("#")[0]
        if final in seen:
            continue
        seen.add(final)
        page.goto(url)
        logged_by_the_page = len(console)
        if problems := audit(page):
            failures[url] = problems
        del console[logged_by_the_page:]
    return failures


def _report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}\n  " + "\n  ".join(lines) for url, lines in failures.items())


VIEWPORTS = {"phone": "phone", "desktop": "desktop"}


@pytest.mark.parametrize("device", list(VIEWPORTS))
@pytest.mark.parametrize("who", ["anonymous", "patient", "pharma", "staff"])
def test_every_page_passes_axe(request, device, who, samples):
    page = request.getfixturevalue(device)
    console = watch_console(page)
    urls = page_urls(samples)
    if who == "staff":
        sign_in(page, request.getfixturevalue("staff_user"), totp=True)
        urls = [u for u in urls if u.startswith("/admin/")] + ["/accounts/email/", "/"]
    else:
        if who == "patient":
            sign_in(page, request.getfixturevalue("alice_patient"))
        elif who == "pharma":
            sign_in(page, request.getfixturevalue("acme_signer"), totp=True)
        urls = [u for u in urls if not u.startswith("/admin/")]
    failures = _audit_all(page, urls, console)
    assert failures == {}, _report(failures)
    assert console == []
