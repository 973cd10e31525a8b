"""How long a run will take, said before Start; whether the laptop stays awake; battery.

The Training tab's laptop-aware parts (issue 14), kept out of ``training_tab.py`` so they
can be tested alone:

- :class:`RunEstimator` measures the run the window's settings describe
  (``engine.estimate.estimate_for_config``, which loads the data and the model and times a
  few steps) in a background task: debounced, one at a time, cancelled through a
  ``threading.Event`` when Start is pressed, a setting changes or the window closes.
- :func:`estimate_text`, :func:`progress_text`, :func:`finished_text`, :func:`awake_text`
  turn engine results into the words the labels show.
- :func:`battery_state` and :func:`ask_battery` are the seams tests replace: the power
  source (``engine.power.on_battery``) and the "go on on battery?" question.

Nothing here imports torch: the estimator's heavy work runs in its worker thread.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

# on battery, a run estimated over this many seconds asks before it starts
BATTERY_WARN_SECONDS = 10 * 60
# a new measurement starts this long after the last change (typing a number changes the
# setting once per key; the estimate loads the model, so it waits for the user to settle)
DEBOUNCE_MS = 1500
# breakdown parts below this share of the total are left out of the label
MINOR_SHARE = 0.05
# the config fields that name the data and the model: the estimate waits until the window
# has loaded these (its dataset report is for them)
DATA_AND_MODEL = ("data", "validation_data", "text_column", "label_column", "model")


# --------------------------------------------------------------------------------------
# Seams (tests monkeypatch these)
# --------------------------------------------------------------------------------------
def battery_state() -> bool | None:
    """True on battery, False on mains, None when this computer does not say.

    Reads sysfs on Linux (microseconds), a system call on Windows, ``pmset`` on macOS."""
    from engine.power import on_battery

    return on_battery()


def estimate_run(config: Any, stop: threading.Event) -> Any:
    """The run's ``Estimate`` (``None`` when ``stop`` was set): runs in a worker thread."""
    from engine.estimate import estimate_for_config

    return estimate_for_config(config, stop)


def ask_battery(parent: QWidget | None, text: str) -> bool:
    """Ask whether to start a long run on battery; True to go on."""
    box = QMessageBox(parent)
    box.setObjectName("batteryWarning")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(QCoreApplication.translate("RunEstimate", "Running on battery"))
    box.setText(text)
    go = box.addButton(
        QCoreApplication.translate("RunEstimate", "Train on battery"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.exec()
    answered = box.clickedButton() is go
    box.deleteLater()
    return answered


# --------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------
def rough_duration(seconds: float) -> str:
    """A duration as people say it before a run: ``40 s``, ``12 min``, ``1 h 20 min``.

    Estimates are good to ten percent or so; seconds past the first minute would claim a
    precision they do not have."""
    s = max(0, int(round(seconds)))
    if s < 60:
        return QCoreApplication.translate("RunEstimate", "{n} s").format(n=max(1, s))
    minutes = int(round(s / 60))
    if minutes < 60:
        return QCoreApplication.translate("RunEstimate", "{n} min").format(n=minutes)
    return QCoreApplication.translate("RunEstimate", "{h} h {m} min").format(
        h=minutes // 60, m=minutes % 60
    )


def _parts(estimate: Any) -> str:
    names = {
        "training": QCoreApplication.translate("RunEstimate", "training {t}"),
        "evaluation": QCoreApplication.translate("RunEstimate", "evaluation {t}"),
        "checkpoints": QCoreApplication.translate("RunEstimate", "checkpoints {t}"),
        "startup": QCoreApplication.translate("RunEstimate", "start-up {t}"),
    }
    total = max(1e-9, float(estimate.total))
    shown = [
        names[key].format(t=rough_duration(value))
        for key, value in ((k, estimate.breakdown.get(k, 0.0)) for k in names)
        if key == "training" or value >= MINOR_SHARE * total
    ]
    return QCoreApplication.translate("RunEstimate", ", ").join(shown)


def estimate_text(estimate: Any) -> str:
    """``About 12 min on this computer (training 9 min, evaluation 2 min, start-up 1 min)``."""
    return QCoreApplication.translate(
        "RunEstimate", "About {total} on this computer ({parts})"
    ).format(total=rough_duration(estimate.total), parts=_parts(estimate))


def progress_text(refined: Any) -> str:
    """While the run trains: what is left, refined by the run's own pace."""
    return QCoreApplication.translate(
        "RunEstimate", "About {left} left on this computer (about {total} in all)"
    ).format(left=rough_duration(refined.seconds_left), total=rough_duration(refined.total))


def finished_text(seconds: float, estimate: Any | None) -> str:
    """The finished run's time, beside what was estimated before Start."""
    from gui.results_view import duration

    if estimate is None:
        return QCoreApplication.translate("RunEstimate", "This run took {t}.").format(
            t=duration(seconds)
        )
    return QCoreApplication.translate("RunEstimate", "This run took {t} (estimated {e}).").format(
        t=duration(seconds), e=rough_duration(estimate.total)
    )


def awake_text(event: Any) -> tuple[str, str]:
    """The keep-awake label's text and tooltip for a ``PowerChecked`` event."""
    if event.awake:
        return (
            QCoreApplication.translate(
                "RunEstimate", "The computer is kept awake while this run trains."
            ),
            QCoreApplication.translate(
                "RunEstimate", "Sleep is held off by {method} ({detail}) until the run ends."
            ).format(method=event.method, detail=event.detail),
        )
    return (
        QCoreApplication.translate(
            "RunEstimate", "The computer may go to sleep during this run: {why}."
        ).format(why=event.detail or event.method),
        QCoreApplication.translate(
            "RunEstimate",
            "Strop could not keep it awake. Set the power settings not to sleep while it "
            "trains; a run paused by sleep continues when the computer wakes.",
        ),
    )


def battery_question(seconds: float | None, *, measured_for_this: bool) -> str | None:
    """What to ask before a run on battery, or None when the run is short enough.

    ``seconds``: the estimate known now (``None``: none yet); ``measured_for_this``: it was
    measured for these settings (not for earlier ones)."""
    if seconds is None:
        return QCoreApplication.translate(
            "RunEstimate",
            "This computer is running on battery, and how long this run takes is not "
            "measured yet. A long run drains the battery and trains more slowly. Train anyway?",
        )
    if seconds <= BATTERY_WARN_SECONDS:
        return None
    if measured_for_this:
        return QCoreApplication.translate(
            "RunEstimate",
            "This computer is running on battery and the run takes about {t}. It drains "
            "the battery and trains more slowly than on mains power. Train anyway?",
        ).format(t=rough_duration(seconds))
    return QCoreApplication.translate(
        "RunEstimate",
        "This computer is running on battery. The last run measured, with other settings, "
        "takes about {t}; these settings are not measured yet. A long run drains the "
        "battery and trains more slowly. Train anyway?",
    ).format(t=rough_duration(seconds))


def config_key(config: Any) -> str:
    """What an estimate depends on: every setting (as JSON)."""
    return json.dumps(config.to_dict(), sort_keys=True, default=str)


def data_and_model_key(config: Any) -> tuple[Any, ...]:
    """The data and model a config names (the window loads these before it estimates)."""
    return tuple(getattr(config, name, None) for name in DATA_AND_MODEL)


# --------------------------------------------------------------------------------------
# The background measurement
# --------------------------------------------------------------------------------------
class RunEstimator(QObject):
    """Measures the run the current settings describe, in the background, one at a time.

    ``config_provider()`` gives the ``TrainConfig`` of the window's choices; ``may_run()``
    says whether a measurement may start now (data and model loaded, no run training).
    :meth:`schedule` (re)starts the debounce timer; when it fires and the settings differ
    from the last measured ones, a measurement starts (any running one is cancelled
    first and the new one waits for it to end: never two at once). :meth:`cancel` stops a
    running one at its next check (a few hundred milliseconds at most once the model is
    built). Signal ``changed()``: the state the label shows has changed.
    """

    changed = Signal()

    def __init__(
        self,
        config_provider: Callable[[], Any],
        may_run: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._config_provider = config_provider
        self._may_run = may_run
        self._stop: threading.Event | None = None
        self._running_key: str | None = None
        self._again = False
        self._closed = False
        self.key: str | None = None  # the settings the estimate (or error) is for
        self.estimate: Any | None = None
        self.error: BaseException | None = None
        self.started = 0  # measurements started (tests read it)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.measure)

    @property
    def measuring(self) -> bool:
        """A measurement runs in the background (possibly ending after a cancel)."""
        return self._stop is not None

    @property
    def pending(self) -> bool:
        """A measurement waits for the debounce timer."""
        return self._timer.isActive()

    def schedule(self) -> None:
        """Something changed: measure again once things settle (debounced)."""
        if not self._closed:
            self._timer.start()

    def estimate_for(self, config: Any) -> Any | None:
        """The estimate when it was measured for exactly these settings, else None."""
        try:
            key = config_key(config.validate())  # as measured: validated
        except Exception:  # noqa: BLE001 - settings the run would refuse: unknown
            return None
        return self.estimate if key == self.key else None

    def cancel(self) -> None:
        """Stop the waiting timer and ask the running measurement to stop (Start, close)."""
        self._timer.stop()
        self._again = False
        if self._stop is not None:
            self._stop.set()

    def shutdown(self) -> None:
        """The window closes: cancel, and start nothing from now on."""
        self._closed = True
        self.cancel()

    def measure(self) -> None:
        """Start measuring the current settings now, unless already measured or measuring."""
        if self._closed or not self._may_run():
            return
        try:
            config = self._config_provider().validate()
            key = config_key(config)
        except Exception:  # noqa: BLE001 - Start shows what is wrong with the settings
            return
        if self._stop is not None:
            if key == self._running_key and not self._stop.is_set():
                return  # already measuring these settings
            self._stop.set()  # measuring other settings: end that one, then start this
            self._again = True
            return
        if key == self.key and (self.estimate is not None or self.error is not None):
            return
        stop = threading.Event()
        self._stop, self._running_key = stop, key
        self.started += 1
        self.changed.emit()

        def done(value: Any) -> None:
            if value is None or stop.is_set():
                return  # cancelled: what it measured is not for the current settings
            self.key, self.estimate, self.error = key, value, None

        def failed(exc: BaseException) -> None:
            if not stop.is_set():
                self.key, self.estimate, self.error = key, None, exc

        def finished() -> None:
            self._stop, self._running_key = None, None
            again, self._again = self._again, False
            self.changed.emit()
            if again:
                self.measure()

        from gui.worker import run_task

        run_task(
            estimate_run,
            config,
            stop,
            on_result=done,
            on_error=failed,
            on_finished=finished,
            owner=self,
        )
