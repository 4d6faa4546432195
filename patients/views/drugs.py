"""Patient drug pages: search the drug database and read one medicine in plain language,
with its sources and the warnings that apply to the reader's own profile."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from knowledge.drug_lookup import drug_for_key
from knowledge.drug_names import suggest
from knowledge.drug_warnings import warnings_for
from knowledge.models import Availability, Drug
from lumen import safety
from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients.selectors import medicines_taken, profile_with_lists
from patients.services import patient_context

TEMPLATE = "patients/drugs.html"
REPORTED_REACTIONS_SHOWN = 10


def _get_drug(key: str) -> Drug:
    """A drug by its UUID or generic-name slug; 404 else."""
    drug = drug_for_key(key)
    if drug is None:
        raise Http404("No such medicine in Lumen's drug database.")
    return drug


@role_required(Role.PATIENT)
def drug_search(request: HttpRequest) -> HttpResponse:
    """Search by generic name, brand or synonym; no query lists every drug A-Z. An htmx
    request gets back only the result list."""
    query = request.GET.get("q", "").strip()[:100]
    if query:
        results = [drug for drug, _ in suggest(query, limit=30)]
        if len(results) == 1 and not request.htmx and request.GET.get("go"):
            return redirect("patients:drug_detail", results[0].uid)
    else:
        results = list(Drug.objects.only("uid", "name", "drug_class"))
    context = {"query": query, "results": results}
    if request.htmx:
        return render(request, f"{TEMPLATE}#results", context)
    return render(request, TEMPLATE, context)


@role_required(Role.PATIENT)
def drug_detail(request: HttpRequest, key: str) -> HttpResponse:
    drug = _get_drug(key)
    profile = profile_with_lists(request.user)
    availability = [
        (region, Availability(status).label)
        for region, status in sorted(drug.availability.items())
        if status in Availability.values
    ]
    return render(
        request,
        "patients/drug_detail.html",
        {
            "drug": drug,
            "availability": availability,
            "reported": drug.reported_reactions[:REPORTED_REACTIONS_SHOWN],
            "warnings": warnings_for(
                [drug], patient_context(profile), taking=medicines_taken(profile)
            )[drug.id],
            "disclaimer": safety.DISCLAIMER,
        },
    )
