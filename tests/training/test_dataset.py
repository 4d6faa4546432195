"""build_dataset: examples from the knowledge base, duplicates, the split, imports."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from lumen.safety import DISCLAIMER
from training.dataset import Example, deduplicate, read_split, split_by_source
from training.models import TrainingRun


def _rows(directory):
    return {split: read_split(directory, split) for split in ("train", "validation", "test")}


def _example(text: str, doc: str, category: str = "patient_qa") -> Example:
    return Example(instruction="What is it for?", output=text, category=category, source="t",
                   source_doc=doc)  # fmt: skip


def test_every_category_of_the_knowledge_base_becomes_examples(built_dataset):
    stats = json.loads((built_dataset / "statistics.json").read_text())
    assert set(stats["by_category"]) == {
        "patient_qa", "drug_info", "interaction_check", "regulatory_qa", "qa_documentation",
        "triage",
    }  # fmt: skip
    assert stats["examples"] == sum(s["examples"] for s in stats["splits"].values()) > 1500
    assert stats["splits"]["train"]["words"]["output"]["max"] > 0
    assert stats["duplicates_removed"]["near"] > 0


def test_answers_are_quoted_from_their_cited_source_with_the_disclaimer_for_patients(
    built_dataset,
):
    for row in _rows(built_dataset)["train"][:200]:
        meta = row["metadata"]
        assert meta["cited"], row
        # The last cited sentence is quoted from the passage its number points to.
        sentence, number = re.findall(r"([^\]\n]+?) \[(\d+)\]", row["output"])[-1]
        quoted = sentence.split("): ", 1)[-1].strip(" -.")
        assert quoted in meta["passages"][int(number) - 1]["text"], row["output"]
        assert (DISCLAIMER in row["output"]) == (meta["audience"] == "patient")
        assert row["prompt"].startswith("<s>[INST] ") and row["prompt"].endswith(" [/INST]")
        assert row["completion"].endswith("</s>")
        assert {"source", "category", "medical_area", "drug_class"} <= set(meta)


def test_no_source_document_is_in_two_splits_and_distractors_stay_in_their_split(built_dataset):
    rows = _rows(built_dataset)
    docs = {split: {r["metadata"]["source_doc"] for r in split_rows}
            for split, split_rows in rows.items()}  # fmt: skip
    assert not docs["train"] & docs["validation"]
    assert not docs["train"] & docs["test"]
    assert not docs["validation"] & docs["test"]
    for split_rows in rows.values():
        cited = {r["metadata"]["passages"][n - 1]["text"] for r in split_rows
                 for n in r["metadata"]["cited"]}  # fmt: skip
        for row in split_rows:
            assert all(p["text"] in cited for p in row["metadata"]["passages"])


def test_the_split_is_80_10_10_within_every_category(built_dataset):
    counts = defaultdict(Counter)
    for split, split_rows in _rows(built_dataset).items():
        for row in split_rows:
            counts[row["metadata"]["category"]][split] += 1
    for category, by_split in counts.items():
        total = sum(by_split.values())
        assert 0.72 <= by_split["train"] / total <= 0.88, (category, by_split)
        assert by_split["validation"] and by_split["test"], (category, by_split)


def test_exact_and_near_duplicates_are_removed_keeping_the_first():
    text = ("Ibuprofen relieves pain, fever and inflammation such as headaches, toothache "
            "and period pain, and it can upset the stomach.")  # fmt: skip
    examples = [
        _example(text, "a"),
        _example(text.upper(), "b"),  # exact after normalisation
        _example(f"{text} Ask a pharmacist.", "c"),  # near
        _example("Store at room temperature away from children and moisture.", "d"),
    ]
    kept, removed = deduplicate(examples, threshold=0.6)
    assert [e.source_doc for e in kept] == ["a", "d"]
    assert removed == {"exact": 1, "near": 1}


def test_split_keeps_a_documents_examples_together_and_is_reproducible():
    examples = [_example(f"text {i} {j}", f"doc{i}") for i in range(30) for j in range(3)]
    first = split_by_source(examples, seed=5)
    assert first == split_by_source(examples, seed=5)
    where = {e.source_doc: s for s, members in first.items() for e in members}
    assert all(where[e.source_doc] == s for s, members in first.items() for e in members)
    assert [len(first[s]) for s in ("train", "validation", "test")] == [72, 9, 9]


@pytest.mark.django_db
def test_imported_multiple_choice_sets_are_their_own_category(starter_corpus, tmp_path):
    item = {"question": "Which drug is an NSAID?", "answer_idx": "A",
            "options": {"A": "Ibuprofen", "B": "Warfarin", "C": "Metformin", "D": "Insulin"}}  # fmt: skip
    lines = [json.dumps(item), json.dumps(item), json.dumps({"nothing": 1})]
    lines += [json.dumps({**item, "question": f"Question {i}: which one?"}) for i in range(20)]
    source = tmp_path / "medqa.jsonl"
    source.write_text("\n".join(lines) + "\n")
    out = StringIO()
    call_command("build_dataset", "--out", str(tmp_path / "ds"), "--import-jsonl", str(source),
                 "--import-category", "medqa", stdout=out)  # fmt: skip
    rows = [r for rs in _rows(tmp_path / "ds").values() for r in rs]
    imported = [r for r in rows if r["metadata"]["category"] == "medqa"]
    assert len(imported) == 21  # the duplicate line and the unusable one are gone
    nsaid = next(r for r in imported if r["instruction"].startswith("Which drug"))
    assert nsaid["output"] == "A. Ibuprofen"
    assert "A. Ibuprofen\nB. Warfarin" in nsaid["instruction"]
    assert nsaid["metadata"]["source"] == "import:medqa"
    stats = json.loads((tmp_path / "ds" / "statistics.json").read_text())
    assert stats["notes"]["import:medqa"] == "22 examples, 1 lines skipped"
    assert "medqa" in out.getvalue()
    run = TrainingRun.objects.get(kind="dataset")
    assert run.status == "succeeded" and run.metrics["by_category"]["medqa"] == 21
    assert run.artefacts["train"].endswith("train.jsonl")
