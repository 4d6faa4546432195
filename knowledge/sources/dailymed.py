"""DailyMed drug labels as SPL XML: https://dailymed.nlm.nih.gov/dailymed/services/v2/

API: `spls.json?drug_name=<name>&pagesize=<n>&page=<p>` lists labels (set ids; `pagesize` at
most 100, pages from 1, `metadata.total_pages` says when to stop), then `spls/<setid>.xml`
returns the current version of one label as HL7 v3 Structured Product Labeling
(`urn:hl7-org:v3`). `metadata.total_pages` comes back as a string. Pacing and retries are the
shared client's job.

Terms: DailyMed content is public (US government labeling submitted to FDA, published by NLM)
and free to reuse; NLM asks that it be credited and not presented as endorsed by NLM.

SPL marks OTC "Drug Facts" labels with LOINC 34390-5 and prescription labels with 34391-3.
Product data appear in two generations: `manufacturedProduct` with `ingredient
classCode="ACTIB|ACTIM|ACTIR"` (2009 on) and `manufacturedMedicine` with
`activeIngredient/activeIngredientSubstance` (older); both are read.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from knowledge.sources.base import DocumentRecord, DrugRecord, ParseResult, RawPage, Section

try:  # defusedxml when installed; stdlib expat neither fetches external entities nor
    # expands entities without bound (billion-laughs protection since expat 2.4).
    from defusedxml.ElementTree import fromstring as _xml_fromstring
except ImportError:  # pragma: no cover - depends on the environment
    _xml_fromstring = ET.fromstring

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

API_BASE = "https://dailymed.nlm.nih.gov/dailymed/services/v2"
LOOKUP_URL = "https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={set_id}"
PAGE_SIZE = 100  # DailyMed's largest `pagesize`
MAX_BYTES = 40 * 1024 * 1024  # the largest SPLs are a few MB; refuse anything absurd
HL7 = "urn:hl7-org:v3"
NS = {"v": HL7}

OTC_LABEL = "34390-5"
RX_LABEL = "34391-3"
UNCLASSIFIED = "42229-5"
# Product listing data and carton panels duplicate the structured product data or are images.
SKIPPED_SECTIONS = {"48780-1", "51945-4"}
ACTIVE_CLASS_CODES = {"ACTIB", "ACTIM", "ACTIR"}  # active ingredient basis / moiety / reference

_WHITESPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([\]).,;])")  # "(12.3) ]" left by inline markup
_SET_ID = re.compile(r"^[0-9A-Fa-f-]{36}$")
_BLOCKS = {"paragraph", "caption", "footnote", "list", "table", "thead", "tbody", "tfoot"}
_NOT_TEXT = {"renderMultiMedia", "col", "colgroup"}


class DailyMedSource:
    slug = "dailymed"
    name = "DailyMed (NLM)"
    url = "https://dailymed.nlm.nih.gov/"
    description = (
        "Current US drug labels (Structured Product Labeling) submitted to FDA and published "
        "by the National Library of Medicine; prescription and OTC."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        """Yield one SPL XML per label listed for `query` (all labels when None), at most
        `limit`. The cursor is "<page>:<index>": the next list page and position on it. Pages
        are always 100 long, whatever the limit, so a cursor means the same label next run."""
        page, start = _parse_cursor(cursor)
        remaining = limit
        while remaining is None or remaining > 0:
            params: dict[str, Any] = {"pagesize": PAGE_SIZE, "page": page}
            if query and query.strip():
                params["drug_name"] = query.strip()
            listing = client.fetch(f"{API_BASE}/spls.json", params=params, source=self.slug)
            set_ids, total_pages = _read_listing(listing)
            for index in range(start, len(set_ids)):
                if remaining is not None and remaining <= 0:
                    return
                url = f"{API_BASE}/spls/{set_ids[index]}.xml"
                body = client.fetch(url, source=self.slug)
                last = index + 1 == len(set_ids)
                after = f"{page + 1}:0" if last else f"{page}:{index + 1}"
                yield RawPage(body=body, url=url, cursor_after=after)
                if remaining is not None:
                    remaining -= 1
            if not set_ids or total_pages is None or page >= total_pages:
                return
            page, start = page + 1, 0

    def parse(self, raw: bytes) -> ParseResult:
        return parse(raw)


def _parse_cursor(cursor: str | None) -> tuple[int, int]:
    if not cursor:
        return 1, 0
    match = re.fullmatch(r"(\d+):(\d+)", cursor.strip())
    if not match or int(match[1]) < 1:
        raise ValueError(f'dailymed cursor must be "<page>:<index>", got {cursor!r}')
    return int(match[1]), int(match[2])


def _read_listing(body: bytes) -> tuple[list[str], int | None]:
    """Set ids on one `spls.json` page and the number of pages; ([], None) if unreadable."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return [], None
    if not isinstance(data, dict):
        return [], None
    rows = data.get("data") if isinstance(data.get("data"), list) else []
    # A set id goes into a URL path: accept only the UUID shape DailyMed uses.
    set_ids = [
        row["setid"]
        for row in rows
        if isinstance(row, dict)
        and isinstance(row.get("setid"), str)
        and _SET_ID.match(row["setid"])
    ]
    meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    try:
        total_pages = int(meta.get("total_pages"))
    except (TypeError, ValueError):
        total_pages = None
    return set_ids, total_pages


# --- Parsing -----------------------------------------------------------------------------


def parse(raw: bytes) -> ParseResult:
    """One SPL XML document to a drug-label document and a drug record. Never raises."""
    result = ParseResult()
    root = _load(raw, result)
    if root is None:
        return result
    spl = _Spl(root)
    if not spl.set_id:
        result.skip(f"SPL {spl.document_id or '(no id)'}: no setId")
        return result
    drug = spl.drug_record()
    if drug is not None:
        result.drugs.append(drug)
    else:
        result.problems.append(f"SPL {spl.set_id}: no generic or product name; no drug record")
    if not spl.title:
        result.skip(f"SPL {spl.set_id}: no title or product name")
        return result
    sections = spl.sections()
    if not sections:
        result.skip(f"SPL {spl.set_id}: no section text")
        return result
    result.documents.append(spl.document(sections))
    return result


def _load(raw: bytes, result: ParseResult) -> ET.Element | None:
    if len(raw) > MAX_BYTES:
        result.skip(f"SPL is {len(raw):,} bytes, over the {MAX_BYTES:,} byte limit")
        return None
    # SPL never declares entities; refusing them rules out entity-expansion tricks.
    if b"<!ENTITY" in raw:
        result.skip("SPL declares XML entities; refused")
        return None
    try:
        root = _xml_fromstring(raw)
    except (ET.ParseError, ValueError) as exc:
        result.skip(f"SPL is not well-formed XML: {exc}")
        return None
    except Exception as exc:  # defusedxml's refusals (DTDForbidden, ...) when installed
        result.skip(f"SPL refused by the XML parser: {exc}")
        return None
    if root.tag != f"{{{HL7}}}document":
        result.skip(f"not an SPL document: root element is {root.tag!r}")
        return None
    return root


class _Spl:
    """Reads one SPL document: identity, products, sections."""

    def __init__(self, root: ET.Element) -> None:
        self.root = root
        self.document_id = _attr(root.find("v:id", NS), "root")
        self.set_id = _attr(root.find("v:setId", NS), "root")
        code = root.find("v:code", NS)
        self.code = _attr(code, "code")
        self.code_name = _attr(code, "displayName")
        self.kind = {OTC_LABEL: "otc", RX_LABEL: "rx"}.get(self.code, "")
        self.spl_title = _one_line(_flatten(root.find("v:title", NS)))
        products = _products(root)
        self.brand_names = _unique([p["name"] for p in products if p["name"]])
        self.generic_names = _unique([p["generic"] for p in products if p["generic"]])
        self.active_ingredients = _unique([name.lower() for p in products for name in p["active"]])
        self.ndc = _unique([p["ndc"] for p in products if p["ndc"]])

    @property
    def title(self) -> str:
        # SPL <title> is often boilerplate ("Drug Facts", "These highlights do not include
        # all the information..."), so the product's own names make the better title.
        brand = self.brand_names[0] if self.brand_names else ""
        generic = self.generic_names[0].lower() if self.generic_names else ""
        if brand and generic and brand.lower() != generic:
            core = f"{brand} ({generic})"
        else:
            core = brand or generic or self.spl_title[:300]
        if core and self.kind:
            core += " (OTC)" if self.kind == "otc" else " (Rx)"
        return core

    @property
    def url(self) -> str:
        return LOOKUP_URL.format(set_id=self.set_id)

    def sections(self) -> list[Section]:
        body = self.root.find("v:component/v:structuredBody", NS)
        sections: list[Section] = []
        if body is not None:
            _walk_sections(body, (), sections)
        return sections

    def document(self, sections: list[Section]) -> DocumentRecord:
        author = self.root.find("v:author/v:assignedEntity/v:representedOrganization/v:name", NS)
        return DocumentRecord(
            external_id=self.set_id,
            title=self.title,
            sections=sections,
            doc_type="drug_label",
            region="US",
            url=self.url,
            authority="FDA",
            published=_hl7_date(_attr(self.root.find("v:effectiveTime", NS), "value")),
            metadata={
                "set_id": self.set_id,
                "spl_id": self.document_id,
                "version": _attr(self.root.find("v:versionNumber", NS), "value"),
                "document_code": self.code,
                "document_type": self.code_name,
                "label_kind": self.kind,  # "otc" (Drug Facts), "rx" or "" (other SPL types)
                "spl_title": self.spl_title,
                "brand_names": self.brand_names,
                "generic_names": self.generic_names,
                "active_ingredients": self.active_ingredients,
                "ndc": self.ndc,
                "manufacturer": _one_line(_flatten(author)),
            },
        )

    def drug_record(self) -> DrugRecord | None:
        name = (self.generic_names[0] if self.generic_names else "").lower()
        name = name or ", ".join(self.active_ingredients)
        if not name:
            return None
        return DrugRecord(
            name=name,
            brand_names=[b for b in self.brand_names if b.lower() != name],
            active_ingredients=self.active_ingredients,
            availability={"US": self.kind} if self.kind else {},
            references=[{"title": f"DailyMed: {self.title or name}", "url": self.url}],
        )


def _products(root: ET.Element) -> list[dict]:
    """Name, generic name, active ingredients and NDC of each product the label lists."""
    products = []
    for subject in root.iterfind(".//v:section/v:subject", NS):
        for product in [
            *subject.findall("v:manufacturedProduct/v:manufacturedProduct", NS),
            *subject.findall("v:manufacturedProduct/v:manufacturedMedicine", NS),
        ]:
            active = [
                _one_line(_flatten(ingredient.find("v:ingredientSubstance/v:name", NS)))
                for ingredient in product.findall("v:ingredient", NS)
                if ingredient.get("classCode") in ACTIVE_CLASS_CODES
            ]
            active += [
                _one_line(_flatten(name))
                for name in product.findall(
                    "v:activeIngredient/v:activeIngredientSubstance/v:name", NS
                )
            ]
            products.append(
                {
                    "name": _product_name(product.find("v:name", NS)),
                    "generic": _one_line(
                        _flatten(product.find("v:asEntityWithGeneric/v:genericMedicine/v:name", NS))
                    ),
                    "active": [name for name in active if name],
                    "ndc": _attr(product.find("v:code", NS), "code"),
                }
            )
    return products


def _product_name(name: ET.Element | None) -> str:
    """The name with its <suffix> as a separate word ("TRIAMINIC" + "Childrens ...")."""
    if name is None:
        return ""
    words = [name.text or ""]
    for child in name:
        words += [_flatten(child), child.tail or ""]
    return _one_line(" ".join(words))


def _walk_sections(parent: ET.Element, path: tuple[str, ...], out: list[Section]) -> None:
    """Each section's own text in document order, headed by its titles from the top
    ("4 CONTRAINDICATIONS > 4.3 Pregnancy"): a sub-section read alone must not lose what it
    is part of. Untitled unclassified sub-sections continue their parent."""
    for section in parent.findall("v:component/v:section", NS):
        code = section.find("v:code", NS)
        code_value = _attr(code, "code")
        if code_value in SKIPPED_SECTIONS:
            continue
        own = _one_line(_flatten(section.find("v:title", NS)))
        if not own and code_value != UNCLASSIFIED:
            own = _humanise(_attr(code, "displayName"))
        here = (*path, own) if own else path
        heading = _heading(here)
        # Only the section's own <text>: the <excerpt> highlights repeat the full text.
        text = _flatten(section.find("v:text", NS))
        if text and not own and out and out[-1].heading == heading:
            out[-1] = Section(heading, f"{out[-1].text}\n{text}")
        elif text:
            out.append(Section(heading, text))
        _walk_sections(section, here, out)


def _heading(path: tuple[str, ...]) -> str:
    heading = " > ".join(path)
    # Chunk.section holds 300 characters; the nearest titles matter most.
    return heading if len(heading) <= 200 else "…" + heading[-199:]


def _humanise(display_name: str) -> str:
    """ "OTC - KEEP OUT OF REACH OF CHILDREN SECTION" -> "Keep out of reach of children"."""
    name = re.sub(r"^OTC\s*-\s*", "", display_name.strip(), flags=re.IGNORECASE)
    name = re.sub(r"\s+section$", "", name, flags=re.IGNORECASE).replace("&", "and")
    name = _one_line(name).lower()
    return name[:1].upper() + name[1:]


# --- Text ----------------------------------------------------------------------------------


def _flatten(element: ET.Element | None) -> str:
    """Inline markup to plain text; paragraphs, list items and table rows on their own lines
    (cells joined with " | ")."""
    if element is None:
        return ""
    parts: list[str] = []
    _emit(element, parts)
    lines: list[str] = []
    bullet = False
    for raw_line in "".join(parts).split("\n"):
        line = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(raw_line.split()))
        if line == "-":  # an item whose content opens with a block: bullet the next line
            bullet = True
        elif line:
            lines.append(f"- {line}" if bullet else line)
            bullet = False
    return "\n".join(lines)


def _emit(element: ET.Element, parts: list[str]) -> None:
    tag = _local(element.tag)
    if tag in _NOT_TEXT:
        return
    if tag == "br":
        parts.append("\n")
        return
    if tag == "tr":
        cells = [_one_line(_flatten(cell)) for cell in element if _local(cell.tag) in ("td", "th")]
        parts.append("\n" + " | ".join(cell for cell in cells if cell) + "\n")
        return
    if tag in _BLOCKS:
        parts.append("\n")
    if tag == "item":
        parts.append("\n- ")
    # Line breaks inside the XML's text are layout, not content; only markup breaks lines.
    if element.text:
        parts.append(_WHITESPACE.sub(" ", element.text))
    for child in element:
        _emit(child, parts)
        if child.tail:
            parts.append(_WHITESPACE.sub(" ", child.tail))
    if tag in _BLOCKS or tag == "item":
        parts.append("\n")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _attr(element: ET.Element | None, name: str) -> str:
    return (element.get(name) or "").strip() if element is not None else ""


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.lower(), value)
    return list(seen.values())


def _hl7_date(value: str) -> date | None:
    if len(value) < 8 or not value[:8].isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


SOURCE = DailyMedSource()
