"""Checkpoints are complete or invisible: the scanner, the staging folder, promotion."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine import checkpoint as ckpt


def _checkpoint(root: Path, step: int, *, complete: bool = True) -> Path:
    folder = root / f"checkpoint-{step}"
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(b"weights")
    if complete:
        (folder / ckpt.TRAINER_STATE).write_text("{}", encoding="utf-8")
    return folder


def test_scanner_accepts_only_complete_checkpoints(tmp_path: Path) -> None:
    a = _checkpoint(tmp_path, 20)
    b = _checkpoint(tmp_path, 100)
    _checkpoint(tmp_path, 300, complete=False)  # half written (no trainer state)
    _checkpoint(tmp_path / ckpt.STAGING, 400)  # staged, never promoted
    (tmp_path / "checkpoint-500.tmp").mkdir()
    (tmp_path / "checkpoint-x").mkdir()
    (tmp_path / "checkpoint-600").write_text("a file, not a folder")
    assert ckpt.complete_checkpoints(tmp_path) == [a, b]  # numeric order, not by name
    assert ckpt.last_checkpoint(tmp_path) == b
    assert ckpt.last_checkpoint(tmp_path / "missing") is None
    assert ckpt.checkpoint_step(b) == 100 and ckpt.checkpoint_step(tmp_path) is None


def test_clean_staging(tmp_path: Path) -> None:
    _checkpoint(tmp_path / ckpt.STAGING, 7)
    assert ckpt.clean_staging(tmp_path) is True
    assert not (tmp_path / ckpt.STAGING).exists()
    assert ckpt.clean_staging(tmp_path) is False


@pytest.mark.parametrize("fsync", [True, False])
def test_promote_is_one_rename_and_replaces_the_same_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fsync: bool
) -> None:
    if fsync:
        monkeypatch.delenv("STROP_NO_FSYNC", raising=False)
    staged = _checkpoint(tmp_path / ckpt.STAGING, 5)
    final = tmp_path / "checkpoint-5"
    ckpt.promote(staged, final)
    assert not staged.exists() and (final / ckpt.TRAINER_STATE).is_file()
    # the same step saved again (a stop right after a save) replaces the old one
    again = _checkpoint(tmp_path / ckpt.STAGING, 5)
    (again / "model.safetensors").write_bytes(b"newer weights")
    ckpt.promote(again, final)
    assert (final / "model.safetensors").read_bytes() == b"newer weights"
    assert not any((tmp_path / ckpt.STAGING).iterdir())
