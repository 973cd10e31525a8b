"""The main window: four tabs (Dataset, Model, Training, Prediction), menus, status bar,
the error banner, drag and drop, settings, and a bounded shutdown.

It is the only place that knows every tab: it assembles the ``TrainConfig`` from their
choices, computes the dataset report (off the GUI thread) when the data or the model
change, and routes every error to the one banner.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QTabWidget, QVBoxLayout, QWidget

from engine import imports
from gui import dialogs
from gui.dataset_tab import DatasetTab
from gui.error_banner import ErrorBanner
from gui.first_run import FirstRunHint
from gui.model_tab import ModelTab
from gui.prediction_tab import PredictionTab
from gui.runs_tab import RunsTab
from gui.settings import add_recent, make_settings, read_list, read_number
from gui.training_tab import TrainingTab
from gui.worker import run_task, wait_for_threads, warm_up

log = logging.getLogger(__name__)

SHUTDOWN_WAIT_MS = 15_000
#: At start-up the plots and heavy imports wait at most this long for the data file's quick
#: check (which usually answers in milliseconds), so that its findings are shown first.
QUICK_CHECK_WAIT_MS = 500
#: The gap between two steps of the start-up's work on the window's thread (``_in_turns``).
STEP_GAP_MS = 30
MINIMUM_SIZE = (960, 650)


def compute_report(config: Any) -> tuple[dict[str, Any], Any]:
    """The dataset report for ``config`` (data + model tokenizer), and the ``ModelInfo``."""
    from engine.training import prepare_run

    prepared = prepare_run(config)
    return prepared.report.to_dict(), prepared.info


def about_html() -> str:
    from PySide6.QtCore import QCoreApplication

    paragraphs = (
        QCoreApplication.translate(
            "MainWindow",
            "Fine-tune a pre-trained model on your own labelled texts, named entities or "
            "photos, on your own computer, offline.",
        ),
        QCoreApplication.translate(
            "MainWindow",
            "<b>Built with</b> PySide6 (Qt for Python, LGPL-3.0), pyqtgraph (MIT), PyTorch "
            "(BSD-3-Clause), Hugging Face transformers, datasets, accelerate and safetensors "
            "(Apache-2.0), scikit-learn (BSD-3-Clause) and platformdirs (MIT).",
        ),
        QCoreApplication.translate(
            "MainWindow",
            "<b>Bundled data</b><br>"
            "Starter model: all-MiniLM-L6-v2 (sentence-transformers), Apache-2.0.<br>"
            "Sample data: UCI Sentiment Labelled Sentences, CC BY 4.0: D. Kotzias, M. Denil, "
            "N. de Freitas, P. Smyth, <i>From Group to Individual Labels using Deep Features</i>, "
            "KDD 2015.",
        ),
    )
    return "<h3>Strop</h3>" + "".join(f"<p>{p}</p>" for p in paragraphs)


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setWindowTitle("Strop")
        self.settings = settings if settings is not None else make_settings()
        self._closing = False
        self._closed = False
        self._model_spec = "starter"
        self._report_running = False
        self._report_again = False
        self.errors_shown: list[str] = []

        self.banner = ErrorBanner()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.dataset_tab = DatasetTab()
        self.model_tab = ModelTab()
        self.training_tab = TrainingTab()
        self.prediction_tab = PredictionTab()
        self.tabs.addTab(self.dataset_tab, self.tr("Dataset"))
        self.tabs.addTab(self.model_tab, self.tr("Model"))
        self.tabs.addTab(self.training_tab, self.tr("Training"))
        self.tabs.addTab(self.prediction_tab, self.tr("Prediction"))
        self.runs_tab = RunsTab(self.settings)
        self.tabs.addTab(self.runs_tab, self.tr("Runs"))
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.runs_tab.resume_banner)
        self.first_run_hint = FirstRunHint(self.settings)  # the four steps, until dismissed
        self.first_run_hint.stepActivated.connect(self.tabs.setCurrentIndex)
        layout.addWidget(self.first_run_hint)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self._build_menus()
        self._build_status_bar()
        self._report_timer = QTimer(self)
        self._report_timer.setSingleShot(True)
        self._report_timer.setInterval(250)
        self._report_timer.timeout.connect(self.compute_report)

        for tab in (
            self.dataset_tab,
            self.model_tab,
            self.training_tab,
            self.prediction_tab,
            self.runs_tab,
        ):
            tab.errorOccurred.connect(self.show_error)
        self.dataset_tab.datasetOpened.connect(self._dataset_opened)
        self.dataset_tab.openFailed.connect(self._dataset_failed)
        self.dataset_tab.settingsChanged.connect(self._report_timer.start)
        self.model_tab.modelChanged.connect(self._model_changed)
        self.model_tab.strategyChanged.connect(self.training_tab.set_strategy)
        self.model_tab.set_data_provider(self.dataset_tab.data_settings)
        self.dataset_tab.datasetOpened.connect(self.model_tab.data_changed)
        self.training_tab.set_strategy(self.model_tab.strategy())
        self.training_tab.set_config_provider(self.build_config)
        self.training_tab.set_data_pending_probe(lambda: self.dataset_tab.loading)
        self.dataset_tab.datasetOpened.connect(lambda _path: self.training_tab.data_ready())
        self.dataset_tab.errorOccurred.connect(lambda _exc: self.training_tab.data_failed())
        # the data's task (detected, or chosen in taskCombo): its defaults and its model
        self.dataset_tab.task_combo.currentIndexChanged.connect(lambda _i: self._task_changed())
        self.training_tab.reportReady.connect(self._run_report_ready)
        self.training_tab.modelSaved.connect(self._model_saved)
        self.training_tab.runEnded.connect(self._run_ended)
        self.training_tab.deviceChanged.connect(self._device_changed)
        self.training_tab.runStarting.connect(self.banner.dismiss)
        self._wire_runs_tab()

        self.setAcceptDrops(True)
        # below this the Training tab's two plots cannot show their titles beside the
        # settings column (docs/layout_shots.py checks every tab from here up)
        self.setMinimumSize(*MINIMUM_SIZE)
        self.resize(1200, 820)
        self._restore_settings()

    # ----- building -------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.setObjectName("fileMenu")
        self.open_action = QAction(self.tr("&Open dataset…"), self)
        self.open_action.setObjectName("openDatasetAction")
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self.dataset_tab.choose_file)
        self.open_run_action = QAction(self.tr("Open &run…"), self)
        self.open_run_action.setObjectName("openRunAction")
        self.open_run_action.triggered.connect(self.choose_run)
        self.recent_menu = QMenu(self.tr("Recent datasets"), self)
        self.recent_menu.setObjectName("recentMenu")
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setObjectName("quitAction")
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.open_run_action)
        file_menu.addMenu(self.recent_menu)
        file_menu.addMenu(self.model_tab.import_menu)
        file_menu.addSeparator()
        self.settings_action = QAction(self.tr("&Settings…"), self)
        self.settings_action.setObjectName("settingsAction")
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.show_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.setObjectName("helpMenu")
        self.about_action = QAction(self.tr("&About Strop"), self)
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.show_about)
        self.show_log_action = QAction(self.tr("Open &log file"), self)
        self.show_log_action.setObjectName("openLogAction")
        self.show_log_action.triggered.connect(self.show_log)
        self.data_folder_action = QAction(self.tr("Open &data folder"), self)
        self.data_folder_action.setObjectName("openDataFolderAction")
        self.data_folder_action.setToolTip(self.tr("Where Strop keeps its runs and models."))
        self.data_folder_action.triggered.connect(self.show_data_folder)
        help_menu.addAction(self.show_log_action)
        help_menu.addAction(self.data_folder_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        self.status_dataset = QLabel(self.tr("No data"))
        self.status_dataset.setObjectName("statusDataset")
        self.status_model = QLabel(self.tr("Model: starter"))
        self.status_model.setObjectName("statusModel")
        self.status_device = QLabel(self.tr("Device: looking…"))
        self.status_device.setObjectName("statusDevice")
        bar = self.statusBar()
        bar.setObjectName("statusBar")
        bar.addWidget(self.status_dataset, 1)
        bar.addPermanentWidget(self.status_model)
        bar.addPermanentWidget(self.status_device)

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        items = read_list(self.settings, "dataset/recent")
        for path in items:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _checked=False, p=path: self.open_dataset(p))
        self.recent_menu.setEnabled(bool(items))

    def _wire_runs_tab(self) -> None:
        runs = self.runs_tab
        runs.set_training_probe(lambda: (self.training_tab.is_running, self.training_tab.run_dir))
        runs.resumeRequested.connect(self.resume_run)
        runs.predictRequested.connect(self.predict_with)
        runs.retrainRequested.connect(self.retrain_on)
        self.training_tab.results.retrainRequested.connect(self.retrain_on)
        runs.runsChanged.connect(lambda: self.prediction_tab.refresh_models())
        # not a lambda over the window: no reference cycle through it
        self.prediction_tab.training_running = lambda tab=self.training_tab: tab.is_running
        self.training_tab.runStarting.connect(runs.resume_banner.withdraw)
        self.training_tab.runStarting.connect(lambda: runs.refresh())
        self.training_tab.runEnded.connect(lambda: runs.refresh())

    # ----- starting ------------------------------------------------------------------------
    def start(self, dataset: str | None = None, model: str | None = None) -> None:
        """Begin the background work once the window is visible: data, model, devices, runs.

        The data file comes first and the rest one event-loop turn later: its quick checks
        (standard library only) answer in milliseconds, and building the plots and starting
        the heavy imports below hold the GUI thread for seconds on a busy machine, so a bad
        file is named before that, not after."""
        started = False
        # the warm-up's imports wait until the start-up work below is done (_start_background)
        imports.hold()

        def start_background() -> None:
            nonlocal started
            if not started:
                started = True
                # one more turn first, so that what the check found is painted
                QTimer.singleShot(0, lambda: self._start_background(model))

        last = str(self.settings.value("dataset/last", "") or "")
        path = dataset or (last if last and Path(last).exists() else None)
        if path:
            self.dataset_tab.quickChecked.connect(start_background)
            self.open_dataset(path)
            QTimer.singleShot(QUICK_CHECK_WAIT_MS, start_background)  # a slow disk, a big file
        else:
            start_background()
        spec = model or str(self.settings.value("model/spec", "starter") or "starter")
        looks_local = Path(spec).expanduser().is_absolute() or spec.startswith((".", "~"))
        if model is None and looks_local and not Path(spec).expanduser().exists():
            spec = "starter"  # a remembered folder that is gone
        self.model_tab.set_model(spec)

    def _start_background(self, model: str | None) -> None:
        if self._closed:
            return
        # pyqtgraph, then torch, transformers with its Trainer, datasets and scikit-learn's
        # metrics (seconds), in the background now, so that the first Start does not spend
        # that time; the plots are built as soon as pyqtgraph is in (gui.worker.warm_up)
        if getattr(sys.modules.get("gui.plots"), "IMPORTED", False):  # a script driving us
            self._build_plots(at_once=True)
        run_task(warm_up, on_progress=self._warm_up_progress, owner=self, light=True)
        self._in_turns(
            [
                self.training_tab.list_devices,
                self.prediction_tab.refresh_models,
                lambda: self.runs_tab.refresh(offer_resume=True),  # offers to resume a run
                lambda: self._offer_model(model),
                imports.release,  # start's hold: pyqtgraph now, the engine after the plots
            ]
        )

    def _offer_model(self, model: str | None) -> None:
        """A model named on the command line: offered for prediction if it is a Strop model."""
        if model:
            from engine.predict import resolve_model_dir

            if (resolve_model_dir(model) / "strop.json").is_file():
                self.prediction_tab.add_model(model)

    def _in_turns(self, steps: list[Callable[[], None]]) -> None:
        """Call ``steps`` one per event-loop turn, ``STEP_GAP_MS`` apart (until the window
        closes). Start-up work in one turn stalled the window: each step takes 0.02-0.05 s
        alone, twice that while the warm-up competes for the interpreter lock, and with no
        gap (a zero timer) a step and the painting after it ran as one stall of 0.1-0.23 s."""
        if self._closed or not steps:
            return
        steps[0]()
        QTimer.singleShot(STEP_GAP_MS, lambda: self._in_turns(steps[1:]))

    def _warm_up_progress(self, done: int, total: int) -> None:
        if done == 1 and self._closed:
            imports.release()  # warm_up's hold, which the plots' last turn would release
        elif done == 1:
            self._build_plots()

    def _build_plots(self, at_once: bool = False) -> None:
        """Create each tab's plots, one tab a turn (``_in_turns``) or, with ``at_once``, all
        now. A tab that needs its plots sooner (a report or a run arriving first) creates
        them itself; a tab's second call does nothing."""
        steps = [
            self.dataset_tab.ensure_plots,
            self.training_tab.ensure_plots,
            self.runs_tab.ensure_plots,
        ]
        if not at_once:
            self._in_turns([*steps, imports.release])  # warm_up's hold: the engine's turn
            return
        for build in steps:
            build()

    # ----- dataset --------------------------------------------------------------------------
    def open_dataset(self, path: str) -> None:
        self.banner.dismiss()
        self.tabs.setCurrentWidget(self.dataset_tab)
        self.status_dataset.setText(self.tr("Opening {name}…").format(name=Path(path).name))
        self.dataset_tab.open_file(path)

    def retrain_on(self, path: str) -> None:
        """Open a corrected copy of the data and train on it once it has loaded."""
        if self.training_tab.is_running:
            return
        self.open_dataset(path)
        self.training_tab.start()  # pending until the Dataset tab has read the file

    def _dataset_opened(self, path: str) -> None:
        self.status_dataset.setText(
            self.tr("Data: {name} ({rows})").format(
                name=Path(path).name, rows=self.dataset_tab.rows_label.text()
            )
        )
        self.status_dataset.setToolTip(path)
        self.settings.setValue("dataset/last", path)
        add_recent(self.settings, "dataset/recent", path)
        self._refresh_recent()
        self.compute_report()

    def _dataset_failed(self, path: str) -> None:
        """The status bar stops saying "Opening..." once the file turned out unreadable."""
        self.status_dataset.setText(self.tr("Could not open {name}").format(name=Path(path).name))
        self.status_dataset.setToolTip(path)

    # ----- model -----------------------------------------------------------------------------
    def _model_changed(self, spec: str) -> None:
        self._model_spec = spec
        self._show_model()
        self.settings.setValue("model/spec", spec)
        self._report_timer.start()

    def _task_changed(self) -> None:
        """The data's task changed: the Training tab starts from the task's own defaults, and
        the status bar names the model a run of that task uses."""
        task = self.dataset_tab.task
        self.training_tab.set_task(task)
        self.model_tab.set_task(task)
        self.first_run_hint.set_task(task)
        self._apply_task_strategy(task)
        self._show_model()

    def _apply_task_strategy(self, task: str) -> None:
        """The task's own default strategy (``Task.defaults()``, as the CLI applies it: the
        token task trains its top four layers), unless the person chose another: a strategy
        that is some task's default (or the shared one) counts as not chosen."""
        from engine import tasks
        from engine.config import TrainConfig

        defaults = {
            name: tasks.get(name).defaults().get("strategy", TrainConfig.strategy)
            for name in tasks.names()
        }
        current = self.model_tab.strategy()
        if current != TrainConfig.strategy and current not in defaults.values():
            return
        wanted = defaults.get(task, TrainConfig.strategy)
        if wanted != current:
            self.model_tab.set_strategy(wanted)

    def _show_model(self) -> None:
        from engine.models import display_name

        name = display_name(self._model_spec, self.dataset_tab.task)
        self.status_model.setText(self.tr("Model: {name}").format(name=name))
        self.status_model.setToolTip(self._model_spec)

    def _device_changed(self, label: str) -> None:
        self.status_device.setText(self.tr("Device: {label}").format(label=label))
        self.model_tab.set_device_label(label)

    # ----- the report ---------------------------------------------------------------------------
    def build_config(self) -> Any:
        """The ``TrainConfig`` of the current choices in every tab (not yet validated)."""
        from engine.config import TrainConfig

        fields: dict[str, Any] = {}
        fields.update(self.dataset_tab.data_settings())
        fields.update(self.model_tab.model_settings())
        fields.update(self.training_tab.hyperparameters())
        return TrainConfig(**fields)

    def compute_report(self) -> None:
        """Measure the data with the model's tokenizer, off the GUI thread (one at a time)."""
        if self.dataset_tab.path is None or self._closed:
            return
        if self._report_running:
            self._report_again = True
            return
        try:
            config = self.build_config().validate()
        except Exception as exc:  # noqa: BLE001
            self.show_error(exc)
            return
        self._report_running = True
        self._report_again = False
        self.dataset_tab.show_report_pending()
        wanted = (config.task, config.data, config.text_column, config.label_column, config.model)

        def done(result: tuple[dict[str, Any], Any]) -> None:
            report, _info = result
            try:
                current = self.build_config()
                now = (
                    current.task,
                    current.data,
                    current.text_column,
                    current.label_column,
                    current.model,
                )
            except Exception:  # noqa: BLE001
                now = None
            if now == wanted:
                self.dataset_tab.show_report(report)
                self.training_tab.apply_report(report)

        def failed(exc: BaseException) -> None:
            self.dataset_tab.clear_report(self.tr("No report: see the message above."))
            self.show_error(exc)

        def finished() -> None:
            self._report_running = False
            if self._report_again:
                self.compute_report()

        run_task(
            compute_report,
            config,
            on_result=done,
            on_error=failed,
            on_finished=finished,
            owner=self,
        )

    def _run_report_ready(self, report: dict[str, Any], model: dict[str, Any]) -> None:
        if report.get("source") == self.dataset_tab.path:
            self.dataset_tab.show_report(report)
            self.training_tab.apply_report(report)

    # ----- runs ----------------------------------------------------------------------------------
    def _model_saved(self, model_dir: str) -> None:
        self.prediction_tab.refresh_models(select=model_dir)

    def resume_run(self, path: str) -> None:
        """Continue a stopped, failed or interrupted run in the Training tab."""
        if self.training_tab.is_running:
            from engine.errors import StropError

            self.show_error(
                StropError(
                    self.tr("A run is training now; Strop trains one run at a time."),
                    hint=self.tr("Stop it, or wait for it to end, then resume."),
                )
            )
            return
        self.open_run(path)
        if self.training_tab.resumable_run:
            self.training_tab.resume()

    def predict_with(self, model_dir: str) -> None:
        """Select a run's model in the Prediction tab and go there."""
        self.prediction_tab.refresh_models(select=model_dir)
        self.tabs.setCurrentWidget(self.prediction_tab)

    def _run_ended(self) -> None:
        if self._closing:
            QTimer.singleShot(0, self.close)

    def choose_run(self) -> None:
        from engine.paths import runs_dir

        path = dialogs.open_folder(self, self.tr("Open a run folder"), str(runs_dir()))
        if path:
            self.open_run(path)

    def open_run(self, path: str) -> None:
        """Show a past run in the Training tab; offer its model in the Prediction tab."""
        try:
            info = self.training_tab.show_run(path)
        except Exception as exc:  # noqa: BLE001
            self.show_error(exc)
            return
        self.banner.dismiss()
        self.tabs.setCurrentWidget(self.training_tab)
        if info.has_model:
            self.prediction_tab.refresh_models(select=str(info.path / "model"))

    # ----- errors ---------------------------------------------------------------------------------
    def show_error(self, error: BaseException | str) -> None:
        """The one place errors are shown."""
        text = self.banner.show_error(error)
        self.errors_shown.append(text)
        log.info("shown to the user: %s", text)

    def show_log(self) -> None:
        """Open the log file (its folder, before anything was logged)."""
        from engine.logs import log_file

        path = log_file()
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path = path.parent
        dialogs.reveal(str(path))

    def show_data_folder(self) -> None:
        """Open the folder holding runs and models."""
        from engine.paths import data_dir

        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        dialogs.reveal(str(folder))

    def show_settings(self) -> None:
        """File > Settings: language (applied at the next start) and light or dark look."""
        from gui.settings_dialog import edit_settings

        if edit_settings(self, self.settings):
            self.banner.show_info(self.tr("The new language applies the next time Strop starts."))

    def show_about(self) -> None:
        dialogs.about(self, self.tr("About Strop"), about_html())

    # ----- drag and drop ----------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if not paths:
            return
        event.acceptProposedAction()
        self.open_path(paths[0])

    def open_path(self, path: str) -> None:
        """A dropped path: a run folder opens as a run, a model folder as the model, else data."""
        from engine.run_folder import RunFolder

        p = Path(path)
        if RunFolder(p).is_run:
            self.open_run(path)
        elif p.is_dir() and (p / "config.json").is_file():  # a model folder (Hugging Face's)
            self.model_tab.set_model(path)
            self.tabs.setCurrentWidget(self.model_tab)
        else:
            self.open_dataset(path)

    # ----- settings ----------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.training_tab.restore_settings(self.settings)
        strategy = self.settings.value("model/strategy")
        if strategy:
            self.model_tab.set_strategy(str(strategy))
        split = read_number(self.settings, "dataset/validation_split", 10.0)
        self.dataset_tab.split_spin.setValue(split)
        self._refresh_recent()

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("model/strategy", self.model_tab.strategy())
        self.settings.setValue("dataset/validation_split", self.dataset_tab.split_spin.value())
        self.training_tab.save_settings(self.settings)
        self.settings.sync()

    # ----- closing --------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.training_tab.is_running:
            event.ignore()
            if self._closing:
                self.banner.show_info(
                    self.tr("Still stopping the run; the window closes when it has.")
                )
                return
            if not dialogs.ask(
                self,
                self.tr("Training is running"),
                self.tr(
                    "A training run is in progress. Stop it and quit? It finishes the current "
                    "step and keeps a checkpoint, so you can resume it later."
                ),
            ):
                return
            self._closing = True
            self.training_tab.request_stop()
            self.banner.show_info(self.tr("Stopping the run (saving a checkpoint), then closing…"))
            return
        self.prediction_tab.cancel_file()
        self.save_settings()
        self._closed = True
        imports.release_all()  # holds whose turns will not come (_in_turns stops now)
        event.accept()  # short background tasks end on their own; gui.app waits for them

    def wait_for_background(self, timeout_ms: int = SHUTDOWN_WAIT_MS) -> bool:
        """Wait (bounded) for every background task; True when none is left."""
        return wait_for_threads(timeout_ms)
