"""Engine fixtures: a small, fast run config, and one trained run shared by the tests that
only read a finished run (prediction, evaluation, the run folder, events)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_sentiment_csv


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread() -> None:
    """The tiny model trains fastest on one thread, and several engineers' test runs share
    two cores: with two threads each, torch's spinning workers made a 2 s run take 40 s."""
    import torch

    torch.set_num_threads(1)


def fast_config(data: Path, model: Path | str, output: Path | None = None, **changes: Any) -> Any:
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
        "learning_rate": 5e-3,
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
        # test_export.py reads these settings back from the model card
        config = fast_config(
            data, tiny_model, root / "run", epochs=3, learning_rate=2e-3, seed=1
        )  # seeds 0-6 reach 90-100% here; seed 7 only 75% on its 20 validation rows
        result = train(config, recorder)
    return TrainedRun(root / "run", data, result, list(recorder.events))


# ----- model folders that must be refused ------------------------------------------------
def _copy(src: Path, dest: Path, names: tuple[str, ...]) -> None:
    import shutil

    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(src / name, dest / name)


TOKENIZER = ("tokenizer.json", "tokenizer_config.json")


class _Touch:
    """Unpickling this creates a file: what a malicious pickle could do instead."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def bad_model_folder(kind: str, tiny_model: Path, dest: Path) -> Path:
    """A model folder with one defect, built from the tiny model."""
    import json

    if kind == "empty":
        dest.mkdir(parents=True)
    elif kind == "config_only":
        _copy(tiny_model, dest, ("config.json",))
    elif kind == "no_tokenizer":
        _copy(tiny_model, dest, ("config.json", "model.safetensors"))
    elif kind == "no_classification_head":
        _copy(tiny_model, dest, ("model.safetensors", *TOKENIZER))
        config = {"model_type": "vit", "architectures": ["ViTModel"], "hidden_size": 32}
        (dest / "config.json").write_text(json.dumps(config), encoding="utf-8")
    elif kind == "remote_code":
        _copy(tiny_model, dest, ("config.json", "model.safetensors", *TOKENIZER))
        config = json.loads((dest / "config.json").read_text(encoding="utf-8"))
        config["auto_map"] = {"AutoModelForSequenceClassification": "modeling_x.XForClassification"}
        (dest / "config.json").write_text(json.dumps(config), encoding="utf-8")
        (dest / "modeling_x.py").write_text("raise SystemExit('custom code ran')\n")
    elif kind in ("pickle_only", "malicious_pickle"):
        import torch
        from safetensors.torch import load_file

        _copy(tiny_model, dest, ("config.json", *TOKENIZER))
        state: Any = load_file(tiny_model / "model.safetensors")
        if kind == "malicious_pickle":
            state = {"payload": _Touch(dest.parent / f"{dest.name}-code-ran")}
        torch.save(state, dest / "pytorch_model.bin")
    else:  # pragma: no cover
        raise ValueError(kind)
    return dest
