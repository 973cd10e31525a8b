"""The one place where the window shows errors: a banner above the tabs.

Errors reach it as data (an exception from a worker, a ``StropError`` from a check): a
``StropError`` is shown as its own words (what was wrong, where, what to do); anything
unexpected gets a plain sentence and goes to the log with its traceback.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

log = logging.getLogger(__name__)


class ErrorBanner(QFrame):
    """A dismissable message bar; hidden until there is something to say."""

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.icon = QLabel("⚠")
        self.icon.setObjectName("errorIcon")
        self.text = QLabel()
        self.text.setObjectName("errorText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton(self.tr("Dismiss"))
        close.setObjectName("errorBannerClose")
        close.clicked.connect(self.dismiss)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._level = "error"
        self._apply_style()
        self.hide()

    def _apply_style(self) -> None:
        if self._level == "error":
            self.setStyleSheet(
                "#errorBanner { background: #fde8e8; border: 1px solid #e0a0a0; border-radius: 4px; }"
                "#errorBanner QLabel { color: #6b1111; }"
            )
        else:
            self.setStyleSheet(
                "#errorBanner { background: #e8f0fd; border: 1px solid #a0b8e0; border-radius: 4px; }"
                "#errorBanner QLabel { color: #10306b; }"
            )

    def show_error(self, error: BaseException | str) -> str:
        """Show ``error`` in words; returns the text shown."""
        text = describe_error(error) if isinstance(error, BaseException) else str(error)
        self._level = "error"
        self.icon.setText("⚠")
        self._apply_style()
        self.text.setText(text)
        self.show()
        return text

    def show_info(self, text: str) -> None:
        self._level = "info"
        self.icon.setText("ℹ")
        self._apply_style()
        self.text.setText(text)
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.text.clear()
        self.dismissed.emit()

    @property
    def message(self) -> str:
        return self.text.text() if self.isVisible() else ""


def describe_error(error: BaseException) -> str:
    """One paragraph a person can act on."""
    from PySide6.QtCore import QCoreApplication

    from engine.errors import StropError

    if isinstance(error, StropError):
        # The engine's own words say what, where and what to do (in English: the engine is
        # plain Python, shared with the CLI); a translated headline first says which kind
        # of problem it is, so a reader of another language knows where to look.
        return f"{error_headline(error)} {error}"
    if isinstance(error, MemoryError):
        return QCoreApplication.translate(
            "ErrorBanner",
            "The computer ran out of memory. Close other programs, or lower the batch size "
            "or the max length, and try again.",
        )
    log.error("unexpected error", exc_info=(type(error), error, error.__traceback__))
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f"{type(error).__name__}: {first}" if first else type(error).__name__
    return QCoreApplication.translate(
        "ErrorBanner",
        "Something unexpected went wrong ({detail}). The window is still usable; "
        "the details are in Strop's log file.",
    ).format(detail=detail)


def error_headline(error: BaseException) -> str:
    """A short, translated name for the kind of problem a ``StropError`` is."""
    from PySide6.QtCore import QCoreApplication

    from engine import errors

    translate = QCoreApplication.translate
    # most specific first: OutOfMemoryError is a TrainingError
    if isinstance(error, errors.OutOfMemoryError):
        return translate("ErrorBanner", "Out of memory:")
    if isinstance(error, errors.TrainingError):
        return translate("ErrorBanner", "Training stopped:")
    if isinstance(error, errors.DatasetError):
        return translate("ErrorBanner", "Problem with the data:")
    if isinstance(error, errors.ModelLoadError):
        return translate("ErrorBanner", "Problem with the model:")
    if isinstance(error, errors.ConfigError):
        return translate("ErrorBanner", "A setting needs changing:")
    if isinstance(error, errors.CheckpointError):
        return translate("ErrorBanner", "Problem with a checkpoint:")
    if isinstance(error, errors.RunFolderError):
        return translate("ErrorBanner", "Problem with the run folder:")
    return translate("ErrorBanner", "Problem:")
