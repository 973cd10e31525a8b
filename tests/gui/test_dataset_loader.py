"""gui.dataset_loader: opening a file: the first rows before the heavy imports, problems said at
once and once, a million rows or thousands of images opened without waiting, stale results
dropped."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.gui.conftest import wait_loaded, wait_report
from tests.gui.dataset_files import open_in_tab, write_images


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


def test_a_file_opened_since_wins_over_the_one_still_loading(
    qtbot: Any, tmp_path: Path, sentiment_csv: Path
) -> None:
    """Every read of the first file answers after the second was opened: all are dropped."""
    from gui.dataset_tab import DatasetTab
    from gui.worker import running_threads

    first = tmp_path / "first.csv"
    first.write_text(
        "id,review,stars\n" + "".join(f"{i},film {i},{i % 5}\n" for i in range(500)),
        encoding="utf-8",
    )
    tab = DatasetTab()
    qtbot.addWidget(tab)
    opened: list[str] = []
    failed: list[str] = []
    tab.datasetOpened.connect(opened.append)
    tab.openFailed.connect(failed.append)
    tab.open_file(str(first))
    tab.open_file(str(sentiment_csv))
    qtbot.waitUntil(lambda: tab.path is not None and not running_threads(), timeout=120_000)
    assert opened == [str(sentiment_csv)] and failed == []
    assert tab.model.columns == ["text", "label"] and tab.model.rowCount() == 120
    assert tab.rows_label.text() == "120 rows"
    assert tab.path_label.text() == str(sentiment_csv)
    picks = tab.columns.text_combo
    assert [picks.itemText(i) for i in range(picks.count())] == ["text", "label"]


def test_the_loader_says_which_task_a_file_opens_as_before_its_views_fill(
    qtbot: Any, tmp_path: Path
) -> None:
    from gui.dataset_tab import DatasetTab
    from tests.gui.dataset_files import write_conll

    tab = DatasetTab()
    qtbot.addWidget(tab)
    chosen: list[tuple[str, bool]] = []
    # the preview is still empty when the task is announced: the page is chosen first
    tab.loader.taskChosen.connect(
        lambda name: chosen.append((name, bool(tab.entity_preview.spans)))
    )
    tab.open_file(str(write_conll(tmp_path / "ner.conll")))
    qtbot.waitUntil(lambda: tab.path is not None, timeout=30_000)
    assert chosen == [("token-classification", False)]
    assert tab.task == "token-classification" and tab.entity_preview.spans
