"""The Training tab: settings, Start / Stop / Resume, live curves, and the results.

One run at a time, in one ``TrainingWorker`` on one ``QThread``. Engine events arrive as
signals; points go into numpy buffers and a timer redraws at most 20 times a second. Stop
sets the worker's ``threading.Event`` directly: the run finishes its step, writes a
checkpoint, and the button reads "Stopping…" until the worker reports ``RunStopped``.

Laptop-aware (issue 14, ``gui/run_estimate.py``): before Start, ``runEstimateLabel`` says how
long the run will take on this computer, from a few steps timed in the background once the
data and the model have loaded (cancelled by Start, re-measured when a setting changes),
refined as the run goes; ``keepAwakeLabel`` says whether the computer is kept from sleeping
while the run trains; on battery, Start asks before a run estimated over 10 minutes
(``batteryWarning``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui import dialogs, run_estimate
from gui.results_view import ResultsView, duration
from gui.settings_form import SettingsForm
from gui.worker import TrainingWorker, run_task, start_worker

REDRAW_MS = 50  # at most 20 redraws a second


def export_commands(config_path: str, nproc: int = 2) -> dict[str, str]:
    """The commands that run an exported config headless (``engine.launch`` when present)."""
    try:
        from engine.launch import launch_commands
    except ImportError:
        return {"single": f"python main.py train --config {config_path}"}
    return dict(launch_commands(config_path, nproc))


def write_config(config: Any, path: str) -> Any:
    """Write the run config for a headless run; returns what was written."""
    try:
        from engine.launch import export_config
    except ImportError:
        exported = config.validate().with_absolute_paths()
        exported.save(path)
        return exported
    return export_config(config, path)


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
        self._start_when_data_ready = False
        self._worker: TrainingWorker | None = None
        self._run_dir: str | None = None
        self._resume_dir: str | None = None
        self._total_steps = 0
        self._labels: tuple[str, ...] = ()
        self._suggested_max_length: int | None = None
        self._wanted_device: str | None = None
        self.events_seen = 0
        # the data and model the last dataset report was for: the estimate waits for them
        self._ready_for: tuple[Any, ...] | None = None
        self._run_estimate: Any = None  # the estimate measured for the training run
        self._run_started_at = 0.0
        self._final_text = ""  # the finished run's time, shown until the settings change
        self._watching_window: QWidget | None = None

        # ----- hyperparameters: generated from the settings' declaration -----
        self.form = SettingsForm()
        self.epochs_spin = self.form.widget("epochs")
        self.batch_spin = self.form.widget("batch_size")
        self.lr_spin = self.form.widget("learning_rate")
        self.max_length_spin = self.form.widget("max_length")
        self.warmup_spin = self.form.widget("warmup_ratio")
        self.decay_spin = self.form.widget("weight_decay")
        self.accum_spin = self.form.widget("gradient_accumulation")
        self.patience_spin = self.form.widget("early_stopping_patience")
        self.seed_spin = self.form.widget("seed")
        self.max_steps_spin = self.form.widget("max_steps")
        self.device_combo = self.form.widget("device")
        self.precision_combo = self.form.widget("precision")
        self.device_combo.currentIndexChanged.connect(
            lambda _i: self.deviceChanged.emit(self.device_combo.currentText())
        )
        for combo in (self.device_combo, self.precision_combo):
            # as wide as the column, not as the longest choice (a device name, a precision's
            # explanation): the settings column must fit beside the plots from the window's
            # minimum size up
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)

        form_box = QGroupBox(self.tr("Settings"))
        box_layout = QVBoxLayout(form_box)
        box_layout.addWidget(self.form)
        for widget in self.form.widgets.values():  # any change: measure the run again
            changed: Any = widget  # a spin box (valueChanged) or a list (currentIndexChanged)
            signal = getattr(changed, "valueChanged", None) or changed.currentIndexChanged
            signal.connect(self._settings_changed)

        # ----- buttons -----
        self.start_button = QPushButton(self.tr("Start training"))
        self.start_button.setObjectName("startTrainingButton")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setObjectName("stopTrainingButton")
        self.stop_button.setToolTip(
            self.tr("Finish the current step, save a checkpoint and the model so far, and stop.")
        )
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.request_stop)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.setObjectName("resumeTrainingButton")
        self.resume_button.setToolTip(
            self.tr("Continue the stopped or interrupted run from its last checkpoint.")
        )
        self.resume_button.setEnabled(False)
        self.resume_button.clicked.connect(self.resume)
        self.export_button = QPushButton(self.tr("Export run config…"))
        self.export_button.setObjectName("exportConfigButton")
        self.export_button.setToolTip(
            self.tr("Save these settings as a JSON file that runs unchanged from the command line.")
        )
        self.export_button.clicked.connect(self.export_config)
        self.open_folder_button = QPushButton(self.tr("Open run folder"))
        self.open_folder_button.setObjectName("openRunFolderButton")
        self.open_folder_button.setEnabled(False)
        self.open_folder_button.clicked.connect(self.open_run_folder)
        buttons = QVBoxLayout()
        row = QHBoxLayout()
        row.addWidget(self.start_button)
        row.addWidget(self.stop_button)
        row.addWidget(self.resume_button)
        buttons.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addWidget(self.open_folder_button)
        buttons.addLayout(row)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(form_box)
        left_layout.addLayout(buttons)
        left_layout.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setObjectName("trainingSettingsScroll")
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_scroll.setWidget(left)
        left_scroll.setMinimumWidth(380)  # the spin boxes show "Auto (5e-05 for this strategy)"
        left_scroll.setMaximumWidth(430)

        # ----- progress -----
        self.state_label = QLabel(self.tr("Ready. Open a data file, then press Start training."))
        self.state_label.setObjectName("runStateLabel")
        self.state_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("trainingProgressBar")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("%v / %m steps"))
        self.detail_label = QLabel()
        self.detail_label.setObjectName("trainingDetailLabel")
        self.estimate_label = QLabel()
        self.estimate_label.setObjectName("runEstimateLabel")
        self.estimate_label.setWordWrap(True)
        self.keep_awake_label = QLabel()
        self.keep_awake_label.setObjectName("keepAwakeLabel")
        self.keep_awake_label.setWordWrap(True)
        self.keep_awake_label.hide()
        self.estimator = run_estimate.RunEstimator(self._estimate_config, self._may_estimate, self)
        self.estimator.changed.connect(self._show_estimate)

        # ----- curves (created after the window is shown: pyqtgraph loads then) -----
        self.loss_plot: Any = None
        self.metric_plot: Any = None
        self.buffers: dict[str, Any] = {}
        self.curves: dict[str, Any] = {}
        self.redraws = 0
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(self.redraw)

        # ----- results -----
        self.results = ResultsView(
            "trainingResults", "finalMetricsLabel", "confusionMatrixTable", "perClassTable"
        )
        self.results.errorOccurred.connect(self.errorOccurred.emit)
        self.metrics_label = self.results.metrics_label
        self.confusion_table = self.results.confusion_table
        self.per_class_table = self.results.per_class_table
        self._clear_results()

        plots = QWidget()
        plots_layout = QHBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        self._plots_layout = plots_layout
        right_split = QSplitter(Qt.Orientation.Vertical)
        right_split.addWidget(plots)
        right_split.addWidget(self.results)
        right_split.setStretchFactor(0, 3)
        right_split.setStretchFactor(1, 2)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.state_label)
        right_layout.addWidget(self.progress)
        right_layout.addWidget(self.detail_label)
        right_layout.addWidget(self.estimate_label)
        right_layout.addWidget(self.keep_awake_label)
        right_layout.addWidget(right_split, 1)

        layout = QHBoxLayout(self)
        layout.addWidget(left_scroll)
        layout.addWidget(right, 1)

    def ensure_plots(self) -> None:
        """Create the curves (importing pyqtgraph) once; the window calls it after showing."""
        if self.loss_plot is not None:
            return
        from gui.plots import Buffer, curve_plots, run_curves

        self.loss_plot, self.metric_plot = curve_plots(
            self,
            "lossPlot",
            "accuracyPlot",
            self.tr("Validation scores (higher is better)"),  # the legend names them
        )
        self.buffers = {
            "train_loss": Buffer(),
            "eval_loss": Buffer(64),
            "accuracy": Buffer(64),
            "macro_f1": Buffer(64),
        }
        self.curves = run_curves(self.loss_plot, self.metric_plot)
        self._plots_layout.addWidget(self.loss_plot)
        self._plots_layout.addWidget(self.metric_plot)

    # ----- wiring ----------------------------------------------------------------------
    def set_config_provider(self, provider: Callable[[], Any]) -> None:
        """``provider()`` returns the ``TrainConfig`` of the window's current choices."""
        self._config_provider = provider

    def set_data_pending_probe(self, probe: Callable[[], bool]) -> None:
        """``probe()`` is True while the data file is still loading: Start then waits for it."""
        self._data_pending = probe

    def data_ready(self) -> None:
        """The data file has loaded: start the run that Start asked for while it loaded."""
        if self._start_when_data_ready:
            self._set_start_pending(False)
            self.start()

    def data_failed(self) -> None:
        """The data file could not be loaded: forget a waiting Start (the error is shown)."""
        if self._start_when_data_ready:
            self._set_start_pending(False)
            self.state_label.clear()

    @property
    def start_pending(self) -> bool:
        """True while Start waits for the data file to load (Stop cancels it)."""
        return self._start_when_data_ready

    def _set_start_pending(self, pending: bool) -> None:
        """A waiting Start looks like what it is, a run about to begin: Start is off and
        Stop, on, cancels it."""
        self._start_when_data_ready = pending
        self._set_running(pending)
        if pending:
            self.state_label.setText(self.tr("Starting when the data has loaded"))

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
        return self.form.values()

    def apply_report(self, report: dict[str, Any]) -> None:
        """Defaults from the data: the suggested max length. The window calls this when the
        data and the model's tokenizer have loaded for the current choices: from then on
        the run's duration can be measured."""
        suggested = report.get("suggested_max_length")
        if suggested:
            self._suggested_max_length = int(suggested)
            self.max_length_spin.setSpecialValueText(
                self.tr("Auto ({n} from the data)").format(n=int(suggested))
            )
        self._ready_for = self._current_data_and_model()
        self._watch_window()
        self.estimator.schedule()
        self._show_estimate()

    def set_strategy(self, strategy: str) -> None:
        from engine.config import DEFAULT_LEARNING_RATES, Strategy

        try:
            kind = Strategy.parse(strategy).kind
        except Exception:  # noqa: BLE001
            return
        self.lr_spin.setSpecialValueText(
            self.tr("Auto ({lr:g} for this strategy)").format(lr=DEFAULT_LEARNING_RATES[kind])
        )
        self._settings_changed()

    # ----- devices ---------------------------------------------------------------------
    def list_devices(self) -> None:
        """Fill the device picker off the GUI thread (it needs torch)."""
        from engine.device import available_devices

        run_task(
            available_devices,
            on_result=self._devices_ready,
            on_error=self.errorOccurred.emit,
            owner=self,
        )

    def _devices_ready(self, devices: list[Any]) -> None:
        current = self._wanted_device or self.device_combo.currentData()
        self._wanted_device = None
        self.device_combo.blockSignals(True)
        while self.device_combo.count() > 1:
            self.device_combo.removeItem(1)
        from gui.i18n import device_text

        for device in devices:
            self.device_combo.addItem(device_text(device), device.key)
        index = self.device_combo.findData(current)
        self.device_combo.setCurrentIndex(max(0, index))
        self.device_combo.blockSignals(False)
        best = device_text(devices[0]) if devices else ""
        self.device_combo.setItemText(
            0, self.tr("Automatic ({best})").format(best=best) if best else self.tr("Automatic")
        )
        self.devicesListed.emit(devices)
        self.deviceChanged.emit(self.device_combo.currentText())

    # ----- running -----------------------------------------------------------------------
    def start(self) -> None:
        """Start a new run with the window's current choices."""
        if self.is_running:
            return
        if self._data_pending():
            # pressed at once after opening a file (or on a first launch): go when it is read
            self.estimator.cancel()
            self._set_start_pending(True)
            return
        try:
            if self._config_provider is None:
                raise RuntimeError("no configuration provider")
            config = self._config_provider()
            config.validate()
        except Exception as exc:  # noqa: BLE001 - shown in words, nothing starts
            self.errorOccurred.emit(exc)
            return
        from gui.language_dialog import check_language_before_start

        # a model that does not read the data's language: ask first (go on, switch, import)
        if not check_language_before_start(self.window()):
            return
        # on battery, a long run (or one not measured yet) asks before it starts
        if not self._battery_allows(config):
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
        # the measurement costs CPU and must never hold up a run: cancel it, keep its result
        self.estimator.cancel()
        self._run_estimate = None if resume else self.estimator.estimate_for(config)
        self._run_started_at = time.monotonic()
        self._final_text = ""
        self.estimate_label.setText(
            run_estimate.estimate_text(self._run_estimate) if self._run_estimate else ""
        )
        self.keep_awake_label.clear()
        self.keep_awake_label.hide()
        self.ensure_plots()
        self._clear_curves()
        self._clear_results()
        self._run_dir = config.output if resume else None
        self._total_steps = 0
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.detail_label.clear()
        self.state_label.setText(self.tr("Preparing…"))
        self.runStarting.emit()
        worker = TrainingWorker(config, resume=resume)
        worker.event.connect(self.on_event)
        worker.errored.connect(self._on_error)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self._set_running(True)
        start_worker(worker)
        self._redraw_timer.start()
        return worker

    def request_stop(self) -> None:
        """Graceful stop: the run finishes its step and keeps a checkpoint. A Start still
        waiting for the data file is simply cancelled."""
        if self._start_when_data_ready:
            self._set_start_pending(False)
            self.state_label.setText(self.tr("Start cancelled."))
            return
        if self._worker is None:
            return
        self._worker.stop.set()
        self.stop_button.setEnabled(False)
        self.stop_button.setText(self.tr("Stopping…"))
        self.state_label.setText(
            self.tr("Stopping: finishing the current step and saving a checkpoint…")
        )

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.stop_button.setText(self.tr("Stop"))
        self.resume_button.setEnabled(not running and self._resume_dir is not None)
        self.export_button.setEnabled(not running)

    def _on_error(self, exc: BaseException) -> None:
        self.state_label.setText(self.tr("The run failed: see the message above."))
        self.errorOccurred.emit(exc)

    def _on_finished(self) -> None:
        self._worker = None
        self._redraw_timer.stop()
        self.redraw()
        self._set_running(False)
        self.keep_awake_label.clear()
        self.keep_awake_label.hide()
        self._run_estimate = None
        if not self._final_text:  # stopped or failed: back to the estimate before Start
            self._show_estimate()
            self.estimator.schedule()
        self.runEnded.emit()

    # ----- events ------------------------------------------------------------------------
    def on_event(self, event: Any) -> None:
        """Turn one engine event into what the window shows (GUI thread)."""
        from engine import events as ev

        self.events_seen += 1
        if isinstance(event, ev.PhaseChanged):
            from gui.i18n import phase_text

            self.state_label.setText(phase_text(event.phase, event.message) + "…")
        elif isinstance(event, ev.ReportReady):
            self.reportReady.emit(event.report, event.model)
        elif isinstance(event, ev.RunStarted):
            self._on_started(event)
        elif isinstance(event, ev.PowerChecked):
            text, tip = run_estimate.awake_text(event)
            self.keep_awake_label.setText(text)
            self.keep_awake_label.setToolTip(tip)
            self.keep_awake_label.show()
        elif isinstance(event, ev.StepLogged):
            self._refine_estimate(event)
            self.buffers["train_loss"].append(event.step, event.loss)
            self.progress.setMaximum(max(1, event.total_steps))
            self.progress.setValue(min(event.step, event.total_steps))
            # the time left is runEstimateLabel's (refined from the estimate), said once
            self.detail_label.setText(
                self.tr("epoch {epoch:.2f} · loss {loss:.4f} · {sps:.1f} samples/s").format(
                    epoch=event.epoch, loss=event.loss, sps=event.samples_per_second
                )
            )
        elif isinstance(event, ev.Evaluated):
            self._add_eval(event.step, event.loss, event.accuracy, event.macro_f1)
        elif isinstance(event, ev.CheckpointSaved):
            self.state_label.setText(
                self.tr("Training… (checkpoint saved at step {step})").format(step=event.step)
            )
        elif isinstance(event, ev.RunFinished):
            self._resume_dir = None
            self.state_label.setText(
                self.tr("Finished. The model is in {path}").format(path=event.model_dir)
            )
            self.progress.setValue(self.progress.maximum())
            self.detail_label.setText(
                self.tr("{steps:,} steps in {time}").format(
                    steps=int(event.metrics.get("step", self.progress.maximum())),
                    time=duration(event.metrics.get("train_seconds")),
                )
            )
            self.results.show_run(event.run_dir, event.metrics)
            self._final_text = run_estimate.finished_text(
                time.monotonic() - self._run_started_at, self._run_estimate
            )
            self.estimate_label.setText(self._final_text)
            self.modelSaved.emit(event.model_dir)
        elif isinstance(event, ev.RunStopped):
            self._resume_dir = event.run_dir if event.checkpoint else None
            where = (
                self.tr("checkpoint {name} is kept: press Resume to continue.").format(
                    name=Path(event.checkpoint).name
                )
                if event.checkpoint
                else self.tr("no checkpoint yet, so it cannot be resumed.")
            )
            self.state_label.setText(
                self.tr("Stopped at step {step}; {where}").format(step=event.step, where=where)
            )
            if event.model_dir:
                self.modelSaved.emit(event.model_dir)
        elif isinstance(event, ev.RunFailed) and event.run_dir:
            from engine.run_folder import RunFolder

            self._run_dir = event.run_dir
            if RunFolder(event.run_dir).last_checkpoint is not None:
                self._resume_dir = event.run_dir
        self.open_folder_button.setEnabled(self._run_dir is not None)

    # ----- how long, awake, battery ------------------------------------------------------
    def _estimate_config(self) -> Any:
        if self._config_provider is None:
            raise RuntimeError("no configuration provider")
        return self._config_provider()

    def _current_data_and_model(self) -> tuple[Any, ...] | None:
        try:
            return run_estimate.data_and_model_key(self._estimate_config())
        except Exception:  # noqa: BLE001 - no usable choices yet
            return None

    def _may_estimate(self) -> bool:
        """A measurement may start: the window shows, no run trains, and the data and the
        model of the current choices have loaded (their report arrived)."""
        return (
            self.window().isVisible()
            and not self.is_running
            and not self._start_when_data_ready
            and not self._data_pending()
            and self._ready_for is not None
            and self._ready_for == self._current_data_and_model()
        )

    def _settings_changed(self, *_: Any) -> None:
        if self._ready_for is not None:
            self.estimator.schedule()
            self._show_estimate()  # an estimate for other settings no longer shows

    def _show_estimate(self) -> None:
        """``runEstimateLabel`` before Start: measuring, the estimate, or why there is none."""
        if self.is_running:
            return
        est = self.estimator
        if self._final_text:
            if not est.measuring:
                self.estimate_label.setText(self._final_text)
                return
            self._final_text = ""
        try:
            config = self._estimate_config()
        except Exception:  # noqa: BLE001
            config = None
        estimate = est.estimate_for(config) if config is not None else None
        self.estimate_label.setToolTip("")
        if estimate is not None:
            self.estimate_label.setText(run_estimate.estimate_text(estimate))
            self.estimate_label.setToolTip(
                self.tr("Measured by timing a few training steps of this model on this data.")
            )
        elif est.measuring:
            self.estimate_label.setText(
                self.tr("Measuring how long this run takes on this computer…")
            )
        elif (
            est.error is not None
            and config is not None
            and est.key == (run_estimate.config_key(config))
        ):
            self.estimate_label.setText(self.tr("Could not measure how long this run takes."))
            self.estimate_label.setToolTip(str(est.error))
        else:
            self.estimate_label.clear()

    def _refine_estimate(self, event: Any) -> None:
        """While training: the estimate corrected by the run's own pace (or the run's own
        guess of the time left when nothing was measured before Start)."""
        if self._run_estimate is not None:
            from engine.estimate import refine

            refined = refine(self._run_estimate, event.step, event.elapsed)
            self.estimate_label.setText(run_estimate.progress_text(refined))
        elif event.eta is not None:
            self.estimate_label.setText(
                self.tr("About {t} left (not measured before Start).").format(
                    t=run_estimate.rough_duration(event.eta)
                )
            )

    def _battery_allows(self, config: Any) -> bool:
        """On battery, a run estimated over 10 minutes (or not measured yet) asks first."""
        if run_estimate.battery_state() is not True:
            return True
        measured = self.estimator.estimate_for(config)
        known = measured if measured is not None else self.estimator.estimate
        question = run_estimate.battery_question(
            known.total if known is not None else None, measured_for_this=measured is not None
        )
        return question is None or run_estimate.ask_battery(self, question)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """The tab shows: measure now if the settings changed; watch the window's closing."""
        super().showEvent(event)
        self._watch_window()
        if self._ready_for is not None:
            self.estimator.schedule()

    def _watch_window(self) -> None:
        """Hear when the window hides (closes), whichever tab shows then."""
        top = self.window()
        if top is not self and top is not self._watching_window:
            top.installEventFilter(self)
            self._watching_window = top

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        super().hideEvent(event)
        if not self.window().isVisible():
            self.estimator.cancel()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """The window hides (closes): stop measuring, so closing never waits for it."""
        if watched is self._watching_window and event.type() == QEvent.Type.Hide:
            self.estimator.cancel()
        return super().eventFilter(watched, event)

    def _on_started(self, event: Any) -> None:
        self._run_dir = event.run_dir
        self._total_steps = event.total_steps
        self._labels = tuple(event.labels)
        self.progress.setMaximum(max(1, event.total_steps))
        self.progress.setValue(event.resumed_from_step)
        resumed = (
            self.tr(", resumed from step {step}").format(step=event.resumed_from_step)
            if event.resumed_from_step
            else ""
        )
        self.state_label.setText(
            self.tr(
                "Training on {device} ({precision}): {train:,} texts, {val:,} for validation, "
                "{steps:,} steps of {batch} texts{resumed}."
            ).format(
                device=event.device,
                precision=event.precision,
                train=event.num_train,
                val=event.num_validation,
                steps=event.total_steps,
                batch=event.effective_batch_size,
                resumed=resumed,
            )
        )
        self._clear_curves()
        self.load_history(event.history)

    def load_history(self, records: Any) -> None:
        """Draw the records of a ``metrics.jsonl`` (after a resume, or an opened run)."""
        self.ensure_plots()
        for record in records:
            kind = record.get("type")
            if kind == "train" and "loss" in record:
                self.buffers["train_loss"].append(record["step"], record["loss"])
            elif kind == "eval":
                self._add_eval(
                    record["step"],
                    record.get("eval_loss", float("nan")),
                    record.get("accuracy", float("nan")),
                    record.get("macro_f1", float("nan")),
                )
        self.redraw()

    def _add_eval(self, step: float, loss: float, accuracy: float, macro_f1: float) -> None:
        self.buffers["eval_loss"].append(step, loss)
        self.buffers["accuracy"].append(step, accuracy)
        self.buffers["macro_f1"].append(step, macro_f1)

    def redraw(self) -> None:
        """Push buffered points to the curves (called by the timer, at most 20 times/s)."""
        drew = False
        for key, buffer in self.buffers.items():
            if buffer.dirty:
                x, y = buffer.view()
                self.curves[key].setData(x, y)
                buffer.dirty = False
                drew = True
        if drew:
            self.redraws += 1

    def _clear_curves(self) -> None:
        for buffer in self.buffers.values():
            buffer.clear()
        self.redraw()

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
        folder = info.folder
        self._clear_curves()
        self._clear_results()
        self._run_dir = str(info.path)
        total = int(folder.status.get("total_steps") or info.last_step or 0)
        self.progress.setRange(0, max(1, total))  # where the run got to
        self.progress.setValue(min(int(info.last_step or 0), max(1, total)))
        self.detail_label.clear()
        self.load_history(folder.records)
        metrics = folder.metrics
        if metrics:
            self.results.show_run(info.path, metrics)
        self._resume_dir = str(info.path) if info.resumable else None
        from gui.i18n import run_state_text

        state = run_state_text(info.state.value)
        text = self.tr("Run {name}: {state}.").format(name=info.name, state=state)
        if self._resume_dir:
            text += " " + self.tr("Press Resume to continue from step {step}.").format(
                step=info.last_step
            )
        self.state_label.setText(text)
        self.open_folder_button.setEnabled(True)
        self._set_running(False)
        return info

    def open_run_folder(self) -> None:
        if self._run_dir:
            dialogs.reveal(self._run_dir)

    # ----- export ------------------------------------------------------------------------------
    def export_config(self) -> str | None:
        """Write the run config as JSON and show the commands that run it headless."""
        try:
            if self._config_provider is None:
                raise RuntimeError("no configuration provider")
            config = self._config_provider().validate()
        except Exception as exc:  # noqa: BLE001
            self.errorOccurred.emit(exc)
            return None
        path = dialogs.save_file(
            self, self.tr("Export run config"), self.tr("Run config (*.json)"), "run.json"
        )
        if not path:
            return None
        try:
            write_config(config, path)
        except Exception as exc:  # noqa: BLE001 - a ConfigError naming the file
            self.errorOccurred.emit(exc)
            return None
        gpus = sum(
            1
            for i in range(self.device_combo.count())
            if str(self.device_combo.itemData(i)).startswith("cuda")
        )
        commands = export_commands(path, max(2, gpus))
        names = {
            "single": self.tr("One process:"),
            "torchrun": self.tr("Several processes or GPUs with torchrun:"),
            "accelerate": self.tr("With accelerate:"),
        }
        text = "\n\n".join(f"# {names.get(k, k)}\n{v}" for k, v in commands.items())
        dialogs.show_text(
            self,
            self.tr("Run config exported"),
            self.tr("Saved {path}. Run it without the window, from the project folder:").format(
                path=path
            ),
            text,
        )
        return path

    # ----- settings --------------------------------------------------------------------------
    def save_settings(self, settings: QSettings) -> None:
        self.form.save(settings)

    def restore_settings(self, settings: QSettings) -> None:
        pending = self.form.restore(settings)
        if "device" in pending:  # listed once the devices are known
            self._wanted_device = pending["device"]
