"""The calculations a document shows, worked out from its own content with the calculators
(pharma/calculators/): each kind names its calculators in pharma/kinds.py, and each name
maps here to a function that reads the document's fields and tables.

A calculation that lacks inputs says which, rather than failing: a draft is often incomplete.
"""

# ruff: noqa: RUF001 - printed formulas use multiplication and minus signs

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal

from pharma import calculators as calc
from pharma import criteria, kinds
from pharma.calculators import Calculation
from pharma.kinds import Kind
from pharma.models import Organisation
from pharma.numbers import NumberError, parse_number, plain
from pharma.qa_settings import qa_setting


@dataclass(frozen=True)
class CalcView:
    """One calculation as a document prints it."""

    title: str
    formula: str = ""
    lines: list[str] = field(default_factory=list)  # inputs and intermediate values
    result: str = ""
    error: str = ""  # why it could not be worked out (missing or invalid inputs)
    warnings: list[str] = field(default_factory=list)  # worked out, but read with care
    # The result as numbers, by key ("maco", "swab_limit" …): {"value": "1.25", "unit": "mg"}.
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # The acceptance criteria this result sets for an execution (pharma/criteria.py).
    criteria: list[dict] = field(default_factory=list)


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


def for_revision(revision) -> list[CalcView]:
    """What `revision` shows: the calculations frozen at its approval, else worked out now."""
    frozen = (revision.frozen or {}).get("calculations")
    if frozen is not None:
        return [CalcView(**view) for view in frozen]
    document = revision.document
    return for_document(kinds.get(document.kind), revision.content, document.organisation)


def as_json(views: list[CalcView]) -> list[dict]:
    return [asdict(view) for view in views]


def _values(calc: Calculation) -> dict[str, dict[str, str]]:
    return {calc.key: {"value": str(calc.value), "unit": calc.unit}}


# --- Shared helpers ----------------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _num(value):
    """A stored number, or None for a blank cell."""
    return None if _blank(value) else value


def _view(calc: Calculation, title: str | None = None) -> CalcView:
    lines = [f"{calc.formula} = {calc.substituted}"]
    lines += [
        f"{q.symbol} = {q.display()}" + (f" ({q.derivation})" if q.derivation else "")
        for q in calc.intermediates
    ]
    lines += list(calc.notes)
    if calc.reference:
        lines.append(f"Reference: {calc.reference}")
    return CalcView(
        title=title or calc.title,
        formula=calc.formula,
        lines=lines,
        result=f"{calc.result.symbol} = {calc.result.display()}",
        values=_values(calc),
    )


# Calculator keyword -> what the author calls it in the document.
_LABELS = {
    "mbs_next_kg": "Minimum batch size of the next product",
    "tdd_next_mg_per_day": "Maximum daily dose of the next product",
    "pde_prev_mg_per_day": "PDE of the previous product",
    "min_daily_dose_prev_mg": "Minimum daily dose of the previous product",
    "dose_safety_factor": "Safety factor",
    "swab_area_cm2": "Area per swab",
    "shared_area_cm2": "Total shared product-contact area",
    "rinse_volume_l": "Total rinse volume",
    "recovery_percent": "Recovery",
    "supply_airflow": "Supply airflow",
    "room_volume_m3": "Room volume",
    "iso_class": "ISO class",
    "area_m2": "Floor area",
}


def _problem(exc: calc.CalculationError) -> str:
    field = exc.field.split(".")[-1] if "[" in exc.field else exc.field
    label = _LABELS.get(field) or _LABELS.get(exc.field) or exc.field.replace("_", " ")
    return f"{label}: {exc.message}"


def _section(content: dict, key: str) -> dict:
    return content.get(key) or {}


def _rows(content: dict, section: str, table: str) -> list[dict]:
    return [r for r in (_section(content, section).get(table) or []) if isinstance(r, dict)]


def _by_name(rows: list[dict], name) -> dict | None:
    wanted = str(name or "").strip().lower()
    return next((r for r in rows if str(r.get("name", "")).strip().lower() == wanted), None)


# --- Cleaning validation -----------------------------------------------------------------


@calculation("maco")
def _maco(content: dict, organisation: Organisation | None) -> list[CalcView]:
    products = _rows(content, "products", "products")
    acceptance = _section(content, "acceptance")
    previous = _by_name(products, acceptance.get("previous_product"))
    following = _by_name(products, acceptance.get("next_product"))
    title = "Maximum allowable carry-over (MACO)"
    if previous is None or following is None:
        return [
            CalcView(
                title,
                error="Name the previous and the next product (as in the product table) "
                "under Acceptance criteria to calculate the MACO.",
            )
        ]
    safety = _num(acceptance.get("safety_factor")) or qa_setting(
        organisation, "maco_dose_safety_factor"
    )
    try:
        selection = calc.maco_governing(
            mbs_next_kg=_num(following.get("batch_size_kg")),
            tdd_next_mg_per_day=_num(following.get("max_dose_mg_day")),
            pde_prev_mg_per_day=_num(previous.get("pde_mg_day")),
            min_daily_dose_prev_mg=_num(previous.get("min_dose_mg_day")),
            dose_safety_factor=safety,
            ppm=qa_setting(organisation, "maco_ppm"),
        )
    except calc.CalculationError as exc:
        return [CalcView(title, error=_problem(exc))]
    views = [_view(criterion) for criterion in selection.criteria]
    governing = selection.governing
    views.append(
        CalcView(
            "Governing MACO (the lowest criterion)",
            lines=list(selection.notes),
            result=f"{governing.title}: {governing.result.display()}",
            values={"maco": {"value": str(governing.value), "unit": governing.unit}},
        )
    )
    matrix_view, worst = _matrix(products, acceptance, organisation, safety)
    basis, warnings = governing, []
    if worst is not None and worst.selection.governing.value < governing.value:
        # Limits follow the worst case of the whole train (APIC), not the pair named.
        basis = worst.selection.governing
        warnings.append(
            f"The named change {previous.get('name')} → {following.get('name')} is not the "
            f"worst case: residue limits use {worst.previous} → {worst.next} "
            f"(MACO {basis.result.display()})."
        )
    views += _residue_limits(content, acceptance, basis, warnings)
    views += matrix_view
    return views


def _residue_limits(
    content: dict, acceptance: dict, maco: Calculation, warnings: list[str]
) -> list[CalcView]:
    views = []
    recovery = _num(_section(content, "analytics").get("recovery_pct"))
    shared = _num(acceptance.get("shared_area_cm2"))
    swab = _num(acceptance.get("swab_area_cm2"))
    rinse = _num(acceptance.get("rinse_volume_l"))
    for method, title, make, needed, missing in (
        (
            "Swab",
            "Limit per swab",
            lambda: calc.swab_limit(
                maco_mg=maco, swab_area_cm2=swab, shared_area_cm2=shared,
                recovery_percent=recovery,
            ),
            swab is not None and shared is not None,
            "give the area per swab and the total shared area (Acceptance criteria)",
        ),
        (
            "Rinse",
            "Rinse limit",
            lambda: calc.rinse_limit(
                maco_mg=maco, rinse_volume_l=rinse, recovery_percent=recovery
            ),
            rinse is not None,
            "give the total rinse volume (Acceptance criteria)",
        ),
    ):  # fmt: skip
        sampled = _sampled_by(content, method)
        if not needed:
            if sampled:
                # A location sampled without a limit would have nothing to be judged against.
                views.append(CalcView(title, error=f"The protocol samples {sampled[0][1]} by "
                                      f"{method.lower()} but sets no {method.lower()} limit: "
                                      f"{missing}."))  # fmt: skip
            continue
        try:
            limit = make()
        except calc.CalculationError as exc:
            views.append(CalcView(title, error=_problem(exc)))
            continue
        view = _view(limit, title)
        views.append(
            replace(
                view,
                warnings=[*warnings, *_limit_warnings(content, view)],
                criteria=_location_criteria(sampled, method, limit, maco, recovery),
            )
        )
    return views


def _sampled_by(content: dict, method: str) -> list[tuple[int, str]]:
    """(row number, "place (equipment)") of every sampling location using `method`."""
    found = []
    for n, row in enumerate(_rows(content, "sampling", "locations"), start=1):
        if (row.get("method") or "Swab") != method:
            continue
        place = str(row.get("location") or f"Location {n}")
        if row.get("equipment_id"):
            place += f" ({row['equipment_id']})"
        found.append((n, place))
    return found


def _location_criteria(sampled, method: str, limit: Calculation, maco: Calculation, recovery):
    """One criterion per location sampled by `method`, at the limit as printed (rounded
    down): results are judged against what the approved document says."""
    printed = replace(limit.result, unit="").display().replace(",", "")
    if recovery is None:
        note = "; applies to recovery-corrected results"
    else:
        note = f"; recovery {plain(recovery)} % applied: compare the amount as measured"
    basis = f"{limit.title}, from governing MACO {maco.result.display()} ({maco.title}){note}"
    return [
        criteria.limit(f"{method.lower()}-{n}", f"{method} at {place}", printed, limit.unit, basis)
        for n, place in sampled
    ]


def _limit_warnings(content: dict, view: CalcView) -> list[str]:
    """What makes a residue limit less safe than it looks: a total area below the sum of the
    equipment's areas (the limit per area would be too high), a method that cannot quantify
    down to the limit."""
    warnings = []
    acceptance = _section(content, "acceptance")
    shared = _num(acceptance.get("shared_area_cm2"))
    areas = [
        r["area_cm2"]
        for r in _rows(content, "equipment", "train")
        if isinstance(r.get("area_cm2"), int | float)
    ]
    if shared is not None and areas and sum(areas) > shared:
        warnings.append(
            f"The total shared area ({plain(shared)} cm²) is less than the sum of the equipment "
            f"train's areas ({plain(sum(areas))} cm²): the limit per area is too high. Use at "
            "least the sum."
        )
    loq = _section(content, "analytics").get("loq")
    limit = next(iter(view.values.values()), None)
    loq_value = _quantity_in(str(loq or ""), limit["unit"] if limit else "")
    if limit and loq_value is not None and loq_value > Decimal(limit["value"]):
        warnings.append(
            f"The method's LOQ ({loq}) is above the limit ({plain(Decimal(limit['value']))} "
            f"{limit['unit']}): results at the limit cannot be quantified."
        )
    return warnings


def _quantity_in(text: str, unit: str) -> Decimal | None:
    """The number in `text` ("0.5 µg/swab") when it is stated in `unit`, else None."""
    match = re.fullmatch(r"\s*([0-9][0-9.,]*)\s*(\S+)\s*", text)
    if not match or not unit or match.group(2) != unit:
        return None
    try:
        return parse_number(match.group(1))
    except NumberError:
        return None


def _matrix(products, acceptance, organisation, safety) -> tuple[list[CalcView], object]:
    """Every previous -> next pair on the train, when there are several products, and the
    worst pair (None when there is no matrix)."""
    if len(products) < 2:
        return [], None
    try:
        matrix = calc.maco_matrix(
            [
                calc.Product(
                    name=str(p.get("name") or f"Product {i}"),
                    batch_size_kg=_num(p.get("batch_size_kg")),
                    max_daily_dose_mg=_num(p.get("max_dose_mg_day")),
                    pde_mg_per_day=_num(p.get("pde_mg_day")),
                    min_daily_dose_mg=_num(p.get("min_dose_mg_day")),
                )
                for i, p in enumerate(products, start=1)
            ],
            shared_area_cm2=_num(acceptance.get("shared_area_cm2")),
            dose_safety_factor=safety,
            ppm=qa_setting(organisation, "maco_ppm"),
        )
    except calc.CalculationError as exc:
        return [CalcView("MACO for every product change", error=_problem(exc))], None
    lines = [
        f"{pair.previous} → {pair.next}: {pair.selection.governing.result.display()} "
        f"({pair.selection.governing.title})"
        for pair in matrix.pairs
    ]
    worst = matrix.worst
    return [
        CalcView(
            "MACO for every product change (worst case governs)",
            lines=lines,
            result=f"Worst case {worst.previous} → {worst.next}: "
            f"{worst.selection.governing.result.display()}",
            values={
                "maco_worst_case": {
                    "value": str(worst.selection.governing.value),
                    "unit": worst.selection.governing.unit,
                }
            },
        )
    ], worst


@calculation("cleaning_agent")
def _cleaning_agent(content: dict, organisation: Organisation | None) -> list[CalcView]:
    """EU GMP Annex 15 §10.6: limits should be established for the removal of any cleaning
    agent used; its MACO is health-based on its own PDE / ADE, against the next product of the
    train with the smallest batch per daily dose (the worst case)."""
    cleaning = _section(content, "cleaning")
    agent = str(cleaning.get("agent") or "").strip()
    if not agent:
        return []
    title = f"Cleaning agent residue limit ({agent})"
    pde = _num(cleaning.get("agent_pde_mg_day"))
    if pde is None:
        return [
            CalcView(
                title,
                error=f"Give the PDE / ADE of {agent} (Cleaning section) to set its residue "
                "limit: EU GMP Annex 15 §10.6 asks for limits for every cleaning agent used.",
            )
        ]
    candidates = [
        p
        for p in _rows(content, "products", "products")
        if isinstance(p.get("batch_size_kg"), int | float)
        and isinstance(p.get("max_dose_mg_day"), int | float)
        and p["max_dose_mg_day"] > 0
    ]
    if not candidates:
        return [CalcView(title, error="Give each product's batch size and maximum daily dose.")]
    worst = min(candidates, key=lambda p: p["batch_size_kg"] / p["max_dose_mg_day"])
    try:
        maco = calc.maco_health_based(
            pde_prev_mg_per_day=pde,
            mbs_next_kg=worst["batch_size_kg"],
            tdd_next_mg_per_day=worst["max_dose_mg_day"],
        )
    except calc.CalculationError as exc:
        return [CalcView(title, error=_problem(exc))]
    view = _view(maco, title)
    view = replace(
        view,
        lines=[f"Next product (worst case): {worst.get('name')}", *view.lines],
        values={"cleaning_agent_maco": view.values[maco.key]},
    )
    views = [view]
    acceptance = _section(content, "acceptance")
    swab, shared = _num(acceptance.get("swab_area_cm2")), _num(acceptance.get("shared_area_cm2"))
    if swab is not None and shared is not None:
        try:
            limit = calc.swab_limit(
                maco_mg=maco,
                swab_area_cm2=swab,
                shared_area_cm2=shared,
                recovery_percent=_num(_section(content, "analytics").get("recovery_pct")),
            )
        except calc.CalculationError as exc:
            return [*views, CalcView(f"{agent}: limit per swab", error=_problem(exc))]
        swab_view = _view(limit, f"{agent}: limit per swab")
        views.append(
            replace(swab_view, values={"cleaning_agent_swab_limit": swab_view.values[limit.key]})
        )
    return views


# --- HVAC --------------------------------------------------------------------------------


@calculation("iso_limits")
def _iso_limits(content: dict, organisation: Organisation | None) -> list[CalcView]:
    """Each room's ISO 14644-1 class limits, the acceptance criteria of its classification:
    one per sampling location listed for the room (else one for the room's highest location
    average) and particle size the class is classified by, and the minimum number of
    locations for its floor area (Table A.1)."""
    counts: dict[str, list[str]] = {}
    for row in _rows(content, "particles", "counts"):
        where = str(row.get("location") or "").strip()
        room_id = str(row.get("room", "")).strip()
        if where and where not in counts.setdefault(room_id, []):
            counts[room_id].append(where)
    views, number = [], 0
    for room in _rows(content, "rooms", "rooms"):
        room_id, iso_class = str(room.get("room") or "").strip(), _num(room.get("iso_class"))
        if not room_id or iso_class is None:
            continue
        title = f"Acceptance limits, room {room_id} (ISO class {plain(iso_class)})"
        lines, found = [], []
        try:
            for size in ("0.5", "5"):
                cell = calc.iso_class_limit(iso_class, size)
                if not cell.applicable:
                    lines.append(f"≥{size} µm: not classified. {cell.reason}")
                    continue
                lines.append(f"≥{size} µm: not more than {cell.limit:,} particles/m³ per location")
                basis = f"{ISO}, Table 1, ISO class {plain(iso_class)} at ≥{size} µm"
                for where in counts.get(room_id) or [f"highest location average in {room_id}"]:
                    number += 1
                    label = f"Particles ≥{size} µm, {room_id}: {where}"
                    found.append(criteria.limit(f"particles-{number}", label, cell.limit,
                                                "particles/m³", basis))  # fmt: skip
            area = _num(room.get("area_m2"))
            if area is not None:
                locations = calc.minimum_sampling_locations(area_m2=area)
                lines.append(f"Sampling locations: at least {locations.value} "
                             f"({plain(area)} m², Table A.1)")  # fmt: skip
                number += 1
                found.append(criteria.limit(
                    f"locations-{number}", f"Sampling locations in {room_id}", locations.value,
                    "locations", f"{ISO}, Annex A, Table A.1 for {plain(area)} m²",
                    bound=criteria.MIN))  # fmt: skip
        except calc.CalculationError as exc:
            views.append(CalcView(title, error=_problem(exc)))
            continue
        views.append(CalcView(title, formula="Cn = 10^N × (0.1 / D)^2.08", lines=lines,
                              criteria=found))  # fmt: skip
    return views


ISO = "ISO 14644-1:2015"


@calculation("ach")
def _ach(content: dict, organisation: Organisation | None) -> list[CalcView]:
    lines, errors, failed, found = [], [], 0, []
    for n, room in enumerate(_rows(content, "rooms", "rooms"), start=1):
        flow, volume = _num(room.get("supply_m3h")), _num(room.get("volume_m3"))
        required = _num(room.get("ach_urs"))
        room_id = room.get("room", "?")
        if required is not None:
            found.append(criteria.limit(
                f"ach-{n}", f"Air changes per hour, {room_id}", required, "/h",
                "User requirement specification (URS) for the room", bound=criteria.MIN))  # fmt: skip
        if flow is None or volume is None:
            if required is not None:
                lines.append(f"{room_id}: URS requires ≥ {plain(required)} /h")
            continue
        try:
            result = calc.air_changes_per_hour(supply_airflow=flow, room_volume_m3=volume)
        except calc.CalculationError as exc:
            errors.append(f"{room_id}: {_problem(exc)}")
            continue
        line = f"{room_id}: {result.substituted} = {result.result.display()}"
        if required is not None:
            met = result.value >= Decimal(str(required))
            line += f"; URS requires ≥ {plain(required)} /h: {'met' if met else 'NOT MET'}"
            failed += not met
        lines.append(line)
    if not lines and not errors:
        return []
    return [
        CalcView(
            "Air changes per hour",
            formula="ACH = Q / V",
            lines=lines + errors,
            result=f"{failed} room(s) below the URS air change rate" if failed else "",
            criteria=found,
        )
    ]


@calculation("iso_classification")
def _iso(content: dict, organisation: Organisation | None) -> list[CalcView]:
    rooms = {str(r.get("room", "")).strip(): r for r in _rows(content, "rooms", "rooms")}
    counts: dict[str, list[dict]] = {}
    for row in _rows(content, "particles", "counts"):
        counts.setdefault(str(row.get("room", "")).strip(), []).append(row)
    views = []
    for room_id, rows in counts.items():
        room = rooms.get(room_id)
        title = f"ISO 14644-1 classification, room {room_id}"
        if room is None or _num(room.get("iso_class")) is None:
            views.append(CalcView(title, error=f"Room {room_id} needs an ISO class in Rooms."))
            continue
        try:
            locations, notes, short = _classifying_counts(rows, room["iso_class"])
        except calc.CalculationError as exc:
            views.append(CalcView(title, error=_problem(exc)))
            continue
        if not locations:
            error = "No counts at a size this class is classified by (≥0.5 µm)."
            views.append(CalcView(title, lines=notes, error=error))
            continue
        try:
            check = calc.cleanroom_counts_check(
                iso_class=room["iso_class"],
                locations=locations,
                area_m2=_num(room.get("area_m2")),
            )
        except calc.CalculationError as exc:
            views.append(CalcView(title, error=_problem(exc)))
            continue
        lines = [
            f"{r.location}, ≥{r.particle_size_um} µm: {r.average:,.0f} /m³ against "
            f"{r.limit:,} /m³: {'pass' if r.passed else 'FAIL'}"
            for r in check.locations
        ]
        if check.minimum_locations is not None:
            lines.append(
                f"Locations sampled: {len({r.location for r in check.locations})} "
                f"(minimum {check.minimum_locations} for the floor area)"
            )
        lines += list(check.notes) + notes
        views.append(
            CalcView(
                title,
                formula="Cn = 10^N × (0.1 / D)^2.08",
                lines=lines,
                result="Not classified: sample volume too small"
                if short
                else "Pass"
                if check.passed
                else "Fail",
            )
        )
    return views


def _classifying_counts(rows: list[dict], iso_class) -> tuple[list, list[str], bool]:
    """The counts that classify the room, notes on those that do not (a ≥5 µm count in
    ISO 5 is recorded, not classified: Table 1 footnote e), and whether a sample was too
    small to classify."""
    locations, notes, short = [], [], False
    for r in rows:
        where = str(r.get("location") or "?")
        for size, value in (("0.5", _num(r.get("count_05"))), ("5", _num(r.get("count_5")))):
            if value is None:
                continue
            limit = calc.iso_class_limit(iso_class, size)
            if not limit.applicable:
                notes.append(
                    f"{where}, ≥{size} µm: {plain(value)} /m³ recorded, not used to classify "
                    f"ISO {plain(iso_class)}. {limit.reason}"
                )
                continue
            locations.append(calc.LocationCounts(where, size, [value]))
            volume_note = _sample_volume_note(r, limit)
            short = short or bool(volume_note)
            notes += volume_note
    return locations, notes, short


def _sample_volume_note(row: dict, limit) -> list[str]:
    """ISO 14644-1 A.4.4: each sample at least 20 particles at the class limit of the
    largest size considered, Vs = 20 / Cn x 1000 L, and never under 2 L."""
    volume = _num(row.get("sample_l"))
    if volume is None:
        return []
    needed = max(Decimal(20) / Decimal(limit.limit) * 1000, Decimal(2))
    if Decimal(str(volume)) >= needed:
        return []
    return [
        f"{row.get('location') or '?'}: sample volume {plain(volume)} L is below the "
        f"{plain(needed.quantize(Decimal('0.1')))} L ISO 14644-1 A.4.4 asks for at "
        f"≥{plain(limit.particle_size_um)} µm (20 / Cn × 1000 L, at least 2 L): the count does "
        "not classify."
    ]


@calculation("pressure_cascade")
def _cascade(content: dict, organisation: Organisation | None) -> list[CalcView]:
    rooms = _rows(content, "rooms", "rooms")
    pressures = {
        str(r.get("room")).strip(): r["pressure_pa"]
        for r in rooms
        if _num(r.get("pressure_pa")) is not None and not _blank(r.get("room"))
    }
    steps = [
        (str(r.get("room")).strip(), str(r.get("flows_to")).strip())
        for r in rooms
        if not _blank(r.get("flows_to")) and not _blank(r.get("room"))
    ]
    if not steps:
        return []
    title = "Pressure cascade"
    minimum = _num(_section(content, "system").get("min_dp_pa"))
    if minimum is None:
        minimum = qa_setting(organisation, "min_pressure_differential_pa")
    if minimum is None:
        return [
            CalcView(
                title,
                error="Enter the minimum pressure differential (System section) or set it in "
                "your organisation's QA settings; Lumen does not assume one.",
            )
        ]
    try:
        check = calc.pressure_cascade_check(
            room_pressures_pa=pressures, cascade=steps, minimum_differential_pa=minimum
        )
    except calc.CalculationError as exc:
        return [CalcView(title, error=_problem(exc))]
    lines = [
        f"{s.cleaner} → {s.less_clean}: ΔP = {s.calculation.result.display()} "
        f"(minimum {s.minimum_pa} Pa): {s.status.value.replace('_', ' ')}"
        for s in check.steps
    ]
    found = [
        criteria.limit(f"dp-{n}", f"Pressure differential {s.cleaner} → {s.less_clean}",
                       s.minimum_pa, "Pa", f"Minimum differential between adjacent rooms "
                       f"({TRS_HVAC})", bound=criteria.MIN)
        for n, s in enumerate(check.steps, start=1)
    ]  # fmt: skip
    return [
        CalcView(
            title,
            formula="ΔP = P_cleaner − P_less_clean",
            lines=lines,
            result="Pass" if check.passed else "Fail",
            criteria=found,
        )
    ]


TRS_HVAC = "WHO TRS 1010 Annex 8 (2018)"


# --- Water -------------------------------------------------------------------------------


@calculation("water_plan")
def _water_plan(content: dict, organisation: Organisation | None) -> list[CalcView]:
    system = _section(content, "system")
    points = _rows(content, "points", "points")
    start = system.get("start_date")
    if _blank(start) or not points:
        return []
    use = [str(p["point"]) for p in points if p.get("type") == "Point of use" and p.get("point")]
    other = [str(p["point"]) for p in points if p.get("type") != "Point of use" and p.get("point")]
    title = "Sampling plan (three phases)"
    try:
        plan = calc.water_sampling_plan(
            start=dt.date.fromisoformat(str(start)),
            points_of_use=use,
            system_points=other,
            phase1_weeks=int(_num(system.get("phase1_weeks")) or 2),
            phase2_weeks=int(_num(system.get("phase2_weeks")) or 2),
        )
    except calc.CalculationError as exc:
        return [CalcView(title, error=_problem(exc))]
    except ValueError:
        return [CalcView(title, error="Phase 1 start date: enter a date as YYYY-MM-DD.")]
    lines = [
        f"Phase {p.number}: {p.start:%Y-%m-%d} to {p.end:%Y-%m-%d} ({p.days} days), "
        f"{p.frequency}; {p.total_samples} samples"
        for p in plan.phases
    ]
    return [
        CalcView(
            title,
            lines=[*lines, f"Reference: {plan.reference}"],
            result=f"{plan.total_samples} samples in all, ending {plan.end:%Y-%m-%d}",
        )
    ]


@calculation("water_acceptance")
def _water_acceptance(content: dict, organisation: Organisation | None) -> list[CalcView]:
    """The limits every sampling point is judged by when the protocol is executed: the
    pharmacopoeia's for the grade (pharma/calculators/water.py names each source), the
    protocol's own action levels where it sets them, and conductivity against the table for
    the water's temperature."""
    system = _section(content, "system")
    points = [
        str(p["point"]).strip()
        for p in _rows(content, "points", "points")
        if not _blank(p.get("point"))
    ]
    if not points:
        return []
    grade = str(system.get("grade") or "PW")
    book = str(system.get("pharmacopoeia") or "USP")
    title = f"Acceptance limits per sampling point ({grade}, {book})"
    try:
        limits = calc.compendial_limits(grade, book)
        for row in _rows(content, "limits", "limits"):  # the protocol's own limits win
            parameter = calc.WaterParameter(str(row.get("parameter", "")).lower())
            if _num(row.get("action")) is None or parameter == calc.WaterParameter.CONDUCTIVITY:
                continue
            default = limits.get(parameter)
            limits[parameter] = calc.WaterLimit(
                parameter,
                row.get("unit") or (default.unit if default else ""),
                row["action"],
                None,
                "Protocol action level",
            )
    except calc.CalculationError as exc:
        return [CalcView(title, error=_problem(exc))]
    except ValueError:
        return [CalcView(title, error="Each parameter in Tests and limits needs a known name.")]
    table = calc.conductivity_table(grade, book)
    by = {
        "label": "Water temperature",
        "unit": "°C",
        "low": 0,
        "high": 100,
        "rows": [[t, v] for t, v in table["rows"]],
        "interpolate": table["interpolate"],
        "source": table["source"],
    }
    stage = "stage 1; over it, stages 2 and 3 decide" if table["staged"] else "single stage"
    lines = [f"Conductivity: the limit for the water's temperature ({table['source']}, {stage})"]
    lines += [
        f"{limit.parameter.value.upper() if limit.parameter == calc.WaterParameter.TOC else limit.parameter.value.capitalize()}: "
        f"not more than {plain(limit.action)} {limit.unit} ({limit.source})"
        for limit in limits.values()
    ]  # fmt: skip
    conductivity_basis = table["source"]
    if table["staged"]:
        # Over stage 1 is not yet a failure of the water: the deviation it raises records
        # stages 2 and 3 (calculators.conductivity_stages_2_3) in its impact assessment.
        conductivity_basis += "; over the stage 1 limit, stages 2 and 3 decide"
    found, number = [], 0
    for point in points:
        number += 1
        found.append(criteria.limit(
            f"water-{number}", f"Conductivity at {point}", dict(table["rows"])[25], "µS/cm",
            conductivity_basis, by=by))  # fmt: skip
        for parameter, limit in limits.items():
            number += 1
            name = "TOC" if parameter == calc.WaterParameter.TOC else parameter.value.capitalize()
            found.append(criteria.limit(f"water-{number}", f"{name} at {point}", limit.action,
                                        limit.unit, limit.source))  # fmt: skip
    return [CalcView(title, lines=lines, criteria=found)]


@calculation("water_limits")
def _water_limits(content: dict, organisation: Organisation | None) -> list[CalcView]:
    results = _rows(content, "results", "results")
    if not results:
        return []
    system = _section(content, "system")
    grade = system.get("grade") or "PW"
    water_type = calc.judged_as(grade)
    book = system.get("pharmacopoeia") or "USP"
    conductivity = [r for r in results if str(r.get("parameter", "")).lower() == "conductivity"]
    others = [r for r in results if r not in conductivity]
    views = _water_results(content, organisation, others, grade, book) if others else []
    if conductivity:
        views.append(_conductivity(conductivity, water_type, book))
    if grade == "HPW" and views and book != calc.Pharmacopoeia.PH_EUR:  # Ph. Eur. 1927 has its own
        views[0] = replace(
            views[0], lines=["HPW is judged against the WFI limits.", *views[0].lines]
        )
    return views


def _conductivity(results: list[dict], water_type, book: str) -> CalcView:
    """Conductivity depends on temperature: each result against the limit for its own."""
    title = f"Conductivity against temperature ({book})"
    lines, staged, missing = [], 0, []
    for row in results:
        where = f"{row.get('point', '?')} {row.get('date', '')}".strip()
        if _num(row.get("temp_c")) is None or _num(row.get("value")) is None:
            missing.append(where)
            continue
        try:
            check = calc.conductivity_check(
                conductivity_us_cm=row["value"],
                temperature_c=row["temp_c"],
                water_type=water_type,
                pharmacopoeia=book,
            )
        except calc.CalculationError as exc:
            return CalcView(title, error=f"{where}: {_problem(exc)}")
        staged += not check.passed
        lines.append(
            f"{where}: {plain(check.value)} µS/cm at {plain(check.temperature_c)} °C against "
            f"{check.limit} µS/cm ({check.table_temperature}): {check.verdict}"
        )
    if missing:
        return CalcView(
            title,
            error=f"Give the water temperature of each conductivity result ({', '.join(missing)}):"
            " the limit depends on it.",
        )
    failing = "need stages 2 and 3" if book == "USP" or water_type == "WFI" else "above the limit"
    return CalcView(
        title,
        lines=[*lines, f"Reference: {check.source}"],
        result="All within the limit for their temperature"
        if not staged
        else f"{staged} result(s) {failing}",
    )


def _water_results(content, organisation, results, grade: str, book: str) -> list[CalcView]:
    """Routine results against the action limits of the protocol's own pharmacopoeia (a
    Ph. Eur. protocol's TOC in mg/L and its nitrates, not USP's), with the site's alert levels
    (each in the unit of the limit it goes with)."""
    title = "Results against alert and action levels"
    try:
        limits = calc.compendial_limits(grade, book)
        alerts = qa_setting(organisation, "water_alert_levels") or {}
        for name, alert in alerts.items():
            parameter = calc.WaterParameter(str(name).lower())
            if parameter == calc.WaterParameter.CONDUCTIVITY:
                continue  # judged against its temperature table instead
            if parameter not in limits:
                raise calc.CalculationError(
                    "water_alert_levels", f"no {book} {grade} limit for {parameter.value}."
                )
            limits[parameter] = replace(limits[parameter], alert=alert)
        for row in _rows(content, "limits", "limits"):  # the protocol's own limits win
            if _num(row.get("action")) is None:
                continue
            parameter = calc.WaterParameter(str(row.get("parameter", "")).lower())
            if parameter == calc.WaterParameter.CONDUCTIVITY:
                continue
            default = limits.get(parameter)
            limits[parameter] = calc.WaterLimit(
                parameter,
                row.get("unit") or (default.unit if default else ""),
                row["action"],
                _num(row.get("alert")),
                "Protocol",
            )
        assessment = calc.assess_water_results(
            [
                calc.WaterResult(
                    str(r.get("point")),
                    dt.date.fromisoformat(str(r.get("date"))),
                    str(r.get("parameter", "")).lower(),
                    r.get("value"),
                    limits[calc.WaterParameter(str(r.get("parameter", "")).lower())].unit,
                )
                for r in results
            ],
            limits,
        )
    except calc.CalculationError as exc:
        return [CalcView(title, error=_problem(exc))]
    except (ValueError, KeyError):
        return [
            CalcView(
                title,
                error="Cannot assess the results: every result needs a date (YYYY-MM-DD) and "
                "a parameter with a limit.",
            )
        ]
    lines = [
        f"{s.point} · {s.parameter.value}: {s.results} result(s), highest {s.highest} {s.unit}; "
        f"{s.alerts} alert, {s.actions} action"
        for s in assessment.summaries
    ]
    return [
        CalcView(
            title,
            lines=lines,
            result="Within action limits"
            if assessment.within_limits
            else f"{len(assessment.excursions)} excursion(s), including action-level results",
        )
    ]
