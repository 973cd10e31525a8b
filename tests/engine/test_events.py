"""Events are plain data: frozen dataclasses holding Python numbers, never tensors."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from engine import events
from tests.engine.conftest import TrainedRun

EVENT_TYPES = [
    cls
    for cls in vars(events).values()
    if isinstance(cls, type) and issubclass(cls, events.Event) and cls is not events.Event
]


def test_every_event_is_a_frozen_dataclass() -> None:
    assert len(EVENT_TYPES) >= 9
    for cls in EVENT_TYPES:
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls.__name__
        assert cls.__doc__, cls.__name__
    event = events.StepLogged(1, 10, 0.1, 0.5, 1e-4, 30.0, 1.0, 9.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.loss = 0.1  # type: ignore[misc]


def _plain(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), f"{where}: key {k!r}"
            _plain(v, f"{where}.{k}")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _plain(v, f"{where}[{i}]")
    else:
        assert value is None or type(value) in (bool, int, float, str), (
            f"{where} is {type(value).__module__}.{type(value).__name__}"
        )


def test_a_real_run_emits_only_python_values(trained_run: TrainedRun) -> None:
    kinds = {type(e) for e in trained_run.events}
    assert {events.StepLogged, events.Evaluated, events.RunStarted, events.RunFinished} <= kinds
    for event in trained_run.events:
        assert type(event) in EVENT_TYPES
        for f in dataclasses.fields(event):
            _plain(getattr(event, f.name), f"{type(event).__name__}.{f.name}")
        json.dumps(dataclasses.asdict(event))  # plain enough to cross any boundary
    step = next(e for e in trained_run.events if isinstance(e, events.StepLogged))
    assert type(step.loss) is float and type(step.step) is int and type(step.epoch) is float
    assert step.eta is None or type(step.eta) is float


def test_failure_and_stop_events_are_plain(tmp_path) -> None:
    failed = events.RunFailed("out of memory", "OutOfMemoryError", "lower the batch size", "run")
    stopped = events.RunStopped("run", 12, "run/checkpoint-12", "run/model")
    for event in (failed, stopped):
        json.dumps(dataclasses.asdict(event))


def test_recorder_and_ignore() -> None:
    recorder = events.Recorder()
    recorder(events.PhaseChanged("data", "Loading"))
    recorder(events.CheckpointSaved(4, "run/checkpoint-4"))
    assert [e.phase for e in recorder.of(events.PhaseChanged)] == ["data"]
    assert len(recorder.events) == 2
    assert events.ignore(events.PhaseChanged("x", "y")) is None


def test_run_states() -> None:
    values = {s.value for s in events.RunState}
    assert {"finished", "stopped", "failed", "interrupted", "running"} <= values
