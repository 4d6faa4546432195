"""DrugBank drugs and drug-drug interactions, from the operator's own full-database XML.

Licence: DrugBank data is free only for non-commercial academic research; any commercial use
(a hosted product such as Lumen included) needs a licence from DrugBank (OMx Personal Health
Analytics, https://go.drugbank.com/releases). The operator downloads the file under their own
account and licence and loads it with `manage.py scrape drugbank --from-file full_database.xml`;
`fetch` never downloads it.

Format: https://docs.drugbank.com/xml/ — one `<drugbank version=..>` root in the
`http://www.drugbank.ca` namespace holding one `<drug>` per drug. The full file is about
1.5 GB, so it is read with `iterparse` and each top-level drug is dropped once read. Only
direct children of the root are drugs: `<pathways>` nest their own `<drug>` stubs.

What is extracted per drug (`DrugRecord`):
- name (lower case), primary `<drugbank-id primary="true">`, RxCUI from external identifiers,
  synonyms, brand names (non-generic `<products>` and `<international-brands>`, deduplicated),
  `uses` from `<indication>`;
- `drug_class`: the most specific ATC level name (a pharmacological class such as "Vitamin K
  antagonists"), else the chemical `<classification><direct-parent>`, else the first category;
  `classes`: every `<categories>` name, lower case;
- `availability` only when `<groups>` lacks "approved" (experimental, investigational,
  withdrawn everywhere, illicit, vet-only): then "not_approved" in US, EU and UK. An approved
  drug is left unset, because the groups do not say in which region it is sold, or where a
  "withdrawn" drug was withdrawn; the label and RxNorm sources fill availability.

Interactions (`InteractionRecord`, one per `<drug-interaction>`, A-B and B-A counted once per
file): DrugBank's XML carries NO severity and no management advice. Severity is INFERRED from
the description text by `infer_severity` — major for life-threatening effects (bleeding,
serotonin syndrome, QT prolongation, respiratory depression...) and for raised exposure to a
narrow-therapeutic-index drug, minor only for reduced absorption or serum concentration of
other drugs, moderate otherwise (hypotension and CNS depression included) — and management is
a generic "review before combining". Both must be shown as such, never as DrugBank's own rating.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from knowledge.sources.base import DrugRecord, InteractionRecord, ParseResult, RawPage

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

NS = {"db": "http://www.drugbank.ca"}
ROOT_TAG = "{http://www.drugbank.ca}drugbank"
DRUG_TAG = "{http://www.drugbank.ca}drug"
# Larger than the other sources' cap: the real file is ~1.5 GB and is streamed, not built.
MAX_BYTES = 4 * 1024**3
DEFAULT_MANAGEMENT = "Review with a pharmacist or prescriber before combining."
REGIONS = ("US", "EU", "UK")
# Drug's column sizes: longer synonyms (full IUPAC names of peptides) and categories are
# dropped rather than cut, since a cut name matches nothing.
MAX_NAME_CHARS = 200
MAX_CLASS_CHARS = 100
MAJOR = re.compile(
    r"bleeding|hemorrhage|haemorrhage|anticoagulant activit|serotonin syndrome|serotonergic"
    r"|qtc?[- ]?prolong|torsade|respiratory depression|neuroleptic malignant"
    r"|hypertensive crisis|rhabdomyolysis|myopathy|lactic acidosis|hyperkalemia"
    r"|myelosuppression|bone marrow suppression|agranulocytosis",
    re.IGNORECASE,
)
# Narrow therapeutic index: small changes in exposure matter, so never "minor", and raised
# exposure (slower metabolism or excretion, higher serum concentration) is major.
NARROW_INDEX = frozenset(
    {
        "warfarin", "digoxin", "lithium", "phenytoin", "carbamazepine", "phenobarbital",
        "valproic acid", "cyclosporine", "tacrolimus", "sirolimus", "theophylline",
        "aminophylline", "levothyroxine", "methotrexate", "flecainide",
    }
)  # fmt: skip
RAISES_EXPOSURE = re.compile(
    r"(?:metabolism|excretion) of (.+?) can be decreased|serum concentration of (.+?) can be"
    r" increased",
    re.IGNORECASE,
)
MINOR = re.compile(
    r"decrease in the absorption|absorption of .+ can be decreased"
    r"|serum concentration of .+ can be decreased",
    re.IGNORECASE,
)


class DrugBankSource:
    slug = "drugbank"
    name = "DrugBank (operator-supplied)"
    url = "https://go.drugbank.com/"
    description = (
        "Drugs and drug-drug interactions from a DrugBank full-database XML that the operator "
        "downloads under their own DrugBank licence (free only for non-commercial academic "
        "use; commercial use needs a licence). Interaction severity is inferred from the text."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        raise ValueError(
            "DrugBank cannot be downloaded by Lumen: its data needs a licence. Download the "
            "full database XML from https://go.drugbank.com/releases under your own account "
            "(free for non-commercial academic use only), unzip it, and run "
            "`manage.py scrape drugbank --from-file full_database.xml`."
        )

    def parse(self, raw: bytes) -> ParseResult:
        if len(raw) > MAX_BYTES:
            result = ParseResult()
            result.skip(f"file of {len(raw)} bytes is over the {MAX_BYTES}-byte limit")
            return result
        return parse_stream(io.BytesIO(raw))


def parse_path(path: Path) -> ParseResult:
    """Like `parse`, streaming from disk so the 1.5 GB file is never held in memory."""
    with path.open("rb") as stream:
        return parse_stream(stream)


def parse_stream(stream: IO[bytes]) -> ParseResult:
    """Pure apart from reading `stream`: never raises on bad data. A file cut short keeps the
    drugs read before the break, and says where it broke."""
    result = ParseResult()
    seen: set[frozenset[str]] = set()
    source = "DrugBank"
    root: ET.Element | None = None
    depth = 0
    try:
        # ElementTree never fetches external entities, and expat (>= 2.4) caps entity
        # expansion; the file is the operator's own download.
        for event, elem in ET.iterparse(stream, events=("start", "end")):  # noqa: S314
            if event == "start":
                depth += 1
                if depth == 1:
                    if elem.tag != ROOT_TAG:
                        result.skip(f"not a DrugBank XML file (root <{elem.tag}>)")
                        return result
                    root = elem
                    version = (elem.get("version") or "").strip()
                    source = f"DrugBank {version}" if version else "DrugBank"
                continue
            depth -= 1
            if depth == 1 and elem.tag == DRUG_TAG and root is not None:
                _add_drug(elem, source, seen, result)
                root.clear()  # drop the drug just read: memory stays flat over 1.5 GB
    except ET.ParseError as exc:
        result.skip(f"malformed XML after {len(result.drugs)} drug(s): {exc}")
    return result


def infer_severity(description: str, drugs: Iterable[str] = ()) -> str:
    """major, moderate or minor, guessed from DrugBank's interaction sentence about `drugs`.

    Errs high: anything that can kill (bleeding, serotonin syndrome, QT prolongation,
    respiratory depression...) is major even when the sentence also mentions milder effects,
    as is raised exposure to a narrow-therapeutic-index drug (warfarin, lithium, digoxin...);
    minor is kept for interactions that only lower absorption or serum concentration of a
    drug outside that list.
    """
    if MAJOR.search(description):
        return "major"
    raised = RAISES_EXPOSURE.search(description)
    if raised and (raised.group(1) or raised.group(2) or "").strip().lower() in NARROW_INDEX:
        return "major"
    narrow = any(d.lower() in NARROW_INDEX for d in drugs)
    if MINOR.search(description) and not narrow:
        return "minor"
    return "moderate"


def _add_drug(
    drug: ET.Element, source: str, seen: set[frozenset[str]], result: ParseResult
) -> None:
    drugbank_id = _text(drug.find("db:drugbank-id[@primary='true']", NS))
    name = _text(drug.find("db:name", NS)).lower()
    if not drugbank_id or not name:
        result.skip(f"drug without primary drugbank-id or name ({drugbank_id or name or '?'})")
        return
    result.drugs.append(
        DrugRecord(
            name=name,
            drugbank_id=drugbank_id,
            rxcui=_rxcui(drug),
            synonyms=_unique(_texts(drug, "db:synonyms/db:synonym"), exclude=name),
            brand_names=_brand_names(drug, name),
            drug_class=_drug_class(drug),
            classes=_unique(
                (t.lower() for t in _texts(drug, "db:categories/db:category/db:category")),
                limit=MAX_CLASS_CHARS,
            ),
            availability=_availability(drug),
            uses=_text(drug.find("db:indication", NS)),
            references=[
                {"title": f"DrugBank {drugbank_id}", "url": _drug_url(drugbank_id)},
            ],
        )
    )
    _add_interactions(drug, name, drugbank_id, source, seen, result)


def _add_interactions(
    drug: ET.Element,
    name: str,
    drugbank_id: str,
    source: str,
    seen: set[frozenset[str]],
    result: ParseResult,
) -> None:
    for position, item in enumerate(drug.iterfind("db:drug-interactions/db:drug-interaction", NS)):
        other = _text(item.find("db:name", NS)).lower()
        description = _text(item.find("db:description", NS))
        if not other or not description:
            result.skip(
                f"{drugbank_id} interaction #{position + 1} has no drug name or description"
            )
            continue
        pair = frozenset((name, other))
        if other == name or pair in seen:
            continue  # DrugBank lists every pair under both drugs
        seen.add(pair)
        result.interactions.append(
            InteractionRecord(
                a=name,
                b=other,
                severity=infer_severity(description, (name, other)),
                mechanism=description,
                management=DEFAULT_MANAGEMENT,
                source=source,
                source_url=_drug_url(drugbank_id),
            )
        )


def _brand_names(drug: ET.Element, name: str) -> list[str]:
    brands = [
        _text(product.find("db:name", NS))
        for product in drug.iterfind("db:products/db:product", NS)
        if _text(product.find("db:generic", NS)).lower() != "true"
    ]
    brands += _texts(drug, "db:international-brands/db:international-brand/db:name")
    return _unique(brands, exclude=name)


def _drug_class(drug: ET.Element) -> str:
    # The first <level> of an ATC code is its most specific (4th-level) group: a pharmacological
    # class a reader recognises, unlike the chemical taxonomy of <direct-parent>.
    return (
        _text(drug.find("db:atc-codes/db:atc-code/db:level", NS))
        or _text(drug.find("db:classification/db:direct-parent", NS))
        or _text(drug.find("db:categories/db:category/db:category", NS))
    )


def _availability(drug: ET.Element) -> dict[str, str]:
    groups = {g.lower() for g in _texts(drug, "db:groups/db:group")}
    if not groups or "approved" in groups:
        return {}
    return dict.fromkeys(REGIONS, "not_approved")


def _rxcui(drug: ET.Element) -> str:
    for ident in drug.iterfind("db:external-identifiers/db:external-identifier", NS):
        if _text(ident.find("db:resource", NS)) == "RxCUI":
            return _text(ident.find("db:identifier", NS))
    return ""


def _drug_url(drugbank_id: str) -> str:
    return f"https://go.drugbank.com/drugs/{drugbank_id}"


def _texts(drug: ET.Element, path: str) -> list[str]:
    return [t for t in (_text(el) for el in drug.iterfind(path, NS)) if t]


def _text(el: ET.Element | None) -> str:
    return " ".join((el.text or "").split()) if el is not None else ""


def _unique(values: Iterable[str], *, exclude: str = "", limit: int = MAX_NAME_CHARS) -> list[str]:
    """First spelling of each value, compared case-insensitively, without `exclude` and
    without values longer than `limit`."""
    seen = {exclude.lower()} if exclude else set()
    kept = []
    for value in values:
        if value and len(value) <= limit and value.lower() not in seen:
            seen.add(value.lower())
            kept.append(value)
    return kept


SOURCE = DrugBankSource()
