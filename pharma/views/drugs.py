"""The drug information database for pharma users: search, and one drug's ingredients,
classes, interaction rules, regulatory status by region, label-derived handling notes and
sources."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from knowledge.drug_lookup import QUERY_MAX_LENGTH, class_label, drug_for_key, search_drugs
from knowledge.interactions import rules_involving
from knowledge.models import Availability, Drug, DrugInteraction
from lumen.accounts.decorators import role_required
from lumen.accounts.roles import Role
from pharma.handling import handling_considerations

TEMPLATE = "pharma/drugs.html"
PAGE_SIZE = 25
# The regions the page always shows, with the authority a pharma user looks for first.
REGIONS = (("US", "FDA"), ("EU", "EMA / EU member states"), ("UK", "MHRA"))
CLASS_MEMBERS_SHOWN = 8


@role_required(Role.PHARMA)
@vary_on_headers("HX-Request")
def drug_search(request: HttpRequest) -> HttpResponse:
    """Search by name, brand, synonym, class or active ingredient, 25 a page; no query lists
    every drug. An htmx request gets back only the results."""
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX_LENGTH]
    drugs = search_drugs(query).only(
        "uid", "name", "brand_names", "drug_class", "active_ingredients"
    )
    page = Paginator(drugs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"query": query, "page": page}
    if request.htmx:
        return render(request, f"{TEMPLATE}#results", context)
    return render(request, TEMPLATE, context)


@dataclass(frozen=True)
class InteractionRow:
    """One rule seen from the drug's side: what it interacts with, and through which of its
    classes when the rule is written for a class."""

    rule: DrugInteraction
    via_class: str  # the drug's own class the rule names ("" for a rule naming the drug)
    other_drug: Drug | None
    other_class: str  # the class on the other side ("" when it is a drug)
    other_members: list[Drug]

    @property
    def other_label(self) -> str:
        return self.other_drug.name if self.other_drug else class_label(self.other_class)


def _interaction_rows(drug: Drug, rules: list[DrugInteraction]) -> list[InteractionRow]:
    sides = []
    for rule in rules:
        a_is_drug = rule.drug_a_id == drug.id or (
            not rule.drug_a_id and rule.class_a in drug.classes
        )
        if a_is_drug:
            own = (rule.drug_a, rule.class_a)
            other = (rule.drug_b, rule.class_b)
        else:
            own = (rule.drug_b, rule.class_b)
            other = (rule.drug_a, rule.class_a)
        sides.append((rule, own, other))
    other_classes = sorted({other[1] for _, _, other in sides if other[1]})
    members: dict[str, list[Drug]] = {c: [] for c in other_classes}
    if other_classes:
        for member in Drug.objects.filter(classes__overlap=other_classes).only(
            "uid", "name", "classes"
        ):
            for tag in member.classes:
                if tag in members and member.id != drug.id:
                    members[tag].append(member)
    return [
        InteractionRow(
            rule=rule,
            via_class=own[1],
            other_drug=other[0],
            other_class=other[1],
            other_members=members.get(other[1], [])[:CLASS_MEMBERS_SHOWN],
        )
        for rule, own, other in sides
    ]


@role_required(Role.PHARMA)
def drug_detail(request: HttpRequest, key: str) -> HttpResponse:
    drug = drug_for_key(key)
    if drug is None:
        raise Http404("No such drug in Lumen's drug database.")
    statuses = list(drug.regulatory_statuses.all())
    regions = []
    for region, authority in REGIONS:
        availability = drug.availability.get(region, "")
        regions.append(
            {
                "region": region,
                "authority": authority,
                "rows": [s for s in statuses if s.region == region],
                "availability": Availability(availability).label
                if availability in Availability.values
                else "",
            }
        )
    return render(
        request,
        "pharma/drug_detail.html",
        {
            "drug": drug,
            "classes": [(tag, class_label(tag)) for tag in drug.classes],
            "interactions": _interaction_rows(drug, rules_involving(drug)),
            "regions": regions,
            "other_statuses": [s for s in statuses if s.region not in dict(REGIONS)],
            "handling": handling_considerations(
                storage=drug.storage, label_warnings=drug.label_warnings
            ),
        },
    )
