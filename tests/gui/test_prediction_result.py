"""The Prediction tab's result: the likeliest classes get a bar each (ten at most), and the
model's task decides between the bars and the entity view."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget


def make_result(qtbot: Any) -> Any:
    from gui.prediction_result import PredictionResult

    result = PredictionResult(QWidget())
    qtbot.addWidget(result)
    result.show()
    return result


def test_an_image_head_of_many_classes_shows_the_ten_likeliest(qtbot: Any) -> None:
    from gui.prediction_result import MAX_BARS

    result = make_result(qtbot)
    scores = {f"class{i:02d}": (i + 1) / 300 for i in range(24)}
    result.show_image({"label": "class23", "scores": scores})
    shown = result.bars.probabilities()
    assert len(shown) == MAX_BARS == 10
    assert min(shown) == "class14" and max(shown) == "class23"
    assert result.label.text() == "class23 · 8.0%"
    result.show_image({"label": None, "error": "not an image"})
    assert result.bars.probabilities() == {}
    assert result.label.text() == "No prediction: not an image"


def test_the_task_chooses_bars_or_entities(qtbot: Any) -> None:
    result = make_result(qtbot)
    result.adapt("token-classification")
    assert result.entity_view.isVisible() and not result.bars.isVisible()
    assert result.label.text() == "The entities appear here."
    result.show_entities({"text": "Ann left", "entities": []})
    assert result.label.text() == "No entities found."
    result.adapt("text-classification")
    assert result.bars.isVisible() and not result.entity_view.isVisible()
    assert result.label.text() == "The predicted class appears here."
