"""Answer quality over labelled questions: on-topic citations, key facts, abstention, latency.

Each line of the file is `{"q", "audience", "entity", "must_mention": [...], "expect":
"answer" | "abstain" | "escalate"}`. A citation is *about* the entity when its title names it
(by the same subject names and guideline identifiers Lumen understands questions with); a
key fact is present when an answer sentence means the same (cosine similarity of the
embedding model at least FACT_SIMILARITY) and every number in the fact appears in the answer.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.answers import Answer, answer
from knowledge.drug_names import match
from knowledge.subjects import identity, regulation_keys
from lumen.lib.text import split_sentences

FACT_SIMILARITY = 0.6
EXPECTATIONS = ("answer", "abstain", "escalate")
_COMMON = frozenset("and the for with are wa not you your can may it this that from".split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_CLAUSES = re.compile(r"[;:,()]|\s(?:and|or|but)\s|\s[\u2013\u2014-]\s")


class AnswerSetError(ValueError):
    """The question file cannot be used; the message says which line and why."""


@dataclass(frozen=True)
class Case:
    question: str
    audience: str
    entity: str
    facts: tuple[str, ...]
    expect: str


@dataclass
class Outcome:
    case: Case
    result: Answer
    seconds: float
    on_topic: list[bool] = field(default_factory=list)  # per citation
    facts_found: list[bool] = field(default_factory=list)

    @property
    def behaved(self) -> str:
        if self.result.escalated:
            return "escalate"
        return "abstain" if self.result.abstained else "answer"


def read_cases(path: Path) -> list[Case]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AnswerSetError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise AnswerSetError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            case = Case(
                question=str(item["q"]),
                audience=item.get("audience", "patient"),
                entity=str(item.get("entity") or ""),
                facts=tuple(str(f) for f in item.get("must_mention") or ()),
                expect=item.get("expect", "answer"),
            )
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise AnswerSetError(
                f"line {number}: expected {{'q', 'expect', ...}} ({exc})"
            ) from None
        if case.audience not in ("patient", "pharma") or case.expect not in EXPECTATIONS:
            raise AnswerSetError(f"line {number}: unknown audience or expect")
        if not case.question.strip():
            raise AnswerSetError(f"line {number}: empty question")
        cases.append(case)
    if not cases:
        raise AnswerSetError(f"{path} holds no questions")
    return cases


def about(title: str, entity: str) -> bool:
    """Whether a citation titled `title` is about `entity` (a name or guideline id)."""
    if not entity:
        return True
    wanted, lowered = entity.lower(), title.lower()
    if wanted in lowered:
        return True
    if set(regulation_keys(entity)) & set(regulation_keys(title)):
        return True
    ident = identity(title, {})
    if any(alias == wanted or (len(alias) > 3 and alias in wanted) for alias in ident.aliases):
        return True
    drug = match(entity, fuzzy=True)
    return drug is not None and any(
        re.search(rf"\b{re.escape(n.lower())}\b", lowered)
        for n in (drug.name, *drug.synonyms, *drug.brand_names)
    )


def _facts_found(text: str, facts: tuple[str, ...]) -> list[bool]:
    from knowledge.embeddings import embed

    sentences = [s for s in split_sentences(text) if len(s) > 3]
    # A short fact is compared with the clauses of a long sentence as well ("tiredness" is
    # one item of a list), so its meaning is not diluted by the rest of the sentence.
    for sentence in list(sentences):
        clauses = [c.strip() for c in _CLAUSES.split(sentence) if c.strip()]
        sentences += [c for c in clauses if len(c.split()) >= 2]
        sentences += [f"{a} {b}" for a, b in itertools.pairwise(clauses)]
    if not facts:
        return []
    if not sentences:
        return [False] * len(facts)
    similarity = embed(list(facts)) @ embed(sentences).T
    lowered = text.lower()
    words = [_words(s) for s in sentences]
    return [
        (bool(similarity[i].max() >= FACT_SIMILARITY) or _worded(_words(fact), words))
        and all(n in lowered for n in _NUMBER.findall(fact))
        for i, fact in enumerate(facts)
    ]


def _words(text: str) -> set[str]:
    words = {w.rstrip("s") for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}
    return words - _COMMON


def _worded(fact: set[str], sentences: list[set[str]]) -> bool:
    """Most of the fact's own words in one sentence: the same fact, said as a list."""
    return bool(fact) and any(len(fact & s) >= 0.8 * len(fact) for s in sentences)


def run_case(case: Case) -> Outcome:
    started = time.perf_counter()
    result = answer(case.question, audience=case.audience)
    seconds = time.perf_counter() - started
    outcome = Outcome(case, result, seconds)
    if not result.abstained and not result.escalated:
        outcome.on_topic = [about(c.title, case.entity) for c in result.citations]
        outcome.facts_found = _facts_found(result.text, case.facts)
    return outcome


def _share(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def summarise(outcomes: list[Outcome]) -> dict:
    answered = [o for o in outcomes if o.case.expect == "answer" and o.behaved == "answer"]
    with_facts = [o for o in answered if o.facts_found]
    ms = [o.seconds * 1000 for o in outcomes]
    by_expect = {
        expect: _share([o.behaved == expect for o in outcomes if o.case.expect == expect])
        for expect in EXPECTATIONS
    }
    return {
        "questions": len(outcomes),
        "answered": len(answered),
        "first_citation_on_topic": _share([o.on_topic[0] for o in answered if o.on_topic]),
        "citations_on_topic": _share([t for o in answered for t in o.on_topic]),
        "key_fact_recall": _share([f for o in with_facts for f in o.facts_found]),
        "answers_with_key_facts": _share(
            [sum(o.facts_found) / len(o.facts_found) >= 0.5 for o in with_facts]
        ),
        "behaviour_accuracy": _share([o.behaved == o.case.expect for o in outcomes]),
        "generated_sentences_dropped": _mean(
            [o.result.support_dropped for o in outcomes if o.result.support_dropped is not None]
        ),
        "accuracy_by_expectation": by_expect,
        "latency_ms_p50": round(_percentile(ms, 0.5), 1),
        "latency_ms_p95": round(_percentile(ms, 0.95), 1),
    }
