"""The Training tab: settings, Start / Stop / Resume, live curves, and the results.

One run at a time, in one ``TrainingWorker`` on one ``QThread``; this module holds the run
itself (Start, which waits for a data file still loading and can be cancelled meanwhile;
Resume; Stop, which sets the worker's ``threading.Event`` so the run finishes its step and
keeps a checkpoint; the worker's events; opening a past run) and composes the parts:
``gui/training_settings.py`` (the settings column), ``gui/run_controls.py`` (the buttons),
``gui/run_status.py`` (state, progress, and how long the run takes on this computer),
``gui/run_curves.py`` (the live curves), ``gui/results_view.py`` (the final results) and
``gui/config_export.py`` (the run config for a headless run).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import QScrollArea, QSplitter, QWidget

from gui import dialogs
from gui.config_export import export_run_config
from gui.layouts import column, hbox
from gui.results_view import ResultsView
from gui.run_controls import RunControls
from gui.run_curves import RunCurves
from gui.run_status import RunStatus
from gui.training_settings import TrainingSettings
from gui.worker import TrainingWorker, start_worker


class TrainingTab(QWidget):
    """Signals: ``errorOccurred(exception)``; ``runStarting()``; ``reportReady(report, model)`` when a run has
    measured its data; ``modelSaved(model_dir)`` when a run leaves a model; ``runEnded()``
    when the worker thread is done; ``devicesListed(list)``; ``deviceChanged(label)``."""

    errorOccurred = Signal(object)
    runStarting = Signal()
    reportReady = Signal(dict, dict)
    modelSaved = Signal(str)
    runEnded = Signal()
    devicesListed = Signal(list)
    deviceChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingTab")
        self._config_provider: Callable[[], Any] | None = None
        self._data_pending: Callable[[], bool] = lambda: False
        self._worker: TrainingWorker | None = None
        self._run_dir: str | None = None
        self._resume_dir: str | None = None
        self._labels: tuple[str, ...] = ()

        self.settings = TrainingSettings()
        self.settings.errorOccurred.connect(self.errorOccurred.emit)
        self.settings.devicesListed.connect(self.devicesListed.emit)
        self.settings.deviceChanged.connect(self.deviceChanged.emit)
        self.form = self.settings.form
        for name, attribute in (
            ("epochs", "epochs_spin"),
            ("batch_size", "batch_spin"),
            ("learning_rate", "lr_spin"),
            ("max_length", "max_length_spin"),
            ("warmup_ratio", "warmup_spin"),
            ("early_stopping_patience", "patience_spin"),
            ("max_steps", "max_steps_spin"),
            ("device", "device_combo"),
        ):  # the names tests and the screenshot scripts use
            setattr(self, attribute, self.form.widget(name))

        self.controls = RunControls(
            self.start, self.request_stop, self.resume, self.export_config, self.open_run_folder
        )

        self.status = RunStatus(
            self._run_config,
            lambda: self.is_running,
            lambda: self.controls.pending or self._data_pending(),
        )
        self.settings.changed.connect(self.status.settings_changed)

        self.plots = RunCurves()  # created after the window is shown: pyqtgraph loads then
        self.results = ResultsView(
            "trainingResults", "finalMetricsLabel", "confusionMatrixTable", "perClassTable"
        )
        self.results.errorOccurred.connect(self.errorOccurred.emit)
        self._clear_results()
        # the parts' widgets by the names tests, the screenshot scripts and the window use
        for part, names in (
            (self.controls, ("start_button", "stop_button", "resume_button", "export_button")),
            (self.controls, ("open_folder_button",)),
            (self.status, ("state_label", "progress", "estimate_label", "keep_awake_label")),
            (self.status, ("estimator",)),
            (self.results, ("metrics_label", "confusion_table", "per_class_table")),
        ):
            for name in names:
                setattr(self, name, getattr(part, name))

        left_scroll = QScrollArea()
        left_scroll.setObjectName("trainingSettingsScroll")
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_scroll.setWidget(column(self.settings, self.controls, 1))
        left_scroll.setMinimumWidth(380)  # the spin boxes show "Auto (5e-05 for this strategy)"
        left_scroll.setMaximumWidth(430)
        right_split = QSplitter(Qt.Orientation.Vertical)
        for index, (pane, stretch) in enumerate(((self.plots, 3), (self.results, 2))):
            right_split.addWidget(pane)
            right_split.setStretchFactor(index, stretch)
        hbox(left_scroll, (column(self.status, (right_split, 1)), 1), parent=self, margins=None)

    # ----- the curves (created once the window shows) -----------------------------------
    def ensure_plots(self) -> None:
        """Create the curves (importing pyqtgraph) once; the window calls it after showing."""
        self.plots.ensure_plots()

    @property
    def loss_plot(self) -> Any:
        return self.plots.loss_plot

    @property
    def metric_plot(self) -> Any:
        return self.plots.metric_plot

    @property
    def buffers(self) -> dict[str, Any]:
        return self.plots.buffers

    # ----- wiring ----------------------------------------------------------------------
    def set_config_provider(self, provider: Callable[[], Any]) -> None:
        """``provider()`` returns the ``TrainConfig`` of the window's current choices."""
        self._config_provider = provider

    def _run_config(self) -> Any:
        if self._config_provider is None:
            raise RuntimeError("no configuration provider")
        return self._config_provider()

    def set_data_pending_probe(self, probe: Callable[[], bool]) -> None:
        """``probe()`` is True while the data file is still loading: Start then waits for it."""
        self._data_pending = probe

    def data_ready(self) -> None:
        """The data file has loaded: start the run that Start asked for while it loaded."""
        if self.controls.pending:
            self.controls.set_pending(False, self._resume_dir is not None)
            self.start()

    def data_failed(self) -> None:
        """The data file could not be loaded: forget a waiting Start (the error is shown)."""
        if self.controls.pending:
            self.controls.set_pending(False, self._resume_dir is not None)
            self.status.state_label.clear()

    @property
    def start_pending(self) -> bool:
        """True while Start waits for the data file to load (Stop cancels it)."""
        return self.controls.pending

    @property
    def is_running(self) -> bool:
        return self._worker is not None

    @property
    def worker(self) -> TrainingWorker | None:
        return self._worker

    @property
    def run_dir(self) -> str | None:
        return self._run_dir

    @property
    def resumable_run(self) -> str | None:
        return self._resume_dir

    def hyperparameters(self) -> dict[str, Any]:
        """The ``TrainConfig`` fields this tab decides."""
        return self.settings.values()

    def apply_report(self, report: dict[str, Any]) -> None:
        """Defaults from the data: the suggested max length. The window calls this when the
        data and the model's tokenizer have loaded for the current choices: from then on
        the run's duration can be measured."""
        suggested = report.get("suggested_max_length")
        if suggested:
            self.settings.suggest_max_length(int(suggested))
        self.status.data_measured()

    def set_task(self, task: str) -> None:
        """The data's task changed: the settings start from its own defaults."""
        self.settings.set_task(task)

    def set_strategy(self, strategy: str) -> None:
        self.settings.set_strategy(strategy)
        self.status.settings_changed()

    def list_devices(self) -> None:
        """Fill the device picker off the GUI thread (it needs torch)."""
        self.settings.list_devices()

    # ----- running -----------------------------------------------------------------------
    def start(self) -> None:
        """Start a new run with the window's current choices."""
        if self.is_running:
            return
        if self._data_pending():
            # pressed at once after opening a file (or on a first launch): go when it is read
            self.status.estimator.cancel()
            self.controls.set_pending(True, self._resume_dir is not None)
            self.status.state_label.setText(self.tr("Starting when the data has loaded"))
            return
        try:
            config = self._run_config()
            config.validate()
        except Exception as exc:  # noqa: BLE001 - shown in words, nothing starts
            self.errorOccurred.emit(exc)
            return
        from gui.language_dialog import check_language_before_start

        # a model that does not read the data's language: ask first (go on, switch, import)
        if not check_language_before_start(self.window()):
            return
        # on battery, a long run (or one not measured yet) asks before it starts
        if not self.status.battery_allows(config):
            return
        self.start_run(config)

    def resume(self) -> None:
        """Resume the current stopped, failed or interrupted run."""
        if self.is_running or not self._resume_dir:
            return
        from engine.config import TrainConfig
        from engine.run_folder import RunFolder

        try:
            config = TrainConfig.load(RunFolder(self._resume_dir).config_path)
        except Exception as exc:  # noqa: BLE001
            self.errorOccurred.emit(exc)
            return
        self.start_run(config.replace(output=self._resume_dir), resume=True)

    def start_run(self, config: Any, *, resume: bool = False) -> TrainingWorker | None:
        """Run ``engine.training.train(config)`` in its own thread."""
        if self.is_running:
            return None
        self.status.run_starting(config, resume=resume)
        self.plots.ensure_plots()
        self.plots.clear()
        self._clear_results()
        self._run_dir = config.output if resume else None
        self.runStarting.emit()
        worker = TrainingWorker(config, resume=resume)
        worker.event.connect(self.on_event)
        worker.errored.connect(self._on_error)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self._set_running(True)
        start_worker(worker)
        self.plots.start()
        return worker

    def request_stop(self) -> None:
        """Graceful stop: the run finishes its step and keeps a checkpoint. A Start still
        waiting for the data file is simply cancelled."""
        if self.controls.pending:
            self.controls.set_pending(False, self._resume_dir is not None)
            self.status.state_label.setText(self.tr("Start cancelled."))
            return
        if self._worker is None:
            return
        self._worker.stop.set()
        self.controls.show_stopping()
        self.status.state_label.setText(
            self.tr("Stopping: finishing the current step and saving a checkpoint…")
        )

    def _set_running(self, running: bool) -> None:
        self.controls.set_running(running, self._resume_dir is not None)

    def _on_error(self, exc: BaseException) -> None:
        self.status.state_label.setText(self.tr("The run failed: see the message above."))
        self.errorOccurred.emit(exc)

    def _on_finished(self) -> None:
        self._worker = None
        self.plots.stop()
        self._set_running(False)
        self.status.run_ended()
        self.runEnded.emit()

    # ----- events ------------------------------------------------------------------------
    def on_event(self, event: Any) -> None:
        """Turn one engine event into what the window shows (GUI thread)."""
        from engine import events as ev

        self.status.show_event(event)
        if isinstance(event, ev.ReportReady):
            self.reportReady.emit(event.report, event.model)
        elif isinstance(event, ev.RunStarted):
            self._run_dir = event.run_dir
            self._labels = tuple(event.labels)
            self.plots.clear()
            self.plots.load_history(event.history)
        elif isinstance(event, ev.StepLogged):
            self.plots.add_train(event.step, event.loss)
        elif isinstance(event, ev.Evaluated):
            self.plots.add_eval(event.step, event.loss, event.accuracy, event.macro_f1)
        elif isinstance(event, ev.RunFinished):
            self._resume_dir = None
            self.results.show_run(event.run_dir, event.metrics)
            self.modelSaved.emit(event.model_dir)
        elif isinstance(event, ev.RunStopped):
            self._resume_dir = event.run_dir if event.checkpoint else None
            if event.model_dir:
                self.modelSaved.emit(event.model_dir)
        elif isinstance(event, ev.RunFailed) and event.run_dir:
            from engine.run_folder import RunFolder

            self._run_dir = event.run_dir
            if RunFolder(event.run_dir).last_checkpoint is not None:
                self._resume_dir = event.run_dir
        self.controls.open_folder_button.setEnabled(self._run_dir is not None)

    # ----- results -------------------------------------------------------------------------
    def _clear_results(self) -> None:
        self.results.clear(self.tr("The results appear here when the run ends."))

    def show_results(self, metrics: dict[str, Any]) -> None:
        """The final metrics, the confusion matrix and the per-class table."""
        self.results.show_metrics(metrics, self._labels)

    # ----- an existing run ------------------------------------------------------------------
    def show_run(self, run_dir: str) -> Any:
        """Show a past run (curves, results) and offer Resume where it can continue.

        Returns its ``RunInfo``; raises ``RunFolderError`` when it is not a Strop run."""
        from engine.runs import open_run

        info = open_run(Path(run_dir))
        if self.is_running:
            return info
        self.plots.clear()
        self._clear_results()
        self._run_dir = str(info.path)
        self.plots.load_history(info.folder.records)
        if info.folder.metrics:
            self.results.show_run(info.path, info.folder.metrics)
        self._resume_dir = str(info.path) if info.resumable else None
        self.status.show_past_run(info, self._resume_dir is not None)
        self.controls.open_folder_button.setEnabled(True)
        self._set_running(False)
        return info

    def open_run_folder(self) -> None:
        if self._run_dir:
            dialogs.reveal(self._run_dir)

    def export_config(self) -> str | None:
        """Write the run config as JSON and show the commands that run it headless."""
        try:
            config = self._run_config().validate()
            return export_run_config(self, config, self.settings.gpu_count())
        except Exception as exc:  # noqa: BLE001 - a ConfigError naming the file
            self.errorOccurred.emit(exc)
            return None

    # ----- settings --------------------------------------------------------------------------
    def save_settings(self, settings: QSettings) -> None:
        self.settings.save(settings)

    def restore_settings(self, settings: QSettings) -> None:
        self.settings.restore(settings)
