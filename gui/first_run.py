"""The first launch: training works with one click, and a short hint shows the way.

With no saved settings, the window opens the bundled sample dataset (3,000 review sentences
labelled positive / negative, CC BY 4.0) with the starter model, so pressing Start training
works at once, with no file to find. A dismissable hint above the tabs shows the four steps;
once dismissed it stays dismissed (``QSettings``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from engine.resources import sample_dataset_path
from gui.settings import read_bool
from gui.task_combo import IMAGE, TEXT

HINT_DISMISSED_KEY = "firstRun/hintDismissed"
#: The main window remembers the last dataset under this key; without it, this is a first run.
LAST_DATASET_KEY = "dataset/last"


def is_first_run(settings: QSettings) -> bool:
    """True when no dataset was ever opened with these settings."""
    return not settings.contains(LAST_DATASET_KEY)


def initial_dataset(settings: QSettings, dataset: str | None = None) -> str | None:
    """The dataset to open at start: the one asked for, else the sample on a first run
    (``None``: the window reopens the last dataset, if any)."""
    if dataset:
        return dataset
    if not is_first_run(settings):
        return None
    sample = sample_dataset_path()
    return str(sample) if sample.is_file() else None


def hint_dismissed(settings: QSettings) -> bool:
    return read_bool(settings, HINT_DISMISSED_KEY, False)


class FirstRunHint(QFrame):
    """The four steps, above the tabs, until dismissed.

    Signals: ``stepActivated(index)`` when a step's link is clicked (the tab to show),
    ``dismissed()`` once the user closed it.
    """

    stepActivated = Signal(int)
    dismissed = Signal()

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunHint")
        self._settings = settings
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.text = QLabel()
        self.text.setObjectName("firstRunHintText")
        self.set_task(TEXT)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.text.linkActivated.connect(lambda link: self.stepActivated.emit(int(link)))
        self.close_button = QPushButton(self.tr("Got it"))
        self.close_button.setObjectName("firstRunHintClose")
        self.close_button.setToolTip(self.tr("Hide this hint for good."))
        self.close_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 6, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._colour()
        self.setVisible(not hint_dismissed(settings))

    def set_task(self, task: str) -> None:
        """The last step names what the Prediction tab takes for the data's task."""
        steps = [
            self.tr("Open your data (a sample is already open)"),
            self.tr("Check the model"),
            self.tr("Train: press Start training"),
            self.tr("Try photos") if task == IMAGE else self.tr("Try sentences"),
        ]
        links = " → ".join(f'{i + 1}. <a href="{i}">{text}</a>' for i, text in enumerate(steps))
        title = self.tr("Four steps:")
        self.text.setText(f"<b>{title}</b> {links}")

    def dismiss(self) -> None:
        """Hide the hint and remember it."""
        self._settings.setValue(HINT_DISMISSED_KEY, True)
        self._settings.sync()
        self.hide()
        self.dismissed.emit()

    def _colour(self) -> None:
        # A tint of the palette's highlight over its base: reads in light and dark themes.
        palette = QPalette(self.palette())
        base = palette.color(QPalette.ColorRole.Base)
        accent = palette.color(QPalette.ColorRole.Highlight)
        mix = 0.14
        tint = QColor(
            round(base.red() + (accent.red() - base.red()) * mix),
            round(base.green() + (accent.green() - base.green()) * mix),
            round(base.blue() + (accent.blue() - base.blue()) * mix),
        )
        palette.setColor(QPalette.ColorRole.Window, tint)
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self.setPalette(QPalette())  # drop the tint, take the new palette, tint again
            self._colour()
