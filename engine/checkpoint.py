"""Checkpoints that are either complete or invisible.

A checkpoint is written into ``<run>/.staging/checkpoint-<step>/`` and promoted with one
``os.replace`` to ``<run>/checkpoint-<step>/``. The resume scanner accepts only names that
match ``checkpoint-<digits>`` and hold a trainer state, so a half-written checkpoint (a
process killed mid-write) is never picked; the stale staging folder is removed at the next
start.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

STAGING = ".staging"
_CHECKPOINT_RE = re.compile(r"^checkpoint-(\d+)$")
TRAINER_STATE = "trainer_state.json"


def checkpoint_step(path: str | os.PathLike[str]) -> int | None:
    m = _CHECKPOINT_RE.match(Path(path).name)
    return int(m.group(1)) if m else None


def complete_checkpoints(run_dir: str | os.PathLike[str]) -> list[Path]:
    """Complete checkpoints of a run, oldest first."""
    root = Path(run_dir)
    if not root.is_dir():
        return []
    found = []
    for child in root.iterdir():
        step = checkpoint_step(child)
        if step is not None and child.is_dir() and (child / TRAINER_STATE).is_file():
            found.append((step, child))
    return [p for _, p in sorted(found)]


def last_checkpoint(run_dir: str | os.PathLike[str]) -> Path | None:
    """The newest complete checkpoint, or None."""
    checkpoints = complete_checkpoints(run_dir)
    return checkpoints[-1] if checkpoints else None


def clean_staging(run_dir: str | os.PathLike[str]) -> bool:
    """Remove a staging folder left by a crash. True if one was removed."""
    staging = Path(run_dir) / STAGING
    if staging.exists():
        shutil.rmtree(staging, ignore_errors=True)
        return True
    return False


def promote(staged: Path, final: Path) -> None:
    """Move a fully written checkpoint into place with one rename.

    If ``final`` already exists (the same step saved twice, e.g. a stop right after a
    save), the old one is moved aside first and deleted after the swap.
    """
    _fsync_tree(staged)
    old = None
    if final.exists():
        old = final.parent / STAGING / f"old-{final.name}"
        if old.exists():
            shutil.rmtree(old)
        os.replace(final, old)
    os.replace(staged, final)
    _fsync_dir(final.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    """Flush a checkpoint's files to disk so a power cut cannot leave it half written."""
    if os.environ.get("STROP_NO_FSYNC"):
        return
    for path in folder.rglob("*"):
        if path.is_file():
            _fsync(path)


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":
        _fsync(folder)


def _fsync(path: Path) -> None:
    """fsync one file or folder; a file system that cannot is left alone."""
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass
