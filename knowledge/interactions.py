"""Which of a set of drugs interact: pair rules plus class-level rules expanded to members."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.db.models import Q

from knowledge.drug_names import resolve
from knowledge.models import Drug, DrugInteraction, Severity
from knowledge.vocabulary import is_ndfrt

# Most severe first: the order every list of interactions and warnings is sorted in.
SEVERITY_RANK = {Severity.MAJOR: 0, Severity.MODERATE: 1, Severity.MINOR: 2}


@dataclass(frozen=True)
class FoundInteraction:
    """An interacting pair as entered (`a`, `b`: a combination product stays itself), the rule
    found, and which ingredient of each the rule is about (the drug itself unless it is a
    combination)."""

    a: Drug
    b: Drug
    rule: DrugInteraction
    a_ingredient: Drug | None = None
    b_ingredient: Drug | None = None

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def is_class_rule(self) -> bool:
        return not (self.rule.drug_a_id and self.rule.drug_b_id)

    @property
    def is_duplicate(self) -> bool:
        """Two products with the same ingredient, or two medicines of the same class."""
        return self.rule.mechanism.startswith("Duplicate therapy") or (
            self.a_ingredient is not None and self.a_ingredient == self.b_ingredient
        )

    def as_dict(self) -> dict[str, str]:
        """The pair as `check_interactions --json` prints it."""
        out = {
            "a": self.a.name,
            "b": self.b.name,
            "severity": self.rule.severity,
            "mechanism": self.rule.mechanism,
            "management": self.rule.management,
            "source": self.rule.source,
            "source_url": self.rule.source_url,
        }
        for key, product, ingredient in (
            ("a_ingredient", self.a, self.a_ingredient),
            ("b_ingredient", self.b, self.b_ingredient),
        ):
            if ingredient is not None and ingredient != product:
                out[key] = ingredient.name
        return out


@dataclass(frozen=True)
class InteractionCheck:
    """The result of checking free-text names: what they resolved to, what was not
    recognised, and every interacting pair."""

    drugs: list[Drug]
    unknown: list[str]
    interactions: list[FoundInteraction]


def ingredient_drugs(drugs: list[Drug]) -> dict[int, list[Drug]]:
    """Each drug's id -> the drugs its interactions are checked as: itself, and for a
    combination product (several active ingredients) each ingredient known to Lumen."""
    wanted = {n for d in drugs if len(d.active_ingredients) > 1 for n in d.active_ingredients}
    by_name = {d.name: d for d in Drug.objects.filter(name__in=wanted)} if wanted else {}
    return {
        d.id: [d, *(by_name[n] for n in d.active_ingredients if n in by_name and n != d.name)]
        if len(d.active_ingredients) > 1
        else [d]
        for d in drugs
    }


def _side_key(drug_id: int | None, klass: str) -> tuple:
    return ("drug", drug_id) if drug_id else ("class", klass)


def _keys(drug: Drug) -> set[tuple]:
    return {("drug", drug.id), *(("class", c) for c in drug.classes)}


def _index(rules: list[DrugInteraction]) -> dict[tuple, list[tuple[DrugInteraction, tuple]]]:
    """Side key -> (rule, the rule's other side key): a pair's rules are then found by
    looking up its keys, not by testing every rule (hundreds of drugs make tens of thousands
    of pairs)."""
    index: dict[tuple, list] = {}
    for rule in rules:
        side_a = _side_key(rule.drug_a_id, rule.class_a)
        side_b = _side_key(rule.drug_b_id, rule.class_b)
        index.setdefault(side_a, []).append((rule, side_b))
        if side_b != side_a:
            index.setdefault(side_b, []).append((rule, side_a))
    return index


def _best_rule(matching: list[DrugInteraction]) -> DrugInteraction | None:
    """Lumen's own drug-drug rule wins (the most precise, cited statement); failing that the
    most severe of Lumen's class rules and the VA NDF-RT pair, Lumen's on a tie (it explains
    the mechanism; NDF-RT gives none)."""
    if not matching:
        return None
    own_pairs = [r for r in matching if r.drug_a_id and r.drug_b_id and not is_ndfrt(r)]
    return min(own_pairs or matching, key=lambda r: (SEVERITY_RANK[r.severity], is_ndfrt(r), r.id))


def find_interactions(drugs: list[Drug]) -> list[FoundInteraction]:
    """Every interacting pair among `drugs`, most severe first. A combination product is
    checked ingredient by ingredient, so two products sharing an ingredient (co-codamol and
    Calpol) show as duplicate therapy. For each pair of ingredients a specific drug-drug rule
    wins over class rules (see `_best_rule`)."""
    drugs = list({d.id: d for d in drugs}.values())
    if len(drugs) < 2:
        return []
    parts = ingredient_drugs(drugs)
    every = list({p.id: p for ps in parts.values() for p in ps}.values())
    ids = [d.id for d in every]
    classes = sorted({c for d in every for c in d.classes})
    index = _index(
        list(
            DrugInteraction.objects.filter(
                Q(drug_a__in=ids)
                | Q(drug_b__in=ids)
                | Q(class_a__in=classes)
                | Q(class_b__in=classes)
            )
        )
    )
    keys = {d.id: _keys(d) for d in every}
    found = []
    for a, b in combinations(drugs, 2):
        seen: set[int] = set()
        for part_a in parts[a.id]:
            for part_b in parts[b.id]:
                keys_b = keys[part_b.id]
                matching = {
                    rule.id: rule
                    for key in keys[part_a.id]
                    for rule, other in index.get(key, ())
                    if other in keys_b
                }
                rule = _best_rule(list(matching.values()))
                if rule is None or rule.id in seen:
                    continue
                seen.add(rule.id)
                found.append(FoundInteraction(a, b, rule, part_a, part_b))
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
