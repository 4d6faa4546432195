"""The document editor's form, generated from a kind's declaration (pharma/kinds.py).

Inputs are named by where their value goes: ``f-<section>-<field>`` for a field and
``t-<section>-<table>-<row>-<column>`` for a table cell; a row's ``…-<row>-_remove`` box
drops it on save. Drafts may be incomplete: types are checked on every save, required
values only when the revision is submitted for review (`Kind.missing`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict

from pharma.kinds import Field, Kind, Table
from pharma.numbers import NumberError, parse_number, plain, stored

MAX_TEXT = 2_000
MAX_TEXTAREA = 20_000
MAX_ROWS = 500


@dataclass
class ContentForm:
    kind: Kind
    content: dict
    errors: dict[str, str] = field(default_factory=dict)  # input name -> message

    @property
    def is_valid(self) -> bool:
        return not self.errors


def field_name(section: str, key: str) -> str:
    return f"f-{section}-{key}"


def cell_name(section: str, table: str, row: int, column: str) -> str:
    return f"t-{section}-{table}-{row}-{column}"


def _clean(spec: Field, raw: str) -> tuple[object, str]:
    """The stored value for one input and an error message ("" when fine)."""
    raw = (raw or "").strip()
    if raw == "":
        return "", ""
    limit = MAX_TEXTAREA if spec.type == "textarea" else MAX_TEXT
    if len(raw) > limit:
        return raw[:limit], f"{spec.label}: at most {limit:,} characters."
    if "\x00" in raw:  # PostgreSQL's jsonb cannot hold U+0000: refuse it, as Django's forms do
        return raw.replace("\x00", ""), f"{spec.label}: null characters are not allowed."
    if spec.type == "number":
        try:
            number = parse_number(raw)
        except NumberError as exc:
            return raw, f"{spec.label}: {exc}"
        return stored(number), _implausible(spec, number)
    if spec.type == "date":
        try:
            return dt.date.fromisoformat(raw).isoformat(), ""
        except ValueError:
            return raw, f"{spec.label}: enter a date as YYYY-MM-DD."
    if spec.type == "choice" and raw not in spec.choices:
        return "", f"{spec.label}: choose one of the options."
    return raw, ""


def _implausible(spec: Field, number: Decimal) -> str:
    """Why `number` cannot be meant for `spec` ("" when plausible)."""
    unit = f" {spec.unit}" if spec.unit and spec.unit != "%" else spec.unit
    if spec.percent and 0 < number <= 1:
        return (
            f"{spec.label}: enter a percentage, e.g. 85 for 85{unit}; "
            f"{plain(number)} looks like a fraction."
        )
    if (spec.low is not None and number < Decimal(str(spec.low))) or (
        spec.high is not None and number > Decimal(str(spec.high))
    ):
        low = plain(spec.low) if spec.low is not None else "−∞"  # noqa: RUF001 - printed
        high = plain(spec.high) if spec.high is not None else "∞"
        return (
            f"{spec.label}: {plain(number)}{unit} is outside the plausible range "
            f"{low} to {high}{unit}. Check the value and its unit."
        )
    return ""


def _rows(data: QueryDict, section: str, table: Table) -> list[int]:
    pattern = re.compile(rf"t-{re.escape(section)}-{re.escape(table.key)}-(\d{{1,6}})-")
    indices = sorted({int(m.group(1)) for name in data if (m := pattern.match(name))})
    return indices[:MAX_ROWS]


def content_from_post(kind: Kind, data: QueryDict, *, keep_blank_rows: bool = False) -> ContentForm:
    """The content a POST describes. Blank rows are dropped on save, kept while the author
    is still adding rows."""
    content: dict = {}
    errors: dict[str, str] = {}
    for section in kind.sections:
        values: dict = {}
        for spec in section.fields:
            name = field_name(section.key, spec.key)
            values[spec.key], error = _clean(spec, data.get(name, ""))
            if error:
                errors[name] = error
        for table in section.tables:
            rows = []
            for index in _rows(data, section.key, table):
                if data.get(cell_name(section.key, table.key, index, "_remove")):
                    continue
                row, row_errors = {}, {}
                for column in table.columns:
                    name = cell_name(section.key, table.key, index, column.key)
                    row[column.key], error = _clean(column, data.get(name, ""))
                    if error:
                        row_errors[name] = error
                if keep_blank_rows or any(value != "" for value in row.values()) or row_errors:
                    rows.append((row, row_errors))
            values[table.key] = [row for row, _ in rows]
            # Errors are keyed by the row's new position, as the form is rendered again.
            for position, (_, row_errors) in enumerate(rows):
                for name, message in row_errors.items():
                    parts = name.split("-")
                    parts[3] = str(position)
                    errors["-".join(parts)] = message
        content[section.key] = values
    return ContentForm(kind, content, errors)


def with_minimum_rows(kind: Kind, content: dict) -> dict:
    """For the editor: every table shows at least one row (or its minimum) to type into."""
    for section in kind.sections:
        for table in section.tables:
            rows = content.setdefault(section.key, {}).setdefault(table.key, [])
            while len(rows) < max(1, table.min_rows):
                rows.append({column.key: "" for column in table.columns})
    return content


def with_blank_row(kind: Kind, content: dict, path: str) -> dict:
    """`content` with an empty row added to the table at "section.table" (Add row)."""
    section_key, _, table_key = path.partition(".")
    try:
        table = next(t for t in kind.section(section_key).tables if t.key == table_key)
    except StopIteration:
        return content
    rows = content.setdefault(section_key, {}).setdefault(table_key, [])
    if len(rows) < MAX_ROWS:
        rows.append({column.key: "" for column in table.columns})
    return content
