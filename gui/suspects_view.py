"""Label-noise suspects: training rows whose label the evidence disputes, and what to do with
each (keep it, relabel it, drop it), written to a corrected copy beside the run.

Finding them costs a cross-validation and a pass of the model over the training rows, so it
runs on demand, in the background (``engine.suspects.find_suspects``). The original data file
is never touched: ``engine.suspects.write_corrected_copy`` writes the choices to a copy in the
run folder, and ``retrainRequested(path)`` asks the window to open that copy and train on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class SuspectsView(QWidget):
    """``findSuspectsButton``, ``suspectsTable`` (row, text, label, suggested, score, your
    decision), ``keepSuspectButton``, ``relabelSuspectButton`` (to ``relabelCombo``'s
    label, the suggested one by default), ``dropSuspectButton``, ``retrainButton``.

    Signals: ``retrainRequested(path)`` with the corrected copy; ``errorOccurred(exc)``."""

    retrainRequested = Signal(str)
    errorOccurred = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("suspectsView")
        self.find_button = QPushButton(self.tr("Find suspect labels"))
        self.find_button.setObjectName("findSuspectsButton")
        self.find_button.setToolTip(
            self.tr(
                "Rank the training rows whose label the models disagree with (confident "
                "learning). Takes a little while: it runs in the background."
            )
        )
        self.find_button.clicked.connect(self.find)
        self.status = QLabel(self.tr("Finished runs can check their training labels."))
        self.status.setObjectName("suspectsStatusLabel")
        self.status.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setObjectName("suspectsTable")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        def button(text: str, name: str, tip: str) -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            b.setToolTip(tip)
            return b

        self.keep_button = button(
            self.tr("Keep"), "keepSuspectButton", self.tr("The label is right: keep the row.")
        )
        self.relabel_button = button(
            self.tr("Relabel"),
            "relabelSuspectButton",
            self.tr(
                "Give the selected rows the label chosen beside (the suggested one by default)."
            ),
        )
        self.relabel_combo = QComboBox()
        self.relabel_combo.setObjectName("relabelCombo")
        self.relabel_combo.setToolTip(self.tr("The new label, or each row's suggested label."))
        self.drop_button = button(
            self.tr("Drop"),
            "dropSuspectButton",
            self.tr("Leave the selected rows out of the copy."),
        )
        self.retrain_button = button(
            self.tr("Retrain on the corrected copy"),
            "retrainButton",
            self.tr(
                "Write your decisions to a copy of the data beside the run (the original is "
                "never changed), open it and train on it."
            ),
        )
        self.keep_button.clicked.connect(lambda: self.decide("keep"))
        self.relabel_button.clicked.connect(lambda: self.decide("relabel"))
        self.drop_button.clicked.connect(lambda: self.decide("drop"))
        self.retrain_button.clicked.connect(self.retrain)

        top = QHBoxLayout()
        top.addWidget(self.find_button)
        top.addWidget(self.status, 1)
        actions = QHBoxLayout()
        for w in (self.keep_button, self.relabel_button, self.relabel_combo, self.drop_button):
            actions.addWidget(w)
        actions.addStretch(1)
        actions.addWidget(self.retrain_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self._run_dir: str | None = None
        self._suspects: list[Any] = []
        #: row number -> "keep" | ("relabel", label) | "drop"
        self.decisions: dict[int, Any] = {}
        self._busy = False
        self.corrected_path: Path | None = None
        self.set_run(None)

    # ----- state -------------------------------------------------------------------------
    def set_run(self, run_dir: str | Path | None, labels: list[str] | None = None) -> None:
        """The run whose training labels are checked (None: nothing to check)."""
        self._run_dir = str(run_dir) if run_dir else None
        self._suspects, self.decisions, self.corrected_path = [], {}, None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.relabel_combo.clear()
        self.relabel_combo.addItem(self.tr("suggested label"), None)
        for label in labels or []:
            self.relabel_combo.addItem(str(label), str(label))
        self.status.setText(
            self.tr("Finished runs can check their training labels.")
            if self._run_dir
            else self.tr("No run to check.")
        )
        self._update_buttons()

    @property
    def suspects(self) -> list[Any]:
        return self._suspects

    def _update_buttons(self) -> None:
        has_rows = bool(self.table.selectedItems())
        self.find_button.setEnabled(self._run_dir is not None and not self._busy)
        for b in (self.keep_button, self.relabel_button, self.drop_button):
            b.setEnabled(has_rows)
        self.relabel_combo.setEnabled(has_rows)
        changes = any(d != "keep" for d in self.decisions.values())
        self.retrain_button.setEnabled(changes and not self._busy)

    # ----- finding -----------------------------------------------------------------------
    def find(self) -> None:
        if self._run_dir is None or self._busy:
            return
        from engine.suspects import find_suspects
        from gui.worker import run_task

        self._busy = True
        self.status.setText(self.tr("Looking for suspect labels…"))
        self._update_buttons()
        run_dir = self._run_dir
        run_task(
            find_suspects,
            run_dir,
            on_result=lambda found: self.show_suspects(found) if run_dir == self._run_dir else None,
            on_error=self._failed,
            on_finished=self._done,
            owner=self,
        )

    def _done(self) -> None:
        self._busy = False
        self._update_buttons()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Could not look for suspects: {error}").format(error=exc))
        self.errorOccurred.emit(exc)

    def show_suspects(self, suspects: list[Any]) -> None:
        """Fill the table with ``engine.suspects.Suspect`` rows, most suspect first."""
        self._suspects = list(suspects)
        self.decisions = {}
        labels = sorted({s.label for s in suspects} | {s.suggested for s in suspects})
        known = {self.relabel_combo.itemData(i) for i in range(self.relabel_combo.count())}
        for label in labels:
            if label not in known:
                self.relabel_combo.addItem(label, label)
        headers = [
            self.tr("row"),
            self.tr("text"),
            self.tr("label"),
            self.tr("suggested"),
            self.tr("score"),
            self.tr("decision"),
        ]
        table = self.table
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(suspects))
        for i, s in enumerate(suspects):
            cells = [
                str(s.row),
                s.text.replace("\n", " "),
                s.label,
                s.suggested,
                f"{s.score:.2f}",
                "",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j in (0, 4):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if j == 1:
                    item.setToolTip(s.text)
                table.setItem(i, j, item)
        header = table.horizontalHeader()
        for j in range(len(headers)):
            header.setSectionResizeMode(j, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        if suspects:
            self.status.setText(
                self.tr(
                    "{n} training rows whose label looks wrong, most suspect first: read each, "
                    "then keep, relabel or drop it."
                ).format(n=len(suspects))
            )
        else:
            self.status.setText(self.tr("No suspect labels: the models agree with the data."))
        self._update_buttons()

    # ----- deciding ----------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({item.row() for item in self.table.selectedItems()})

    def decide(self, action: str) -> None:
        """``keep``, ``relabel`` (to the combo's label, or each row's suggestion) or ``drop``
        the selected rows."""
        chosen = self.relabel_combo.currentData()
        for i in self.selected_rows():
            s = self._suspects[i]
            if action == "relabel":
                label = chosen or s.suggested
                decision: Any = "keep" if label == s.label else ("relabel", label)
                shown = self.tr("→ {label}").format(label=label)
            elif action == "drop":
                decision, shown = "drop", self.tr("drop")
            else:
                decision, shown = "keep", self.tr("keep")
            self.decisions[s.row] = decision
            item = self.table.item(i, 5)
            if item is not None:
                item.setText(shown if decision != "keep" else self.tr("keep"))
        self._update_buttons()

    def engine_decisions(self) -> dict[int, str | None]:
        """The choices as ``write_corrected_copy`` takes them: row -> new label, or None to drop."""
        out: dict[int, str | None] = {}
        for row, decision in self.decisions.items():
            if decision == "drop":
                out[row] = None
            elif isinstance(decision, tuple):
                out[row] = str(decision[1])
        return out

    def write_copy(self) -> Path | None:
        """Write the corrected copy beside the run; its path (None when nothing changes)."""
        if self._run_dir is None:
            return None
        decisions = self.engine_decisions()
        if not decisions:
            return None
        from engine.suspects import write_corrected_copy

        try:
            self.corrected_path = write_corrected_copy(self._run_dir, decisions)
        except Exception as exc:  # noqa: BLE001 - shown in words, nothing is opened
            self._failed(exc)
            return None
        n_drop = sum(1 for v in decisions.values() if v is None)
        self.status.setText(
            self.tr("{changed} relabelled and {dropped} dropped in {path}").format(
                changed=len(decisions) - n_drop, dropped=n_drop, path=self.corrected_path
            )
        )
        return self.corrected_path

    def retrain(self) -> None:
        path = self.write_copy()
        if path is not None:
            self.retrainRequested.emit(str(path))
