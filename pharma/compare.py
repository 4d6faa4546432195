"""Revision comparison: what changed between two revisions of a document, field by field and
cell by cell, labelled as the form labels them."""

from __future__ import annotations

from dataclasses import dataclass

from pharma.kinds import Kind


@dataclass(frozen=True)
class Change:
    where: str  # "Acceptance criteria: Area per swab", "Products, row 2: PDE / ADE"
    before: object
    after: object


def _flat(kind: Kind, content: dict) -> dict[str, object]:
    values: dict[str, object] = {}
    for section in kind.sections:
        stored = content.get(section.key) or {}
        for spec in section.fields:
            values[f"{section.title}: {spec.label}"] = stored.get(spec.key, "")
        for table in section.tables:
            for number, row in enumerate(stored.get(table.key) or [], start=1):
                for column in table.columns:
                    where = f"{section.title}: {table.label}, row {number}: {column.label}"
                    values[where] = row.get(column.key, "")
    return values


def changes(kind: Kind, before: dict, after: dict) -> list[Change]:
    """Every place whose value differs, in the form's order (blank and absent are equal)."""
    old, new = _flat(kind, before), _flat(kind, after)
    order = list(dict.fromkeys([*old, *new]))
    return [
        Change(where, old.get(where, ""), new.get(where, ""))
        for where in order
        if old.get(where, "") != new.get(where, "")
    ]
