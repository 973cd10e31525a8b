"""The Export dialog: a free folder name, refusing to overwrite, the zip and ONNX options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gui import export_dialog
from gui.export_dialog import ExportDialog, ExportOptions, free_name


def test_free_name_skips_folders_and_zips_that_exist(tmp_path: Path) -> None:
    assert free_name(tmp_path, "run-export") == "run-export"
    (tmp_path / "run-export").mkdir()
    (tmp_path / "run-export-2.zip").write_bytes(b"")
    assert free_name(tmp_path, "run-export") == "run-export-3"


def test_the_answer_names_a_new_folder(qtbot: Any, tmp_path: Path) -> None:
    dialog = ExportDialog("20250101-run", str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "20250101-run-export"
    dialog.zip_check.setChecked(True)
    assert dialog.check() == ""
    options = dialog.options()
    assert options.dest == str(tmp_path / "20250101-run-export")
    assert options.make_zip


def test_it_refuses_a_folder_that_holds_something(qtbot: Any, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "file.txt").write_text("x", encoding="utf-8")
    dialog = ExportDialog("run", str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("taken")
    assert "already exists" in dialog.check()
    dialog._accept()
    assert dialog.result() == 0 and not dialog.problem.isHidden()
    dialog.name_edit.setText("a/b")
    assert "without slashes" in dialog.check()
    dialog.name_edit.setText("empty")
    (tmp_path / "empty").mkdir()
    assert dialog.check() == ""  # an empty folder is fine


def test_onnx_is_offered_only_when_its_packages_are_installed(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_dialog, "missing_onnx_packages", lambda: ["onnxscript"])
    without = ExportDialog("run", str(tmp_path))
    qtbot.addWidget(without)
    assert not without.onnx_check.isEnabled()
    assert "onnxscript" in without.onnx_check.toolTip()
    assert without.options() == ExportOptions(str(tmp_path / "run-export"), False, False)
    monkeypatch.setattr(export_dialog, "missing_onnx_packages", lambda: [])
    with_onnx = ExportDialog("run", str(tmp_path))
    qtbot.addWidget(with_onnx)
    assert with_onnx.onnx_check.isEnabled() and with_onnx.options().onnx
