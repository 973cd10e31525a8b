"""The column pickers: which column of a table holds the texts and which their labels.

Filled from the detected guess (``engine.data.detect_columns``) when the table has loaded,
from the first rows before that; the person's choice drives the report and the run.
Only text classification reads columns: the tab hides the box for the other tasks.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QWidget


class ColumnPickers(QGroupBox):
    """``textColumnCombo`` and ``labelColumnCombo``; ``changed()`` when the person picks
    another column (not while ``fill`` refills them)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Columns"), parent)
        self._filling = False
        self.text_combo = QComboBox()
        self.text_combo.setObjectName("textColumnCombo")
        self.text_combo.setToolTip(self.tr("The column holding the texts to classify."))
        self.label_combo = QComboBox()
        self.label_combo.setObjectName("labelColumnCombo")
        self.label_combo.setToolTip(self.tr("The column holding each text's class (its label)."))
        for combo in (self.text_combo, self.label_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self._picked)
        form = QFormLayout(self)
        form.addRow(self.tr("Text:"), self.text_combo)
        form.addRow(self.tr("Label:"), self.label_combo)

    @property
    def text_column(self) -> str | None:
        return self.text_combo.currentText() or None

    @property
    def label_column(self) -> str | None:
        return self.label_combo.currentText() or None

    def fill(self, columns: list[str], guess: Any) -> None:
        """Offer ``columns``; pick ``guess`` (``.text``, ``.label``) if there is one, else keep
        the previous pair when the new table has both, else the first two columns."""
        self._filling = True
        try:
            previous = (self.text_combo.currentText(), self.label_combo.currentText())
            for combo in (self.text_combo, self.label_combo):
                combo.clear()
                combo.addItems(columns)
            if guess is not None:
                self.text_combo.setCurrentText(guess.text)
                self.label_combo.setCurrentText(guess.label)
            elif columns:
                if previous[0] in columns and previous[1] in columns:
                    self.text_combo.setCurrentText(previous[0])
                    self.label_combo.setCurrentText(previous[1])
                elif len(columns) > 1:
                    self.label_combo.setCurrentIndex(1)
        finally:
            self._filling = False

    def _picked(self) -> None:
        if not self._filling:
            self.changed.emit()
