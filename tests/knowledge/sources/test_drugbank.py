"""DrugBank: the operator's full-database XML to drugs and interactions, streamed.

The real file needs a DrugBank licence, so the tests use a hand-written sample in the same
schema (tests/knowledge/fixtures/drugbank_sample.xml) and broken variants of it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from knowledge import sources
from knowledge.sources import drugbank
from knowledge.sources.drugbank import SOURCE, infer_severity, parse_path

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "drugbank_sample.xml"
NS = {"db": "http://www.drugbank.ca"}


@pytest.fixture
def sample() -> bytes:
    return SAMPLE.read_bytes()


def edited(raw: bytes, edit) -> bytes:
    """The sample, changed by `edit(root)`: how broken variants are made."""
    root = ET.fromstring(raw)  # noqa: S314 - our own test fixture
    edit(root)
    return ET.tostring(root)


def top_drug(root: ET.Element, name: str) -> ET.Element:
    return next(d for d in root.findall("db:drug", NS) if d.findtext("db:name", None, NS) == name)


def by_name(result) -> dict:
    return {d.name: d for d in result.drugs}


def pairs(result) -> dict[frozenset, str]:
    return {frozenset((i.a, i.b)): i.severity for i in result.interactions}


def test_the_registry_finds_the_drugbank_source_and_its_licence_terms():
    assert sources.get("drugbank") is SOURCE
    assert "licence" in SOURCE.description and "non-commercial" in SOURCE.description


def test_the_three_top_level_drugs_are_read_not_the_pathway_stubs(sample):
    result = SOURCE.parse(sample)

    assert [d.name for d in result.drugs] == ["warfarin", "ibuprofen", "sertraline"]
    assert "phylloquinone" not in by_name(result)  # nested in warfarin's <pathways>
    assert result.skipped == 0 and result.problems == []


def test_a_drug_record_has_ids_synonyms_brands_and_uses(sample):
    warfarin = by_name(SOURCE.parse(sample))["warfarin"]

    assert warfarin.drugbank_id == "DB00682"  # the primary id, not APRD00841
    assert warfarin.rxcui == "11289"
    assert warfarin.synonyms == ["Warfarina", "Warfarine", "(RS)-warfarin"]
    # Generic products ("Warfarin Sodium") are not brands; Coumadin is listed twice.
    assert warfarin.brand_names == ["Coumadin", "Jantoven", "Marevan"]
    assert warfarin.uses.startswith("Prophylaxis and treatment of venous thrombosis")
    assert warfarin.references == [
        {"title": "DrugBank DB00682", "url": "https://go.drugbank.com/drugs/DB00682"}
    ]


def test_brand_names_are_deduplicated_ignoring_case(sample):
    ibuprofen = by_name(SOURCE.parse(sample))["ibuprofen"]

    assert ibuprofen.brand_names == ["Advil", "Motrin IB", "Nurofen", "Brufen"]


def test_the_drug_class_is_the_atc_group_and_classes_are_the_categories(sample):
    drugs = by_name(SOURCE.parse(sample))

    assert drugs["sertraline"].drug_class == "Selective serotonin reuptake inhibitors"
    assert drugs["ibuprofen"].classes == [
        "anti-inflammatory agents, non-steroidal",
        "cyclooxygenase inhibitors",
    ]


def test_without_atc_codes_the_drug_class_is_the_direct_parent(sample):
    def drop_atc(root):
        drug = top_drug(root, "Warfarin")
        drug.remove(drug.find("db:atc-codes", NS))

    warfarin = by_name(SOURCE.parse(edited(sample, drop_atc)))["warfarin"]

    assert warfarin.drug_class == "Coumarins"


def test_availability_is_unset_for_approved_drugs_and_not_approved_otherwise(sample):
    def make_experimental(root):
        group = top_drug(root, "Sertraline").find("db:groups/db:group", NS)
        group.text = "experimental"

    drugs = by_name(SOURCE.parse(edited(sample, make_experimental)))

    assert drugs["warfarin"].availability == {}
    assert drugs["sertraline"].availability == {
        "US": "not_approved",
        "EU": "not_approved",
        "UK": "not_approved",
    }


def test_each_interaction_pair_is_kept_once_whichever_drug_lists_it(sample):
    result = SOURCE.parse(sample)

    assert len(result.interactions) == 10
    assert len(pairs(result)) == 10
    assert (result.interactions[0].a, result.interactions[0].b) == ("warfarin", "ibuprofen")


def test_interactions_carry_the_description_default_advice_and_version(sample):
    first = SOURCE.parse(sample).interactions[0]

    assert first.mechanism == (
        "The risk or severity of bleeding and hemorrhage can be increased when Ibuprofen is "
        "combined with Warfarin."
    )
    assert first.management == "Review with a pharmacist or prescriber before combining."
    assert first.source == "DrugBank 5.1"
    assert first.source_url == "https://go.drugbank.com/drugs/DB00682"
    assert not first.a_is_class and not first.b_is_class


def test_interaction_severity_is_inferred_from_the_sample_texts(sample):
    severities = pairs(SOURCE.parse(sample))

    assert severities[frozenset(("warfarin", "ibuprofen"))] == "major"  # bleeding
    assert severities[frozenset(("sertraline", "tramadol"))] == "major"  # serotonin syndrome
    assert severities[frozenset(("sertraline", "pimozide"))] == "major"  # QTc
    assert severities[frozenset(("warfarin", "fluconazole"))] == "major"  # more warfarin
    assert severities[frozenset(("warfarin", "cholestyramine"))] == "moderate"  # narrow index
    assert severities[frozenset(("ibuprofen", "aluminum hydroxide"))] == "minor"  # absorption
    assert severities[frozenset(("sertraline", "propranolol"))] == "moderate"


@pytest.mark.parametrize(
    ("description", "drugs", "severity"),
    [
        ("Morphine may increase the respiratory depression activities of Diazepam.", (), "major"),
        ("Citalopram may increase the QTc-prolonging activities of Ondansetron.", (), "major"),
        ("The serum concentration of Lithium can be increased when combined with Ibuprofen.", (), "major"),
        ("The serum concentration of Atorvastatin can be decreased when combined with Rifampin.", (), "minor"),
        ("The serum concentration of Digoxin can be decreased when combined with Rifampin.", ("digoxin", "rifampin"), "moderate"),
        ("The risk or severity of hypotension can be increased when Sildenafil is combined with Amlodipine.", (), "moderate"),
        ("The therapeutic efficacy of Metformin can be decreased when used with Prednisone.", (), "moderate"),
    ],
)  # fmt: skip
def test_infer_severity_errs_high_and_keeps_minor_for_lower_exposure(description, drugs, severity):
    assert infer_severity(description, drugs) == severity


def test_a_drug_without_name_is_skipped_and_the_others_kept(sample):
    def drop_name(root):
        drug = top_drug(root, "Ibuprofen")
        drug.remove(drug.find("db:name", NS))

    result = SOURCE.parse(edited(sample, drop_name))

    assert [d.name for d in result.drugs] == ["warfarin", "sertraline"]
    assert result.skipped == 1
    assert "DB01050" in result.problems[0]


def test_an_interaction_without_a_drug_name_is_skipped_with_its_drug_id(sample):
    def drop_interaction_name(root):
        item = top_drug(root, "Sertraline").find("db:drug-interactions/db:drug-interaction", NS)
        item.remove(item.find("db:name", NS))

    result = SOURCE.parse(edited(sample, drop_interaction_name))

    assert len(result.drugs) == 3
    assert result.skipped == 1
    assert result.problems == ["DB01104 interaction #1 has no drug name or description"]


def test_a_file_cut_short_keeps_the_drugs_read_before_the_break(sample):
    cut = sample.index(b'<drugbank-id primary="true">DB01104')

    result = SOURCE.parse(sample[:cut])

    assert [d.name for d in result.drugs] == ["warfarin", "ibuprofen"]
    assert result.skipped == 1
    assert result.problems[0].startswith("malformed XML after 2 drug(s)")


@pytest.mark.parametrize("raw", [b"", b"not xml", b"<drugbank"], ids=["empty", "text", "open-tag"])
def test_unparseable_input_gives_nothing_and_one_problem(raw):
    result = SOURCE.parse(raw)

    assert result.record_count == 0 and result.skipped == 1
    assert result.problems[0].startswith("malformed XML")


def test_xml_that_is_not_drugbank_is_one_problem(shared_data):
    result = SOURCE.parse((shared_data / "api" / "pubmed_efetch_pubmed2.xml").read_bytes())

    assert result.record_count == 0 and result.skipped == 1
    assert "not a DrugBank XML file" in result.problems[0]


def test_drugbank_elements_outside_its_namespace_are_refused():
    result = SOURCE.parse(b'<drugbank version="5.1"><drug><name>Warfarin</name></drug></drugbank>')

    assert result.record_count == 0 and result.skipped == 1


def test_an_empty_database_gives_nothing_and_no_problem():
    result = SOURCE.parse(b'<drugbank xmlns="http://www.drugbank.ca" version="5.1"/>')

    assert result.record_count == 0 and result.skipped == 0 and result.problems == []


def test_a_file_over_the_size_limit_is_not_parsed(sample, monkeypatch):
    monkeypatch.setattr(drugbank, "MAX_BYTES", 1000)

    result = SOURCE.parse(sample)

    assert result.record_count == 0 and result.skipped == 1


def test_parse_path_streams_the_file_to_the_same_records(sample):
    from_disk = parse_path(SAMPLE)
    in_memory = SOURCE.parse(sample)

    assert from_disk.drugs == in_memory.drugs
    assert from_disk.interactions == in_memory.interactions


def test_fetch_tells_the_operator_to_download_the_file_under_their_licence():
    with pytest.raises(ValueError, match="--from-file") as raised:
        list(SOURCE.fetch(object(), query=None, limit=None, cursor=None))

    assert "licence" in str(raised.value)


def test_names_too_long_for_the_drug_table_are_dropped_not_cut(sample):
    iupac = "N-methyl-" * 30 + "amine"

    def add_long_names(root):
        drug = top_drug(root, "Sertraline")
        ET.SubElement(drug.find("db:synonyms", NS), "{http://www.drugbank.ca}synonym").text = iupac
        category = ET.SubElement(drug.find("db:categories", NS), "{http://www.drugbank.ca}category")
        ET.SubElement(category, "{http://www.drugbank.ca}category").text = "x" * 101

    sertraline = by_name(SOURCE.parse(edited(sample, add_long_names)))["sertraline"]

    assert sertraline.synonyms == ["Sertralina"]
    assert sertraline.classes == ["serotonin uptake inhibitors", "antidepressive agents"]
