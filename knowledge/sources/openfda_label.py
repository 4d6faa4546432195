"""openFDA drug labels: https://api.fda.gov/drug/label.json (structured product labels as JSON).

API: `search` takes openFDA's query syntax (`openfda.generic_name:"ibuprofen"`); `limit` is at
most 100 per request and `skip` at most 25,000, so one query reaches only its first ~25,100
labels: narrow the search, or use the bulk files at https://open.fda.gov/data/downloads/.
No matches is an HTTP 404 with an `error` body. Without an API key openFDA allows 240 requests a
minute and 1,000 a day per IP (120,000 a day with a key); keys, pacing and retries are the
shared client's job.

Terms: openFDA data is public domain (CC0, https://open.fda.gov/license/). FDA says not to rely
on openFDA for medical decisions and to treat results as unvalidated, so labels are shown with
their source and date.

Two record shapes parse: the full 2015-era records (`@epoch`, `id`, `version`) and current
ones, including minimized responses that carry only `set_id` and `openfda` names (those give a
drug record but no document, since there is no label text to show).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from knowledge.sources.base import DocumentRecord, DrugRecord, ParseResult, RawPage, Section

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

API_URL = "https://api.fda.gov/drug/label.json"
DAILYMED_LOOKUP = "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={set_id}"
PAGE_SIZE = 100  # openFDA's largest `limit`
MAX_SKIP = 25_000  # openFDA refuses a larger `skip`
SUMMARY_CHARS = 600  # drug-record warnings are a summary; the full text is in the document

# Label fields in reading order: (field, heading, extra prefixes the text repeats at its start).
# Boxed warning first, then what it is for and how to take it, then the warnings (OTC "Drug
# Facts" sub-parts next to them), then the reference material.
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("boxed_warning", "Boxed warning", ()),
    ("indications_and_usage", "Indications and usage", ("indications & usage", "uses")),
    ("purpose", "Purpose", ("purposes",)),
    ("dosage_and_administration", "Dosage and administration", ("directions",)),
    ("dosage_forms_and_strengths", "Dosage forms and strengths", ()),
    ("contraindications", "Contraindications", ()),
    ("warnings_and_cautions", "Warnings and precautions", ()),
    ("warnings", "Warnings", ()),
    ("precautions", "Precautions", ()),
    ("general_precautions", "General precautions", ()),
    ("do_not_use", "Do not use", ()),
    ("ask_doctor", "Ask a doctor before use if", ()),
    ("ask_doctor_or_pharmacist", "Ask a doctor or pharmacist before use if", ()),
    ("when_using", "When using this product", ()),
    ("stop_use", "Stop use and ask a doctor if", ()),
    ("pregnancy_or_breast_feeding", "If pregnant or breast-feeding", ()),
    ("keep_out_of_reach_of_children", "Keep out of reach of children", ()),
    ("drug_interactions", "Drug interactions", ()),
    ("adverse_reactions", "Adverse reactions", ()),
    ("use_in_specific_populations", "Use in specific populations", ()),
    ("pregnancy", "Pregnancy", ()),
    ("lactation", "Lactation", ()),
    ("nursing_mothers", "Nursing mothers", ()),
    ("pediatric_use", "Pediatric use", ()),
    ("geriatric_use", "Geriatric use", ()),
    ("overdosage", "Overdosage", ()),
    ("drug_abuse_and_dependence", "Drug abuse and dependence", ()),
    ("controlled_substance", "Controlled substance", ()),
    ("abuse", "Abuse", ()),
    ("dependence", "Dependence", ()),
    ("description", "Description", ()),
    ("clinical_pharmacology", "Clinical pharmacology", ()),
    ("mechanism_of_action", "Mechanism of action", ()),
    ("pharmacodynamics", "Pharmacodynamics", ()),
    ("pharmacokinetics", "Pharmacokinetics", ()),
    ("nonclinical_toxicology", "Nonclinical toxicology", ()),
    (
        "carcinogenesis_and_mutagenesis_and_impairment_of_fertility",
        "Carcinogenesis, mutagenesis and impairment of fertility",
        ("carcinogenesis, mutagenesis, and impairment of fertility",),
    ),
    ("clinical_studies", "Clinical studies", ()),
    ("how_supplied", "How supplied", ("how supplied/storage and handling",)),
    ("storage_and_handling", "Storage and handling", ()),
    ("other_safety_information", "Other information", ()),
    ("active_ingredient", "Active ingredient", ("active ingredients",)),
    ("inactive_ingredient", "Inactive ingredients", ("inactive ingredient",)),
    (
        "information_for_patients",
        "Patient counseling information",  # the label's own (US) wording
        ("information for patients",),
    ),
    ("spl_medguide", "Medication guide", ()),
    ("spl_patient_package_insert", "Patient information", ()),
    ("questions", "Questions or comments", ("questions or comments?", "questions?")),
)

# On OTC "Drug Facts" labels `warnings` is the whole box and repeats these parts, which also
# come as fields of their own: keep only its lead-in so nothing is read twice.
OTC_WARNING_PARTS = (
    "do_not_use",
    "ask_doctor",
    "ask_doctor_or_pharmacist",
    "when_using",
    "stop_use",
    "pregnancy_or_breast_feeding",
    "keep_out_of_reach_of_children",
)

_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")


class OpenFDALabelSource:
    slug = "openfda-label"
    name = "openFDA drug labels"
    url = "https://open.fda.gov/apis/drug/label/"
    description = (
        "FDA-approved US prescription and OTC drug labels (SPL) through openFDA: "
        "indications, dosing, warnings, interactions, storage. Public domain."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        """Yield label pages of up to 100; `cursor_after` is the next `skip` as a string."""
        from knowledge.sources.http import FetchError  # here, so parsing never needs httpx

        search = build_search(query)
        skip = _start_skip(cursor)
        remaining = limit
        while skip <= MAX_SKIP and (remaining is None or remaining > 0):
            page_size = PAGE_SIZE if remaining is None else min(PAGE_SIZE, remaining)
            params: dict[str, Any] = {"limit": page_size, "skip": skip}
            if search:
                params["search"] = search
            try:
                body = client.fetch(API_URL, params=params, source=self.slug)
            except FetchError as exc:
                if exc.status == 404:  # openFDA's answer to "no matches": nothing (more) to read
                    return
                raise
            got, total = _page_counts(body)
            skip += got
            if remaining is not None:
                remaining -= got
            yield RawPage(body=body, url=f"{API_URL}?{urlencode(params)}", cursor_after=str(skip))
            if got < page_size or (total is not None and skip >= total):
                return

    def parse(self, raw: bytes) -> ParseResult:
        return parse(raw)


def build_search(query: str | None) -> str:
    """openFDA search text: a plain drug name matches generic or brand names; a query that
    already names fields (has a colon) is passed through as written."""
    query = (query or "").strip()
    if not query or ":" in query:
        return query
    name = query.replace('"', "")
    return f'openfda.generic_name:"{name}" OR openfda.brand_name:"{name}"'


def _start_skip(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        skip = int(cursor)
    except ValueError:
        raise ValueError(f"openfda-label cursor must be a skip offset, got {cursor!r}") from None
    if skip < 0:
        raise ValueError(f"openfda-label cursor must not be negative, got {cursor!r}")
    return skip


def _page_counts(body: bytes) -> tuple[int, int | None]:
    """How many results a page holds and the query's total, (0, None) when unreadable."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return 0, None
    data = data if isinstance(data, dict) else {}
    results = data.get("results") if isinstance(data.get("results"), list) else []
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    paging = meta.get("results") if isinstance(meta.get("results"), dict) else {}
    total = paging.get("total")
    return len(results), total if isinstance(total, int) else None


# --- Parsing -----------------------------------------------------------------------------


def parse(raw: bytes) -> ParseResult:
    """One openFDA label response to a document and a drug record per label. Never raises."""
    result = ParseResult()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        result.skip(f"openFDA label response is not valid JSON: {exc}")
        return result
    if not isinstance(data, dict):
        result.skip("openFDA label response is not a JSON object")
        return result
    if isinstance(data.get("error"), dict):
        error = data["error"]
        result.problems.append(f"openFDA error {error.get('code')}: {error.get('message')}")
        return result
    results = data.get("results")
    if not isinstance(results, list):
        result.skip("openFDA label response has no `results` list")
        return result
    _read_paging(data.get("meta"), result)
    for index, record in enumerate(results):
        _parse_label(record, index, result)
    return result


def _read_paging(meta: Any, result: ParseResult) -> None:
    paging = meta.get("results") if isinstance(meta, dict) else None
    if not isinstance(paging, dict):
        return
    total, skip, limit = paging.get("total"), paging.get("skip"), paging.get("limit")
    if isinstance(total, int):
        result.total = total
        if isinstance(skip, int) and isinstance(limit, int):
            after = skip + limit
            if after < total and after <= MAX_SKIP:
                result.next_cursor = str(after)


def _parse_label(record: Any, index: int, result: ParseResult) -> None:
    if not isinstance(record, dict):
        result.skip(f"label #{index}: not a JSON object")
        return
    openfda = record.get("openfda") if isinstance(record.get("openfda"), dict) else {}
    label_id = _first(record.get("set_id")) or _first(record.get("id"))
    if not label_id:
        result.skip(f"label #{index}: no set_id or id")
        return
    names = _Names.read(openfda)
    drug = _drug_record(record, openfda, names, label_id)
    if drug is not None:
        result.drugs.append(drug)
    if not names.title:
        result.skip(f"label {label_id}: no brand or generic name for a title")
        return
    sections = label_sections(record)
    if not sections:
        kept = "; its drug names were kept" if drug is not None else ""
        result.skip(f"label {label_id}: no label text (minimized or empty record){kept}")
        return
    result.documents.append(_document(record, openfda, names, label_id, sections))


class _Names:
    """The names openFDA attaches to a label, and the title built from them."""

    def __init__(self, generics: list[str], brands: list[str], availability: str) -> None:
        self.generics = generics
        self.brands = brands
        self.availability = availability  # "otc", "rx" or ""

    @classmethod
    def read(cls, openfda: dict) -> _Names:
        product_type = " ".join(_strings(openfda.get("product_type"))).upper()
        availability = "otc" if "OTC" in product_type else ""
        if "PRESCRIPTION" in product_type:
            availability = "rx"
        return cls(
            _strings(openfda.get("generic_name")), _strings(openfda.get("brand_name")), availability
        )

    @property
    def title(self) -> str:
        brand = self.brands[0] if self.brands else ""
        generic = self.generics[0].lower() if self.generics else ""
        if brand and generic and brand.lower() != generic:
            core = f"{brand} ({generic})"
        else:
            core = brand or generic[:1].upper() + generic[1:]
        if core and self.availability:
            core += " (OTC)" if self.availability == "otc" else " (Rx)"
        return core


def label_sections(record: dict) -> list[Section]:
    """The label's text fields as headed sections in reading order, each said once."""
    texts = {field: _field_text(record.get(field)) for field, _, _ in SECTIONS}
    texts["warnings"] = _warnings_lead_in(texts)
    sections: list[Section] = []
    seen: list[str] = []
    for field, heading, prefixes in SECTIONS:
        text = texts[field]
        # Sub-sections (8.1 Pregnancy) repeat inside their parent (8 Use in specific
        # populations); keep the first reading only.
        if not text or any(text in earlier for earlier in seen):
            continue
        seen.append(text)
        sections.append(Section(heading, strip_heading(text, (heading.lower(), *prefixes))))
    return sections


def _warnings_lead_in(texts: dict[str, str]) -> str:
    warnings = texts["warnings"]
    starts = [warnings.find(texts[part]) for part in OTC_WARNING_PARTS if texts[part]]
    starts = [at for at in starts if at > 0]
    return warnings[: min(starts)].rstrip() if starts else warnings


def strip_heading(text: str, prefixes: tuple[str, ...]) -> str:
    """Drop the heading a label repeats at the start of its text ("5 WARNINGS AND
    PRECAUTIONS ...", "Directions ..."); the section heading already says it."""
    numbered = _SECTION_NUMBER.match(text)
    candidates = [text[numbered.end() :], text] if numbered else [text]
    for candidate in candidates:
        lowered = candidate.lower()
        for prefix in sorted(prefixes, key=len, reverse=True):
            end = len(prefix)
            if lowered.startswith(prefix) and candidate[end : end + 1] in (" ", ":"):
                rest = candidate[end:].lstrip(" :")
                if rest:
                    return rest
    return text


def _document(
    record: dict, openfda: dict, names: _Names, label_id: str, sections: list[Section]
) -> DocumentRecord:
    set_id = _first(record.get("set_id"))
    return DocumentRecord(
        external_id=label_id,
        title=names.title,
        sections=sections,
        doc_type="drug_label",
        region="US",
        url=_label_url(record),
        authority="FDA",
        published=_yyyymmdd(record.get("effective_time")),
        metadata={
            "set_id": set_id,
            "spl_id": _first(record.get("id")),
            "version": _first(record.get("version")),
            "generic_names": names.generics,
            "brand_names": names.brands,
            "substance_names": _strings(openfda.get("substance_name")),
            "rxcui": _strings(openfda.get("rxcui")),
            "product_type": _first(openfda.get("product_type")),
            "manufacturer": _first(openfda.get("manufacturer_name")),
            "route": _strings(openfda.get("route")),
            "pharm_class_epc": _strings(openfda.get("pharm_class_epc")),
        },
    )


def _drug_record(record: dict, openfda: dict, names: _Names, label_id: str) -> DrugRecord | None:
    substances = [name.lower() for name in _strings(openfda.get("substance_name"))]
    name = names.generics[0].lower() if names.generics else ", ".join(substances)
    if not name:
        return None
    epc = _first(openfda.get("pharm_class_epc"))
    references = [{"title": f"FDA label: {names.title or name}", "url": _label_url(record)}]
    return DrugRecord(
        name=name,
        rxcui=_first(openfda.get("rxcui")),
        brand_names=_unique(names.brands),
        active_ingredients=substances,
        drug_class=epc.removesuffix("[EPC]").strip(),
        availability={"US": names.availability} if names.availability else {},
        pregnancy_warning=_summary(record, ("pregnancy", "pregnancy_or_breast_feeding")),
        label_warnings=_summary(record, ("boxed_warning", "warnings_and_cautions", "warnings")),
        storage=_storage(record),
        references=references,
    )


def _summary(record: dict, fields: tuple[str, ...]) -> str:
    """The first paragraph of the first field present, without its heading, ~600 chars."""
    headings = {field: (heading.lower(), *prefixes) for field, heading, prefixes in SECTIONS}
    for field in fields:
        paragraphs = _strings(record.get(field))
        if paragraphs:
            text = strip_heading(" ".join(paragraphs[0].split()), headings.get(field, ()))
            return _trim(text, SUMMARY_CHARS)
    return ""


def _storage(record: dict) -> str:
    storage = _summary(record, ("storage_and_handling",))
    if storage:
        return storage
    # OTC labels put storage under "Other information".
    other = _summary(record, ("other_safety_information",))
    return other if "store" in other.lower() else ""


def _label_url(record: dict) -> str:
    set_id = _first(record.get("set_id"))
    if set_id:
        return DAILYMED_LOOKUP.format(set_id=set_id)
    label_id = _first(record.get("id"))
    if not label_id:
        return ""
    return f"{API_URL}?" + urlencode({"search": f'id:"{label_id}"'})


# --- Small readers: openFDA wraps most values in lists, and old records vary ---------------


def _strings(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _first(value: Any) -> str:
    found = _strings(value)
    return found[0] if found else ""


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.lower(), value)
    return list(seen.values())


def _field_text(value: Any) -> str:
    return "\n\n".join(" ".join(part.split()) for part in _strings(value))


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    sentence_end = cut.rfind(". ")
    if sentence_end > limit // 2:
        return cut[: sentence_end + 1]
    return cut.rsplit(" ", 1)[0] + " …"


def _yyyymmdd(value: Any) -> date | None:
    text = _first(value)
    if len(text) < 8 or not text[:8].isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


SOURCE = OpenFDALabelSource()
