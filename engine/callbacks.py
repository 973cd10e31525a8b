"""The ``Trainer`` callbacks of a run, one concern each.

- ``StopSwitch``: the stop token (set from any thread) ends training at the next step end,
  evaluation or checkpoint write, with a checkpoint.
- ``NonFiniteLossGuard``: a NaN or infinite training loss stops the run with a message and
  writes no checkpoint (as Keras' ``TerminateOnNaN``).
- ``EventReporter``: turns logs and evaluations into Strop events and ``metrics.jsonl``
  records.

Imported only when a run starts (it imports transformers at the top).
"""

from __future__ import annotations

import math
import threading
import time
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from engine import distributed as dist
from engine.errors import StropError, TrainingError
from engine.events import CheckpointSaved, Evaluated, EventSink, StepLogged
from engine.trainer import DIVERGED_HINT


def stop_requested_anywhere(stop: threading.Event) -> bool:
    """Every rank must agree to stop at the same step, or the others would hang.

    Under several processes this is one all-reduce of a single integer, so every rank must
    call it at the same point (each step end, each evaluation, the checks before training).
    """
    return dist.any_rank(stop.is_set())


class StopSwitch(TrainerCallback):
    """Honours the stop token at each step end, after an evaluation and after a save."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.stopped = False

    def _check(self, control: Any, *, save: bool) -> Any:
        if stop_requested_anywhere(self.stop):
            self.stopped = True
            control.should_training_stop = True
            if save:
                control.should_save = True
        return control

    def on_step_end(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        return self._check(control, save=True)

    def on_evaluate(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        # a stop during evaluation is honoured now, with a checkpoint
        return self._check(control, save=True)

    def on_save(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        # a stop during the write: the checkpoint just written is the one to resume from
        return self._check(control, save=False)


class NonFiniteLossGuard(TrainerCallback):
    """Stops the run when the logged training loss is NaN or infinite."""

    def __init__(self) -> None:
        self.failure: StropError | None = None

    def on_log(self, args, state, control, logs=None, **kwargs):  # type: ignore[no-untyped-def]
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self.failure = TrainingError(
                f"The training loss became {float(loss)} at step {state.global_step}: "
                "training diverged.",
                hint=DIVERGED_HINT,
            )
            control.should_training_stop = True
            control.should_save = False
            control.should_evaluate = False
        return control


class EventReporter(TrainerCallback):
    """Logs and evaluations as events (rank 0 only) and as ``metrics.jsonl`` records."""

    def __init__(
        self,
        emit: EventSink,
        metrics_log: Any,
        effective_batch: int,
        main_metric: str,
    ) -> None:
        self.emit = emit
        self.metrics_log = metrics_log
        self.effective_batch = effective_batch
        self.main_metric = main_metric
        self.t0 = time.monotonic()
        self.start_step = 0

    def on_train_begin(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        self.t0 = time.monotonic()
        self.start_step = state.global_step

    def on_log(self, args, state, control, logs=None, **kwargs):  # type: ignore[no-untyped-def]
        logs = logs or {}
        if "loss" not in logs or not math.isfinite(float(logs["loss"])):
            return control  # a non-finite loss is the guard's to report, not a curve point
        elapsed = time.monotonic() - self.t0
        done = max(1, state.global_step - self.start_step)
        rate = done / elapsed if elapsed > 0 else 0.0
        remaining = state.max_steps - state.global_step
        eta = remaining / rate if rate > 0 else None
        event = StepLogged(
            step=int(state.global_step),
            total_steps=int(state.max_steps),
            epoch=float(state.epoch or 0.0),
            loss=float(logs["loss"]),
            learning_rate=float(logs.get("learning_rate", 0.0)),
            samples_per_second=float(rate * self.effective_batch),
            elapsed=float(elapsed),
            eta=float(eta) if eta is not None else None,
        )
        if state.is_world_process_zero:
            if self.metrics_log is not None:
                self.metrics_log.append(
                    {
                        "type": "train",
                        "step": event.step,
                        "epoch": event.epoch,
                        "loss": event.loss,
                        "learning_rate": event.learning_rate,
                        "samples_per_second": event.samples_per_second,
                        "time": time.time(),
                    }  # fmt: skip
                )
            self.emit(event)
        return control

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):  # type: ignore[no-untyped-def]
        figures = {
            k.removeprefix("eval_"): float(v)
            for k, v in (metrics or {}).items()
            if isinstance(v, (int, float)) and not k.endswith(("_runtime", "_per_second"))
        }
        event = Evaluated(
            step=int(state.global_step),
            epoch=float(state.epoch or 0.0),
            loss=float(figures.get("loss", float("nan"))),
            accuracy=float(figures.get("accuracy", 0.0)),
            macro_f1=float(figures.get("macro_f1", 0.0)),
            score=float(figures.get(self.main_metric, 0.0)),
            metrics=figures,
        )
        if state.is_world_process_zero:
            if self.metrics_log is not None:
                record = {k: v for k, v in figures.items() if k not in ("loss", "epoch")}
                self.metrics_log.append(
                    {
                        "type": "eval",
                        "step": event.step,
                        "epoch": event.epoch,
                        "eval_loss": event.loss,
                        **record,
                        "score": event.score,
                        "time": time.time(),
                    }  # fmt: skip
                )
            self.emit(event)
        return control

    def on_save(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
        if state.is_world_process_zero:
            path = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            self.emit(CheckpointSaved(step=int(state.global_step), path=str(path)))
        return control
