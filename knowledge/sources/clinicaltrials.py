"""Clinical trial registrations from ClinicalTrials.gov (API v2).

API: https://clinicaltrials.gov/data-api/api . `fetch` pages through
`/api/v2/studies?query.term=..&pageSize=..&countTotal=true`, following `nextPageToken`, which
is also the resume cursor. `parse` accepts that search shape (`studies`, `totalCount`,
`nextPageToken`) and the single-study shape of `/api/v2/studies/{nctId}` (one object with a
`protocolSection`), so `--from-file` works with either.

Limits and terms: pageSize is at most 1000 (we ask for 100 to keep pages small); the service
asks for about 50 requests a minute at most, which the shared client enforces. The registry
is public US-government data with no copyright restriction; NLM asks that records be shown
with their NCT number and last-update date and not altered in meaning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from knowledge.sources.base import DocumentRecord, ParseResult, RawPage, Section

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

API_URL = "https://clinicaltrials.gov/api/v2/studies"
PAGE_SIZE = 100
MAX_BYTES = 200 * 1024 * 1024
EU_COUNTRIES = frozenset(
    {
        "Austria", "Belgium", "Bulgaria", "Croatia", "Cyprus", "Czechia", "Czech Republic",
        "Denmark", "Estonia", "Finland", "France", "Germany", "Greece", "Hungary", "Ireland",
        "Italy", "Latvia", "Lithuania", "Luxembourg", "Malta", "Netherlands", "Poland",
        "Portugal", "Romania", "Slovakia", "Slovenia", "Spain", "Sweden",
    }
)  # fmt: skip


class ClinicalTrialsSource:
    slug = "clinicaltrials"
    name = "ClinicalTrials.gov"
    url = "https://clinicaltrials.gov/"
    description = (
        "Registered clinical studies from ClinicalTrials.gov (NIH/NLM): summary, conditions, "
        "interventions, eligibility and status, searched by query through the v2 API."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        token = cursor
        fetched = 0
        while limit is None or fetched < limit:
            size = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - fetched)
            params: dict[str, Any] = {"pageSize": size, "countTotal": "true", "format": "json"}
            if query:
                params["query.term"] = query
            if token:
                params["pageToken"] = token
            body = client.fetch(API_URL, params=params, source=self.slug)
            token, count = _page_info(body)
            fetched += count
            yield RawPage(body=body, url=f"{API_URL}?{urlencode(params)}", cursor_after=token)
            if not token or not count:
                break

    def parse(self, raw: bytes) -> ParseResult:
        result = ParseResult()
        if len(raw) > MAX_BYTES:
            result.skip(f"response of {len(raw)} bytes is over the {MAX_BYTES}-byte limit")
            return result
        try:
            payload = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            result.skip(f"malformed JSON: {exc}")
            return result
        if isinstance(payload, dict) and isinstance(payload.get("studies"), list):
            result.next_cursor = payload.get("nextPageToken") or None
            total = payload.get("totalCount")
            result.total = total if isinstance(total, int) else None
            studies = payload["studies"]
        elif isinstance(payload, dict) and "protocolSection" in payload:
            studies = [payload]
        else:
            result.skip("unexpected JSON shape: neither a study search nor a single study")
            return result
        for position, study in enumerate(studies):
            _add_study(study, position, result)
        return result


def _page_info(body: bytes) -> tuple[str | None, int]:
    """nextPageToken and the number of studies on a page, for paging inside `fetch`."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, 0
    if not isinstance(payload, dict):
        return None, 0
    studies = payload.get("studies")
    return payload.get("nextPageToken") or None, len(studies) if isinstance(studies, list) else 0


def _add_study(study: Any, position: int, result: ParseResult) -> None:
    protocol = _dict(study, "protocolSection")
    ident = _dict(protocol, "identificationModule")
    nct_id = str(ident.get("nctId") or "").strip()
    if not nct_id:
        result.skip(f"study #{position + 1} has no nctId")
        return
    title = _clean(ident.get("briefTitle")) or _clean(ident.get("officialTitle"))
    if not title:
        result.skip(f"{nct_id}: no title")
        return
    status = _dict(protocol, "statusModule")
    countries = _countries(protocol)
    sections = [s for s in _sections(protocol) if s.text]
    result.documents.append(
        DocumentRecord(
            external_id=nct_id,
            title=title,
            sections=sections,
            doc_type="trial",
            region=_region(countries),
            url=f"https://clinicaltrials.gov/study/{nct_id}",
            authority="NIH",
            published=_date(_dict(status, "studyFirstPostDateStruct").get("date"))
            or _date(_dict(status, "startDateStruct").get("date")),
            metadata=_metadata(protocol, countries),
        )
    )


def _sections(protocol: dict) -> list[Section]:
    description = _dict(protocol, "descriptionModule")
    eligibility = _dict(protocol, "eligibilityModule")
    return [
        Section("Summary", _clean(description.get("briefSummary"))),
        Section("Detailed description", _clean(description.get("detailedDescription"))),
        Section("Conditions", "\n".join(_conditions(protocol))),
        Section("Interventions", "\n".join(_interventions(protocol))),
        Section("Eligibility", _eligibility(eligibility)),
        Section("Status", _status_text(protocol)),
    ]


def _conditions(protocol: dict) -> list[str]:
    return [_clean(c) for c in _list(_dict(protocol, "conditionsModule"), "conditions") if c]


def _interventions(protocol: dict) -> list[str]:
    lines = []
    for item in _list(_dict(protocol, "armsInterventionsModule"), "interventions"):
        if not isinstance(item, dict) or not item.get("name"):
            continue
        line = _clean(item["name"])
        if item.get("type"):
            line += f" ({_humanize(item['type'])})"
        others = [_clean(o) for o in item.get("otherNames") or [] if o]
        if others:
            line += f"; also called {', '.join(others)}"
        if item.get("description"):
            line += f": {_clean(item['description'])}"
        lines.append(line)
    return lines


def _eligibility(module: dict) -> str:
    facts = []
    if module.get("sex"):
        facts.append(f"Sex: {_humanize(module['sex'])}")
    low, high = module.get("minimumAge"), module.get("maximumAge")
    if low and high:
        facts.append(f"Age: {low} to {high}")
    elif low or high:
        facts.append(f"Age: {low} and older" if low else f"Age: up to {high}")
    if module.get("healthyVolunteers") is not None:
        facts.append(f"Healthy volunteers: {'yes' if module['healthyVolunteers'] else 'no'}")
    criteria = _clean(module.get("eligibilityCriteria"))
    return "\n\n".join(p for p in ("\n".join(facts), criteria) if p)


def _status_text(protocol: dict) -> str:
    status = _dict(protocol, "statusModule")
    design = _dict(protocol, "designModule")
    enrollment = _dict(design, "enrollmentInfo").get("count")
    facts = [
        ("Overall status", _humanize(status.get("overallStatus") or "")),
        ("Study type", _humanize(design.get("studyType") or "")),
        ("Phases", ", ".join(_phase(p) for p in _list(design, "phases"))),
        ("Enrollment", str(enrollment) if enrollment is not None else ""),
        ("Start date", _dict(status, "startDateStruct").get("date") or ""),
        ("Completion date", _dict(status, "completionDateStruct").get("date") or ""),
        ("Lead sponsor", _sponsor(protocol)),
    ]
    return "\n".join(f"{label}: {value}" for label, value in facts if value)


def _metadata(protocol: dict, countries: list[str]) -> dict:
    ident = _dict(protocol, "identificationModule")
    status = _dict(protocol, "statusModule")
    design = _dict(protocol, "designModule")
    return {
        "official_title": _clean(ident.get("officialTitle")),
        "overall_status": status.get("overallStatus") or "",
        "study_type": design.get("studyType") or "",
        "phases": list(_list(design, "phases")),
        "enrollment": _dict(design, "enrollmentInfo").get("count"),
        "start_date": _dict(status, "startDateStruct").get("date") or "",
        "completion_date": _dict(status, "completionDateStruct").get("date") or "",
        "sponsor": _sponsor(protocol),
        "conditions": _conditions(protocol),
        "interventions": [
            i["name"]
            for i in _list(_dict(protocol, "armsInterventionsModule"), "interventions")
            if isinstance(i, dict) and i.get("name")
        ],
        "countries": countries,
    }


def _sponsor(protocol: dict) -> str:
    lead = _dict(_dict(protocol, "sponsorCollaboratorsModule"), "leadSponsor")
    return _clean(lead.get("name"))


def _countries(protocol: dict) -> list[str]:
    locations = _list(_dict(protocol, "contactsLocationsModule"), "locations")
    found = {
        str(loc["country"]).strip()
        for loc in locations
        if isinstance(loc, dict) and loc.get("country")
    }
    return sorted(found)


def _region(countries: list[str]) -> str:
    """US, UK or EU when every site is there; INTL when sites span regions or are unknown."""
    regions = {_country_region(c) for c in countries}
    return regions.pop() if len(regions) == 1 else "INTL"


def _country_region(country: str) -> str:
    if country == "United States":
        return "US"
    if country == "United Kingdom":
        return "UK"
    return "EU" if country in EU_COUNTRIES else "INTL"


def _phase(value: str) -> str:
    if value == "NA":
        return "Not applicable"
    return re.sub(r"PHASE(\d)", r"Phase \1", value).replace("EARLY_", "Early ")


def _humanize(code: str) -> str:
    """ACTIVE_NOT_RECRUITING -> Active not recruiting."""
    return str(code).replace("_", " ").capitalize()


def _date(value: Any) -> date | None:
    """CT.gov dates are YYYY-MM-DD or YYYY-MM (estimated); the latter becomes the 1st."""
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", str(value or "").strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3] or 1))
    except ValueError:
        return None


def _clean(value: Any) -> str:
    # CT.gov text is Markdown-ish and escapes "<" as "\<".
    return str(value or "").replace("\\<", "<").replace("\\>", ">").strip()


def _dict(parent: Any, key: str) -> dict:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else {}


def _list(parent: dict, key: str) -> list:
    value = parent.get(key)
    return value if isinstance(value, list) else []


SOURCE = ClinicalTrialsSource()
