"""Every dialog the window opens, behind one seam (tests patch these functions).

Workers never call these: only the GUI thread does, in answer to the user.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


def open_file(parent: QWidget | None, title: str, file_filter: str = "", start: str = "") -> str:
    """A file to open, or "" when cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, title, start, file_filter)
    return path


def save_file(parent: QWidget | None, title: str, file_filter: str = "", start: str = "") -> str:
    """A file to write, or "" when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start, file_filter)
    return path


def open_folder(parent: QWidget | None, title: str, start: str = "") -> str:
    """A folder, or "" when cancelled."""
    return QFileDialog.getExistingDirectory(parent, title, start)


def ask(parent: QWidget | None, title: str, text: str) -> bool:
    """A yes/no question; True for yes."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def show_text(parent: QWidget | None, title: str, intro: str, text: str) -> None:
    """A message with a block of copyable text (commands, paths)."""
    dialog = QDialog(parent)
    dialog.setObjectName("textDialog")
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    label = QLabel(intro)
    label.setWordWrap(True)
    layout.addWidget(label)
    box = QPlainTextEdit(text)
    box.setObjectName("textDialogText")
    box.setReadOnly(True)
    box.setMinimumSize(640, 160)
    layout.addWidget(box)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    buttons.accepted.connect(dialog.accept)
    layout.addWidget(buttons)
    dialog.exec()


def export_options(parent: QWidget | None, run_name: str, start: str = "") -> Any:
    """Where and how to export a run: an ``ExportOptions``, or None when cancelled."""
    from gui.export_dialog import ExportDialog

    return ExportDialog.ask(parent, run_name, start)


def about(parent: QWidget | None, title: str, html: str) -> None:
    QMessageBox.about(parent, title, html)


def reveal(path: str) -> None:
    """Open a folder in the system's file manager."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    QDesktopServices.openUrl(QUrl.fromLocalFile(path))
