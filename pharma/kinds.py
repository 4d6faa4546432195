"""The QA document kinds, each declared once: its sections and fields (which drive the form),
its repeatable tables, the calculators it shows, and the required elements with the guidance
each comes from (which drive the compliance checklist and the PDF).

A document's content is one JSON object, ``{section_key: {field_key: value, table_key:
[{column_key: value}, ...]}}``, stored per revision. Field types are few on purpose: text,
textarea, number, date, choice.

Citations name the provision a requirement comes from. Where PHARMA_FACTS.md marks a value
UNVERIFIED (pressure differential minimums, alert levels), it is an organisation setting or
a field the author fills in, never a constant here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: str = "text"  # text | textarea | number | date | choice
    unit: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    # Plausibility range for numbers, in `unit`: a value outside is a typing or unit error
    # (a PDE of 1e14 mg/day), refused with the range rather than calculated with.
    low: float | None = None
    high: float | None = None
    # A percentage: 0.85 is refused as a fraction typed for 85 %, not read as 0.85 %.
    percent: bool = False


@dataclass(frozen=True)
class Table:
    """Repeatable rows: equipment trains, sampling points, rooms, results …"""

    key: str
    label: str
    columns: tuple[Field, ...]
    min_rows: int = 0
    help: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...] = ()
    tables: tuple[Table, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Element:
    """A required element: what an inspector expects to find, where Lumen's form holds it
    (`paths`, as "section.field" or "section.table"), the words that show it in an uploaded
    document (`terms`, regular expressions, any one of which marks it present), and the
    guidance it comes from."""

    key: str
    title: str
    source: str
    paths: tuple[str, ...]
    terms: tuple[str, ...]
    # Present, but thin without one of these (e.g. a hold time without a number of hours).
    detail_terms: tuple[str, ...] = ()
    # Where Lumen keeps it by design rather than in a field (no `paths`): every electronic
    # logbook entry carries its date, time and signed-in performer.
    built_in: str = ""


@dataclass(frozen=True)
class Check:
    """A pass/fail acceptance criterion the author states in the document, recorded as met
    or not when the document is executed (pharma/criteria.py). `path` is "section.field"
    (one criterion when the field is filled in) or "section.table" with `where` (one per row
    whose column `where[0]` holds `where[1]`, labelled from the row's cells)."""

    path: str
    label: str  # "Equipment visually clean", or "Visual inspection at {location}"
    key: str
    visual: bool = False
    where: tuple[str, str] | None = None
    also: str = ""  # a column printed in brackets after the label when filled in

    def criteria(self, content: dict) -> list[dict]:
        from pharma.criteria import check  # criteria reads kinds; imported when used

        section, _, name = self.path.partition(".")
        values = content.get(section) or {}
        if self.where is None:
            text = str(values.get(name) or "").strip()
            return [check(self.key, self.label, text[:300], visual=self.visual)] if text else []
        column, wanted = self.where
        found = []
        for number, row in enumerate(values.get(name) or [], start=1):
            if not isinstance(row, dict) or row.get(column) != wanted:
                continue
            cells = {k: str(v or "").strip() for k, v in row.items()}
            label = self.label.format_map(_Cells(cells, number))
            if self.also and cells.get(self.also):
                label += f" ({cells[self.also]})"
            found.append(check(f"{self.key}-{number}", label, wanted, visual=self.visual))
        return found


class _Cells(dict):
    """Row cells for a check's label: a blank cell reads as the row's number."""

    def __init__(self, cells: dict, number: int):
        super().__init__(cells)
        self.number = number

    def __missing__(self, key: str) -> str:
        return f"row {self.number}"

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key) or self.__missing__(key)


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    prefix: str  # document numbers: CVP-0001
    sections: tuple[Section, ...]
    elements: tuple[Element, ...]
    calculators: tuple[str, ...] = ()  # names the form and PDF show (see pharma/calculations)
    summary: str = ""
    # Pass/fail statements an execution records as met or not (the numeric criteria come
    # from the calculations that compute their limits: pharma/criteria.py).
    checks: tuple[Check, ...] = ()
    # Sections earlier versions of the kind had: never offered in the editor or required,
    # shown read-only on the revisions whose content still holds them (pharma/layout.py).
    retired_sections: tuple[Section, ...] = ()

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def missing(self, content: dict) -> list[str]:
        """What must be filled in before review: required fields, minimum rows, and required
        cells of the rows present."""
        missing = []
        for section in self.sections:
            values = content.get(section.key, {})
            for spec in section.fields:
                if spec.required and values.get(spec.key, "") in ("", None):
                    missing.append(f"{section.title}: {spec.label}")
            for table in section.tables:
                rows = values.get(table.key, [])
                if len(rows) < table.min_rows:
                    missing.append(
                        f"{section.title}: at least {table.min_rows} row(s) of {table.label}"
                    )
                for number, row in enumerate(rows, start=1):
                    for column in table.columns:
                        if column.required and row.get(column.key, "") in ("", None):
                            missing.append(
                                f"{section.title}: {table.label}, row {number}: {column.label}"
                            )
        return missing

    def empty_content(self) -> dict:
        return {
            s.key: {**{f.key: "" for f in s.fields}, **{t.key: [] for t in s.tables}}
            for s in self.sections
        }


def _f(key: str, label: str, type: str = "text", **kw) -> Field:
    return Field(key, label, type, **kw)


_PURPOSE = Section(
    "purpose",
    "Purpose and scope",
    fields=(
        _f("objective", "Objective", "textarea", required=True),
        _f("scope", "Scope", "textarea", required=True),
    ),
)
_RESPONSIBILITIES = Section(
    "responsibilities",
    "Responsibilities",
    tables=(
        Table(
            "people",
            "People responsible",
            (
                _f("role", "Role", required=True),
                _f("name", "Name"),
                _f("responsibility", "Responsibility", "textarea"),
            ),
            min_rows=1,
        ),
    ),
)
_REFERENCES = Section(
    "references", "References", fields=(_f("references", "Documents referred to", "textarea"),)
)
_CONCLUSION = Section(
    "conclusion",
    "Conclusion",
    fields=(_f("conclusion", "Conclusion and recommendations", "textarea"),),
)

WHO_CV = "WHO TRS 937 Annex 4, §4.1.3"
ANNEX15 = "EU GMP Annex 15 (2015), §10"

CLEANING_VALIDATION = Kind(
    key="cleaning_validation",
    title="Cleaning validation protocol",
    prefix="CVP",
    summary="Protocol to show that a cleaning procedure removes product residues, cleaning "
    "agents and micro-organisms from shared equipment to below justified limits.",
    calculators=("maco", "cleaning_agent"),
    checks=(
        Check("sampling.locations", "Visual inspection at {location}", "visual", visual=True,
              where=("method", "Visual"), also="equipment_id"),
        Check("acceptance.visual", "Equipment visually clean", "visual", visual=True),
    ),
    sections=(
        _PURPOSE,
        _RESPONSIBILITIES,
        Section(
            "equipment",
            "Equipment",
            tables=(
                Table(
                    "train",
                    "Equipment train (product-contact equipment)",
                    (
                        _f("equipment_id", "ID / serial", required=True),
                        _f("description", "Description", required=True),
                        _f("make_model", "Make and model"),
                        _f("material", "Contact material"),
                        _f("area_cm2", "Product-contact area", "number", unit="cm²", low=0, high=1e8),
                    ),
                    min_rows=1,
                ),
            ),
        ),
        Section(
            "products",
            "Products and worst case",
            fields=(_f("worst_case_rationale", "Worst-case rationale", "textarea"),),
            tables=(
                Table(
                    "products",
                    "Products made on the train",
                    (
                        _f("name", "Product", required=True),
                        _f("api", "Active ingredient"),
                        _f("pde_mg_day", "PDE / ADE", "number", unit="mg/day", low=1e-6, high=1e5),
                        _f("min_dose_mg_day", "Minimum daily therapeutic dose", "number", unit="mg/day", low=1e-6, high=1e5),
                        _f("max_dose_mg_day", "Maximum daily dose", "number", unit="mg/day", low=1e-6, high=1e5),
                        _f("batch_size_kg", "Minimum batch size", "number", unit="kg", low=1e-3, high=1e6),
                    ),
                    min_rows=1,
                ),
            ),
        ),
        Section(
            "cleaning",
            "Cleaning procedure",
            fields=(
                _f("sop", "Cleaning SOP reference", required=True),
                _f("agent", "Cleaning agent"),
                _f("agent_pde_mg_day", "Cleaning agent PDE / ADE", "number", unit="mg/day",
                   low=1e-6, high=1e5, help="Sets the agent's residue limit (Annex 15 §10.6)"),
                _f("method", "Method", "choice", choices=("Manual", "Semi-automated", "CIP")),
                _f("dirty_hold_h", "Dirty hold time (end of production to cleaning)", "number", unit="h"),
                _f("clean_hold_h", "Clean hold time (cleaning to next use)", "number", unit="h"),
                _f("runs", "Number of consecutive cleaning cycles", "number", required=True),
                _f("monitoring", "Routine monitoring (conductivity, pH, TOC)", "textarea"),
            ),
        ),
        Section(
            "sampling",
            "Sampling",
            tables=(
                Table(
                    "locations",
                    "Sampling locations",
                    (
                        _f("location", "Location", required=True),
                        _f("equipment_id", "Equipment"),
                        _f("method", "Method", "choice", choices=("Swab", "Rinse", "Visual")),
                        _f("area_cm2", "Swab area / rinse volume", "number"),
                        _f("rationale", "Rationale (hardest to clean …)", "textarea"),
                    ),
                    min_rows=1,
                ),
            ),
        ),
        Section(
            "analytics",
            "Analytical methods",
            fields=(
                _f("method", "Method (e.g. HPLC, TOC)", required=True),
                _f("lod", "Limit of detection (LOD)"),
                _f("loq", "Limit of quantitation (LOQ)"),
                _f("specificity", "Specificity", "textarea"),
                _f("recovery_pct", "Recovery (swab / rinse)", "number", unit="%", percent=True, high=100),
                _f("validation_ref", "Method validation report"),
            ),
        ),
        Section(
            "acceptance",
            "Acceptance criteria",
            help="MACO is calculated from the product table: health-based (PDE), 1/1000 of "
            "the minimum therapeutic dose, and 10 ppm; the lowest governs.",
            fields=(
                _f("previous_product", "Previous product (residue)"),
                _f("next_product", "Next product"),
                _f("shared_area_cm2", "Total shared product-contact area", "number", unit="cm²", low=1, high=1e8),
                _f("swab_area_cm2", "Area per swab", "number", unit="cm²", low=1, high=1e4),
                _f("rinse_volume_l", "Total rinse volume", "number", unit="L", low=1e-3, high=1e5),
                _f("safety_factor", "Safety factor (dose criterion)", "number", low=1, high=1e6),
                _f("visual", "Visually clean criterion", "textarea"),
                _f("micro", "Microbial limits (bioburden)", "textarea"),
                _f("rationale", "Rationale for the limits", "textarea", required=True),
            ),
        ),
        _REFERENCES,
    ),
    elements=(
        Element("objectives", "Objectives of the validation", WHO_CV, ("purpose.objective",),
                (r"\bobjectives?\b", r"\bpurpose\b")),
        Element("responsibilities", "People responsible for performing and approving", WHO_CV,
                ("responsibilities.people",), (r"responsib", r"approv\w+ by")),
        Element("equipment", "Equipment description (list, make, model, serial)", WHO_CV,
                ("equipment.train",), (r"\bequipment\b",), (r"serial|model|\bID\b",)),
        Element("dirty_hold", "Dirty hold time", WHO_CV, ("cleaning.dirty_hold_h",),
                (r"dirty[- ]hold", r"end of (production|manufactur\w+).{0,40}clean"),
                (r"\d+\s*(h|hours?)\b",)),
        Element("clean_hold", "Clean hold time", WHO_CV, ("cleaning.clean_hold_h",),
                (r"clean[- ]hold", r"between cleaning and (use|reuse)"), (r"\d+\s*(h|hours?|days?)\b",)),
        Element("bioburden", "Bioburden levels", WHO_CV, ("acceptance.micro",),
                (r"bioburden", r"microbial", r"\bcfu\b")),
        Element("procedure", "Cleaning procedure (SOP) per product and equipment", WHO_CV,
                ("cleaning.sop",), (r"cleaning (procedure|sop|method)", r"\bSOP\b")),
        Element("monitoring", "Routine monitoring equipment (conductivity, pH, TOC)", WHO_CV,
                ("cleaning.monitoring",), (r"conductivity", r"\bTOC\b", r"\bpH\b")),
        Element("runs", "Number of consecutive cleaning cycles", WHO_CV, ("cleaning.runs",),
                (r"consecutive", r"(three|3) (successful )?(runs|cycles|batches)")),
        Element("sampling", "Sampling procedures and locations with rationale", WHO_CV,
                ("sampling.locations",), (r"\bswab", r"\brinse\b", r"sampling (location|point|procedure)"),
                (r"rationale|worst[- ]case|hardest",)),
        Element("recovery", "Recovery study data", WHO_CV, ("analytics.recovery_pct",),
                (r"recover(y|ies)",), (r"\d+\s*%",)),
        Element("analytical", "Analytical methods with specificity, LOD and LOQ", WHO_CV,
                ("analytics.method", "analytics.lod", "analytics.loq"),
                (r"analytical method", r"\bHPLC\b", r"\bLOQ\b", r"limit of quantitation"),
                (r"\bLOD\b|limit of detection", r"\bLOQ\b|limit of quantitation")),
        Element("validated_methods", "Analytical methods validated before the study",
                "PIC/S PI 006; EU GMP Annex 15", ("analytics.validation_ref",),
                (r"method validation", r"validated (analytical )?method")),
        Element("acceptance", "Acceptance criteria with rationale", WHO_CV,
                ("acceptance.rationale",), (r"acceptance criteri",), (r"rationale|justif",)),
        Element("hbel", "Limits based on health-based exposure limits (PDE/ADE)", ANNEX15,
                ("products.products", "acceptance.rationale"),
                (r"\bPDE\b", r"\bADE\b", r"health[- ]based", r"\bHBEL\b", r"permitted daily exposure")),
        Element("maco", "Carry-over limit (MACO) calculation", "FDA Guide to Inspections: "
                "Validation of Cleaning Processes (1993); APIC cleaning validation guide",
                ("acceptance.shared_area_cm2",), (r"\bMACO\b", r"carry[- ]?over"),
                (r"\bmg\b|µg|\bug\b",)),
        Element("visual", "Visual inspection, not used alone", "EU GMP Annex 15 (2015), §10.2",
                ("acceptance.visual",), (r"visual(ly)? clean", r"visual inspection")),
    ),
)  # fmt: skip

E_LOGBOOK = (
    "Electronic logbook: every entry is appended with the date and time it happened, the "
    "server's time of recording and the signed-in performer, in order; checked by a second "
    "person's verification"
)

LOGBOOK = Kind(
    key="manufacturing_logbook",
    title="Manufacturing equipment logbook",
    prefix="LOG",
    summary="Chronological record of use, cleaning, maintenance and calibration of one piece "
    "of equipment or area. The entries are kept in the electronic logbook, one signed, "
    "server-timed entry at a time; this document identifies the equipment.",
    sections=(
        Section(
            "identification",
            "Equipment or area",
            fields=(
                _f("equipment_id", "Equipment / area ID", required=True),
                _f("description", "Description", required=True),
                _f("location", "Location / room"),
                _f("period", "Period covered"),
            ),
        ),
        _REFERENCES,
    ),
    # Before the electronic logbook, entries were typed into a table of this document (free
    # text, no signature, no server time). Revisions that hold such rows still show them,
    # read-only; migration 0007 copied them into the logbook as legacy rows.
    retired_sections=(
        Section(
            "entries",
            "Entries typed before the electronic logbook (legacy, read-only)",
            help="Typed into the document's table: not signed, no server time. New entries "
            "are recorded in the electronic logbook.",
            tables=(
                Table(
                    "entries",
                    "Log entries (legacy)",
                    (
                        _f("date", "Date", "date"),
                        _f("time", "Time"),
                        _f("activity", "Activity"),
                        _f("product", "Product"),
                        _f("batch", "Batch / lot number"),
                        _f("performed_by", "Performed by (as typed)"),
                        _f("checked_by", "Checked by (as typed)"),
                        _f("remarks", "Remarks", "textarea"),
                    ),
                ),
            ),
        ),
    ),
    elements=(
        Element("identification", "Equipment identification", "21 CFR 211.182; 211.105",
                ("identification.equipment_id",), (r"equipment (id|identification|no)", r"\basset\b")),
        Element("dates", "Date and time of each use, cleaning and maintenance", "21 CFR 211.182",
                (), (r"\bdate\b",), (r"\btime\b",), built_in=E_LOGBOOK),
        Element("product_batch", "Product and lot number of each batch processed", "21 CFR 211.182",
                (), (r"\bbatch\b", r"\blot\b"), built_in=E_LOGBOOK),
        Element("cleaning", "Cleaning and maintenance recorded", "21 CFR 211.182; 211.67",
                (), (r"cleaning", r"maintenance"), built_in=E_LOGBOOK),
        Element("persons", "Persons performing and checking the work", "21 CFR 211.182",
                (), (r"performed by", r"operator", r"done by"),
                (r"checked by|verified by|reviewed by",), built_in=E_LOGBOOK),
        Element("chronology", "Entries in chronological order", "21 CFR 211.182; EU GMP Ch. 4 §4.31",
                (), (r"chronolog", r"in (the )?order"), built_in=E_LOGBOOK),
    ),
)  # fmt: skip

ISO = "ISO 14644-1:2015"
TRS_HVAC = "WHO TRS 1010 Annex 8 (2018)"

HVAC = Kind(
    key="hvac_qualification",
    title="HVAC inspection and qualification report",
    prefix="HVAC",
    summary="Qualification of an air-handling system and the rooms it serves: classification "
    "by particle counts, air changes, pressure cascade, filters, recovery.",
    calculators=("iso_limits", "ach", "iso_classification", "pressure_cascade"),
    checks=(
        Check("tests.filter_integrity", "HEPA filter integrity (leak test)", "filters"),
        Check("tests.airflow_pattern", "Airflow visualisation", "airflow"),
        Check("tests.recovery", "Recovery test", "recovery"),
        Check("tests.temp_rh", "Temperature and relative humidity", "temp-rh"),
    ),
    sections=(
        _PURPOSE,
        Section(
            "system",
            "System",
            fields=(
                _f("ahu", "Air-handling unit ID", required=True),
                _f("description", "System description", "textarea"),
                _f("occupancy", "Occupancy state tested", "choice",
                   choices=("As built", "At rest", "Operational")),
                _f("min_dp_pa", "Minimum pressure differential between adjacent rooms", "number", unit="Pa",
                   help="Your organisation's requirement; Lumen does not assume a value."),
            ),
        ),
        Section(
            "rooms",
            "Rooms",
            tables=(
                Table(
                    "rooms",
                    "Rooms served",
                    (
                        _f("room", "Room ID", required=True),
                        _f("name", "Name"),
                        _f("iso_class", "ISO class", "number", required=True, low=1, high=9),
                        _f("area_m2", "Floor area", "number", unit="m²", low=0.1, high=1e5),
                        _f("volume_m3", "Volume", "number", unit="m³", low=0.1, high=1e6),
                        _f("supply_m3h", "Supply airflow", "number", unit="m³/h", low=0, high=1e7),
                        _f("pressure_pa", "Pressure", "number", unit="Pa", low=-1000, high=1000),
                        _f("ach_urs", "Air changes required (URS)", "number", unit="/h",
                           low=0, high=1000),
                        _f("flows_to", "Air flows to (less clean room)"),
                    ),
                    min_rows=1,
                ),
            ),
        ),
        Section(
            "particles",
            "Airborne particle counts",
            tables=(
                Table(
                    "counts",
                    "Counts per location (average of samples)",
                    (
                        _f("room", "Room ID", required=True),
                        _f("location", "Location", required=True),
                        _f("count_05", "≥0.5 µm", "number", unit="/m³", low=0, high=1e10),
                        _f("count_5", "≥5 µm", "number", unit="/m³", low=0, high=1e10),
                        _f("sample_l", "Sample volume", "number", unit="L", low=0, high=1e5),
                    ),
                ),
            ),
        ),
        Section(
            "tests",
            "Other tests",
            fields=(
                _f("filter_integrity", "HEPA filter integrity (leak test)", "textarea"),
                _f("airflow_pattern", "Airflow visualisation", "textarea"),
                _f("recovery", "Recovery test", "textarea"),
                _f("temp_rh", "Temperature and relative humidity", "textarea"),
            ),
        ),
        _CONCLUSION,
        _REFERENCES,
    ),
    elements=(
        Element("classification", "Cleanliness classification by particle concentration", ISO,
                ("particles.counts", "rooms.rooms"), (r"ISO (class )?\d", r"particle"), (r"0\.5\s*µ?m|0\.5 ?um",)),
        Element("locations", "Number and position of sampling locations", f"{ISO}, Annex A.4",
                ("particles.counts",), (r"sampling location", r"location"), (r"\d+ locations?",)),
        Element("occupancy", "Occupancy state (as built, at rest, operational)", ISO,
                ("system.occupancy",), (r"at rest", r"as[- ]built", r"operational|in operation")),
        Element("pressure", "Pressure differentials and airflow direction", f"{TRS_HVAC}, §7",
                ("rooms.rooms", "system.min_dp_pa"), (r"pressure differential", r"\bPa\b", r"pressure cascade")),
        Element("air_changes", "Air change rates / airflow volumes", f"{TRS_HVAC}; ISO 14644-3",
                ("rooms.rooms",), (r"air changes?", r"\bACH\b", r"airflow (volume|rate)")),
        Element("filters", "HEPA filter integrity test", "ISO 14644-3; EU GMP Annex 1 (2022)",
                ("tests.filter_integrity",), (r"HEPA", r"filter integrity", r"leak test")),
        Element("airflow", "Airflow visualisation", "ISO 14644-3; EU GMP Annex 1 (2022)",
                ("tests.airflow_pattern",), (r"airflow visuali[sz]", r"smoke (test|study)")),
        Element("recovery", "Recovery (clean-up) test", "ISO 14644-3", ("tests.recovery",),
                (r"recovery",)),
        Element("temp_rh", "Temperature and humidity", f"{TRS_HVAC}, §8", ("tests.temp_rh",),
                (r"temperature", r"humidity|\bRH\b")),
        Element("qualification", "Qualification stages and conclusion", f"{TRS_HVAC}, §12",
                ("conclusion.conclusion",), (r"conclu", r"qualification")),
    ),
)  # fmt: skip

WHO_WATER = "WHO TRS 970 Annex 2 (water for pharmaceutical use)"

WATER = Kind(
    key="water_validation",
    title="Water system validation protocol",
    prefix="WSV",
    summary="Three-phase performance qualification of a purified water or water-for-injection "
    "system: sampling plan, limits and results.",
    calculators=("water_plan", "water_acceptance", "water_limits"),
    sections=(
        _PURPOSE,
        _RESPONSIBILITIES,
        Section(
            "system",
            "System description",
            fields=(
                _f("grade", "Water grade", "choice", required=True, choices=("PW", "WFI", "HPW")),
                _f("pharmacopoeia", "Pharmacopoeia the limits come from", "choice",
                   choices=("USP", "Ph. Eur."), help="USP unless chosen"),
                _f("generation", "Generation (e.g. RO/EDI, distillation)", "textarea", required=True),
                _f("storage", "Storage and distribution loop", "textarea"),
                _f("start_date", "Phase 1 start date", "date"),
                _f("phase1_weeks", "Phase 1 duration", "number", unit="weeks", help="2 to 4 weeks", low=2, high=4),
                _f("phase2_weeks", "Phase 2 duration", "number", unit="weeks", help="2 to 4 weeks", low=2, high=4),
            ),
        ),
        Section(
            "points",
            "Sampling points",
            tables=(
                Table(
                    "points",
                    "Sampling points",
                    (
                        _f("point", "Point ID", required=True),
                        _f("location", "Location"),
                        _f("type", "Type", "choice",
                           choices=("Feed water", "After treatment step", "Storage", "Point of use")),
                    ),
                    min_rows=1,
                ),
            ),
        ),
        Section(
            "limits",
            "Tests and limits",
            tables=(
                Table(
                    "limits",
                    "Parameters",
                    (
                        _f("parameter", "Parameter", "choice", required=True,
                           choices=("TOC", "Conductivity", "Bioburden", "Endotoxin", "Nitrate")),
                        _f("alert", "Alert level", "number"),
                        _f("action", "Action level", "number"),
                        _f("unit", "Unit"),
                        _f("method", "Method (e.g. USP <643>)"),
                    ),
                    min_rows=1,
                ),
            ),
        ),
        Section(
            "results",
            "Results",
            tables=(
                Table(
                    "results",
                    "Results",
                    (
                        _f("point", "Point ID", required=True),
                        _f("date", "Date", "date", required=True),
                        _f("parameter", "Parameter", "choice", required=True,
                           choices=("TOC", "Conductivity", "Bioburden", "Endotoxin", "Nitrate")),
                        _f("value", "Value", "number", required=True),
                        _f("temp_c", "Water temperature (conductivity)", "number", unit="°C",
                           low=0, high=100),
                    ),
                ),
            ),
        ),
        _CONCLUSION,
        _REFERENCES,
    ),
    elements=(
        Element("description", "System description (generation, storage, distribution)", "USP <1231> §4.2",
                ("system.generation",), (r"reverse osmosis|\bRO\b|distillation|\bEDI\b", r"distribution")),
        Element("phases", "Three-phase approach (phase 1, 2 and 3)", WHO_WATER,
                ("system.phase1_weeks", "system.phase2_weeks"), (r"phase (1|I|one)\b",),
                (r"phase (3|III|three)\b",)),
        Element("points", "Sampling points incl. every point of use", WHO_WATER,
                ("points.points",), (r"point[s]? of use", r"sampling point")),
        Element("frequency", "Sampling frequency (daily in phases 1 and 2)", WHO_WATER,
                ("system.start_date",), (r"\bdaily\b", r"frequency")),
        Element("toc", "TOC limit", "USP <643>", ("limits.limits",), (r"\bTOC\b", r"total organic carbon")),
        Element("conductivity", "Conductivity limit", "USP <645>", ("limits.limits",), (r"conductivity",)),
        Element("microbial", "Microbial alert and action levels", "USP <1231>",
                ("limits.limits",), (r"\bcfu\b", r"microbial|bioburden"), (r"alert", r"action")),
        Element("endotoxin", "Endotoxin limit (WFI)", "USP <85>; WFI monograph", ("limits.limits",),
                (r"endotoxin", r"\bEU/mL\b")),
        Element("results", "Results and evaluation", WHO_WATER, ("results.results", "conclusion.conclusion"),
                (r"results?",), (r"conclu|evaluat",)),
    ),
)  # fmt: skip

SOP = Kind(
    key="sop",
    title="Standard operating procedure",
    prefix="SOP",
    summary="A written procedure: what is done, by whom, how, and which records it leaves.",
    sections=(
        _PURPOSE,
        _RESPONSIBILITIES,
        Section(
            "definitions", "Definitions", fields=(_f("definitions", "Terms and abbreviations", "textarea"),)
        ),
        Section(
            "materials",
            "Materials and equipment",
            fields=(_f("materials", "Materials and equipment", "textarea"),),
        ),
        Section(
            "procedure",
            "Procedure",
            tables=(
                Table(
                    "steps",
                    "Steps",
                    (_f("step", "Step", "textarea", required=True), _f("by", "Performed by")),
                    min_rows=1,
                ),
            ),
        ),
        Section("safety", "Safety", fields=(_f("safety", "Safety precautions", "textarea"),)),
        Section(
            "records",
            "Records and training",
            fields=(
                _f("records", "Records produced", "textarea"),
                _f("training", "Training required", "textarea"),
            ),
        ),
        _REFERENCES,
    ),
    elements=(
        Element("purpose", "Purpose and scope", "EU GMP Part I, Chapter 4 (Documentation)",
                ("purpose.objective", "purpose.scope"), (r"\bpurpose\b", r"\bscope\b")),
        Element("responsibilities", "Responsibilities", "EU GMP Part I, Chapter 4",
                ("responsibilities.people",), (r"responsib",)),
        Element("procedure", "Step-by-step procedure", "21 CFR 211.100(a); EU GMP Ch. 4 §4.29",
                ("procedure.steps",), (r"\bprocedure\b",), (r"^\s*\d+[.)]|step \d",)),
        Element("equipment", "Materials and equipment", "EU GMP Part I, Chapter 4",
                ("materials.materials",), (r"materials?", r"equipment")),
        Element("records", "Records to complete", "21 CFR 211.100(b); EU GMP Ch. 4",
                ("records.records",), (r"records?",)),
        Element("training", "Training", "21 CFR 211.25", ("records.training",), (r"training",)),
        Element("references", "References", "EU GMP Part I, Chapter 4", ("references.references",),
                (r"references?",)),
    ),
)  # fmt: skip

KINDS: dict[str, Kind] = {k.key: k for k in (CLEANING_VALIDATION, LOGBOOK, HVAC, WATER, SOP)}
CHOICES = [(k.key, k.title) for k in KINDS.values()]


def get(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise LookupError(f"Unknown document kind {key!r}") from None


__all__ = ["CHOICES", "KINDS", "Element", "Field", "Kind", "Section", "Table", "get"]
