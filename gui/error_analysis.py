"""Error analysis: the validation examples behind one cell of the confusion matrix, each with
its explanation.

A confusion matrix says *how many* texts of class A were taken for B; the user needs to read
*which* ones to decide whether the labels, the data or the model are at fault. The examples
come from the run folder (``RunFolder.validation_predictions()``); a selected text is
explained in the background (``engine.explain.Explainer`` on the run's ``model/``, one
explainer kept per model, since loading one costs seconds) and shown in a ``HighlightView``.
Image runs list the image's path (and show a thumbnail) instead of a text.
"""

from __future__ import annotations

import html
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.highlight_view import HighlightView

#: Explainers by model folder, shared by every view of the window (loading one costs
#: seconds); the most recently used ``MAX_EXPLAINERS`` are kept, each holding its model.
MAX_EXPLAINERS = 2
_explainers: OrderedDict[tuple[str, float], Any] = OrderedDict()
_explainers_lock = threading.Lock()


def _model_stamp(model_dir: str) -> float:
    """When the model folder's weights last changed: a resumed run rewrites ``model/``, and
    an explainer of the old weights must not explain the new ones."""
    folder = Path(model_dir)
    times = [p.stat().st_mtime for p in folder.glob("*") if p.is_file()] if folder.is_dir() else []
    return max(times, default=0.0)


def explain_text(model_dir: str, text: str) -> dict[str, Any]:
    """``Explanation.to_dict()`` of ``text`` by the model in ``model_dir`` (runs in a worker
    thread; the explainer is made once per model and reused; one explanation at a time)."""
    key = (str(model_dir), _model_stamp(model_dir))
    with _explainers_lock:
        explainer = _explainers.pop(key, None)
        if explainer is None:
            from engine.explain import Explainer

            explainer = Explainer(model_dir)
        _explainers[key] = explainer  # the most recently used last
        while len(_explainers) > MAX_EXPLAINERS:
            _explainers.popitem(last=False)
        return explainer.explain([text])[0].to_dict()


def forget_explainers() -> None:
    """Let the loaded explainers go (their models' memory with them)."""
    with _explainers_lock:
        _explainers.clear()


class _SortItem(QTableWidgetItem):
    """A cell shown as text but sorted by the value in ``Qt.UserRole`` (a confidence)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
            return float(mine) < float(theirs)
        return super().__lt__(other)


def example_of(record: dict[str, Any]) -> str:
    """What a validation record shows: its text, or an image's path."""
    for key in ("text", "path", "image"):
        if record.get(key) is not None:
            return str(record[key])
    return ""


def is_image(record: dict[str, Any]) -> bool:
    return "text" not in record and any(k in record for k in ("path", "image"))


class ErrorAnalysis(QWidget):
    """The texts of a confusion-matrix cell (``table``, named by the caller: text, true
    label, predicted label, confidence; sortable) and the selected one's explanation
    (``explanation_view``). Signals: ``explained(dict)`` when an explanation is shown."""

    explained = Signal(dict)

    def __init__(self, table_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(table_name + "Box")
        self.title = QLabel(self.tr("Click a cell of the confusion matrix to read its texts."))
        self.title.setObjectName(table_name + "Title")
        self.title.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName(table_name)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.itemSelectionChanged.connect(self._selected)
        self.explanation_view = HighlightView()
        self.explanation_view.setObjectName(table_name + "Explanation")
        self.explanation_view.setMinimumHeight(60)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.explanation_view)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)
        self._records: list[dict[str, Any]] = []
        self._shown: list[dict[str, Any]] = []
        self._model_dir: str | None = None
        self._busy = False
        self._wanted: str | None = None  # the text to explain next
        self.clear()

    # ----- data --------------------------------------------------------------------------
    def clear(self) -> None:
        self._records, self._shown, self._model_dir = [], [], None
        self._wanted = None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.explanation_view.clear()

    def set_predictions(
        self, records: list[dict[str, Any]], model_dir: str | Path | None = None
    ) -> None:
        """The run's validation predictions; ``model_dir`` explains them (None: not explained)."""
        self.clear()
        self._records = list(records)
        self._model_dir = str(model_dir) if model_dir else None
        if not self._records:
            self.title.setText(self.tr("This run kept no validation predictions to list."))
        else:
            self.title.setText(self.tr("Click a cell of the confusion matrix to read its texts."))

    @property
    def records(self) -> list[dict[str, Any]]:
        return self._records

    def show_cell(self, true_label: str, predicted: str) -> int:
        """List the examples of class ``true_label`` predicted as ``predicted``, least
        confident first; returns how many."""
        rows = [
            r
            for r in self._records
            if str(r.get("label")) == true_label and str(r.get("predicted")) == predicted
        ]
        rows.sort(key=lambda r: float(r.get("confidence") or 0.0))
        self._shown = rows
        images = bool(rows) and is_image(rows[0])
        what = self.tr("image") if images else self.tr("text")
        columns = [what, self.tr("true label"), self.tr("predicted"), self.tr("confidence")]
        table = self.table
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.setRowCount(len(rows))
        for i, record in enumerate(rows):
            shown = example_of(record)
            cells: list[QTableWidgetItem] = [
                _SortItem(shown.replace("\n", " ")),
                _SortItem(str(record.get("label", ""))),
                _SortItem(str(record.get("predicted", ""))),
            ]
            confidence = record.get("confidence")
            conf = _SortItem(f"{float(confidence):.0%}" if confidence is not None else "–")
            conf.setData(Qt.ItemDataRole.UserRole, float(confidence or 0.0))
            conf.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells.append(conf)
            cells[0].setToolTip(shown)
            cells[0].setData(Qt.ItemDataRole.UserRole + 1, i)  # index into self._shown
            for j, item in enumerate(cells):
                table.setItem(i, j, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for j in range(1, len(columns)):
            header.setSectionResizeMode(j, QHeaderView.ResizeMode.ResizeToContents)
        table.setSortingEnabled(True)
        self.explanation_view.clear()
        if true_label == predicted:
            text = self.tr("{n} validation examples of {true!r} predicted correctly.")
        else:
            text = self.tr("{n} validation examples of {true!r} taken for {pred!r}.")
        self.title.setText(text.format(n=len(rows), true=true_label, pred=predicted))
        return len(rows)

    def selected_record(self) -> dict[str, Any] | None:
        items = self.table.selectedItems()
        if not items:
            return None
        first = self.table.item(items[0].row(), 0)
        index = first.data(Qt.ItemDataRole.UserRole + 1) if first is not None else None
        return self._shown[int(index)] if index is not None else None

    # ----- explanation --------------------------------------------------------------------
    def _selected(self) -> None:
        record = self.selected_record()
        if record is None:
            return
        if is_image(record):
            self._show_image(example_of(record), record)
            return
        text = example_of(record)
        if not self._model_dir or not text.strip():
            self.explanation_view.setPlainText(text)
            return
        self.explanation_view.setHtml(
            html.escape(text) + "<p><i>" + html.escape(self.tr("Explaining…")) + "</i></p>"
        )
        self._wanted = text
        self._next()

    def _next(self) -> None:
        """Explain the latest wanted text once the previous explanation is done (one
        explainer serves one thread at a time; a quick succession of clicks explains the
        last one only)."""
        if self._busy or self._wanted is None or self._model_dir is None:
            return
        from gui.worker import run_task

        text, self._wanted = self._wanted, None
        self._busy = True
        run_task(
            explain_text,
            self._model_dir,
            text,
            on_result=self._show_explanation,
            on_error=self._explain_failed,
            on_finished=self._explain_done,
            owner=self,
        )

    def _explain_done(self) -> None:
        self._busy = False
        self._next()

    def _show_explanation(self, explanation: dict[str, Any]) -> None:
        if self._wanted is not None:
            return  # another text was selected meanwhile: it comes next
        record = self.selected_record()
        if record is None or example_of(record) != explanation.get("text"):
            return
        label = str(explanation.get("label", ""))
        note = self.tr(
            "Green words pushed the model toward {label!r}, red ones away from it."
        ).format(label=label)
        if explanation.get("truncated"):
            note += " " + self.tr(
                "The text is longer than the model reads: only its start is explained."
            )
        self.explanation_view.show_attributions(explanation, note)
        self.explained.emit(explanation)

    def _explain_failed(self, exc: BaseException) -> None:
        record = self.selected_record()
        text = example_of(record) if record else ""
        self.explanation_view.setHtml(
            html.escape(text)
            + "<p><i>"
            + html.escape(self.tr("No explanation: {error}").format(error=exc))
            + "</i></p>"
        )

    def _show_image(self, path: str, record: dict[str, Any]) -> None:
        from PySide6.QtCore import QUrl

        caption = self.tr("{path}: {true!r} predicted as {pred!r}").format(
            path=path, true=record.get("label"), pred=record.get("predicted")
        )
        body = html.escape(caption)
        if Path(path).is_file():
            url = QUrl.fromLocalFile(str(Path(path).resolve())).toString()
            body = f'<img src="{html.escape(url)}" height="160"><br>' + body
        self.explanation_view.setHtml(body)
