"""The Dataset tab as a whole: a file opened in the window or the tab, for each task, reaches
the preview, the columns, the report and the run config. Each part has its own test file
(test_dataset_loader, _preview, _columns, _validation, _report, _reading)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.conftest import shared_dataset
from tests.gui.conftest import wait_loaded, wait_report
from tests.gui.dataset_files import open_in_tab, write_conll, write_images


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
    assert tab.columns.text_combo.currentText() == "text"
    assert tab.columns.label_combo.currentText() == "label"
    assert [tab.columns.text_combo.itemText(i) for i in range(tab.columns.text_combo.count())] == [
        "text",
        "label",
    ]

    report = wait_report(qtbot, window)
    assert report["labels"] == ["negative", "positive"]
    assert report["train_rows"] + report["validation_rows"] == 3000
    # the report as a person reads it: charts with data, a summary and warnings in words
    bars = [
        i
        for i in tab.report_view.class_plot.getPlotItem().items
        if type(i).__name__ == "BarGraphItem"
    ]
    assert len(bars) == 2
    curves = tab.report_view.length_plot.getPlotItem().listDataItems()
    assert curves and len(curves[0].getData()[1]) > 0
    assert "2</b> classes" in tab.report_view.summary_label.text()
    assert tab.report_view.warnings_label.text()
    # defaults from the data reach the Training tab
    spin = window.training_tab.max_length_spin
    assert str(report["suggested_max_length"]) in spin.specialValueText()
    assert "all.csv" in window.status_dataset.text()


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
    window.dataset_tab.columns.text_combo.setCurrentText("id")
    qtbot.waitUntil(
        lambda: (window.dataset_tab.report or {}).get("text_column") == "id", timeout=60_000
    )


# ----- every task: the detected task, entities, thumbnails ------------------------------------
def test_named_entity_data_shows_sentences_with_entities_and_scheme_problems(
    qtbot: Any, tmp_path: Path
) -> None:
    tab = open_in_tab(qtbot, write_conll(tmp_path / "ner.conll"))
    assert tab.findChild(type(tab.task_combo), "taskCombo").currentData() == "token-classification"
    preview = tab.findChild(type(tab.entity_preview), "entityPreview")
    assert tab.preview.currentWidget() is preview
    # each sentence a line, each entity followed by its type
    assert preview.toPlainText().startswith("Ann0 Lee PER visited lovely Paris LOC\nAnn1 Lee PER")
    assert preview.spans[0][:2] == (0, 8) and preview.spans[0][3] == "PER"
    assert not tab.columns.isVisible()
    # counts per type and split, and the I- after O found and said in words, not as a code
    assert (
        "LOC" in tab.report_view.summary_label.text()
        and "PER" in tab.report_view.summary_label.text()
    )
    assert "I- instead of B-" in tab.report_view.warnings_label.text()
    assert "ORG" in tab.report_view.warnings_label.text()  # the example quotes the broken tags
    assert "30 sentences" in tab.rows_label.text()
    settings = tab.data_settings()
    assert settings["task"] == "token-classification"
    assert settings["text_column"] is None and settings["label_column"] is None


def test_the_person_can_change_the_task(qtbot: Any, tmp_path: Path, sentiment_csv: Path) -> None:
    from engine.imports import ensure_warm

    ensure_warm()  # as the window does at start: the whole table waits for it
    tab = open_in_tab(qtbot, sentiment_csv)
    assert tab.task == "text-classification"
    assert tab.preview.currentWidget() is tab.table
    assert tab.data_settings()["task"] == "text-classification"
    conll = write_conll(tmp_path / "ner.txt")
    tab.open_file(str(conll), task="text-classification")  # forced: read as a table
    qtbot.waitUntil(lambda: tab.path is not None or not tab.loading, timeout=60_000)
    index = tab.task_combo.findData("token-classification")
    tab.task_combo.setCurrentIndex(index)
    tab.task_combo.activated.emit(index)
    qtbot.waitUntil(lambda: tab.path is not None and bool(tab.entity_preview.spans), timeout=30_000)
    assert tab.data_settings()["task"] == "token-classification"
    assert tab.validation.split_radio.text() == "Hold out a share of the sentences:"


def test_an_image_folder_shows_thumbnails_per_class(qtbot: Any, tmp_path: Path) -> None:
    root = write_images(tmp_path / "pets", per_class=12)
    tab = open_in_tab(qtbot, root)
    assert tab.task == "image-classification"
    grid = tab.findChild(type(tab.image_grid.view), "imageGrid")
    assert tab.preview.currentWidget() is tab.image_grid
    assert tab.image_grid.classes() == ["cat", "dog"]
    assert grid.model().rowCount() == 12
    qtbot.waitUntil(lambda: tab.image_grid.grid_model.cached >= 12, timeout=20_000)
    icon = grid.model().index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert icon.width() == 96  # scaled to the thumbnail size, aspect kept
    assert "24 images" in tab.rows_label.text()
    tab.image_grid.class_combo.setCurrentIndex(1)
    assert grid.model().index(0, 0).data() == "dog00000.png"
    # then the engine's report, in words: every image of a class has the same bytes
    qtbot.waitUntil(lambda: "sizes" in (tab.report or {}), timeout=30_000)
    held = tab.report["num_images"]["validation"]  # a stratified share, held out
    assert sum(tab.report["num_images"].values()) == 24 and held > 0
    assert f"<b>{24 - held}</b> training images, <b>{held}</b> validation" in (
        tab.report_view.summary_label.text()
    )
    assert "both training and validation" in tab.report_view.warnings_label.text()
    assert "median 200×150 pixels" in tab.report_view.summary_label.text()
    assert tab.data_settings()["task"] == "image-classification"
    own = tab.findChild(QLabel, "validationOwnLabel")
    assert not own.isVisibleTo(tab) and tab.split_spin.isEnabled()  # the share is used
    assert tab.validation.split_radio.text() == "Hold out a share of the images:"


def test_an_image_folder_with_its_own_val_folder_says_no_share_is_held_out(
    qtbot: Any, tmp_path: Path
) -> None:
    root = tmp_path / "pets"
    write_images(root / "train", per_class=8)
    write_images(root / "val", per_class=3)
    tab = open_in_tab(qtbot, root)
    qtbot.waitUntil(lambda: "sizes" in (tab.report or {}), timeout=30_000)
    assert tab.report["num_images"]["validation"] == 6  # val/, not a share of train/
    own = tab.findChild(QLabel, "validationOwnLabel")
    assert own.isVisibleTo(tab) and "own validation set" in own.text()
    assert not tab.split_spin.isEnabled()
    # a separate file replaces the folder's set: the note goes, and comes back without it
    tab.set_validation_file(str(tmp_path / "other.csv"))
    assert not own.isVisibleTo(tab)
    tab.set_validation_file(None)
    qtbot.waitUntil(lambda: own.isVisibleTo(tab), timeout=30_000)  # with the new report
    assert not tab.split_spin.isEnabled()


def test_an_image_folder_can_be_opened_from_the_tab(
    qtbot: Any, tmp_path: Path, fake_dialogs: Any
) -> None:
    from gui.dataset_tab import DatasetTab

    root = write_images(tmp_path / "pets", per_class=3)
    tab = DatasetTab()
    qtbot.addWidget(tab)
    fake_dialogs.open_folder_result = str(root)
    tab.findChild(type(tab.open_button), "openDatasetFolderButton").click()
    qtbot.waitUntil(lambda: tab.path == str(root), timeout=30_000)
    assert tab.task == "image-classification"
    qtbot.waitUntil(lambda: "sizes" in (tab.report or {}), timeout=30_000)


def test_the_run_config_carries_the_task(qtbot: Any, window: Any, tmp_path: Path) -> None:
    conll = write_conll(tmp_path / "ner.conll")
    window.open_dataset(str(conll))
    qtbot.waitUntil(lambda: window.dataset_tab.path == str(conll), timeout=30_000)
    config = window.build_config()
    assert config.task == "token-classification"
    assert config.data == str(conll) and config.text_column is None
    # the window's report (with the model's tokenizer) arrives, or says what is missing
    qtbot.waitUntil(
        lambda: "long_share" in (window.dataset_tab.report or {}) or window.banner.isVisible(),
        timeout=60_000,
    )


def test_the_window_opens_an_image_folder_with_its_thumbnails(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    """What ``python main.py --dataset FOLDER`` does: the window starts on the folder."""
    root = write_images(tmp_path / "pets", per_class=6)
    window = make_window(dataset=str(root))
    tab = window.dataset_tab
    qtbot.waitUntil(lambda: tab.image_grid.grid_model.cached >= 6, timeout=60_000)
    grid = window.findChild(type(tab.image_grid.view), "imageGrid")
    assert grid.isVisible() and grid.model().rowCount() == 6
    assert window.build_config().task == "image-classification"
    qtbot.waitUntil(
        lambda: "sizes" in (tab.report or {}) or window.banner.isVisible(), timeout=60_000
    )
