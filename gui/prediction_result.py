"""The Prediction tab's result: the predicted class in large type, a bar per class (text and
image models), the entities with their type and confidence (``entityView``, token models),
and the explanation beside the bars (text models).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QWidget,
)

from gui.highlight_view import HighlightView
from gui.layouts import hbox, vbox
from gui.prediction_model import TOKEN
from gui.widgets import named

MAX_BARS = 10


class ProbabilityBars(QScrollArea):
    """``probabilityBars``: the likeliest classes, a bar each (``probabilityBar0``, ...)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bars = QWidget()
        self.bars.setObjectName("probabilityBars")
        self._layout = QGridLayout(self.bars)
        self._layout.setColumnStretch(1, 1)
        self._layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._rows: list[tuple[QLabel, QProgressBar]] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setWidget(self.bars)
        self.viewport().setAutoFillBackground(False)  # the group's background shows
        self.bars.setAutoFillBackground(False)

    def show_scores(self, scores: dict[str, float]) -> None:
        # the likeliest classes: an ImageNet head has 1,000, and a bar each would bury them
        ordered = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:MAX_BARS]
        while len(self._rows) < len(ordered):
            i = len(self._rows)
            name = QLabel()
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setObjectName(f"probabilityBar{i}")
            self._layout.addWidget(name, i, 0)
            self._layout.addWidget(bar, i, 1)
            bar.setMinimumHeight(bar.sizeHint().height())  # scroll rather than squeeze
            self._rows.append((name, bar))
        for i, (name, bar) in enumerate(self._rows):
            visible = i < len(ordered)
            name.setVisible(visible)
            bar.setVisible(visible)
            if visible:
                label, p = ordered[i]
                name.setText(label)
                bar.setValue(int(round(p * 1000)))
                bar.setFormat(f"{p:.1%}")

    def probabilities(self) -> dict[str, float]:
        """What the bars show."""
        return {name.text(): bar.value() / 1000 for name, bar in self._rows if not name.isHidden()}


class PredictionResult(QWidget):
    """``predictionLabel`` above the bars and ``explanation`` (a widget placed beside them),
    then ``entityView``; ``adapt(task)`` shows the parts the model's task has."""

    def __init__(self, explanation: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self.tr("The predicted class appears here."))
        self.label.setObjectName("predictionLabel")
        font = QFont(self.label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.label.setFont(font)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bars = ProbabilityBars()
        self.entity_view = named(
            HighlightView(),
            "entityView",
            self.tr("The entities found, with their type and confidence."),
        )
        beside = hbox((self.bars, 2), (explanation, 3))
        vbox(self.label, (beside, 1), (self.entity_view, 1), parent=self)

    def adapt(self, task: str) -> None:
        """Bars for classes, the entity view for entities; nothing shown yet."""
        token = task == TOKEN
        self.entity_view.setVisible(token)
        self.bars.setVisible(not token)
        self.clear(task)

    def clear(self, task: str) -> None:
        self.entity_view.clear()
        self.bars.show_scores({})
        self.label.setText(
            self.tr("The entities appear here.")
            if task == TOKEN
            else self.tr("The predicted class appears here.")
        )

    def show_text(self, prediction: Any) -> None:
        """A text's class (``Prediction``): uncertain below the confidence asked for."""
        top = prediction.scores.get(prediction.label, 0.0)
        if prediction.uncertain:
            self.label.setText(
                self.tr("uncertain (best guess {label} · {p:.1%})").format(
                    label=prediction.label, p=top
                )
            )
        else:
            self.label.setText(f"{prediction.label} · {top:.1%}")
        self.bars.show_scores(prediction.scores)

    def show_image(self, prediction: Any) -> None:
        """An image's class and a bar per class, or why there is none."""
        found = _as_dict(prediction)
        if found.get("label") is None:  # unreadable: the engine says why
            self.label.setText(self.tr("No prediction: {why}").format(why=found.get("error", "")))
            self.bars.show_scores({})
        else:
            top = found["scores"].get(found["label"], 0.0)
            self.label.setText(f"{found['label']} · {top:.1%}")
            self.bars.show_scores(found["scores"])

    def show_entities(self, prediction: Any) -> None:
        """The text with its entities highlighted, their types counted above."""
        found = _as_dict(prediction)
        entities = list(found.get("entities", []))
        self.entity_view.show_entities(str(found.get("text", "")), entities)
        if entities:
            kinds = sorted({str(e["label"]) for e in entities})
            self.label.setText(
                self.tr("{n} entities: {types}").format(n=len(entities), types=", ".join(kinds))
            )
        else:
            self.label.setText(self.tr("No entities found."))


def _as_dict(prediction: Any) -> dict[str, Any]:
    return prediction.to_dict() if hasattr(prediction, "to_dict") else dict(prediction)
