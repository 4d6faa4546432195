"""Evaluate the triage rules on labelled cases (JSON lines): Lumen's own format
({"id", "text", "age"?, "sex"?, "gold"}) or the Semigran vignettes' ({"urgency_level",
"case_description", ...}; id = line number, age and sex read from the text)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from patients.triage.rulebase import DISPOSITIONS
from patients.triage.text import assess_text

# A three-level gold ("non_emergency") is matched by either non-emergency care level.
GOLDS = (*DISPOSITIONS, "non_emergency")
SEMIGRAN_LEVELS = {"em": "emergency", "ne": "non_emergency", "sc": "self_care"}


class CaseFileError(ValueError):
    pass


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    gold: str
    age: float | None = None
    sex: str | None = None


@dataclass(frozen=True)
class Prediction:
    case: Case
    predicted: str

    @property
    def correct(self) -> bool:
        return matches(self.case.gold, self.predicted)


def matches(gold: str, predicted: str) -> bool:
    if gold == "non_emergency":
        return predicted in ("urgent", "non_urgent")
    return gold == predicted


def read_cases(path: Path | str) -> list[Case]:
    """The cases in a JSON-lines file; CaseFileError names the first bad line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CaseFileError(f"Cannot read {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise CaseFileError(f"{path} is not UTF-8 text.") from exc
    cases = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            cases.append(_case(line, number, path))
    if not cases:
        raise CaseFileError(f"{path} has no cases.")
    return cases


def _case(line: str, number: int, path: Path | str) -> Case:
    where = f"{path}, line {number}"
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CaseFileError(f"{where}: not valid JSON ({exc.msg}).") from exc
    if not isinstance(item, dict):
        raise CaseFileError(f"{where}: expected a JSON object.")
    if "case_description" in item:  # the Semigran format
        level = item.get("urgency_level")
        if level not in SEMIGRAN_LEVELS:
            raise CaseFileError(f"{where}: urgency_level must be one of em, ne, sc.")
        return Case(id=str(number), text=str(item["case_description"]), gold=SEMIGRAN_LEVELS[level])
    text, gold = item.get("text"), item.get("gold")
    if not isinstance(text, str) or not text.strip():
        raise CaseFileError(f"{where}: needs a non-empty 'text'.")
    if gold not in GOLDS:
        raise CaseFileError(f"{where}: 'gold' must be one of {', '.join(GOLDS)}.")
    age = item.get("age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int | float)):
        raise CaseFileError(f"{where}: 'age' must be a number.")
    return Case(id=str(item.get("id", number)), text=text, gold=gold, age=age, sex=item.get("sex"))


def evaluate(
    cases: Iterable[Case], progress: Callable[[Iterable[Case]], Iterable[Case]] = iter
) -> list[Prediction]:
    return [
        Prediction(case, assess_text(case.text, age=case.age, sex=case.sex).disposition)
        for case in progress(cases)
    ]


@dataclass(frozen=True)
class Summary:
    accuracy: float
    emergency_recall: float | None  # None when there are no emergencies in the set
    confusion: Counter  # (gold, predicted) -> count

    @property
    def golds(self) -> list[str]:
        return [g for g in GOLDS if any(k[0] == g for k in self.confusion)]


def summarise(predictions: list[Prediction]) -> Summary:
    emergencies = [p for p in predictions if p.case.gold == "emergency"]
    return Summary(
        accuracy=sum(p.correct for p in predictions) / len(predictions),
        emergency_recall=(
            sum(p.predicted == "emergency" for p in emergencies) / len(emergencies)
            if emergencies
            else None
        ),
        confusion=Counter((p.case.gold, p.predicted) for p in predictions),
    )
