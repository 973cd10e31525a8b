from __future__ import annotations

import pytest

from engine.metrics import classification_metrics, quick_metrics


def test_classification_metrics_by_hand() -> None:
    y_true = [0, 0, 0, 1, 1, 2]
    y_pred = [0, 0, 1, 1, 0, 2]
    m = classification_metrics(y_true, y_pred, ["a", "b", "c"])
    assert m["accuracy"] == pytest.approx(4 / 6)
    assert m["per_class"]["a"] == pytest.approx(
        {"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "support": 3}
    )
    assert m["per_class"]["b"]["precision"] == pytest.approx(0.5)
    assert m["per_class"]["c"] == pytest.approx(
        {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    )
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.5 + 1.0) / 3)
    assert m["confusion_matrix"] == [[2, 1, 0], [1, 1, 0], [0, 0, 1]]
    assert m["num_examples"] == 6 and m["labels"] == ["a", "b", "c"]
    for value in (m["accuracy"], m["macro_f1"], m["macro_precision"], m["macro_recall"]):
        assert type(value) is float


def test_absent_classes_do_not_drag_the_macro_average() -> None:
    m = classification_metrics([0, 1], [0, 1], ["a", "b", "never seen"])
    assert m["macro_f1"] == 1.0
    assert m["per_class"]["never seen"]["support"] == 0
    assert m["confusion_matrix"][2] == [0, 0, 0]


def test_quick_metrics_agree_with_the_full_ones() -> None:
    y_true = [0, 1, 2, 2, 1, 0, 0, 2]
    y_pred = [0, 2, 2, 2, 1, 1, 0, 0]
    full = classification_metrics(y_true, y_pred, ["a", "b", "c"])
    quick = quick_metrics(y_true, y_pred, 3)
    assert quick["accuracy"] == pytest.approx(full["accuracy"])
    assert quick["macro_f1"] == pytest.approx(full["macro_f1"])
    assert quick_metrics([], [], 2) == {"accuracy": 0.0, "macro_f1": 0.0}
