"""The Runs tab: every past run, its curves and results, and what to do with it next.

A table (``RunsTableModel``, a ``QAbstractTableModel`` over ``engine.runs.list_runs()``,
listed off the GUI thread) shows when each run started, its data, model, strategy, status,
best validation scores and duration. Selecting one redraws its curves from
``metrics.jsonl`` and shows its metrics and confusion matrix (in a ``ResultsView``, as the
Training tab shows its own run's); selecting several overlays their training loss and
validation accuracy, one colour per run. Buttons resume it (in the Training tab), predict with it (in the
Prediction tab), open its folder, export it (``engine.export.export_run`` in a worker
thread) or delete it (after asking; never a run that is training).

The table's model lives in ``gui/runs_table.py``; ``ResumeBanner`` (``gui/resume_banner.py``)
is the offer, at launch, to resume a run that was interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QObject,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from engine.models import display_name
from gui import dialogs
from gui.i18n import export_step_text, run_state_text
from gui.results_view import ResultsView
from gui.resume_banner import ResumeBanner
from gui.runs_table import (  # noqa: F401 - curve_names and run_score are the tab's too
    RUN_COLOURS,
    SORT_ROLE,
    STATE_COLOURS,
    RunsTableModel,
    curve_names,
    history_series,
    run_score,
    swatch,
    when,
)
from gui.settings import read_list
from gui.worker import run_task

DISMISSED_KEY = "runs/dismissed_resume"
EXPORT_DIR_KEY = "runs/export_dir"


def _list_runs() -> list[Any]:
    """``engine.runs.list_runs``, imported in the listing's thread: the import (the run
    folder's modules) took 0.05-0.1 s of the window's start-up."""
    from engine.runs import list_runs

    return list_runs()


class _ExportProgress(QObject):
    """Lives in the GUI thread; the export thread emits through it (queued to the tab)."""

    step = Signal(int, int, str)


def prefix_object_names(root: QWidget, prefix: str) -> None:
    """Give every named child of ``root`` (and ``root``) the ``prefix`` it lacks:
    ``coachingLabel`` becomes ``runCoachingLabel``; Qt's own ``qt_...`` names stay."""
    from PySide6.QtCore import QObject

    for child in [root, *root.findChildren(QObject)]:
        name = child.objectName()
        if name and not name.startswith((prefix, "qt_")):
            child.setObjectName(prefix + name[0].upper() + name[1:])


class RunsTab(QWidget):
    """Signals: ``errorOccurred(exception)``; ``resumeRequested(run_dir)``;
    ``predictRequested(model_dir)``; ``retrainRequested(data_path)`` to train on a corrected
    copy of a run's data; ``runsChanged()`` when runs were deleted;
    ``runsListed(list)`` after each listing; ``exportProgress(done, total, message)`` and
    ``exported(ExportResult)`` while and when an export runs."""

    errorOccurred = Signal(object)
    resumeRequested = Signal(str)
    predictRequested = Signal(str)
    retrainRequested = Signal(str)
    runsChanged = Signal()
    runsListed = Signal(list)
    exportProgress = Signal(int, int, str)
    exported = Signal(object)

    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runsTab")
        self.settings = settings
        self._training: Callable[[], tuple[bool, str | None]] = lambda: (False, None)
        self._listing = False
        self._list_again = False
        self._offer_resume = False
        self._exporting: str | None = None
        self._shown: list[Any] = []
        self.loss_plot: Any = None
        self.metric_plot: Any = None

        # ----- the table -----
        self.model = RunsTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("runsTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setMinimumHeight(30 + 5 * 24)  # the header and five runs, at least
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.resume_or_predict())
        self.empty_label = QLabel(
            self.tr("No runs yet. Train a model in the Training tab: every run is listed here.")
        )
        self.empty_label.setObjectName("runsEmptyLabel")
        self.empty_label.setWordWrap(True)

        # ----- actions -----
        def button(text: str, name: str, tip: str, slot: Callable[[], Any]) -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.setEnabled(False)
            b.clicked.connect(slot)
            return b

        self.resume_button = button(
            self.tr("Resume"),
            "resumeRunButton",
            self.tr("Continue this stopped, failed or interrupted run from its last checkpoint."),
            self.resume_selected,
        )
        self.predict_button = button(
            self.tr("Predict with it"),
            "predictWithRunButton",
            self.tr("Try this run's model in the Prediction tab."),
            self.predict_with_selected,
        )
        self.export_button = button(
            self.tr("Export…"),
            "exportRunButton",
            self.tr(
                "Save the model as a portable folder (Hugging Face format, label map, model "
                "card, predict.py; optionally ONNX and a zip) to use without Strop."
            ),
            self.export_selected,
        )
        self.open_folder_button = button(
            self.tr("Open folder"),
            "openSelectedRunFolderButton",
            self.tr("Show the run's folder in the file manager."),
            self.open_selected_folder,
        )
        self.delete_button = button(
            self.tr("Delete…"),
            "deleteRunButton",
            self.tr("Delete the selected runs and everything in their folders (asks first)."),
            self.delete_selected,
        )
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refreshRunsListButton")
        self.refresh_button.clicked.connect(lambda: self.refresh())
        actions = QHBoxLayout()
        for b in (
            self.resume_button,
            self.predict_button,
            self.export_button,
            self.open_folder_button,
            self.delete_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.refresh_button)

        self.export_progress = QProgressBar()
        self.export_progress.setObjectName("exportProgressBar")
        self.export_progress.setMaximumWidth(220)
        self.export_progress.hide()
        self.export_status = QLabel()
        self.export_status.setObjectName("exportStatusLabel")
        self.export_status.setWordWrap(True)
        self.export_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_progress)
        export_row.addWidget(self.export_status, 1)
        self._export_relay = _ExportProgress(self)
        self._export_relay.step.connect(self._export_step)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.empty_label)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(actions)
        top_layout.addLayout(export_row)

        # ----- the selected run(s) -----
        self.details = QLabel(self.tr("Select a run to see its curves and results."))
        self.details.setObjectName("runDetailsLabel")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results = ResultsView(
            "runResults",
            "runMetricsLabel",
            "runConfusionTable",
            "runPerClassTable",
            Qt.Orientation.Vertical,
            misclassified_name="runMisclassifiedTable",
        )
        # a widget in both the Training and the Runs tab takes a "run" prefix here
        prefix_object_names(self.results, "run")
        self.results.retrainRequested.connect(self.retrainRequested.emit)
        self.results.errorOccurred.connect(self.errorOccurred.emit)
        plots = QWidget()
        self._plots_layout = QHBoxLayout(plots)
        self._plots_layout.setContentsMargins(0, 0, 0, 0)
        bottom_split = QSplitter(Qt.Orientation.Horizontal)
        bottom_split.addWidget(plots)
        bottom_split.addWidget(self.results)
        bottom_split.setStretchFactor(0, 1)
        bottom_split.setStretchFactor(1, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.details)
        bottom_layout.addWidget(bottom_split, 1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("runsSplitter")
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self.resume_banner = ResumeBanner()
        self.resume_banner.resumeClicked.connect(self.resumeRequested.emit)
        self.resume_banner.dismissedRun.connect(self._remember_dismissed)

    # ----- wiring ------------------------------------------------------------------------
    def set_training_probe(self, probe: Callable[[], tuple[bool, str | None]]) -> None:
        """``probe()`` says whether the window is training now, and which run folder."""
        self._training = probe

    def ensure_plots(self) -> None:
        """Create the plots (importing pyqtgraph) once; the window calls it after showing."""
        if self.loss_plot is not None:
            return
        from gui.plots import curve_plots

        self.loss_plot, self.metric_plot = curve_plots(
            self, "runsLossPlot", "runsMetricPlot", self.tr("Validation scores (higher is better)")
        )
        self._plots_layout.addWidget(self.loss_plot)
        self._plots_layout.addWidget(self.metric_plot)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.ensure_plots()
        self.refresh()  # runs may have started or ended since the last look

    # ----- listing -----------------------------------------------------------------------
    @property
    def listing(self) -> bool:
        """True while the list of runs is being read."""
        return self._listing

    def refresh(self, *, offer_resume: bool = False) -> None:
        """List the runs again (off the GUI thread), keeping the selection.

        With ``offer_resume`` (at launch), an interrupted run with a checkpoint is offered
        in the resume banner, unless the user dismissed that offer before."""
        self._offer_resume = self._offer_resume or offer_resume
        if self._listing:
            self._list_again = True
            return
        self._listing = True
        self._list_again = False
        run_task(
            _list_runs,
            on_result=self._listed,
            on_error=self.errorOccurred.emit,
            on_finished=self._listing_done,
            owner=self,
        )

    def _listing_done(self) -> None:
        self._listing = False
        if self._list_again:
            self.refresh()

    def _listed(self, infos: list[Any]) -> None:
        selected = [str(info.path) for info in self.selected_runs()]
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.model.set_runs(infos)
        self.table.clearSelection()
        for path in selected:
            self._select_path(path)
        if not self.selected_runs() and infos and not selected:
            self._select_path(str(self.proxy_run(0).path))  # the newest
        selection.blockSignals(False)
        self.empty_label.setVisible(not infos)
        self._selection_changed()
        if self._offer_resume:
            self._offer_resume = False
            self._offer_interrupted(infos)
        banner_run = self.resume_banner.run_dir
        if banner_run and all(
            str(i.path) != banner_run or not i.resumable or i.folder.is_training for i in infos
        ):
            self.resume_banner.withdraw()  # resumed, finished or deleted meanwhile
        self.runsListed.emit(infos)

    def proxy_run(self, row: int) -> Any:
        """The run shown in row ``row`` of the (sorted) table."""
        return self.model.run(self.proxy.mapToSource(self.proxy.index(row, 0)).row())

    def _select_path(self, path: str) -> bool:
        row = self.model.row_of(path)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
        return True

    def select_runs(self, paths: list[str]) -> None:
        """Select these runs (by folder) in the table, as a user's clicks would."""
        self.table.clearSelection()
        for path in paths:
            self._select_path(str(path))
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.table.scrollTo(min(rows, key=lambda index: index.row()))

    def selected_runs(self) -> list[Any]:
        """The selected runs, in table order."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.proxy_run(row) for row in rows]

    def _offer_interrupted(self, infos: list[Any]) -> None:
        from engine.events import RunState

        dismissed = set(read_list(self.settings, DISMISSED_KEY)) if self.settings else set()
        running, _run_dir = self._training()
        if running:
            return
        for info in infos:  # newest first
            if (
                info.state == RunState.INTERRUPTED
                and info.resumable
                and str(info.path) not in dismissed
            ):
                self.resume_banner.offer(info)
                return

    def _remember_dismissed(self, path: str) -> None:
        if self.settings is None:
            return
        items = [p for p in read_list(self.settings, DISMISSED_KEY) if p != path]
        items.insert(0, path)
        self.settings.setValue(DISMISSED_KEY, items[:50])

    # ----- the selection -----------------------------------------------------------------
    def _selection_changed(self, *_args: Any) -> None:
        infos = self.selected_runs()
        self._shown = infos
        self._update_buttons()
        if len(infos) == 1:
            self._show_one(infos[0])
        elif infos:
            self._show_several(infos)
        else:
            self.details.setText(self.tr("Select a run to see its curves and results."))
            self.results.clear()
            self._clear_plots()
            self.model.set_colours({})

    def _update_buttons(self) -> None:
        infos = self._shown
        one = infos[0] if len(infos) == 1 else None
        running, _run_dir = self._training()
        self.resume_button.setEnabled(
            one is not None and one.resumable and not running and not one.folder.is_training
        )
        self.predict_button.setEnabled(one is not None and one.has_model)
        self.export_button.setEnabled(one is not None and one.has_model and self._exporting is None)
        self.open_folder_button.setEnabled(one is not None)
        self.delete_button.setEnabled(bool(infos))

    def _clear_plots(self) -> None:
        if self.loss_plot is None:
            return
        for plot in (self.loss_plot, self.metric_plot):
            plot.getPlotItem().clear()  # also takes the curves out of the legend

    def _show_one(self, info: Any) -> None:
        folder = info.folder
        self.results.show()
        status = folder.status
        lines = [
            f"<b>{info.name}</b> · {run_state_text(info.state.value)}",
            self.tr("Data: {data} · Model: {model} · Strategy: {strategy}").format(
                data=info.dataset, model=display_name(info.model), strategy=info.strategy or "full"
            ),
        ]
        if info.last_step:
            lines.append(
                self.tr("Last checkpoint at step {step}.").format(step=info.last_step)
                + (" " + self.tr("Press Resume to continue.") if info.resumable else "")
            )
        if status.get("error"):
            lines.append(self.tr("Error: {error}").format(error=status["error"]))
        self.details.setText("<br>".join(lines))
        self.details.setToolTip(str(info.path))

        metrics = folder.metrics
        if metrics:
            self.results.show_run(folder.path, metrics)
        else:
            self.results.clear(self.tr("No final metrics: the run did not finish."))
        self._draw([info], single=True)

    def _show_several(self, infos: list[Any]) -> None:
        self.details.setText(
            self.tr(
                "Comparing {n} runs, one colour each: training loss (left) and validation "
                "accuracy (right)."
            ).format(n=len(infos))
        )
        self.details.setToolTip("")
        self.results.clear()
        self.results.hide()  # the plots take the room: there is no one confusion matrix
        self._draw(infos, single=False)

    def _draw(self, infos: list[Any], *, single: bool) -> None:
        """Redraw the curves of the runs from their ``metrics.jsonl``."""
        import pyqtgraph as pg

        from gui.plots import dots, run_curves

        self.ensure_plots()
        self._clear_plots()
        loss, metric = self.loss_plot.getPlotItem(), self.metric_plot.getPlotItem()
        colours = (
            {}
            if single
            else {info.path: RUN_COLOURS[i % len(RUN_COLOURS)] for i, info in enumerate(infos)}
        )
        self.model.set_colours(colours)

        if single:
            series = history_series(infos[0].folder)
            for key, curve in run_curves(loss, metric).items():
                curve.setData(*series[key])
        else:
            for info, name in zip(infos, curve_names(infos), strict=True):
                colour = colours[info.path]
                series = history_series(info.folder)
                loss.plot(*series["train_loss"], pen=pg.mkPen(colour, width=1), name=name)
                metric.plot(
                    *series["accuracy"], pen=pg.mkPen(colour, width=1), name=name, **dots(colour)
                )
        loss.enableAutoRange()
        metric.enableAutoRange(axis="x")
        self.metric_plot.setYRange(0, 1.0, padding=0.02)

    # ----- actions -----------------------------------------------------------------------
    def _one(self) -> Any:
        infos = self.selected_runs()
        return infos[0] if len(infos) == 1 else None

    def resume_selected(self) -> None:
        info = self._one()
        if info is not None and info.resumable:
            self.resumeRequested.emit(str(info.path))

    def predict_with_selected(self) -> None:
        info = self._one()
        if info is not None and info.has_model:
            self.predictRequested.emit(str(info.model_path))

    def resume_or_predict(self) -> None:
        """Double-click: predict with a finished run's model, resume an unfinished one."""
        info = self._one()
        if info is None:
            return
        if info.has_model:
            self.predict_with_selected()
        elif info.resumable:
            self.resume_selected()

    def open_selected_folder(self) -> None:
        info = self._one()
        if info is not None:
            dialogs.reveal(str(info.path))

    def _busy(self, info: Any) -> str:
        """Why ``info`` cannot be deleted now ("" when it can)."""
        running, run_dir = self._training()
        if (running and run_dir and Path(run_dir) == info.path) or info.folder.is_training:
            return self.tr("it is training now")
        if self._exporting == str(info.path):
            return self.tr("it is being exported")
        return ""

    def delete_selected(self) -> list[str]:
        """Delete the selected runs after asking; returns the folders deleted."""
        from engine.errors import RunFolderError

        infos = self.selected_runs()
        if not infos:
            return []
        for info in infos:
            reason = self._busy(info)
            if reason:
                self.errorOccurred.emit(
                    RunFolderError(
                        self.tr("{name}: not deleted, {reason}.").format(
                            name=info.name, reason=reason
                        ),
                        hint=self.tr("Stop it (or let it end) first."),
                    )
                )
                return []
        if len(infos) == 1:
            question = self.tr(
                "Delete the run {name}? Its folder, checkpoints and model are removed for good."
            ).format(name=infos[0].name)
        else:
            question = self.tr(
                "Delete these {n} runs? Their folders, checkpoints and models are removed for good."
            ).format(n=len(infos))
        if not dialogs.ask(self, self.tr("Delete runs"), question):
            return []
        deleted = []
        for info in infos:
            try:
                info.folder.delete()  # refuses anything but a run folder, and a training run
            except RunFolderError as exc:
                self.errorOccurred.emit(exc)
                break
            except OSError as exc:
                self.errorOccurred.emit(
                    RunFolderError(
                        self.tr("{path}: could not be deleted ({error}).").format(
                            path=info.path, error=exc.strerror or exc
                        ),
                        hint=self.tr("Close programs that use files in it, then try again."),
                    )
                )
                break
            deleted.append(str(info.path))
            if self.resume_banner.run_dir == str(info.path):
                self.resume_banner.withdraw()
        if deleted:
            self.table.clearSelection()
            self.runsChanged.emit()
            self.refresh()
        return deleted

    # ----- export ------------------------------------------------------------------------
    @property
    def exporting(self) -> bool:
        return self._exporting is not None

    def export_selected(self) -> None:
        info = self._one()
        if info is None or not info.has_model or self._exporting is not None:
            return
        start = str(self.settings.value(EXPORT_DIR_KEY, "") or "") if self.settings else ""
        options = dialogs.export_options(self, info.name, start)
        if options is None:
            return
        if self.settings is not None:
            self.settings.setValue(EXPORT_DIR_KEY, str(Path(options.dest).parent))
        self.export_run(str(info.path), options)

    def export_run(self, run_dir: str, options: Any) -> None:
        """``engine.export.export_run`` in a worker thread; progress in the status line."""
        from engine.export import export_run

        self._exporting = run_dir
        self._update_buttons()
        self.export_progress.setRange(0, 0)
        self.export_progress.show()
        self.export_status.setText(
            self.tr("Exporting {name} to {dest}…").format(
                name=Path(run_dir).name, dest=options.dest
            )
        )

        def done(result: Any) -> None:
            lines = [self.tr("Exported to {path}").format(path=result.path)]
            if result.zip_path:
                lines.append(self.tr("zip: {path}").format(path=result.zip_path))
            if options.onnx:
                lines.append(self.tr("ONNX: {message}").format(message=result.onnx.message))
            self.export_status.setText(" · ".join(lines))
            self.exported.emit(result)

        def failed(exc: BaseException) -> None:
            self.export_status.setText(self.tr("The export failed: see the message above."))
            self.errorOccurred.emit(exc)

        def finished() -> None:
            self._exporting = None
            self.export_progress.hide()
            self._update_buttons()

        run_task(
            export_run, run_dir, options.dest,
            onnx=options.onnx, make_zip=options.make_zip, progress=self._export_relay.step.emit,
            on_result=done, on_error=failed, on_finished=finished, owner=self,
        )  # fmt: skip

    def _export_step(self, done: int, total: int, message: str) -> None:
        self.export_progress.setRange(0, max(1, total))
        self.export_progress.setValue(done)
        self.export_status.setText(
            self.tr("Exporting: {message}… ({step} of {total})").format(
                message=export_step_text(message), step=done + 1, total=total
            )
        )
        self.exportProgress.emit(done, total, message)
