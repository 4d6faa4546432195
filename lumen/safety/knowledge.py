"""The red-flag knowledge base (lumen/safety/redflags.yaml): loaded once, validated, compiled.

Both the question screen and triage read it, so an emergency finding is known to both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lumen.safety.lexicon import DRUG_PATTERNS

KB_PATH = Path(__file__).resolve().parent / "redflags.yaml"
LEVELS = ("self_care", "non_urgent", "urgent", "emergency")
RANK = {level: i for i, level in enumerate(LEVELS)}
FINDING_LEVELS = (*LEVELS, "context")
_WHEN_KEYS = {"age_under", "age_over", "pregnant", "weeks_pregnant_over", "child"}
# Findings read from quantities in the text rather than from words (see findings.py).
DERIVED = {
    "tablet_count",
    "staggered_paracetamol",
    "long_duration",
    "persistent",
    "low_temperature",
    "fever",
}


class KnowledgeBaseError(ValueError):
    """redflags.yaml is missing, unreadable or does not follow its schema."""


@dataclass(frozen=True)
class Finding:
    id: str
    name: str
    level: str  # emergency, urgent, non_urgent, self_care (benign) or context
    source: str
    patterns: tuple[re.Pattern, ...]
    exemplars: tuple[str, ...]
    crisis: bool = False  # a mental-health crisis: the crisis lines, not only a level


@dataclass(frozen=True)
class Rule:
    id: str
    all: frozenset[str]
    any: frozenset[str]
    min_any: int
    none: frozenset[str]  # findings that stop the rule (e.g. "self-care is helping")
    when: dict
    level: str
    reason: str
    source: str
    exemplars: tuple[str, ...] = ()  # descriptions that should fire the rule (tested)
    crisis: bool = False  # a mental-health crisis: the crisis lines, not only a level

    def holds(
        self,
        present: set[str],
        *,
        age: float | None,
        pregnant: bool,
        weeks_pregnant: float | None,
        subject: str = "self",
    ) -> bool:
        if not self.all <= present or self.none & present:
            return False
        if self.any and len(self.any & present) < self.min_any:
            return False
        when = self.when
        if "age_under" in when and (age is None or age >= when["age_under"]):
            return False
        if "age_over" in when and (age is None or age <= when["age_over"]):
            return False
        # A child by age, or by the words when no age was told ("my kid").
        child = age < 16 if age is not None else subject == "child"
        if "child" in when and child != when["child"]:
            return False
        if "pregnant" in when and pregnant != when["pregnant"]:
            return False
        # Weeks unknown: assume the later stage, where the red flag applies (safety first).
        return not (
            "weeks_pregnant_over" in when
            and weeks_pregnant is not None
            and weeks_pregnant <= when["weeks_pregnant_over"]
        )


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    sources: dict[str, str]
    findings: dict[str, Finding]
    rules: tuple[Rule, ...]

    def emergency_findings(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.level == "emergency"]


def compile_pattern(pattern: str) -> re.Pattern:
    """A lexicon pattern over normalised text: whole words; `~` is up to four words between,
    `~2` up to two; `<DRUG>` and `<CONTROLLED>` name the lexicon's medicine lists."""
    for name, value in DRUG_PATTERNS.items():
        pattern = pattern.replace(name, value)
    body = re.sub(
        r"\s*~(\d?)\s*",
        lambda m: rf"(?: [a-z0-9]+){{0,{m.group(1) or 4}}} ",
        pattern,
    )
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


def _finding(item: Any, sources: dict) -> Finding:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise KnowledgeBaseError(f"Each finding needs an 'id': {item!r:.80}.")
    where = f"finding {item['id']}"
    if item.get("level") not in FINDING_LEVELS:
        raise KnowledgeBaseError(f"{where}: 'level' must be one of {', '.join(FINDING_LEVELS)}.")
    if item.get("source") not in sources:
        raise KnowledgeBaseError(f"{where}: unknown source {item.get('source')!r}.")
    lay = item.get("lay") or []
    if not lay and item["id"] not in DERIVED and item["level"] != "context":
        raise KnowledgeBaseError(f"{where}: needs lay patterns.")
    try:
        patterns = tuple(compile_pattern(p) for p in lay)
    except re.error as exc:
        raise KnowledgeBaseError(f"{where}: invalid pattern ({exc}).") from exc
    return Finding(
        id=item["id"],
        name=str(item.get("name") or item["id"]),
        level=item["level"],
        source=item["source"],
        patterns=patterns,
        exemplars=tuple(str(e) for e in item.get("exemplars") or ()),
        crisis=bool(item.get("crisis")),
    )


def _rule(item: Any, findings: dict, sources: dict) -> Rule:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise KnowledgeBaseError(f"Each rule needs an 'id': {item!r:.80}.")
    where = f"rule {item['id']}"
    all_, any_ = set(item.get("all") or ()), set(item.get("any") or ())
    none = set(item.get("none") or ())
    unknown = (all_ | any_ | none) - set(findings) - DERIVED
    if unknown:
        raise KnowledgeBaseError(f"{where}: unknown findings {sorted(unknown)}.")
    if not all_ and not any_:
        raise KnowledgeBaseError(f"{where}: needs 'all' or 'any'.")
    if item.get("level") not in LEVELS:
        raise KnowledgeBaseError(f"{where}: 'level' must be one of {', '.join(LEVELS)}.")
    if item.get("source") not in sources:
        raise KnowledgeBaseError(f"{where}: unknown source {item.get('source')!r}.")
    when = item.get("when") or {}
    if set(when) - _WHEN_KEYS:
        raise KnowledgeBaseError(f"{where}: unknown modifiers {sorted(set(when) - _WHEN_KEYS)}.")
    if not item.get("reason"):
        raise KnowledgeBaseError(f"{where}: needs a 'reason'.")
    return Rule(
        id=item["id"],
        all=frozenset(all_),
        any=frozenset(any_),
        min_any=int(item.get("min_any", 1)),
        none=frozenset(none),
        when=dict(when),
        level=item["level"],
        reason=str(item["reason"]),
        source=item["source"],
        exemplars=tuple(str(e) for e in item.get("exemplars") or ()),
        crisis=bool(item.get("crisis")),
    )


def parse(data: Any) -> KnowledgeBase:
    if not isinstance(data, dict) or not data.get("version"):
        raise KnowledgeBaseError("The knowledge base needs a 'version'.")
    sources = data.get("sources") or {}
    findings: dict[str, Finding] = {}
    for item in data.get("findings") or ():
        finding = _finding(item, sources)
        if finding.id in findings:
            raise KnowledgeBaseError(f"Finding {finding.id} is defined twice.")
        findings[finding.id] = finding
    rules = tuple(_rule(item, findings, sources) for item in data.get("rules") or ())
    return KnowledgeBase(
        version=str(data["version"]), sources=dict(sources), findings=findings, rules=rules
    )


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The knowledge base, parsed once per process."""
    try:
        data = yaml.safe_load(KB_PATH.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeBaseError(f"Cannot read {KB_PATH.name}: {exc}") from exc
    return parse(data)
