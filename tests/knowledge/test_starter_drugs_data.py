"""The starter drug database (knowledge/starter/drugs.json and classes.json) read as plain JSON:
names match DRUG_NAMES.txt, class tags come from the controlled vocabulary, availability and
regulatory entries use the allowed values, every drug cites a source, nothing reads like a
prescription dose, and class membership agrees with what a pharmacist would expect."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

STARTER = Path(__file__).resolve().parents[2] / "knowledge" / "starter"

AVAILABILITY_VALUES = {"otc", "pharmacy", "rx", "controlled", "not_approved"}
REGIONS = {"US", "UK", "EU"}
REQUIRED_KEYS = {
    "name",
    "synonyms",
    "brand_names",
    "rxcui",
    "active_ingredients",
    "drug_class",
    "classes",
    "availability",
    "uses",
    "common_side_effects",
    "pregnancy_warning",
    "label_warnings",
    "storage",
    "references",
    "regulatory",
}
TEXT_FIELDS = ("uses", "common_side_effects", "pregnancy_warning", "label_warnings", "storage")

# Amounts with units ("200 mg", "4,000 mg", "5 mL") and schedules ("every 6 hours",
# "3 times a day", "twice daily") read as dosing instructions.
DOSE_AMOUNT = re.compile(r"\b\d[\d,.]*\s?(?:mg|mcg|µg|g|ml|iu|units?)\b", re.IGNORECASE)
DOSE_SCHEDULE = re.compile(
    r"\bevery\s+\d+(?:\s*(?:-|to)\s*\d+)?\s*hours?\b"
    r"|\b\d+\s*(?:times|x)\s*(?:a|per)\s*day\b"
    r"|\b(?:once|twice)\s+(?:a\s+)?daily\b",
    re.IGNORECASE,
)
# The only places an amount may appear: the OTC Drug Facts maximum in these label warnings.
OTC_MAXIMUM_ALLOWED = {
    ("acetaminophen", "label_warnings"),
    ("ibuprofen", "label_warnings"),
    ("naproxen", "label_warnings"),
    ("aspirin", "label_warnings"),
}


def _load(name: str):
    return json.loads((STARTER / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def drug_names() -> list[str]:
    lines = (STARTER / "DRUG_NAMES.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


@pytest.fixture(scope="module")
def drugs() -> list[dict]:
    return _load("drugs.json")


@pytest.fixture(scope="module")
def classes() -> dict:
    return _load("classes.json")


@pytest.fixture(scope="module")
def by_name(drugs: list[dict]) -> dict[str, dict]:
    return {drug["name"]: drug for drug in drugs}


def _members(drugs: list[dict], tag: str) -> set[str]:
    return {drug["name"] for drug in drugs if tag in drug["classes"]}


def test_every_canonical_name_appears_once_and_in_order(drugs, drug_names):
    names = [drug["name"] for drug in drugs]
    assert len(drug_names) == 130
    assert len(names) == len(set(names))
    assert names == drug_names


def test_every_record_has_the_model_fields(drugs):
    for drug in drugs:
        assert set(drug) == REQUIRED_KEYS, drug["name"]
        for field in ("synonyms", "brand_names", "active_ingredients", "classes"):
            assert isinstance(drug[field], list), (drug["name"], field)
            assert all(isinstance(item, str) and item.strip() for item in drug[field])
        assert drug["active_ingredients"], drug["name"]
        assert drug["drug_class"].strip(), drug["name"]


def test_class_vocabulary_is_well_formed(classes):
    assert classes
    for tag, entry in classes.items():
        assert re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*", tag), tag
        assert set(entry) == {"label", "description"}, tag
        assert entry["label"].strip() and entry["description"].strip(), tag


def test_every_class_tag_exists_in_the_vocabulary(drugs, classes):
    for drug in drugs:
        unknown = set(drug["classes"]) - set(classes)
        assert not unknown, (drug["name"], unknown)
        assert len(drug["classes"]) == len(set(drug["classes"])), drug["name"]


def test_every_vocabulary_tag_is_used(drugs, classes):
    from knowledge.vocabulary import ndfrt_drug_entries, vocabulary_entries

    used = {tag for drug in drugs for tag in drug["classes"]}
    used |= {tag for entry in vocabulary_entries() + ndfrt_drug_entries() for tag in entry.classes}
    assert set(classes) - used == set()


def test_availability_uses_allowed_regions_and_values(drugs):
    for drug in drugs:
        availability = drug["availability"]
        assert isinstance(availability, dict) and availability, drug["name"]
        assert set(availability) <= REGIONS, drug["name"]
        assert "US" in availability, drug["name"]
        assert set(availability.values()) <= AVAILABILITY_VALUES, drug["name"]
        # "pharmacy" (UK P) has no US equivalent.
        assert availability["US"] != "pharmacy", drug["name"]


def test_every_drug_has_uses_and_plain_text_fields(drugs):
    for drug in drugs:
        assert drug["uses"].strip(), drug["name"]
        for field in TEXT_FIELDS:
            assert isinstance(drug[field], str) and drug[field].strip(), (drug["name"], field)


def test_every_drug_cites_an_https_reference(drugs):
    for drug in drugs:
        assert 1 <= len(drug["references"]) <= 3, drug["name"]
        for reference in drug["references"]:
            assert set(reference) == {"title", "url"}, drug["name"]
            assert reference["title"].strip(), drug["name"]
            assert reference["url"].startswith("https://"), (drug["name"], reference["url"])
        assert any(ref["url"].startswith("https://") for ref in drug["references"])


def test_regulatory_entries_have_a_us_entry_and_valid_regions(drugs):
    for drug in drugs:
        entries = drug["regulatory"]
        assert any(entry["region"] == "US" for entry in entries), drug["name"]
        regions = [entry["region"] for entry in entries]
        assert len(regions) == len(set(regions)), drug["name"]
        for entry in entries:
            assert set(entry) == {"region", "authority", "status", "reference", "reference_url"}
            assert entry["region"] in REGIONS, drug["name"]
            assert entry["authority"].strip() and len(entry["authority"]) <= 20
            assert entry["status"].strip() and len(entry["status"]) <= 100, drug["name"]
            assert len(entry["reference"]) <= 300, drug["name"]
            url = entry["reference_url"]
            assert url == "" or url.startswith("https://"), (drug["name"], url)
            if entry["region"] == "US":
                assert entry["authority"] == "FDA"
            if entry["region"] == "UK":
                assert entry["authority"] == "MHRA"


def test_no_prescription_dosing_in_patient_text(drugs):
    for drug in drugs:
        for field in TEXT_FIELDS:
            text = drug[field]
            assert not DOSE_SCHEDULE.search(text), (drug["name"], field, text)
            if (drug["name"], field) in OTC_MAXIMUM_ALLOWED:
                continue
            match = DOSE_AMOUNT.search(text)
            assert match is None, (drug["name"], field, match and match.group())


def test_otc_maximum_exception_list_is_explicit_and_current(by_name):
    assert {name for name, _ in OTC_MAXIMUM_ALLOWED} <= set(by_name)
    assert "4,000 mg" in by_name["acetaminophen"]["label_warnings"]


def test_rxcui_is_digits_when_present(drugs):
    for drug in drugs:
        assert drug["rxcui"] == "" or drug["rxcui"].isdigit(), drug["name"]
    known = {
        "acetaminophen": "161",
        "ibuprofen": "5640",
        "aspirin": "1191",
        "warfarin": "11289",
        "metformin": "6809",
        "sertraline": "36437",
        "atorvastatin": "83367",
        "lisinopril": "29046",
        "amlodipine": "17767",
        "simvastatin": "36567",
        "omeprazole": "7646",
    }
    by = {drug["name"]: drug["rxcui"] for drug in drugs}
    for name, rxcui in known.items():
        assert by[name] == rxcui, name


def test_rxcuis_are_unique(drugs):
    rxcuis = [drug["rxcui"] for drug in drugs if drug["rxcui"]]
    assert len(rxcuis) == len(set(rxcuis))


def test_ssris_and_snris_are_serotonergic(drugs):
    for tag in ("ssri", "snri", "tca", "maoi", "triptan"):
        members = _members(drugs, tag)
        assert members, tag
        assert members <= _members(drugs, "serotonergic"), tag


def test_serotonergic_includes_the_classic_culprits(drugs):
    serotonergic = _members(drugs, "serotonergic")
    expected = {
        "sertraline",
        "fluoxetine",
        "citalopram",
        "escitalopram",
        "paroxetine",
        "venlafaxine",
        "duloxetine",
        "amitriptyline",
        "trazodone",
        "phenelzine",
        "selegiline",
        "linezolid",
        "sumatriptan",
        "tramadol",
        "methadone",
        "fentanyl",
        "dextromethorphan",
        "st john's wort",
        "lithium",
    }
    assert expected <= serotonergic
    assert "bupropion" not in serotonergic


def test_anticoagulants(by_name, drugs):
    assert {"anticoagulant", "vitamin_k_antagonist", "bleeding_risk"} <= set(
        by_name["warfarin"]["classes"]
    )
    assert _members(drugs, "doac") == {"apixaban", "rivaroxaban", "dabigatran"}
    assert _members(drugs, "doac") <= _members(drugs, "anticoagulant")
    assert _members(drugs, "vitamin_k_antagonist") == {"warfarin"}
    assert _members(drugs, "anticoagulant") <= _members(drugs, "bleeding_risk")
    assert _members(drugs, "antiplatelet") == {"aspirin", "clopidogrel"}


def test_nsaids(drugs, by_name):
    assert _members(drugs, "nsaid") == {
        "ibuprofen",
        "naproxen",
        "aspirin",
        "diclofenac",
        "celecoxib",
    }
    assert _members(drugs, "nsaid") <= _members(drugs, "bleeding_risk")
    assert "salicylate" in by_name["aspirin"]["classes"]
    assert "salicylate" in by_name["bismuth subsalicylate"]["classes"]
    assert "nsaid" not in by_name["acetaminophen"]["classes"]


def test_statins(drugs):
    assert _members(drugs, "statin") == {
        "atorvastatin",
        "simvastatin",
        "rosuvastatin",
        "lovastatin",
        "pravastatin",
    }
    assert {"simvastatin", "lovastatin"} <= _members(drugs, "cyp3a4_sensitive_substrate")


def test_cyp3a4_inhibitors_and_inducers(drugs):
    strong = _members(drugs, "strong_cyp3a4_inhibitor")
    assert {"clarithromycin", "itraconazole", "ketoconazole"} <= strong
    moderate = _members(drugs, "moderate_cyp3a4_inhibitor")
    assert {"diltiazem", "verapamil", "erythromycin", "fluconazole"} <= moderate
    assert not strong & moderate
    assert {"rifampin", "carbamazepine", "phenytoin", "st john's wort"} <= _members(
        drugs, "cyp3a4_inducer"
    )
    assert _members(drugs, "enzyme_inducing_antiepileptic") <= _members(drugs, "cyp3a4_inducer")
    assert _members(drugs, "strong_cyp2d6_inhibitor") == {"fluoxetine", "paroxetine", "bupropion"}


def test_maois_include_linezolid_as_an_antibiotic(by_name, drugs):
    assert {"phenelzine", "selegiline", "linezolid"} <= _members(drugs, "maoi")
    assert {"maoi", "antibiotic"} <= set(by_name["linezolid"]["classes"])


def test_qt_prolonging_follows_the_known_risk_list(drugs):
    qt = _members(drugs, "qt_prolonging")
    known_risk = {
        "amiodarone",
        "citalopram",
        "escitalopram",
        "clarithromycin",
        "erythromycin",
        "azithromycin",
        "ciprofloxacin",
        "levofloxacin",
        "haloperidol",
        "methadone",
        "ondansetron",
        "fluconazole",
    }
    assert known_risk <= qt
    # Conditional or possible risk only: tagged by pair rules, not by this class.
    assert not {"sertraline", "quetiapine", "trazodone", "loperamide"} & qt


def test_antibiotic_subclasses_are_antibiotics(drugs):
    antibiotics = _members(drugs, "antibiotic")
    for tag in ("macrolide", "fluoroquinolone", "tetracycline"):
        assert _members(drugs, tag), tag
        assert _members(drugs, tag) <= antibiotics, tag
    assert _members(drugs, "fluoroquinolone") == {"ciprofloxacin", "levofloxacin"}
    assert _members(drugs, "macrolide") == {"clarithromycin", "erythromycin", "azithromycin"}


def test_azole_antifungals_are_systemic_antifungals(drugs):
    azoles = _members(drugs, "azole_antifungal")
    assert azoles == {"fluconazole", "ketoconazole", "itraconazole"}
    assert azoles <= _members(drugs, "antifungal")
    assert "clotrimazole" in _members(drugs, "antifungal")


def test_cns_depressants_cover_the_boxed_warning_classes(drugs):
    cns = _members(drugs, "cns_depressant")
    for tag in ("opioid", "benzodiazepine", "z_drug", "gabapentinoid", "sedating_antihistamine"):
        assert _members(drugs, tag), tag
        assert _members(drugs, tag) <= cns, tag
    assert _members(drugs, "sedating_antihistamine") <= _members(drugs, "antihistamine")
    assert "loperamide" not in _members(drugs, "opioid")


def test_potassium_raising_drugs(drugs):
    raising = _members(drugs, "hyperkalemia_risk")
    for tag in ("ace_inhibitor", "arb", "potassium_sparing_diuretic", "potassium_supplement"):
        assert _members(drugs, tag), tag
        assert _members(drugs, tag) <= raising, tag
    assert "sulfamethoxazole-trimethoprim" in raising


def test_cardiovascular_classes(drugs):
    assert _members(drugs, "ace_inhibitor") == {"lisinopril", "enalapril", "ramipril"}
    assert _members(drugs, "arb") == {"losartan", "valsartan"}
    assert _members(drugs, "beta_blocker") == {
        "metoprolol",
        "atenolol",
        "propranolol",
        "carvedilol",
    }
    assert _members(drugs, "non_dihydropyridine_ccb") == {"diltiazem", "verapamil"}
    assert _members(drugs, "dihydropyridine_ccb") == {"amlodipine"}
    assert _members(drugs, "nitrate") == {"nitroglycerin", "isosorbide mononitrate"}
    assert _members(drugs, "pde5_inhibitor") == {"sildenafil", "tadalafil"}


def test_polyvalent_cations_and_chelation_partners(drugs):
    cations = _members(drugs, "antacid_polyvalent_cation")
    assert {"calcium carbonate", "magnesium hydroxide"} <= cations
    assert _members(drugs, "thyroid_hormone") == {"levothyroxine"}


def test_withdrawn_and_supplement_statuses(by_name):
    ranitidine = by_name["ranitidine"]
    assert ranitidine["availability"]["US"] == "not_approved"
    us = next(entry for entry in ranitidine["regulatory"] if entry["region"] == "US")
    assert "2020" in us["status"]
    st_johns = by_name["st john's wort"]
    assert st_johns["availability"]["US"] == "otc"
    assert st_johns["availability"]["UK"] == "otc"
    assert {"herbal", "cyp3a4_inducer", "serotonergic"} <= set(st_johns["classes"])
    assert "supplement" in st_johns["drug_class"].lower()


def test_controlled_substances(by_name):
    for name in ("oxycodone", "hydrocodone", "morphine", "fentanyl", "methadone", "tramadol"):
        assert by_name[name]["availability"]["US"] == "controlled", name
    for name in ("alprazolam", "lorazepam", "diazepam", "zolpidem", "pregabalin"):
        assert by_name[name]["availability"]["US"] == "controlled", name
    assert by_name["gabapentin"]["availability"]["UK"] == "controlled"
