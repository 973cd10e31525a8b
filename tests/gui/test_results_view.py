"""ResultsView: the final metrics, the confusion matrix and the per-class table of a run, as
``engine.metrics.classification_metrics`` measures them (and ``metrics.json`` keeps them)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHeaderView, QLabel, QTableWidget

from gui import theme
from gui.results_view import ResultsView

LABELS = ["negative", "neutral", "positive"]
#: rows: true class, columns: predicted
MATRIX = [[1200, 30, 4], [20, 300, 10], [0, 5, 95]]


@pytest.fixture(scope="module")
def metrics() -> dict[str, Any]:
    """What a finished run writes: the engine's metrics plus time and best checkpoint."""
    from engine.metrics import classification_metrics

    y_true, y_pred = [], []
    for i, row in enumerate(MATRIX):
        for j, count in enumerate(row):
            y_true += [i] * count
            y_pred += [j] * count
    measured = classification_metrics(y_true, y_pred, LABELS)
    return {
        **measured,
        "train_seconds": 65.4,
        "best_checkpoint": "/runs/2024-05-01_120000/checkpoints/checkpoint-40",
    }


def make_view(qtbot: Any, orientation: Qt.Orientation = Qt.Orientation.Horizontal) -> ResultsView:
    view = ResultsView("someResults", "someMetrics", "someConfusion", "somePerClass", orientation)
    qtbot.addWidget(view)
    return view


def test_the_object_names_are_the_ones_given(qtbot: Any) -> None:
    view = make_view(qtbot)
    assert view.objectName() == "someResults"
    assert view.findChild(QLabel, "someMetrics") is view.metrics_label
    assert view.findChild(QTableWidget, "someConfusion") is view.confusion_table
    assert view.findChild(QTableWidget, "somePerClass") is view.per_class_table


def test_the_metrics_line(qtbot: Any, metrics: dict[str, Any]) -> None:
    view = make_view(qtbot)
    view.show_metrics(metrics)
    text = view.metrics_label.text()
    assert f"Accuracy <b>{metrics['accuracy']:.1%}</b>" in text
    assert f"macro F1 <b>{metrics['macro_f1']:.3f}</b>" in text
    assert "on 1,664 validation texts" in text
    assert "trained in 1 min 05 s" in text
    assert "best: checkpoint-40" in text
    assert view.metrics_label.textFormat() == Qt.TextFormat.RichText


def test_the_confusion_matrix(qtbot: Any, metrics: dict[str, Any]) -> None:
    view = make_view(qtbot)
    view.show_metrics(metrics)
    table = view.confusion_table
    assert table.rowCount() == table.columnCount() == 3
    headers = [table.horizontalHeaderItem(j).text() for j in range(3)]
    assert headers == LABELS == [table.verticalHeaderItem(i).text() for i in range(3)]
    cells = [[table.item(i, j).text() for j in range(3)] for i in range(3)]
    assert cells == [["1,200", "30", "4"], ["20", "300", "10"], ["0", "5", "95"]]
    assert table.item(0, 1).toolTip() == (
        "30 texts of class negative predicted as neutral (2% of the class)"
    )
    # coloured from the theme: green on the diagonal, the share of the true class
    expected, _ = theme.confusion_cell_colours(True, 300 / 330, 300, table.palette())
    assert table.item(1, 1).background().color() == expected
    mode = table.horizontalHeader().sectionResizeMode(0)
    assert mode == QHeaderView.ResizeMode.Stretch  # few classes fill the width


def test_the_per_class_table(qtbot: Any, metrics: dict[str, Any]) -> None:
    view = make_view(qtbot)
    view.show_metrics(metrics)
    table = view.per_class_table
    assert table.rowCount() == 3 and table.columnCount() == 5
    headers = [table.horizontalHeaderItem(j).text() for j in range(5)]
    assert headers == ["class", "precision", "recall", "F1", "support"]
    rows = [[table.item(i, j).text() for j in range(5)] for i in range(3)]
    per_class = metrics["per_class"]
    assert rows[0] == [
        "negative",
        f"{per_class['negative']['precision']:.3f}",
        f"{per_class['negative']['recall']:.3f}",
        f"{per_class['negative']['f1']:.3f}",
        "1,234",
    ]
    assert [row[4] for row in rows] == ["1,234", "330", "100"]
    assert rows[2][2] == "0.950"  # recall of positive: 95 of 100


def test_labels_fallback_and_many_classes(qtbot: Any) -> None:
    view = make_view(qtbot)
    names = [f"c{i}" for i in range(9)]
    matrix = [[5 if i == j else 0 for j in range(9)] for i in range(9)]
    view.show_metrics({"accuracy": 1.0, "macro_f1": 1.0, "confusion_matrix": matrix}, names)
    table = view.confusion_table
    assert table.rowCount() == 9
    assert table.horizontalHeaderItem(8).text() == "c8"
    mode = table.horizontalHeader().sectionResizeMode(0)
    assert mode == QHeaderView.ResizeMode.ResizeToContents  # too many to stretch
    assert view.per_class_table.item(3, 0).text() == "c3"
    assert view.per_class_table.item(3, 4).text() == "0"  # no per-class figures given
    assert "validation texts" not in view.metrics_label.text()


def test_clear_and_empty_metrics(qtbot: Any, metrics: dict[str, Any]) -> None:
    view = make_view(qtbot)
    view.show_metrics(metrics)
    view.clear("The run did not finish.")
    assert view.metrics_label.text() == "The run did not finish."
    for table in (view.confusion_table, view.per_class_table):
        assert table.rowCount() == table.columnCount() == 0
    view.show_metrics(metrics)
    view.show_metrics({})  # nothing measured: what is shown stays
    assert view.confusion_table.rowCount() == 3
    view.clear()
    assert view.metrics_label.text() == ""


@pytest.mark.parametrize(
    ("orientation", "side_by_side"),
    [(Qt.Orientation.Horizontal, True), (Qt.Orientation.Vertical, False)],
)
def test_the_tables_side_by_side_or_stacked(
    qtbot: Any, orientation: Qt.Orientation, side_by_side: bool
) -> None:
    view = make_view(qtbot, orientation)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    confusion, per_class = (
        table.parentWidget() for table in (view.confusion_table, view.per_class_table)
    )
    assert isinstance(confusion, QGroupBox) and isinstance(per_class, QGroupBox)
    assert confusion.title().startswith("Confusion matrix (rows: true")
    assert per_class.title() == "Per class"
    if side_by_side:
        assert confusion.geometry().right() < per_class.geometry().left()
        assert confusion.geometry().top() == per_class.geometry().top()
    else:
        assert confusion.geometry().bottom() < per_class.geometry().top()
        assert confusion.geometry().left() == per_class.geometry().left()
