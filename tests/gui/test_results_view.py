"""ResultsView: the final metrics, the confusion matrix and the per-class table of a run, as
``engine.metrics.classification_metrics`` measures them (and ``metrics.json`` keeps them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QHeaderView, QLabel, QPushButton, QTableWidget

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


# ----- trusting the result: a synthetic finished run ----------------------------------------
VAL = [
    ("a warm and wonderful film", "positive", "positive", 0.97),
    ("dull, slow and far too long", "negative", "negative", 0.91),
    ("not bad at all, I liked it", "positive", "negative", 0.62),
    ("I expected to hate it", "positive", "negative", 0.55),
    ("great acting, awful plot", "negative", "positive", 0.71),
]


@pytest.fixture
def run_dir(tmp_path: Any) -> Any:
    """A finished text-classification run folder, written by hand: metrics with a baseline
    and calibration, curves that overfit, a report, validation predictions, its data file."""
    import json

    from engine.config import TrainConfig
    from tests.conftest import write_sentiment_csv

    data = write_sentiment_csv(tmp_path / "reviews.csv", rows=30)
    run = tmp_path / "run"
    run.mkdir()
    (run / "config.json").write_text(
        TrainConfig(data=str(data), model="tiny").to_json(), encoding="utf-8"
    )
    (run / "status.json").write_text(json.dumps({"state": "finished"}), encoding="utf-8")
    labels = ["negative", "positive"]
    (run / "labels.json").write_text(
        json.dumps({"labels": labels, "text_column": "text", "label_column": "label"}),
        encoding="utf-8",
    )
    metrics = {
        "task": "text-classification",
        "main_metric": "macro_f1",
        "accuracy": 0.866,
        "macro_f1": 0.85,
        "score": 0.85,
        "labels": labels,
        "confusion_matrix": [[1, 1], [2, 1]],
        "per_class": {"negative": {"recall": 0.5, "support": 2}},
        "num_examples": 5,
        "best_checkpoint": str(run / "checkpoints" / "checkpoint-20"),
        "baseline": {"accuracy": 0.782, "macro_f1": 0.77, "seconds": 2.2, "analyzer": "word"},
        "calibration": {"ece": 0.081, "ece_after": 0.032, "temperature": 1.43},
    }
    (run / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    log = [{"type": "train", "step": s, "loss": 1.0 - s / 60} for s in range(5, 55, 5)]
    log += [
        {"type": "eval", "step": s, "eval_loss": v}
        for s, v in [(10, 0.8), (20, 0.5), (30, 0.6), (40, 0.7), (50, 0.75)]
    ]
    (run / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in log), encoding="utf-8")
    (run / "report.json").write_text(
        json.dumps(
            {
                "train_counts": {"negative": 15, "positive": 15},
                "train_validation_overlap": 1,
                "validation_rows": 5,
            }  # fmt: skip
        ),
        encoding="utf-8",
    )
    (run / "validation_predictions.jsonl").write_text(
        "".join(
            json.dumps(
                {
                    "row": i,
                    "text": t,
                    "label": y,
                    "predicted": p,
                    "confidence": c,
                    "scores": {p: c},
                }  # fmt: skip
            )
            + "\n"
            for i, (t, y, p, c) in enumerate(VAL)
        ),
        encoding="utf-8",
    )
    model = run / "model"
    model.mkdir()
    (model / "config.json").write_text("{}", encoding="utf-8")
    return run


class FakeExplainer:
    """Stands in for ``engine.explain.Explainer``: the first word supports the label."""

    made: list[str] = []

    def __init__(self, model_dir: Any) -> None:
        FakeExplainer.made.append(str(model_dir))

    def explain(self, texts: list[str]) -> list[Any]:
        class Result:
            def __init__(self, text: str) -> None:
                self.text = text

            def to_dict(self) -> dict[str, Any]:
                first = self.text.split()[0]
                return {
                    "text": self.text,
                    "label": "negative",
                    "scores": {"negative": 0.6, "positive": 0.4},
                    "words": [{"text": first, "start": 0, "end": len(first), "weight": 0.9}],
                    "truncated": False,
                }

        return [Result(t) for t in texts]


@pytest.fixture
def fast_tasks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Background tasks without the wait for torch to import, and a fake explainer."""
    from engine import explain
    from gui import error_analysis, worker

    monkeypatch.setattr(worker, "ensure_warm", lambda: None)
    monkeypatch.setattr(explain, "Explainer", FakeExplainer)
    error_analysis.forget_explainers()
    FakeExplainer.made.clear()


def test_baseline_card_and_calibration(qtbot: Any, run_dir: Any) -> None:
    view = make_view(qtbot)
    view.show_run(run_dir)
    text = view.baseline_label.text()
    assert "Fine-tuned <b>86.6%</b> vs baseline 78.2% (TF-IDF + logistic regression" in text
    assert "fitted in 2.2 s" in text
    assert "0.081 before, 0.032 after temperature scaling (T = 1.43)" in text
    assert not view.baseline_label.isHidden()
    view.show_metrics({"accuracy": 0.70, "macro_f1": 0.6, "baseline": {"accuracy": 0.78}})
    assert "did not beat the baseline" in view.baseline_label.text()
    view.show_metrics({"accuracy": 0.70, "macro_f1": 0.6})
    assert view.baseline_label.isHidden()


def test_coaching_is_computed_from_the_run(qtbot: Any, run_dir: Any) -> None:
    view = make_view(qtbot)
    view.show_run(run_dir)
    label = view.findChild(QLabel, "coachingLabel")
    assert label is view.coaching_label and not label.isHidden()
    text = label.text()
    # eval loss lowest at step 20, rising for 3 evaluations; the kept checkpoint from step 20
    assert "rose for 3 evaluations after step 20" in text
    assert "from step 20, was kept" in text
    assert "1 validation text(s) (20%) also appear in the training data" in text
    assert "Fine-tuning paid off: macro F1 85.0% against 77.0%" in text


def test_a_confusion_cell_lists_its_examples_and_explains_one(
    qtbot: Any, run_dir: Any, fast_tasks: None
) -> None:
    view = make_view(qtbot)
    view.show_run(run_dir)
    confusion = view.confusion_table
    # row 1 (true positive) x column 0 (predicted negative): two texts
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    rect = confusion.visualItemRect(confusion.item(1, 0))
    qtbot.mouseClick(confusion.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    table = view.findChild(QTableWidget, "misclassifiedTable")
    assert table is view.misclassified_table
    assert table.rowCount() == 2
    headers = [table.horizontalHeaderItem(j).text() for j in range(4)]
    assert headers == ["text", "true label", "predicted", "confidence"]
    rows = [[table.item(i, j).text() for j in range(4)] for i in range(2)]
    assert rows == [
        ["I expected to hate it", "positive", "negative", "55%"],
        ["not bad at all, I liked it", "positive", "negative", "62%"],
    ]
    assert view.details.currentWidget() is view.errors
    # sortable: by confidence, highest first
    table.sortItems(3, Qt.SortOrder.DescendingOrder)
    assert table.item(0, 0).text() == "not bad at all, I liked it"
    with qtbot.waitSignal(view.errors.explained, timeout=10_000) as blocker:
        table.selectRow(0)
    assert blocker.args[0]["text"] == "not bad at all, I liked it"
    assert view.explanation_view.spans[0][:2] == (0, 3)  # "not" highlighted
    assert "not bad at all" in view.explanation_view.toPlainText()
    # another text of the same model: the explainer is reused
    with qtbot.waitSignal(view.errors.explained, timeout=10_000):
        table.selectRow(1)
    assert FakeExplainer.made == [str(run_dir / "model")]


def test_suspect_decisions_are_written_to_a_copy(
    qtbot: Any, run_dir: Any, fast_tasks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine import suspects
    from engine.config import TrainConfig

    data = Path(TrainConfig.load(run_dir / "config.json").data)
    lines = data.read_text(encoding="utf-8").splitlines()
    found = [
        suspects.Suspect(2, lines[2].split(",")[0], lines[2].split(",")[1], "x", 0.9),
        suspects.Suspect(3, lines[3].split(",")[0], lines[3].split(",")[1], "y", 0.8),
        suspects.Suspect(5, lines[5].split(",")[0], lines[5].split(",")[1], "z", 0.7),
    ]
    flip = {"positive": "negative", "negative": "positive"}
    found = [suspects.Suspect(s.row, s.text, s.label, flip[s.label], s.score) for s in found]
    calls: list[Any] = []

    def fake_find(run: Any, **kwargs: Any) -> list[Any]:
        calls.append(run)
        return found

    monkeypatch.setattr(suspects, "find_suspects", fake_find)
    view = make_view(qtbot)
    view.show_run(run_dir)
    sv = view.suspects
    retrain = sv.findChild(QPushButton, "retrainButton")
    assert not retrain.isEnabled()
    sv.findChild(QPushButton, "findSuspectsButton").click()
    table = sv.findChild(QTableWidget, "suspectsTable")
    qtbot.waitUntil(lambda: table.rowCount() == 3, timeout=10_000)
    assert calls == [str(run_dir)]
    assert [table.horizontalHeaderItem(j).text() for j in range(5)] == [
        "row", "text", "label", "suggested", "score"]  # fmt: skip
    assert table.item(0, 0).text() == "2" and table.item(0, 4).text() == "0.90"
    table.selectRow(0)
    sv.findChild(QPushButton, "relabelSuspectButton").click()  # to the suggested label
    table.selectRow(1)
    sv.findChild(QPushButton, "dropSuspectButton").click()
    table.selectRow(2)
    sv.findChild(QPushButton, "keepSuspectButton").click()
    assert sv.engine_decisions() == {2: found[0].suggested, 3: None}
    assert retrain.isEnabled()
    original = data.read_text(encoding="utf-8")
    with qtbot.waitSignal(view.retrainRequested, timeout=5_000) as blocker:
        retrain.click()
    copy = Path(blocker.args[0])
    assert copy.parent == run_dir / "corrected" and copy.name == data.name
    assert data.read_text(encoding="utf-8") == original  # never the original
    out = copy.read_text(encoding="utf-8").splitlines()
    assert len(out) == len(lines) - 1  # row 3 dropped
    assert out[2] == f"{found[0].text},{found[0].suggested}"  # row 2 relabelled
    assert out[4] == lines[5]  # row 5 kept


def test_relabel_to_a_chosen_label(qtbot: Any, run_dir: Any) -> None:
    from engine.suspects import Suspect

    view = make_view(qtbot)
    view.show_run(run_dir)
    sv = view.suspects
    sv.show_suspects([Suspect(4, "meh", "positive", "negative", 0.6)])
    sv.table.selectRow(0)
    sv.relabel_combo.setCurrentText("positive")  # the label it has: nothing changes
    sv.decide("relabel")
    assert sv.engine_decisions() == {}
    sv.relabel_combo.setCurrentText("negative")
    sv.decide("relabel")
    assert sv.engine_decisions() == {4: "negative"}
    assert sv.table.item(0, 5).text() == "→ negative"


def test_token_classification_results(qtbot: Any) -> None:
    view = make_view(qtbot)
    metrics = {
        "task": "token-classification",
        "entity_f1": 0.61,
        "entity_precision": 0.65,
        "entity_recall": 0.58,
        "macro_f1": 0.5,
        "per_type": {
            "PER": {"precision": 0.8, "recall": 0.7, "f1": 0.75, "support": 20},
            "LOC": {"precision": 0.5, "recall": 0.4, "f1": 0.44, "support": 10},
        },
        "entity_confusion": {
            "PER": {"PER": 14, "LOC": 1, "missed": 5},
            "LOC": {"LOC": 4, "missed": 6},
            "spurious": {"PER": 2, "LOC": 3},
        },
    }
    view.show_metrics(metrics)
    assert "Entity F1 <b>0.610</b> (micro)" in view.metrics_label.text()
    assert "macro F1 <b>0.500</b>" in view.metrics_label.text()
    table = view.confusion_table
    rows = [table.verticalHeaderItem(i).text() for i in range(table.rowCount())]
    columns = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
    assert rows == ["LOC", "PER", "spurious"] and columns == ["LOC", "PER", "missed"]
    assert table.item(1, 2).text() == "5" and table.item(2, 0).text() == "3"
    assert table.item(0, 1).text() == "0"
    per = view.per_class_table
    assert per.horizontalHeaderItem(0).text() == "type"
    assert [per.item(i, 0).text() for i in range(2)] == ["LOC", "PER"]
    assert per.item(1, 3).text() == "0.750"
    assert view.confusion_box.title().startswith("Entity types")
    assert view.show_cell(0, 0) == 0  # no examples behind entity cells
    # robust to missing keys
    view.show_metrics({"task": "token-classification"})
    assert view.confusion_table.rowCount() == 0 and view.per_class_table.rowCount() == 0


def test_image_runs_list_the_image_path(qtbot: Any, tmp_path: Any) -> None:
    from PIL import Image

    image = tmp_path / "cat.png"
    Image.new("RGB", (8, 8), "orange").save(image)
    view = make_view(qtbot)
    view.show_metrics(
        {
            "task": "image-classification",
            "accuracy": 0.5,
            "macro_f1": 0.5,
            "labels": ["cat", "dog"],
            "confusion_matrix": [[0, 1], [0, 1]],
        }  # fmt: skip
    )
    view.errors.set_predictions(
        [{"row": 0, "path": str(image), "label": "cat", "predicted": "dog", "confidence": 0.8}]
    )
    assert view.show_cell(0, 1) == 1
    table = view.misclassified_table
    assert table.horizontalHeaderItem(0).text() == "image"
    assert table.item(0, 0).text() == str(image)
    table.selectRow(0)
    assert "<img" in view.explanation_view.toHtml()


def test_explainers_are_kept_per_model_and_renewed_when_it_changes(
    tmp_path: Any, fast_tasks: None
) -> None:
    import os

    from gui import error_analysis

    models = []
    for name in ("a", "b", "c"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "config.json").write_text("{}", encoding="utf-8")
        models.append(str(folder))
    error_analysis.explain_text(models[0], "one text")
    error_analysis.explain_text(models[0], "another text")
    assert FakeExplainer.made == [models[0]]
    # the model rewritten (a resumed run): a new explainer
    weights = Path(models[0]) / "config.json"
    os.utime(weights, (weights.stat().st_atime, weights.stat().st_mtime + 10))
    error_analysis.explain_text(models[0], "one text")
    assert FakeExplainer.made == [models[0]] * 2
    # at most MAX_EXPLAINERS kept, the least recently used let go
    error_analysis.explain_text(models[1], "x")
    error_analysis.explain_text(models[2], "x")
    assert len(error_analysis._explainers) == error_analysis.MAX_EXPLAINERS
    assert [key[0] for key in error_analysis._explainers] == models[1:]
