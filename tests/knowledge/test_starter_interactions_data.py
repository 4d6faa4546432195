"""Data checks for knowledge/starter/interactions.json (pure Python: json only, no database).

Besides shape checks, every interaction on the ONC high-priority DDI list (Phansalkar et al.,
JAMIA 2012) whose two drugs are both among Lumen's starter drugs must be covered as major,
either by a pair rule or by a class rule whose tags the two drugs carry in drugs.json.
"""

from __future__ import annotations

import json
from functools import cache
from itertools import combinations
from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA

STARTER = Path(__file__).resolve().parents[2] / "knowledge" / "starter"
ONC_CSV = SHARED_DATA / "ddi" / "onc" / "ONC_High_Priority_Mapped.csv"
SEVERITIES = ("minor", "moderate", "major")
RANK = {s: i for i, s in enumerate(SEVERITIES)}

# ONC (DrugBank) names that differ from Lumen's canonical US names.
ONC_SYNONYMS = {
    "rifampicin": "rifampin",
    "acetylsalicylic acid": "aspirin",
    "paracetamol": "acetaminophen",
    "salbutamol": "albuterol",
    "glyceryl trinitrate": "nitroglycerin",
    "valproic acid": "valproate",
    "divalproex sodium": "valproate",
    "hypericum perforatum": "st john's wort",
    "ciclosporin": "cyclosporine",
    "levothyroxine sodium": "levothyroxine",
    "lithium carbonate": "lithium",
}


def _json(name: str):
    path = STARTER / name
    assert path.exists(), f"{path} is missing"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def drug_names() -> frozenset[str]:
    path = STARTER / "DRUG_NAMES.txt"
    assert path.exists(), f"{path} is missing"
    return frozenset(line.strip() for line in path.read_text().splitlines() if line.strip())


@cache
def class_tags() -> frozenset[str]:
    return frozenset(_json("classes.json"))


@cache
def rules() -> tuple[dict, ...]:
    data = _json("interactions.json")
    assert isinstance(data, list)
    return tuple(data)


def is_pair(rule: dict) -> bool:
    return "a" in rule and "b" in rule


def sides(rule: dict) -> tuple[tuple[str, str], tuple[str, str]]:
    out = []
    for side in ("a", "b"):
        if side in rule:
            out.append(("drug", rule[side]))
        else:
            out.append(("class", rule[f"{side}_class"]))
    return out[0], out[1]


@cache
def drug_classes() -> dict[str, frozenset[str]]:
    path = STARTER / "drugs.json"
    if not path.exists():
        pytest.fail(
            f"{path} is missing: ONC coverage through class rules cannot be checked without "
            "the drug-to-class tags in drugs.json",
            pytrace=False,
        )
    entries = json.loads(path.read_text(encoding="utf-8"))
    return {e["name"]: frozenset(e.get("classes", [])) for e in entries}


def side_matches(side: tuple[str, str], drug: str) -> bool:
    kind, value = side
    if kind == "drug":
        return value == drug
    return value in drug_classes().get(drug, frozenset())


def matching_rules(x: str, y: str) -> list[dict]:
    found = []
    for rule in rules():
        a, b = sides(rule)
        if (side_matches(a, x) and side_matches(b, y)) or (
            side_matches(a, y) and side_matches(b, x)
        ):
            found.append(rule)
    return found


@cache
def pair_index() -> dict[frozenset[str], dict]:
    return {frozenset((r["a"], r["b"])): r for r in rules() if is_pair(r)}


def pair_rule(x: str, y: str) -> dict | None:
    return pair_index().get(frozenset((x, y)))


def strongest(x: str, y: str) -> str | None:
    """Highest severity of any pair or class rule covering x with y (class tags from drugs.json)."""
    found = matching_rules(x, y)
    if not found:
        return None
    return max((r["severity"] for r in found), key=RANK.__getitem__)


def class_rule(tag_a: str, tag_b: str) -> dict | None:
    for rule in rules():
        if (
            "a_class" in rule
            and "b_class" in rule
            and {rule["a_class"], rule["b_class"]} == {tag_a, tag_b}
        ):
            return rule
    return None


@cache
def onc_pairs() -> frozenset[frozenset[str]]:
    """ONC pairs whose two drugs are both Lumen starter drugs (lower-cased, synonyms mapped)."""
    if not ONC_CSV.exists():
        pytest.fail(f"ONC high-priority list not found at {ONC_CSV}", pytrace=False)
    names = drug_names()
    found = set()
    # `$`-delimited, no header: drug1$DrugBankID1$drug2$DrugBankID2$
    for line in ONC_CSV.read_text(encoding="utf-8-sig").splitlines():
        parts = line.strip().split("$")
        if len(parts) < 4:
            continue
        a = parts[0].strip().lower()
        b = parts[2].strip().lower()
        a, b = ONC_SYNONYMS.get(a, a), ONC_SYNONYMS.get(b, b)
        if a != b and a in names and b in names:
            found.add(frozenset((a, b)))
    return frozenset(found)


# --- shape ------------------------------------------------------------------------------


def test_drug_names_file_has_130_names():
    assert len(drug_names()) == 130


def test_every_rule_has_exactly_one_drug_or_class_per_side():
    for rule in rules():
        for side in ("a", "b"):
            assert (side in rule) != (f"{side}_class" in rule), rule


def test_every_drug_name_is_a_starter_drug():
    unknown = {
        value
        for rule in rules()
        for kind, value in sides(rule)
        if kind == "drug" and value not in drug_names()
    }
    assert not unknown, f"not in DRUG_NAMES.txt: {sorted(unknown)}"


def test_every_class_tag_is_in_the_vocabulary():
    unknown = {
        value
        for rule in rules()
        for kind, value in sides(rule)
        if kind == "class" and value not in class_tags()
    }
    assert not unknown, f"not in classes.json: {sorted(unknown)}"


def test_severities_are_valid():
    assert {r["severity"] for r in rules()} <= set(SEVERITIES)


def test_every_rule_has_text_and_an_official_https_source():
    for rule in rules():
        for field in ("mechanism", "management", "source", "source_url"):
            assert isinstance(rule.get(field), str), (field, rule)
            assert rule[field].strip(), (field, rule)
        assert len(rule["source"]) <= 300, rule["source"]
        assert rule["source_url"].startswith("https://"), rule["source_url"]
        assert len(rule["source_url"]) <= 500, rule["source_url"]


def test_no_pair_is_its_own_partner():
    for rule in rules():
        a, b = sides(rule)
        assert not (a == b and a[0] == "drug"), rule


def test_no_duplicate_rules_in_either_order():
    seen = {}
    for i, rule in enumerate(rules()):
        key = frozenset(sides(rule))
        assert key not in seen, f"rule {i} duplicates rule {seen[key]}: {sides(rule)}"
        seen[key] = i


def test_counts():
    pairs = [r for r in rules() if is_pair(r)]
    class_level = [r for r in rules() if not is_pair(r)]
    assert len(pairs) >= 210, len(pairs)
    assert len(class_level) >= 30, len(class_level)


# --- key interactions --------------------------------------------------------------------


def test_warfarin_with_ibuprofen_is_a_major_pair():
    rule = pair_rule("warfarin", "ibuprofen")
    assert rule is not None
    assert rule["severity"] == "major"


def test_serotonergic_drugs_with_maois_are_a_major_class_rule():
    rule = class_rule("ssri", "maoi") or class_rule("serotonergic", "maoi")
    assert rule is not None
    assert rule["severity"] == "major"
    assert class_rule("serotonergic", "maoi")["severity"] == "major"


def test_two_qt_prolonging_drugs_are_a_major_class_rule():
    rule = class_rule("qt_prolonging", "qt_prolonging")
    assert rule is not None
    assert rule["severity"] == "major"


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ("simvastatin", "clarithromycin"),
        ("sildenafil", "nitroglycerin"),
        ("oxycodone", "alprazolam"),
        ("warfarin", "ibuprofen"),
        ("phenelzine", "sertraline"),
        ("apixaban", "rifampin"),
        ("methotrexate", "sulfamethoxazole-trimethoprim"),
        ("valproate", "lamotrigine"),
        ("ethinyl estradiol-levonorgestrel", "carbamazepine"),
    ],
)
def test_key_combinations_are_major(x, y):
    assert strongest(x, y) == "major", f"{x} + {y}: {strongest(x, y)}"


def test_atorvastatin_with_clarithromycin_pair_is_moderate():
    rule = pair_rule("atorvastatin", "clarithromycin")
    assert rule is not None
    assert rule["severity"] == "moderate"


def test_no_class_rule_outranks_an_explicit_pair_rule():
    """A broad class rule must not claim a higher severity than the specific pair rule."""
    problems = []
    for x, y in combinations(sorted(drug_names()), 2):
        rule = pair_rule(x, y)
        if rule is None:
            continue
        for other in matching_rules(x, y):
            if not is_pair(other) and RANK[other["severity"]] > RANK[rule["severity"]]:
                problems.append((x, y, rule["severity"], sides(other), other["severity"]))
    assert not problems, problems


# --- ONC high-priority list --------------------------------------------------------------


def test_drugs_json_tags_are_in_the_vocabulary():
    classes = drug_classes()
    missing = sorted(drug_names() - set(classes))
    assert not missing, f"drugs.json lacks these starter drugs: {missing}"
    unknown = {tag for tags in classes.values() for tag in tags} - class_tags()
    assert not unknown, f"drugs.json uses tags not in classes.json: {sorted(unknown)}"


def test_onc_list_has_pairs_among_starter_drugs():
    assert len(onc_pairs()) >= 50, len(onc_pairs())


def test_every_onc_pair_among_starter_drugs_is_covered_as_major():
    drug_classes()  # fails clearly when drugs.json is missing
    uncovered = sorted(
        (tuple(sorted(pair)), strongest(*sorted(pair)))
        for pair in onc_pairs()
        if strongest(*sorted(pair)) != "major"
    )
    assert not uncovered, f"ONC pairs not covered as major: {uncovered}"
