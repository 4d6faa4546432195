"""Which of a set of drugs interact: pair rules plus class-level rules expanded to members."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.db.models import Q

from knowledge.drug_names import resolve
from knowledge.models import Drug, DrugInteraction, Severity

# Most severe first: the order every list of interactions and warnings is sorted in.
SEVERITY_RANK = {Severity.MAJOR: 0, Severity.MODERATE: 1, Severity.MINOR: 2}


@dataclass(frozen=True)
class FoundInteraction:
    a: Drug
    b: Drug
    rule: DrugInteraction

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def is_class_rule(self) -> bool:
        return not (self.rule.drug_a_id and self.rule.drug_b_id)

    def as_dict(self) -> dict[str, str]:
        """The pair as `check_interactions --json` prints it."""
        return {
            "a": self.a.name,
            "b": self.b.name,
            "severity": self.rule.severity,
            "mechanism": self.rule.mechanism,
            "management": self.rule.management,
            "source": self.rule.source,
        }


@dataclass(frozen=True)
class InteractionCheck:
    """The result of checking free-text names: what they resolved to, what was not
    recognised, and every interacting pair."""

    drugs: list[Drug]
    unknown: list[str]
    interactions: list[FoundInteraction]


def _side_matches(drug: Drug, rule_drug_id: int | None, rule_class: str) -> bool:
    return drug.id == rule_drug_id if rule_drug_id else rule_class in drug.classes


def _applies(rule: DrugInteraction, a: Drug, b: Drug) -> bool:
    forward = _side_matches(a, rule.drug_a_id, rule.class_a) and _side_matches(
        b, rule.drug_b_id, rule.class_b
    )
    backward = _side_matches(b, rule.drug_a_id, rule.class_a) and _side_matches(
        a, rule.drug_b_id, rule.class_b
    )
    return forward or backward


def find_interactions(drugs: list[Drug]) -> list[FoundInteraction]:
    """Every interacting pair among `drugs`, most severe first. For each pair a specific
    drug-drug rule wins over class rules (it is the more precise statement); among class
    rules the most severe wins."""
    drugs = list({d.id: d for d in drugs}.values())
    if len(drugs) < 2:
        return []
    ids = [d.id for d in drugs]
    classes = sorted({c for d in drugs for c in d.classes})
    rules = list(
        DrugInteraction.objects.filter(
            Q(drug_a__in=ids) | Q(drug_b__in=ids) | Q(class_a__in=classes) | Q(class_b__in=classes)
        )
    )
    found = []
    for a, b in combinations(drugs, 2):
        matching = [r for r in rules if _applies(r, a, b)]
        if not matching:
            continue
        pair_rules = [r for r in matching if r.drug_a_id and r.drug_b_id]
        best = min(pair_rules or matching, key=lambda r: SEVERITY_RANK[r.severity])
        found.append(FoundInteraction(a, b, best))
    return sorted(found, key=lambda f: (SEVERITY_RANK[f.severity], f.a.name, f.b.name))


def check_names(names: list[str], *, fuzzy: bool = True) -> InteractionCheck:
    """Resolve names (brands, synonyms, RxCUIs, misspellings) and check them all together.
    Fewer than two distinct known drugs is not an error: `interactions` is simply empty."""
    drugs, unknown = resolve([n for n in names if n.strip()], fuzzy=fuzzy)
    drugs = list({d.id: d for d in drugs}.values())
    return InteractionCheck(drugs=drugs, unknown=unknown, interactions=find_interactions(drugs))


def rules_involving(drug: Drug) -> list[DrugInteraction]:
    """Every rule naming `drug` or one of its classes on either side, most severe first: the
    whole interaction profile of one drug, in one query."""
    rules = DrugInteraction.objects.filter(
        Q(drug_a=drug) | Q(drug_b=drug) | Q(class_a__in=drug.classes) | Q(class_b__in=drug.classes)
    ).select_related("drug_a", "drug_b")
    return sorted(rules, key=lambda r: (SEVERITY_RANK[r.severity], r.id))
