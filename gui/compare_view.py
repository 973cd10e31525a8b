"""The Model tab's Compare panel: short trials of models x strategies, shown as they finish.

``engine.compare.compare`` runs in one background task; each candidate's line crosses to the
GUI thread through a queued signal as soon as it is measured, so the table fills while the
comparison goes on. Stop is a ``threading.Event`` set from here (the worker is blocked in
training and has no event loop). The recommended row is marked when the comparison ends;
when it is the baseline, the panel says so plainly and offers what could do better: a model
for the data's language from the catalogue, or Import.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.table_model import select_rows_read_only
from gui.worker import run_task

COLUMNS = ("model", "strategy", "accuracy", "macro_f1", "seconds", "full_run")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def run_compare(data: str, emit: Callable[[Any], None], **options: Any) -> Any:
    """``engine.compare.compare`` with its per-candidate callback as a positional argument
    (``run_task`` keeps ``on_result`` for the final value)."""
    from engine.compare import compare

    return compare(data, on_result=emit, **options)


class _Bridge(QObject):
    """Lives in the GUI thread: ``candidate`` emitted from the worker is queued to it."""

    candidate = Signal(object)


class CompareView(QWidget):
    """Signals: ``candidateChosen(model, strategy)`` when Use is pressed on a tried row,
    ``showCatalogue()`` and ``importRequested()`` from the baseline's offer,
    ``errorOccurred(exception)``, ``finished(CompareResult | None)``."""

    candidateChosen = Signal(str, str)
    showCatalogue = Signal()
    importRequested = Signal()
    errorOccurred = Signal(object)
    finished = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self._stop: threading.Event | None = None
        self._rows: list[Any] = []  # CandidateResult per table row
        self._recommended: Any = None
        self._data_provider: Callable[[], dict[str, Any]] | None = None
        self._language = ""
        self._text = True  # the data is text classification's (set_task)
        self._bridge = _Bridge(self)
        self._bridge.candidate.connect(self.add_candidate)

        self.intro = QLabel(
            self.tr(
                "Try the starter model, and every other model on this computer that reads your "
                "data's language, with each strategy, for a short while on a sample, plus a "
                "simple baseline (TF-IDF + logistic regression). The best validation macro F1 "
                "is recommended."
            )
        )
        self.intro.setWordWrap(True)
        self.budget_spin = QSpinBox()
        self.budget_spin.setObjectName("compareBudgetSpin")
        self.budget_spin.setRange(10, 3600)
        self.budget_spin.setValue(300)
        self.budget_spin.setSuffix(self.tr(" s"))
        self.budget_spin.setPrefix(self.tr("Budget: "))
        self.budget_spin.setToolTip(self.tr("How long the whole comparison may take."))
        self.compare_button = QPushButton(self.tr("Compare"))
        self.compare_button.setObjectName("compareButton")
        self.compare_button.clicked.connect(lambda: self.start())
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stopCompareButton")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.request_stop)
        self.status = QLabel()
        self.status.setObjectName("compareStatusLabel")
        self.status.setWordWrap(True)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("compareTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Strategy"),
                self.tr("Accuracy"),
                self.tr("Macro F1"),
                self.tr("Trial time"),
                self.tr("Full run (estimate)"),
            ]
        )
        select_rows_read_only(self.table)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.use_selected())

        self.use_button = QPushButton(self.tr("Use this model and strategy"))
        self.use_button.setObjectName("useCandidateButton")
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.use_selected)

        self.baseline_label = QLabel()
        self.baseline_label.setObjectName("baselineWinsLabel")
        self.baseline_label.setWordWrap(True)
        self.catalogue_button = QPushButton(self.tr("Models for this language…"))
        self.catalogue_button.setObjectName("baselineCatalogueButton")
        self.catalogue_button.clicked.connect(self.showCatalogue.emit)
        self.import_button = QPushButton(self.tr("Import model…"))
        self.import_button.setObjectName("baselineImportButton")
        self.import_button.clicked.connect(self.importRequested.emit)
        self.baseline_box = QWidget()
        self.baseline_box.setObjectName("baselineWinsBox")
        box = QVBoxLayout(self.baseline_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.baseline_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.catalogue_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        box.addLayout(buttons)
        self.baseline_box.hide()

        controls = QHBoxLayout()
        controls.addWidget(self.budget_spin)
        controls.addWidget(self.compare_button)
        controls.addWidget(self.stop_button)
        controls.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(controls)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.baseline_box, 1)
        bottom.addWidget(self.use_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(bottom)

    # ----- plumbing -------------------------------------------------------------------------
    def set_data_provider(self, provider: Callable[[], dict[str, Any]]) -> None:
        """``provider()`` gives the data settings (``data``, ``validation``, columns);
        it raises a ``StropError`` when no data is open."""
        self._data_provider = provider

    def set_task(self, task: str) -> None:
        """Comparing runs trial trainings of text models: for other data the button is off
        and the status says where the evidence is instead (the Runs tab)."""
        self._text = text = task == "text-classification"
        running = self._stop is not None
        self.compare_button.setEnabled(text and not running)
        self.budget_spin.setEnabled(text and not running)
        note = self.tr(
            "Comparing models works on text classification data. For photos or named "
            "entities, train a run with each model or strategy and compare their curves in "
            "the Runs tab."
        )
        if not text:
            self.status.setText(note)
        elif self.status.text() == note:
            self.status.clear()

    def set_language(self, language: str) -> None:
        self._language = language

    @property
    def is_running(self) -> bool:
        return self._stop is not None

    @property
    def recommended(self) -> Any:
        return self._recommended

    # ----- running --------------------------------------------------------------------------
    def start(self, models: list[str] | None = None) -> None:
        """Compare in the background with the open data (``models``: the default set)."""
        from engine.errors import DatasetError

        if self.is_running:
            return
        try:
            if self._data_provider is None:
                raise DatasetError(self.tr("No data file is open."))
            settings = self._data_provider()
        except Exception as exc:  # noqa: BLE001 - shown in words, nothing starts
            self.errorOccurred.emit(exc)
            return
        self.clear()
        self._stop = stop = threading.Event()
        self.compare_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.budget_spin.setEnabled(False)
        self.status.setText(self.tr("Comparing… each line appears when its trial is done."))
        bridge = self._bridge

        def done(result: Any) -> None:
            self._ended()
            self.show_result(result)

        def failed(exc: BaseException) -> None:
            self._ended()
            self.status.setText(self.tr("The comparison could not run: see the message above."))
            self.errorOccurred.emit(exc)
            self.finished.emit(None)

        run_task(
            run_compare, settings["data"], bridge.candidate.emit,
            validation=settings.get("validation"), models=models,
            budget=float(self.budget_spin.value()), stop=stop,
            text_column=settings.get("text_column"), label_column=settings.get("label_column"),
            on_result=done, on_error=failed, on_finished=self._ended, owner=self,
        )  # fmt: skip

    def _ended(self) -> None:
        self._stop = None
        self.compare_button.setEnabled(self._text)
        self.stop_button.setEnabled(False)
        self.budget_spin.setEnabled(self._text)

    def request_stop(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self.stop_button.setEnabled(False)
            self.status.setText(self.tr("Stopping after the current step…"))

    # ----- showing ----------------------------------------------------------------------------
    def clear(self) -> None:
        self._rows.clear()
        self._recommended = None
        self.table.setRowCount(0)
        self.baseline_box.hide()
        self.use_button.setEnabled(False)

    def _label(self, candidate: Any) -> tuple[str, str]:
        if candidate.is_baseline:
            return self.tr("Baseline: TF-IDF + logistic regression"), "–"
        model = candidate.model
        name = "all-MiniLM-L6-v2" if model == "starter" else model
        return name, candidate.strategy or "–"

    def add_candidate(self, candidate: Any) -> None:
        """Append one measured (or skipped) candidate as a row."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._rows.append(candidate)
        name, strategy = self._label(candidate)
        if candidate.skipped:
            figures = [self.tr("skipped"), "–"]
            tip = self.tr("Not tried: {reason}").format(reason=candidate.skipped)
        else:
            figures = [f"{candidate.accuracy:.3f}", f"{candidate.macro_f1:.3f}"]
            tip = self.tr("{steps} steps on {rows:,} training rows").format(
                steps=candidate.steps, rows=candidate.train_rows
            )
            if candidate.fits_language is False:
                tip += "\n" + self.tr(
                    "{share:.0%} of the tokens are unknown to this model's vocabulary."
                ).format(share=candidate.unknown_share or 0.0)
        cells = [
            name,
            strategy,
            *figures,
            _duration(candidate.seconds),
            _duration(candidate.full_run_seconds),
        ]
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            if col >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, col, item)
        self.status.setText(self.tr("{n} candidate(s) measured…").format(n=len(self._rows)))

    def show_result(self, result: Any) -> None:
        """Mark the recommended row and, when the baseline won, say so and offer better."""
        if not self._rows:  # the result arrived without the streamed lines (tests, replays)
            for candidate in result.candidates:
                self.add_candidate(candidate)
        self._recommended = result.recommended
        if result.stopped:
            self.status.setText(self.tr("Stopped: the table shows what was measured."))
        else:
            self.status.setText(self.tr("Done in {time}.").format(time=_duration(result.elapsed)))
        self._language = result.language or self._language
        best = result.recommended
        if best is not None and best in self._rows:
            row = self._rows.index(best)
            bold = QFont(self.table.font())
            bold.setBold(True)
            items = [self.table.item(row, col) for col in range(self.table.columnCount())]
            for item in filter(None, items):
                item.setFont(bold)
                item.setToolTip(self.tr("Recommended: the best validation macro F1."))
            if items[0] is not None:
                items[0].setText("★ " + items[0].text())
            self.table.selectRow(row)
        if best is not None and best.is_baseline:
            self.show_baseline_won(best)
        self.finished.emit(result)

    def show_baseline_won(self, baseline: Any) -> None:
        from engine.compare import language_suggestions

        names = ", ".join(
            f"{row['id']} ({row['download_mb']} MB)"
            for row in language_suggestions(self._language)[:3]
        )
        self.baseline_label.setText(
            self.tr(
                "The simple baseline scored best (macro F1 {f1:.3f}): no model tried here reads "
                "this data well enough. Strop does not save the baseline; it is a yardstick. "
                "Get a model that reads '{language}' text - for example {names} - by "
                "downloading it or importing it from another computer."
            ).format(f1=baseline.macro_f1 or 0.0, language=self._language, names=names or "–")
        )
        self.baseline_box.show()

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        candidate = self.selected()
        usable = candidate is not None and not candidate.is_baseline and not candidate.skipped
        self.use_button.setEnabled(usable)

    def use_selected(self) -> None:
        candidate = self.selected()
        if candidate is None or candidate.is_baseline or candidate.skipped:
            return
        self.candidateChosen.emit(candidate.model, candidate.strategy or "full")
