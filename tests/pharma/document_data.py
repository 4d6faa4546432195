"""Document content for tests, filled from a kind's own declaration."""

from __future__ import annotations

from pharma.kinds import Field, Kind


def _value(spec: Field, n: int = 1):
    if spec.type == "number":  # within the field's plausible range
        value = 10 * n
        value = max(value, spec.low) if spec.low is not None else value
        return min(value, spec.high) if spec.high is not None else value
    if spec.type == "date":
        return f"2026-01-{n:02d}"
    if spec.type == "choice":
        return spec.choices[0]
    return f"{spec.label} {n}"


def complete_content(kind: Kind, rows: int = 2) -> dict:
    """Every field filled and `rows` rows (at least each table's minimum) in every table."""
    content = {}
    for section in kind.sections:
        values = {spec.key: _value(spec) for spec in section.fields}
        for table in section.tables:
            count = max(rows, table.min_rows)
            values[table.key] = [
                {column.key: _value(column, n) for column in table.columns}
                for n in range(1, count + 1)
            ]
        content[section.key] = values
    if kind.key == "cleaning_validation":  # the MACO names a product change of the table
        content["acceptance"]["previous_product"] = content["products"]["products"][0]["name"]
        content["acceptance"]["next_product"] = content["products"]["products"][-1]["name"]
        content["acceptance"]["shared_area_cm2"] = 1000
    if kind.key == "hvac_qualification":  # the first room's air flows to the second
        rooms = content["rooms"]["rooms"]
        for room, following in zip(rooms, [*rooms[1:], None], strict=True):
            room["flows_to"] = following["room"] if following else ""
            room["pressure_pa"] = 10 * len(rooms) - rooms.index(room) * 5
    if kind.key == "water_validation":  # an alert level sits below its action level
        for row in content["limits"]["limits"]:
            row.update(alert=row["action"] / 2, unit="ppb")  # the parameter is TOC
        content["points"]["points"][0]["type"] = "Point of use"
    return content


def post_data(kind: Kind, content: dict, reason: str = "Filled in") -> dict:
    """The editor's POST for `content`, named as the form names its inputs."""
    data = {"reason": reason}
    for section in kind.sections:
        values = content.get(section.key, {})
        for spec in section.fields:
            data[f"f-{section.key}-{spec.key}"] = str(values.get(spec.key, ""))
        for table in section.tables:
            for index, row in enumerate(values.get(table.key, [])):
                for column in table.columns:
                    data[f"t-{section.key}-{table.key}-{index}-{column.key}"] = str(
                        row.get(column.key, "")
                    )
    return data
