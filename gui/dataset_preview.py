"""The data as it was read, one page per task: the rows of a table (text classification),
sentences with their entities highlighted (named entities), a thumbnail grid per class
(images). The stack shows the page of the task the data is opened as.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStackedWidget, QTableView, QWidget

from gui.dataset_reading import join_sentences
from gui.highlight_view import HighlightView
from gui.image_grid import ImageGrid
from gui.table_model import DataTableModel
from gui.task_combo import IMAGE, TOKEN


class DatasetPreview(QStackedWidget):
    """``table`` (over ``model``), ``entity_preview`` and ``image_grid``, one shown at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetPreviewStack")
        # ----- a table: rows read from Arrow in blocks as the view scrolls -----
        self.model = DataTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("datasetPreviewTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setDefaultSectionSize(120)
        # ----- named entities: sentences with their entities highlighted -----
        self.entity_preview = HighlightView()
        self.entity_preview.setObjectName("entityPreview")
        # ----- images: a thumbnail grid per class, decoded lazily -----
        self.image_grid = ImageGrid()
        for page in (self.table, self.entity_preview, self.image_grid):
            self.addWidget(page)

    def show_task(self, task: str) -> None:
        """Show the page that previews ``task``'s data (a table for any task it does not know)."""
        self.setCurrentWidget(
            {TOKEN: self.entity_preview, IMAGE: self.image_grid}.get(task, self.table)
        )

    def clear(self) -> None:
        """Empty every page (a new file is being opened, or it could not be)."""
        self.model.clear()
        self.entity_preview.clear()
        self.image_grid.clear()

    def show_sentences(self, preview: dict[str, Any]) -> None:
        """``load_token_preview``'s sentences, a line each, their entities highlighted."""
        text, entities = join_sentences(preview["sentences"])
        self.entity_preview.show_entities(text, entities, preview["types"])

    def fit_columns(self, text_column: str | None) -> None:
        """Short columns as wide as their content; the text column takes the rest."""
        columns = self.model.columns
        if not columns:
            return
        header = self.table.horizontalHeader()
        for i, name in enumerate(columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            if name != text_column:
                self.table.resizeColumnToContents(i)
                self.table.setColumnWidth(i, min(self.table.columnWidth(i), 260))
        if text_column in columns:  # it follows the window's width; hover a cell for all of it
            header.setSectionResizeMode(columns.index(text_column), QHeaderView.ResizeMode.Stretch)
