"""Per-call time of the question screen and of one-shot triage, now that both embed each
clause for semantic matching (lumen/safety/semantic.py). Warm: the model is loaded and the
exemplars embedded before timing; the cold start is timed once on its own. Questions from
tests/sets/screen_dev.jsonl, descriptions from tests/sets/triage_dev.jsonl (the dev sets;
the frozen test sets are never read here). Figures go to .lumen/bench/safety_screen.json."""

from __future__ import annotations

import json
import time

from lumen import safety
from lumen.safety import semantic
from lumen.safety.knowledge import knowledge_base
from patients.triage import assess_text
from tests.bench.conftest import summary_ms
from tests.conftest import ROOT

SETS = ROOT / "tests" / "sets"


def _lines(name: str, key: str) -> list[str]:
    rows = (json.loads(line) for line in (SETS / name).read_text().splitlines() if line.strip())
    return [row[key] for row in rows]


def _timed(call, items: list[str]) -> list[float]:
    samples = []
    for item in items:
        start = time.perf_counter()
        call(item)
        samples.append(time.perf_counter() - start)
    return samples


def test_safety_screen_per_call_time(record):
    start = time.perf_counter()
    semantic.match(["warm up"], knowledge_base(), findings={"face_droop"})
    cold_s = time.perf_counter() - start
    questions = _lines("screen_dev.jsonl", "q")
    texts = _lines("triage_dev.jsonl", "text")
    screen_s = _timed(safety.screen, questions)
    triage_s = _timed(assess_text, texts)
    record(
        "safety_screen",
        {
            "model_load_and_exemplars_s": round(cold_s, 1),
            "screen": summary_ms(screen_s),
            "triage_text": summary_ms(triage_s),
            "questions": len(questions),
            "descriptions": len(texts),
        },
    )
    assert len(screen_s) == len(questions)
