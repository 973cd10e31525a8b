"""A run's results, and what it takes to trust them: the final metrics in a line, the baseline
card and calibration, coaching in plain words, the confusion matrix (each cell clickable:
its validation examples with their explanations), the per-class table, and the training rows
whose labels look wrong.

``ResultsView`` shows the dict that ``engine.metrics.classification_metrics`` returns (and a
run keeps as ``metrics.json``, with ``train_seconds``, ``best_checkpoint``, ``baseline`` and
``calibration`` added); ``show_run`` adds what only the run folder holds (validation
predictions, curves, report). Token-classification runs show entity F1, the per-type table
and the entity-type confusion (with missed and spurious) instead. The Training tab shows the
run it just trained, the two tables side by side; the Runs tab the selected past run, the
tables stacked in its narrower column.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.error_analysis import ErrorAnalysis
from gui.suspects_view import SuspectsView

TOKEN_TASK = "token-classification"


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
    """The final metrics (``metrics_label``), the baseline card and calibration
    (``baseline_label``), coaching (``coaching_label``), the confusion matrix
    (``confusion_table``; a click on a cell lists its examples in ``errors.table``), precision,
    recall, F1 and support per class (``per_class_table``) and the label-noise suspects
    (``suspects``).

    The object names are the ones scripts and tests find the widgets by. ``orientation``
    places the two tables: ``Horizontal`` side by side, ``Vertical`` one above the other.
    Signals: ``retrainRequested(path)``: train on the corrected copy of the data at ``path``.
    """

    retrainRequested = Signal(str)
    errorOccurred = Signal(object)

    def __init__(
        self,
        name: str,
        metrics_name: str,
        confusion_name: str,
        per_class_name: str,
        orientation: Qt.Orientation = Qt.Orientation.Horizontal,
        parent: QWidget | None = None,
        misclassified_name: str = "misclassifiedTable",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.metrics_label = QLabel()
        self.metrics_label.setObjectName(metrics_name)
        self.metrics_label.setWordWrap(True)
        self.metrics_label.setTextFormat(Qt.TextFormat.RichText)
        self.baseline_label = QLabel()
        self.baseline_label.setObjectName("baselineLabel")
        self.baseline_label.setWordWrap(True)
        self.baseline_label.setTextFormat(Qt.TextFormat.RichText)
        self.coaching_label = QLabel()
        self.coaching_label.setObjectName("coachingLabel")
        self.coaching_label.setWordWrap(True)
        self.coaching_label.setTextFormat(Qt.TextFormat.RichText)
        self.coaching_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confusion_table = QTableWidget()
        self.confusion_table.setObjectName(confusion_name)
        self.per_class_table = QTableWidget()
        self.per_class_table.setObjectName(per_class_name)
        for table in (self.confusion_table, self.per_class_table):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().setDefaultSectionSize(22)
        self.confusion_table.cellClicked.connect(self.show_cell)
        self._side_by_side = side_by_side = orientation == Qt.Orientation.Horizontal
        self.confusion_box = QGroupBox()
        QVBoxLayout(self.confusion_box).addWidget(self.confusion_table)
        self.per_class_box = QGroupBox()
        QVBoxLayout(self.per_class_box).addWidget(self.per_class_table)
        self._set_titles(token=False)
        tables = QWidget()
        tables_layout = QBoxLayout(
            QBoxLayout.Direction.LeftToRight if side_by_side else QBoxLayout.Direction.TopToBottom,
            tables,
        )
        tables_layout.setContentsMargins(0, 0, 0, 0)
        tables_layout.addWidget(self.confusion_box, 1)
        tables_layout.addWidget(self.per_class_box, 1)

        self.errors = ErrorAnalysis(misclassified_name)
        self.misclassified_table = self.errors.table
        self.explanation_view = self.errors.explanation_view
        self.suspects = SuspectsView()
        self.suspects.retrainRequested.connect(self.retrainRequested.emit)
        self.suspects.errorOccurred.connect(self.errorOccurred.emit)
        self.details = QTabWidget()
        self.details.setObjectName(name + "Details")
        self.details.addTab(self.errors, self.tr("Examples in the cell"))
        self.details.addTab(self.suspects, self.tr("Suspect labels"))

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(tables)
        split.addWidget(self.details)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.metrics_label)
        layout.addWidget(self.baseline_label)
        layout.addWidget(self.coaching_label)
        layout.addWidget(split, 1)
        self._labels: list[str] = []
        self._rows: list[str] = []
        self._columns: list[str] = []
        self._token = False
        self.run_dir: str | None = None

    def _set_titles(self, *, token: bool) -> None:
        if token:
            self.confusion_box.setTitle(
                self.tr("Entity types (rows: true, columns: predicted; missed and spurious)")
            )
            self.per_class_box.setTitle(self.tr("Per entity type"))
        else:
            self.confusion_box.setTitle(
                self.tr("Confusion matrix (rows: true class, columns: predicted)")
                if self._side_by_side
                else self.tr("Confusion matrix (rows: true, columns: predicted)")  # narrow
            )
            self.per_class_box.setTitle(self.tr("Per class"))

    def clear(self, text: str = "") -> None:
        """Empty both tables and the views under them; ``text`` (rich text) takes the
        metrics' place."""
        self.metrics_label.setText(text)
        self.baseline_label.clear()
        self.baseline_label.hide()
        self.coaching_label.clear()
        self.coaching_label.hide()
        for table in (self.confusion_table, self.per_class_table):
            table.clear()
            table.setRowCount(0)
            table.setColumnCount(0)
        self.errors.clear()
        self.suspects.set_run(None)
        self.run_dir = None

    # ----- a whole run -------------------------------------------------------------------
    def show_run(self, run_dir: str | Path, metrics: dict[str, Any] | None = None) -> None:
        """Everything about a finished run: ``metrics`` (read from the folder when None),
        its coaching, its validation predictions for the error analysis, its suspects."""
        from engine.coaching import coach
        from engine.run_folder import RunFolder

        folder = RunFolder(run_dir)
        metrics = metrics if metrics is not None else folder.metrics
        if not metrics:
            self.clear()
            return
        labels = folder.labels or []
        self.show_metrics(metrics, labels)
        self.run_dir = str(folder.path)
        self.show_coaching(coach(metrics, folder.records, folder.report))
        model = folder.model_path if folder.has_model and not self._token else None
        self.errors.set_predictions(folder.validation_predictions(), model)
        if self._token:
            self.details.setTabEnabled(0, False)
            self.details.setTabEnabled(1, False)
        else:
            self.details.setTabEnabled(0, True)
            # suspects need the training rows as text and class labels
            is_text = metrics.get("task", "text-classification") == "text-classification"
            self.details.setTabEnabled(1, is_text)
            self.suspects.set_run(folder.path if is_text else None, [str(x) for x in labels])

    def show_coaching(self, findings: list[Any]) -> None:
        from gui.coaching_text import coaching_html

        text = coaching_html(findings)
        self.coaching_label.setText(text)
        self.coaching_label.setVisible(bool(text))

    # ----- the metrics -------------------------------------------------------------------
    def show_metrics(self, metrics: dict[str, Any], labels_fallback: Iterable[Any] = ()) -> None:
        """Show ``metrics``; ``labels_fallback`` names the classes when it has no ``labels``.

        Empty metrics (a run that measured nothing) leave the view as it is."""
        if not metrics:
            return
        self._token = metrics.get("task") == TOKEN_TASK
        self._set_titles(token=self._token)
        if self._token:
            parts = [
                self.tr("Entity F1 <b>{f:.3f}</b> (micro)").format(
                    f=float(metrics.get("entity_f1", 0.0))
                ),
                self.tr("macro F1 <b>{f:.3f}</b>").format(f=float(metrics.get("macro_f1", 0.0))),
                self.tr("precision {p:.3f} · recall {r:.3f}").format(
                    p=float(metrics.get("entity_precision", 0.0)),
                    r=float(metrics.get("entity_recall", 0.0)),
                ),
            ]
        else:
            parts = [
                self.tr("Accuracy <b>{a:.1%}</b>").format(a=metrics.get("accuracy", 0.0)),
                self.tr("macro F1 <b>{f:.3f}</b>").format(f=metrics.get("macro_f1", 0.0)),
            ]
        if "num_examples" in metrics:
            if self._token:
                parts.append(
                    self.tr("on {n:,} validation sentences").format(n=metrics["num_examples"])
                )
            else:
                parts.append(self.tr("on {n:,} validation texts").format(n=metrics["num_examples"]))
        if metrics.get("train_seconds") is not None:
            parts.append(self.tr("trained in {t}").format(t=duration(metrics["train_seconds"])))
        if metrics.get("best_checkpoint"):
            parts.append(
                self.tr("best: {name}").format(name=Path(str(metrics["best_checkpoint"])).name)
            )
        self.metrics_label.setText(" · ".join(parts))
        self._show_baseline(metrics)
        if self._token:
            per_type = metrics.get("per_type") or {}
            self._fill_entity_confusion(metrics.get("entity_confusion") or {})
            self._fill_per_class(sorted(per_type), per_type, self.tr("type"))
        else:
            labels = [str(label) for label in metrics.get("labels", labels_fallback)]
            self._labels = labels
            self._fill_confusion(labels, metrics.get("confusion_matrix") or [])
            self._fill_per_class(labels, metrics.get("per_class") or {}, self.tr("class"))

    def _show_baseline(self, metrics: dict[str, Any]) -> None:
        """ "Fine-tuned 86.6% vs baseline 78.2% (TF-IDF + logistic regression, fitted in
        2 s)" and the calibration line; hidden when the run has neither."""
        lines = []
        baseline = metrics.get("baseline")
        if isinstance(baseline, dict) and "accuracy" in baseline and "accuracy" in metrics:
            ours, theirs = float(metrics["accuracy"]), float(baseline["accuracy"])
            seconds = baseline.get("seconds")
            fitted = (
                self.tr("{s:.1f} s").format(s=float(seconds))
                if isinstance(seconds, (int, float)) and seconds < 10
                else duration(seconds)
            )
            if ours > theirs:
                text = self.tr(
                    "Fine-tuned <b>{ours:.1%}</b> vs baseline {theirs:.1%} (TF-IDF + logistic "
                    "regression, fitted in {time})"
                )
            else:
                text = self.tr(
                    "Fine-tuning did not beat the baseline: <b>{ours:.1%}</b> vs {theirs:.1%} "
                    "for TF-IDF + logistic regression (fitted in {time})"
                )
            line = text.format(ours=ours, theirs=theirs, time=fitted)
            if "macro_f1" in baseline and "macro_f1" in metrics:
                line += " · " + self.tr("macro F1 {ours:.3f} vs {theirs:.3f}").format(
                    ours=float(metrics["macro_f1"]), theirs=float(baseline["macro_f1"])
                )
            lines.append(line)
        calibration = metrics.get("calibration")
        if isinstance(calibration, dict) and "ece" in calibration:
            lines.append(
                self.tr(
                    "Calibration: expected calibration error {before:.3f} before, {after:.3f} "
                    "after temperature scaling (T = {t:.2f})"
                ).format(
                    before=float(calibration["ece"]),
                    after=float(calibration.get("ece_after", calibration["ece"])),
                    t=float(calibration.get("temperature", 1.0)),
                )
            )
        self.baseline_label.setText("<br>".join(lines))
        self.baseline_label.setVisible(bool(lines))

    def _fill_confusion(self, labels: list[str], matrix: list[list[int]]) -> None:
        self._fill_matrix(labels, labels, matrix)
        self.confusion_table.setToolTip(self.tr("Click a cell to read its texts."))

    def _fill_entity_confusion(self, confusion: dict[str, dict[str, int]]) -> None:
        """``{gold_type or "spurious": {pred_type or "missed": n}}`` as a table: gold types
        and spurious as rows, predicted types and missed as columns."""
        from engine.token_metrics import MISSED, SPURIOUS

        types = sorted(
            {str(t) for t in confusion if t != SPURIOUS}
            | {str(p) for row in confusion.values() for p in row if p != MISSED}
        )
        rows = types + ([SPURIOUS] if SPURIOUS in confusion else [])
        columns = types + [MISSED]
        matrix = [[int((confusion.get(r) or {}).get(c, 0)) for c in columns] for r in rows]
        names = {MISSED: self.tr("missed"), SPURIOUS: self.tr("spurious")}
        self._fill_matrix(
            [names.get(r, r) for r in rows], [names.get(c, c) for c in columns], matrix
        )
        self.confusion_table.setToolTip("")

    def _fill_matrix(self, rows: list[str], columns: list[str], matrix: list[list[int]]) -> None:
        from gui.theme import confusion_cell_colours

        self._rows, self._columns = rows, columns
        table = self.confusion_table
        table.clear()
        table.setRowCount(len(rows))
        table.setColumnCount(len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.setVerticalHeaderLabels(rows)
        for i, row in enumerate(matrix[: len(rows)]):
            total = max(1, sum(row))
            for j, count in enumerate(row[: len(columns)]):
                item = QTableWidgetItem(f"{count:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                share = count / total
                background, foreground = confusion_cell_colours(
                    rows[i] == columns[j], share, count, table.palette()
                )
                item.setBackground(background)
                if foreground is not None:
                    item.setForeground(foreground)
                if self._token:
                    tip = self.tr("{count} entities of type {true} found as {pred}")
                else:
                    tip = self.tr(
                        "{count} texts of class {true} predicted as {pred} ({share:.0%} of the class)"
                    )
                item.setToolTip(tip.format(count=count, true=rows[i], pred=columns[j], share=share))
                table.setItem(i, j, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if len(columns) <= 8:
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

    def show_cell(self, row: int, column: int) -> int:
        """List the validation examples of one confusion-matrix cell (text runs and image
        runs); returns how many."""
        if self._token or not (0 <= row < len(self._rows) and 0 <= column < len(self._columns)):
            return 0
        n = self.errors.show_cell(self._rows[row], self._columns[column])
        self.details.setCurrentWidget(self.errors)
        return n

    def _fill_per_class(self, labels: list[str], per_class: dict[str, Any], first: str) -> None:
        table = self.per_class_table
        table.clear()
        columns = [
            first,
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
            values = per_class.get(label) or {}
            cells = [
                label,
                f"{float(values.get('precision', 0.0)):.3f}",
                f"{float(values.get('recall', 0.0)):.3f}",
                f"{float(values.get('f1', 0.0)):.3f}",
                f"{int(values.get('support', 0)):,}",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(i, j, item)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
