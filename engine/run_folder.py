"""The run folder, as one noun: everything Strop writes for one training run, and every
question asked of it (its state, its curves, can it resume, may it be deleted).

Nothing outside this module names a file inside a run folder; docs/ARCHITECTURE.md ("The
run folder") documents the format. The writers (``engine.training``, ``engine.checkpoint``)
use the helpers here (``write_status``, ``MetricsLog``, ``write_json``) and the names below.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from functools import cached_property
from pathlib import Path
from typing import Any

from engine.checkpoint import checkpoint_step, complete_checkpoints
from engine.errors import RunFolderError
from engine.events import RunState

CONFIG = "config.json"
STATUS = "status.json"
METRICS_LOG = "metrics.jsonl"
METRICS = "metrics.json"
REPORT = "report.json"
LABELS = "labels.json"
MODEL = "model"
VALIDATION_PREDICTIONS = "validation_predictions.jsonl"

#: The states of a run that a live process is working on now.
TRAINING_STATES = (RunState.PREPARING, RunState.RUNNING, RunState.STOPPING)
#: The states a run can be resumed from (given a complete checkpoint).
RESUMABLE_STATES = (RunState.STOPPED, RunState.FAILED, RunState.INTERRUPTED)
#: The curves ``RunFolder.curves`` returns, each (steps, values).
CURVES = ("train_loss", "eval_loss", "accuracy", "macro_f1")


def can_resume(state: RunState, last_step: int | None) -> bool:
    """The one rule for "can this run continue": stopped, failed or interrupted, with a
    complete checkpoint. ``RunFolder.resumable`` and ``RunInfo.resumable`` both ask it."""
    return state in RESUMABLE_STATES and bool(last_step)


# ----- files written atomically -------------------------------------------------------
def write_json(path: Path, data: Any) -> None:
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# ----- status -------------------------------------------------------------------------
def write_status(run_dir: Path, state: RunState, **extra: Any) -> None:
    """Merge ``extra`` and the new state into ``status.json`` (with this process's pid and
    host, so another process can tell a live run from an interrupted one)."""
    path = Path(run_dir) / STATUS
    data = read_status(run_dir) if path.exists() else {}
    data.update(extra)
    data.update(
        {
            "state": state.value,
            "updated": time.time(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
        }
    )
    data.setdefault("started", time.time())
    write_json(path, data)


def read_status(run_dir: Path) -> dict[str, Any]:
    data = read_json(Path(run_dir) / STATUS)
    return data if isinstance(data, dict) else {}


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def state_of(status: dict[str, Any]) -> RunState:
    """The state a status record means; a run marked running whose process is gone (or that
    ran on another computer) is INTERRUPTED."""
    try:
        state = RunState(status.get("state", "interrupted"))
    except ValueError:
        return RunState.INTERRUPTED
    if state in TRAINING_STATES:
        same_host = status.get("host") == socket.gethostname()
        if not same_host or not _pid_alive(int(status.get("pid", -1))):
            return RunState.INTERRUPTED
    return state


# ----- metrics log --------------------------------------------------------------------
class MetricsLog:
    """``metrics.jsonl``: one JSON record per line, appended and flushed as it happens."""

    def __init__(self, run_dir: Path) -> None:
        self.path = Path(run_dir) / METRICS_LOG

    def append(self, record: dict[str, Any]) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            f.flush()

    def read(self) -> list[dict[str, Any]]:
        return read_metrics_log(self.path.parent)

    def truncate_after(self, step: int) -> list[dict[str, Any]]:
        """Keep only records up to ``step`` (those after the resumed checkpoint are redone)."""
        kept = [r for r in self.read() if int(r.get("step", 0)) <= step]
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8"
        )
        os.replace(tmp, self.path)
        return kept


def read_metrics_log(run_dir: Path) -> list[dict[str, Any]]:
    """Every complete record of ``metrics.jsonl`` (a line cut by a crash is skipped)."""
    path = Path(run_dir) / METRICS_LOG
    records: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
    except OSError:
        pass
    return records


def curves_of(records: list[dict[str, Any]]) -> dict[str, tuple[list[float], list[float]]]:
    """``metrics.jsonl`` records as curves: ``train_loss`` from the training logs,
    ``eval_loss``, ``accuracy`` and ``macro_f1`` from the evaluations, each (steps, values)."""
    curves: dict[str, tuple[list[float], list[float]]] = {key: ([], []) for key in CURVES}

    def add(key: str, step: Any, value: Any) -> None:
        if value is not None:
            curves[key][0].append(float(step))
            curves[key][1].append(float(value))

    for record in records:
        step = record.get("step")
        if step is None:
            continue
        if record.get("type") == "train":
            add("train_loss", step, record.get("loss"))
        elif record.get("type") == "eval":
            for key in ("eval_loss", "accuracy", "macro_f1"):
                add(key, step, record.get(key))
    return curves


# ----- the folder ---------------------------------------------------------------------
class RunFolder:
    """One run's folder. Cheap to make; each property reads the disk when asked (a run
    being trained changes under it), except ``records``/``curves``, read once per object."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunFolder) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def is_run(self) -> bool:
        """A Strop run folder: a run config and a status (a model folder has neither both)."""
        return (self.path / CONFIG).is_file() and (self.path / STATUS).is_file()

    @property
    def config_path(self) -> Path:
        """Where the run's ``TrainConfig`` is saved (``TrainConfig.load`` reads it)."""
        return self.path / CONFIG

    @property
    def config(self) -> dict[str, Any] | None:
        """The resolved run config as saved (None when missing or unreadable)."""
        data = read_json(self.config_path)
        return data if isinstance(data, dict) else None

    @property
    def status(self) -> dict[str, Any]:
        return read_status(self.path)

    @property
    def state(self) -> RunState:
        return state_of(self.status)

    @property
    def is_training(self) -> bool:
        """True while a live process (this one or another) trains this run."""
        return self.state in TRAINING_STATES

    @property
    def checkpoints(self) -> list[Path]:
        """Complete checkpoints, oldest first (a half-written one is invisible)."""
        return complete_checkpoints(self.path)

    @property
    def last_checkpoint(self) -> Path | None:
        found = self.checkpoints
        return found[-1] if found else None

    @property
    def last_step(self) -> int | None:
        ckpt = self.last_checkpoint
        return checkpoint_step(ckpt) if ckpt else None

    @property
    def resumable(self) -> bool:
        """Stopped, failed or interrupted, with a complete checkpoint (``can_resume``)."""
        return (self.path / CONFIG).is_file() and can_resume(self.state, self.last_step)

    def resume_checkpoint(self) -> Path:
        """The checkpoint to resume from; ``RunFolderError`` says why there is none."""
        if not self.path.is_dir():
            raise RunFolderError(f"{self.path}: no such run folder to resume.")
        if not (self.path / CONFIG).is_file():
            raise RunFolderError(f"{self.path}: not a Strop run folder (no {CONFIG}).")
        ckpt = self.last_checkpoint
        if ckpt is None:
            raise RunFolderError(
                f"{self.path}: the run has no complete checkpoint to resume from.",
                hint="Start a new run instead.",
            )
        return ckpt

    @property
    def model_path(self) -> Path:
        """The final model (a folder ``from_pretrained`` loads); see ``has_model``."""
        return self.path / MODEL

    @property
    def has_model(self) -> bool:
        return (self.model_path / "config.json").is_file()

    @property
    def metrics(self) -> dict[str, Any] | None:
        """The final evaluation of the best model (None until the run finishes)."""
        data = read_json(self.path / METRICS)
        return data if isinstance(data, dict) and data else None

    @property
    def labels(self) -> list[str] | None:
        """The class names in id order."""
        data = read_json(self.path / LABELS)
        return list(data["labels"]) if isinstance(data, dict) and "labels" in data else None

    @property
    def report(self) -> dict[str, Any] | None:
        """The dataset report computed before training (``DatasetReport.to_dict()``)."""
        data = read_json(self.path / REPORT)
        return data if isinstance(data, dict) else None

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """``metrics.jsonl``, parsed once for this object."""
        return read_metrics_log(self.path)

    @property
    def curves(self) -> dict[str, tuple[list[float], list[float]]]:
        return curves_of(self.records)

    def best_evaluation(self) -> dict[str, Any] | None:
        """The evaluation with the best score so far (the task's main metric; for a run that
        has not finished)."""
        evals = [r for r in self.records if r.get("type") == "eval"]
        return max(evals, key=lambda r: r.get("score", r.get("macro_f1", 0.0))) if evals else None

    def write_validation_predictions(self, records: list[dict[str, Any]]) -> None:
        """Every validation example's prediction (written atomically): for text
        classification ``row`` (its position in the validation split), ``text``, ``label``,
        ``predicted``, ``confidence`` and ``scores`` (calibrated probabilities)."""
        path = self.path / VALIDATION_PREDICTIONS
        tmp = path.with_suffix(".part")
        with open(tmp, "w", encoding="utf-8") as f:
            for record in records:
                f.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(tmp, path)

    def validation_predictions(self) -> list[dict[str, Any]]:
        """What ``write_validation_predictions`` wrote (empty for a run without it)."""
        path = self.path / VALIDATION_PREDICTIONS
        if not path.is_file():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out

    def delete(self) -> None:
        """Remove the folder for good. Refuses anything that is not a Strop run folder and a
        run that a live process is training (``RunFolderError``); ``OSError`` when a file in
        it cannot be removed (a program holds it open)."""
        if not self.is_run:
            raise RunFolderError(
                f"{self.path}: not deleted, it is not a Strop run folder.",
                hint="Only run folders (with config.json and status.json) are deleted.",
            )
        if self.is_training:
            raise RunFolderError(
                f"{self.name}: not deleted, it is training now.",
                hint="Stop it (or let it end) first.",
            )
        shutil.rmtree(self.path)
