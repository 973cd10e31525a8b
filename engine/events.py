"""What a run tells the outside world: plain, frozen dataclasses holding Python numbers.

A run calls ``emit(event)`` for each. The CLI prints them, the window turns them into Qt
signals, tests record them. No tensor ever crosses: every number is a ``float`` or ``int``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class RunState(enum.Enum):
    """Where a run stands."""

    IDLE = "idle"
    """No run has started yet."""
    PREPARING = "preparing"
    """Loading data and the model, tokenising."""
    RUNNING = "running"
    """Training steps are running."""
    STOPPING = "stopping"
    """A stop was requested; the current step (and any checkpoint write) is finishing."""
    FINISHED = "finished"
    """All epochs ran (or early stopping ended the run); the model is saved."""
    STOPPED = "stopped"
    """The user stopped the run; the last checkpoint and the model so far are saved."""
    FAILED = "failed"
    """The run ended with an error; the last complete checkpoint is kept."""
    INTERRUPTED = "interrupted"
    """The process died mid-run (found on disk later); it can be resumed."""


@dataclass(frozen=True)
class Event:
    """Base class of every event."""


@dataclass(frozen=True)
class PhaseChanged(Event):
    """A preparation phase began (``phase`` is a short key, ``message`` is for people)."""

    phase: str
    message: str


@dataclass(frozen=True)
class ReportReady(Event):
    """The dataset report (the task's report's ``to_dict()``), the model's description, and
    the report in words as the terminal shows it."""

    report: dict[str, Any]
    model: dict[str, Any]
    text: str = ""


@dataclass(frozen=True)
class RunStarted(Event):
    """Training begins."""

    run_dir: str
    total_steps: int
    num_train: int
    num_validation: int
    labels: tuple[str, ...]
    device: str
    precision: str
    effective_batch_size: int
    resumed_from_step: int = 0
    history: tuple[dict[str, Any], ...] = ()
    """Records of ``metrics.jsonl`` from before a resume, so curves can be redrawn."""
    task: str = "text-classification"
    """What the rows are: texts, sentences (token classification) or images."""


@dataclass(frozen=True)
class BaselineScored(Event):
    """The TF-IDF + logistic regression yardstick, fitted on the same split before the
    fine-tune starts, scored on the same validation set."""

    accuracy: float
    macro_f1: float
    seconds: float


@dataclass(frozen=True)
class PowerChecked(Event):
    """Whether the computer is kept from sleeping while the run trains (and if not, why),
    and whether it runs on battery (``None``: cannot tell)."""

    awake: bool
    method: str
    detail: str
    on_battery: bool | None


@dataclass(frozen=True)
class StepLogged(Event):
    """A training loss was logged."""

    step: int
    total_steps: int
    epoch: float
    loss: float
    learning_rate: float
    samples_per_second: float
    elapsed: float
    eta: float | None


@dataclass(frozen=True)
class Evaluated(Event):
    """The validation set was evaluated."""

    step: int
    epoch: float
    loss: float
    accuracy: float
    macro_f1: float
    score: float = 0.0
    """The task's main metric (``Task.main_metric``): what picks the best checkpoint."""
    metrics: dict[str, float] = field(default_factory=dict)
    """Every figure of this evaluation, by name without the ``eval_`` prefix."""


@dataclass(frozen=True)
class CheckpointSaved(Event):
    """A checkpoint was written completely and promoted."""

    step: int
    path: str


@dataclass(frozen=True)
class RunFinished(Event):
    """The run ended normally; ``metrics`` is the content of ``metrics.json``."""

    run_dir: str
    model_dir: str
    metrics: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunStopped(Event):
    """The user stopped the run; it can be resumed from ``checkpoint``."""

    run_dir: str
    step: int
    checkpoint: str | None
    model_dir: str | None


@dataclass(frozen=True)
class RunFailed(Event):
    """The run failed. ``error_type`` is the class name of the error, ``hint`` what to do."""

    reason: str
    error_type: str
    hint: str | None = None
    run_dir: str | None = None


EventSink = Callable[[Event], None]


def ignore(event: Event) -> None:
    """An event sink that drops everything."""


class Recorder:
    """An event sink that keeps every event; handy in tests and scripts."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]
