"""A run's results: the final metrics in a line, the confusion matrix and the per-class table.

``ResultsView`` shows the dict that ``engine.metrics.classification_metrics`` returns (and a
run keeps as ``metrics.json``, with ``train_seconds`` and ``best_checkpoint`` added). The
Training tab shows the run it just trained with it, the two tables side by side; the Runs
tab shows the selected past run, the tables stacked in its narrower column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def duration(seconds: float | None) -> str:
    """``1 h 02 min``, ``3 min 07 s``, ``12 s``."""
    # the texts keep the TrainingTab context, where their translations already are
    if seconds is None or not math.isfinite(seconds):
        return "?"
    s = int(round(seconds))
    if s >= 3600:
        text = QCoreApplication.translate("TrainingTab", "{h} h {m:02d} min")
        return text.format(h=s // 3600, m=s % 3600 // 60)
    if s >= 60:
        text = QCoreApplication.translate("TrainingTab", "{m} min {s:02d} s")
        return text.format(m=s // 60, s=s % 60)
    return QCoreApplication.translate("TrainingTab", "{s} s").format(s=s)


class ResultsView(QWidget):
    """The final metrics (``metrics_label``), the confusion matrix (``confusion_table``) and
    precision, recall, F1 and support per class (``per_class_table``).

    The object names are the ones scripts and tests find the widgets by. ``orientation``
    places the two tables: ``Horizontal`` side by side, ``Vertical`` one above the other."""

    def __init__(
        self,
        name: str,
        metrics_name: str,
        confusion_name: str,
        per_class_name: str,
        orientation: Qt.Orientation = Qt.Orientation.Horizontal,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.metrics_label = QLabel()
        self.metrics_label.setObjectName(metrics_name)
        self.metrics_label.setWordWrap(True)
        self.metrics_label.setTextFormat(Qt.TextFormat.RichText)
        self.confusion_table = QTableWidget()
        self.confusion_table.setObjectName(confusion_name)
        self.per_class_table = QTableWidget()
        self.per_class_table.setObjectName(per_class_name)
        for table in (self.confusion_table, self.per_class_table):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().setDefaultSectionSize(22)
        side_by_side = orientation == Qt.Orientation.Horizontal
        confusion_box = QGroupBox(
            self.tr("Confusion matrix (rows: true class, columns: predicted)")
            if side_by_side
            else self.tr("Confusion matrix (rows: true, columns: predicted)")  # a narrow column
        )
        QVBoxLayout(confusion_box).addWidget(self.confusion_table)
        per_class_box = QGroupBox(self.tr("Per class"))
        QVBoxLayout(per_class_box).addWidget(self.per_class_table)
        tables = QBoxLayout(
            QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom
        )
        tables.addWidget(confusion_box, 1)
        tables.addWidget(per_class_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.metrics_label)
        layout.addLayout(tables, 1)

    def clear(self, text: str = "") -> None:
        """Empty both tables; ``text`` (rich text) takes the metrics' place."""
        self.metrics_label.setText(text)
        for table in (self.confusion_table, self.per_class_table):
            table.clear()
            table.setRowCount(0)
            table.setColumnCount(0)

    def show_metrics(self, metrics: dict[str, Any], labels_fallback: Iterable[Any] = ()) -> None:
        """Show ``metrics``; ``labels_fallback`` names the classes when it has no ``labels``.

        Empty metrics (a run that measured nothing) leave the view as it is."""
        if not metrics:
            return
        parts = [
            self.tr("Accuracy <b>{a:.1%}</b>").format(a=metrics.get("accuracy", 0.0)),
            self.tr("macro F1 <b>{f:.3f}</b>").format(f=metrics.get("macro_f1", 0.0)),
        ]
        if "num_examples" in metrics:
            parts.append(self.tr("on {n:,} validation texts").format(n=metrics["num_examples"]))
        if metrics.get("train_seconds") is not None:
            parts.append(self.tr("trained in {t}").format(t=duration(metrics["train_seconds"])))
        if metrics.get("best_checkpoint"):
            parts.append(
                self.tr("best: {name}").format(name=Path(str(metrics["best_checkpoint"])).name)
            )
        self.metrics_label.setText(" · ".join(parts))
        labels = [str(label) for label in metrics.get("labels", labels_fallback)]
        self._fill_confusion(labels, metrics.get("confusion_matrix") or [])
        self._fill_per_class(labels, metrics.get("per_class") or {})

    def _fill_confusion(self, labels: list[str], matrix: list[list[int]]) -> None:
        from gui.theme import confusion_cell_colours

        table = self.confusion_table
        table.clear()
        table.setRowCount(len(labels))
        table.setColumnCount(len(labels))
        table.setHorizontalHeaderLabels(labels)
        table.setVerticalHeaderLabels(labels)
        for i, row in enumerate(matrix):
            total = max(1, sum(row))
            for j, count in enumerate(row):
                item = QTableWidgetItem(f"{count:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                share = count / total
                background, foreground = confusion_cell_colours(
                    i == j, share, count, table.palette()
                )
                item.setBackground(background)
                if foreground is not None:
                    item.setForeground(foreground)
                item.setToolTip(
                    self.tr(
                        "{count} texts of class {true} predicted as {pred} ({share:.0%} of the class)"
                    ).format(count=count, true=labels[i], pred=labels[j], share=share)
                )
                table.setItem(i, j, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if len(labels) <= 8:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def _fill_per_class(self, labels: list[str], per_class: dict[str, Any]) -> None:
        table = self.per_class_table
        table.clear()
        columns = [
            self.tr("class"),
            self.tr("precision"),
            self.tr("recall"),
            self.tr("F1"),
            self.tr("support"),
        ]
        table.setColumnCount(len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.setRowCount(len(labels))
        table.verticalHeader().hide()
        for i, label in enumerate(labels):
            values = per_class.get(label, {})
            cells = [
                label,
                f"{values.get('precision', 0.0):.3f}",
                f"{values.get('recall', 0.0):.3f}",
                f"{values.get('f1', 0.0):.3f}",
                f"{values.get('support', 0):,}",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(i, j, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
