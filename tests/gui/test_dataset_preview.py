"""gui.dataset_preview: one page per task, sentences with entities, the text column stretched."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHeaderView

from gui.dataset_preview import DatasetPreview


def test_each_task_shows_its_page_and_clear_empties_them_all(qtbot: Any) -> None:
    preview = DatasetPreview()
    qtbot.addWidget(preview)
    assert preview.objectName() == "datasetPreviewStack"
    preview.show_task("token-classification")
    assert preview.currentWidget() is preview.entity_preview
    preview.show_task("image-classification")
    assert preview.currentWidget() is preview.image_grid
    preview.show_task("some-future-task")
    assert preview.currentWidget() is preview.table
    preview.model.set_preview(["text", "label"], [["good", "pos"]])
    preview.show_sentences(
        {"sentences": [("Ann came", [{"start": 0, "end": 3, "label": "PER"}])], "types": ["PER"]}
    )
    preview.clear()
    assert preview.model.rowCount() == 0 and preview.entity_preview.toPlainText() == ""


def test_sentences_are_a_line_each_with_their_entities(qtbot: Any) -> None:
    preview = DatasetPreview()
    qtbot.addWidget(preview)
    preview.show_sentences(
        {
            "sentences": [
                ("Ann came", [{"start": 0, "end": 3, "label": "PER"}]),
                ("to Rome", [{"start": 3, "end": 7, "label": "LOC"}]),
            ],
            "types": ["PER", "LOC"],
        }
    )
    assert [span[:2] for span in preview.entity_preview.spans] == [(0, 3), (12, 16)]
    assert preview.entity_preview.toPlainText().startswith("Ann PER came\nto Rome LOC")


def test_the_text_column_takes_the_width_the_others_fit_their_content(qtbot: Any) -> None:
    preview = DatasetPreview()
    qtbot.addWidget(preview)
    preview.resize(800, 300)
    preview.model.set_preview(["id", "review", "stars"], [["1", "a long review " * 20, "5"]])
    preview.fit_columns("review")
    header = preview.table.horizontalHeader()
    modes = [header.sectionResizeMode(i) for i in range(3)]
    assert modes == [
        QHeaderView.ResizeMode.Interactive,
        QHeaderView.ResizeMode.Stretch,
        QHeaderView.ResizeMode.Interactive,
    ]
    assert preview.table.columnWidth(0) <= 260
