"""The Training tab's status lines: how long a run takes on this computer (measured in the
background before Start, refined while it trains, its time at the end), whether the computer
is kept awake, and the question before a long run on battery (issue 14)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from engine.events import StepLogged
from gui.worker import running_threads
from tests.gui.test_training_tab import ready, start


class FakeEstimator:
    """Stands in for ``gui.run_estimate.estimate_run``: records each call (in its worker
    thread); ``block`` makes a call wait until it is cancelled (or ``release`` is set)."""

    def __init__(self, total: float = 720.0, block: bool = False) -> None:
        import threading

        self.total = total
        self.block = block
        self.release = threading.Event()
        self.configs: list[Any] = []
        self.cancelled: list[bool] = []

    def __call__(self, config: Any, stop: Any) -> Any:
        from engine.estimate import Estimate

        self.configs.append(config)
        if self.block:
            while not stop.is_set() and not self.release.is_set():
                stop.wait(0.02)
        self.cancelled.append(stop.is_set())
        if stop.is_set():
            return None
        share = self.total / 12
        return Estimate(
            total=self.total,
            seconds_left=self.total,
            breakdown={"startup": share, "training": 9 * share, "evaluation": 2 * share},
            step_seconds=9 * share / 100,
            total_steps=100,
            eval_steps=100,
            save_steps=100,
            eval_seconds=share,
            startup_seconds=share,
        )


def fake_estimates(monkeypatch: Any, window: Any, **kwargs: Any) -> FakeEstimator:
    from gui import run_estimate

    fake = FakeEstimator(**kwargs)
    monkeypatch.setattr(run_estimate, "estimate_run", fake)
    monkeypatch.setattr(run_estimate, "battery_state", lambda: False)
    window.training_tab.estimator._timer.setInterval(100)  # the debounce, shortened
    return fake


ABOUT_12 = "About 12 min on this computer (training 9 min, evaluation 2 min, start-up 1 min)"


def test_the_estimate_is_measured_in_the_background_once_data_and_model_load(
    qtbot: Any, window: Any, sentiment_csv: Path, monkeypatch: Any
) -> None:
    fake = fake_estimates(monkeypatch, window, block=True)
    tab = window.training_tab
    label = window.findChild(QLabel, "runEstimateLabel")
    assert label is tab.estimate_label and label.text() == ""
    assert not fake.configs  # no data yet: nothing measured
    ready(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: len(fake.configs) == 1, timeout=10_000)
    assert "Measuring how long this run takes" in label.text()
    assert fake.configs[0].data == str(sentiment_csv)
    fake.release.set()
    qtbot.waitUntil(lambda: label.text() == ABOUT_12, timeout=10_000)
    assert fake.cancelled == [False]
    # a setting changes twice in a row: the old estimate goes, one new measurement runs
    fake.release.clear()
    tab.epochs_spin.setValue(2)
    tab.epochs_spin.setValue(4)
    assert label.text() == ""
    qtbot.waitUntil(lambda: len(fake.configs) == 2, timeout=10_000)
    assert fake.configs[1].epochs == 4.0
    # changed again while measuring: that one is cancelled, then the new settings measured
    tab.epochs_spin.setValue(5)
    qtbot.waitUntil(lambda: len(fake.configs) == 3, timeout=10_000)
    assert fake.cancelled[1] is True and fake.configs[2].epochs == 5.0
    fake.release.set()
    qtbot.waitUntil(lambda: label.text() == ABOUT_12, timeout=10_000)
    # settings measured before: shown at once, nothing measured twice
    tab.epochs_spin.setValue(2)
    tab.epochs_spin.setValue(5)
    qtbot.wait(400)
    assert label.text() == ABOUT_12
    assert len(fake.configs) == 3 and tab.estimator.started == 3


def test_start_cancels_the_estimate_and_a_run_refines_it_and_says_it_is_awake(
    qtbot: Any, window: Any, sentiment_csv: Path, monkeypatch: Any
) -> None:
    from engine.events import PowerChecked, RunFinished

    fake = fake_estimates(monkeypatch, window, block=True)
    tab = window.training_tab
    tab.max_steps_spin.setValue(6)
    tab.batch_spin.setValue(8)
    ready(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: tab.estimator.measuring, timeout=10_000)
    # Start never waits for the measurement: it is cancelled, the run starts at once
    log = start(window)
    assert fake.cancelled == [] or fake.cancelled == [True]
    qtbot.waitUntil(lambda: fake.cancelled == [True], timeout=10_000)
    awake = window.findChild(QLabel, "keepAwakeLabel")
    assert awake is tab.keep_awake_label
    qtbot.waitUntil(lambda: bool(log.of(PowerChecked)), timeout=60_000)
    event = log.of(PowerChecked)[0]
    # the event is recorded as the worker emits it; the label follows in the GUI thread
    qtbot.waitUntil(lambda: awake.isVisibleTo(tab) and bool(awake.text()), timeout=10_000)
    assert ("kept awake" if event.awake else "may go to sleep") in awake.text()
    tab.epochs_spin.setValue(
        tab.epochs_spin.value() + 1
    )  # a change during the run measures nothing
    qtbot.waitUntil(lambda: bool(log.of(StepLogged)), timeout=60_000)
    # as above: the step is recorded in the worker's thread, the label follows in the GUI's
    qtbot.waitUntil(
        lambda: "not measured before Start" in tab.estimate_label.text(), timeout=10_000
    )
    assert len(fake.configs) == 1
    qtbot.waitUntil(lambda: not tab.is_running, timeout=120_000)
    assert log.of(RunFinished), window.banner.message
    assert not awake.isVisibleTo(tab) and awake.text() == ""
    assert tab.estimate_label.text().startswith("This run took ")
    assert len(fake.configs) == 1  # the finished run's time stays until a setting changes

    # measured before Start: the run refines it on each logged step
    fake.block = False
    tab.epochs_spin.setValue(1)
    qtbot.waitUntil(lambda: tab.estimate_label.text() == ABOUT_12, timeout=10_000)
    seen: list[str] = []
    refine = tab.status._refine_estimate

    def spy(event: Any) -> None:  # the label as each logged step left it
        refine(event)
        seen.append(tab.estimate_label.text())

    monkeypatch.setattr(tab.status, "_refine_estimate", spy)
    log = start(window)
    qtbot.waitUntil(lambda: not tab.is_running, timeout=120_000)
    assert seen and all("left on this computer (about " in text for text in seen)
    assert tab.estimate_label.text().startswith("This run took ")
    assert tab.estimate_label.text().endswith("(estimated 12 min).")


def test_keep_awake_label_says_why_the_computer_may_sleep(qtbot: Any, window: Any) -> None:
    from engine.events import PowerChecked

    tab = window.training_tab
    assert not tab.keep_awake_label.isVisibleTo(tab)
    tab.on_event(
        PowerChecked(awake=True, method="systemd-inhibit", detail="pid 42", on_battery=None)
    )
    assert tab.keep_awake_label.isVisibleTo(tab)
    assert tab.keep_awake_label.text() == "The computer is kept awake while this run trains."
    assert "systemd-inhibit" in tab.keep_awake_label.toolTip()
    tab.on_event(
        PowerChecked(
            awake=False, method="none", detail="systemd-inhibit is not installed", on_battery=True
        )
    )
    assert tab.keep_awake_label.text() == (
        "The computer may go to sleep during this run: systemd-inhibit is not installed."
    )
    assert "power settings" in tab.keep_awake_label.toolTip()


class BatteryDialog:
    """Answers the ``batteryWarning`` dialog when it opens: records its text, clicks."""

    def __init__(self, qtbot: Any, go: bool) -> None:
        self.texts: list[str] = []
        self.go = go
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._answer)
        self._timer.start()

    def _answer(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "batteryWarning":
            self.texts.append(box.text())
            wanted = "Train on battery" if self.go else "Cancel"
            button = next(b for b in box.buttons() if b.text().replace("&", "") == wanted)
            button.click()

    def close(self) -> None:
        self._timer.stop()


def test_on_battery_a_long_run_asks_first(
    qtbot: Any, window: Any, sentiment_csv: Path, monkeypatch: Any
) -> None:
    from gui import run_estimate

    fake = fake_estimates(monkeypatch, window, block=True)
    tab = window.training_tab
    started: list[Any] = []
    monkeypatch.setattr(tab, "start_run", lambda config, **kw: started.append(config))
    battery: list[bool | None] = [True]
    monkeypatch.setattr(run_estimate, "battery_state", lambda: battery[0])
    ready(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: tab.estimator.measuring, timeout=10_000)

    # not measured yet: it asks, and says so; Cancel starts nothing
    dialog = BatteryDialog(qtbot, go=False)
    tab.start_button.click()
    dialog.close()
    assert not started and len(dialog.texts) == 1
    assert "not measured yet" in dialog.texts[0]
    fake.release.set()
    qtbot.waitUntil(lambda: tab.estimate_label.text() == ABOUT_12, timeout=10_000)

    # 12 minutes on battery: it asks with the estimate; "Train on battery" starts
    dialog = BatteryDialog(qtbot, go=True)
    tab.start_button.click()
    dialog.close()
    assert len(started) == 1 and "about 12 min" in dialog.texts[0]

    # on mains, or a short run: no question
    battery[0] = False
    dialog = BatteryDialog(qtbot, go=False)
    tab.start_button.click()
    battery[0] = True
    fake.total = 300.0
    tab.epochs_spin.setValue(tab.epochs_spin.value() + 1)  # a change re-estimates
    qtbot.waitUntil(lambda: tab.estimate_label.text().startswith("About 5 min"), timeout=10_000)
    tab.start_button.click()
    dialog.close()
    assert len(started) == 3 and dialog.texts == []


def test_closing_the_window_cancels_a_running_estimate(
    qtbot: Any, make_window: Any, sentiment_csv: Path, monkeypatch: Any
) -> None:
    window = make_window()
    fake = fake_estimates(monkeypatch, window, block=True)
    ready(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: window.training_tab.estimator.measuring, timeout=10_000)
    t0 = time.monotonic()
    window.close()
    qtbot.waitUntil(lambda: not running_threads(), timeout=30_000)
    assert time.monotonic() - t0 < 5.0
    assert fake.cancelled == [True]


def test_the_real_estimator_measures_the_tiny_model_and_start_never_waits_for_it(
    qtbot: Any, window: Any, sentiment_csv: Path, monkeypatch: Any
) -> None:
    from gui import run_estimate

    monkeypatch.setattr(run_estimate, "battery_state", lambda: None)
    tab = window.training_tab
    tab.estimator._timer.setInterval(100)
    ready(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: tab.estimator.started == 1, timeout=10_000)
    qtbot.waitUntil(lambda: not tab.estimator.measuring, timeout=60_000)
    assert tab.estimator.error is None, tab.estimator.error
    text = tab.estimate_label.text()
    assert text.startswith("About ") and " on this computer (training " in text
    assert tab.estimator.estimate.total > 0
    # measuring again (other settings), Start goes at once and the measurement ends
    tab.max_steps_spin.setValue(2)
    qtbot.waitUntil(lambda: tab.estimator.measuring, timeout=10_000)
    start(window)
    qtbot.waitUntil(lambda: not tab.estimator.measuring, timeout=30_000)
    qtbot.waitUntil(lambda: not tab.is_running, timeout=120_000)
    assert tab.estimator.started == 2


def test_the_state_line_follows_the_data_and_names_what_a_run_trains_on(
    qtbot: Any, window: Any, sentiment_csv: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QProgressBar

    from engine.events import RunStarted

    fake_estimates(monkeypatch, window)
    state = window.findChild(QLabel, "runStateLabel")
    bar = window.findChild(QProgressBar, "trainingProgressBar")
    assert state.text() == "Ready. Open a data file, then press Start training."
    assert not bar.isTextVisible()  # no "0 / 1 steps" before a run
    ready(qtbot, window, sentiment_csv)
    qtbot.waitUntil(lambda: state.text() == "Ready. Press Start training.", timeout=10_000)

    status = window.training_tab.status
    nouns = {
        "text-classification": "120 texts, 30 for validation, 40 steps of 16 texts.",
        "token-classification": "120 sentences, 30 for validation, 40 steps of 16 sentences.",
        "image-classification": "120 images, 30 for validation, 40 steps of 16 images.",
    }
    for task, said in nouns.items():
        status.show_event(
            RunStarted(
                run_dir="/tmp/run", total_steps=40, num_train=120, num_validation=30,
                labels=("a", "b"), device="cpu", precision="fp32", effective_batch_size=16,
                task=task,
            )
        )  # fmt: skip
        assert state.text() == f"Training on cpu (fp32): {said}"
        assert bar.isTextVisible() and bar.text() == "0 / 40 steps"
    status.show_event(
        StepLogged(step=3, total_steps=40, epoch=0.1, loss=0.7, learning_rate=1e-4,
                   samples_per_second=20.0, elapsed=1.0, eta=None)
    )  # fmt: skip
    assert bar.isTextVisible() and bar.text() == "3 / 40 steps"
