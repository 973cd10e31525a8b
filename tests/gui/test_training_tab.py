"""The Training tab: a run in a worker thread, live curves, stop with a checkpoint, resume,
results, export, and a window that stays responsive and closes cleanly mid-run."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer

from engine.checkpoint import last_checkpoint
from engine.events import RunStarted, RunStopped, StepLogged
from gui.worker import running_threads
from tests.gui.conftest import wait_report


class EventLog:
    """Every engine event the tab received, in order."""

    def __init__(self, tab: Any) -> None:
        self.events: list[Any] = []
        tab.worker.event.connect(self.events.append) if tab.worker else None

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def start(window: Any, **settings: Any) -> EventLog:
    tab = window.training_tab
    spins = {
        "max_steps": tab.max_steps_spin,
        "batch_size": tab.batch_spin,
        "epochs": tab.epochs_spin,
        "patience": tab.patience_spin,
    }
    for key, value in settings.items():
        spins[key].setValue(value)
    tab.start_button.click()
    assert tab.is_running, window.banner.message
    return EventLog(tab)


def ready(qtbot: Any, window: Any, data: Path) -> None:
    window.open_dataset(str(data))
    wait_report(qtbot, window)


def test_a_short_run_draws_curves_and_shows_results(
    qtbot: Any, window: Any, sentiment_csv: Path
) -> None:
    ready(qtbot, window, sentiment_csv)
    tab = window.training_tab
    # measure the event loop while training: a 10 ms timer notes the longest gap
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    log = start(window, max_steps=8, batch_size=8)
    qtbot.waitUntil(lambda: not tab.is_running, timeout=120_000)
    timer.stop()
    assert not window.banner.isVisible(), window.banner.message
    # curve points arrived in lossPlot, one per logged step
    plot = window.findChild(pg.PlotWidget, "lossPlot")
    assert plot is tab.loss_plot
    x, y = plot.getPlotItem().listDataItems()[0].getData()
    steps = [e.step for e in log.of(StepLogged)]
    assert len(steps) == 8
    assert list(x) == steps and all(v > 0 for v in y)
    assert len(tab.buffers["accuracy"]) >= 1
    assert 0 < tab.plots.redraws <= len(log.events) + 2
    # results: metrics, a 2x2 confusion matrix, per-class figures, the run folder
    assert "Accuracy" in tab.metrics_label.text()
    assert tab.confusion_table.rowCount() == 2 and tab.confusion_table.columnCount() == 2
    total = sum(int(tab.confusion_table.item(i, j).text()) for i in range(2) for j in range(2))
    assert total == log.events[-1].metrics["num_examples"]
    assert tab.per_class_table.item(0, 0).text() == "negative"
    assert tab.progress.value() == tab.progress.maximum() == 8
    assert (Path(tab.run_dir) / "model" / "config.json").is_file()
    tab.open_folder_button.click()
    # the Prediction tab offers the new model
    qtbot.waitUntil(lambda: window.prediction_tab.model_path is not None, timeout=10_000)
    assert Path(window.prediction_tab.model_path) == Path(tab.run_dir) / "model"
    # The window kept answering. The aim is no gap over 50 ms (docs/make_screenshots.py
    # measures it); on 2 cores shared with other test runs the OS alone can pause a process
    # for a second, so this only catches work on the GUI thread (a run there takes ~15 s).
    worst = max(gaps[5:], default=0.0)
    print(f"longest event-loop gap while training: {worst * 1000:.0f} ms")
    assert worst < 3.0


def test_stop_keeps_a_checkpoint_and_resume_redraws_the_history(
    qtbot: Any, window: Any, sentiment_csv: Path, fake_dialogs: Any
) -> None:
    ready(qtbot, window, sentiment_csv)
    tab = window.training_tab
    log = start(window, max_steps=2000, batch_size=4, patience=0)
    qtbot.waitUntil(lambda: len(log.of(StepLogged)) >= 2, timeout=120_000)
    tab.stop_button.click()
    assert tab.stop_button.text() == "Stopping…"
    assert not tab.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not tab.is_running, timeout=120_000)
    stopped = log.of(RunStopped)
    assert len(stopped) == 1, window.banner.message
    checkpoint = Path(stopped[0].checkpoint)
    assert checkpoint == last_checkpoint(Path(tab.run_dir))
    assert (checkpoint / "model.safetensors").is_file()
    assert (checkpoint / "trainer_state.json").is_file()
    assert tab.stop_button.text() == "Stop"
    assert tab.resume_button.isEnabled()
    assert tab.resumable_run == stopped[0].run_dir
    points_before = len(tab.buffers["train_loss"])
    assert points_before >= 2

    tab.resume_button.click()
    resumed = EventLog(tab)
    worker = tab.worker
    # Stop as the resumed run starts, from its own thread (a click lands wherever the GUI
    # thread gets to it): then it stops after exactly one step.
    worker.event.connect(
        lambda event: worker.stop.set() if isinstance(event, RunStarted) else None,
        Qt.ConnectionType.DirectConnection,
    )
    qtbot.waitUntil(lambda: not tab.is_running, timeout=120_000)
    started = resumed.of(RunStarted)[0]
    assert started.resumed_from_step == stopped[0].step
    assert resumed.of(RunStopped)[0].step == started.resumed_from_step + 1
    # the earlier records are redrawn, then the new step
    history = [r for r in started.history if r.get("type") == "train"]
    assert history
    assert len(tab.buffers["train_loss"]) >= len(history)

    # File > Open run shows the same run, its curves, and offers Resume
    other = window.training_tab
    window.open_run(stopped[0].run_dir)
    assert other.resume_button.isEnabled()
    assert len(other.buffers["train_loss"]) >= points_before


def test_closing_during_training_asks_stops_and_leaves_no_thread(
    qtbot: Any, make_window: Any, sentiment_csv: Path, fake_dialogs: Any
) -> None:
    window = make_window()
    ready(qtbot, window, sentiment_csv)
    tab = window.training_tab
    log = start(window, max_steps=2000, batch_size=4, patience=0)
    qtbot.waitUntil(lambda: len(log.of(StepLogged)) >= 1, timeout=120_000)

    fake_dialogs.answer = False  # "keep training"
    window.close()
    assert window.isVisible() and tab.is_running
    fake_dialogs.answer = True
    window.close()
    assert "ask" in fake_dialogs.names()
    assert window.isVisible()  # it closes once the run has stopped
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=120_000)
    qtbot.waitUntil(lambda: not running_threads(), timeout=30_000)
    run_dir = Path(log.of(RunStopped)[0].run_dir)
    status = json.loads((run_dir / "status.json").read_text())
    assert status["state"] == "stopped"
    assert last_checkpoint(run_dir) is not None


def test_start_without_data_says_what_to_do(qtbot: Any, window: Any) -> None:
    tab = window.training_tab
    tab.start_button.click()
    assert not tab.is_running
    assert "No data file is open" in window.banner.message


def test_a_failing_run_is_shown_in_the_banner(qtbot: Any, window: Any, sentiment_csv: Path) -> None:
    ready(qtbot, window, sentiment_csv)
    tab = window.training_tab
    tab.max_length_spin.setValue(4)  # below the minimum the engine accepts
    tab.start_button.click()
    assert not tab.is_running
    assert "max length" in window.banner.message
    tab.max_length_spin.setValue(0)
    window.model_tab.set_model(str(sentiment_csv.parent / "no-such-model"))
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=30_000)
    window.banner.dismiss()
    start(window, max_steps=4)
    qtbot.waitUntil(lambda: not tab.is_running, timeout=60_000)
    assert "model folder not found" in window.banner.message
    assert tab.start_button.isEnabled()


def test_export_writes_the_config_and_shows_the_commands(
    qtbot: Any, window: Any, sentiment_csv: Path, fake_dialogs: Any, tmp_path: Path
) -> None:
    from engine.config import TrainConfig

    ready(qtbot, window, sentiment_csv)
    window.training_tab.epochs_spin.setValue(2)
    target = tmp_path / "exported" / "run.json"
    fake_dialogs.save_file_result = str(target)
    assert window.training_tab.export_config() == str(target)
    config = TrainConfig.load(target)
    assert config.data == str(sentiment_csv.resolve())
    assert config.epochs == 2.0
    assert Path(config.model).is_absolute()
    shown = [args for name, args in fake_dialogs.calls if name == "show_text"]
    assert shown and f"main.py train --config {target}" in shown[0][3]


def test_hyperparameters_persist_between_windows(qtbot: Any, make_window: Any) -> None:
    first = make_window(start=False)
    first.training_tab.epochs_spin.setValue(5)
    first.training_tab.batch_spin.setValue(16)
    first.training_tab.lr_spin.setValue(3e-5)
    first.training_tab.warmup_spin.setValue(10)
    first.close()
    second = make_window(start=False)
    params = second.training_tab.hyperparameters()
    assert params["epochs"] == 5.0
    assert params["batch_size"] == 16
    assert abs(params["learning_rate"] - 3e-5) < 1e-12
    assert abs(params["warmup_ratio"] - 0.10) < 1e-9
    assert params["max_length"] is None


def test_start_pressed_while_the_file_loads_starts_once_it_has(
    qtbot: Any, window: Any, sentiment_csv: Path
) -> None:
    qtbot.waitUntil(lambda: window.model_tab.info is not None, timeout=120_000)
    window.open_dataset(str(sentiment_csv))
    tab = window.training_tab
    assert window.dataset_tab.loading  # the table loads in the background
    tab.max_steps_spin.setValue(2)
    tab.start_button.click()  # at once, as on a first launch
    assert not tab.is_running and tab.start_pending
    assert tab.state_label.text() == "Starting when the data has loaded"
    # it looks like a run about to begin: Start is off, Stop would cancel it
    assert not tab.start_button.isEnabled() and tab.stop_button.isEnabled()
    assert not window.banner.isVisible()
    qtbot.waitUntil(lambda: tab.is_running, timeout=120_000)
    qtbot.waitUntil(lambda: not tab.is_running, timeout=120_000)
    assert tab.resumable_run is None and tab.run_dir  # it ran, and finished


def test_stop_cancels_a_start_waiting_for_the_data(
    qtbot: Any, window: Any, sentiment_csv: Path
) -> None:
    window.open_dataset(str(sentiment_csv))
    tab = window.training_tab
    assert window.dataset_tab.loading
    tab.start_button.click()
    assert tab.start_pending and tab.stop_button.isEnabled()
    tab.stop_button.click()
    assert not tab.start_pending and tab.state_label.text() == "Start cancelled."
    assert tab.start_button.isEnabled() and not tab.stop_button.isEnabled()
    qtbot.waitUntil(lambda: not window.dataset_tab.loading, timeout=120_000)
    qtbot.wait(50)  # the loaded signal has been handled: still nothing starts
    assert not tab.is_running and tab.start_button.isEnabled()


def test_a_file_that_fails_to_load_forgets_the_waiting_start(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01binary")
    window.open_dataset(str(bad))
    tab = window.training_tab
    tab.start_button.click()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=60_000)
    assert not tab.is_running and not tab.start_pending
    assert tab.start_button.isEnabled() and not tab.stop_button.isEnabled()
    assert "when the data has loaded" not in tab.state_label.text()


def write_conll(path: Path, sentences: int = 24) -> Path:
    """A tiny CoNLL file of named entities (one token and its tag a line)."""
    words, tags = ["Ann", "Lee", "visited", "Paris"], ["B-PER", "I-PER", "O", "B-LOC"]
    block = "\n".join(f"{w}\t{t}" for w, t in zip(words, tags, strict=True))
    path.write_text("\n\n".join([block] * sentences) + "\n", encoding="utf-8")
    return path


def test_a_token_dataset_brings_its_tasks_defaults_but_keeps_the_persons_values(
    qtbot: Any, make_window: Any, tmp_path: Path
) -> None:
    from engine.config import TrainConfig
    from engine.tasks import get

    shared, own = TrainConfig(), get("token-classification").defaults()
    assert own["epochs"] != shared.epochs and own["batch_size"] != 8
    window = make_window(start=False)
    tab = window.training_tab
    spin = window.findChild(type(tab.epochs_spin), "epochsSpin")
    assert spin.value() == shared.epochs  # the shared default
    conll = write_conll(tmp_path / "ner.conll")
    window.open_dataset(str(conll))
    qtbot.waitUntil(lambda: window.dataset_tab.path == str(conll), timeout=30_000)
    assert window.dataset_tab.task == "token-classification"
    # as the CLI's token runs
    assert spin.value() == own["epochs"] and tab.batch_spin.value() == own["batch_size"]
    assert window.build_config().epochs == own["epochs"]
    assert window.build_config().strategy == own["strategy"]
    tab.batch_spin.setValue(8)  # the person's own
    combo = window.dataset_tab.task_combo
    combo.setCurrentIndex(combo.findData("text-classification"))  # back to text
    assert spin.value() == shared.epochs and tab.batch_spin.value() == 8
    combo.setCurrentIndex(combo.findData("token-classification"))
    assert spin.value() == own["epochs"] and tab.batch_spin.value() == 8
