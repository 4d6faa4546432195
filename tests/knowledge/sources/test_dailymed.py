"""DailyMed SPL XML: a real prescription label (Lipitor) and a real OTC Drug Facts label,
broken input, and how fetch walks the listing."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from knowledge.sources import get
from knowledge.sources.dailymed import API_BASE, SOURCE, parse

LIPITOR_SET_ID = "c6e131fe-e7df-4876-83f7-9156fc4e8228"
COUGH_SET_ID = "00f66f25-3469-4c16-9baf-fba21e9628bd"


def _raw(shared_data: Path, name: str) -> bytes:
    return (shared_data / "api" / name).read_bytes()


@pytest.fixture
def lipitor(shared_data: Path):
    return parse(_raw(shared_data, "dailymed_spl_lipitor_rx.xml"))


@pytest.fixture
def cough(shared_data: Path):
    return parse(_raw(shared_data, "dailymed_spl_cough_otc.xml"))


class FakeClient:
    """The shared HTTP client's interface: listing pages by page number, SPL XML by URL."""

    def __init__(self, listings: dict[int, list[str]], total_pages: int) -> None:
        self.listings = listings
        self.total_pages = total_pages
        self.calls: list[tuple[str, dict | None, str]] = []

    def fetch(self, url: str, *, params: dict | None = None, source: str) -> bytes:
        self.calls.append((url, params, source))
        if url.endswith("/spls.json"):
            rows = [{"setid": set_id, "title": "T"} for set_id in self.listings[params["page"]]]
            return json.dumps(
                {"data": rows, "metadata": {"total_pages": self.total_pages}}
            ).encode()
        return f"<document>{url}</document>".encode()


def test_the_registry_returns_this_source_by_its_slug():
    assert get("dailymed") is SOURCE


# --- Prescription label (Lipitor) ------------------------------------------------------------


def test_a_prescription_spl_becomes_one_document_and_one_drug(lipitor):
    assert (len(lipitor.documents), len(lipitor.drugs), lipitor.skipped) == (1, 1, 0)
    assert lipitor.problems == []
    document = lipitor.documents[0]
    assert document.external_id == LIPITOR_SET_ID
    assert document.title == "Lipitor (atorvastatin calcium) (Rx)"
    assert (document.doc_type, document.region, document.authority) == ("drug_label", "US", "FDA")
    assert document.published == date(2014, 1, 13)
    assert (
        document.url == f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={LIPITOR_SET_ID}"
    )
    assert document.metadata["label_kind"] == "rx"
    assert document.metadata["document_code"] == "34391-3"
    assert document.metadata["version"] == "11"
    assert document.metadata["manufacturer"] == "Parke-Davis Div of Pfizer Inc"
    assert document.metadata["ndc"] == ["0071-0155", "0071-0156", "0071-0157", "0071-0158"]
    # The SPL <title> is highlights boilerplate, kept for reference but not used as the title.
    assert document.metadata["spl_title"].startswith("These highlights do not include")


def test_nested_sections_keep_their_order_and_their_parents_titles(lipitor):
    headings = [section.heading for section in lipitor.documents[0].sections]

    assert len(headings) == 61
    assert headings[0] == "1 INDICATIONS AND USAGE"
    # Pregnancy listed under Contraindications must not read as a stand-alone section.
    assert "4 CONTRAINDICATIONS > 4.3 Pregnancy" in headings
    assert "8 USE IN SPECIFIC POPULATIONS > 8.1 Pregnancy > Teratogenic effects" in headings
    assert headings.index("7 DRUG INTERACTIONS > 7.2 Grapefruit Juice") < headings.index(
        "8 USE IN SPECIFIC POPULATIONS > 8.5 Geriatric Use"
    )
    assert "16 HOW SUPPLIED/STORAGE AND HANDLING > Storage and handling" in headings


def test_product_data_package_panels_and_highlights_are_left_out(lipitor):
    document = lipitor.documents[0]

    assert not any("PRINCIPAL DISPLAY PANEL" in s.heading for s in document.sections)
    # The highlights excerpt repeats section 1; only the full text is kept.
    assert "indicated as an adjunct therapy to diet to:" not in document.text


def test_inline_markup_is_flattened_and_tables_read_row_by_row(lipitor):
    sections = {s.heading: s.text for s in lipitor.documents[0].sections}

    grapefruit = sections["7 DRUG INTERACTIONS > 7.2 Grapefruit Juice"]
    assert "excessive grapefruit juice consumption (>1.2 liters per day)" in grapefruit
    strong_inhibitors = sections["7 DRUG INTERACTIONS > 7.1 Strong Inhibitors of CYP 3A4"]
    assert "- Clarithromycin: Atorvastatin AUC was significantly increased" in strong_inhibitors
    assert "[see Clinical Pharmacology (12.3)]" in strong_inhibitors
    table = sections["14 CLINICAL STUDIES > 14.4 Dysbetalipoproteinemia (Fredrickson Type III)"]
    assert "Total-C | 442 (225, 1320) | -37 (-85, 17) | -58 (-90, -31)" in table.splitlines()


def test_the_prescription_drug_record_names_the_generic_and_brand(lipitor):
    drug = lipitor.drugs[0]

    assert drug.name == "atorvastatin calcium"
    assert drug.brand_names == ["Lipitor"]
    assert drug.active_ingredients == ["atorvastatin calcium trihydrate"]
    assert drug.availability == {"US": "rx"}
    assert drug.references[0]["url"].endswith(LIPITOR_SET_ID)


# --- OTC Drug Facts (Triaminic) --------------------------------------------------------------


def test_an_otc_drug_facts_spl_is_titled_from_its_product_not_drug_facts(cough):
    assert (len(cough.documents), len(cough.drugs), cough.skipped) == (1, 1, 0)
    document = cough.documents[0]
    assert document.external_id == COUGH_SET_ID
    assert document.title == (
        "TRIAMINIC Childrens Night Time Cold and Cough "
        "(diphenhydramine hcl, phenylephrine hcl) (OTC)"
    )
    assert document.metadata["spl_title"] == "Drug Facts"
    assert document.metadata["label_kind"] == "otc"
    assert document.metadata["document_code"] == "34390-5"
    assert document.published == date(2011, 4, 26)


def test_drug_facts_sections_read_in_label_order_with_lists_as_bullets(cough):
    sections = cough.documents[0].sections
    headings = [section.heading for section in sections]

    assert headings[:4] == ["Active ingredient", "Purpose", "Uses", "Warnings > Do not use"]
    assert headings.index("Warnings > Stop use and ask a doctor if") < headings.index("Directions")
    by_heading = {section.heading: section.text for section in sections}
    assert (
        by_heading["Warnings > Do not use"].splitlines()[0] == "- in a child under 4 years of age"
    )
    assert (
        "children 6 to under 12 years of age | 2 teaspoonfuls (10 mL)" in by_heading["Directions"]
    )
    assert (
        by_heading["Questions or comments?"] == "call 1-800-452-0051 24 hours a day, 7 days a week"
    )


def test_the_otc_drug_record_lists_active_ingredients(cough):
    drug = cough.drugs[0]

    assert drug.name == "diphenhydramine hcl, phenylephrine hcl"
    assert drug.brand_names == ["TRIAMINIC Childrens Night Time Cold and Cough"]
    assert drug.active_ingredients == [
        "diphenhydramine hydrochloride",
        "phenylephrine hydrochloride",
    ]
    assert drug.availability == {"US": "otc"}


# --- Broken input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "not well-formed XML"),
        (b'<?xml version="1.0"?><document xmlns="urn:hl7-org:v3"><id root=', "not well-formed"),
        (b"<html><body>Service unavailable</body></html>", "not an SPL document"),
        (b'{"data": []}', "not well-formed XML"),
        (
            b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><document xmlns="urn:hl7-org:v3">&a;</document>',
            "entities",
        ),
    ],
    ids=["empty", "truncated", "wrong root", "json", "entity declaration"],
)
def test_unreadable_input_gives_no_records_and_one_problem(raw, why):
    result = parse(raw)

    assert result.record_count == 0
    assert result.skipped == 1
    assert why in result.problems[0]


def test_a_truncated_real_spl_is_reported_not_raised(shared_data):
    raw = _raw(shared_data, "dailymed_spl_lipitor_rx.xml")

    result = parse(raw[: len(raw) // 3])

    assert (result.record_count, result.skipped) == (0, 1)


def test_an_spl_without_a_set_id_is_skipped(shared_data):
    raw = _raw(shared_data, "dailymed_spl_cough_otc.xml").decode()
    raw = re.sub(r"<setId [^>]*/>", "", raw, count=1)

    result = parse(raw.encode())

    assert result.record_count == 0
    assert result.skipped == 1
    assert result.problems == ["SPL 00f66f25-3469-4c16-9baf-fba21e9628bd: no setId"]


def test_an_spl_without_section_text_is_skipped_but_keeps_its_drug(shared_data):
    raw = _raw(shared_data, "dailymed_spl_cough_otc.xml").decode()
    raw = re.sub(r"<text>.*?</text>", "", raw, flags=re.DOTALL)

    result = parse(raw.encode())

    assert result.documents == []
    assert [drug.name for drug in result.drugs] == ["diphenhydramine hcl, phenylephrine hcl"]
    assert result.skipped == 1
    assert "no section text" in result.problems[0]


# --- Fetching ----------------------------------------------------------------------------------


def test_fetch_lists_set_ids_then_fetches_each_label_with_page_cursors():
    client = FakeClient({1: [LIPITOR_SET_ID, COUGH_SET_ID], 2: [LIPITOR_SET_ID]}, total_pages=2)

    pages = list(SOURCE.fetch(client, query="lipitor", limit=None, cursor=None))

    assert [call[0] for call in client.calls] == [
        f"{API_BASE}/spls.json",
        f"{API_BASE}/spls/{LIPITOR_SET_ID}.xml",
        f"{API_BASE}/spls/{COUGH_SET_ID}.xml",
        f"{API_BASE}/spls.json",
        f"{API_BASE}/spls/{LIPITOR_SET_ID}.xml",
    ]
    assert client.calls[0][1] == {"pagesize": 100, "page": 1, "drug_name": "lipitor"}
    assert client.calls[3][1]["page"] == 2
    assert {call[2] for call in client.calls} == {"dailymed"}
    assert [page.cursor_after for page in pages] == ["1:1", "2:0", "3:0"]
    assert pages[1].url == f"{API_BASE}/spls/{COUGH_SET_ID}.xml"


def test_fetch_resumes_at_the_page_and_position_of_its_cursor():
    client = FakeClient({1: [LIPITOR_SET_ID, COUGH_SET_ID]}, total_pages=1)

    pages = list(SOURCE.fetch(client, query=None, limit=None, cursor="1:1"))

    assert [page.url for page in pages] == [f"{API_BASE}/spls/{COUGH_SET_ID}.xml"]
    assert "drug_name" not in client.calls[0][1]


def test_fetch_stops_at_the_limit_without_listing_further():
    client = FakeClient({1: [LIPITOR_SET_ID, COUGH_SET_ID]}, total_pages=5)

    pages = list(SOURCE.fetch(client, query="x", limit=1, cursor=None))

    assert len(pages) == 1
    assert len(client.calls) == 2
    assert client.calls[0][1]["pagesize"] == 100  # fixed, so cursors mean the same next run


def test_fetch_ignores_listed_set_ids_that_are_not_uuids():
    client = FakeClient({1: ["../../etc/passwd", COUGH_SET_ID]}, total_pages=1)

    pages = list(SOURCE.fetch(client, query="x", limit=None, cursor=None))

    assert [page.url for page in pages] == [f"{API_BASE}/spls/{COUGH_SET_ID}.xml"]


def test_fetch_rejects_a_malformed_cursor():
    with pytest.raises(ValueError, match="<page>:<index>"):
        list(SOURCE.fetch(FakeClient({}, 1), query=None, limit=None, cursor="7"))
