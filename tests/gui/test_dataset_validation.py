"""gui.dataset_validation: a share or a file, the share spun without a report per step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.dataset_validation import ValidationChoice


def test_a_file_replaces_the_share_until_it_is_taken_away(qtbot: Any, tmp_path: Path) -> None:
    choice = ValidationChoice()
    qtbot.addWidget(choice)
    assert choice.split == 0.1 and choice.file is None
    assert not choice.validation_edit.isEnabled()
    with qtbot.waitSignal(choice.changed):
        choice.set_file(str(tmp_path / "val.csv"))
    assert choice.file == str(tmp_path / "val.csv") and choice.file_radio.isChecked()
    assert not choice.split_spin.isEnabled()
    choice.set_file(None)
    assert choice.file is None and choice.split_radio.isChecked()
    # the file radio alone, no file yet: nothing to measure on, so no change to report
    changes: list[None] = []
    choice.changed.connect(lambda: changes.append(None))
    choice.file_radio.setChecked(True)
    assert changes == [] and choice.file is None


def test_spinning_the_share_reports_one_change_when_it_settles(qtbot: Any) -> None:
    choice = ValidationChoice()
    qtbot.addWidget(choice)
    changes: list[None] = []
    choice.changed.connect(lambda: changes.append(None))
    for value in (11, 12, 13, 20):
        choice.split_spin.setValue(value)
    assert changes == []
    qtbot.waitUntil(lambda: changes == [None], timeout=2_000)
    qtbot.wait(500)
    assert changes == [None] and choice.split == 0.2


def test_the_file_dialog_starts_beside_the_data(
    qtbot: Any, tmp_path: Path, fake_dialogs: Any
) -> None:
    data = tmp_path / "data" / "train.csv"
    choice = ValidationChoice(near=lambda: str(data))
    qtbot.addWidget(choice)
    fake_dialogs.open_file_result = str(tmp_path / "val.csv")
    choice.findChild(type(choice.validation_button), "browseValidationButton").click()
    name, args = fake_dialogs.calls[-1]
    assert name == "open_file" and args[3] == str(data.parent)
    assert choice.file == str(tmp_path / "val.csv")
