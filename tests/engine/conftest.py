"""Engine fixtures: a small, fast run config, and one trained run shared by the tests that
only read a finished run (prediction, evaluation, the run folder, events)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_sentiment_csv


def fast_config(data: Path, model: Path, output: Path | None = None, **changes: Any) -> Any:
    """A ``TrainConfig`` that trains the tiny model in a few seconds on the CPU, in fp32.

    The learning rate is high enough for the tiny model to learn the generated data.
    """
    from engine.config import TrainConfig

    settings: dict[str, Any] = {
        "data": str(data),
        "model": str(model),
        "output": str(output) if output else None,
        "epochs": 2,
        "batch_size": 16,
        "learning_rate": 2e-3,
        "device": "cpu",
        "precision": "fp32",
        "logging_steps": 1,
        "seed": 7,
    }
    settings.update(changes)
    return TrainConfig(**settings)


@dataclass
class TrainedRun:
    run_dir: Path
    data: Path
    result: Any
    events: list[Any]


@pytest.fixture(scope="session")
def trained_run(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> TrainedRun:
    """One finished run of the tiny model on a learnable two-class dataset (about 5 s)."""
    from engine.events import Recorder
    from engine.training import train

    root = tmp_path_factory.mktemp("trained")
    data = write_sentiment_csv(root / "train.csv", rows=200, seed=3)
    recorder = Recorder()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STROP_HOME", str(root / "home"))
        result = train(fast_config(data, tiny_model, root / "run", epochs=3), recorder)
    return TrainedRun(root / "run", data, result, list(recorder.events))
