"""The settings dialog: language (System / English / 简体中文, applied at the next start, and
it says so) and the light or dark look (applied at once); File > Settings opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QComboBox, QLabel

from gui import i18n, settings_dialog, theme
from gui.settings_dialog import SettingsDialog


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def restore_palette(qapp: QApplication) -> Any:
    yield qapp
    theme.apply_theme(qapp, "system")


def test_the_dialog_offers_system_english_and_chinese(qtbot: Any, settings: QSettings) -> None:
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    assert dialog.objectName() == "settingsDialog"
    combo = dialog.findChild(QComboBox, "languageCombo")
    assert combo is dialog.language_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["system", "en", "zh_CN"]
    assert combo.itemText(0).startswith("System (")
    assert [combo.itemText(i) for i in (1, 2)] == ["English", "简体中文"]
    assert combo.currentData() == "system"
    theme_combo = dialog.findChild(QComboBox, "themeCombo")
    assert [theme_combo.itemData(i) for i in range(3)] == ["system", "light", "dark"]
    note = dialog.findChild(QLabel, "languageNoteLabel")
    assert "next time Strop starts" in note.text()


def test_choosing_chinese_is_saved_and_waits_for_a_restart(
    qtbot: Any, settings: QSettings, restore_palette: QApplication
) -> None:
    assert i18n.current_language() == "en"
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_CN"))
    assert dialog.needs_restart()
    assert dialog.language_note.text().startswith("<b>")  # the note stands out
    dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData("dark"))
    assert dialog.apply() is True
    assert i18n.read_language(settings) == "zh_CN"
    assert theme.read_theme(settings) == "dark"
    assert theme.is_dark(restore_palette.palette())  # the look changes at once

    again = SettingsDialog(settings)
    qtbot.addWidget(again)
    assert again.language_combo.currentData() == "zh_CN"
    assert again.theme_combo.currentData() == "dark"


def test_keeping_the_running_language_needs_no_restart(
    qtbot: Any, settings: QSettings, restore_palette: QApplication
) -> None:
    dialog = SettingsDialog(settings)
    qtbot.addWidget(dialog)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
    assert not dialog.needs_restart()
    assert dialog.apply() is False
    assert i18n.read_language(settings) == "en"


def test_file_settings_opens_the_dialog_and_says_when_to_restart(
    qtbot: Any, window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []

    def edit(parent: Any, settings: QSettings) -> bool:
        calls.append((parent, settings))
        return True

    monkeypatch.setattr(settings_dialog, "edit_settings", edit)
    assert window.settings_action.objectName() == "settingsAction"
    window.settings_action.trigger()
    assert calls == [(window, window.settings)]
    assert "next time Strop starts" in window.banner.text.text()
    calls.clear()
    monkeypatch.setattr(settings_dialog, "edit_settings", lambda *_: False)
    window.banner.dismiss()
    window.settings_action.trigger()
    assert not window.banner.isVisible()


def test_edit_settings_saves_only_on_ok(
    qtbot: Any, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog

    def cancel(self: SettingsDialog) -> int:
        self.language_combo.setCurrentIndex(2)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(SettingsDialog, "exec", cancel)
    assert settings_dialog.edit_settings(None, settings) is False
    assert not settings.contains(i18n.LANGUAGE_KEY)

    def ok(self: SettingsDialog) -> int:
        self.language_combo.setCurrentIndex(2)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(SettingsDialog, "exec", ok)
    assert settings_dialog.edit_settings(None, settings) is True
    assert i18n.read_language(settings) == "zh_CN"
