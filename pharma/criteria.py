"""Acceptance criteria: what an execution of an approved document records a result against,
and how a result is judged.

Every kind gets its criteria the same way. The calculations that compute a limit (a swab
limit, an ISO class limit, an air change rate from the URS, a minimum pressure differential,
a water limit) attach the criteria that limit sets to their `CalcView` (see
pharma/calculations.py); the pass/fail statements the author writes (visually clean, filter
integrity …) are declared once on the kind as `Check`s. When a revision is approved the whole
list is frozen with it (`documents._approve`), and an execution copies it when it starts, so a
later change to settings, rules or code changes no criterion.

A criterion is a small JSON object:

- ``key``: unique within the document, at most 40 characters (``swab-1``, ``particles-3``);
- ``label``: what is measured where;
- ``type``: ``"limit"`` (a measured number against a limit), ``"visual"`` (visually clean,
  yes or no) or ``"check"`` (a stated requirement met, yes or no);
- for a limit: ``bound`` (``"max"``: pass at or below the limit; ``"min"``: pass at or above
  it), ``limit`` (the number as the document prints it), ``unit``;
- optionally ``by``: the limit depends on a condition measured with the result (water
  conductivity on its temperature): ``{"label", "unit", "low", "high", "rows": [[condition,
  limit], …], "interpolate": bool, "source"}``;
- ``basis``: where the limit comes from, printed with it.
"""

from __future__ import annotations

import dataclasses
import itertools
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from pharma.numbers import plain

if TYPE_CHECKING:
    from pharma.kinds import Kind

MAX = "max"
MIN = "min"


def number_text(value) -> str:
    """A limit as stored: a plain decimal without exponent or thousands separator, so it
    reads back exactly (`Decimal(text)`)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def limit(
    key: str, label: str, value, unit: str, basis: str, *, bound: str = MAX, by: dict | None = None
) -> dict:
    """A numeric criterion (see the module docstring)."""
    found = {
        "key": key,
        "label": label,
        "type": "limit",
        "bound": bound,
        "limit": number_text(value),
        "unit": unit,
        "basis": basis,
    }
    if by is not None:
        found["by"] = by
    return found


def check(key: str, label: str, basis: str, *, visual: bool = False) -> dict:
    """A yes/no criterion: a stated requirement met, or a surface visually clean."""
    return {
        "key": key,
        "label": label,
        "type": "visual" if visual else "check",
        "limit": "",
        "unit": "",
        "basis": basis,
    }


def acceptance_criteria(kind: Kind, content: dict, views: list) -> list[dict]:
    """Every criterion `content` sets: those its calculations attach to their results, then
    the kind's declared checks that the author filled in."""
    found = [c for view in views for c in (getattr(view, "criteria", None) or [])]
    for declared in kind.checks:
        found += declared.criteria(content)
    return found


# --- judging a result ------------------------------------------------------------------------


class ConditionError(ValueError):
    """The condition a limit depends on is missing or outside its table."""


def limit_for(criterion: dict, condition: Decimal | None) -> tuple[Decimal, str]:
    """The limit that applies, and a note on how it was found ("" for a fixed limit). With a
    table (``by``), the row at the measured condition: the row at or below it (USP <645>:
    the temperature is rounded down to the table's step), or interpolated between rows where
    the source says so (Ph. Eur. Purified water)."""
    by = criterion.get("by")
    if not by:
        return Decimal(criterion["limit"]), ""
    if condition is None:
        raise ConditionError(
            f"Enter the {by['label'].lower()} ({by['unit']}): the limit depends on it."
        )
    low, high = Decimal(str(by["low"])), Decimal(str(by["high"]))
    if not low <= condition <= high:
        raise ConditionError(
            f"The {by['label'].lower()} must be {plain(low)} to {plain(high)} {by['unit']}."
        )
    rows = [(Decimal(str(c)), Decimal(str(v))) for c, v in by["rows"]]
    if by.get("interpolate"):
        for (c0, v0), (c1, v1) in itertools.pairwise(rows):
            if c0 <= condition <= c1:
                if condition in (c0, c1):
                    value = v0 if condition == c0 else v1
                    return value, f"at {plain(condition)} {by['unit']} ({by['source']})"
                value = (v0 + (v1 - v0) * (condition - c0) / (c1 - c0)).quantize(
                    Decimal("0.1"), rounding=ROUND_DOWN
                )
                return value, (
                    f"interpolated between {plain(c0)} and {plain(c1)} {by['unit']} "
                    f"({by['source']})"
                )
    at, value = max((c, v) for c, v in rows if c <= condition)
    return (
        value,
        f"row {plain(at)} {by['unit']} for {plain(condition)} {by['unit']} ({by['source']})",
    )


def judge(criterion: dict, amount: Decimal, condition: Decimal | None = None) -> tuple[bool, str]:
    """Whether `amount` meets a numeric criterion, and the verdict as printed."""
    value, how = limit_for(criterion, condition)
    unit = criterion["unit"]
    if criterion.get("bound", MAX) == MIN:
        passed = amount >= value
        verdict = f"{amount} {unit} against a minimum of {plain(value)} {unit}"
    else:
        passed = amount <= value
        verdict = f"{amount} {unit} against a limit of {plain(value)} {unit}"
    if how:
        verdict += f", {how}"
    return passed, verdict


def describe(criterion: dict) -> str:
    """The acceptance as a page or PDF prints it: "not more than 200 µg/swab"."""
    if criterion["type"] != "limit":
        return criterion["basis"]
    if criterion.get("by"):
        by = criterion["by"]
        return f"not more than the limit for the measured {by['label'].lower()}"
    words = "at least" if criterion.get("bound") == MIN else "not more than"
    return f"{words} {criterion['limit']} {criterion['unit']}"


# --- results as pages and reports show them --------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ResultRow:
    """One criterion of an execution with its result (None until recorded), as printed."""

    criterion: dict
    result: object | None
    acceptance: str
    measured: str


def result_rows(criteria: list[dict], results: dict) -> list[ResultRow]:
    """`criteria` in order, each with its result from `results` (by criterion key)."""
    return [
        ResultRow(c, results.get(c["key"]), describe(c), _measured(c, results.get(c["key"])))
        for c in criteria
    ]


def _measured(criterion: dict, result) -> str:
    if result is None:
        return ""
    if result.value is None:
        if criterion["type"] == "visual":
            return "Visually clean" if result.passed else "Not visually clean"
        return "Met" if result.passed else "Not met"
    text = f"{number_text(result.value)} {criterion['unit']}"
    by = criterion.get("by")
    if by and result.condition is not None:
        text += f" at {number_text(result.condition)} {by['unit']}"
    return text
