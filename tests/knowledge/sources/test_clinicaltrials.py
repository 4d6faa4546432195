"""ClinicalTrials.gov v2: search pages and single studies to documents, and fetch's paging."""

from __future__ import annotations

import json
from datetime import date

import pytest

from knowledge import sources
from knowledge.sources.clinicaltrials import SOURCE


class FakeClient:
    """Stands in for PoliteClient: records each call and answers from `respond`."""

    def __init__(self, respond):
        self.respond = respond
        self.calls: list[tuple[str, dict | None, str]] = []

    def fetch(self, url: str, *, params: dict | None = None, source: str) -> bytes:
        self.calls.append((url, params, source))
        return self.respond(url, params)


@pytest.fixture
def search(shared_data) -> dict:
    return json.loads((shared_data / "api" / "ctgov_v2_search_keytruda_limit3.json").read_bytes())


@pytest.fixture
def study(shared_data) -> dict:
    return json.loads((shared_data / "api" / "ctgov_v2_study_NCT06382129.json").read_bytes())


def parse(payload) -> object:
    return SOURCE.parse(json.dumps(payload).encode())


def with_countries(study: dict, *countries: str) -> dict:
    study["protocolSection"]["contactsLocationsModule"] = {
        "locations": [{"facility": f"Site {n}", "country": c} for n, c in enumerate(countries)]
    }
    return study


def test_the_registry_finds_the_clinicaltrials_source():
    assert sources.get("clinicaltrials") is SOURCE


def test_a_real_search_page_gives_three_trials_and_the_paging_hints(shared_data):
    raw = (shared_data / "api" / "ctgov_v2_search_keytruda_limit3.json").read_bytes()

    result = SOURCE.parse(raw)

    assert [d.external_id for d in result.documents] == [
        "NCT05431270",
        "NCT03590054",
        "NCT04795661",
    ]
    assert result.skipped == 0 and result.problems == []
    assert result.total == 2924
    assert result.next_cursor == "ZVt07cGHkvI2wRk2CJf6_LLq14bEL8swd7KrgP4YnzmVtA"


def test_a_trial_document_has_title_url_sections_and_dates(search):
    doc = parse(search).documents[1]

    assert doc.title == (
        "Abexinostat in Combination With Pembrolizumab in Patients With Advanced Solid Tumor "
        "Malignancies"
    )
    assert doc.doc_type == "trial"
    assert doc.authority == "NIH"
    assert doc.url == "https://clinicaltrials.gov/study/NCT03590054"
    assert [s.heading for s in doc.sections] == [
        "Summary",
        "Conditions",
        "Interventions",
        "Eligibility",
        "Status",
    ]  # no detailed description in this record, so no empty section
    assert doc.sections[0].text.startswith("This phase I trial studies the best dose")
    assert "Stage IVB Lung Cancer AJCC v8" in doc.sections[1].text
    assert doc.sections[2].text == "Abexinostat\nPembrolizumab"
    assert "Overall status: Completed" in doc.sections[4].text
    assert "Phases: Phase 1" in doc.sections[4].text
    assert "Enrollment: 35" in doc.sections[4].text
    assert doc.published == date(2018, 8, 20)  # start date: no first-post date was requested
    assert doc.metadata["phases"] == ["PHASE1"]
    assert doc.metadata["sponsor"] == "Rahul Aggarwal"


def test_a_real_single_study_parses_with_eligibility_and_other_names(shared_data):
    raw = (shared_data / "api" / "ctgov_v2_study_NCT06382129.json").read_bytes()

    result = SOURCE.parse(raw)

    (doc,) = result.documents
    assert doc.external_id == "NCT06382129"
    assert doc.title.startswith("A Study Comparing BL-B01D1 With Docetaxel")
    assert result.total is None and result.next_cursor is None
    sections = {s.heading: s.text for s in doc.sections}
    assert sections["Interventions"].startswith(
        "BL-B01D1; also called iza-bren, izalontamab brengitecan, BMS-986507"
    )
    assert sections["Eligibility"].startswith("Sex: All\nAge: 18 Years and older")
    assert "Inclusion Criteria:" in sections["Eligibility"]
    assert "Urine protein ≤2+ or < 1000mg/24h" in sections["Eligibility"]  # "\<" unescaped
    assert "Phases: Phase 3" in sections["Status"]
    assert "Completion date: 2026-12" in sections["Status"]
    assert doc.metadata["enrollment"] == 698
    assert doc.published == date(2024, 5, 17)


def test_the_first_posted_date_is_preferred_to_the_start_date(study):
    study["protocolSection"]["statusModule"]["studyFirstPostDateStruct"] = {"date": "2024-04-24"}

    assert parse(study).documents[0].published == date(2024, 4, 24)


def test_a_month_only_date_is_the_first_of_that_month(study):
    del study["protocolSection"]["statusModule"]["startDateStruct"]
    study["protocolSection"]["statusModule"]["studyFirstPostDateStruct"] = {"date": "2024-04"}

    assert parse(study).documents[0].published == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("countries", "region"),
    [
        ((), "INTL"),
        (("United States", "United States"), "US"),
        (("Germany", "France"), "EU"),
        (("United Kingdom",), "UK"),
        (("United States", "Germany"), "INTL"),
        (("China",), "INTL"),
    ],
)
def test_the_region_follows_where_the_sites_are(study, countries, region):
    doc = parse(with_countries(study, *countries)).documents[0]

    assert doc.region == region
    assert doc.metadata["countries"] == sorted(set(countries))


def test_a_study_without_nct_id_is_skipped_and_the_others_kept(search):
    del search["studies"][1]["protocolSection"]["identificationModule"]["nctId"]

    result = parse(search)

    assert [d.external_id for d in result.documents] == ["NCT05431270", "NCT04795661"]
    assert result.skipped == 1
    assert result.problems == ["study #2 has no nctId"]


def test_a_study_without_any_title_is_skipped_with_its_id(search):
    del search["studies"][0]["protocolSection"]["identificationModule"]["briefTitle"]

    result = parse(search)

    assert len(result.documents) == 2
    assert result.skipped == 1 and "NCT05431270" in result.problems[0]


def test_the_official_title_stands_in_for_a_missing_brief_title(study):
    ident = study["protocolSection"]["identificationModule"]
    del ident["briefTitle"]
    ident["officialTitle"] = "A Phase III Study of BL-B01D1 Versus Docetaxel"

    assert parse(study).documents[0].title == "A Phase III Study of BL-B01D1 Versus Docetaxel"


@pytest.mark.parametrize(
    "raw",
    [b"", b'{"studies": [{"protocolSection": ', b"<html>"],
    ids=["empty", "truncated", "html"],
)
def test_unparseable_json_gives_no_documents_and_one_problem(raw):
    result = SOURCE.parse(raw)

    assert result.documents == [] and result.skipped == 1
    assert result.problems[0].startswith("malformed JSON")


def test_a_truncated_real_page_gives_no_documents(shared_data):
    raw = (shared_data / "api" / "ctgov_v2_search_keytruda_limit3.json").read_bytes()

    result = SOURCE.parse(raw[: len(raw) // 2])

    assert result.documents == [] and result.skipped == 1


@pytest.mark.parametrize("payload", [[], {"error": "bad request"}, "studies", 3])
def test_json_of_the_wrong_shape_is_one_problem(payload):
    result = parse(payload)

    assert result.documents == [] and result.skipped == 1
    assert "unexpected JSON shape" in result.problems[0]


def test_a_study_list_holding_junk_skips_the_junk():
    result = parse({"studies": [None, "x", {"protocolSection": []}]})

    assert result.documents == [] and result.skipped == 3


def test_an_empty_search_page_gives_nothing_and_no_problem():
    result = parse({"studies": [], "totalCount": 0})

    assert result.documents == [] and result.skipped == 0 and result.problems == []
    assert result.total == 0 and result.next_cursor is None


def page(ids: list[str], token: str | None) -> bytes:
    studies = [
        {"protocolSection": {"identificationModule": {"nctId": i, "briefTitle": f"Trial {i}"}}}
        for i in ids
    ]
    body = {"studies": studies, "totalCount": 5}
    if token:
        body["nextPageToken"] = token
    return json.dumps(body).encode()


def test_fetch_follows_next_page_tokens_to_the_last_page():
    answers = {None: page(["NCT1", "NCT2"], "tok2"), "tok2": page(["NCT3"], None)}
    client = FakeClient(lambda url, params: answers[params.get("pageToken")])

    pages = list(SOURCE.fetch(client, query="keytruda", limit=None, cursor=None))

    assert [p.cursor_after for p in pages] == ["tok2", None]
    (url, first, source), (_, second, _) = client.calls
    assert url == "https://clinicaltrials.gov/api/v2/studies"
    assert source == "clinicaltrials"
    assert first == {
        "pageSize": 100,
        "countTotal": "true",
        "format": "json",
        "query.term": "keytruda",
    }
    assert second["pageToken"] == "tok2"
    assert "query.term=keytruda" in pages[0].url and "pageToken=tok2" in pages[1].url


def test_fetch_resumes_from_the_cursor_token():
    client = FakeClient(lambda url, params: page(["NCT3"], None))

    list(SOURCE.fetch(client, query="keytruda", limit=None, cursor="tok2"))

    assert client.calls[0][1]["pageToken"] == "tok2"


def test_fetch_asks_only_for_what_the_limit_leaves(search):
    client = FakeClient(lambda url, params: json.dumps(search).encode())

    pages = list(SOURCE.fetch(client, query=None, limit=3, cursor=None))

    assert len(pages) == 1  # three studies came back, the limit is met
    assert client.calls[0][1]["pageSize"] == 3
    assert "query.term" not in client.calls[0][1]
