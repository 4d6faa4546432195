"""Compliance checking: does a QA document hold the elements its kind requires?

Two inputs, one report. An uploaded file (PDF, DOCX or plain text) becomes passages of text
(`extract_text`) checked against each element's `terms` and `detail_terms` (`check_text`);
one of Lumen's own documents is checked field by field through each element's `paths`
(`check_content`). Both give a `Report`: every required element of the kind, in declaration
order, as present, weak or missing, with where it was found, a snippet and the guidance it
comes from.

Reading, not keyword spotting: a term in a clause that denies it ("no PDE", "No records are
needed", "Training: not needed") does not count; one put off ("will be established", "to be
defined") is weak. An uploaded document is also checked for the elements of document control
(`DOCUMENT_CONTROL`) and for numbers that contradict each other (a stated swab limit above what
the stated MACO and areas allow, `consistency`), in the same report format.

The findings are rule-based and repeatable. Suggestions from a language model (`suggest`)
are optional, separate, and never change a finding or the score.

Uploads are read in memory and never stored; their bytes are parsed in a child process under
CPU, memory and wall-clock limits (`pharma.upload_text` in `pharma.upload_process`). Every way
a file can be refused raises `ComplianceInputError`, whose message is safe to show to the
user; `UploadTooComplex` when reading it hit a limit.
"""

# ruff: noqa: RUF001, RUF002 - the swab-limit arithmetic is printed with multiplication signs

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pharma.kinds import Element, Kind
from pharma.upload_process import Limits, read_in_child
from pharma.upload_text import (
    ComplianceInputError,
    Passage,
    UploadTooComplex,
)

PRESENT, WEAK, MISSING = "present", "weak", "missing"
# Stated, but contradicted by the document's own numbers: counts as nothing in the score.
CONTRADICTED = "contradicted"

# The upload limit and the reading process's limits are settings (LUMEN_COMPLIANCE_*); the
# limits on the work of reading one file are in pharma.upload_text.
DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024
SNIPPET_CHARS = 160
NEAR_CHARS = 300  # how far from a term its detail may be and still count as "near"
MAX_MATCHES = 500  # term matches examined per element: bounds the work on a huge text


class Upload(Protocol):
    """What `extract_text` needs: Django's UploadedFile fits, so does any named file object."""

    name: str
    size: int | None

    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Finding:
    element: Element
    status: str  # PRESENT | WEAK | MISSING
    where: str = ""
    snippet: str = ""
    note: str = ""  # why an element is weak or missing, in a sentence


@dataclass(frozen=True)
class Report:
    kind: Kind
    findings: tuple[Finding, ...]
    subject: str  # the file name or the document's number and title

    def count(self, status: str) -> int:
        return sum(1 for f in self.findings if f.status == status)

    @property
    def present(self) -> int:
        return self.count(PRESENT)

    @property
    def weak(self) -> int:
        return self.count(WEAK)

    @property
    def missing(self) -> int:
        return self.count(MISSING)

    @property
    def score(self) -> int:
        """(present + ½ weak) / all elements, as a whole percentage."""
        if not self.findings:
            return 0
        return round(100 * (self.present + 0.5 * self.weak) / len(self.findings))

    @property
    def gaps(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status != PRESENT)


@dataclass(frozen=True)
class Suggestions:
    text: str = ""
    notice: str = ""  # shown instead of (or beside) the text when generation failed


# --- reading files -------------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(getattr(settings, "LUMEN_COMPLIANCE_MAX_UPLOAD", DEFAULT_MAX_UPLOAD))


def extract_text(upload: Upload) -> list[Passage]:
    """The text of a PDF, DOCX or plain-text upload as passages, read in memory.

    The size is checked here; the bytes are parsed in a child process under CPU, memory and
    wall-clock limits (`pharma.upload_process`). The type is decided by the content (magic
    bytes), not the name; a name that claims a type the content is not is refused. Raises
    ComplianceInputError for an empty, too large, unreadable, encrypted, image-only or
    unsupported file, and its subclass UploadTooComplex when reading hit a limit.
    """
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ComplianceInputError(_too_big(limit))
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ComplianceInputError(_too_big(limit))
    if not data.strip():
        raise ComplianceInputError("The file is empty.")
    name = (upload.name or "").lower()
    claimed = next((t for t in ("pdf", "docx") if name.endswith(f".{t}")), "")
    return read_in_child(data, claimed, reading_limits())


def reading_limits() -> Limits:
    """The child process's limits, from settings (LUMEN_COMPLIANCE_*)."""
    return Limits(
        cpu_seconds=settings.LUMEN_COMPLIANCE_CPU_SECONDS,
        memory_bytes=settings.LUMEN_COMPLIANCE_MEMORY_MB * 1024 * 1024,
        wall_seconds=settings.LUMEN_COMPLIANCE_WALL_SECONDS,
    )


def _too_big(limit: int) -> str:
    return f"The file is larger than {limit / (1024 * 1024):g} MB, the most Lumen checks."


# --- checking ------------------------------------------------------------------------------


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.MULTILINE)


def _flat(text: str) -> str:
    # PDF extraction breaks lines mid-phrase ("dirty\nhold time"); terms match across them.
    return re.sub(r"\s+", " ", text)


def _snippet(text: str, start: int, end: int) -> str:
    margin = max(0, (SNIPPET_CHARS - (end - start)) // 2)
    lo, hi = max(0, start - margin), min(len(text), end + margin)
    snippet = text[lo:hi].strip()
    return f"{'…' if lo > 0 else ''}{snippet}{'…' if hi < len(text) else ''}"


def check_text(kind: Kind, passages: list[Passage], *, subject: str = "") -> Report:
    """Each required element of `kind`, found in the passages by its terms.

    Present: a term matches and, if the element has detail terms, one of them matches within
    NEAR_CHARS of it (in the same passage or the start of the next, so a heading followed by
    its paragraph counts; a line-anchored detail such as numbered steps, anywhere in the
    passage). Weak: a term matches but no detail term is near any match.
    Missing: no term matches anywhere. The location and snippet are the first match with its
    detail, else the first match.
    """
    flats = [_flat(p.text) for p in passages]
    elements = (*kind.elements, *DOCUMENT_CONTROL)
    findings = [_find(e, passages, flats) for e in elements]
    if kind.key == "cleaning_validation":
        findings += consistency(passages)
    return Report(kind=kind, findings=tuple(findings), subject=subject)


def _find(element: Element, passages: list[Passage], flats: list[str]) -> Finding:
    terms = [_compile(t) for t in element.terms]
    details = [_compile(t) for t in element.detail_terms]
    first: Finding | None = None
    denied: Finding | None = None
    looked = 0
    for i, passage in enumerate(passages):
        for term in terms:
            # Flattened text, unless the term anchors on line starts (numbered steps).
            text = passage.text if "^" in term.pattern else flats[i]
            for match in term.finditer(text):
                looked += 1
                if looked > MAX_MATCHES and (first or denied) is not None:
                    return first or denied
                snippet = _snippet(text, match.start(), match.end())
                reading = _reading(element, text, match)
                if reading == "denied":
                    denied = denied or Finding(
                        element, MISSING, passage.where, snippet,
                        note="Mentioned only to say it is not done or not needed.",
                    )  # fmt: skip
                    continue
                if reading:
                    first = first or Finding(element, WEAK, passage.where, snippet, note=reading)
                    continue
                if not details:
                    return Finding(element, PRESENT, passage.where, snippet)
                lo = max(0, match.start() - NEAR_CHARS)
                hi = match.end() + NEAR_CHARS
                for detail in details:
                    if near := detail.search(text, lo, hi):
                        # The snippet shows the term and its detail together.
                        start = min(match.start(), near.start())
                        end = max(match.end(), near.end())
                        snippet = _snippet(text, start, end)
                        return Finding(element, PRESENT, passage.where, snippet)
                # Detail in the next passage's start (a heading, then its paragraph), or a
                # line-anchored detail anywhere in the raw passage (numbered steps).
                after = flats[i + 1][:NEAR_CHARS] if i + 1 < len(flats) else ""
                raw_after = passages[i + 1].text[:NEAR_CHARS] if i + 1 < len(passages) else ""
                if any(d.search(after) for d in details) or any(
                    d.search(passage.text) or d.search(raw_after)
                    for d in details
                    if "^" in d.pattern
                ):
                    return Finding(element, PRESENT, passage.where, snippet)
                if first is None:
                    first = Finding(
                        element,
                        WEAK,
                        passage.where,
                        snippet,
                        note="Mentioned, but without the detail expected near it.",
                    )
    if first is not None:
        return first
    if denied is not None:
        return denied
    return Finding(element, MISSING, note="Not found in the document.")


# --- document control and numbers ------------------------------------------------------------

CH4 = "EU GMP Part I, Chapter 4 (Documentation)"
_DATE = r"\d{4}-\d{2}-\d{2}|\d{1,2}[./ -](\d{1,2}|[A-Za-z]{3,9})[./ -]\d{2,4}"

# What every controlled document carries, whatever its kind (checked in uploads; Lumen's own
# documents carry these as record fields).
DOCUMENT_CONTROL: tuple[Element, ...] = (
    Element("doc_number", "Document number (unique identification)", f"{CH4} §4.3", (),
            (r"\b(document|doc\.?|sop|protocol|record)\s*(no\b\.?|number|#|id\b)",
             r"\b[A-Z]{2,6}(-[A-Z]{2,6})?-\d{2,6}\b")),
    Element("version", "Version or revision number", f"{CH4} §4.3", (),
            (r"\b(version|revision|rev\.?|issue)\s*(no\b\.?|number)?\s*:?\s*\d",
             r"\bv\d+(\.\d+)?\b")),
    Element("effective_date", "Effective date", f"{CH4} §4.3", (),
            (r"\beffective\b",), (_DATE,)),
    Element("approvals", "Approval signatures with names and dates", f"{CH4} §4.3; "
            "21 CFR 211.100(a)", (), (r"\bapproved by\b", r"\bapprov\w+\s*:", r"\bsignature"),
            (_DATE,)),
    Element("review_period", "Periodic review date or interval", f"{CH4} §4.5", (),
            (r"periodic review", r"\breview (date|period|interval|frequency)",
             r"\bnext review", r"\breviewed every"),
            (r"\d+\s*(years?|months?)|" + _DATE,)),
    Element("numbered_steps", "Numbered sections or steps", f"{CH4} §4.29; 21 CFR 211.100(a)",
            (), (r"^\s*\d+(\.\d+)*[.)]\s+\S",)),
)  # fmt: skip

CONSISTENCY = Element(
    "consistency_swab",
    "Swab limit consistent with the MACO and the areas",
    "APIC Guidance on aspects of cleaning validation in API plants (2021), §4; "
    "EU GMP Annex 15 (2015), §10.6",
    (),
    (),
)
CONSISTENCY_AREA = Element(
    "consistency_area",
    "Limit per area consistent with the MACO and the shared area",
    CONSISTENCY.source,
    (),
    (),
)
_NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)"
_MASS = {"g": Decimal(1000), "mg": Decimal(1), "µg": Decimal("0.001"), "ug": Decimal("0.001")}
_MACO = re.compile(rf"\bMACO\b[^.;\n]{{0,80}}?{_NUMBER}\s*(mg|g|µg|ug)\b", re.IGNORECASE)
_SWAB_LIMIT = re.compile(
    rf"{_NUMBER}\s*(µg|ug|mg)\s*(?:/|per|each)\s*swab"
    rf"|(?:swab limit|limit per swab)[^.;\n]{{0,40}}?{_NUMBER}\s*(µg|ug|mg)\b",
    re.IGNORECASE,
)
_TOTAL_AREA = re.compile(
    rf"(?:shared|total|product[- ]contact)[^.;\n]{{0,60}}?(?:area|surface)[^.;\n]{{0,30}}?"
    rf"{_NUMBER}\s*cm(?:²|2)\b",
    re.IGNORECASE,
)
_SURFACE_LIMIT = re.compile(rf"{_NUMBER}\s*(µg|ug|mg)\s*(?:/|per)\s*cm(?:²|2)\b", re.IGNORECASE)
_SWAB_AREA = re.compile(
    rf"(?:swab(?:bed)? area|area (?:per|of each|of one|of the) swab|each swab (?:covers|samples))"
    rf"[^.;\n]{{0,30}}?{_NUMBER}\s*cm(?:²|2)\b|{_NUMBER}\s*cm(?:²|2)\s*(?:per|each)\s*swab",
    re.IGNORECASE,
)


def _decimal(text: str) -> Decimal:
    """A number as written in a document: "1,000" and "1,000.5" with thousands commas, "0,5"
    with a decimal comma."""
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    return Decimal(text.replace(",", "."))


def _first(pattern: re.Pattern[str], passages: list[Passage]):
    """(number, unit, where, snippet) of the first match of `pattern`, or None."""
    for passage in passages:
        text = _flat(passage.text)
        if match := pattern.search(text):
            groups = [g for g in match.groups() if g is not None]
            unit = groups[1] if len(groups) > 1 else ""
            snippet = _snippet(text, match.start(), match.end())
            return _decimal(groups[0]), unit.lower(), passage.where, snippet
    return None


def consistency(passages: list[Passage]) -> list[Finding]:
    """The stated limits checked against the stated MACO and shared area. A limit per swab
    may not exceed MACO × A_swab / A_total, a limit per cm² not MACO / A_total (both before
    any recovery factor, which only lowers them), and a swab cannot cover more than the
    whole area. A check is reported only when every number it needs is stated."""
    maco, total = _first(_MACO, passages), _first(_TOTAL_AREA, passages)
    if not (maco and total and maco[0] and total[0]):
        return []
    maco_ug = maco[0] * _MASS[maco[1]] * 1000
    stated_maco = f"MACO {maco[0]:f} {maco[1]}"
    findings = []
    limit, swab = _first(_SWAB_LIMIT, passages), _first(_SWAB_AREA, passages)
    if swab and swab[0] > total[0]:
        findings.append(_contradiction(
            CONSISTENCY, (maco, total, swab), swab[3],
            f"a swab area of {swab[0]:f} cm² is larger than the whole shared area of "
            f"{total[0]:f} cm².",
        ))  # fmt: skip
    elif limit and swab:
        allowed = maco_ug * swab[0] / total[0]
        findings.append(_compare(
            CONSISTENCY, (maco, limit, total, swab), limit, allowed,
            f"{stated_maco} × {swab[0]:f} cm² / {total[0]:f} cm² = {_ug(allowed)} µg per swab "
            f"at most; stated {limit[0]:f} {limit[1]} per swab.",
        ))  # fmt: skip
    if surface := _first(_SURFACE_LIMIT, passages):
        allowed = maco_ug / total[0]
        findings.append(_compare(
            CONSISTENCY_AREA, (maco, surface, total), surface, allowed,
            f"{stated_maco} / {total[0]:f} cm² = {_ug(allowed)} µg/cm² at most; stated "
            f"{surface[0]:f} {surface[1]}/cm².",
        ))  # fmt: skip
    return findings


def _ug(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.001')).normalize():f}"


def _where(found) -> str:
    return "; ".join(dict.fromkeys(x[2] for x in found))


def _contradiction(element: Element, found, snippet: str, why: str) -> Finding:
    return Finding(element, CONTRADICTED, _where(found), snippet,
                   note=f"The numbers contradict each other: {why}")  # fmt: skip


def _compare(element: Element, found, stated, allowed_ug: Decimal, arithmetic: str) -> Finding:
    if stated[0] * _MASS[stated[1]] * 1000 > allowed_ug * Decimal("1.01"):  # 1 % for rounding
        return _contradiction(element, found, stated[3], arithmetic)
    return Finding(element, PRESENT, _where(found), arithmetic)


# --- reading a mention in its clause ---------------------------------------------------------

# A clause ends at a sentence end, a semicolon or a line break; a comma ends it for a denial
# before the term ("visual inspection only, no PDE, no MACO").
_CLAUSE_END = re.compile(r"[.;!?\n]|$")
_DENIED_BEFORE = re.compile(
    r"\b(no|not|without|never|nor|neither|none|zero)\b(\W+\w+){0,2}\W*$", re.IGNORECASE
)
_DENIED_AFTER = re.compile(
    r"^\W{0,3}(\w+\W+){0,4}?(is|are|was|were|be|been)?\W*(not|n't|never)\W+(be\W+)?"
    r"(needed|required|necessary|applicable|performed|done|planned|considered|carried out|"
    r"relevant|established|defined|used|applied)\b(?!\W+alone)"
    r"|^\s*:\s*(none|no|n/?a|not applicable|nil)\b",
    re.IGNORECASE,
)
_DEFERRED_AFTER = re.compile(
    r"^\W{0,3}(\w+\W+){0,3}?(will|shall|is|are)\W+(be\W+)?(established|defined|determined|"
    r"set|decided|agreed|confirmed|provided|added)\b(\W+\w+){0,3}\W+(later|in future|"
    r"subsequently|after|once|when)\b|^\W{0,3}(\w+\W+){0,3}?(to be (defined|determined|"
    r"established|confirmed)|\bTBD\b|\bTBC\b|will be established)",
    re.IGNORECASE,
)
_ALONE_AFTER = re.compile(r"^\W{0,2}(only|alone)\b", re.IGNORECASE)
# An admonition names a thing without describing it ("be careful with the equipment").
_IN_PASSING_BEFORE = re.compile(
    r"\b(careful|care|caution|mind|attention)\b\W+(\w+\W+){0,2}$", re.IGNORECASE
)
# Elements that must not stand alone (EU GMP Annex 15 §10.2: visual inspection).
NOT_ALONE = {"visual"}


def _reading(element: Element, text: str, match: re.Match[str]) -> str:
    """ "" when the mention states the element; "denied" when its clause denies it; else
    why it is weak (put off to later, or used alone where guidance forbids that)."""
    sentence_start = max(text.rfind(c, 0, match.start()) for c in ".;!?\n") + 1
    clause_start = max(sentence_start, text.rfind(",", 0, match.start()) + 1)
    before = text[clause_start : match.start()]
    end = _CLAUSE_END.search(text, match.end())
    after = text[match.end() : end.start() if end else len(text)]
    if _DENIED_BEFORE.search(before) or _DENIED_AFTER.search(after):
        return "denied"
    if _DEFERRED_AFTER.search(after):
        return "Put off to later: the document says it will be established, not what it is."
    if element.key in NOT_ALONE and _ALONE_AFTER.search(after):
        return "Stated as the only criterion; the guidance says it is not used alone."
    if _IN_PASSING_BEFORE.search(before):
        return "Mentioned in passing, not listed or described."
    return ""


def check_content(kind: Kind, content: dict, *, subject: str = "") -> Report:
    """Each required element of `kind`, read from a Lumen document's content by its paths.

    A field is missing when empty or blank. A table is missing with no filled row, weak with
    fewer rows than its minimum or a row lacking a required column, else present. An element
    with several paths is present when all are, missing when none are, else weak.
    """
    findings = []
    for element in kind.elements:
        if element.built_in and not element.paths:
            # Kept by Lumen by design (the electronic logbook), not in a field to fill in.
            findings.append(Finding(element, PRESENT, where=element.built_in, snippet=""))
            continue
        parts = [_check_path(kind, content or {}, path) for path in element.paths]
        statuses = {status for status, *_ in parts}
        if statuses == {PRESENT}:
            status = PRESENT
        elif statuses == {MISSING}:
            status = MISSING
        else:
            status = WEAK
        filled = [p for p in parts if p[0] != MISSING]
        shown = filled or parts
        findings.append(
            Finding(
                element,
                status,
                where="; ".join(p[1] for p in shown),
                snippet=" · ".join(p[2] for p in filled if p[2]),
                note=" ".join(p[3] for p in parts if p[3]) if status != PRESENT else "",
            )
        )
    return Report(kind=kind, findings=tuple(findings), subject=subject)


# A field that holds only a denial or a deferral is not filled in.
_DENIED_VALUE = re.compile(
    r"(none|no|nil|n/?a|-+|not (needed|required|applicable|necessary|relevant)|"
    r"no \w+( \w+)? (is|are) (needed|required|necessary))\W*",
    re.IGNORECASE,
)
_DEFERRED_VALUE = re.compile(
    r"(tbd|tbc|to be (defined|determined|established|confirmed)|"
    r"will be (established|defined|determined|set)( later)?)\W*",
    re.IGNORECASE,
)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_path(kind: Kind, content: dict, path: str) -> tuple[str, str, str, str]:
    """(status, where, snippet, note) for one "section.key" path."""
    section_key, key = path.split(".", 1)
    section = kind.section(section_key)
    values = content.get(section_key) or {}
    table = next((t for t in section.tables if t.key == key), None)
    if table is None:
        field = next(f for f in section.fields if f.key == key)
        where = f"{section.title}: {field.label}"
        value = values.get(key)
        if _blank(value):
            return MISSING, where, "", f"{field.label} is empty."
        text = _flat(str(value)).strip()
        if _DENIED_VALUE.fullmatch(text):
            return MISSING, where, text[:SNIPPET_CHARS], f"{field.label} says it is not needed."
        if _DEFERRED_VALUE.fullmatch(text):
            return WEAK, where, text[:SNIPPET_CHARS], f"{field.label} is put off to later."
        if field.unit:
            text = f"{text} {field.unit}"
        return PRESENT, where, text[:SNIPPET_CHARS], ""

    where = f"{section.title}: {table.label}"
    rows = [r for r in (values.get(key) or []) if isinstance(r, dict)]
    rows = [r for r in rows if any(not _blank(v) for v in r.values())]
    if not rows:
        return MISSING, where, "", f"{table.label} has no rows."
    snippet = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    required = [c for c in table.columns if c.required]
    incomplete = [
        n for n, r in enumerate(rows, start=1) if any(_blank(r.get(c.key)) for c in required)
    ]
    if len(rows) < table.min_rows:
        return WEAK, where, snippet, f"{table.label} needs at least {table.min_rows} rows."
    if incomplete:
        names = ", ".join(c.label for c in required)
        rows_text = ", ".join(str(n) for n in incomplete[:5])
        return WEAK, where, snippet, f"Row {rows_text} lacks a required column ({names})."
    return PRESENT, where, snippet, ""


# --- suggestions ---------------------------------------------------------------------------


def suggestions_enabled() -> bool:
    return settings.LUMEN_GENERATOR != "extractive"


def suggest(report: Report) -> Suggestions | None:
    """Generated suggestions for the weak and missing elements, or None when no language
    model is configured (LUMEN_GENERATOR=extractive) or nothing is missing. A failing
    generator gives a notice, never an error."""
    if not suggestions_enabled() or not report.gaps:
        return None
    from lumen.generation import GenerationError, Prompt, get_generator, params_from_settings
    from lumen.generation.prompt import PromptPassage

    passages = tuple(
        PromptPassage(
            number=n,
            title=f.element.title,
            section=f.element.source,
            text=f"Status in the document: {f.status}. {f.note}"
            + (f" Found: {f.snippet}" if f.snippet else ""),
        )
        for n, f in enumerate(report.gaps, start=1)
    )
    prompt = Prompt(
        question=(
            f"A {report.kind.title.lower()} was checked against the required elements above "
            "and these are missing or thin. For each, suggest in one or two sentences what "
            "the document should add, citing the element's number."
        ),
        passages=passages,
        audience="pharma",
    )
    try:
        generation = get_generator().generate(prompt, params=params_from_settings())
    except (GenerationError, ImproperlyConfigured, OSError):
        return Suggestions(
            notice="Suggestions are unavailable right now; the findings are complete."
        )
    text = generation.text.strip()
    if not text:
        return Suggestions(notice="The language model gave no suggestions.")
    return Suggestions(text=text)


__all__ = [
    "CONTRADICTED",
    "DOCUMENT_CONTROL",
    "MISSING",
    "PRESENT",
    "WEAK",
    "ComplianceInputError",
    "Finding",
    "Passage",
    "Report",
    "Suggestions",
    "UploadTooComplex",
    "check_content",
    "check_text",
    "consistency",
    "extract_text",
    "suggest",
]
