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
    window.dataset_tab.columns.text_combo.setCurrentText("id")
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


# ----- every task: the detected task, entities, thumbnails ------------------------------------
def write_conll(path: Path, sentences: int = 30) -> Path:
    """A small CoNLL file; sentence 3 breaks the scheme (an I- right after O)."""
    blocks = []
    for i in range(sentences):
        tags = ["B-PER", "I-PER", "O", "O", "B-LOC"]
        if i == 3:
            tags = ["O", "I-ORG", "O", "O", "B-LOC"]
        words = [f"Ann{i}", "Lee", "visited", "lovely", "Paris"]
        blocks.append("\n".join(f"{w}\t{t}" for w, t in zip(words, tags, strict=True)))
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def write_images(root: Path, per_class: int, classes: tuple[str, ...] = ("cat", "dog")) -> Path:
    """Class folders of small PNGs (one image encoded once, its bytes copied: fast)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    for n, name in enumerate(classes):
        image = QImage(200, 150, QImage.Format.Format_RGB32)
        image.fill(QColor(200 * n, 100, 50))
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(per_class):
            (folder / f"{name}{i:05d}.png").write_bytes(bytes(data.data()))
    return root


def open_in_tab(qtbot: Any, path: Path, task: str | None = None) -> Any:
    from gui.dataset_tab import DatasetTab

    tab = DatasetTab()
    qtbot.addWidget(tab)
    tab.resize(1000, 700)
    tab.show()
    tab.open_file(str(path), task=task)
    qtbot.waitUntil(lambda: tab.path is not None, timeout=30_000)
    return tab


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


def test_a_big_image_folder_opens_at_once_and_decodes_only_what_is_seen(
    qtbot: Any, tmp_path: Path
) -> None:
    root = write_images(tmp_path / "many", per_class=3000)
    started = time.perf_counter()
    tab = open_in_tab(qtbot, root)
    assert time.perf_counter() - started < 5
    assert tab.image_grid.grid_model.rowCount() == 3000
    qtbot.waitUntil(lambda: tab.image_grid.grid_model.cached > 0, timeout=20_000)
    qtbot.wait(500)
    assert tab.image_grid.grid_model.cached < 400  # the visible ones, not 6,000
    qtbot.waitUntil(lambda: "sizes" in (tab.report or {}), timeout=60_000)  # the report follows


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
