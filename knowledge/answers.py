"""Answering a question: safety first, then retrieval, prompt, generation, review.

    screen (emergency / crisis / refusals)  ->  hybrid retrieval  ->  numbered prompt
    ->  generator (TGI, OpenAI-compatible, or extractive)  ->  review (disclaimer, citations)

If the configured model server is down, slow or returns garbage, the answer is composed from
the same passages by the extractive generator and says so; nothing raises to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from knowledge.context import PatientContext
from knowledge.drug_names import mentioned_drugs, resolve
from knowledge.interactions import find_interactions
from knowledge.retrieval import Citation, Filters, search
from lumen import safety
from lumen.generation import GenerationError, Params, get_generator, params_from_settings
from lumen.generation.extractive import ExtractiveGenerator
from lumen.generation.prompt import Prompt, PromptPassage

logger = logging.getLogger(__name__)

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
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    escalated: bool = False
    abstained: bool = False
    backend: str = ""
    notice: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["citations"] = [{**asdict(c), "label": c.label} for c in self.citations]
        return data


def _personal_notes(question: str, context: PatientContext | None) -> list[str]:
    """Interactions between the drugs the question names and the asker's own medicines."""
    if context is None or not context.medications:
        return []
    asked = mentioned_drugs(question)
    taking, _ = resolve(list(context.medications), fuzzy=True)  # as the profile matched them
    if not asked or not taking:
        return []
    notes = []
    for found in find_interactions(asked + taking):
        if {found.a.id, found.b.id} & {d.id for d in asked} and (
            {found.a.id, found.b.id} & {d.id for d in taking}
        ):
            rule = found.rule
            notes.append(
                f"You listed {_listed(found, taking)} among your medicines: {found.a.name} with "
                f"{found.b.name} is a {rule.severity} interaction. {rule.mechanism} "
                f"{rule.management} (Source: {rule.source}.)"
            )
    return notes


def _listed(found, taking) -> str:
    ids = {d.id for d in taking}
    return found.a.name if found.a.id in ids else found.b.name


@dataclass
class Draft:
    """A question screened and its passages found: what a generator needs, and the answer
    so far. `prompt` is None when there is nothing to generate (escalated, refused outright,
    or no reliable source), and then `result` is already the final answer."""

    result: Answer
    prompt: Prompt | None = None
    citations: list[Citation] = field(default_factory=list)


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
    found = search(screening.informational_question, k=k, filters=filters)
    notes = _personal_notes(question, context) if audience == "patient" else []
    result.personal_notes = notes
    if not found.found:
        review = safety.review("", citations=0, audience=audience)
        result.text, result.abstained = review.text, True
        result.flags = sorted({*result.flags, *review.flags})
        return Draft(result)

    passages = tuple(
        PromptPassage(
            number=i,
            title=p.citation.title,
            section=p.citation.section,
            text=safety.strip_instructions(p.text),
            url=p.citation.url,
        )
        for i, p in enumerate(found.passages, start=1)
    )
    prompt = Prompt(
        question=screening.informational_question,
        passages=passages,
        audience=audience,
        notes=tuple(notes),
    )
    return Draft(result, prompt, [p.citation for p in found.passages])


def finish(draft: Draft, text: str, *, backend: str, notice: str = "") -> Answer:
    """Review what the generator wrote: disclaimer, citations, or abstain."""
    result = draft.result
    audience = draft.prompt.audience if draft.prompt else "patient"
    result.backend = backend
    result.notice = notice
    result.citations = list(draft.citations)
    review = safety.review(text, citations=len(result.citations), audience=audience)
    result.text = review.text
    result.abstained = review.abstained
    if review.abstained:
        result.citations = []
    result.flags = sorted({*result.flags, *review.flags})
    return result


def _fallback(draft: Draft, generator, exc: Exception) -> str:
    logger.warning("generation failed (%s): %s; using extractive answer", generator.name, exc)
    return ExtractiveGenerator().compose(draft.prompt)


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
    try:
        generation = generator.generate(draft.prompt, params=params or params_from_settings())
        if not generation.text.strip():
            raise GenerationError("empty answer")
    except GenerationError as exc:
        return finish(
            draft, _fallback(draft, generator, exc), backend="extractive", notice=FALLBACK_NOTICE
        )
    return finish(draft, generation.text, backend=generation.backend)


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
    yield StreamEvent("answer", answer=finish(draft, "".join(pieces), backend=generator.name))
