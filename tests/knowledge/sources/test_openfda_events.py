"""openFDA adverse events (FAERS): count and report responses, wrapped or bare, broken input,
and the envelope fetch builds."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from knowledge.sources import get
from knowledge.sources.http import FetchError
from knowledge.sources.openfda_events import API_URL, COUNT_FIELD, SOURCE, parse, wrap


def _raw(shared_data: Path, name: str) -> bytes:
    return (shared_data / "api" / name).read_bytes()


def _encode(data: object) -> bytes:
    return json.dumps(data).encode()


class FakeClient:
    """The shared HTTP client's interface, answering with canned bodies in order."""

    def __init__(self, *bodies: bytes | Exception) -> None:
        self.bodies = list(bodies)
        self.calls: list[tuple[str, dict | None, str]] = []

    def fetch(self, url: str, *, params: dict | None = None, source: str) -> bytes:
        self.calls.append((url, params, source))
        body = self.bodies.pop(0)
        if isinstance(body, Exception):
            raise body
        return body


def test_the_registry_returns_this_source_by_its_slug():
    assert get("openfda-events") is SOURCE


# --- Count responses -----------------------------------------------------------------------


def test_a_wrapped_count_response_gives_a_document_and_the_drugs_reactions(shared_data):
    raw = wrap("pembrolizumab", _raw(shared_data, "openfda_event_count_pembrolizumab.json"))

    result = parse(raw)

    assert (len(result.documents), len(result.drugs), result.skipped) == (1, 1, 0)
    document = result.documents[0]
    assert document.external_id == "faers:pembrolizumab"
    assert document.title == "Reported side effects: Pembrolizumab (FDA FAERS)"
    assert (document.doc_type, document.region, document.authority) == (
        "adverse_events",
        "US",
        "FDA",
    )
    assert document.url.startswith("https://open.fda.gov/")
    assert document.published == date(2026, 7, 30)  # meta.last_updated
    assert document.metadata["basis"] == "count"
    drug = result.drugs[0]
    assert drug.name == "pembrolizumab"
    assert drug.reported_reactions == [("MALIGNANT NEOPLASM PROGRESSION", 12016)]


def test_the_document_lists_reactions_in_plain_words_with_the_caveat(shared_data):
    raw = wrap("pembrolizumab", _raw(shared_data, "openfda_event_count_pembrolizumab.json"))

    section = parse(raw).documents[0].sections[0]

    assert section.heading == "Most reported reactions"
    assert "- Malignant neoplasm progression: 12,016" in section.text
    assert "A report does not prove that pembrolizumab caused the reaction" in section.text
    assert "not show how often a side effect happens" in section.text


def test_a_bare_count_response_is_skipped_because_it_names_no_drug(shared_data):
    result = parse(_raw(shared_data, "openfda_event_count_pembrolizumab.json"))

    assert result.record_count == 0
    assert result.skipped == 1
    assert result.problems[0].startswith(
        "no drug name: ingest count responses through fetch or wrap them"
    )


def test_only_the_top_25_reactions_are_kept_most_reported_first(shared_data):
    data = json.loads(_raw(shared_data, "openfda_event_count_pembrolizumab.json"))
    data["results"] += [{"term": f"TERM {n:02d}", "count": n} for n in range(1, 31)]

    drug = parse(wrap("pembrolizumab", _encode(data))).drugs[0]

    assert len(drug.reported_reactions) == 25
    assert drug.reported_reactions[:2] == [
        ("MALIGNANT NEOPLASM PROGRESSION", 12016),
        ("TERM 30", 30),
    ]


# --- Search responses of full reports ------------------------------------------------------


def test_a_bare_search_response_takes_the_drug_from_the_first_reports_suspect(shared_data):
    result = parse(_raw(shared_data, "openfda_event_search_2015.json"))

    assert (len(result.documents), len(result.drugs), result.skipped) == (1, 1, 0)
    assert result.total == 59744
    assert result.drugs[0].name == "gadodiamide"  # OMNISCAN, drugcharacterization 1
    assert result.drugs[0].reported_reactions == [("NEPHROGENIC SYSTEMIC FIBROSIS", 1)]
    document = result.documents[0]
    assert document.external_id == "faers:gadodiamide"
    assert document.published == date(2015, 1, 21)
    assert document.metadata["basis"] == "reports"
    assert "In a sample of 1 FAERS report that mentions gadodiamide" in document.text


def test_the_query_envelope_names_the_drug_over_the_reports(shared_data):
    raw = wrap("omniscan", _raw(shared_data, "openfda_event_search_2015.json"))

    assert parse(raw).drugs[0].name == "omniscan"


def test_a_single_report_without_annotations_names_no_drug(shared_data):
    result = parse(_raw(shared_data, "openfda_faers_event_record_postannotation.json"))

    assert result.record_count == 0
    assert result.skipped == 1
    assert "no drug name" in result.problems[0]


def test_a_wrapped_single_report_counts_each_of_its_reactions_once(shared_data):
    raw = wrap("rofecoxib", _raw(shared_data, "openfda_faers_event_record_postannotation.json"))

    result = parse(raw)

    assert (len(result.documents), len(result.drugs), result.skipped) == (1, 1, 0)
    reactions = result.drugs[0].reported_reactions
    assert len(reactions) == 25  # of the report's 86 distinct terms
    assert {count for _, count in reactions} == {1}
    # Ties are alphabetical, so the same report always reads the same.
    assert reactions[0] == ("ACTIVATED PARTIAL THROMBOPLASTIN TIME PROLONGED", 1)
    assert result.documents[0].metadata["reports_counted"] == 1
    assert result.documents[0].published is None  # a bare record has no meta


def test_reports_are_counted_once_per_report_across_the_page(shared_data):
    data = json.loads(_raw(shared_data, "openfda_event_search_2015.json"))
    data["results"].append(copy.deepcopy(data["results"][0]))

    drug = parse(_encode(data)).drugs[0]

    assert drug.reported_reactions == [("NEPHROGENIC SYSTEMIC FIBROSIS", 2)]


# --- Broken input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b'{"meta": {"disclaimer": "Do not rely',
        b"[]",
        b'{"meta": {}}',
        b'{"lumen_query": "ibuprofen", "response": "not json"}',
    ],
    ids=["empty", "truncated", "a list", "no results", "envelope around nothing"],
)
def test_unreadable_responses_give_no_records_and_one_problem(raw):
    result = parse(raw)

    assert result.record_count == 0
    assert result.skipped == 1
    assert len(result.problems) == 1


def test_a_broken_count_entry_is_skipped_and_the_good_one_kept(shared_data):
    data = json.loads(_raw(shared_data, "openfda_event_count_pembrolizumab.json"))
    broken = dict(data["results"][0], term="NAUSEA")
    del broken["count"]
    data["results"].append(broken)

    result = parse(wrap("pembrolizumab", _encode(data)))

    assert result.drugs[0].reported_reactions == [("MALIGNANT NEOPLASM PROGRESSION", 12016)]
    assert result.skipped == 1
    assert "NAUSEA" in result.problems[0]


def test_a_report_without_reactions_is_skipped_and_the_good_one_kept(shared_data):
    data = json.loads(_raw(shared_data, "openfda_event_search_2015.json"))
    broken = copy.deepcopy(data["results"][0])
    del broken["patient"]["reaction"]
    data["results"].append(broken)

    result = parse(_encode(data))

    assert result.drugs[0].reported_reactions == [("NEPHROGENIC SYSTEMIC FIBROSIS", 1)]
    assert result.skipped == 1
    assert broken["safetyreportid"] in result.problems[0]


@pytest.mark.parametrize("wrapped", [True, False], ids=["wrapped", "bare"])
def test_an_empty_results_list_gives_no_records_and_no_problems(shared_data, wrapped):
    data = json.loads(_raw(shared_data, "openfda_event_count_pembrolizumab.json"))
    data["results"] = []
    raw = wrap("pembrolizumab", _encode(data)) if wrapped else _encode(data)

    result = parse(raw)

    assert (result.record_count, result.skipped, result.problems) == (0, 0, [])


def test_an_openfda_error_inside_the_envelope_is_a_problem_not_a_skip():
    raw = wrap("notadrug", b'{"error": {"code": "NOT_FOUND", "message": "No matches found!"}}')

    result = parse(raw)

    assert (result.record_count, result.skipped) == (0, 0)
    assert result.problems == ["openFDA error NOT_FOUND: No matches found!"]


# --- Fetching ----------------------------------------------------------------------------------


def test_fetch_needs_a_drug_name():
    with pytest.raises(ValueError, match="needs a query"):
        list(SOURCE.fetch(FakeClient(), query=None, limit=None, cursor=None))
    with pytest.raises(ValueError, match="needs a query"):
        list(SOURCE.fetch(FakeClient(), query=" , ", limit=None, cursor=None))


def test_fetch_counts_reactions_per_drug_and_wraps_each_answer(shared_data):
    body = _raw(shared_data, "openfda_event_count_pembrolizumab.json")
    client = FakeClient(body, body)

    pages = list(SOURCE.fetch(client, query="Pembrolizumab, ibuprofen", limit=10, cursor=None))

    assert client.calls[0] == (
        API_URL,
        {
            "search": 'patient.drug.openfda.generic_name:"pembrolizumab"',
            "count": COUNT_FIELD,
            "limit": 10,
        },
        "openfda-events",
    )
    assert client.calls[1][1]["search"] == 'patient.drug.openfda.generic_name:"ibuprofen"'
    assert [page.cursor_after for page in pages] == ["1", "2"]
    envelope = json.loads(pages[0].body)
    assert envelope["lumen_query"] == "pembrolizumab"
    assert envelope["response"] == json.loads(body)
    assert pages[0].url.startswith(f"{API_URL}?search=patient.drug.openfda.generic_name")
    assert parse(pages[1].body).drugs[0].name == "ibuprofen"


def test_fetch_resumes_after_the_drugs_already_done(shared_data):
    client = FakeClient(_raw(shared_data, "openfda_event_count_pembrolizumab.json"))

    pages = list(SOURCE.fetch(client, query="pembrolizumab, ibuprofen", limit=None, cursor="1"))

    assert len(pages) == 1
    assert client.calls[0][1]["search"].endswith('"ibuprofen"')
    assert client.calls[0][1]["limit"] == 100  # default number of terms


def test_fetch_keeps_the_term_limit_within_openfdas_maximum(shared_data):
    client = FakeClient(_raw(shared_data, "openfda_event_count_pembrolizumab.json"))

    list(SOURCE.fetch(client, query="pembrolizumab", limit=5000, cursor=None))

    assert client.calls[0][1]["limit"] == 1000


def test_a_body_that_is_not_json_is_passed_on_unwrapped():
    assert wrap("ibuprofen", b"<html>502 Bad Gateway</html>") == b"<html>502 Bad Gateway</html>"


def test_fetch_passes_over_a_drug_no_report_mentions(shared_data):
    body = _raw(shared_data, "openfda_event_count_pembrolizumab.json")
    client = FakeClient(FetchError(API_URL, "HTTP 404", status=404), body)

    pages = list(SOURCE.fetch(client, query="notadrug, pembrolizumab", limit=None, cursor=None))

    assert [json.loads(page.body)["lumen_query"] for page in pages] == ["pembrolizumab"]
    assert pages[0].cursor_after == "2"


def test_fetch_lets_other_failures_through():
    client = FakeClient(FetchError(API_URL, "HTTP 500", status=500))

    with pytest.raises(FetchError):
        list(SOURCE.fetch(client, query="pembrolizumab", limit=None, cursor=None))
