"""``ResumeBanner``: the offer, at launch, to resume a run that was interrupted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from gui.runs_table import when


class ResumeBanner(QFrame):
    """The offer, at launch, to resume an interrupted run: Resume / Dismiss, never modal."""

    resumeClicked = Signal(str)
    dismissedRun = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resumeBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#resumeBanner { background: palette(alternate-base); border: 1px solid palette(mid);"
            " border-radius: 4px; }"
        )
        self.text = QLabel()
        self.text.setObjectName("resumeBannerText")
        self.text.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setObjectName("resumeBannerButton")
        self.resume_button.clicked.connect(self._resume)
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.setObjectName("resumeBannerDismissButton")
        self.dismiss_button.clicked.connect(self._dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        icon = QLabel("↻")
        layout.addWidget(icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.resume_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignTop)
        self.run_dir: str | None = None
        self.hide()

    def offer(self, info: Any) -> None:
        self.run_dir = str(info.path)
        self.text.setText(
            self.tr(
                "The run of {when} on {data} was interrupted at step {step} (the app or the "
                "computer stopped). Resume it from its last checkpoint?"
            ).format(
                when=when(info.created),
                data=Path(info.dataset).name or "?",
                step=info.last_step,
            )
        )
        self.text.setToolTip(str(info.path))
        self.show()

    def withdraw(self) -> None:
        self.hide()
        self.run_dir = None

    def _resume(self) -> None:
        path = self.run_dir
        self.withdraw()
        if path:
            self.resumeClicked.emit(path)

    def _dismiss(self) -> None:
        path = self.run_dir
        self.withdraw()
        if path:
            self.dismissedRun.emit(path)


# ----- the tab ---------------------------------------------------------------------------
