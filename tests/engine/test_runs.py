"""Run folders: never overwritten, their status, metrics.jsonl, and the list of past runs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from engine import runs
from engine.errors import RunFolderError
from engine.events import RunState
from tests.engine.conftest import TrainedRun


def test_new_run_dirs_are_unique(tmp_path: Path) -> None:
    first = runs.new_run_dir("data/My reviews (2024).csv", root=tmp_path)
    assert first.parent == tmp_path and "My-reviews-2024" in first.name
    first.mkdir()
    second = runs.new_run_dir("data/My reviews (2024).csv", root=tmp_path)
    assert second != first and not second.exists()


def test_default_run_dir_is_under_strop_home(strop_home: Path) -> None:
    assert runs.new_run_dir("x.csv").parent == strop_home / "runs"


def test_check_new_output(tmp_path: Path) -> None:
    runs.check_new_output(tmp_path / "new")  # missing: fine
    (tmp_path / "empty").mkdir()
    runs.check_new_output(tmp_path / "empty")  # empty: fine
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "config.json").write_text("{}")
    with pytest.raises(RunFolderError, match="never overwrites"):
        runs.check_new_output(tmp_path / "used")
    (tmp_path / "file").write_text("x")
    with pytest.raises(RunFolderError, match="not a folder"):
        runs.check_new_output(tmp_path / "file")


def test_check_resumable(tmp_path: Path) -> None:
    with pytest.raises(RunFolderError, match="no such run folder"):
        runs.check_resumable(tmp_path / "missing")
    (tmp_path / "run").mkdir()
    with pytest.raises(RunFolderError, match="not a Strop run"):
        runs.check_resumable(tmp_path / "run")
    (tmp_path / "run" / "config.json").write_text("{}")
    with pytest.raises(RunFolderError, match="no complete checkpoint"):
        runs.check_resumable(tmp_path / "run")
    done = tmp_path / "run" / "checkpoint-3"
    done.mkdir()
    (done / "trainer_state.json").write_text("{}")
    assert runs.check_resumable(tmp_path / "run") == done


def test_status_and_interrupted_runs(tmp_path: Path) -> None:
    runs.write_status(tmp_path, RunState.RUNNING, total_steps=10)
    status = runs.read_status(tmp_path)
    assert (
        status["state"] == "running"
        and status["pid"] == os.getpid()
        and status["total_steps"] == 10
    )
    assert runs.run_state(tmp_path) is RunState.RUNNING
    # the process that wrote it is gone: the run was interrupted
    status["pid"] = 2**22 + 12345
    (tmp_path / runs.STATUS).write_text(json.dumps(status))
    assert runs.run_state(tmp_path) is RunState.INTERRUPTED
    status.update(pid=os.getpid(), host="another-machine")
    (tmp_path / runs.STATUS).write_text(json.dumps(status))
    assert runs.run_state(tmp_path) is RunState.INTERRUPTED
    (tmp_path / runs.STATUS).write_text("{cut sh")
    assert runs.run_state(tmp_path) is RunState.INTERRUPTED
    runs.write_status(tmp_path, RunState.FINISHED)
    assert runs.run_state(tmp_path) is RunState.FINISHED
    assert not list(tmp_path.glob("*.tmp"))


def test_metrics_log_survives_a_cut_line_and_truncates_for_resume(tmp_path: Path) -> None:
    log = runs.MetricsLog(tmp_path)
    for step in range(1, 6):
        log.append({"type": "train", "step": step, "loss": 1.0 / step})
    log.append({"type": "eval", "step": 4, "accuracy": 0.5})
    with open(log.path, "a", encoding="utf-8") as f:
        f.write('{"type": "train", "step": 6, "lo')  # a crash mid-write
    records = runs.read_metrics_log(tmp_path)
    assert [r["step"] for r in records] == [1, 2, 3, 4, 5, 4]
    kept = log.truncate_after(4)
    assert [(r["type"], r["step"]) for r in kept] == [("train", s) for s in range(1, 5)] + [
        ("eval", 4)
    ]
    assert runs.read_metrics_log(tmp_path) == kept
    log.append({"type": "train", "step": 5, "loss": 0.1})
    assert [r["step"] for r in runs.read_metrics_log(tmp_path)] == [1, 2, 3, 4, 4, 5]
    assert runs.read_metrics_log(tmp_path / "nothing") == []


def test_list_runs_and_latest_model(trained_run: TrainedRun, tmp_path: Path) -> None:
    root = trained_run.run_dir.parent
    infos = runs.list_runs(root)
    info = next(i for i in infos if i.path == trained_run.run_dir)
    assert info.state is RunState.FINISHED and info.has_model
    assert info.accuracy == trained_run.result.metrics["accuracy"]
    assert info.dataset == str(trained_run.data) and info.strategy == "full"
    assert info.last_step and info.duration and info.duration > 0
    assert runs.latest_model(root) == trained_run.run_dir / "model"
    assert runs.list_runs(tmp_path / "none") == [] and runs.latest_model(tmp_path / "none") is None
