"""What each document is about: its subject's name and the other names it goes by.

A document's identity comes from its metadata when a source provides it (MedQuAD: `focus`,
`synonyms`, `category`; starter monographs: `drug`), and otherwise from its title
("Sinusitis (sinus infection)" -> "Sinusitis", also "sinus infection"). Regulations and
guidelines are also known by their identifiers ("Annex 1", "21 CFR 211", "ICH Q9"), read from
the title the same way they are read from a question (`regulation_keys`).

The identity is written into every chunk as a contextual header (`chunk_header`), so a
section that never names its subject ("Common side effects include nausea") is still found
by the subject's name, both by its embedding and by its full-text vector.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Tails that say what kind of page it is, not what it is about.
_GENERIC_TAILS = re.compile(
    r"\s*(?:[-\u2013\u2014:,]\s*)?\b(?:patient information|warning signs|first aid|recognising the signs"
    r"|recognizing the signs|overview|fact sheet|drug information)\s*$",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\s*\(([^()]*)\)")
# Words that name no subject on their own, so never become a name a question is matched by.
GENERIC_NAMES = frozenset(
    "medicines medicine medications medication drugs drug health care treatment treatments "
    "symptoms signs causes pain support information adults children people".split()
)


MAX_ACRONYM = 5


@dataclass(frozen=True)
class Identity:
    """`name` is how answers name the subject; `aliases` (lower case, `name` included) are
    every name a question may use for it; `kind` is drug, condition, regulation or topic."""

    name: str
    aliases: tuple[str, ...]
    kind: str
    drug: str = ""  # the drug database's generic name, for drug documents
    regulations: tuple[str, ...] = field(default=())
    # Aliases written in capitals by the source ("ALL", "GAS", "THE syndrome"'s "THE"): the
    # same letters in lower case are often an everyday word, so they are matched with care.
    acronyms: tuple[str, ...] = field(default=())


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" .,;:-\u2013\u2014")


def title_names(title: str) -> tuple[str, list[str]]:
    """The main name a title gives its subject and the other names it mentions:
    "Low blood sugar (hypoglycaemia)" -> ("Low blood sugar", ["hypoglycaemia"])."""
    head = re.split(r":|\s[\u2013\u2014]\s", title, maxsplit=1)[0]
    others = [_clean(p) for p in _PARENTHESES.findall(head)]
    main = _clean(_GENERIC_TAILS.sub("", _PARENTHESES.sub("", head)))
    return main or _clean(title), [o for o in others if o]


def _parts(name: str) -> list[str]:
    """A name and its listed parts: "Heartburn and acid reflux" also gives "heartburn" and
    "acid reflux"; "Fever in adults" also gives "fever"."""
    out = [name]
    pieces = [p for p in re.split(r",\s*|\s+and\s+|\s*/\s*", name) if p.strip()]
    if len(pieces) > 1:
        out += pieces
    head = re.split(r"\s+in\s+(?:adults|children|babies|infants|pregnancy)\b", name)[0]
    if head != name:
        out.append(head)
    return [_clean(p) for p in out if _clean(p)]


def _alias_ok(alias: str) -> bool:
    letters = sum(ch.isalpha() for ch in alias)
    return letters >= 3 and alias.lower() not in GENERIC_NAMES


def identity(
    title: str, metadata: dict | None, *, doc_type: str = "", drug_names: tuple[str, ...] = ()
) -> Identity:
    """The identity of a document with this title and metadata. `drug_names` are the drug
    database's names (generic, synonyms, brands) for a document about one medicine."""
    metadata = metadata if isinstance(metadata, dict) else {}
    focus = metadata.get("focus") if isinstance(metadata.get("focus"), str) else ""
    synonyms = [s for s in metadata.get("synonyms") or [] if isinstance(s, str)]
    drug = metadata.get("drug") if isinstance(metadata.get("drug"), str) else ""
    main, others = title_names(title)
    name = _clean(focus) or (drug.capitalize() if drug else main)
    names = [name, *synonyms, *others, *drug_names]
    if not focus:
        names.append(main)
    aliases: list[str] = []
    acronyms: list[str] = []
    for candidate in names:
        for part in _parts(candidate):
            if _alias_ok(part) and part.lower() not in aliases:
                aliases.append(part.lower())
                if part.isupper() and len(part) <= MAX_ACRONYM:
                    acronyms.append(part.lower())
    regulations = tuple(regulation_keys(title))
    if regulations and not (focus or drug or drug_names):
        # A guideline is asked about by its identifier; its title's words are topics.
        aliases = [r.lower() for r in regulations]
    category = str(metadata.get("category", "")).lower()
    if drug or drug_names or category == "drug":
        kind = "drug"
    elif regulations:
        kind = "regulation"
    elif category == "disease" or doc_type == "health_topic":
        kind = "condition"
    else:
        kind = "topic"
    return Identity(name, tuple(aliases), kind, drug, regulations, tuple(acronyms))


def chunk_header(title: str, ident: Identity, section: str) -> str:
    """The contextual header stored with (and embedded into) each chunk: the document's
    title, its subject and other names, and the section."""
    others = [a for a in ident.aliases if a.lower() not in title.lower()]
    others += [r for r in ident.regulations if r.lower() not in title.lower()]
    parts = [title]
    if ident.name.lower() not in title.lower():
        parts.append(f"About: {ident.name}")
    if others:
        parts.append("Also called: " + ", ".join(others[:12]))
    if section:
        parts.append(f"Section: {section}")
    return ". ".join(parts)


# --- Regulations and guidelines, by identifier ----------------------------------------------

_REGULATION_PATTERNS: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), key)
    for pattern, key in (
        (r"\bannex\s*(\d{1,2})\b", "Annex {}"),
        (r"\b(?:21\s*)?c\.?f\.?r\.?\s*(?:part\s*)?(\d{1,4})", "21 CFR {}"),
        (r"\bpart\s*(\d{2,3})\b", "21 CFR {}"),
        (r"\bich\s*([qems]\d{1,2}[a-e]?)", "ICH {}"),
        (r"\bregulation\s*(?:\((?:eu|ec)\)\s*)?(?:no\.?\s*)?(\d{2,4}/\d{1,4})", "Regulation {}"),
        (r"\bdirective\s*(?:\((?:eu|ec)\)\s*)?(?:no\.?\s*)?(\d{2,4}/\d{1,4})", "Directive {}"),
        (r"(?<![\w<])(q(?:[1-9]|1[0-4])[a-e]?)(?:\s*\(r\d\))?(?![\w>])", "ICH {}"),
        (r"\busp\s*(?:chapter\s*)?<?\s*(\d{2,4})\s*>?", "USP <{}>"),
        (r"<(\d{3,4})>", "USP <{}>"),
        (r"\bpi\s*0*(\d{1,3})\b", "PIC/S PI {}"),
        (r"\btrs\s*(\d{3,4})\b", "WHO TRS {}"),
        (r"\biso\s*(\d{4,5})\b", "ISO {}"),
        (r"\bchapter\s*(\d{1,2})\b", "EU GMP Chapter {}"),
    )
)
SECTION_NUMBER = re.compile(r"(?:§\s*|\bsection\s+)?\b(\d{2,4}\.\d{1,3})\b", re.IGNORECASE)


def regulation_keys(text: str) -> list[str]:
    """Canonical identifiers of the regulations and guidelines `text` names, in order:
    "21 CFR 211.67 and ICH Q9(R1)" -> ["21 CFR 211", "ICH Q9"]."""
    found: list[tuple[int, str]] = []
    for pattern, key in _REGULATION_PATTERNS:
        for match in pattern.finditer(text):
            raw = match.group(1)
            if key.startswith("ICH"):
                raw = raw.upper()
            elif raw.isdigit():
                raw = str(int(raw))
            value = key.format(raw)
            if key == "EU GMP Chapter {}" and "annex" in text[: match.start()].lower()[-12:]:
                continue
            found.append((match.start(), value))
    keys: list[str] = []
    for _, value in sorted(found):
        if value not in keys:
            keys.append(value)
    return keys


def drug_names_for(metadata: dict | None, title: str) -> tuple[str, tuple[str, ...]]:
    """The drug database's generic name and every name of the medicine a document is about
    (its `drug` metadata, a MedQuAD drug `focus`, or a title naming a known drug), or
    ("", ()) when it is not about one medicine."""
    from knowledge.drug_names import match
    from knowledge.models import Drug

    metadata = metadata if isinstance(metadata, dict) else {}
    drug = None
    if isinstance(metadata.get("drug"), str):
        drug = Drug.objects.filter(name=metadata["drug"].lower()).first()
    elif str(metadata.get("category", "")).lower() == "drug" and metadata.get("focus"):
        drug = match(str(metadata["focus"]))
    elif not metadata.get("focus"):
        main, _ = title_names(title)
        candidate = match(main)
        # Only when the title's subject *is* the drug ("Ibuprofen: patient information"),
        # not when it merely mentions one ("Warfarin and diet").
        if candidate is not None and main.lower() in {
            candidate.name,
            *(n.lower() for n in (*candidate.synonyms, *candidate.brand_names)),
        }:
            drug = candidate
    if drug is None:
        return "", ()
    return drug.name, (drug.name, *drug.synonyms, *drug.brand_names)


def document_identity(document) -> Identity:
    """The identity of a stored `Document`."""
    generic, names = drug_names_for(document.metadata, document.title)
    ident = identity(
        document.title, document.metadata, doc_type=document.doc_type, drug_names=names
    )
    if generic and not ident.drug:
        ident = Identity(ident.name, ident.aliases, "drug", generic, ident.regulations)
    return ident
