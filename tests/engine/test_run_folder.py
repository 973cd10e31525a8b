"""engine.run_folder: one run folder's files, state, curves, resumability and deletion."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine.errors import RunFolderError
from engine.events import RunState
from engine.run_folder import MetricsLog, RunFolder, can_resume, write_json, write_status
from tests.engine.conftest import TrainedRun


def _fake_run(path: Path, state: RunState, *, steps: tuple[int, ...] = ()) -> RunFolder:
    """A run folder as training leaves it, without training: config, status, checkpoints."""
    path.mkdir(parents=True)
    write_json(path / "config.json", {"data": "d.csv", "model": "starter"})
    write_status(path, state)
    for step in steps:
        (path / f"checkpoint-{step}").mkdir()
        (path / f"checkpoint-{step}" / "trainer_state.json").write_text("{}")
    return RunFolder(path)


def test_a_finished_run_reads_back_whole(trained_run: TrainedRun) -> None:
    folder = RunFolder(trained_run.run_dir)
    assert folder.is_run and folder.state is RunState.FINISHED and not folder.is_training
    assert folder.config is not None and folder.config["data"] == str(trained_run.data)
    assert folder.metrics == trained_run.result.metrics
    assert folder.labels == ["negative", "positive"]
    assert folder.report is not None and folder.report["train_rows"] > 0
    assert folder.has_model and folder.model_path == trained_run.run_dir / "model"
    assert folder.checkpoints and folder.last_checkpoint == folder.checkpoints[-1]
    assert folder.last_step == int(folder.last_checkpoint.name.split("-")[1])
    assert not folder.resumable  # finished: nothing to continue
    curves = folder.curves
    evals = [r for r in folder.records if r["type"] == "eval"]
    assert curves["accuracy"] == ([float(r["step"]) for r in evals], [r["accuracy"] for r in evals])
    assert len(curves["train_loss"][0]) == sum(r["type"] == "train" for r in folder.records)
    assert folder.best_evaluation() == max(evals, key=lambda r: r["macro_f1"])


def test_the_metrics_log_is_parsed_once_per_folder(tmp_path: Path) -> None:
    folder = _fake_run(tmp_path / "run", RunState.RUNNING)
    MetricsLog(folder.path).append({"type": "train", "step": 1, "loss": 0.5})
    assert folder.curves["train_loss"] == ([1.0], [0.5])
    MetricsLog(folder.path).append({"type": "train", "step": 2, "loss": 0.4})
    assert folder.curves["train_loss"] == ([1.0], [0.5])  # the same object: read once
    assert RunFolder(folder.path).curves["train_loss"] == ([1.0, 2.0], [0.5, 0.4])


@pytest.mark.parametrize(
    ("state", "steps", "resumable"),
    [
        (RunState.STOPPED, (2, 4), True),
        (RunState.FAILED, (2,), True),
        (RunState.STOPPED, (), False),  # no checkpoint yet
        (RunState.FINISHED, (4,), False),
        (RunState.RUNNING, (4,), False),  # this process is training it
    ],
)
def test_resumable_is_decided_in_one_place(
    tmp_path: Path, state: RunState, steps: tuple[int, ...], resumable: bool
) -> None:
    folder = _fake_run(tmp_path / "run", state, steps=steps)
    assert folder.resumable is resumable
    assert can_resume(folder.state, folder.last_step) is resumable


def test_an_interrupted_run_resumes_from_its_last_complete_checkpoint(tmp_path: Path) -> None:
    folder = _fake_run(tmp_path / "run", RunState.RUNNING, steps=(2, 6))
    (folder.path / "checkpoint-8").mkdir()  # half-written: no trainer state, invisible
    status = json.loads((folder.path / "status.json").read_text())
    status["pid"] = 2**22 + 12345  # the process that wrote it is gone
    (folder.path / "status.json").write_text(json.dumps(status))
    assert folder.state is RunState.INTERRUPTED and folder.resumable
    assert folder.resume_checkpoint() == folder.path / "checkpoint-6"
    with pytest.raises(RunFolderError, match="no complete checkpoint"):
        _fake_run(tmp_path / "early", RunState.STOPPED).resume_checkpoint()


def test_delete_refuses_a_training_run_and_anything_not_a_run(tmp_path: Path) -> None:
    training = _fake_run(tmp_path / "training", RunState.RUNNING)
    assert training.is_training and training.status["pid"] == os.getpid()
    with pytest.raises(RunFolderError, match="training now"):
        training.delete()
    assert training.path.is_dir()
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")  # a model folder, not a run
    with pytest.raises(RunFolderError, match="not a Strop run folder"):
        RunFolder(model).delete()
    assert model.is_dir()
    stopped = _fake_run(tmp_path / "stopped", RunState.STOPPED, steps=(2,))
    stopped.delete()
    assert not stopped.path.exists()
