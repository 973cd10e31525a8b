"""``train()``: events, the run folder, stop, early stopping, resume to the same weights, and
every way a run can fail (non-finite loss, out of memory, a failing checkpoint write)."""

from __future__ import annotations

import errno
import json
import math
import threading
from pathlib import Path
from typing import Any

import pytest

from engine import checkpoint as ckpt
from engine import runs
from engine.errors import CheckpointError, OutOfMemoryError, StropError, TrainingError
from engine.events import (
    CheckpointSaved,
    Evaluated,
    PhaseChanged,
    Recorder,
    ReportReady,
    RunFailed,
    RunFinished,
    RunStarted,
    RunState,
    RunStopped,
    StepLogged,
)
from engine.training import cadence, train
from tests.conftest import shared_dataset, write_sentiment_csv
from tests.engine.conftest import TrainedRun, fast_config


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_sentiment_csv(tmp_path / "train.csv", rows=120, seed=5)


def _weights(folder: Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    return load_file(folder / "model.safetensors")


def _max_difference(a: dict[str, Any], b: dict[str, Any]) -> float:
    assert a.keys() == b.keys()
    return max(float((a[k].float() - b[k].float()).abs().max()) for k in a)


def _stop_at(step: int, stop: threading.Event, recorder: Recorder) -> Any:
    def sink(event: Any) -> None:
        recorder(event)
        if isinstance(event, StepLogged) and event.step >= step:
            stop.set()

    return sink


# ----- a finished run -----------------------------------------------------------------------
def test_events_come_in_order(trained_run: TrainedRun) -> None:
    kinds = [type(e) for e in trained_run.events]
    assert kinds[0] is PhaseChanged
    first = {kind: kinds.index(kind) for kind in set(kinds)}
    assert first[ReportReady] < first[RunStarted] < first[StepLogged] < first[Evaluated]
    assert first[Evaluated] < first[CheckpointSaved]
    assert kinds[-1] is RunFinished
    assert RunFailed not in kinds and RunStopped not in kinds
    started = next(e for e in trained_run.events if isinstance(e, RunStarted))
    steps = [e.step for e in trained_run.events if isinstance(e, StepLogged)]
    assert steps == list(range(1, started.total_steps + 1))  # logging_steps=1
    assert started.labels == ("negative", "positive")
    assert started.num_train + started.num_validation == 200
    assert (started.device, started.precision) == ("cpu", "fp32")


def test_run_folder_holds_everything(trained_run: TrainedRun) -> None:
    run = trained_run.run_dir
    for name in (
        "config.json",
        "labels.json",
        "report.json",
        "status.json",
        "metrics.jsonl",
        "metrics.json",
    ):
        assert (run / name).is_file(), name
    assert runs.read_status(run)["state"] == "finished"
    assert runs.run_state(run) is RunState.FINISHED
    labels = json.loads((run / "labels.json").read_text(encoding="utf-8"))
    assert labels["labels"] == ["negative", "positive"]
    metrics = json.loads((run / "metrics.json").read_text(encoding="utf-8"))
    assert {
        "accuracy",
        "macro_precision",
        "macro_recall",
        "macro_f1",
        "per_class",
        "confusion_matrix",
    } <= set(metrics)
    checkpoints = ckpt.complete_checkpoints(run)
    assert 1 <= len(checkpoints) <= 2  # save_total_limit
    for folder in checkpoints:
        for name in (
            "model.safetensors",
            "optimizer.pt",
            "scheduler.pt",
            "rng_state.pth",
            "trainer_state.json",
        ):
            assert (folder / name).is_file(), f"{folder.name}/{name}"
        assert not (folder / "pytorch_model.bin").exists()
        state = json.loads((folder / "trainer_state.json").read_text(encoding="utf-8"))
        assert state["log_history"], "the checkpoint keeps the whole log history"
    # The best checkpoint by validation macro F1 is kept
    best = metrics["best_checkpoint"]
    assert best and Path(best).is_dir() and Path(best).parent == run
    # the resolved config: max length and learning rate chosen, not None
    config = json.loads((run / "config.json").read_text(encoding="utf-8"))
    assert config["max_length"] and config["learning_rate"] == 2e-3


def test_model_folder_loads_with_transformers_as_is(trained_run: TrainedRun) -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    folder = trained_run.run_dir / "model"
    model = AutoModelForSequenceClassification.from_pretrained(folder).eval()
    tokenizer = AutoTokenizer.from_pretrained(folder)
    assert model.config.id2label == {0: "negative", 1: "positive"}
    assert model.config.label2id == {"negative": 0, "positive": 1}
    batch = tokenizer(
        ["great excellent film", "awful terrible food"], return_tensors="pt", padding=True
    )
    with torch.no_grad():
        predicted = model(**batch).logits.argmax(-1).tolist()
    assert [model.config.id2label[i] for i in predicted] == ["positive", "negative"]
    meta = json.loads((folder / "strop.json").read_text(encoding="utf-8"))
    assert meta["labels"] == ["negative", "positive"] and meta["max_length"]


def test_trained_model_beats_the_majority_class(trained_run: TrainedRun) -> None:
    metrics = trained_run.result.metrics
    assert trained_run.result.state is RunState.FINISHED
    assert metrics["accuracy"] >= 0.8  # the majority class is 50%
    assert metrics["macro_f1"] >= 0.8


def test_metrics_log_has_every_step_once(trained_run: TrainedRun) -> None:
    records = runs.read_metrics_log(trained_run.run_dir)
    train_steps = [r["step"] for r in records if r["type"] == "train"]
    eval_steps = [r["step"] for r in records if r["type"] == "eval"]
    assert train_steps == sorted(set(train_steps)) and train_steps[0] == 1
    assert eval_steps == sorted(set(eval_steps)) and eval_steps
    for r in records:
        assert all(isinstance(v, (int, float, str)) for v in r.values())


def test_cadence() -> None:
    from engine.config import TrainConfig

    plan = cadence(1000, TrainConfig(data="x", batch_size=32, epochs=3))
    assert plan["steps_per_epoch"] == 32 and plan["total_steps"] == 96
    assert plan["eval_steps"] == 24 and plan["save_steps"] % plan["eval_steps"] == 0
    plan = cadence(
        1000, TrainConfig(data="x", batch_size=8, gradient_accumulation=4, epochs=1), world=2
    )
    assert plan["effective_batch_size"] == 64 and plan["steps_per_epoch"] == 16
    plan = cadence(10, TrainConfig(data="x", max_steps=7, eval_steps=3, save_steps=5))
    assert plan["total_steps"] == 7 and plan["save_steps"] == 3


def test_a_small_dataset_gets_enough_updates_from_the_default_epochs() -> None:
    """900 training rows at batch 32 make 29 updates an epoch: the default 2 epochs (58) are
    raised to reach the text task's 64; anything the person chose is kept."""
    from engine import tasks
    from engine.config import TrainConfig
    from engine.training import MAX_DATA_EPOCHS, with_data_epochs

    text = tasks.get("text-classification")
    default = TrainConfig(data="x", batch_size=32)
    raised = with_data_epochs(default, text, 900)
    assert raised.epochs == 2.19
    assert cadence(900, raised)["total_steps"] == text.minimum_updates == 64
    for rows in range(33, 1025, 7):  # exactly the minimum, whatever the size
        steps = cadence(rows, with_data_epochs(default, text, rows))["total_steps"]
        assert steps == 64 or (rows <= 192 and steps < 64), rows  # <= 6 a epoch: 10 epochs
    assert with_data_epochs(default, text, 1_000_000) is default  # enough updates already
    assert with_data_epochs(default, text, 40).epochs == MAX_DATA_EPOCHS  # 2 updates an epoch
    for chosen in (
        default.replace(epochs=3.0),
        default.replace(learning_rate=1e-4),
        default.replace(max_steps=20),
    ):
        assert with_data_epochs(chosen, text, 900) is chosen
    token = tasks.get("token-classification")  # no minimum of its own: its defaults stand
    assert with_data_epochs(default, token, 900) is default


# ----- stop ---------------------------------------------------------------------------------
def test_stop_token_gives_run_stopped_and_a_usable_checkpoint(
    tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    stop = threading.Event()
    recorder = Recorder()
    config = fast_config(data, tiny_model, tmp_path / "run", epochs=3)
    result = train(config, _stop_at(3, stop, recorder), stop)
    assert result.state is RunState.STOPPED
    stopped = recorder.of(RunStopped)
    assert len(stopped) == 1 and stopped[0].step == 4  # the step running when stop was set
    assert not recorder.of(RunFinished) and not recorder.of(RunFailed)
    last = ckpt.last_checkpoint(tmp_path / "run")
    assert last is not None and ckpt.checkpoint_step(last) == 4
    assert stopped[0].checkpoint == str(last) and result.checkpoint == last
    assert runs.run_state(tmp_path / "run") is RunState.STOPPED
    # the model so far is saved and loads
    from engine.predict import Predictor

    assert Predictor(stopped[0].model_dir, device="cpu").predict("good film")[0].label


def test_stop_before_training_begins(tiny_model: Path, data: Path, tmp_path: Path) -> None:
    stop = threading.Event()
    recorder = Recorder()

    def sink(event: Any) -> None:
        recorder(event)
        if isinstance(event, PhaseChanged) and event.phase == "tokenize":
            stop.set()

    result = train(fast_config(data, tiny_model, tmp_path / "run"), sink, stop)
    assert result.state is RunState.STOPPED
    assert recorder.of(RunStopped)[0].step == 0
    assert not recorder.of(StepLogged)


def test_stop_during_evaluation_is_honoured_after_it(
    tiny_model: Path, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transformers import Trainer

    stop = threading.Event()
    original = Trainer.evaluation_loop

    def evaluation_loop(self: Any, *args: Any, **kwargs: Any) -> Any:
        stop.set()  # the stop arrives while the validation set is being evaluated
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "evaluation_loop", evaluation_loop)
    recorder = Recorder()
    config = fast_config(data, tiny_model, tmp_path / "run", eval_steps=3, epochs=3)
    result = train(config, recorder, stop)
    assert result.state is RunState.STOPPED
    assert [e.step for e in recorder.of(Evaluated)] == [3]  # the evaluation completed
    assert recorder.of(RunStopped)[0].step == 3  # and no step ran after it
    assert max(e.step for e in recorder.of(StepLogged)) == 3
    assert ckpt.checkpoint_step(ckpt.last_checkpoint(tmp_path / "run")) == 3


def test_stop_during_a_checkpoint_write_is_honoured_after_it(
    tiny_model: Path, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transformers import Trainer

    stop = threading.Event()
    original = Trainer._save_optimizer_and_scheduler

    def save_optimizer(self: Any, output_dir: str) -> None:
        stop.set()  # the stop arrives in the middle of writing checkpoint-3
        original(self, output_dir)

    monkeypatch.setattr(Trainer, "_save_optimizer_and_scheduler", save_optimizer)
    recorder = Recorder()
    config = fast_config(data, tiny_model, tmp_path / "run", eval_steps=3, save_steps=3, epochs=3)
    result = train(config, recorder, stop)
    assert result.state is RunState.STOPPED
    assert [e.step for e in recorder.of(CheckpointSaved)] == [3]  # the write completed, once
    assert recorder.of(RunStopped)[0].step == 3
    assert max(e.step for e in recorder.of(StepLogged)) == 3
    last = ckpt.last_checkpoint(tmp_path / "run")
    assert ckpt.checkpoint_step(last) == 3 and (last / "optimizer.pt").is_file()
    assert not (tmp_path / "run" / ckpt.STAGING / "checkpoint-3").exists()


def test_early_stopping_ends_a_run_that_stops_improving(
    tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    recorder = Recorder()
    config = fast_config(
        data, tiny_model, tmp_path / "run", learning_rate=1e-12, max_steps=40,
        eval_steps=1, save_steps=1, early_stopping_patience=2,
    )  # fmt: skip
    result = train(config, recorder)
    assert result.state is RunState.FINISHED
    # macro F1 cannot move at this learning rate: best at step 1, two evaluations without gain
    assert [e.step for e in recorder.of(Evaluated)] == [1, 2, 3]
    assert result.metrics["step"] == 3


# ----- resume ---------------------------------------------------------------------------------
def test_resumed_run_reaches_the_same_weights(tiny_model: Path, data: Path, tmp_path: Path) -> None:
    """Optimizer, scheduler, RNG (dropout) and data order are all restored on resume."""
    settings = {"epochs": 3, "eval_steps": 4, "save_steps": 4, "save_total_limit": 10}
    whole = train(fast_config(data, tiny_model, tmp_path / "whole", **settings))
    assert whole.state is RunState.FINISHED

    stop = threading.Event()
    first = train(
        fast_config(data, tiny_model, tmp_path / "resumed", **settings),
        _stop_at(9, stop, Recorder()),
        stop,
    )
    assert first.state is RunState.STOPPED
    assert ckpt.checkpoint_step(first.checkpoint) == 10  # mid-epoch (7 steps an epoch)
    recorder = Recorder()
    second = train(fast_config(data, tiny_model, tmp_path / "resumed"), recorder, resume=True)
    assert second.state is RunState.FINISHED
    started = recorder.of(RunStarted)[0]
    assert started.resumed_from_step == 10
    assert [r["step"] for r in started.history if r["type"] == "train"] == list(range(1, 11))

    last = ckpt.last_checkpoint(tmp_path / "whole")
    resumed_last = tmp_path / "resumed" / last.name
    assert _max_difference(_weights(last), _weights(resumed_last)) < 1e-6
    model_whole, model_resumed = tmp_path / "whole" / "model", tmp_path / "resumed" / "model"
    assert _max_difference(_weights(model_whole), _weights(model_resumed)) < 1e-6

    # metrics.jsonl holds the whole history once: the same steps, the same losses
    log_whole = runs.read_metrics_log(tmp_path / "whole")
    log_resumed = runs.read_metrics_log(tmp_path / "resumed")
    assert [(r["type"], r["step"]) for r in log_resumed] == [
        (r["type"], r["step"]) for r in log_whole
    ]
    for a, b in zip(log_whole, log_resumed, strict=True):
        key = "loss" if a["type"] == "train" else "eval_loss"
        assert math.isclose(a[key], b[key], rel_tol=1e-5, abs_tol=1e-6)


def test_resume_picks_the_last_complete_checkpoint_and_cleans_staging(
    tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    stop = threading.Event()
    first = train(
        fast_config(data, tiny_model, run, save_steps=2, eval_steps=2, epochs=3),
        _stop_at(4, stop, Recorder()),
        stop,
    )
    good = first.checkpoint
    assert good is not None
    # what a crash mid-write leaves: a staged checkpoint, and a folder without a trainer state
    staged = run / ckpt.STAGING / "checkpoint-99"
    staged.mkdir(parents=True)
    (staged / "model.safetensors").write_bytes(b"half written")
    half = run / "checkpoint-98"
    half.mkdir()
    (half / "model.safetensors").write_bytes(b"half written")
    assert ckpt.last_checkpoint(run) == good

    recorder = Recorder()

    def sink(event: Any) -> None:
        recorder(event)
        if isinstance(event, RunStarted):
            assert not staged.exists(), "the stale staging folder is cleaned at the start"

    result = train(fast_config(data, tiny_model, run), sink, resume=True)
    assert result.state is RunState.FINISHED
    assert recorder.of(RunStarted)[0].resumed_from_step == ckpt.checkpoint_step(good)


def test_resume_refuses_a_run_without_a_checkpoint(
    tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    fast_config(data, tiny_model).save(run / "config.json")
    with pytest.raises(StropError, match="no complete checkpoint"):
        train(fast_config(data, tiny_model, run), resume=True)


# ----- failures -----------------------------------------------------------------------------
def _assert_failed(run: Path, recorder: Recorder, error_type: str, keeps_step: int) -> RunFailed:
    failed = recorder.of(RunFailed)
    assert len(failed) == 1 and failed[0].error_type == error_type
    assert failed[0].run_dir == str(run)
    assert not recorder.of(RunFinished)
    assert runs.run_state(run) is RunState.FAILED
    assert runs.read_status(run)["error"]
    last = ckpt.last_checkpoint(run)
    assert last is not None and ckpt.checkpoint_step(last) == keeps_step
    assert _weights(last)  # the kept checkpoint loads
    return failed[0]


def test_non_finite_loss_stops_the_run_with_a_message(
    tiny_model: Path, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transformers import Trainer

    original = Trainer.compute_loss

    def compute_loss(self: Any, model: Any, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        loss = original(self, model, inputs, *args, **kwargs)
        if model.training and self.state.global_step >= 2:  # from step 3 on
            return loss * float("nan")
        return loss

    monkeypatch.setattr(Trainer, "compute_loss", compute_loss)
    run = tmp_path / "run"
    recorder = Recorder()
    # logged every 5 steps, saved every 2: a save falls between the divergence and its log
    config = fast_config(
        data, tiny_model, run, logging_steps=5, eval_steps=2, save_steps=2, epochs=3
    )
    with pytest.raises(TrainingError) as info:
        train(config, recorder)
    assert "nan" in str(info.value).lower() and "diverged" in str(info.value)
    assert "learning rate" in (info.value.hint or "")
    _assert_failed(run, recorder, "TrainingError", keeps_step=2)
    for folder in ckpt.complete_checkpoints(run):
        for name, tensor in _weights(folder).items():
            assert bool(tensor.isfinite().all()), f"{folder.name} saved non-finite {name}"


@pytest.mark.parametrize("kind", ["cuda", "host"])
def test_out_of_memory_stops_with_a_hint_and_keeps_the_checkpoint(
    kind: str, tiny_model: Path, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch
    from transformers import Trainer

    original = Trainer.training_step

    def training_step(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self.state.global_step == 3:
            if kind == "cuda":
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
            raise MemoryError
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "training_step", training_step)
    run = tmp_path / "run"
    recorder = Recorder()
    config = fast_config(data, tiny_model, run, eval_steps=2, save_steps=2, batch_size=16, epochs=3)
    with pytest.raises(OutOfMemoryError) as info:
        train(config, recorder)
    hint = info.value.hint or ""
    assert "batch size" in hint and "max length" in hint and "precision" in hint
    assert "try 8" in hint  # half the batch
    failed = _assert_failed(run, recorder, "OutOfMemoryError", keeps_step=2)
    assert failed.hint == hint and "out of memory" in failed.reason
    # the run resumes from the kept checkpoint once memory allows
    monkeypatch.setattr(Trainer, "training_step", original)
    assert train(fast_config(data, tiny_model, run), resume=True).state is RunState.FINISHED


def test_failing_checkpoint_write_keeps_the_previous_one(
    tiny_model: Path, data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transformers import Trainer

    original = Trainer._save_optimizer_and_scheduler
    calls = []

    def save_optimizer(self: Any, output_dir: str) -> None:
        calls.append(output_dir)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        original(self, output_dir)

    monkeypatch.setattr(Trainer, "_save_optimizer_and_scheduler", save_optimizer)
    run = tmp_path / "run"
    recorder = Recorder()
    config = fast_config(data, tiny_model, run, eval_steps=2, save_steps=2, epochs=3)
    with pytest.raises(CheckpointError) as info:
        train(config, recorder)
    message = str(info.value)
    assert "checkpoint-4" in message and "No space left on device" in message
    assert "checkpoint-2" in message and "intact" in message
    assert "disk space" in message
    _assert_failed(run, recorder, "CheckpointError", keeps_step=2)
    assert not (run / "checkpoint-4").exists()
    assert [e.step for e in recorder.of(CheckpointSaved)] == [2]
    # resuming cleans the half-written staged checkpoint and finishes the run
    monkeypatch.setattr(Trainer, "_save_optimizer_and_scheduler", original)
    result = train(fast_config(data, tiny_model, run), resume=True)
    assert result.state is RunState.FINISHED
    assert not any((run / ckpt.STAGING).glob("checkpoint-*"))


def test_bad_input_writes_nothing(tiny_model: Path, tmp_path: Path) -> None:
    from engine.errors import DatasetError

    bad = tmp_path / "one_class.csv"
    bad.write_text("text,label\n" + "good film,positive\n" * 10, encoding="utf-8")
    recorder = Recorder()
    with pytest.raises(DatasetError):
        train(fast_config(bad, tiny_model, tmp_path / "run"), recorder)
    assert not (tmp_path / "run").exists()
    assert not recorder.of(RunStarted)


# ----- the real starter model (slow, still in CI) -------------------------------------------
def _majority_share(path: Path) -> float:
    import pandas as pd

    counts = pd.read_csv(path)["label"].value_counts()
    return float(counts.max() / counts.sum())


def _sample(source: Path, dest: Path, rows: int, seed: int = 0) -> Path:
    import pandas as pd

    frame = pd.read_csv(source, dtype=str, keep_default_na=False).sample(n=rows, random_state=seed)
    frame.to_csv(dest, index=False)
    return dest


@pytest.mark.slow
def test_starter_model_learns_english_sentiment(tmp_path: Path) -> None:
    train_csv = _sample(
        shared_dataset("uci_sentiment_sentences/all.csv"), tmp_path / "train.csv", 240
    )
    config = fast_config(
        train_csv, "starter", tmp_path / "run", epochs=2, batch_size=16, learning_rate=1e-4,
        max_length=40, validation_split=0.25, logging_steps=None, early_stopping_patience=0,
    )  # fmt: skip
    result = train(config)
    majority = _majority_share(train_csv)
    assert result.metrics["accuracy"] >= majority + 0.15, (result.metrics["accuracy"], majority)


@pytest.mark.slow
def test_starter_model_top_layers_find_the_minority_class(tmp_path: Path) -> None:
    train_csv = _sample(shared_dataset("sms_spam/all.csv"), tmp_path / "train.csv", 320, seed=1)
    config = fast_config(
        train_csv, "starter", tmp_path / "run", strategy="top-layers:2", epochs=2,
        batch_size=16, learning_rate=5e-4, max_length=40, validation_split=0.25,
        logging_steps=None, early_stopping_patience=0,
    )  # fmt: skip
    result = train(config)
    # spam is about 13%: always answering "ham" scores high accuracy but a macro F1 under 0.5
    assert result.metrics["accuracy"] >= _majority_share(train_csv)
    assert result.metrics["macro_f1"] >= 0.75, result.metrics


def test_a_finished_run_keeps_baseline_calibration_and_validation_predictions(
    trained_run: Any,
) -> None:
    """The results views' evidence: the yardstick, calibration, every validation prediction."""
    from engine.events import BaselineScored
    from engine.run_folder import RunFolder

    metrics = json.loads((trained_run.run_dir / "metrics.json").read_text(encoding="utf-8"))
    baseline = metrics["baseline"]
    assert 0.0 <= baseline["accuracy"] <= 1.0 and 0.0 <= baseline["macro_f1"] <= 1.0
    assert any(isinstance(e, BaselineScored) for e in trained_run.events)
    calibration = metrics["calibration"]
    assert {"ece", "ece_after", "temperature"} <= set(calibration)
    records = RunFolder(trained_run.run_dir).validation_predictions()
    assert len(records) == metrics["num_examples"]
    assert sorted(r["row"] for r in records) == list(range(len(records)))
    for r in records:
        assert r["label"] in r["scores"] and r["predicted"] in r["scores"]
        assert r["confidence"] == pytest.approx(max(r["scores"].values()), abs=1e-5)
    wrong = sum(r["label"] != r["predicted"] for r in records)
    assert wrong == pytest.approx((1 - metrics["accuracy"]) * len(records), abs=0.5)


def test_predict_marks_uncertain_texts_below_the_threshold(
    trained_run: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.cli import main

    assert main(["predict", "--model", str(trained_run.run_dir), "--min-confidence", "1.0",
                 "good movie"]) == 0  # fmt: skip
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["uncertain"] is True
    assert main(["predict", "--model", str(trained_run.run_dir), "--min-confidence", "2",
                 "good movie"]) == 2  # fmt: skip


def test_validation_predictions_pair_each_text_with_its_own_prediction(
    trained_run: Any,
) -> None:
    """Trainer shuffles evaluation batches under length grouping unless told otherwise: each
    kept prediction must belong to its text (the Predictor gives the same label)."""
    from engine.predict import Predictor
    from engine.run_folder import RunFolder

    records = RunFolder(trained_run.run_dir).validation_predictions()
    predictor = Predictor(trained_run.run_dir, device="cpu", precision="fp32")
    again = predictor.predict([r["text"] for r in records])
    assert [p.label for p in again] == [r["predicted"] for r in records]
    for p, r in zip(again, records, strict=True):
        assert p.scores[r["predicted"]] == pytest.approx(r["confidence"], abs=1e-3)


# ----- evaluations on a sample -----------------------------------------------------------------
def test_evaluations_during_training_read_a_fixed_stratified_sample() -> None:
    """Above ``rows`` validation rows, the evaluations read a stratified sample drawn once
    from the seed, in the set's own order (sorted by length); below, every row."""
    from datasets import Dataset

    from engine.training import evaluation_sample

    labels = [i % 4 for i in range(400)]
    val = Dataset.from_dict({"labels": labels, "length": list(range(400))})
    sample = evaluation_sample(val, seed=3, rows=100)
    assert len(sample) == 100
    assert sorted(sample["length"]) == sample["length"]  # the set's order is kept
    counts = {c: sample["labels"].count(c) for c in range(4)}
    assert counts == {0: 25, 1: 25, 2: 25, 3: 25}
    assert evaluation_sample(val, seed=3, rows=100)["length"] == sample["length"]
    assert evaluation_sample(val, seed=4, rows=100)["length"] != sample["length"]
    assert evaluation_sample(val, seed=3, rows=400) is val


def test_full_text_runs_leave_the_word_embeddings_frozen_unless_asked(tiny_model: Path) -> None:
    from transformers import AutoModelForSequenceClassification

    from engine import tasks
    from engine.config import TrainConfig
    from engine.training import apply_run_strategy

    task = tasks.get("text-classification")
    model = AutoModelForSequenceClassification.from_pretrained(str(tiny_model), num_labels=2)
    table = model.get_input_embeddings().weight
    total = sum(p.numel() for p in model.parameters())
    trainable, counted = apply_run_strategy(task, model, TrainConfig(data="x.csv"))
    assert not table.requires_grad and counted == total
    assert trainable == total - table.numel()
    assert all(p.requires_grad for n, p in model.named_parameters() if "word_embeddings" not in n)
    config = TrainConfig(data="x.csv", train_word_embeddings=True)
    assert apply_run_strategy(task, model, config) == (total, total)
    assert table.requires_grad


def test_a_run_with_the_automatic_recipe_resumes_with_it(
    tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    """The saved config names the learning rate it resolved; a resumed run keeps the word
    embeddings frozen and the head's own rate (the optimizer state must fit its groups)."""
    run = tmp_path / "run"
    stop = threading.Event()
    settings = {"learning_rate": None, "save_steps": 2, "eval_steps": 2, "epochs": 3}
    first = train(
        fast_config(data, tiny_model, run, **settings), _stop_at(3, stop, Recorder()), stop
    )
    assert first.state == RunState.STOPPED and first.checkpoint is not None
    saved = json.loads((run / runs.CONFIG).read_text())
    assert saved["train_word_embeddings"] is False and saved["head_learning_rate_factor"] == 10.0
    result = train(fast_config(data, tiny_model, run), Recorder(), resume=True)
    assert result.state == RunState.FINISHED
