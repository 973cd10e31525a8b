"""Runs: new run folders, never overwritten, and the list of past runs.

One run folder is ``engine.run_folder.RunFolder`` (its files, state, curves, resumable,
delete); the names and helpers re-exported here keep ``runs.CONFIG``, ``runs.write_status``
and the rest working for the writers in ``engine.training``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.checkpoint import STAGING
from engine.errors import RunFolderError
from engine.events import RunState
from engine.paths import runs_dir
from engine.run_folder import (
    CONFIG,
    LABELS,
    METRICS,
    METRICS_LOG,
    MODEL,
    REPORT,
    STATUS,
    MetricsLog,
    RunFolder,
    can_resume,
    read_json,
    read_metrics_log,
    read_status,
    write_json,
    write_status,
)

__all__ = [
    "CONFIG", "LABELS", "METRICS", "METRICS_LOG", "MODEL", "REPORT", "STATUS", "MetricsLog",
    "RunFolder", "RunInfo", "check_new_output", "check_resumable", "latest_model", "list_runs",
    "new_run_dir", "open_run", "read_json", "read_metrics_log", "read_status", "run_info", "run_state",
    "write_json", "write_status",
]  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:40] or "run"


def new_run_dir(data: str, root: Path | None = None) -> Path:
    """A fresh, unique folder name under the runs folder (not created)."""
    root = root or runs_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = _slug(Path(data).stem if data else "run")
    candidate = root / f"{stamp}-{stem}"
    n = 2
    while candidate.exists():
        candidate = root / f"{stamp}-{stem}-{n}"
        n += 1
    return candidate


def check_new_output(path: Path) -> None:
    """Refuse to train into a folder that already holds something."""
    if path.exists():
        if not path.is_dir():
            raise RunFolderError(
                f"{path}: exists and is not a folder.", hint="Choose another output folder."
            )
        if any(path.iterdir()):
            raise RunFolderError(
                f"{path}: the output folder is not empty; Strop never overwrites a run.",
                hint="Use --resume to continue the run in it, or choose a new output folder.",
            )


def check_resumable(path: Path) -> Path:
    """The last complete checkpoint of a run to resume; raises ``RunFolderError``."""
    return RunFolder(path).resume_checkpoint()


def run_state(run_dir: Path) -> RunState:
    """The state on disk; a run marked running whose process is gone is INTERRUPTED."""
    return RunFolder(run_dir).state


# ----- history ------------------------------------------------------------------------
@dataclass(frozen=True)
class RunInfo:
    """One past run, as the Runs view lists it."""

    path: Path
    created: float
    dataset: str
    model: str
    strategy: str
    state: RunState
    accuracy: float | None
    macro_f1: float | None
    duration: float | None
    last_step: int | None
    has_model: bool
    task: str = "text-classification"
    main_metric: str = "macro_f1"
    score: float | None = None
    """The task's main metric: the final one, or the best evaluation's so far."""

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def folder(self) -> RunFolder:
        """The run folder itself, for everything the listing does not hold."""
        return RunFolder(self.path)

    @property
    def resumable(self) -> bool:
        """Stopped, failed or interrupted with a checkpoint, when it was listed."""
        return can_resume(self.state, self.last_step)

    @property
    def model_path(self) -> Path:
        return self.folder.model_path


def run_info(path: Path) -> RunInfo | None:
    folder = RunFolder(path)
    config = folder.config
    if config is None:
        return None
    status = folder.status
    metrics = folder.metrics or {}
    accuracy = metrics.get("accuracy")
    macro_f1 = metrics.get("macro_f1")
    main_metric = str(metrics.get("main_metric") or status.get("main_metric") or "macro_f1")
    score = metrics.get("score", metrics.get(main_metric))
    if accuracy is None and score is None:  # unfinished: best evaluation so far
        best = folder.best_evaluation()
        if best is not None:
            accuracy, macro_f1 = best.get("accuracy"), best.get("macro_f1")
            score = best.get("score", best.get(main_metric))
    started = status.get("started") or folder.path.stat().st_mtime
    ended = status.get("ended")
    return RunInfo(
        path=folder.path,
        created=float(started),
        dataset=str(config.get("data", "")),
        model=str(config.get("model", "")),
        strategy=str(config.get("strategy", "")),
        state=folder.state,
        accuracy=accuracy,
        macro_f1=macro_f1,
        duration=(float(ended) - float(started)) if ended else status.get("train_seconds"),
        last_step=folder.last_step,
        has_model=folder.has_model,
        task=str(config.get("task") or "text-classification"),
        main_metric=main_metric,
        score=float(score) if score is not None else macro_f1,
    )


def open_run(path: Path) -> RunInfo:
    """A run folder the person chose to open; ``RunFolderError`` when it is not one."""
    info = run_info(path)
    if info is None:
        raise RunFolderError(
            f"{path}: not a Strop run folder (no {CONFIG}).",
            hint=f"Choose a folder under the runs folder, one that holds {CONFIG}.",
        )
    return info


def list_runs(root: Path | None = None) -> list[RunInfo]:
    """Every run under the runs folder, newest first."""
    root = root or runs_dir()
    if not root.is_dir():
        return []
    infos = []
    for child in root.iterdir():
        if child.is_dir() and child.name != STAGING:
            info = run_info(child)
            if info is not None:
                infos.append(info)
    return sorted(infos, key=lambda r: r.created, reverse=True)


def latest_model(root: Path | None = None) -> Path | None:
    """The ``model/`` folder of the newest run that has one."""
    for info in list_runs(root):
        if info.has_model:
            return info.model_path
    return None
