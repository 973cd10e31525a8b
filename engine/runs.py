"""Run folders: creating them, their status and metrics log, and the list of past runs.

A run folder holds ``config.json`` (the resolved ``TrainConfig``), ``labels.json``,
``report.json``, ``status.json``, ``metrics.jsonl`` (one record per log or evaluation,
appended as they happen), ``checkpoint-<step>/`` folders, the final ``model/`` and
``metrics.json``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.checkpoint import STAGING, checkpoint_step, last_checkpoint
from engine.errors import RunFolderError
from engine.events import RunState
from engine.paths import runs_dir

CONFIG = "config.json"
STATUS = "status.json"
METRICS_LOG = "metrics.jsonl"
METRICS = "metrics.json"
REPORT = "report.json"
LABELS = "labels.json"
MODEL = "model"


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
    if not path.is_dir():
        raise RunFolderError(f"{path}: no such run folder to resume.")
    if not (path / CONFIG).is_file():
        raise RunFolderError(f"{path}: not a Strop run folder (no {CONFIG}).")
    ckpt = last_checkpoint(path)
    if ckpt is None:
        raise RunFolderError(
            f"{path}: the run has no complete checkpoint to resume from.",
            hint="Start a new run instead.",
        )
    return ckpt


# ----- status -------------------------------------------------------------------------
def write_status(run_dir: Path, state: RunState, **extra: Any) -> None:
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
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_status(run_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((Path(run_dir) / STATUS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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


def run_state(run_dir: Path) -> RunState:
    """The state on disk; a run marked running whose process is gone is INTERRUPTED."""
    status = read_status(run_dir)
    try:
        state = RunState(status.get("state", "interrupted"))
    except ValueError:
        return RunState.INTERRUPTED
    if state in (RunState.RUNNING, RunState.PREPARING, RunState.STOPPING):
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


def write_json(path: Path, data: Any) -> None:
    tmp = Path(path).with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


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

    @property
    def name(self) -> str:
        return self.path.name


def run_info(path: Path) -> RunInfo | None:
    path = Path(path)
    config = read_json(path / CONFIG)
    if not isinstance(config, dict):
        return None
    status = read_status(path)
    metrics = read_json(path / METRICS) or {}
    accuracy = metrics.get("accuracy")
    macro_f1 = metrics.get("macro_f1")
    if accuracy is None:  # unfinished: best evaluation so far
        evals = [r for r in read_metrics_log(path) if r.get("type") == "eval"]
        if evals:
            best = max(evals, key=lambda r: r.get("macro_f1", 0.0))
            accuracy, macro_f1 = best.get("accuracy"), best.get("macro_f1")
    ckpt = last_checkpoint(path)
    started = status.get("started") or path.stat().st_mtime
    ended = status.get("ended")
    return RunInfo(
        path=path,
        created=float(started),
        dataset=str(config.get("data", "")),
        model=str(config.get("model", "")),
        strategy=str(config.get("strategy", "")),
        state=run_state(path),
        accuracy=accuracy,
        macro_f1=macro_f1,
        duration=(float(ended) - float(started)) if ended else status.get("train_seconds"),
        last_step=checkpoint_step(ckpt) if ckpt else None,
        has_model=(path / MODEL / "config.json").is_file(),
    )


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
            return info.path / MODEL
    return None
