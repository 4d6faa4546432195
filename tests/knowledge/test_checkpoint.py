"""Checkpoint: an interrupted scrape resumes after the last page it ingested."""

from __future__ import annotations

import json
import os

import pytest

from knowledge.sources.checkpoint import Checkpoint


def test_a_new_checkpoint_starts_from_the_beginning(tmp_path):
    checkpoint = Checkpoint("pubmed", "aspirin", directory=tmp_path)

    assert checkpoint.cursor is None
    assert checkpoint.counts == {}
    assert checkpoint.complete is False
    assert not checkpoint.path.exists()


def test_a_restarted_run_resumes_after_the_last_page_it_advanced_past(tmp_path):
    first_run = Checkpoint("pubmed", "aspirin", directory=tmp_path)
    first_run.advance("page-2", {"documents": 20, "skipped": 1})
    first_run.advance("page-3", {"documents": 20})

    resumed = Checkpoint("pubmed", "aspirin", directory=tmp_path)

    assert resumed.cursor == "page-3"
    assert resumed.counts == {"documents": 40, "skipped": 1}
    assert resumed.complete is False


def test_done_is_remembered_across_runs(tmp_path):
    checkpoint = Checkpoint("rxnorm", None, directory=tmp_path)
    checkpoint.advance(None, {"drugs": 5})
    checkpoint.done()

    assert Checkpoint("rxnorm", None, directory=tmp_path).complete is True


def test_reset_forgets_everything_so_the_next_run_starts_over(tmp_path):
    checkpoint = Checkpoint("pubmed", "aspirin", directory=tmp_path)
    checkpoint.advance("page-9", {"documents": 90})

    checkpoint.reset()

    assert checkpoint.cursor is None and checkpoint.counts == {}
    assert not checkpoint.path.exists()
    assert Checkpoint("pubmed", "aspirin", directory=tmp_path).cursor is None


def test_each_source_and_query_has_its_own_file(tmp_path):
    Checkpoint("pubmed", "aspirin", directory=tmp_path).advance("a", {})
    Checkpoint("pubmed", "ibuprofen", directory=tmp_path).advance("b", {})
    Checkpoint("pubmed", None, directory=tmp_path).advance("c", {})
    Checkpoint("pubmed", "", directory=tmp_path).advance("d", {})
    Checkpoint("clinicaltrials", "aspirin", directory=tmp_path).advance("e", {})

    assert len(list(tmp_path.glob("*.json"))) == 5
    assert Checkpoint("pubmed", None, directory=tmp_path).cursor == "c"
    assert Checkpoint("pubmed", "", directory=tmp_path).cursor == "d"


def test_the_file_records_what_was_scraped_in_readable_json(tmp_path):
    checkpoint = Checkpoint("openfda-label", "aspirin", directory=tmp_path)
    checkpoint.advance("skip=100", {"documents": 100})

    state = json.loads(checkpoint.path.read_text())

    assert state["source"] == "openfda-label"
    assert state["query"] == "aspirin"
    assert state["cursor"] == "skip=100"
    assert state["counts"] == {"documents": 100}
    assert state["updated_at"].endswith("+00:00")


def test_a_crash_while_saving_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    checkpoint = Checkpoint("pubmed", "aspirin", directory=tmp_path)
    checkpoint.advance("page-2", {"documents": 20})

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        checkpoint.advance("page-3", {"documents": 20})
    monkeypatch.undo()

    assert Checkpoint("pubmed", "aspirin", directory=tmp_path).cursor == "page-2"
    assert [p.name for p in tmp_path.iterdir()] == [checkpoint.path.name]  # no temp file left


def test_an_unreadable_checkpoint_means_starting_over_with_a_warning(tmp_path, caplog):
    checkpoint = Checkpoint("pubmed", "aspirin", directory=tmp_path)
    checkpoint.path.write_text("{not json")

    reloaded = Checkpoint("pubmed", "aspirin", directory=tmp_path)

    assert reloaded.cursor is None
    assert "unreadable checkpoint" in caplog.text


def test_checkpoints_live_in_the_configured_directory_by_default(settings, tmp_path):
    settings.LUMEN_CHECKPOINT_DIR = tmp_path / "checkpoints"

    checkpoint = Checkpoint("dailymed", "lipitor")
    checkpoint.advance("2", {"documents": 1})

    assert checkpoint.path.parent == tmp_path / "checkpoints"
    assert checkpoint.path.exists()


def test_a_source_that_is_not_a_slug_is_refused(tmp_path):
    with pytest.raises(ValueError, match="slug"):
        Checkpoint("../../etc", "x", directory=tmp_path)
