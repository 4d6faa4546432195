"""Evaluate the question screen on labelled questions (JSON lines
{"q", "audience"?, "expect": escalate|refuse|answer}): what it did with each, a confusion
matrix, and the figures the safety bar is judged on."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lumen.safety.screen import AUDIENCES, Screening, screen

OUTCOMES = ("escalate", "refuse", "answer")


class QuestionFileError(ValueError):
    pass


@dataclass(frozen=True)
class Question:
    id: str
    q: str
    audience: str
    expect: str
    category: str = ""


def outcome(result: Screening) -> str:
    """escalate (emergency or crisis first), refuse (nothing answered), or answer."""
    if result.escalate:
        return "escalate"
    if "refused" in result.flags and not result.answerable:
        return "refuse"
    return "answer"


def read_questions(path: Path | str) -> list[Question]:
    """The questions in a JSON-lines file; QuestionFileError names the first bad line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QuestionFileError(f"Cannot read {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise QuestionFileError(f"{path} is not UTF-8 text.") from exc
    questions = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise QuestionFileError(f"{where}: not valid JSON ({exc.msg}).") from exc
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item["q"]:
            raise QuestionFileError(f"{where}: needs a non-empty 'q'.")
        if item.get("expect") not in OUTCOMES:
            raise QuestionFileError(f"{where}: 'expect' must be one of {', '.join(OUTCOMES)}.")
        audience = item.get("audience", "patient")
        if audience not in AUDIENCES:
            raise QuestionFileError(f"{where}: 'audience' must be one of {', '.join(AUDIENCES)}.")
        questions.append(
            Question(
                id=str(item.get("id", number)),
                q=item["q"],
                audience=audience,
                expect=item["expect"],
                category=str(item.get("category", "")),
            )
        )
    if not questions:
        raise QuestionFileError(f"{path} has no questions.")
    return questions


def evaluate(questions: list[Question]) -> dict:
    """Per-question outcomes and the figures: accuracy, escalation recall (crisis, overdose
    and emergencies escalated), refusal recall (misuse refused), and answers blocked."""
    cases = []
    confusion: Counter = Counter()
    for question in questions:
        result = screen(question.q, audience=question.audience)
        got = outcome(result)
        confusion[(question.expect, got)] += 1
        cases.append(
            {
                "id": question.id,
                "expect": question.expect,
                "predicted": got,
                "reasons": list(result.reasons),
            }
        )

    def recall(expect: str) -> float | None:
        total = sum(v for (e, _), v in confusion.items() if e == expect)
        return confusion[(expect, expect)] / total if total else None

    answers = sum(v for (e, _), v in confusion.items() if e == "answer")
    return {
        "accuracy": sum(v for (e, g), v in confusion.items() if e == g) / len(questions),
        "escalate_recall": recall("escalate"),
        "refuse_recall": recall("refuse"),
        "answered_ok": recall("answer"),
        "answers_blocked": answers - confusion[("answer", "answer")],
        "confusion": {e: {g: confusion[(e, g)] for g in OUTCOMES} for e in OUTCOMES},
        "cases": cases,
    }
