"""gui.task_combo: the tasks by their pipeline names, any other name shown as itself."""

from __future__ import annotations

from typing import Any

from gui.task_combo import IMAGE, TEXT, TOKEN, TaskCombo


def test_the_combo_offers_every_task_and_shows_an_unknown_one_by_name(qtbot: Any) -> None:
    combo = TaskCombo()
    qtbot.addWidget(combo)
    assert combo.objectName() == "taskCombo"
    assert [combo.itemData(i) for i in range(combo.count())] == [TEXT, TOKEN, IMAGE]
    assert combo.task == TEXT
    combo.select(IMAGE)
    assert combo.task == IMAGE and combo.currentText() == "Image classification"
    combo.select("audio-classification")
    assert combo.task == "audio-classification" and combo.count() == 4
    combo.select("audio-classification")
    assert combo.count() == 4  # added once
