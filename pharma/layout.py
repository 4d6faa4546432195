"""A revision's content laid out for a page or a PDF: each section with its fields and
tables, values in the kind's order, and (for the editor) each input's name and error."""

from __future__ import annotations

from dataclasses import dataclass

from pharma.document_forms import cell_name, field_name
from pharma.kinds import Kind


@dataclass(frozen=True)
class SectionView:
    """One section laid out for a template: fields with their values (and input names and
    errors, for the editor), tables as rows of cells."""

    section: object
    number: int
    fields: list  # [(Field, value, input name, error)]
    tables: list  # [(Table, [[(Field, value, input name, error)]])]


def laid_out(
    kind: Kind, content: dict, errors: dict | None = None, *, editing: bool = False
) -> list[SectionView]:
    """The kind's sections with `content`'s values; for reading (not `editing`), also the
    retired sections whose content this revision still holds, read-only at the end."""
    errors = errors or {}
    views = []
    sections = list(kind.sections)
    if not editing:
        sections += [s for s in kind.retired_sections if _holds(content, s)]
    for number, section in enumerate(sections, start=1):
        values = content.get(section.key, {}) or {}
        fields = [
            (
                spec,
                values.get(spec.key, ""),
                field_name(section.key, spec.key),
                errors.get(field_name(section.key, spec.key), ""),
            )
            for spec in section.fields
        ]
        tables = []
        for table in section.tables:
            rows = []
            for index, row in enumerate(values.get(table.key, []) or []):
                cells = []
                for column in table.columns:
                    name = cell_name(section.key, table.key, index, column.key)
                    cells.append((column, row.get(column.key, ""), name, errors.get(name, "")))
                rows.append(cells)
            tables.append((table, rows))
        views.append(SectionView(section, number, fields, tables))
    return views


def _holds(content: dict, section) -> bool:
    values = content.get(section.key) or {}
    return any(values.get(f.key) not in ("", None) for f in section.fields) or any(
        values.get(t.key) for t in section.tables
    )
