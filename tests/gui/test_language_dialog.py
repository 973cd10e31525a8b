"""Start asks first when the model cannot read the data's language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gui.language_dialog import LanguageMismatchDialog, check_language_before_start
from tests.conftest import write_sentiment_csv
from tests.engine.test_compare import write_chinese_csv
from tests.gui.conftest import wait_loaded


def _answer(monkeypatch: pytest.MonkeyPatch, choice: str | None, seen: list[Any]) -> None:
    def exec_(dialog: LanguageMismatchDialog) -> int:
        seen.append(dialog)
        assert dialog.objectName() == "languageMismatchDialog"
        if choice:
            dialog.findChild(
                type(dialog.go_on_button),
                {"go_on": "languageGoOnButton", "switch": "languageSwitchButton",
                 "import": "languageImportButton"}[choice],
            ).click()  # fmt: skip
        return 0

    monkeypatch.setattr(LanguageMismatchDialog, "exec", exec_)


def _open_and_check(qtbot: Any, window: Any, path: Path) -> Any:
    with qtbot.waitSignal(window.model_tab.languageChecked, timeout=60_000) as checked:
        window.open_dataset(str(path))
        wait_loaded(qtbot, window)
    return checked.args[0]


def test_chinese_data_with_an_english_model_asks_and_can_go_on(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = _open_and_check(qtbot, window, write_chinese_csv(tmp_path / "zh.csv", rows=80))
    assert check.mismatch and check.baseline is not None
    assert "does not fit" in window.model_tab.fit_label.text()
    seen: list[Any] = []
    _answer(monkeypatch, "go_on", seen)
    assert check_language_before_start(window) is True
    dialog = seen[0]
    assert "unknown" in dialog.fit_label.text() and "'zh'" in dialog.fit_label.text()
    assert "macro F1" in dialog.baseline_label.text()
    assert "hfl/rbt3" in dialog.models_label.text() and "MB" in dialog.models_label.text()


def test_switch_shows_the_catalogue_and_import_opens_the_chooser(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _open_and_check(qtbot, window, write_chinese_csv(tmp_path / "zh.csv", rows=80))
    seen: list[Any] = []
    _answer(monkeypatch, "switch", seen)
    assert check_language_before_start(window) is False
    tab = window.model_tab
    assert window.tabs.currentWidget() is tab
    assert tab.choice_tabs.currentWidget() is tab.catalogue_view

    popped: list[Any] = []
    monkeypatch.setattr(tab.import_menu, "popup", lambda pos: popped.append(pos))
    _answer(monkeypatch, "import", seen)
    assert check_language_before_start(window) is False
    assert popped
    _answer(monkeypatch, None, seen)  # closed without a choice: nothing starts
    assert check_language_before_start(window) is False


def test_a_model_that_fits_starts_without_asking(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = _open_and_check(qtbot, window, write_sentiment_csv(tmp_path / "en.csv", rows=60))
    assert not check.mismatch
    seen: list[Any] = []
    _answer(monkeypatch, "switch", seen)
    assert check_language_before_start(window) is True
    assert not seen
    assert "fits" in window.model_tab.fit_label.text()


def test_without_data_start_is_not_held_up(window: Any) -> None:
    assert check_language_before_start(window) is True


def test_a_window_without_a_model_tab_is_not_held_up(qtbot: Any) -> None:
    from PySide6.QtWidgets import QWidget

    lone = QWidget()
    qtbot.addWidget(lone)
    assert check_language_before_start(lone) is True
