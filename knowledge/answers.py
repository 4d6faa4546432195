"""Answering a question: safety first, then retrieval, prompt, generation, review.

    screen (emergency / crisis / refusals)  ->  hybrid retrieval  ->  numbered prompt
    ->  generator (TGI, OpenAI-compatible, or extractive)  ->  review (disclaimer, citations)

If the configured model server is down, slow or returns garbage, the answer is composed from
the same passages by the extractive generator and says so; nothing raises to the caller.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace

from knowledge import composer
from knowledge.composer import SourcePassage
from knowledge.context import PatientContext
from knowledge.drug_warnings import warnings_for
from knowledge.interactions import FoundInteraction, find_interactions
from knowledge.models import Drug
from knowledge.retrieval import Citation, Filters, search, search_about
from knowledge.support import check_support
from knowledge.understanding import Understanding, understand
from lumen import safety
from lumen.generation import GenerationError, Params, get_generator, params_from_settings
from lumen.generation.prompt import Prompt, PromptPassage

logger = logging.getLogger(__name__)

UNSUPPORTED_NOTICE = (
    "The language model's answer was not supported well enough by the sources, so this "
    "answer was composed directly from them."
)
FALLBACK_NOTICE = (
    "The language model is unavailable right now, so this answer was composed directly "
    "from the sources."
)


@dataclass
class Answer:
    question: str
    text: str = ""
    message: str = ""  # shown first: escalation or refusal explanation
    citations: list[Citation] = field(default_factory=list)
    personal_notes: list[str] = field(default_factory=list)  # e.g. an interaction with a med
    subjects: list[str] = field(default_factory=list)  # what the question was understood to name
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    escalated: bool = False
    abstained: bool = False
    backend: str = ""
    notice: str = ""
    support_dropped: float | None = None  # share of a model's sentences the sources lacked

    def as_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [{**asdict(c), "label": c.label} for c in self.citations]
        return data


WARNING_KINDS = {
    "allergy": "Allergy",
    "interaction": "Interaction",
    "condition": "Your health",
    "pregnancy": "Pregnancy",
    "age": "Age",
}


def _personal_notes(drugs: list[Drug], context: PatientContext | None) -> list[str]:
    """What the checker and drug pages would warn this asker about the medicines the
    question names: allergies (and class cross-reactivity), interactions with their own
    medicines, conditions, pregnancy and age. The same engine, so never less than they say."""
    if context is None or not drugs:
        return []
    notes = []
    for drug in drugs:
        for warning in warnings_for([drug], context).get(drug.id, []):
            kind = WARNING_KINDS.get(warning.kind, warning.kind.capitalize())
            notes.append(
                f"{warning.text} ({warning.severity} {kind.lower()} warning; "
                f"source: {warning.source}.)"
            )
    return list(dict.fromkeys(notes))


def _context_for(
    understood: Understanding, context: PatientContext | None
) -> PatientContext | None:
    """Whose facts the notes use: the asker's profile when the question is about them; for a
    child or another person, only the age the question gives (the asker's allergies and
    medicines are not theirs)."""
    subject = understood.subject
    if subject.who == "self":
        if context is not None and subject.age is not None and context.age is None:
            return replace(context, age=subject.age)
        return context
    return PatientContext(age=subject.age) if subject.age is not None else None


def _interaction_lead(found: list[FoundInteraction], first_number: int) -> list[str]:
    """A paragraph per interacting pair among the medicines the question names."""
    return [
        f"{f.a.name.capitalize()} with {f.b.name}: a {f.severity} interaction. "
        f"{f.rule.mechanism} {f.rule.management} [{first_number + i}]"
        for i, f in enumerate(found)
    ]


def _interaction_citation(found: FoundInteraction) -> Citation:
    rule = found.rule
    return Citation(
        title=f"{found.a.name.capitalize()} and {found.b.name}: interaction",
        source=rule.source,
        url=rule.source_url,
        section=f"{rule.get_severity_display()} interaction",
        external_id=f"interaction:{rule.id}",
        doc_type="interaction",
        authority="",
        region="",
        published=None,
    )


def _gap_message(names: list[str], audience: str) -> str:
    subject = " or ".join(names)
    if audience == "pharma":
        instead = "Try the compliance checker, or ask about a guideline Lumen lists."
    else:
        instead = (
            "You can still check a medicine against your others in the interaction checker, "
            "or describe how you feel in the symptom checker."
        )
    return f"Lumen has no information about {subject} yet. {instead}"


def _as_written(question: str, name: str) -> str:
    match = re.search(re.escape(name), question, re.IGNORECASE)
    return match.group(0) if match else name


@dataclass
class Draft:
    """A question screened and its passages found: what a generator needs, and the answer
    so far. `prompt` is None when there is nothing to generate (escalated, refused outright,
    or no reliable source), and then `result` is already the final answer."""

    result: Answer
    prompt: Prompt | None = None
    citations: list[Citation] = field(default_factory=list)
    understanding: Understanding | None = None
    sources: list[SourcePassage] = field(default_factory=list)
    lead: list[str] = field(default_factory=list)  # cited paragraphs the answer opens with


@dataclass(frozen=True)
class StreamEvent:
    """One step of a streamed answer: "token" (text as it arrives), "fallback" (the model
    failed part-way; what was shown should be replaced), then "answer" (the reviewed
    answer, which is what gets stored and finally shown)."""

    kind: str
    text: str = ""
    answer: Answer | None = None


def prepare(
    question: str,
    *,
    audience: str = "patient",
    context: PatientContext | None = None,
    filters: Filters | dict | None = None,
    k: int = 5,
) -> Draft:
    """Safety screen, retrieval and prompt: everything before generation."""
    question = " ".join(question.split())
    screening = safety.screen(question, audience=audience)
    result = Answer(
        question=question,
        message=screening.message,
        flags=sorted(screening.flags),
        reasons=list(screening.reasons),
        escalated=screening.escalate,
    )
    if not screening.answerable:
        return Draft(result)

    if audience == "pharma":
        filters = Filters.of(filters)
        filters = Filters(
            doc_types=filters.doc_types or ("guidance",),
            regions=filters.regions,
            sources=filters.sources,
            authorities=filters.authorities,
        )
    informational = screening.informational_question
    understood = understand(informational, audience=audience)
    result.subjects = [e.name for e in understood.entities]
    if understood.unknown:
        return Draft(_content_gap(result, understood, audience), understanding=understood)

    drugs = list(Drug.objects.filter(id__in=[e.drug_id for e in understood.drugs]))
    drugs.sort(key=lambda d: [e.drug_id for e in understood.drugs].index(d.id))
    if audience == "patient":
        result.personal_notes = _personal_notes(drugs, _context_for(understood, context))
    grounded = [e for e in understood.entities if e.documents or e.kind != "topic"]
    if grounded:
        found = search_about(
            informational, grounded, types=understood.types,
            subject_who=understood.subject.who, k=k, filters=filters,
        )  # fmt: skip
    else:
        found = search(informational, k=k, filters=filters)
    pairs = find_interactions(drugs) if len(drugs) > 1 else []
    if grounded and not found.found and not pairs:
        # Named, but no page is about it and no passage names it: a gap, not a neighbour.
        gap = Understanding(informational, unknown=tuple(e.name for e in grounded))
        return Draft(_content_gap(result, gap, audience), understanding=understood)
    if not found.found and not pairs:
        review = safety.review("", citations=0, audience=audience)
        result.text, result.abstained = review.text, True
        result.flags = sorted({*result.flags, *review.flags})
        return Draft(result, understanding=understood)

    names = {e.name: e.names for e in understood.entities}
    passages, sources = [], []
    for i, p in enumerate(found.passages, start=1):
        text = safety.strip_instructions(p.text)
        passages.append(
            PromptPassage(
                number=i, title=p.citation.title, section=p.citation.section, text=text,
                url=p.citation.url,
            )
        )  # fmt: skip
        sources.append(
            SourcePassage(
                number=i, title=p.citation.title, section=p.citation.section, text=text,
                about=p.about, mentions=p.mentions, names=names.get(p.mentions, ()),
            )
        )  # fmt: skip
    citations = [p.citation for p in found.passages]
    lead = _interaction_lead(pairs, len(citations) + 1)
    citations += [_interaction_citation(f) for f in pairs]
    prompt = Prompt(
        question=informational,
        passages=tuple(passages),
        audience=audience,
        notes=tuple([*lead, *result.personal_notes]),
    )
    return Draft(result, prompt, citations, understood, sources, lead)


def _content_gap(result: Answer, understood: Understanding, audience: str) -> Answer:
    """Abstain on a subject Lumen has no documents about, and queue it as a content gap."""
    names = [_as_written(understood.question, n) for n in understood.unknown]
    review = safety.review("", citations=0, audience=audience)
    result.text = f"{_gap_message(names, audience)}\n\n{review.text}"
    result.abstained = True
    result.flags = sorted({*result.flags, *review.flags, "content_gap"})
    result.reasons = [*result.reasons, "unknown_subject"]
    return result


def compose(draft: Draft) -> str:
    """The extractive answer for a prepared draft (also the fallback when a model fails)."""
    understood = draft.understanding
    return composer.compose(
        question=draft.prompt.question,
        subjects=[e.name for e in understood.entities if e.kind != "topic"] if understood else [],
        question_type=understood.type if understood else "general",
        passages=draft.sources,
        lead=draft.lead,
    )


def finish(draft: Draft, text: str, *, backend: str, notice: str = "") -> Answer:
    """Review what the generator wrote: disclaimer, citations, or abstain."""
    result = draft.result
    audience = draft.prompt.audience if draft.prompt else "patient"
    result.backend = backend
    result.notice = notice
    text, result.citations = _renumbered(text, list(draft.citations))
    review = safety.review(text, citations=len(result.citations), audience=audience)
    result.text = review.text
    result.abstained = review.abstained
    if review.abstained:
        result.citations = []
    result.flags = sorted({*result.flags, *review.flags})
    return result


_MARKER = re.compile(r"\[(\d+)\]")


def _renumbered(text: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """Keep only the citations the text cites, numbered in order of first use. Text that
    cites nothing by number keeps every citation (the reader still sees the sources)."""
    used: list[int] = []
    for match in _MARKER.finditer(text):
        n = int(match.group(1))
        if 1 <= n <= len(citations) and n not in used:
            used.append(n)
    if not used:
        return text, citations
    mapping = {old: new for new, old in enumerate(used, start=1)}
    text = _MARKER.sub(
        lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else "", text
    )
    return text, [citations[n - 1] for n in used]


def _finish_generated(draft: Draft, text: str, *, backend: str) -> Answer:
    """A model's draft with every unsupported sentence dropped (`knowledge.support`); the
    composer answers instead when too little is left. The share dropped is kept on the
    answer for the evaluation (and logged as a count, never the text)."""
    passages = {p.number: p.text for p in draft.prompt.passages}
    for i, lead in enumerate(draft.lead, start=len(passages) + 1):
        passages[i] = lead
    check = check_support(text, passages)
    if check.enough:
        result = finish(draft, check.text, backend=backend)
    else:
        result = finish(draft, compose(draft), backend="extractive", notice=UNSUPPORTED_NOTICE)
    result.support_dropped = round(check.dropped_share, 3)
    return result


def _fallback(draft: Draft, generator, exc: Exception) -> str:
    logger.warning("generation failed (%s): %s; using extractive answer", generator.name, exc)
    return compose(draft)


def answer(
    question: str,
    *,
    audience: str = "patient",
    context: PatientContext | None = None,
    filters: Filters | dict | None = None,
    k: int = 5,
    generator=None,
    params: Params | None = None,
) -> Answer:
    """The whole pipeline for one question; never raises for generator trouble."""
    draft = prepare(question, audience=audience, context=context, filters=filters, k=k)
    if draft.prompt is None:
        return draft.result
    generator = generator or get_generator()
    if generator.name == "extractive":
        return finish(draft, compose(draft), backend="extractive")
    try:
        generation = generator.generate(draft.prompt, params=params or params_from_settings())
        if not generation.text.strip():
            raise GenerationError("empty answer")
    except GenerationError as exc:
        return finish(
            draft, _fallback(draft, generator, exc), backend="extractive", notice=FALLBACK_NOTICE
        )
    return _finish_generated(draft, generation.text, backend=generation.backend)


def answer_stream(
    question: str,
    *,
    audience: str = "patient",
    context: PatientContext | None = None,
    filters: Filters | dict | None = None,
    k: int = 5,
    generator=None,
    params: Params | None = None,
) -> Iterator[StreamEvent]:
    """The same pipeline, yielding the generator's text as it arrives. The streamed text is
    provisional: the final "answer" event carries the reviewed answer (disclaimer added, or
    an abstention), which replaces it."""
    draft = prepare(question, audience=audience, context=context, filters=filters, k=k)
    if draft.prompt is None:
        yield StreamEvent("answer", answer=draft.result)
        return
    generator = generator or get_generator()
    if generator.name == "extractive":
        text = compose(draft)
        yield StreamEvent("token", text)
        yield StreamEvent("answer", answer=finish(draft, text, backend="extractive"))
        return
    pieces: list[str] = []
    try:
        for piece in generator.stream(draft.prompt, params=params or params_from_settings()):
            pieces.append(piece)
            yield StreamEvent("token", piece)
        if not "".join(pieces).strip():
            raise GenerationError("empty answer")
    except GenerationError as exc:
        text = _fallback(draft, generator, exc)
        yield StreamEvent("fallback", FALLBACK_NOTICE)
        yield StreamEvent("token", text)
        yield StreamEvent(
            "answer", answer=finish(draft, text, backend="extractive", notice=FALLBACK_NOTICE)
        )
        return
    result = _finish_generated(draft, "".join(pieces), backend=generator.name)
    if result.notice:
        yield StreamEvent("fallback", result.notice)
    yield StreamEvent("answer", answer=result)
