"""The first launch: the sample dataset and the starter model preselected, Start enabled at
once; the four-step hint until dismissed; the app starts in the saved language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from engine.resources import sample_dataset_path
from gui import first_run
from gui.settings import make_settings
from tests.gui.conftest import close_window, wait_report


def _settings(folder: Path) -> QSettings:
    return QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)


def test_a_first_run_opens_the_sample(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert first_run.is_first_run(settings)
    assert first_run.initial_dataset(settings) == str(sample_dataset_path())
    assert first_run.initial_dataset(settings, "mine.csv") == "mine.csv"
    settings.setValue(first_run.LAST_DATASET_KEY, "/somewhere/else.csv")
    assert not first_run.is_first_run(settings)
    assert first_run.initial_dataset(settings) is None  # the window reopens the last one


def test_no_sample_no_preselection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(first_run, "sample_dataset_path", lambda: tmp_path / "gone.csv")
    assert first_run.initial_dataset(_settings(tmp_path)) is None


def test_first_launch_is_ready_to_train_in_one_click(
    qtbot: Any, fake_dialogs: Any, strop_home: Path
) -> None:
    """Fresh settings: the sample is open, the model is the starter, Start is enabled."""
    from gui.main_window import MainWindow

    assert not (strop_home / "settings.ini").exists()
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.start(dataset=first_run.initial_dataset(window.settings), model=None)
    report = wait_report(qtbot, window, timeout=120_000)
    try:
        assert window.dataset_tab.path == str(sample_dataset_path())
        assert window.model_tab.spec == "starter"
        assert report["train_rows"] + report["validation_rows"] == 3000
        assert sorted(report["labels"]) == ["negative", "positive"]
        assert window.training_tab.start_button.isEnabled()
        config = window.build_config().validate()  # what Start would run, valid as it is
        assert config.model == "starter" and config.data == str(sample_dataset_path())
        assert window.first_run_hint.isVisible()
        assert not window.banner.isVisible(), window.banner.message
    finally:
        close_window(qtbot, window)
    # the next launch reopens the sample as the last dataset, not as a first run
    assert first_run.initial_dataset(make_settings()) is None


def test_the_hint_shows_four_steps_until_dismissed(
    qtbot: Any, fake_dialogs: Any, strop_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    hint = window.first_run_hint
    assert hint.objectName() == "firstRunHint"
    assert hint.isVisible()
    assert hint.text.text().count("<a href=") == 4
    assert "Try sentences" in hint.text.text()
    # the last step follows the data's task: photos for an image folder (the Model tab's
    # own follow-up, which loads the task's starter model, is left out here)
    monkeypatch.setattr(window.model_tab, "set_task", lambda task: None)
    combo = window.dataset_tab.task_combo
    combo.setCurrentIndex(combo.findData("image-classification"))
    assert "Try photos" in hint.text.text() and "sentences" not in hint.text.text()
    combo.setCurrentIndex(combo.findData("token-classification"))
    assert "Try sentences" in hint.text.text() and hint.text.text().count("<a href=") == 4
    with qtbot.waitSignal(hint.stepActivated):
        hint.text.linkActivated.emit("2")
    assert window.tabs.currentWidget() is window.training_tab
    qtbot.mouseClick(hint.close_button, Qt.MouseButton.LeftButton)
    assert not hint.isVisible()
    window.close()

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    assert not again.first_run_hint.isVisible()  # remembered in QSettings
    again.close()


def test_the_app_builds_its_first_window_in_the_saved_language(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, strop_home: Path
) -> None:
    """gui.app.main installs the translator before the window is built, and passes the
    sample dataset on a first launch."""
    from engine.logs import close_logging
    from gui import app, i18n, theme
    from gui.main_window import MainWindow

    settings = make_settings()
    i18n.write_language(settings, "zh_CN")
    settings.sync()
    seen: dict[str, Any] = {}

    def start(self: Any, dataset: str | None = None, model: str | None = None) -> None:
        seen["tabs"] = [self.tabs.tabText(i) for i in range(4)]
        seen["dataset"] = dataset
        seen["icon"] = not self.windowIcon().isNull()
        self.close()

    monkeypatch.setattr(MainWindow, "start", start)
    font = QFont(qapp.font())
    try:
        assert app.main(["--quit-after", "20000"]) == 0
    finally:
        i18n.remove_translators(qapp)
        qapp.setFont(font)
        theme.apply_theme(qapp, "system")
        close_logging()
    assert seen["tabs"] == ["数据集", "模型", "训练", "预测"]
    assert seen["dataset"] == str(sample_dataset_path())
    assert seen["icon"]
