"""openFDA drug labels: parsing real recorded responses (2015 full and current minimized
shapes), broken input, and how fetch pages through the API."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from knowledge.sources import get
from knowledge.sources.http import FetchError
from knowledge.sources.openfda_label import API_URL, SOURCE, build_search, parse

ASPIRIN_SET_ID = "0025eb89-590c-4451-8a06-b129686cf75a"
VYVANSE_SET_ID = "704e4378-ca83-445c-8b45-3cfa51c1ecad"


def _load(shared_data: Path, name: str) -> dict:
    return json.loads((shared_data / "api" / name).read_bytes())


def _encode(data: object) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def aspirin(shared_data: Path) -> dict:
    return _load(shared_data, "openfda_label_aspirin_otc_2015.json")


@pytest.fixture
def vyvanse(shared_data: Path) -> dict:
    return _load(shared_data, "openfda_label_vyvanse_rx_2015.json")


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


def _page(count: int, total: int) -> bytes:
    results = [{"set_id": f"set-{i}", "openfda": {"generic_name": ["X"]}} for i in range(count)]
    return _encode(
        {"meta": {"results": {"skip": 0, "limit": count, "total": total}}, "results": results}
    )


def test_the_registry_returns_this_source_by_its_slug():
    assert get("openfda-label") is SOURCE
    assert SOURCE.slug == "openfda-label"
    assert SOURCE.url.startswith("https://open.fda.gov/")


# --- The 2015 OTC label (aspirin) ----------------------------------------------------------


def test_an_otc_label_becomes_one_document_and_one_drug(shared_data):
    result = parse((shared_data / "api" / "openfda_label_aspirin_otc_2015.json").read_bytes())

    assert (len(result.documents), len(result.drugs), result.skipped) == (1, 1, 0)
    assert result.problems == []
    assert result.total == 645
    document = result.documents[0]
    assert document.external_id == ASPIRIN_SET_ID
    assert document.title == "Aspirin Adult low strength (aspirin) (OTC)"
    assert (document.doc_type, document.region, document.authority) == ("drug_label", "US", "FDA")
    assert document.published == date(2012, 11, 14)
    assert (
        document.url == f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={ASPIRIN_SET_ID}"
    )
    assert document.metadata["rxcui"] == ["308416"]
    assert document.metadata["product_type"] == "HUMAN OTC DRUG"
    assert document.metadata["manufacturer"] == "Valu Merchandisers Company (Best Choice)"
    assert document.metadata["spl_id"] == "8244057c-8522-4871-8576-a15b9583cbb7"


def test_otc_sections_come_in_reading_order_with_human_headings(shared_data):
    document = parse(
        (shared_data / "api" / "openfda_label_aspirin_otc_2015.json").read_bytes()
    ).documents[0]
    headings = [section.heading for section in document.sections]

    assert headings == [
        "Indications and usage",
        "Purpose",
        "Dosage and administration",
        "Warnings",
        "Do not use",
        "Ask a doctor before use if",
        "Ask a doctor or pharmacist before use if",
        "Stop use and ask a doctor if",
        "If pregnant or breast-feeding",
        "Keep out of reach of children",
        "Other information",
        "Active ingredient",
        "Inactive ingredients",
        "Questions or comments",
    ]


def test_the_otc_warnings_box_keeps_its_lead_in_and_each_part_is_said_once(shared_data):
    document = parse(
        (shared_data / "api" / "openfda_label_aspirin_otc_2015.json").read_bytes()
    ).documents[0]
    sections = {section.heading: section.text for section in document.sections}

    assert sections["Warnings"].startswith("Reye\u2019s syndrome: Children and teenagers")
    assert sections["Warnings"].endswith("take more or for a longer time than directed")
    assert sections["Do not use"] == (
        "if you have ever had an allergic reaction to any other pain reliever/fever reducer"
    )
    assert document.text.count("if you have ever had an allergic reaction") == 1
    # The heading the label repeats ("Directions ...", "Purpose ...") is not repeated again.
    assert sections["Dosage and administration"].startswith("do not exceed recommended dosage")
    assert sections["Purpose"] == "Pain reliever"


def test_the_otc_drug_record_carries_names_availability_and_warnings(shared_data):
    drug = parse((shared_data / "api" / "openfda_label_aspirin_otc_2015.json").read_bytes()).drugs[
        0
    ]

    assert drug.name == "aspirin"
    assert drug.rxcui == "308416"
    assert drug.brand_names == ["Aspirin Adult low strength"]
    assert drug.active_ingredients == ["aspirin"]
    assert drug.availability == {"US": "otc"}
    assert drug.drug_class == "Nonsteroidal Anti-inflammatory Drug"
    assert "during the last 3 months of pregnancy" in drug.pregnancy_warning
    assert drug.label_warnings.startswith("Reye\u2019s syndrome")
    assert len(drug.label_warnings) <= 610
    # OTC labels keep storage under "Other information".
    assert drug.storage.startswith("store at controlled room temperature 15°-30°C")
    assert drug.references == [
        {
            "title": "FDA label: Aspirin Adult low strength (aspirin) (OTC)",
            "url": f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={ASPIRIN_SET_ID}",
        }
    ]


# --- The 2015 prescription label (Vyvanse) -------------------------------------------------


def test_a_prescription_label_starts_with_its_boxed_warning(shared_data):
    result = parse((shared_data / "api" / "openfda_label_vyvanse_rx_2015.json").read_bytes())

    assert (len(result.documents), len(result.drugs), result.skipped) == (1, 1, 0)
    assert result.total == 3
    assert result.next_cursor == "1"
    document = result.documents[0]
    assert document.external_id == VYVANSE_SET_ID
    assert document.title == "Vyvanse (lisdexamfetamine dimesylate) (Rx)"
    assert document.published == date(2015, 4, 1)
    assert document.sections[0].heading == "Boxed warning"
    assert document.sections[0].text.startswith("WARNING: ABUSE AND DEPENDENCE")
    headings = [section.heading for section in document.sections]
    for heading in ("Drug interactions", "Adverse reactions", "Use in specific populations"):
        assert heading in headings
    assert headings.index("Indications and usage") < headings.index("Drug interactions")


def test_html_table_fields_are_left_out(shared_data, vyvanse):
    assert "drug_interactions_table" in vyvanse["results"][0]

    document = parse(_encode(vyvanse)).documents[0]

    assert not any(
        "<table" in section.text or "<td" in section.text for section in document.sections
    )


def test_sub_sections_repeated_inside_their_parent_are_kept_once(vyvanse):
    document = parse(_encode(vyvanse)).documents[0]
    headings = [section.heading for section in document.sections]

    # 8.1 Pregnancy is inside 8 Use in specific populations; 12.3 inside 12.
    assert "Pregnancy" not in headings
    assert "Pharmacokinetics" not in headings
    assert document.text.count("Pregnancy Category C") == 1
    sections = {section.heading: section.text for section in document.sections}
    assert sections["Warnings and precautions"].startswith("Serious Cardiovascular Reactions:")


def test_the_prescription_drug_record_is_rx_with_trimmed_warnings(vyvanse):
    drug = parse(_encode(vyvanse)).drugs[0]

    assert drug.name == "lisdexamfetamine dimesylate"
    assert drug.brand_names == ["Vyvanse"]
    assert drug.rxcui == "854842"  # openFDA's first, a product-level RxCUI
    assert drug.availability == {"US": "rx"}
    assert drug.drug_class == "Central Nervous System Stimulant"
    assert drug.label_warnings.startswith("WARNING: ABUSE AND DEPENDENCE CNS stimulants")
    assert len(drug.label_warnings) <= 610
    assert drug.pregnancy_warning.startswith("Pregnancy Category C Risk Summary")
    assert "Store at room temperature, 20ºC to 25º C" in drug.storage


# --- The current minimized shape (Keytruda) ------------------------------------------------


def test_minimized_records_without_text_give_drugs_but_no_documents(shared_data):
    result = parse((shared_data / "api" / "openfda_label_keytruda_minimized.json").read_bytes())

    assert result.documents == []
    assert result.skipped == 2
    assert result.total == 2
    assert [drug.name for drug in result.drugs] == [
        "pembrolizumab and berahyaluronidase alfa-pmph",
        "pembrolizumab",
    ]
    assert [drug.brand_names for drug in result.drugs] == [["KEYTRUDA QLEX"], ["KEYTRUDA"]]
    assert result.drugs[1].availability == {}  # no product_type in the minimized record
    assert "9333c79b-d487-4538-a9f0-71b91a02b287" in result.problems[1]
    assert "no label text" in result.problems[1]


# --- Broken input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b'{"meta": {"results": {"total": 645}}, "results": [{"set_id": "0025eb89',
        b"[1, 2, 3]",
        b'{"meta": {}}',
        b'{"results": "not a list"}',
        b"\xff\xfe not utf-8",
    ],
    ids=["empty", "truncated", "a list", "no results", "results not a list", "bad bytes"],
)
def test_unreadable_responses_give_no_records_and_one_problem(raw):
    result = parse(raw)

    assert result.record_count == 0
    assert result.skipped == 1
    assert len(result.problems) == 1


def test_a_truncated_real_response_is_reported_not_raised(shared_data):
    raw = (shared_data / "api" / "openfda_label_vyvanse_rx_2015.json").read_bytes()

    result = parse(raw[: len(raw) // 2])

    assert result.record_count == 0
    assert "not valid JSON" in result.problems[0]


def _without(record: dict, *fields: str) -> dict:
    broken = copy.deepcopy(record)
    for field in fields:
        broken.pop(field, None)
    return broken


@pytest.mark.parametrize(
    ("breakage", "why"),
    [
        (lambda r: _without(r, "set_id", "id"), "no set_id or id"),
        (lambda r: _without(r, "openfda"), "no brand or generic name"),
        (lambda r: "not a record", "not a JSON object"),
    ],
    ids=["no ids", "no openfda names", "not an object"],
)
def test_a_broken_label_is_skipped_and_the_good_one_kept(aspirin, vyvanse, breakage, why):
    aspirin["results"].append(breakage(vyvanse["results"][0]))

    result = parse(_encode(aspirin))

    assert [document.external_id for document in result.documents] == [ASPIRIN_SET_ID]
    assert result.skipped == 1
    assert why in result.problems[0]


def test_a_label_without_an_effective_time_still_parses_undated(aspirin):
    aspirin["results"][0]["effective_time"] = "2012-bad"

    document = parse(_encode(aspirin)).documents[0]

    assert document.published is None


def test_an_empty_results_list_gives_no_records_and_no_problems(aspirin):
    aspirin["results"] = []

    result = parse(_encode(aspirin))

    assert (result.record_count, result.skipped, result.problems) == (0, 0, [])


def test_an_openfda_error_body_is_a_problem_not_a_skip():
    result = parse(b'{"error": {"code": "NOT_FOUND", "message": "No matches found!"}}')

    assert (result.record_count, result.skipped) == (0, 0)
    assert result.problems == ["openFDA error NOT_FOUND: No matches found!"]


# --- Fetching ----------------------------------------------------------------------------------


def test_a_plain_drug_name_searches_generic_and_brand_names():
    assert build_search("ibuprofen") == (
        'openfda.generic_name:"ibuprofen" OR openfda.brand_name:"ibuprofen"'
    )


def test_a_query_that_names_fields_is_passed_through():
    assert build_search('openfda.generic_name:"ibuprofen"') == 'openfda.generic_name:"ibuprofen"'


def test_fetch_pages_by_100_up_to_the_limit_with_skip_cursors():
    client = FakeClient(_page(100, 645), _page(100, 645), _page(50, 645))

    pages = list(SOURCE.fetch(client, query="aspirin", limit=250, cursor=None))

    assert [call[1]["skip"] for call in client.calls] == [0, 100, 200]
    assert [call[1]["limit"] for call in client.calls] == [100, 100, 50]
    assert {call[0] for call in client.calls} == {API_URL}
    assert {call[2] for call in client.calls} == {"openfda-label"}
    assert client.calls[0][1]["search"] == build_search("aspirin")
    assert [page.cursor_after for page in pages] == ["100", "200", "250"]
    assert pages[0].url.startswith(f"{API_URL}?limit=100&skip=0&search=")


def test_fetch_stops_when_the_total_is_reached():
    client = FakeClient(_page(100, 150), _page(50, 150))

    pages = list(SOURCE.fetch(client, query=None, limit=None, cursor=None))

    assert [page.cursor_after for page in pages] == ["100", "150"]
    assert "search" not in client.calls[0][1]


def test_fetch_resumes_from_its_cursor():
    client = FakeClient(_page(100, 645))

    list(SOURCE.fetch(client, query="aspirin", limit=100, cursor="300"))

    assert client.calls[0][1]["skip"] == 300


def test_fetch_stops_at_openfdas_skip_ceiling():
    client = FakeClient(_page(100, 100_000), _page(100, 100_000))

    pages = list(SOURCE.fetch(client, query=None, limit=None, cursor="25000"))

    assert len(pages) == 1
    assert client.calls[0][1]["skip"] == 25_000


def test_fetch_rejects_a_cursor_that_is_not_an_offset():
    with pytest.raises(ValueError, match="skip offset"):
        list(SOURCE.fetch(FakeClient(), query=None, limit=None, cursor="page-2"))


def test_fetch_treats_openfdas_no_matches_404_as_the_end():
    client = FakeClient(FetchError(API_URL, "HTTP 404", status=404))

    assert list(SOURCE.fetch(client, query="notadrug", limit=None, cursor=None)) == []


def test_fetch_lets_other_failures_through():
    client = FakeClient(FetchError(API_URL, "HTTP 403", status=403))

    with pytest.raises(FetchError):
        list(SOURCE.fetch(client, query="aspirin", limit=None, cursor=None))
