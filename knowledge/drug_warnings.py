"""Warnings about specific drugs for one patient: allergies (with class cross-reactivity),
interactions with their own medicines, long-term conditions, pregnancy and age.

The rules are data (knowledge/starter/drug_warning_rules.json, versioned, each with a
citation); this module only matches them. Triage calls `warnings_for` to filter OTC options,
the interaction checker and drug pages to show "warnings for you".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache

from knowledge.context import PatientContext
from knowledge.drug_names import mentioned_drugs, resolve
from knowledge.interactions import SEVERITY_RANK, find_interactions
from knowledge.models import Drug, Severity
from knowledge.starter import STARTER_DIR

RULES_FILE = STARTER_DIR / "drug_warning_rules.json"
KINDS = ("allergy", "interaction", "condition", "pregnancy", "age")


@dataclass(frozen=True)
class Warning:  # shadows the builtin inside this module only; the name triage relies on
    """One reason to be careful with one drug. `kind` is one of KINDS, `severity` a Severity
    value, `text` plain language for the patient, `source` the cited document."""

    kind: str
    severity: str
    text: str
    source: str
    source_url: str = ""


@cache
def rules() -> dict:
    """The rule file, parsed once per process."""
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    for condition in data["conditions"].values():
        condition["_patterns"] = [re.compile(p) for p in condition["patterns"]]
        condition["_exclude"] = [re.compile(p) for p in condition.get("exclude_patterns", [])]
    for group in data["groups"].values():
        group["_patterns"] = [re.compile(p) for p in group.get("name_patterns", [])]
    return data


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[_/,;()]+", " ", text.lower()).split())


def condition_keys(text: str) -> set[str]:
    """The recognised conditions a patient's wording names: "CKD stage 4", "renal failure"
    and "kidney_disease" all give kidney_disease (the first two also severe_kidney_disease)."""
    text = _normalise(text)
    return {
        key
        for key, condition in rules()["conditions"].items()
        if any(p.search(text) for p in condition["_patterns"])
        and not any(p.search(text) for p in condition["_exclude"])
    }


def condition_labels(text: str) -> list[str]:
    """The plain names of the recognised conditions `text` names ("CKD 3" -> "kidney
    disease"), for showing the patient what their medicines are checked against."""
    conditions = rules()["conditions"]
    return sorted(conditions[key]["label"] for key in condition_keys(text))


def allergy_groups(text: str, *, mentioned: list[Drug] | None = None) -> set[str]:
    """Drug groups an allergy names, by wording ("PCN", "sulfa drugs") or by a drug it
    mentions that belongs to a group ("Augmentin" -> penicillin). `mentioned`: the drugs
    `text` names, when the caller has already matched them."""
    normalised = _normalise(text)
    found = {
        key
        for key, group in rules()["groups"].items()
        if any(term in normalised for term in group.get("allergy_terms", []))
    }
    for drug in mentioned_drugs(text) if mentioned is None else mentioned:
        found |= {key for key in rules()["groups"] if _in_group(drug, key)}
    return found


def _in_group(drug: Drug, key: str) -> bool:
    group = rules()["groups"][key]
    names = [drug.name, *drug.active_ingredients]
    return (
        bool(set(group.get("classes", [])) & set(drug.classes))
        or drug.name in group.get("names", [])
        or any(p.search(n.lower()) for p in group["_patterns"] for n in names)
    )


def _matches(rule: dict, drug: Drug) -> bool:
    """Whether a condition, pregnancy or age rule names this drug (by class or name)."""
    if drug.name in rule.get("except_names", []):
        return False
    if set(rule.get("except_classes", [])) & set(drug.classes):
        return False
    return drug.name in rule.get("names", []) or bool(
        set(rule.get("classes", [])) & set(drug.classes)
    )


def _warning(kind: str, rule: dict, drug: Drug) -> Warning:
    return Warning(
        kind=kind,
        severity=rule["severity"],
        text=rule["text"].format(drug=drug.name.capitalize()),
        source=rule["source"],
        source_url=rule.get("source_url", ""),
    )


def _without_overridden(hits: list[dict]) -> list[dict]:
    overridden = {rule_id for rule in hits for rule_id in rule.get("overrides", [])}
    return [rule for rule in hits if rule["id"] not in overridden]


def _label_source(drug: Drug) -> tuple[str, str]:
    first = drug.references[0] if drug.references else {}
    return first.get("title", f"{drug.name.capitalize()} label"), first.get("url", "")


@dataclass(frozen=True)
class _Allergy:
    text: str
    drug_ids: frozenset[int]  # drugs the allergy names outright
    groups: frozenset[str]


def _allergies(context: PatientContext) -> list[_Allergy]:
    allergies = []
    for text in context.allergies:
        named = mentioned_drugs(text)  # once: the direct match and the groups both need it
        allergies.append(
            _Allergy(
                text,
                frozenset(d.id for d in named),
                frozenset(allergy_groups(text, mentioned=named)),
            )
        )
    return allergies


def _allergy_warnings(drug: Drug, allergies: list[_Allergy]) -> list[Warning]:
    direct = [a for a in allergies if drug.id in a.drug_ids]
    if direct:  # "do not take" already says everything a class rule would
        title, url = _label_source(drug)
        return [
            Warning(
                kind="allergy",
                severity=Severity.MAJOR,
                text=f"You have listed an allergy to {direct[0].text}. Do not take "
                f"{drug.name} unless a doctor who knows about the allergy prescribes it.",
                source=f"{title} (contraindication: known hypersensitivity)",
                source_url=url,
            )
        ]
    groups = {g for a in allergies for g in a.groups}
    return [
        _warning("allergy", rule, drug)
        for rule in rules()["allergy_rules"]
        if rule["allergy"] in groups
        and _in_group(drug, rule["drugs"])
        and not (rule.get("except") and _in_group(drug, rule["except"]))
    ]


def _condition_warnings(drug: Drug, keys: set[str]) -> list[Warning]:
    hits = [
        rule
        for rule in rules()["condition_rules"]
        if rule["condition"] in keys and _matches(rule, drug)
    ]
    return [_warning("condition", rule, drug) for rule in _without_overridden(hits)]


def _pregnancy_warnings(drug: Drug, pregnancy: str) -> list[Warning]:
    if pregnancy not in ("pregnant", "unsure", "breastfeeding"):
        return []
    if pregnancy != "breastfeeding":
        hits = [r for r in rules()["pregnancy_rules"] if _matches(r, drug)]
        if hits:
            return [_warning("pregnancy", rule, drug) for rule in hits]
    if not drug.pregnancy_warning:
        return []
    title, url = _label_source(drug)
    return [Warning("pregnancy", Severity.MINOR, drug.pregnancy_warning, title, url)]


def _age_warnings(drug: Drug, age: int | None) -> list[Warning]:
    if age is None:
        return []
    return [
        _warning("age", rule, drug)
        for rule in rules()["age_rules"]
        if _matches(rule, drug)
        and ("under" not in rule or age < rule["under"])
        and ("at_least" not in rule or age >= rule["at_least"])
    ]


def _interaction_warnings(drugs: list[Drug], taking: list[Drug]) -> dict[int, list[Warning]]:
    """Interactions of each drug with the patient's own medicines (not among `drugs`: triage
    offers them as alternatives, and the checker lists those pairs itself)."""
    taking_ids = {d.id for d in taking}
    out: dict[int, list[Warning]] = {}
    for found in find_interactions([*drugs, *taking]):
        for drug, other in ((found.a, found.b), (found.b, found.a)):
            if other.id in taking_ids and drug.id != other.id:
                out.setdefault(drug.id, []).append(
                    Warning(
                        kind="interaction",
                        severity=found.severity,
                        text=f"With your {other.name}: {found.rule.mechanism} "
                        f"{found.rule.management}",
                        source=found.rule.source,
                        source_url=found.rule.source_url,
                    )
                )
    return out


def warnings_for(
    drugs: list[Drug], context: PatientContext, *, taking: list[Drug] | None = None
) -> dict[int, list[Warning]]:
    """Warnings for each drug (keyed by drug id, every drug present, most severe first) given
    the patient's allergies, own medicines (interactions), conditions, pregnancy and age.
    `taking`: the patient's medicines already matched to drugs, when the caller has them (a
    profile stores its matches); else `context.medications` are matched here."""
    if taking is None:
        # Fuzzy, as the profile matched them: a misspelt medicine still gets its warnings.
        taking, _ = resolve(list(context.medications), fuzzy=True)
    keys: set[str] = set()
    for condition in context.conditions:
        keys |= condition_keys(condition)
    allergies = _allergies(context)
    interactions = _interaction_warnings(drugs, taking)
    out: dict[int, list[Warning]] = {}
    for drug in drugs:
        found = [
            *_allergy_warnings(drug, allergies),
            *interactions.get(drug.id, []),
            *_condition_warnings(drug, keys),
            *_pregnancy_warnings(drug, context.pregnancy),
            *_age_warnings(drug, context.age),
        ]
        out[drug.id] = sorted(found, key=lambda w: (SEVERITY_RANK[w.severity], KINDS.index(w.kind)))
    return out
