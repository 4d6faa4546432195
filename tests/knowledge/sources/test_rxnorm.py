"""RxNorm (RxNav REST): real idGroup, allRelatedGroup, propConceptGroup and the retired
interaction response; broken input; how fetch goes from a name to its related concepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.sources import get
from knowledge.sources.rxnorm import API_BASE, SOURCE, parse


def _load(shared_data: Path, name: str) -> dict:
    return json.loads((shared_data / "api" / name).read_bytes())


def _encode(data: object) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def related(shared_data: Path) -> dict:
    return _load(shared_data, "rxnav_rxnorm-related-response.json")


def _group(related: dict, tty: str) -> dict:
    return next(g for g in related["allRelatedGroup"]["conceptGroup"] if g["tty"] == tty)


class FakeClient:
    """The shared HTTP client's interface, answering with canned bodies in order."""

    def __init__(self, *bodies: bytes) -> None:
        self.bodies = list(bodies)
        self.calls: list[tuple[str, dict | None, str]] = []

    def fetch(self, url: str, *, params: dict | None = None, source: str) -> bytes:
        self.calls.append((url, params, source))
        return self.bodies.pop(0)


def test_the_registry_returns_this_source_by_its_slug():
    assert get("rxnorm") is SOURCE


# --- allRelatedGroup -------------------------------------------------------------------------


def test_related_concepts_give_the_ingredient_with_its_brands_and_synonyms(shared_data):
    result = parse((shared_data / "api" / "rxnav_rxnorm-related-response.json").read_bytes())

    assert (len(result.drugs), result.skipped, result.problems) == (1, 0, [])
    assert result.documents == []  # a vocabulary, not content
    drug = result.drugs[0]
    assert drug.name == "ketotifen"
    assert drug.rxcui == "6146"  # the IN concept, not the BN 866350 that was asked about
    assert drug.brand_names == ["Zyrtec Itchy Eye"]
    assert drug.synonyms == ["Ketotifen Fumarate"]  # the precise ingredient (PIN)
    assert drug.active_ingredients == ["ketotifen"]
    assert drug.references == [
        {
            "title": "RxNav: Ketotifen (RxCUI 6146)",
            "url": "https://mor.nlm.nih.gov/RxNav/search?searchBy=RXCUI&searchTerm=6146",
        }
    ]


def test_suppressed_concepts_are_left_out(related):
    _group(related, "BN")["conceptProperties"][0]["suppress"] = "O"

    drug = parse(_encode(related)).drugs[0]

    assert drug.brand_names == []


def test_a_broken_concept_is_ignored_and_the_good_ones_kept(related):
    brands = _group(related, "BN")["conceptProperties"]
    brands.append({"rxcui": "1", "tty": "BN"})  # no name

    drug = parse(_encode(related)).drugs[0]

    assert drug.brand_names == ["Zyrtec Itchy Eye"]


def test_related_concepts_without_an_ingredient_are_skipped(related):
    del _group(related, "IN")["conceptProperties"]

    result = parse(_encode(related))

    assert result.drugs == []
    assert result.skipped == 1
    assert result.problems == ["allRelatedGroup for RxCUI 866350: no ingredient (IN) concept"]


def test_a_combination_without_a_min_concept_is_skipped(related):
    ingredients = _group(related, "IN")["conceptProperties"]
    ingredients.append(dict(ingredients[0], name="Naphazoline", rxcui="7247"))

    result = parse(_encode(related))

    assert result.drugs == []
    assert "2 ingredients and no MIN" in result.problems[0]


def test_a_combination_is_named_by_its_min_concept(related):
    ingredients = _group(related, "IN")["conceptProperties"]
    ingredients.append(dict(ingredients[0], name="Naphazoline", rxcui="7247"))
    _group(related, "MIN")["conceptProperties"] = [
        dict(ingredients[0], name="Ketotifen / Naphazoline", rxcui="999", tty="MIN")
    ]

    drug = parse(_encode(related)).drugs[0]

    assert (drug.name, drug.rxcui) == ("ketotifen / naphazoline", "999")
    assert drug.active_ingredients == ["ketotifen", "naphazoline"]


# --- idGroup, properties, propConceptGroup ---------------------------------------------------


def test_an_ndc_lookup_has_no_drug_name_and_is_skipped(shared_data):
    result = parse((shared_data / "api" / "rxnav_rxnorm-idgroup-response.json").read_bytes())

    assert result.drugs == []
    assert result.skipped == 1
    assert result.problems == [
        "idGroup for NDC 0781-1506-10 (RxCUI 197381): no drug name in an id lookup"
    ]


def test_a_name_lookup_gives_the_name_and_its_rxcui(shared_data):
    data = _load(shared_data, "rxnav_rxnorm-idgroup-response.json")
    data["idGroup"] = {"name": "Atenolol", "rxnormId": data["idGroup"]["rxnormId"]}

    drug = parse(_encode(data)).drugs[0]

    assert (drug.name, drug.rxcui) == ("atenolol", "197381")


def test_a_lookup_that_found_nothing_is_skipped(shared_data):
    data = _load(shared_data, "rxnav_rxnorm-idgroup-response.json")
    data["idGroup"] = {"name": "notadrug"}

    result = parse(_encode(data))

    assert result.drugs == []
    assert result.problems == ["idGroup for name notadrug: no RxCUI found"]


def test_properties_of_an_ingredient_give_a_drug_and_of_a_brand_are_skipped(related):
    ingredient = _group(related, "IN")["conceptProperties"][0]
    brand = _group(related, "BN")["conceptProperties"][0]

    assert parse(_encode({"properties": ingredient})).drugs[0].rxcui == "6146"
    skipped = parse(_encode({"properties": brand}))
    assert skipped.drugs == []
    assert "a BN concept, not an ingredient" in skipped.problems[0]


def test_a_property_list_has_no_concept_to_attach_to_and_is_skipped(shared_data):
    result = parse((shared_data / "api" / "rxnav_rxnorm-propconcept-response.json").read_bytes())

    assert result.drugs == []
    assert result.skipped == 1
    assert "propConceptGroup with 2 properties (CODES/NUI)" in result.problems[0]


# --- The discontinued interaction API ---------------------------------------------------------


def test_an_interaction_response_is_not_ingested_and_says_why(shared_data):
    result = parse((shared_data / "api" / "rxnav_interaction-list-response.json").read_bytes())

    assert result.record_count == 0
    assert result.interactions == []
    assert result.skipped == 0
    assert len(result.problems) == 1
    assert "discontinued the interaction API on 2 January 2024" in result.problems[0]


# --- Broken input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"", b'{"allRelatedGroup": {"conceptGroup": [{"tty": "IN", "concept', b"[]", b'{"x": 1}'],
    ids=["empty", "truncated", "a list", "unknown shape"],
)
def test_unreadable_responses_give_no_records_and_one_problem(raw):
    result = parse(raw)

    assert result.record_count == 0
    assert result.skipped == 1
    assert len(result.problems) == 1


def test_an_empty_concept_group_list_gives_no_drug(related):
    related["allRelatedGroup"]["conceptGroup"] = []

    result = parse(_encode(related))

    assert result.drugs == []
    assert "no ingredient" in result.problems[0]


# --- Fetching ----------------------------------------------------------------------------------


def test_fetch_looks_up_each_name_then_yields_its_related_concepts(shared_data):
    lookup = _encode({"idGroup": {"name": "ketotifen", "rxnormId": ["6146"]}})
    related = (shared_data / "api" / "rxnav_rxnorm-related-response.json").read_bytes()
    client = FakeClient(lookup, related)

    pages = list(SOURCE.fetch(client, query="ketotifen", limit=None, cursor=None))

    assert client.calls == [
        (f"{API_BASE}/rxcui.json", {"name": "ketotifen", "search": 2}, "rxnorm"),
        (f"{API_BASE}/rxcui/6146/allrelated.json", None, "rxnorm"),
    ]
    assert [page.body for page in pages] == [related]
    assert pages[0].url == f"{API_BASE}/rxcui/6146/allrelated.json"
    assert pages[0].cursor_after == "1"


def test_fetch_skips_names_rxnorm_does_not_know(shared_data):
    related = (shared_data / "api" / "rxnav_rxnorm-related-response.json").read_bytes()
    nothing = _encode({"idGroup": {"name": "notadrug"}})
    found = _encode({"idGroup": {"name": "ketotifen", "rxnormId": ["6146"]}})
    client = FakeClient(nothing, found, related)

    pages = list(SOURCE.fetch(client, query="notadrug, ketotifen", limit=None, cursor=None))

    assert [page.cursor_after for page in pages] == ["2"]
    assert len(client.calls) == 3


def test_fetch_resumes_after_the_names_done_and_honours_the_limit():
    client = FakeClient(_encode({"idGroup": {"name": "b"}}))

    list(SOURCE.fetch(client, query="a, b, c", limit=1, cursor="1"))

    assert [call[1]["name"] for call in client.calls] == ["b"]


def test_fetch_never_puts_a_non_numeric_rxcui_in_a_url():
    client = FakeClient(_encode({"idGroup": {"rxnormId": ["../../x", "6146"]}}), b"{}")

    pages = list(SOURCE.fetch(client, query="ketotifen", limit=None, cursor=None))

    assert [page.url for page in pages] == [f"{API_BASE}/rxcui/6146/allrelated.json"]


def test_fetch_needs_a_name():
    with pytest.raises(ValueError, match="needs a query"):
        list(SOURCE.fetch(FakeClient(), query="", limit=None, cursor=None))
