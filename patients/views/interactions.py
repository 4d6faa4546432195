"""Patient interaction checker: any number of medicines (typed, with autocomplete), optionally
with the patient's own, checked pair by pair plus allergy, condition, pregnancy and age
warnings for them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from knowledge.content_gaps import record_unknown_names
from knowledge.drug_names import match, near_misses, suggest
from knowledge.drug_warnings import Warning, warnings_for
from knowledge.interactions import FoundInteraction, find_interactions
from knowledge.models import Drug
from lumen import safety
from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from patients.selectors import medications_with_drugs, profile_for
from patients.services import patient_context

MAX_DRUGS = 20
MIN_ROWS = 3
TEMPLATE = "patients/interactions.html"


@dataclass
class Entered:
    name: str  # as typed
    drug: Drug | None

    @property
    def corrected(self) -> bool:
        """True when the name was matched only as a misspelling or brand."""
        return self.drug is not None and self.drug.name != self.name.strip().lower()


@dataclass
class Report:
    entered: list[Entered]
    mine: list[Drug]
    mine_unmatched: list[str]
    interactions: list[FoundInteraction]
    warnings: list[tuple[Drug, list[Warning]]]

    @property
    def unknown(self) -> list[str]:
        return [e.name for e in self.entered if e.drug is None]

    @property
    def did_you_mean(self) -> list[tuple[str, list[str]]]:
        """Each unknown name with the known names close to it (possibly none)."""
        return [(name, near_misses(name)) for name in self.unknown]

    @property
    def checked(self) -> list[Drug]:
        return list(
            {d.id: d for d in [*(e.drug for e in self.entered if e.drug), *self.mine]}.values()
        )


def _rows(names: list[str], extra: int = 0) -> list[tuple[int, str]]:
    values = names + [""] * (max(MIN_ROWS, len(names) + 1) - len(names) + extra)
    return list(enumerate(values[: MAX_DRUGS + 1]))


def _report(request: HttpRequest, names: list[str], include_mine: bool) -> Report:
    profile = profile_for(request.user)
    entered = [Entered(name, match(name, fuzzy=True)) for name in names]
    mine, mine_unmatched = [], []
    if include_mine:
        for medication in medications_with_drugs(profile.medications.all()):
            if medication.drug:
                mine.append(medication.drug)
            else:
                mine_unmatched.append(medication.name)
    report = Report(entered, mine, mine_unmatched, [], [])
    record_unknown_names(report.unknown)
    report.interactions = find_interactions(report.checked)
    typed = list({e.drug.id: e.drug for e in entered if e.drug}.values())
    # Interactions are listed pair by pair above; here only what the profile itself adds.
    by_drug = warnings_for(typed, patient_context(profile))
    report.warnings = [
        (drug, found)
        for drug in typed
        if (found := [w for w in by_drug[drug.id] if w.kind != "interaction"])
    ]
    return report


@role_required(Role.PATIENT)
def checker(request: HttpRequest) -> HttpResponse:
    """The form (GET), or the form with results (POST). An htmx post gets back only the
    results; "Add another medicine" without JavaScript posts and gets one more row."""
    context: dict = {"disclaimer": safety.DISCLAIMER, "max_drugs": MAX_DRUGS}
    if request.method != "POST":
        rows = _rows([])
        return render(request, TEMPLATE, {**context, "rows": rows, "include_mine": True})
    names = [n.strip()[:200] for n in request.POST.getlist("drug") if n.strip()][:MAX_DRUGS]
    include_mine = request.POST.get("include_mine") == "on"
    more = "more" in request.POST
    context.update(rows=_rows(names, extra=int(more)), include_mine=include_mine)
    if not more:
        context["report"] = _report(request, names, include_mine)
    if request.htmx:
        return render(request, f"{TEMPLATE}#results", context)
    return render(request, TEMPLATE, context)


@role_required(Role.PATIENT)
def drug_suggest(request: HttpRequest) -> HttpResponse:
    """Autocomplete: up to eight drugs whose name, brand or synonym starts with (or contains)
    what was typed, as buttons that fill the row they belong to."""
    query = request.GET.get("drug") or request.GET.get("q") or ""
    row = _row_number(request.GET.get("row"))
    return render(
        request,
        f"{TEMPLATE}#suggestions",
        {"row": row, "suggestions": suggest(query[:100]), "query": query},
    )


@role_required(Role.PATIENT)
def interaction_row(request: HttpRequest) -> HttpResponse:
    """One medicine row: filled with a picked suggestion (focus returns to it), or a new
    empty row followed by the "add another" button for the next one."""
    row = _row_number(request.GET.get("row"))
    if "name" in request.GET:
        return render(
            request,
            f"{TEMPLATE}#row",
            {"i": row, "value": request.GET["name"][:200], "autofocus": True},
        )
    return render(request, f"{TEMPLATE}#more", {"i": row, "value": "", "next": row + 1})


def _row_number(value: str | None) -> int:
    try:
        return max(0, min(int(value or 0), MAX_DRUGS))
    except ValueError:
        return 0
