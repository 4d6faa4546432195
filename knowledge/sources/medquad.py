"""MedQuAD: consumer-health question-answer pairs from nine NIH websites, as documents.

Data: the MedQuAD repository (Ben Abacha & Demner-Fushman, "A question-entailment approach to
question answering", BMC Bioinformatics 20:511, 2019), CC BY 4.0. One XML file per focus (a
disease, drug, test...) in one folder per NIH source. There is no API: `fetch` is not offered,
only `--from-file` over a checkout of the repository (a folder, one source folder, or one file).

One focus of one XML file becomes one document: title = the focus, url = the NIH page it was taken from,
each answer a section headed by its (tidied) question, so chunks cite "What are the symptoms of
Shingles?". A focus that several pages of one source cover (NCI's treatment, screening and
prevention PDQs of "Breast Cancer") stays one document per page: merging them would cite one
page for text taken from another. Pairs with an empty answer are skipped; the three MedlinePlus
folders whose answers were removed for copyright (A.D.A.M., drugs, herbs) are left out by design.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.text import slugify

from knowledge.sources.base import DocumentRecord, ParseResult, RawPage, Section, xml_root

if TYPE_CHECKING:
    from knowledge.sources.http import PoliteClient

LICENCE = "MedQuAD (Ben Abacha & Demner-Fushman 2019), CC BY 4.0"
MAX_BYTES = 5 * 1024 * 1024  # the largest MedQuAD file is well under 1 MB
DOC_TYPE = "health_topic"


@dataclass(frozen=True)
class Publisher:
    code: str  # in external ids: medquad:<code>:<file id>
    name: str  # Document.metadata["publisher"]
    authority: str  # Document.authority (20 characters at most)


# Keyed by the Document's `source` attribute (`corpus` in a few NINDS files).
PUBLISHERS: dict[str, Publisher] = {
    "CancerGov": Publisher("cancergov", "National Cancer Institute", "NCI"),
    "GARD": Publisher("gard", "GARD", "NCATS"),
    "GHR": Publisher("ghr", "Genetics Home Reference", "NLM"),
    "MPlusHealthTopics": Publisher("mplus", "NIH MedlinePlus", "NLM"),
    "NIDDK": Publisher("niddk", "NIDDK", "NIDDK"),
    "NINDS": Publisher("ninds", "NINDS", "NINDS"),
    "NIHSeniorHealth": Publisher("seniorhealth", "NIHSeniorHealth", "NIA"),
    "NHLBI": Publisher("nhlbi", "NHLBI", "NHLBI"),
    "CDC": Publisher("cdc", "CDC", "CDC"),
}
# The order a fresh machine ingests the shipped extract in (`knowledge.corpus_extract`): the
# general consumer pages most questions are about first (MedlinePlus health topics, CDC,
# NIHSeniorHealth, the institutes' pages), the long tail of rare and genetic conditions
# (GARD, Genetics Home Reference: more than half the text) last. Embedding the whole extract
# takes tens of minutes on a small machine; this way the common subjects are answerable early.
INGEST_ORDER = (
    "mplus",
    "cdc",
    "seniorhealth",
    "niddk",
    "nhlbi",
    "ninds",
    "cancergov",
    "ghr",
    "gard",
)


def ingest_rank(external_id: str) -> tuple[int, str]:
    """Sort key of a MedQuAD document id (medquad:<code>:<file id>) in `INGEST_ORDER`."""
    code = external_id.split(":")[1] if external_id.count(":") >= 2 else ""
    rank = INGEST_ORDER.index(code) if code in INGEST_ORDER else len(INGEST_ORDER)
    return rank, external_id


# Answers removed from the public release for copyright: questions only, nothing to answer from.
ANSWERLESS = frozenset({"ADAM", "MPlusDrugs", "MPlusHerbsSupplements"})

# Section headings when a pair has no usable question text.
QTYPE_HEADINGS = {
    "information": "Overview",
    "symptoms": "Symptoms",
    "causes": "Causes",
    "treatment": "Treatment",
    "outlook": "Outlook",
    "prevention": "Prevention",
    "inheritance": "Inheritance",
    "frequency": "How common it is",
    "genetic changes": "Genetic changes",
    "exams and tests": "Exams and tests",
    "research": "Research",
    "susceptibility": "Who is at risk",
    "considerations": "Considerations",
    "stages": "Stages",
    "complications": "Complications",
    "support groups": "Support groups",
}

_FLATTENED_BULLET = re.compile(r"\s{2,}(?=- )")  # "text    - item" lost its line break
_HEADING_LIKE = re.compile(r"^#+\s*")  # a line that would read as a section heading


class MedQuADSource:
    slug = "medquad"
    name = "MedQuAD (NIH consumer health questions)"
    url = "https://github.com/abachaa/MedQuAD"
    description = (
        "Answers to consumer health questions from nine NIH websites (cancer.gov, GARD, "
        "Genetics Home Reference, MedlinePlus, NIDDK, NINDS, NIHSeniorHealth, NHLBI, CDC), "
        f"one document per focus and page. {LICENCE}."
    )

    def fetch(
        self, client: PoliteClient, *, query: str | None, limit: int | None, cursor: str | None
    ) -> Iterator[RawPage]:
        raise ValueError(
            "MedQuAD has no API: use --from-file with a checkout of github.com/abachaa/MedQuAD."
        )

    def parse(self, raw: bytes) -> ParseResult:
        """One MedQuAD XML file to (at most) one document."""
        result = ParseResult()
        root = xml_root(raw, result, max_bytes=MAX_BYTES)
        if root is not None:
            _add_document(root, result)
        return result

    def parse_path(self, path: Path) -> ParseResult:
        """A file, a source folder, or the whole repository (every *.xml below it, sorted)."""
        files = [path] if path.is_file() else sorted(path.rglob("*.xml"))
        result = ParseResult()
        if not files:
            result.skip(f"no MedQuAD *.xml files under {path}")
        left_out = 0
        seen: set[str] = set()
        for file in files:
            one = self.parse(file.read_bytes())
            for document in one.documents:
                if document.external_id in seen:
                    result.skip(f"{file.name}: a second {document.external_id}")
                    continue
                seen.add(document.external_id)
                result.documents.append(document)
            result.skipped += one.skipped
            result.problems.extend(f"{file.name}: {p}" for p in one.problems if p != _ANSWERLESS)
            left_out += _ANSWERLESS in one.problems
        if left_out:
            result.problems.append(
                f"left out {left_out} file(s) whose answers MedQuAD removed (A.D.A.M., "
                "MedlinePlus drugs and herbs) by design"
            )
        return result


_ANSWERLESS = "answerless source"


def _add_document(root: ET.Element, result: ParseResult) -> None:
    source = (root.get("source") or root.get("corpus") or "").strip()
    file_id = (root.get("id") or root.get("fid") or root.get("docid") or "").strip()
    if source in ANSWERLESS:
        result.problems.append(_ANSWERLESS)  # not a broken record: see parse_path
        return
    publisher = PUBLISHERS.get(source)
    if publisher is None or not file_id:
        result.skip(f"not a MedQuAD document (source {source or '?'}, id {file_id or '?'})")
        return
    focus = _clean(_first_text(root, "Focus", "doctitle-focus"))
    if not focus:
        result.skip(f"medquad:{publisher.code}:{file_id}: no focus")
        return
    # NCI pages covering several foci share one file id ("0000013_2" is six leukaemias).
    external_id = f"medquad:{publisher.code}:{file_id}:{slugify(focus)[:80]}"
    sections, question_types = _answers(root, focus)
    if not sections:
        result.skip(f"{external_id} ({focus}): no answers")
        return
    cuis = _texts(root, ".//CUI", ".//cui")
    result.documents.append(
        DocumentRecord(
            external_id=external_id,
            title=focus,
            sections=sections,
            doc_type=DOC_TYPE,
            region="US",
            url=(root.get("url") or "").strip(),
            authority=publisher.authority,
            metadata={
                "focus": focus,
                "synonyms": _unique(_texts(root, ".//Synonym")),
                "cui": cuis[0] if cuis else "",
                "semantic_types": _unique(_texts(root, ".//SemanticType", ".//semanticType")),
                "category": _category(root),
                "question_types": question_types,
                "publisher": publisher.name,
                "licence": LICENCE,
            },
        )
    )


def _answers(root: ET.Element, focus: str) -> tuple[list[Section], list[str]]:
    sections: list[Section] = []
    question_types: list[str] = []
    for pair in (el for el in root.iter() if el.tag in ("QAPair", "pair")):
        answer = answer_text(_first_text(pair, "Answer", "answer"))
        if not answer:
            continue
        question = pair.find("Question")
        if question is None:
            question = pair.find("question")
        qtype = _clean(question.get("qtype") or "") if question is not None else ""
        heading = question_heading("".join(question.itertext()) if question is not None else "")
        section = Section(heading or QTYPE_HEADINGS.get(qtype, qtype.capitalize() or focus), answer)
        if section in sections:
            continue  # a few files repeat a pair word for word
        sections.append(section)
        if qtype and qtype not in question_types:
            question_types.append(qtype)
    return sections, question_types


def question_heading(question: str) -> str:
    """A question as a section heading: "What is (are) Shingles ?" -> "What is Shingles?"."""
    text = _clean(question).replace(" (are)", "")
    text = re.sub(r"(\s*\?)+$", "?", text)
    return text[:1].upper() + text[1:]


def answer_text(raw: str) -> str:
    """An answer's text as paragraphs and "- item" lines, the way chunking splits sentences.

    MedQuAD keeps the page's line breaks as runs of indented blank lines and sometimes
    flattens a bullet list into one line ("text    - item    - item"); both are restored.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for line in _FLATTENED_BULLET.sub("\n", raw).splitlines():
        line = _HEADING_LIKE.sub("", " ".join(line.split()))
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)


def _category(root: ET.Element) -> str:
    """Disease, Drug or Other. MedQuAD annotates it only in the MedlinePlus folders; its readme
    says "all other collections are about diseases"."""
    return _clean(root.findtext("FocusAnnotations/Category") or "") or "Disease"


def _first_text(element: ET.Element, *tags: str) -> str:
    for tag in tags:
        found = element.find(tag)
        if found is not None:
            return "".join(found.itertext())
    return ""


def _texts(element: ET.Element, *paths: str) -> list[str]:
    values = (_clean("".join(el.itertext())) for path in paths for el in element.iterfind(path))
    return [v for v in values if v]


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    return [v for v in values if not (v.lower() in seen or seen.add(v.lower()))]


def _clean(text: str) -> str:
    return " ".join(text.split())


SOURCE = MedQuADSource()
