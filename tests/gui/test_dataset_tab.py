"""The Dataset tab: preview, column pickers, validation choice, report, bad files."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.conftest import shared_dataset
from tests.gui.conftest import wait_loaded, wait_report


def test_open_shared_dataset_shows_rows_columns_and_report(qtbot: Any, window: Any) -> None:
    path = shared_dataset("uci_sentiment_sentences/all.csv")
    window.open_dataset(str(path))
    tab = window.dataset_tab
    wait_loaded(qtbot, window)
    assert tab.path == str(path)
    table = window.findChild(type(tab.table), "datasetPreviewTable")
    assert table.model().rowCount() == 3000
    assert table.model().columnCount() == 2
    assert table.model().headerData(0, Qt.Orientation.Horizontal) == "text"
    assert table.model().index(0, 1).data() in ("negative", "positive")
    assert tab.text_combo.currentText() == "text"
    assert tab.label_combo.currentText() == "label"
    assert [tab.text_combo.itemText(i) for i in range(tab.text_combo.count())] == ["text", "label"]

    report = wait_report(qtbot, window)
    assert report["labels"] == ["negative", "positive"]
    assert report["train_rows"] + report["validation_rows"] == 3000
    # the report as a person reads it: charts with data, a summary and warnings in words
    bars = [i for i in tab.class_plot.getPlotItem().items if type(i).__name__ == "BarGraphItem"]
    assert len(bars) == 2
    curves = tab.length_plot.getPlotItem().listDataItems()
    assert curves and len(curves[0].getData()[1]) > 0
    assert "2</b> classes" in tab.summary_label.text()
    assert tab.warnings_label.text()
    # defaults from the data reach the Training tab
    spin = window.training_tab.max_length_spin
    assert str(report["suggested_max_length"]) in spin.specialValueText()
    assert "all.csv" in window.status_dataset.text()


def test_a_bad_file_says_why_and_the_window_stays_usable(
    qtbot: Any, window: Any, tmp_path: Path, sentiment_csv: Path
) -> None:
    bad = tmp_path / "photo.csv"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    window.open_dataset(str(bad))
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=30_000)
    assert "photo.csv" in window.banner.message
    assert "not a text file" in window.banner.message
    assert window.dataset_tab.path is None
    assert window.dataset_tab.model.rowCount() == 0
    # nothing else broke: a good file opens and the message goes away
    window.open_dataset(str(sentiment_csv))
    wait_loaded(qtbot, window)
    assert window.dataset_tab.path == str(sentiment_csv)
    assert not window.banner.isVisible()
    wait_report(qtbot, window)


def test_missing_column_and_single_class_are_reported_in_words(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    one_class = tmp_path / "one.csv"
    one_class.write_text("text,label\ngood film,pos\nbad film,pos\nnice,pos\n", encoding="utf-8")
    window.open_dataset(str(one_class))
    wait_loaded(qtbot, window)
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=60_000)
    assert "only one class" in window.banner.message
    assert window.dataset_tab.report is None


def test_validation_file_is_used_by_the_report(
    qtbot: Any, window: Any, tmp_path: Path, sentiment_csv: Path
) -> None:
    from tests.conftest import write_sentiment_csv

    val = write_sentiment_csv(tmp_path / "val.csv", rows=30, seed=3)
    window.open_dataset(str(sentiment_csv))
    wait_report(qtbot, window)
    window.dataset_tab.set_validation_file(str(val))
    assert window.dataset_tab.data_settings()["validation"] == str(val)
    qtbot.waitUntil(
        lambda: (window.dataset_tab.report or {}).get("validation_rows") == 30, timeout=60_000
    )
    assert window.dataset_tab.report["train_rows"] == 120


def test_changing_the_text_column_recomputes_the_report(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    path = tmp_path / "three.csv"
    rows = ["id,review,stars"] + [
        f"{i},{'good great film' if i % 2 else 'bad awful film'} {i},{'5' if i % 2 else '1'}"
        for i in range(60)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    window.open_dataset(str(path))
    report = wait_report(qtbot, window)
    assert (report["text_column"], report["label_column"]) == ("review", "stars")
    window.dataset_tab.text_combo.setCurrentText("id")
    qtbot.waitUntil(
        lambda: (window.dataset_tab.report or {}).get("text_column") == "id", timeout=60_000
    )


def test_a_million_rows_show_their_first_rows_fast_and_scroll(qtbot: Any, tmp_path: Path) -> None:
    """The preview of a 1M-row file appears in under 3 s; the table model reads any row."""
    import datasets

    from gui.dataset_tab import DatasetTab

    n = 1_000_000
    path = tmp_path / "million.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("text,label\n")
        f.writelines(f"text number {i},{i % 3}\n" for i in range(n))
    tab = DatasetTab()
    qtbot.addWidget(tab)
    started = time.monotonic()
    tab.open_file(str(path))
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0, timeout=10_000)
    first_rows = time.monotonic() - started
    assert tab.model.index(0, 0).data() == "text number 0"
    assert first_rows < 3.0, f"first rows after {first_rows:.2f} s"
    qtbot.waitUntil(lambda: not tab.loading, timeout=120_000)
    assert tab.model.rowCount() == n
    started = time.monotonic()
    tab.table.scrollToBottom()
    assert tab.model.index(n - 1, 0).data() == f"text number {n - 1}"
    assert tab.model.headerData(n - 1, Qt.Orientation.Vertical) == str(n)
    assert isinstance(tab.model._dataset, datasets.Dataset)
    assert time.monotonic() - started < 1.0


def test_problems_that_need_no_model_show_before_the_heavy_imports(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    import threading

    import gui.worker

    # the heavy libraries "still importing": every task but the light ones waits here
    released = threading.Event()
    monkeypatch.setattr(gui.worker, "ensure_warm", lambda: released.wait(60))
    try:
        unclosed = tmp_path / "unclosed.csv"
        unclosed.write_text('text,label\n"good film,positive\n', encoding="utf-8")
        window.open_dataset(str(unclosed))
        assert "Opening" in window.status_dataset.text()
        qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=5_000)
        assert "quoted text is never closed" in window.banner.message
        assert "row 1" in window.banner.message
        assert window.status_dataset.text() == "Could not open unclosed.csv"
        assert not window.dataset_tab.loading

        rows = tmp_path / "many.csv"
        rows.write_text(
            "text,label\n" + "".join(f"review {i},{'ab'[i % 2]}\n" for i in range(3000)),
            encoding="utf-8",
        )
        window.open_dataset(str(rows))
        qtbot.waitUntil(lambda: window.dataset_tab.rows_label.text() == "3,000 rows", timeout=5_000)
        assert window.dataset_tab.loading  # the table itself waits for the heavy imports
    finally:
        released.set()
    wait_loaded(qtbot, window)
    assert window.dataset_tab.path == str(rows)
