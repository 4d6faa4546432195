"""Answering a question: safety first, then retrieval, prompt, generation, review.

    screen (emergency / crisis / refusals)  ->  hybrid retrieval  ->  numbered prompt
    ->  generator (TGI, OpenAI-compatible, or extractive)  ->  review (disclaimer, citations)

If the configured model server is down, slow or returns garbage, the answer is composed from
the same passages by the extractive generator and says so; nothing raises to the caller.
"""

from __future__ import annotations

import logging
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
    taking, _ = resolve(list(context.medications))
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
        return result

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
        return result

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
    generator = generator or get_generator()
    try:
        generation = generator.generate(prompt, params=params or params_from_settings())
        if not generation.text.strip():
            raise GenerationError("empty answer")
    except GenerationError as exc:
        logger.warning("generation failed (%s): %s; using extractive answer", generator.name, exc)
        generation = ExtractiveGenerator().generate(prompt)
        result.notice = FALLBACK_NOTICE
    result.backend = generation.backend
    result.citations = [p.citation for p in found.passages]
    review = safety.review(generation.text, citations=len(result.citations), audience=audience)
    result.text = review.text
    result.abstained = review.abstained
    if review.abstained:
        result.citations = []
    result.flags = sorted({*result.flags, *review.flags})
    return result
