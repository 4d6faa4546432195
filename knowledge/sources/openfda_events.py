"""openFDA adverse event reports (FAERS): https://api.fda.gov/drug/event.json

Lumen asks for counts, not reports: `search=patient.drug.openfda.generic_name:"<drug>"` with
`count=patient.reaction.reactionmeddrapt.exact` returns the most reported MedDRA reaction terms
for reports that mention the drug (`limit` up to 1,000 terms). A count response does not name
the drug, so `fetch` wraps each body in `{"lumen_query": "<drug>", "response": <api json>}`;
`parse` takes that envelope, a bare search response of full reports, or one bare report.
Rate limits as for every openFDA endpoint (240 a minute; 1,000 a day per IP without a key).

Terms: openFDA data is public domain (CC0, https://open.fda.gov/license/). FAERS reports are
unverified and may be duplicated or incomplete; a report does not show that the drug caused the
reaction, and counts are not rates. Every document says so in plain words.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from knowledge.sources.base import DocumentRecord, DrugRecord, ParseResult, RawPage, Section

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

API_URL = "https://api.fda.gov/drug/event.json"
INFO_URL = "https://open.fda.gov/apis/drug/event/"
COUNT_FIELD = "patient.reaction.reactionmeddrapt.exact"
DEFAULT_TERMS = 100
MAX_TERMS = 1000  # openFDA's largest `limit` for count queries
TOP_REACTIONS = 25

CAVEAT = (
    "A report does not prove that {drug} caused the reaction. Anyone (patients, doctors, "
    "manufacturers) can send one; reports can be incomplete or duplicated, and the person's "
    "illness or other medicines may be the real cause. The numbers count reports, so they do "
    "not show how often a side effect happens to people who take {drug}."
)


_NO_DRUG = {
    "count": "no drug name: ingest count responses through fetch or wrap them as "
    '{"lumen_query": "<drug>", "response": ...}',
    "reports": "no drug name: the first report names no drug openFDA could identify; wrap "
    'the response as {"lumen_query": "<drug>", "response": ...}',
}


class OpenFDAEventsSource:
    slug = "openfda-events"
    name = "openFDA adverse event reports (FAERS)"
    url = INFO_URL
    description = (
        "Counts of the reactions most often reported to the FDA Adverse Event Reporting "
        "System for each drug, with the caveat that reports do not prove cause. Public domain."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        """One wrapped count response per drug in `query` (comma-separated generic names);
        `limit` is the number of reaction terms to ask for; the cursor counts drugs done."""
        drugs = [name.strip().lower() for name in (query or "").split(",") if name.strip()]
        if not drugs:
            raise ValueError(
                "openfda-events needs a query: the generic drug name(s) to count reported "
                'reactions for, e.g. "ibuprofen" or "ibuprofen, naproxen".'
            )
        from knowledge.sources.http import FetchError  # here, so parsing never needs httpx

        terms = max(1, min(limit or DEFAULT_TERMS, MAX_TERMS))
        done = _drugs_done(cursor)
        for index, drug in enumerate(drugs[done:], start=done):
            params = count_params(drug, terms)
            try:
                body = client.fetch(API_URL, params=params, source=self.slug)
            except FetchError as exc:
                if exc.status == 404:  # no report mentions this drug: nothing to count
                    continue
                raise
            yield RawPage(
                body=wrap(drug, body),
                url=f"{API_URL}?{urlencode(params)}",
                cursor_after=str(index + 1),
            )

    def parse(self, raw: bytes) -> ParseResult:
        return parse(raw)


def count_params(drug: str, terms: int) -> dict[str, Any]:
    name = drug.replace('"', "")
    return {
        "search": f'patient.drug.openfda.generic_name:"{name}"',
        "count": COUNT_FIELD,
        "limit": terms,
    }


def wrap(drug: str, body: bytes) -> bytes:
    """The envelope that tells `parse` which drug a count response is about. A body that is not
    JSON is passed on untouched, so parse reports it rather than the envelope hiding it."""
    try:
        response = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    return json.dumps({"lumen_query": drug, "response": response}).encode()


def _drugs_done(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise ValueError(f"openfda-events cursor must count the drugs done, got {cursor!r}")
    return int(cursor)


# --- Parsing -----------------------------------------------------------------------------


def parse(raw: bytes) -> ParseResult:
    """One (wrapped) FAERS response to an adverse-events document and a drug's reported
    reactions. Never raises."""
    result = ParseResult()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        result.skip(f"openFDA event response is not valid JSON: {exc}")
        return result
    drug, response = _unwrap(data)
    if isinstance(response, dict) and isinstance(response.get("error"), dict):
        error = response["error"]
        result.problems.append(f"openFDA error {error.get('code')}: {error.get('message')}")
        return result
    if isinstance(response, dict) and isinstance(response.get("patient"), dict):
        reports: list = [response]  # one bare report, as openFDA's own pipeline writes it
    elif isinstance(response, dict) and isinstance(response.get("results"), list):
        reports = response["results"]
        total = _dict(_dict(response.get("meta")).get("results")).get("total")
        result.total = total if isinstance(total, int) else None
    else:
        result.skip("not an openFDA event response: expected `results` or one report")
        return result
    if not reports:
        return result
    if any(isinstance(entry, dict) and "term" in entry for entry in reports):
        counts, basis = _count_terms(reports, result), "count"
    else:
        counts, basis = _count_reports(reports, result), "reports"
        drug = drug or _suspect_drug(reports)
    if not drug:
        result.skip(_NO_DRUG[basis])
        return result
    if counts:
        _records(drug, counts, basis, len(reports), response, result)
    return result


def _unwrap(data: Any) -> tuple[str, Any]:
    if isinstance(data, dict) and "lumen_query" in data:
        drug = data.get("lumen_query")
        name = " ".join(drug.split()).lower() if isinstance(drug, str) else ""
        return name, data.get("response")
    return "", data


def _count_terms(entries: list, result: ParseResult) -> Counter[str]:
    counts: Counter[str] = Counter()
    for index, entry in enumerate(entries):
        term = entry.get("term") if isinstance(entry, dict) else None
        count = entry.get("count") if isinstance(entry, dict) else None
        if not isinstance(term, str) or not term.strip():
            result.skip(f"count entry #{index}: no reaction term")
        elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
            result.skip(f"count entry #{index} ({term}): no usable count")
        else:
            counts[term.strip().upper()] += count
    return counts


def _count_reports(reports: list, result: ParseResult) -> Counter[str]:
    """Reports per reaction term across full FAERS reports (each report counts once)."""
    counts: Counter[str] = Counter()
    for index, report in enumerate(reports):
        patient = report.get("patient") if isinstance(report, dict) else None
        reactions = patient.get("reaction") if isinstance(patient, dict) else None
        terms = {
            reaction["reactionmeddrapt"].strip().upper()
            for reaction in (reactions if isinstance(reactions, list) else [])
            if isinstance(reaction, dict)
            and isinstance(reaction.get("reactionmeddrapt"), str)
            and reaction["reactionmeddrapt"].strip()
        }
        if not terms:
            report_id = report.get("safetyreportid") if isinstance(report, dict) else None
            result.skip(f"report {report_id or f'#{index}'}: no reactions")
            continue
        counts.update(terms)
    return counts


def _suspect_drug(reports: list) -> str:
    """The generic name of the first report's suspect drug (characterization 1), else of any
    drug openFDA could annotate; "" when none was annotated."""
    drugs = _dict(_dict(reports[0]).get("patient")).get("drug")
    drugs = [d for d in drugs if isinstance(d, dict)] if isinstance(drugs, list) else []
    suspects = [d for d in drugs if d.get("drugcharacterization") == "1"]
    for drug in suspects + drugs:
        names = _dict(drug.get("openfda")).get("generic_name")
        if isinstance(names, list) and names and isinstance(names[0], str) and names[0].strip():
            return " ".join(names[0].split()).lower()
    return ""


def _records(
    drug: str, counts: Counter[str], basis: str, reports: int, response: Any, result: ParseResult
) -> None:
    # Most reported first; ties alphabetically, so the same data always reads the same.
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_REACTIONS]
    display = drug[:1].upper() + drug[1:]
    meta = _dict(_dict(response).get("meta"))
    query = urlencode(count_params(drug, TOP_REACTIONS))
    result.documents.append(
        DocumentRecord(
            external_id=f"faers:{drug}",
            title=f"Reported side effects: {display} (FDA FAERS)",
            sections=[
                Section("Most reported reactions", _reaction_text(drug, top, basis, reports))
            ],
            doc_type="adverse_events",
            region="US",
            url=INFO_URL,
            authority="FDA",
            published=_iso_date(meta.get("last_updated")),
            metadata={
                "drug": drug,
                "basis": basis,  # "count": openFDA's counts; "reports": counted here
                "reports_counted": reports if basis == "reports" else None,
                "reactions": [[term, count] for term, count in top],
                "count_query": f"{API_URL}?{query}",
                "last_updated": meta.get("last_updated"),
            },
        )
    )
    result.drugs.append(
        DrugRecord(
            name=drug,
            reported_reactions=top,
            references=[{"title": "FDA Adverse Event Reporting System (openFDA)", "url": INFO_URL}],
        )
    )


def _reaction_text(drug: str, top: list[tuple[str, int]], basis: str, reports: int) -> str:
    if basis == "count":
        lead = (
            f"Reports to the FDA Adverse Event Reporting System (FAERS) that mention {drug} "
            "most often name these reactions (number of reports):"
        )
    else:
        sample = (
            "1 FAERS report that mentions"
            if reports == 1
            else f"{reports:,} FAERS reports that mention"
        )
        lead = f"In a sample of {sample} {drug}, these reactions were named (number of reports):"
    lines = [f"- {term.capitalize()}: {count:,}" for term, count in top]
    return "\n".join([lead, *lines, "", CAVEAT.format(drug=drug)])


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _iso_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


SOURCE = OpenFDAEventsSource()
