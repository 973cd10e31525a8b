"""The Training tab's status lines: what the run is doing, its progress, and how long it takes.

``runStateLabel`` says the phase or the run's end, ``trainingProgressBar`` counts steps,
``trainingDetailLabel`` gives epoch, loss and speed, ``runEstimateLabel`` says how long the
run takes on this computer and ``keepAwakeLabel`` whether it is kept from sleeping.

The estimate (issue 14, ``gui/run_estimate.py``): before Start, a few steps are timed in the
background once the data and the model have loaded (cancelled by Start, re-measured when a
setting changes, never while the window is hidden); while training, the estimate is refined
by the run's own pace; at the end, the run's time stays until a setting changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QProgressBar, QWidget

from gui import run_estimate
from gui.layouts import vbox
from gui.results_view import duration
from gui.task_combo import IMAGE, TOKEN
from gui.widgets import label


class RunStatus(QWidget):
    """The status lines above the curves. ``config()`` gives the window's current run config
    (raises when there is none); ``running()`` is True while a run trains, ``waiting()``
    while Start waits for the data file or the file loads: nothing is measured then."""

    def __init__(
        self,
        config: Callable[[], Any],
        running: Callable[[], bool],
        waiting: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._config = config
        self._running = running
        self._waiting = waiting
        # the data and model the last dataset report was for: the estimate waits for them
        self._ready_for: tuple[Any, ...] | None = None
        self._run_estimate: Any = None  # the estimate measured for the training run
        self._run_started_at = 0.0
        self._final_text = ""  # the finished run's time, shown until the settings change
        self._watching_window: QWidget | None = None

        self._no_data_text = self.tr("Ready. Open a data file, then press Start training.")
        self.state_label = label("runStateLabel", self._no_data_text)
        self.progress = QProgressBar()
        self.progress.setObjectName("trainingProgressBar")
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("%v / %m steps"))
        self.progress.setTextVisible(False)  # no steps to count before a run ("0 / 1")
        self.detail_label = label("trainingDetailLabel", wrap=False)
        self.estimate_label = label("runEstimateLabel")
        self.keep_awake_label = label("keepAwakeLabel")
        self.keep_awake_label.hide()
        self.estimator = run_estimate.RunEstimator(self._config, self._may_estimate, self)
        self.estimator.changed.connect(self.show_estimate)
        vbox(
            self.state_label,
            self.progress,
            self.detail_label,
            self.estimate_label,
            self.keep_awake_label,
            parent=self,
        )

    # ----- before Start: the estimate ------------------------------------------------------
    def data_measured(self) -> None:
        """The data and the model of the current choices have loaded: measure from now on."""
        self._ready_for = self._current_data_and_model()
        if not self._running() and self.state_label.text() == self._no_data_text:
            self.state_label.setText(self.tr("Ready. Press Start training."))
        self._watch_window()
        self.estimator.schedule()
        self.show_estimate()

    def settings_changed(self) -> None:
        if self._ready_for is not None:
            self.estimator.schedule()
            self.show_estimate()  # an estimate for other settings no longer shows

    def _current_data_and_model(self) -> tuple[Any, ...] | None:
        try:
            return run_estimate.data_and_model_key(self._config())
        except Exception:  # noqa: BLE001 - no usable choices yet
            return None

    def _may_estimate(self) -> bool:
        """A measurement may start: the window shows, no run trains or waits, and the data
        and the model of the current choices have loaded (their report arrived)."""
        return (
            self.window().isVisible()
            and not self._running()
            and not self._waiting()
            and self._ready_for is not None
            and self._ready_for == self._current_data_and_model()
        )

    def show_estimate(self) -> None:
        """``runEstimateLabel`` before Start: measuring, the estimate, or why there is none."""
        if self._running():
            return  # a run trains: its own pace speaks
        est = self.estimator
        if self._final_text:
            if not est.measuring:
                self.estimate_label.setText(self._final_text)
                return
            self._final_text = ""
        try:
            config = self._config()
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

    def battery_allows(self, config: Any) -> bool:
        """On battery, a run estimated over 10 minutes (or not measured yet) asks first."""
        if run_estimate.battery_state() is not True:
            return True
        measured = self.estimator.estimate_for(config)
        known = measured if measured is not None else self.estimator.estimate
        question = run_estimate.battery_question(
            known.total if known is not None else None, measured_for_this=measured is not None
        )
        return question is None or run_estimate.ask_battery(self, question)

    # ----- a run ------------------------------------------------------------------------
    def run_starting(self, config: Any, *, resume: bool) -> None:
        """Start pressed: the measurement stops (it must never hold up a run), its result is
        kept as the run's estimate, and the lines are reset."""
        self.estimator.cancel()
        self._run_estimate = None if resume else self.estimator.estimate_for(config)
        self._run_started_at = time.monotonic()
        self._final_text = ""
        self.estimate_label.setText(
            run_estimate.estimate_text(self._run_estimate) if self._run_estimate else ""
        )
        self._hide_awake()
        self.set_progress(0, 0)
        self.detail_label.clear()
        self.state_label.setText(self.tr("Preparing…"))

    def run_ended(self) -> None:
        """The worker is done: back to the estimate before Start when it stopped or failed."""
        self._hide_awake()
        self._run_estimate = None
        if not self._final_text:
            self.show_estimate()
            self.estimator.schedule()

    def show_past_run(self, info: Any, resumable: bool) -> None:
        """A past run (``RunInfo``) opened: where it got to, its state, whether it resumes."""
        from gui.i18n import run_state_text

        total = int(info.folder.status.get("total_steps") or info.last_step or 0)
        self.set_progress(int(info.last_step or 0), total)
        self.detail_label.clear()
        state = run_state_text(info.state.value)
        text = self.tr("Run {name}: {state}.").format(name=info.name, state=state)
        if resumable:
            text += " " + self.tr("Press Resume to continue from step {step}.").format(
                step=info.last_step
            )
        self.state_label.setText(text)

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setTextVisible(total > 0)
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(min(done, max(1, total)))

    def _hide_awake(self) -> None:
        self.keep_awake_label.clear()
        self.keep_awake_label.hide()

    def show_event(self, event: Any) -> None:
        """What one engine event changes in the status lines."""
        from engine import events as ev

        if isinstance(event, ev.PhaseChanged):
            from gui.i18n import phase_text

            self.state_label.setText(phase_text(event.phase, event.message) + "…")
        elif isinstance(event, ev.RunStarted):
            self._started(event)
        elif isinstance(event, ev.PowerChecked):
            text, tip = run_estimate.awake_text(event)
            self.keep_awake_label.setText(text)
            self.keep_awake_label.setToolTip(tip)
            self.keep_awake_label.show()
        elif isinstance(event, ev.StepLogged):
            self._refine_estimate(event)
            self.set_progress(event.step, event.total_steps)
            # the time left is runEstimateLabel's (refined from the estimate), said once
            self.detail_label.setText(
                self.tr("epoch {epoch:.2f} · loss {loss:.4f} · {sps:.1f} samples/s").format(
                    epoch=event.epoch, loss=event.loss, sps=event.samples_per_second
                )
            )
        elif isinstance(event, ev.CheckpointSaved):
            self.state_label.setText(
                self.tr("Training… (checkpoint saved at step {step})").format(step=event.step)
            )
        elif isinstance(event, ev.RunFinished):
            self._finished(event)
        elif isinstance(event, ev.RunStopped):
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

    def _started(self, event: Any) -> None:
        self.set_progress(event.resumed_from_step, event.total_steps)
        resumed = (
            self.tr(", resumed from step {step}").format(step=event.resumed_from_step)
            if event.resumed_from_step
            else ""
        )
        if event.task == IMAGE:
            text = self.tr(
                "Training on {device} ({precision}): {train:,} images, {val:,} for validation, "
                "{steps:,} steps of {batch} images{resumed}."
            )
        elif event.task == TOKEN:
            text = self.tr(
                "Training on {device} ({precision}): {train:,} sentences, {val:,} for "
                "validation, {steps:,} steps of {batch} sentences{resumed}."
            )
        else:
            text = self.tr(
                "Training on {device} ({precision}): {train:,} texts, {val:,} for validation, "
                "{steps:,} steps of {batch} texts{resumed}."
            )
        self.state_label.setText(
            text.format(
                device=event.device,
                precision=event.precision,
                train=event.num_train,
                val=event.num_validation,
                steps=event.total_steps,
                batch=event.effective_batch_size,
                resumed=resumed,
            )
        )

    def _finished(self, event: Any) -> None:
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
        self._final_text = run_estimate.finished_text(
            time.monotonic() - self._run_started_at, self._run_estimate
        )
        self.estimate_label.setText(self._final_text)

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

    # ----- the window shows, hides, closes ----------------------------------------------
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
