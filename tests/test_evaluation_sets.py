"""The frozen test parts of Lumen's evaluation sets (shared/design/EVALUATION.md).

A test set is written by someone who has not read the product, committed before any tuning,
and never edited: its SHA-256 is recorded here and in docs/benchmarks.md. Changing a frozen
file is a spent test set: write a new one and record its hash instead of updating this one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

SETS = Path(__file__).resolve().parent / "sets"

FROZEN = {
    # 75 questions, commit 3aa4089 (2026-12-07), written without reading the product.
    "answers_test.jsonl": "21d06be29c29b0ffacbc9da1d431e5c60d9c4cda896791bd90d2f54039b1c6a6",
    # 160 medicine names and 88 interaction pairs, commit 0c62483 (2026-12-07).
    "medicines_test.jsonl": "2a50a5848245a7b41987ba8b72d2a9b152058ef0bbca92e7cffbf40615dac546",
    "interactions_test.jsonl": "e42793dd2fd41aca05a3d9d399e3e2777fd62235f6cd40867fe7c030ee491f30",
    # 80 triage vignettes and 60 screen questions, commit 3882202 (2026-12-07).
    "triage_test.jsonl": "3ca1bb49a3f7e3396f941b5103bcb80a02310ae5d7487c2eafa7a6abc43ae955",
    "screen_test.jsonl": "a089efb12851758fd52efad222a6a465f6428dee9966c0ce824b599c69a28c91",
    # Second test parts (the first ones above were spent by the failures they showed): 105
    # triage vignettes, 83 screen questions, 100 answer questions (2026-12-07, stop 12).
    "triage_test2.jsonl": "27ee799425241fd8695cb1cb794928ed5be322eff9ed41b8e1296c57d157565b",
    "screen_test2.jsonl": "73cd135c967a2e346a9f47fe5343e4b03357fc1adfd95c5b0240fcfe60b028e5",
    "answers_test2.jsonl": "89d112619fa7bfde5430a5c11b1e11a7f66f9954ee31ea8dc20e2c342ac1512e",
}


@pytest.mark.parametrize("name", sorted(FROZEN))
def test_frozen_set_is_unchanged(name):
    digest = hashlib.sha256((SETS / name).read_bytes()).hexdigest()
    assert digest == FROZEN[name], f"{name} changed after it was frozen"


def test_answer_sets_are_disjoint_and_well_formed():
    rows = {}
    for part in ("answers_test.jsonl", "answers_dev.jsonl"):
        for line in (SETS / part).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert {"q", "audience", "entity", "must_mention", "expect"} <= row.keys()
            assert row["expect"] in {"answer", "abstain", "escalate"}
            assert row["audience"] in {"patient", "pharma"}
            assert row["id"] not in rows, f"{row['id']} is in both parts"
            rows[row["id"]] = part
    questions = [json.loads(x)["q"] for p in ("answers_test.jsonl", "answers_dev.jsonl")
                 for x in (SETS / p).read_text(encoding="utf-8").splitlines()]  # fmt: skip
    assert len(questions) == len(set(questions))
