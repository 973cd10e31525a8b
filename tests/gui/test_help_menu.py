"""Help menu: open the log file, open the data folder, About (libraries and data licences)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication


def _help_actions(window: Any) -> list[str]:
    from PySide6.QtWidgets import QMenu

    menu = window.findChild(QMenu, "helpMenu")
    return [a.objectName() for a in menu.actions() if not a.isSeparator()]


def test_help_menu_has_log_data_folder_and_about(window: Any) -> None:
    assert _help_actions(window) == ["openLogAction", "openDataFolderAction", "aboutAction"]


def test_open_log_file_opens_the_file_itself(
    window: Any, fake_dialogs: Any, strop_home: Path
) -> None:
    from engine.logs import close_logging, log_file, setup_logging

    # before anything was logged: the folder
    window.show_log_action.trigger()
    assert fake_dialogs.calls[-1] == ("reveal", (str(log_file().parent),))
    assert setup_logging() == log_file()
    try:
        window.show_log_action.trigger()
        assert fake_dialogs.calls[-1] == ("reveal", (str(log_file()),))
        assert log_file().is_relative_to(strop_home)
    finally:
        close_logging()


def test_open_data_folder(window: Any, fake_dialogs: Any, strop_home: Path) -> None:
    window.data_folder_action.trigger()
    assert fake_dialogs.calls[-1] == ("reveal", (str(strop_home),))


def test_about_names_the_libraries_and_the_bundled_data(window: Any, fake_dialogs: Any) -> None:
    window.about_action.trigger()
    name, (parent, title, html) = fake_dialogs.calls[-1]
    assert name == "about" and parent is window
    for part in (
        "PySide6",
        "pyqtgraph",
        "PyTorch",
        "transformers",
        "all-MiniLM-L6-v2",
        "Apache-2.0",
        "UCI Sentiment Labelled Sentences",
        "CC BY 4.0",
        "Kotzias",
        "KDD 2015",
    ):
        assert part in html, part


def test_about_in_chinese_keeps_every_name_and_licence(qapp: QApplication) -> None:
    from gui import i18n
    from gui.main_window import about_html

    english = about_html()
    i18n.install_translators(qapp, "zh_CN")
    try:
        chinese = about_html()
    finally:
        i18n.remove_translators(qapp)
    assert chinese != english and "随附数据" in chinese
    for part in ("PySide6", "LGPL-3.0", "all-MiniLM-L6-v2", "Apache-2.0", "CC BY 4.0", "KDD 2015"):
        assert part in chinese, part
