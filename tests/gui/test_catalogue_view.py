"""The catalogue table: ranked for the data's language, Use for models here, Download else."""

from __future__ import annotations

from typing import Any

from gui.catalogue_view import CatalogueView, catalogue_rows


def test_catalogue_rows_say_what_model_takes() -> None:
    rows = catalogue_rows("zh")
    assert rows[0]["id"] == "hfl/rbt3"
    starter = next(row for row in rows if row["starter"])
    assert starter["spec"] == "starter" and starter["on_this_computer"]
    assert all(row["spec"] is None for row in rows if not row["on_this_computer"])


def test_the_table_ranks_for_the_language_and_uses_or_downloads(qtbot: Any) -> None:
    view = CatalogueView()
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.listed, timeout=20_000):
        view.set_language("zh")
    table = view.table
    assert table.objectName() == "modelCatalogTable"
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == [
        "Model", "Languages", "Parameters", "Download", "Licence", "Speed (CPU)",
        "On this computer",
    ]  # fmt: skip
    assert table.item(0, 0).text() == "hfl/rbt3"
    assert table.item(0, 1).text() == "zh" and table.item(0, 3).text() == "155 MB"
    assert "'zh'" in view.language_label.text()

    view.select_id("hfl/rbt3")
    assert view.download_button.isEnabled() and not view.use_button.isEnabled()
    with qtbot.waitSignal(view.downloadModel, timeout=2_000) as download:
        view.download_button.click()
    assert download.args == ["hfl/rbt3"]

    view.select_id("sentence-transformers/all-MiniLM-L6-v2")
    row = view.table.currentRow()
    assert view.table.item(row, 6).text() == "yes"
    assert view.use_button.isEnabled() and not view.download_button.isEnabled()
    with qtbot.waitSignal(view.useModel, timeout=2_000) as use:
        view.table.itemDoubleClicked.emit(view.table.item(row, 0))
    assert use.args == ["starter"]
    # the listing's worker delivers its result before its thread has ended: wait for that
    # end here, as a closing window does, rather than race the no-leaked-thread check
    from gui.worker import running_threads

    qtbot.waitUntil(lambda: not running_threads(), timeout=20_000)
