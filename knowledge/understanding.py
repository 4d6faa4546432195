"""What a question is about: the entities it names, what it asks, and who it is for.

One module for every caller (answers, the regulatory assistant, triage hand-offs). Entities
come from data, never from a word list about particular questions:

- medicines through the drug database (generic names, brands, synonyms, combinations; close
  misspellings by similarity),
- conditions, tests and topics through the subjects of stored documents (titles, MedQuAD
  `focus` and `synonyms`: `knowledge.subjects`),
- regulations and guidelines by identifier ("Annex 1", "21 CFR 211.67", "ICH Q9").

What is left once those and the question's own wording are removed is a subject the question
names but Lumen may not know ("cold sore"): it is looked up in the corpus as a phrase, and
reported as `unknown` when no passage contains it, so the caller abstains instead of
answering from neighbours.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.models import Count, Max

from knowledge.drug_names import _matcher, _version, mentioned_drugs
from knowledge.models import Document, Drug
from knowledge.subjects import SECTION_NUMBER, identity, regulation_keys, title_names

# --- Question types ---------------------------------------------------------------------------

# (type, pattern) in priority order: the first that matches is the question's main type.
QUESTION_TYPES: tuple[tuple[str, re.Pattern], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("interactions", r"\binteract|\btogether\b|\bmix(?:ing)?\b|\bcombin|\balong ?side\b|"
         r"\bat the same time\b|\balcohol\b|\bdrink(?:ing)?\b|\bbeer\b|\bwine\b|\bgrapefruit\b"),
        ("pregnancy", r"\bpregnan|\bbreast ?feed|\bbreast-?feeding|\bnursing\b|\bconceiv"),
        ("side_effects", r"\bside[- ]?effects?\b|\badverse\b|\breactions?\b|\bmake (?:me|you)\b"),
        ("storage", r"\bstor(?:e|ed|ing|age)\b|\bfridge\b|\brefrigerat|\bexpir"),
        ("dose", r"\bdos(?:e|es|age|ing)\b|\bhow (?:much|many|often)\b|\bmg\b"),
        ("limit", r"\blimits?\b|\bmaximum\b|\bminimum\b|\bthreshold|\bacceptance criteri|"
         r"\bspecification|\bclassif|\bgrade [a-d]\b|\bparticles?\b|\bconductivity\b|\bcfu\b|"
         r"\balert\b|\baction levels?\b"),
        ("see_doctor", r"\bsee a (?:doctor|gp)|\bwhen should i\b|\bemergency\b|\bhospital\b|"
         r"\burgent|\bworried\b|\bcall (?:911|999|112)\b|\bdoctor\b"),
        ("symptoms", r"\bsymptoms?\b|\bsigns?\b|\bfeel like\b|\blook like\b|\bhow do i know\b"),
        ("causes", r"\bcaus|\bwhy do\b|\bwhy does\b|\brisk factors?\b|\bwhat triggers\b"),
        ("prevention", r"\bprevent|\bavoid getting\b|\breduce (?:the|my)? ?risk\b|\bstop getting\b"),
        ("tests", r"\btests?\b|\bdiagnos|\bscreen(?:ing)?\b|\bcheck(?:ed)? for\b"),
        ("outlook", r"\boutlook\b|\bprognosis\b|\bhow long\b|\bgo away\b|\blast\b|\brecover|"
         r"\bcurable\b|\blife expectancy\b"),
        ("treatment", r"\btreat|\bcure\b|\bget rid\b|\bremed|\brelie|\bmanag|\btherap|"
         r"\bwhat can i take\b|\bhelp with\b|\bmedicine for\b|\bhelps?\b"),
        ("warnings", r"\bsafe\b|\bsafety\b|\brisks?\b|\bdanger|\bwarnings?\b|\blong[- ]term\b|"
         r"\bprecaution|\bokay to\b|\bok to\b|\bcan i (?:take|use|have|give)\b|\bharm"),
        ("uses", r"\bused? for\b|\buses\b|\bwhat does .+ do\b|\bwhat is .+ for\b|\bwork\b"),
        ("requirement", r"\brequire|\bmust\b|\bshall\b|\bexpect|\bneeded\b|\bmandatory\b"),
        ("procedure", r"\bhow (?:to|do|should|is|are)\b|\bprocedure|\bsteps?\b|\bperform|"
         r"\bvalidat|\bprocess\b"),
        ("definition", r"\bwhat (?:is|are)\b|\bwhat's\b|\bdefin|\bmean(?:s|ing)?\b|\bexplain\b"),
    )
)  # fmt: skip

# Section headings that answer each question type best (matched as lower-case substrings).
SECTION_HINTS: dict[str, tuple[str, ...]] = {
    "uses": ("uses", "what it is", "indication", "information", "what is"),
    "side_effects": ("side effect", "adverse", "reaction"),
    "dose": ("dos", "how to take", "how to use"),
    "interactions": ("interaction", "warning", "precaution"),
    "pregnancy": ("pregnan", "breastfeed"),
    "storage": ("storage", "store"),
    "warnings": ("warning", "precaution", "safety", "side effect"),
    "symptoms": ("symptom", "sign"),
    "causes": ("cause", "risk factor", "genetic", "inherit", "susceptib"),
    "treatment": ("treatment", "self-care", "management", "therap", "what helps", "first aid"),
    "prevention": ("prevent", "self-care"),
    "outlook": ("outlook", "prognosis", "complication", "after an episode"),
    "tests": ("diagnos", "test", "exam"),
    "see_doctor": ("when to see", "emergency", "get help", "urgent"),
    "definition": ("what it is", "what is", "overview", "definition", "information", "why it"),
    "limit": ("limit", "grade", "classification", "level", "monitoring", "specification"),
    "requirement": (),
    "procedure": (),
}

# Words that say what is asked, or are the question's grammar, never its subject.
_FUNCTION_WORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing done for from had has
    have having how i i'm im if in into is it it's its me my of on or our ours should so than
    that the their them then there these they this those to was we were what whats what's when
    where which who whom why will with would you your yours about any after also before both
    each few more most other same some such only own very just get gets got getting take takes
    taking took tell know need needs much many often long term okay ok safe safety normal bad
    good best better worse worst help helps work works working stop start use used using uses
    really ever still usually common commonly lot lots thing things way ways anything something
    someone somebody person people day days daily week weeks month months year years old time
    times while until every everyday night morning side effect effects adverse reaction reactions
    dose doses dosage dosing amount interact interaction interactions together mix mixing combine
    alongside same pregnant pregnancy breastfeeding breastfeed nursing store stored storage
    keep kept warning warnings risk risks risky dangerous danger harmful harm precautions
    symptom symptoms sign signs cause causes caused causing treat treats treated treating
    treatment treatments cure cured remedy remedies relieve relief manage managing prevent
    prevention preventing avoid outlook prognosis last lasts recover recovery test tests tested
    testing diagnose diagnosed diagnosis check screen doctor doctors gp see hospital emergency
    urgent worried worry call should must shall require required requirements requirement
    expected limit limits maximum minimum level levels procedure procedures step steps perform
    define definition meaning mean means explain describe difference between vs versus like
    feel feeling look looks happen happens happening go goes away okay fine possible able
    allowed medicine medicines medication medications drug drugs pill pills tablet tablets
    prescription prescribed otc over counter pharmacist nurse want wondering wonder please
    thanks thank hi hello there here now today right new first again too well not no yes
    condition conditions disease diseases illness problem problems issue issues health
    one two three four five next second says said say doc docs barely properly leaflet
    yrs yr label box pack packet contagious catching infectious spread spreading worse serious
    can't cant don't dont won't isn't doesn't didn't i've ive i'd it'll that's
    he she him her his hers son daughter child children kid kids baby babies toddler infant
    newborn boy girl teen teenager husband wife partner mum mom mother dad father grandmother
    grandfather grandma grandpa grandparent friend brother sister boyfriend girlfriend family
    aged age older elderly adult adults young""".split()
)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'\-]*[a-z0-9]|[a-z0-9]")
_CHILD = re.compile(
    r"\b(?:son|daughter|child|children|kids?|baby|babies|toddler|infant|newborn|boy|girl|"
    r"teen(?:ager)?|grandchild|grandson|granddaughter)\b",
    re.IGNORECASE,
)
_OTHER = re.compile(
    r"\b(?:my|our|his|her)\s+(?:husband|wife|partner|mum|mom|mother|dad|father|grand(?:ma|pa|"
    r"mother|father|parent)|friend|brother|sister|boyfriend|girlfriend|neighbou?r|patient)\b",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"\b(\d{1,3})[- ]?(years?|yrs?|months?|weeks?|days?)[- ]?old\b|\baged?\s+(\d{1,3})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Entity:
    """One thing a question names. `kind`: drug, condition, regulation or topic; `name`: how
    the answer names it; `names`: lower-case names a passage may call it by; `documents`: ids
    of the documents about it (empty for a topic found only as a phrase in passages)."""

    kind: str
    name: str
    names: tuple[str, ...]
    documents: tuple[int, ...] = ()
    drug_id: int | None = None
    detail: str = ""  # a section number asked about ("211.67")


@dataclass(frozen=True)
class Subject:
    who: str = "self"  # self, child or other
    age: int | None = None  # in years, when the question gives it


@dataclass(frozen=True)
class Understanding:
    question: str
    entities: tuple[Entity, ...] = ()
    unknown: tuple[str, ...] = ()  # subjects named that no document covers
    types: tuple[str, ...] = ()
    subject: Subject = field(default_factory=Subject)

    @property
    def type(self) -> str:
        return self.types[0] if self.types else "general"

    @property
    def drugs(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "drug"]

    def as_dict(self) -> dict:
        return {
            "entities": [{"kind": e.kind, "name": e.name} for e in self.entities],
            "unknown": list(self.unknown),
            "type": self.type,
            "types": list(self.types),
            "subject": {"who": self.subject.who, "age": self.subject.age},
        }


# --- The subject index: which documents are about what ----------------------------------------


@dataclass
class _Index:
    alias_docs: dict[str, set[int]]  # lower-case alias -> documents about it
    alias_name: dict[str, str]  # alias -> the display name of its subject
    drug_docs: dict[int, set[int]]  # drug id -> documents about it
    regulation_docs: dict[str, set[int]]  # "Annex 1" -> documents
    # An alias's words ("crohn s disease") -> the alias: questions are matched word by word,
    # which costs the same at 20,000 aliases as at 20 (one alternation regex over MedQuAD's
    # 19,000 names took ~300 ms a question and 20 s to compile).
    phrases: dict[str, str] = field(default_factory=dict)
    longest: int = 0  # words in the longest alias
    acronyms: set[str] = field(default_factory=set)  # aliases a source writes in capitals
    capitals_only: set[str] = field(default_factory=set)  # "all" counts only as "ALL"
    long_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by first letter
    names: dict[int, str] = field(default_factory=dict)  # document id -> its subject's name


def _words(text: str) -> list[re.Match]:
    return list(_ALIAS_WORD.finditer(text.lower()))


_ALIAS_WORD = re.compile(r"[a-z0-9]+")
MAX_ALIAS_WORDS = 12


def _document_version() -> tuple:
    return tuple(Document.objects.aggregate(n=Count("id"), t=Max("updated_at")).values())


@lru_cache(maxsize=2)
def _index(version: tuple) -> _Index:
    _, drug_terms = _matcher(_version())  # every drug name, brand and synonym -> drug id
    drug_names = {
        drug_id: (name, *syn, *brands)
        for drug_id, name, syn, brands in Drug.objects.values_list(
            "id", "name", "synonyms", "brand_names"
        )
    }
    index = _Index({}, {}, {}, {})
    acronyms = index.acronyms
    for doc_id, title, metadata, doc_type in Document.objects.values_list(
        "id", "title", "metadata", "doc_type"
    ):
        metadata = metadata if isinstance(metadata, dict) else {}
        drug_id = _document_drug(title, metadata, drug_terms)
        ident = identity(title, metadata, doc_type=doc_type, drug_names=drug_names.get(drug_id, ()))
        index.names[doc_id] = ident.name
        if drug_id is not None:
            index.drug_docs.setdefault(drug_id, set()).add(doc_id)
            continue
        for key in ident.regulations:
            index.regulation_docs.setdefault(key, set()).add(doc_id)
        if ident.regulations:
            continue
        acronyms.update(ident.acronyms)
        for alias in ident.aliases:
            asking = all(w in _FUNCTION_WORDS for w in alias.split())
            if alias in drug_terms or (asking and alias not in ident.acronyms):
                # A medicine's name belongs to the medicine; "pregnancy" or "side effects"
                # (synonyms somewhere) are what a question asks, not what it is about.
                continue
            index.alias_docs.setdefault(alias, set()).add(doc_id)
            index.alias_name.setdefault(alias, ident.name)
    for alias in index.alias_docs:
        words = _ALIAS_WORD.findall(alias)
        if words and len(words) <= MAX_ALIAS_WORDS:
            index.phrases.setdefault(" ".join(words), alias)
            index.longest = max(index.longest, len(words))
    # A short capitalised name that is also an everyday word ("ALL", "GAS", "ART") names its
    # subject only when the question writes it in capitals too.
    vocabulary = _vocabulary()
    index.capitals_only = {
        a for a in acronyms if a in index.alias_docs and (a in vocabulary or a in _FUNCTION_WORDS)
    }
    by_letter: dict[str, list[str]] = {}
    for alias in index.alias_docs:
        if " " not in alias and len(alias) >= 6:
            by_letter.setdefault(alias[0], []).append(alias)
    index.long_words = {letter: tuple(words) for letter, words in by_letter.items()}
    return index


def _topic_matches(question: str, index: _Index) -> list[tuple[tuple[int, int], str]]:
    """The aliases a question names, leftmost and longest first, with their spans."""
    words = _words(question)
    found, i = [], 0
    while i < len(words):
        for length in range(min(index.longest, len(words) - i), 0, -1):
            key = " ".join(w.group(0) for w in words[i : i + length])
            alias = index.phrases.get(key)
            if alias is None:
                continue
            span = (words[i].start(), words[i + length - 1].end())
            if alias in index.capitals_only and not question[span[0] : span[1]].isupper():
                continue
            found.append((span, alias))
            i += length - 1
            break
        i += 1
    return found


def _document_drug(title: str, metadata: dict, drug_terms: dict[str, int]) -> int | None:
    """The drug a document is about, by its metadata or a title whose subject is a drug."""
    if isinstance(metadata.get("drug"), str):
        return drug_terms.get(metadata["drug"].lower())
    if metadata.get("focus"):
        if str(metadata.get("category", "")).lower() == "drug":
            return drug_terms.get(str(metadata["focus"]).lower())
        return None
    main, _ = title_names(title)
    return drug_terms.get(main.lower())


def subject_index() -> _Index:
    return _index(_document_version())


# --- Understanding one question --------------------------------------------------------------


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Whole words the embedding model's tokenizer knows: everyday English, so a word in it
    is not taken for a misspelt medicine."""
    from knowledge.embeddings import model

    return frozenset(w for w in model().tokenizer.get_vocab() if w.isalpha())


def question_types(question: str, *, audience: str = "patient") -> tuple[str, ...]:
    found = tuple(name for name, pattern in QUESTION_TYPES if pattern.search(question))
    if audience != "pharma":
        found = tuple(t for t in found if t not in ("requirement", "procedure", "limit"))
    return found


def question_subject(question: str) -> Subject:
    age = None
    match = _AGE.search(question)
    if match:
        number = int(match.group(1) or match.group(3))
        unit = (match.group(2) or "year").lower()
        age = number if unit.startswith(("year", "yr")) else 0
    if _CHILD.search(question) or (age is not None and age < 16):
        return Subject("child", age)
    if _OTHER.search(question):
        return Subject("other", age)
    return Subject("self", age)


def understand(question: str, *, audience: str = "patient") -> Understanding:
    """Entities, question types and subject of `question` (see the module docstring)."""
    question = " ".join(question.split())
    lowered = question.lower()
    index = subject_index()
    taken: list[tuple[int, int]] = []  # spans of the question already explained
    entities: list[Entity] = []
    unknown: list[str] = []

    drug_entities, drug_spans = _drugs(question)
    entities += drug_entities
    taken += drug_spans

    for key in regulation_keys(question):
        detail = SECTION_NUMBER.search(question)
        documents = index.regulation_docs.get(key, set())
        if documents:
            entities.append(
                Entity("regulation", key, (key.lower(),), tuple(sorted(documents)),
                       detail=detail.group(1) if detail else "")
            )  # fmt: skip
        else:
            unknown.append(key)
    for match in re.finditer(
        r"\bannex\s*\d+|\bc\.?f\.?r\.?[\s\d.part]*|\bich\s*q\w+|\bq\d{1,2}[a-e]?\b|\busp\s*<?\d+>?"
        r"|<\d+>|\bpi\s*\d+|\btrs\s*\d+|\biso\s*\d+|\bchapter\s*\d+|\bpart\s*\d+|[\d.]+",
        lowered,
    ):
        taken.append(match.span())

    for span, alias in _topic_matches(question, index):
        if _overlaps(span, taken):
            continue
        _add_topic(entities, index, alias)
        taken.append(span)

    # Guidance questions name topics ("grade A particle limits"), not subjects to abstain on:
    # only an unknown guideline identifier is a gap there.
    residual = _residual_spans(lowered, taken) if audience != "pharma" else []
    gaps: list[str] = []
    for span_text in residual:
        words = span_text.split()
        # A misspelling of a known subject ("hypoglycemia", "diarrhea")?
        if len(words) == 1 and len(words[0]) >= 6:
            similar = index.long_words.get(words[0][0], ())
            close = difflib.get_close_matches(words[0], similar, n=1, cutoff=0.85)
            if close:
                _add_topic(entities, index, close[0])
                continue
        if len(words) > 2:
            # A description ("big toe suddenly red hot"): only a word no passage contains
            # and that is no misspelt everyday word may name a subject.
            gaps += [w for w in words if _unknown_word(w)]
            continue
        if len(words) == 1 and words[0] in _vocabulary():
            continue  # an everyday word ("sleep", "early"): context, not a subject
        documents = _documents_about(span_text)
        if documents:  # a subject some document's header names, though not its title
            named = {index.names.get(d, "") for d in documents}
            name = named.pop() if len(named) == 1 else span_text.capitalize()
            entities.append(Entity("condition", name or span_text, (span_text,), documents))
        elif len(words) == 1 or not _in_corpus(span_text):
            # A name no document is about ("Parkinson's" only mentioned in passing, "cold
            # sore" nowhere): a gap, never an answer from neighbours.
            gaps.append(_gap_name(span_text))
        else:
            entities.append(Entity("topic", span_text, (span_text,)))
    if not any(e.kind != "topic" for e in entities):
        unknown += gaps
    else:
        # With a named subject Lumen knows, leftovers are usually the asker's context ("for
        # dyspepsia", "green smoothies"); but a name that no passage contains and that is no
        # slip of an everyday word ("Zelvoran with ibuprofen") is a second subject Lumen
        # knows nothing about, and answering about the first alone would mislead.
        unknown += [g for g in gaps if any(_unknown_word(w) for w in g.split())]
    return Understanding(
        question=question,
        entities=tuple(entities),
        unknown=tuple(dict.fromkeys(unknown)),
        types=question_types(question, audience=audience),
        subject=question_subject(question),
    )


def _add_topic(entities: list[Entity], index: _Index, alias: str) -> None:
    documents = tuple(sorted(index.alias_docs[alias]))
    name = index.alias_name[alias]
    for i, known in enumerate(entities):
        if set(known.documents) & set(documents):
            merged = tuple(sorted({*known.documents, *documents}))
            names = tuple(dict.fromkeys([*known.names, alias]))
            entities[i] = Entity(known.kind, known.name, names, merged, known.drug_id)
            return
    kind = "condition"
    display = name if alias in index.acronyms else _display(alias, name)
    entities.append(Entity(kind, display, (alias,), documents))


def _display(alias: str, name: str) -> str:
    """How the answer names a condition: the document's own name when the question used it
    (or a part of it, or its abbreviation), else the alias as asked."""
    return name if alias in name.lower() else alias.capitalize()


def _drugs(question: str) -> tuple[list[Entity], list[tuple[int, int]]]:
    index = subject_index()
    pattern, terms = _matcher(_version())
    spans, ids = [], []
    for match in pattern.finditer(question):
        spans.append(match.span())
        drug_id = terms[match.group(0).lower()]
        if drug_id not in ids:
            ids.append(drug_id)
    plain = _plain_terms(_version())
    for match in _TOKEN.finditer(question.lower()):
        word = match.group(0)
        if len(word) < 4 or _overlaps(match.span(), spans) or word in _FUNCTION_WORDS:
            continue
        if word in plain:  # "Sudafed" for the brand "Sudafed (original formula)"
            spans.append(match.span())
            if plain[word] not in ids:
                ids.append(plain[word])
            continue
        if len(word) < 5 or word in terms or word in _vocabulary():
            continue
        similar = _terms_by_letter(_version()).get(word[0], ())
        close = difflib.get_close_matches(word, similar, n=1, cutoff=0.8)
        if close:
            spans.append(match.span())
            if terms[close[0]] not in ids:
                ids.append(terms[close[0]])
    drugs = Drug.objects.in_bulk(ids)
    entities = []
    for drug_id in ids:
        drug = drugs.get(drug_id)
        if drug is None:
            continue
        names = tuple(
            dict.fromkeys(n.lower() for n in (drug.name, *drug.synonyms, *drug.brand_names))
        )
        entities.append(
            Entity("drug", drug.name.capitalize(), names,
                   tuple(sorted(index.drug_docs.get(drug.id, ()))), drug.id)
        )  # fmt: skip
    return entities, spans


@lru_cache(maxsize=2)
def _terms_by_letter(version: tuple) -> dict[str, tuple[str, ...]]:
    """Drug names by first letter: a misspelling rarely changes the first letter
    ("ibuprofin"), and comparing with one letter's names keeps the check to a few
    milliseconds whatever the size of the drug database."""
    _, terms = _matcher(version)
    out: dict[str, list[str]] = {}
    for term in terms:
        out.setdefault(term[:1], []).append(term)
    return {letter: tuple(names) for letter, names in out.items()}


@lru_cache(maxsize=2)
def _plain_terms(version: tuple) -> dict[str, int]:
    """Drug names with a parenthetical qualifier removed ("sudafed (original formula)" ->
    "sudafed"), where that leaves a single word no other drug is called."""
    _, terms = _matcher(version)
    plain: dict[str, int] = {}
    for term, drug_id in terms.items():
        bare = re.sub(r"\s*\([^)]*\)", "", term).strip()
        if bare != term and " " not in bare and bare not in terms and len(bare) >= 4:
            plain.setdefault(bare, drug_id)
    return plain


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in taken)


def _residual_spans(lowered: str, taken: list[tuple[int, int]]) -> list[str]:
    """Runs of words not explained by an entity or the question's grammar."""
    spans, current = [], []
    for match in _TOKEN.finditer(lowered):
        word = match.group(0).strip("'-")
        if (
            _overlaps(match.span(), taken)
            or word in _FUNCTION_WORDS
            or word.isdigit()
            or len(word) < 3
            or _CHILD.fullmatch(word)
        ):
            if current:
                spans.append(" ".join(current))
                current = []
            continue
        current.append(word.removesuffix("'s"))
    if current:
        spans.append(" ".join(current))
    return spans


def _unknown_word(word: str) -> bool:
    if len(word) < 4 or word in _vocabulary() or _in_corpus(word):
        return False
    # "saterday", "evry": a slip of an everyday word, not a subject.
    similar = _vocabulary_by_letter().get(word[0], ())
    return not difflib.get_close_matches(word, similar, n=1, cutoff=0.85)


@lru_cache(maxsize=1)
def _vocabulary_by_letter() -> dict[str, tuple[str, ...]]:
    """Everyday words by first letter: a slip rarely changes the first letter, and comparing
    with one letter's words keeps the check within a few milliseconds."""
    out: dict[str, list[str]] = {}
    for word in _vocabulary():
        if len(word) >= 3:
            out.setdefault(word[0], []).append(word)
    return {letter: tuple(words) for letter, words in out.items()}


def _gap_name(span: str) -> str:
    """How an unknown subject is named back: its unusual words ("fosamax" of "fosamax
    properly"), or the whole phrase when every word is everyday ("cold sore")."""
    unusual = [w for w in span.split() if w not in _vocabulary()]
    return " ".join(unusual) if unusual else span


def _documents_about(phrase: str) -> tuple[int, ...]:
    """Documents whose chunk headers (title, subject, other names: weight A) contain
    `phrase`; the GIN index finds candidates, `ts_filter` keeps header matches."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT document_id FROM knowledge_chunk, "
            "phraseto_tsquery('english', %s) AS q "
            "WHERE search_vector @@ q AND ts_filter(search_vector, '{a}') @@ q LIMIT 20",
            [phrase],
        )
        return tuple(sorted(row[0] for row in cursor.fetchall()))


def _in_corpus(phrase: str) -> bool:
    """Whether any passage contains `phrase` (its words in order, stemmed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM knowledge_chunk "
            "WHERE search_vector @@ phraseto_tsquery('english', %s))",
            [phrase],
        )
        return bool(cursor.fetchone()[0])


def mentions(text: str, entity: Entity) -> bool:
    """Whether `text` names `entity` by any of its names."""
    lowered = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", lowered) for n in entity.names)


__all__ = ["Entity", "Subject", "Understanding", "mentioned_drugs", "mentions", "understand"]
