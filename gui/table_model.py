"""The preview table's model: a ``QAbstractTableModel`` over the data, never a widget per cell.

It starts from the first rows (``engine.data.read_preview``, instant even for huge files),
then switches to the memory-mapped ``datasets.Dataset`` once that is loaded in the
background: rows are read from Arrow in blocks as the view scrolls, so a million rows
scroll as smoothly as a hundred.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

BLOCK = 256
MAX_BLOCKS = 32
DISPLAY_CHARS = 300
TOOLTIP_CHARS = 2000

_Index = QModelIndex | QPersistentModelIndex


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


class DataTableModel(QAbstractTableModel):
    """Rows of a table as strings. ``set_preview`` for a head, ``set_dataset`` for all rows."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns: list[str] = []
        self._rows: list[list[str]] = []
        self._dataset: Any = None
        self._num_rows = 0
        self._blocks: OrderedDict[int, list[list[str]]] = OrderedDict()

    # ----- filling ------------------------------------------------------------------
    def set_preview(self, columns: list[str], rows: list[list[str]]) -> None:
        self.beginResetModel()
        self._columns = [str(c) for c in columns]
        self._rows = [[_cell(v) for v in row] for row in rows]
        self._dataset = None
        self._num_rows = len(self._rows)
        self._blocks.clear()
        self.endResetModel()

    def set_dataset(self, dataset: Any) -> None:
        """Show every row of a ``datasets.Dataset`` (read lazily, block by block)."""
        self.beginResetModel()
        self._dataset = dataset
        self._columns = list(dataset.column_names)
        self._num_rows = int(dataset.num_rows)
        self._rows = []
        self._blocks.clear()
        self.endResetModel()

    def clear(self) -> None:
        self.set_preview([], [])

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    @property
    def is_complete(self) -> bool:
        """True once every row of the file is available (not only the preview)."""
        return self._dataset is not None

    # ----- reading ------------------------------------------------------------------
    def _row(self, row: int) -> list[str]:
        if self._dataset is None:
            return self._rows[row]
        block = row // BLOCK
        rows = self._blocks.get(block)
        if rows is None:
            start = block * BLOCK
            chunk = self._dataset[start : min(start + BLOCK, self._num_rows)]
            rows = [
                [_cell(chunk[c][i]) for c in self._columns]
                for i in range(len(chunk[self._columns[0]]) if self._columns else 0)
            ]
            self._blocks[block] = rows
            if len(self._blocks) > MAX_BLOCKS:
                self._blocks.popitem(last=False)
        else:
            self._blocks.move_to_end(block)
        return rows[row - block * BLOCK]

    def cell(self, row: int, column: int) -> str:
        return self._row(row)[column]

    # ----- QAbstractTableModel --------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._num_rows

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            text = self.cell(index.row(), index.column())
            text = text.replace("\r\n", " ↵ ").replace("\n", " ↵ ")
            return text if len(text) <= DISPLAY_CHARS else text[:DISPLAY_CHARS] + "…"
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.cell(index.row(), index.column())
            if len(text) > 60:
                return text if len(text) <= TOOLTIP_CHARS else text[:TOOLTIP_CHARS] + "…"
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section] if 0 <= section < len(self._columns) else None
        return str(section + 1)  # rows counted from 1 below the header, like a spreadsheet


def select_rows_read_only(table: Any, stretch: int = 0) -> None:
    """A ``QTableWidget`` that selects one whole row at a time, cannot be edited, has no row
    numbers, and gives column ``stretch`` the spare width (the others fit their contents)."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    for col in range(table.columnCount()):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if col == stretch
            else QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(col, mode)
