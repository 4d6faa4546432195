"""RxNorm (NLM RxNav REST): drug names to RxCUIs, ingredients and brands.

API: https://rxnav.nlm.nih.gov/REST/ — `rxcui.json?name=<name>&search=2` finds the concept for a
name (exact, then normalized match), `rxcui/<rxcui>/allrelated.json` lists the related concepts
by term type (IN ingredient, PIN precise ingredient, MIN multiple ingredients, BN brand name,
SY synonym, SCD/SBD clinical/branded drugs...), `rxcui/<rxcui>/properties.json` one concept.
NLM asks for at most 20 requests a second per IP; no key. RxNorm is a vocabulary, not
content: this source yields drug records only, never documents.

NLM shut the drug-interaction API down on 2 January 2024 (its DrugBank and ONCHigh data went
with it). Lumen does not build on it; an interaction response parses to nothing, with a note.

Terms: RxNorm's own normalized names and RxCUIs are made by NLM and are public domain (NLM asks
to be acknowledged: "This product uses publicly available data courtesy of the U.S. National
Library of Medicine (NLM)..."). The full RxNorm dataset also carries proprietary names and codes
from other vocabularies under UMLS licence terms (Source Restriction Levels, section 12 of the
UMLS licence; https://www.nlm.nih.gov/research/umls/rxnorm/docs/termsofservice.html). The APIs
used here need no licence (only `/rxcui/{id}/proprietary` does, and Lumen does not call it), and
Lumen keeps only RxNorm's own concepts: names, RxCUIs and term types.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from knowledge.sources.base import DrugRecord, ParseResult, RawPage

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

API_BASE = "https://rxnav.nlm.nih.gov/REST"
RXNAV_URL = "https://mor.nlm.nih.gov/RxNav/search?searchBy=RXCUI&searchTerm={rxcui}"
INTERACTIONS_GONE = (
    "RxNav drug-interaction response: NLM discontinued the interaction API on 2 January 2024, "
    "so its data is not ingested"
)
INGREDIENT_TYPES = ("IN", "MIN")


class RxNormSource:
    slug = "rxnorm"
    name = "RxNorm (NLM RxNav)"
    url = "https://www.nlm.nih.gov/research/umls/rxnorm/"
    description = (
        "NLM's normalized names for clinical drugs: RxCUIs, ingredients, brand names and "
        "synonyms, used to match what people type to one drug."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        """For each comma-separated name in `query` (at most `limit` names), find its RxCUI
        and yield the `allrelated.json` body of each. The cursor counts names done.

        The name lookup is only a step: its body is not yielded, because for a brand ("Advil")
        it would name a drug record after the brand; allrelated gives the ingredient."""
        names = [name.strip() for name in (query or "").split(",") if name.strip()]
        if not names:
            raise ValueError(
                'rxnorm needs a query: drug name(s) to look up, e.g. "ibuprofen, atorvastatin".'
            )
        done = _names_done(cursor)
        stop = len(names) if limit is None else min(len(names), done + max(limit, 0))
        for index in range(done, stop):
            lookup = client.fetch(
                f"{API_BASE}/rxcui.json",
                params={"name": names[index], "search": 2},
                source=self.slug,
            )
            rxcuis = rxcuis_in(lookup)
            for position, rxcui in enumerate(rxcuis, start=1):
                url = f"{API_BASE}/rxcui/{rxcui}/allrelated.json"
                body = client.fetch(url, source=self.slug)
                # A name is done once its last concept is in; until then resume at the name.
                done_after = index + 1 if position == len(rxcuis) else index
                yield RawPage(body=body, url=url, cursor_after=str(done_after))

    def parse(self, raw: bytes) -> ParseResult:
        return parse(raw)


def _names_done(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit():
        raise ValueError(f"rxnorm cursor must count the names done, got {cursor!r}")
    return int(cursor)


def rxcuis_in(body: bytes) -> list[str]:
    """The RxCUIs an `idGroup` response found ([] when none, or unreadable)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    found = _list(_dict(_dict(data).get("idGroup")).get("rxnormId"))
    # RxCUIs go into a URL path: digits only.
    return [value for value in found if isinstance(value, str) and value.isdigit()]


# --- Parsing -----------------------------------------------------------------------------


def parse(raw: bytes) -> ParseResult:
    """One RxNav JSON response to drug records. Never raises."""
    result = ParseResult()
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        result.skip(f"RxNav response is not valid JSON: {exc}")
        return result
    if not isinstance(data, dict):
        result.skip("RxNav response is not a JSON object")
        return result
    if "fullInteractionTypeGroup" in data or "interactionTypeGroup" in data:
        result.problems.append(INTERACTIONS_GONE)
    elif "idGroup" in data:
        _id_group(_dict(data["idGroup"]), result)
    elif "allRelatedGroup" in data:
        _all_related(_dict(data["allRelatedGroup"]), result)
    elif "properties" in data:
        _properties(_dict(data["properties"]), result)
    elif "propConceptGroup" in data:
        _prop_concepts(_dict(data["propConceptGroup"]), result)
    else:
        keys = ", ".join(sorted(map(str, data))) or "none"
        result.skip(f"not a recognised RxNav response (top-level keys: {keys})")
    return result


def _id_group(group: dict, result: ParseResult) -> None:
    """A name lookup gives the name as asked and its RxCUI; an NDC lookup has no name, and
    a bare RxCUI is not a drug record."""
    ids = [value for value in _list(group.get("rxnormId")) if isinstance(value, str)]
    name = _text(group.get("name"))
    asked = f"{group.get('idType') or 'name'} {group.get('id') or name or '?'}"
    if not ids:
        result.skip(f"idGroup for {asked}: no RxCUI found")
    elif not name:
        result.skip(f"idGroup for {asked} (RxCUI {ids[0]}): no drug name in an id lookup")
    else:
        result.drugs.append(
            DrugRecord(name=name.lower(), rxcui=ids[0], references=[_reference(name, ids[0])])
        )


def _all_related(group: dict, result: ParseResult) -> None:
    """The ingredient concept names the drug; brands and precise-ingredient names and
    synonyms come along. Suppressed (obsolete) concepts are left out."""
    concepts = _concepts_by_type(group)
    asked = _text(group.get("rxcui")) or "?"
    ingredients = concepts.get("IN", [])
    if len(ingredients) == 1:
        main = ingredients[0]
    elif concepts.get("MIN"):  # a combination: its MIN names the whole
        main = concepts["MIN"][0]
    elif not ingredients:
        result.skip(f"allRelatedGroup for RxCUI {asked}: no ingredient (IN) concept")
        return
    else:
        result.skip(
            f"allRelatedGroup for RxCUI {asked}: {len(ingredients)} ingredients and no MIN "
            "concept naming the combination"
        )
        return
    name = main["name"]
    synonyms = [c["name"] for tty in ("PIN", "SY") for c in concepts.get(tty, [])]
    synonyms += [c["synonym"] for c in [main, *concepts.get("SY", [])] if c.get("synonym")]
    result.drugs.append(
        DrugRecord(
            name=name.lower(),
            rxcui=main["rxcui"],
            synonyms=_unique([s for s in synonyms if s.lower() != name.lower()]),
            brand_names=_unique([c["name"] for c in concepts.get("BN", [])]),
            active_ingredients=[c["name"].lower() for c in ingredients],
            references=[_reference(name, main["rxcui"])],
        )
    )


def _properties(concept: dict, result: ParseResult) -> None:
    """One concept's properties: a drug record only when it is an ingredient."""
    name, rxcui, tty = _text(concept.get("name")), _text(concept.get("rxcui")), concept.get("tty")
    if not name or not rxcui:
        result.skip(f"properties for RxCUI {rxcui or '?'}: no name or RxCUI")
    elif tty not in INGREDIENT_TYPES:
        result.skip(f"properties for RxCUI {rxcui} ({name}): a {tty} concept, not an ingredient")
    else:
        synonym = _text(concept.get("synonym"))
        result.drugs.append(
            DrugRecord(
                name=name.lower(),
                rxcui=rxcui,
                synonyms=[synonym] if synonym else [],
                references=[_reference(name, rxcui)],
            )
        )


def _prop_concepts(group: dict, result: ParseResult) -> None:
    """`allProperties.json` lists property values (codes, names, attributes) without the
    concept they belong to (the RxCUI is only in the request URL), so it cannot be attached
    to a drug by itself. Lumen does not fetch it; say what was seen and move on."""
    properties = [p for p in _list(group.get("propConcept")) if isinstance(p, dict)]
    seen = sorted({f"{p.get('propCategory')}/{p.get('propName')}" for p in properties})
    result.skip(
        f"propConceptGroup with {len(properties)} properties ({', '.join(seen) or 'none'}): "
        "no concept id in the response, nothing to attach them to"
    )


def _concepts_by_type(group: dict) -> dict[str, list[dict]]:
    concepts: dict[str, list[dict]] = {}
    for concept_group in _list(group.get("conceptGroup")):
        if not isinstance(concept_group, dict):
            continue
        for concept in _list(concept_group.get("conceptProperties")):
            if not isinstance(concept, dict) or concept.get("suppress", "N") != "N":
                continue
            name, rxcui = _text(concept.get("name")), _text(concept.get("rxcui"))
            tty = concept.get("tty") or concept_group.get("tty")
            if name and rxcui and isinstance(tty, str):
                synonym = _text(concept.get("synonym"))
                concepts.setdefault(tty, []).append(
                    {"name": name, "rxcui": rxcui, "synonym": synonym}
                )
    return concepts


def _reference(name: str, rxcui: str) -> dict:
    return {"title": f"RxNav: {name} (RxCUI {rxcui})", "url": RXNAV_URL.format(rxcui=rxcui)}


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.lower(), value)
    return list(seen.values())


SOURCE = RxNormSource()
