"""The task picker (``taskCombo``): which kind of fine-tuning the open data is for.

The task is detected from the data's content (``gui.dataset_reading.detect_task``) and shown
here; the person may choose another, and the Dataset tab then reads the same file again as
that task. Items carry the Hugging Face pipeline name; their text is the translated title.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

#: The tasks' names as the window knows them (a task module may be missing from a build, so
#: they are not read from its registry).
TEXT, TOKEN, IMAGE = "text-classification", "token-classification", "image-classification"


class TaskCombo(QComboBox):
    """A combo box of the tasks; ``task`` is the chosen one's name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskCombo")
        self.setToolTip(
            self.tr("What to teach the model; detected from the data, yours to change.")
        )
        for name, title in self._titles().items():
            self.addItem(title, name)

    def _titles(self) -> dict[str, str]:
        return {
            TEXT: self.tr("Text classification"),
            TOKEN: self.tr("Named entities (token classification)"),
            IMAGE: self.tr("Image classification"),
        }

    @property
    def task(self) -> str:
        """The chosen task (a Hugging Face pipeline name)."""
        return str(self.currentData() or TEXT)

    def select(self, name: str) -> None:
        """Show ``name``; a task this window has no title for shows under its own name."""
        index = self.findData(name)
        if index < 0:
            self.addItem(name, name)
            index = self.count() - 1
        self.setCurrentIndex(index)
