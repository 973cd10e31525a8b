"""The run-duration estimate: its arithmetic over ``cadence()``, its refinement by the run's
pace, the measurements on a tiny model (cancellable), and the whole estimate against a
real tiny run's time."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from engine.estimate import (
    FINAL_SAVE_SHARE,
    estimate_for_config,
    estimate_run_seconds,
    measure_checkpoint_seconds,
    measure_eval_seconds_per_row,
    measure_step_seconds,
    refine,
    sample_batches,
)
from engine.training import cadence
from tests.conftest import write_sentiment_csv
from tests.engine.conftest import fast_config


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_sentiment_csv(tmp_path / "train.csv", rows=240, seed=5)


def _plan(num_train: int = 200, **changes: Any) -> dict[str, int]:
    config = fast_config(Path("x.csv"), "m", **{"logging_steps": None, **changes})
    return cadence(num_train, config)


# ----- arithmetic ---------------------------------------------------------------------------
def test_estimate_adds_up_the_run() -> None:
    plan = _plan(200, epochs=3, batch_size=16)  # 13 steps an epoch, 39 steps
    assert (plan["total_steps"], plan["eval_steps"], plan["save_steps"]) == (39, 10, 10)
    estimate = estimate_run_seconds(
        0.5, plan, eval_rows=40, eval_seconds_per_row=0.01, startup_seconds=3.0,
        checkpoint_seconds=2.0, baseline_seconds=1.5, calibration_seconds=0.25,
    )  # fmt: skip
    # evaluations at 10, 20, 30, at the end (39), and the best model's final evaluation
    assert estimate.breakdown == pytest.approx(
        {
            "startup": 3.0,
            "training": 39 * 0.5,
            "evaluation": 5 * 40 * 0.01,
            "checkpoints": (4 + FINAL_SAVE_SHARE) * 2.0,
            "baseline": 1.5,
            "calibration": 0.25,
        }
    )
    assert estimate.total == pytest.approx(sum(estimate.breakdown.values()))
    assert estimate.seconds_left == estimate.total


def test_evaluations_follow_the_runs_capped_sample() -> None:
    """A text run's evaluations during training read a sample of at most EVAL_SAMPLE_ROWS
    rows (engine.training.evaluation_sample), the last one the whole set; other tasks read
    every row each time."""
    from engine.config import EVAL_SAMPLE_ROWS
    from engine.estimate import evaluation_rows

    assert evaluation_rows(5000) == evaluation_rows(5000, final=True) == 5000
    assert evaluation_rows(5000, sampled=True) == EVAL_SAMPLE_ROWS == 1000
    assert evaluation_rows(5000, final=True, sampled=True) == 5000
    assert evaluation_rows(300, sampled=True) == 300
    plan = _plan(200, epochs=3, batch_size=16)  # 4 evaluations during training, then the final
    per_row = 0.001
    sampled = estimate_run_seconds(
        1.0, plan, eval_rows=5000, eval_seconds_per_row=per_row, sampled_evaluations=True
    )
    assert sampled.breakdown["evaluation"] == pytest.approx(4 * 1.0 + 5.0)
    assert sampled.eval_seconds == pytest.approx(1.0)
    every = estimate_run_seconds(1.0, plan, eval_rows=5000, eval_seconds_per_row=per_row)
    assert every.breakdown["evaluation"] == pytest.approx(4 * 5.0 + 5.0)


def test_refine_on_pace_keeps_the_estimate() -> None:
    estimate = estimate_run_seconds(1.0, _plan(), eval_rows=10, eval_seconds_per_row=0.1)
    assert refine(estimate, 0, 0.0) == estimate
    # 10 steps and one evaluation (1 s) and one checkpoint (0 s), exactly as expected
    on_pace = refine(estimate, 10, 10 * 1.0 + 1.0)
    assert on_pace.total == pytest.approx(estimate.total)
    assert on_pace.seconds_left == pytest.approx(estimate.total - 11.0)


def test_refine_leaves_what_came_before_the_first_step() -> None:
    estimate = estimate_run_seconds(
        1.0, _plan(800, epochs=2), eval_rows=0, eval_seconds_per_row=0.0, startup_seconds=4.0,
        baseline_seconds=3.0, calibration_seconds=1.0,
    )  # fmt: skip
    slow = refine(estimate, 30, 60.0)  # twice as slow: the rest, calibration included, too
    assert slow.breakdown["startup"] == 4.0 and slow.breakdown["baseline"] == 3.0
    assert slow.breakdown["calibration"] == pytest.approx(2.0)
    left = (estimate.total - 7.0 - 30.0) * 2.0
    assert slow.seconds_left == pytest.approx(left)
    assert slow.total == pytest.approx(7.0 + 60.0 + left)


def test_refine_follows_a_slower_run_more_with_each_step() -> None:
    plan = _plan(800, epochs=2)  # 100 steps
    estimate = estimate_run_seconds(1.0, plan, eval_rows=0, eval_seconds_per_row=0.0)
    early = refine(estimate, 1, 2.0)  # twice as slow, after one step: half believed
    assert early.seconds_left == pytest.approx(99 * 1.5)
    late = refine(estimate, 40, 80.0)  # twice as slow for 40 steps: believed
    assert late.seconds_left == pytest.approx(60 * 2.0)
    assert late.step_seconds == pytest.approx(2.0)
    assert late.total == pytest.approx(80.0 + 120.0)
    done = refine(estimate, 100, 150.0)
    assert done.seconds_left == pytest.approx(0.0)


# ----- measurements on the tiny model -------------------------------------------------------
def _model_and_rows(tiny_model: Path, data: Path) -> tuple[Any, Any, Any]:
    from engine import tasks
    from engine.config import TrainConfig
    from engine.models import resolve_model

    task = tasks.get("text-classification")
    config = TrainConfig(data=str(data), model=str(tiny_model), max_length=32, seed=0)
    prepared = task.load_data(config)
    source = resolve_model(str(tiny_model))
    tokenizer = task.load_processor(source, config)
    train_ds, _ = task.encode(prepared, tokenizer, config)
    model = task.build_model(source, prepared.labels, config)
    return model, train_ds, task.collator(tokenizer, "cpu")


def test_measure_step_trains_the_model_and_stops_when_asked(tiny_model: Path, data: Path) -> None:
    import torch

    model, train_ds, collate = _model_and_rows(tiny_model, data)
    batches = sample_batches(train_ds, 16, count=2, seed=1)
    assert [len(b) for b in batches] == [16, 16]
    before = {k: v.clone() for k, v in model.state_dict().items()}
    seconds = measure_step_seconds(model, batches, collate=collate, learning_rate=1e-3)
    assert seconds is not None and 0 < seconds < 5
    changed = [k for k, v in model.state_dict().items() if not torch.equal(v, before[k])]
    assert "classifier.weight" in changed  # real optimizer steps ran

    stop = threading.Event()
    stop.set()
    assert measure_step_seconds(model, batches, collate=collate, stop=stop) is None
    per_row = measure_eval_seconds_per_row(model, batches, collate=collate)
    assert per_row is not None and 0 < per_row < seconds
    assert model.training  # left as it was found
    assert measure_eval_seconds_per_row(model, batches, collate=collate, stop=stop) is None


def test_batches_like_the_run(tiny_model: Path, data: Path) -> None:
    _, train_ds, _ = _model_and_rows(tiny_model, data)
    lengths = list(train_ds["length"])
    mean = sum(lengths) / len(lengths)
    grouped = sample_batches(train_ds, 8, count=3, seed=0)
    assert len(grouped) == 3
    assert all(abs(len(row["input_ids"]) - mean) <= 1 for batch in grouped for row in batch)
    random_rows = sample_batches(train_ds, 8, count=3, group_by_length=False, seed=0)
    assert [len(b) for b in random_rows] == [8, 8, 8]
    assert set(random_rows[0][0]) <= {"input_ids", "attention_mask", "token_type_ids", "labels"}


def test_evaluation_batches_are_the_runs_own(tiny_model: Path, data: Path) -> None:
    from engine.estimate import evaluation_batches

    _, train_ds, _ = _model_and_rows(tiny_model, data)
    ordered = train_ds.sort("length")  # as the text task encodes the validation split
    picked = evaluation_batches(ordered, 64, count=3)  # 4 batches of 64, 64, 64 and the rest
    starts = [0, 128, 192]  # first, middle (rounded), last
    assert [len(b) for b in picked] == [64, 64, len(ordered) - 192]
    for batch, start in zip(picked, starts, strict=True):
        assert batch[0]["input_ids"] == ordered[start]["input_ids"]
    assert len(evaluation_batches(ordered, 64, count=10)) == 4


def test_checkpoint_time_leaves_nothing(tiny_model: Path, data: Path, tmp_path: Path) -> None:
    model, _, _ = _model_and_rows(tiny_model, data)
    assert measure_checkpoint_seconds(model, tmp_path / "scratch") > 0
    assert list((tmp_path / "scratch").iterdir()) == []


# ----- the whole estimate against a real run ------------------------------------------------
def test_estimate_is_within_a_sane_factor_of_a_real_run(
    tiny_model: Path, data: Path, tmp_path: Path
) -> None:
    from engine.events import Recorder, RunStarted
    from engine.training import train

    settings = {"epochs": 3, "logging_steps": None}
    # a first run warms the process (imports, the datasets cache), as the window does first
    train(fast_config(data, tiny_model, tmp_path / "warm", max_steps=2, **settings))
    estimate = estimate_for_config(fast_config(data, tiny_model, tmp_path / "never", **settings))
    assert estimate is not None
    assert not (tmp_path / "never").exists()  # the estimate writes no run
    assert estimate.breakdown["training"] > 0
    recorder = Recorder()
    t0 = time.perf_counter()
    train(fast_config(data, tiny_model, tmp_path / "run", **settings), recorder)
    real = time.perf_counter() - t0
    started = next(e for e in recorder.events if isinstance(e, RunStarted))
    assert estimate.total_steps == started.total_steps
    # a sane factor: two shared cores make single timings noisy
    assert real / 4 < estimate.total < real * 4, (estimate, real)


def test_estimate_for_image_data(tmp_path: Path) -> None:
    """Image rows come from a map-style dataset, not a ``datasets`` table (the Training tab's
    estimate failed on every image folder)."""
    from engine.image_model import new_image_model
    from tests.engine.test_image_task import COLORS, _images

    data = _images(tmp_path / "data", per_class=8)
    model = new_image_model(tmp_path / "tiny", list(COLORS), image_size=32)
    config = fast_config(
        data, model, tmp_path / "never", task="image-classification", batch_size=4, epochs=1
    )
    estimate = estimate_for_config(config)
    assert estimate is not None and estimate.breakdown["training"] > 0
    assert not (tmp_path / "never").exists()


def test_estimate_can_be_cancelled(tiny_model: Path, data: Path) -> None:
    stop = threading.Event()
    stop.set()
    assert estimate_for_config(fast_config(data, tiny_model), stop) is None


def test_importing_loads_no_heavy_library() -> None:
    code = (
        "import sys, engine.estimate, engine.power; "
        "heavy = {'torch', 'transformers', 'datasets', 'sklearn'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True, timeout=60)


def test_baseline_time_is_measured_on_a_sample_and_scaled(data: Path) -> None:
    from engine import tasks
    from engine.config import TrainConfig
    from engine.estimate import measure_baseline_seconds

    task = tasks.get("text-classification")
    prepared = task.load_data(TrainConfig(data=str(data), seed=0))
    seen: list[int] = []

    class Spy:
        def baseline(self, sample: Any, seed: int) -> dict[str, Any] | None:
            seen.append(len(sample.train))
            time.sleep(0.05)
            return task.baseline(sample, seed)

    n = len(prepared.train)
    full = measure_baseline_seconds(Spy(), prepared, 0)
    sampled = measure_baseline_seconds(Spy(), prepared, 0, sample_rows=n // 4)
    assert seen == [n, n // 4]
    assert full >= 0.05 and sampled >= 4 * 0.05  # scaled up by the rows left out

    class Nothing:
        def baseline(self, sample: Any, seed: int) -> None:
            return None

    class Broken:
        def baseline(self, sample: Any, seed: int) -> None:
            raise ValueError("one class")

    assert measure_baseline_seconds(Nothing(), prepared, 0) == 0.0
    assert measure_baseline_seconds(Broken(), prepared, 0) == 0.0


def test_calibration_time_is_measured() -> None:
    from engine.estimate import measure_calibration_seconds

    assert measure_calibration_seconds(500, 3) > 0
    assert measure_calibration_seconds(0, 3) == 0.0
