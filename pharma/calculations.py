"""The calculations a document shows, worked out from its own content with the calculators
(pharma/calculators.py): each kind names its calculators in pharma/kinds.py, and each name
maps here to a function that reads the document's fields and tables.

A calculation that lacks inputs says which, rather than failing: a draft is often incomplete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pharma.kinds import Kind
from pharma.models import Organisation


@dataclass(frozen=True)
class CalcView:
    """One calculation as a document prints it."""

    title: str
    formula: str = ""
    lines: list[str] = field(default_factory=list)  # inputs and intermediate values
    result: str = ""
    error: str = ""  # why it could not be worked out (missing or invalid inputs)


CALCULATIONS: dict[str, Callable[[dict, Organisation | None], list[CalcView]]] = {}


def calculation(name: str):
    def register(function):
        CALCULATIONS[name] = function
        return function

    return register


def for_document(kind: Kind, content: dict, organisation: Organisation | None) -> list[CalcView]:
    views: list[CalcView] = []
    for name in kind.calculators:
        function = CALCULATIONS.get(name)
        if function is not None:
            views.extend(function(content, organisation))
    return views
