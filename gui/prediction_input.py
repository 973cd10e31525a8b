"""The Prediction tab's input: a text box (or, for an image model, the image drop area), the
Predict button, "Predict as I type" and the confidence below which a text is uncertain.

Typing asks for a prediction after a short pause (debounced, so a burst of keys makes one
request); Ctrl+Enter and the button ask at once; choosing an image asks at once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QLabel,
    QPlainTextEdit,
    QStackedWidget,
    QWidget,
)

from gui.image_drop import ImageDropArea
from gui.layouts import hbox, vbox
from gui.prediction_model import IMAGE, TEXT, TOKEN
from gui.widgets import push_button

DEBOUNCE_MS = 300


class PredictionInput(QWidget):
    """Signal: ``requested(from_typing)`` when a prediction is asked for (``from_typing``:
    the pause after typing, which never complains that there is no model)."""

    requested = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._task = TEXT
        self.input = QPlainTextEdit()
        self.input.setObjectName("predictInput")
        self.input.setPlaceholderText(self.tr("Type or paste a text to classify…"))
        self.input.setMaximumHeight(110)
        self.input.installEventFilter(self)  # Ctrl+Enter predicts
        self.input.textChanged.connect(self.edited)
        self.image_area = ImageDropArea()
        self.image_area.imageChosen.connect(lambda _p: self.requested.emit(False))
        self.predict_button = push_button(
            self.tr("Predict (Ctrl+Enter)"), "predictButton", lambda: self.requested.emit(False)
        )
        self.live_check = QCheckBox(self.tr("Predict as I type"))
        self.live_check.setObjectName("predictAsYouTypeCheck")
        self.live_check.setChecked(True)
        self.min_confidence_spin = QDoubleSpinBox()
        self.min_confidence_spin.setObjectName("minConfidenceSpin")
        self.min_confidence_spin.setRange(0, 99)
        self.min_confidence_spin.setDecimals(0)
        self.min_confidence_spin.setSuffix(" %")
        self.min_confidence_spin.setSpecialValueText(self.tr("off"))
        self.min_confidence_spin.setValue(0)
        self.min_confidence_spin.setToolTip(
            self.tr(
                "Below this confidence the prediction is shown as uncertain: a text to check "
                "by hand rather than trust."
            )
        )
        self.min_confidence_spin.valueChanged.connect(lambda _v: self.edited())
        self.min_confidence_label = QLabel(self.tr("Uncertain below:"))
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self.debounce.timeout.connect(lambda: self.requested.emit(True))

        self.stack = QStackedWidget()
        self.stack.addWidget(self.input)
        self.stack.addWidget(self.image_area)
        buttons = (self.predict_button, self.live_check, 1)
        threshold = (self.min_confidence_label, self.min_confidence_spin)
        vbox(self.stack, hbox(*buttons, *threshold), parent=self)

    def adapt(self, task: str) -> None:
        """A text box for text and entities; the image area for an image model."""
        self._task = task
        image = task == IMAGE
        self.stack.setCurrentWidget(self.image_area if image else self.input)
        # a text box stays a few lines high; a picture takes the room it is given
        self.stack.setMaximumHeight(16777215 if image else self.input.maximumHeight())
        self.live_check.setVisible(not image)
        for widget in (self.min_confidence_spin, self.min_confidence_label):
            widget.setVisible(task == TEXT)
        self.input.setPlaceholderText(
            self.tr("Type or paste a text to find its entities…")
            if task == TOKEN
            else self.tr("Type or paste a text to classify…")
        )

    def current(self) -> str:
        """The text typed, or the image chosen for an image model."""
        if self._task == IMAGE:
            return self.image_area.path or ""
        return self.input.toPlainText().strip()

    @property
    def min_confidence(self) -> float | None:
        """The confidence below which a prediction is uncertain (``None``: off)."""
        value = self.min_confidence_spin.value()
        return value / 100.0 if value > 0 else None

    def edited(self) -> None:
        """The text or the threshold changed: predict after the pause, if asked to."""
        if self.live_check.isChecked():
            self.debounce.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.input
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.requested.emit(False)
            return True
        return super().eventFilter(watched, event)
