"""Staff read training runs in the admin, with the loss drawn as a chart."""

from __future__ import annotations

import pytest

from training.models import TrainingRun
from training.services import (
    RunAlreadyFinished,
    run_fail,
    run_finish,
    run_record_losses,
    run_start,
)


@pytest.fixture
def finished_run(db):
    run = run_start(kind=TrainingRun.Kind.TRAIN, parameters={"lora_r": 16})
    run_record_losses(run=run, entries=[{"step": 0, "eval_loss": 3.4}])
    run_record_losses(run=run, entries=[{"step": 10, "loss": 2.0}, {"step": 10, "eval_loss": 1.5}])
    run_record_losses(run=run, entries=[{"step": 20, "loss": 0.9}, {"step": 20, "eval_loss": 0.7}])
    return run_finish(run=run, metrics={"eval_loss_after": 0.7}, artefacts={"adapter": "/a"})


def test_staff_see_the_run_with_training_and_validation_loss_charts(
    finished_run, staff_user, login
):
    client = login(staff_user)
    page = client.get(f"/admin/training/trainingrun/{finished_run.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<svg class="chart"') == 2
    assert "Training loss" in html and "Validation loss" in html
    assert "step 20" in html
    listing = client.get("/admin/training/trainingrun/")
    assert listing.status_code == 200 and "eval_loss_after = 0.7" in listing.content.decode()


def test_patients_cannot_open_training_runs(finished_run, alice_patient, login):
    response = login(alice_patient).get(f"/admin/training/trainingrun/{finished_run.pk}/change/")
    assert response.status_code == 302


def test_a_finished_run_cannot_be_finished_or_failed_again(finished_run):
    with pytest.raises(RunAlreadyFinished):
        run_fail(run=finished_run, error="late")
    with pytest.raises(RunAlreadyFinished):
        run_record_losses(run=finished_run, entries=[{"step": 30, "loss": 0.5}])
    finished_run.refresh_from_db()
    assert finished_run.status == "succeeded" and finished_run.error == ""
