"""How long a run will take, said before Start and refined while it trains.

One estimator serves the window's "about 12 minutes" label before Start and a comparison's
``full_run_seconds``, so the two never disagree. It is built from measurements of this
machine, not from a table of speeds: a run's time is dominated by its steps, and a step's
time depends on the model, the batch, the text lengths, the precision and the hardware
together, which no table captures (and laptops throttle).

- :func:`measure_step_seconds` times a few real optimizer steps (forward, backward, AdamW)
  of the actual model on batches of the actual data, after a warm-up step (the first step
  pays for memory allocation and kernel selection).
- :func:`measure_eval_seconds_per_row` and :func:`measure_checkpoint_seconds` time one
  evaluation batch and one checkpoint write the same way.
- :func:`measure_baseline_seconds` and :func:`measure_calibration_seconds` time the
  yardstick the run fits before training and the calibration it fits after.
- :func:`estimate_run_seconds` is pure arithmetic over those numbers and the run's cadence
  (``engine.training.cadence``: steps, evaluations, checkpoints), each evaluation sized by
  :func:`evaluation_rows`.
- :func:`refine` corrects the estimate from the run's own progress.
- :func:`estimate_for_config` does all of it for a ``TrainConfig`` (what the window and the
  CLI call), timing the start-up work (loading, tokenising, building) as it goes.

Every measurement can be cancelled through a ``threading.Event`` (the user pressed Start,
or changed a setting): the functions then return ``None``.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any

from engine.config import TrainConfig

#: steps timed after the warm-up; their median is the step time (one slow step from another
#: process on a shared laptop does not move a median of three)
TIMED_STEPS = 3
WARMUP_STEPS = 1
#: the final model folder holds the weights alone; a checkpoint also holds AdamW's two moments
FINAL_SAVE_SHARE = 1 / 3
#: the baseline is timed on at most this many training rows, then scaled
BASELINE_SAMPLE_ROWS = 2000
#: the parts of a run done before its first step (``refine`` leaves them as they were)
_BEFORE_TRAINING = ("startup", "baseline")
#: the tokenised columns a batch carries to the model
_MODEL_COLUMNS = ("input_ids", "attention_mask", "token_type_ids", "labels")


@dataclass(frozen=True)
class Estimate:
    """A run's expected duration in seconds, with the parts that make it up.

    ``breakdown`` keys: ``startup``, ``training``, ``evaluation`` (during training and of
    the kept model), ``checkpoints`` (and the final model folder), ``baseline`` and
    ``calibration``. The other fields are the basis, kept so :func:`refine` can redo the
    sum mid-run.
    """

    total: float
    breakdown: dict[str, float] = field(default_factory=dict)
    step_seconds: float = 0.0
    total_steps: int = 0
    eval_steps: int = 1
    save_steps: int = 1
    eval_seconds: float = 0.0  # one evaluation during training
    checkpoint_seconds: float = 0.0
    startup_seconds: float = 0.0
    #: seconds still to go: ``total`` before the run, the refined rest during it
    seconds_left: float = 0.0


# --------------------------------------------------------------------------------------
# The arithmetic
# --------------------------------------------------------------------------------------
def _counts(steps: int, eval_steps: int, save_steps: int) -> tuple[int, int]:
    """Evaluations and checkpoint writes done by the end of step ``steps`` (Trainer does
    them on multiples of their interval)."""
    return steps // max(1, eval_steps), steps // max(1, save_steps)


def evaluation_rows(val_rows: int, *, final: bool = False, sampled: bool = False) -> int:
    """The validation rows one evaluation of the run reads: the evaluations during training
    (``final`` false) and the kept model's at the end (``final``).

    A task with ``sampled_evaluations`` (text) evaluates at most ``EVAL_SAMPLE_ROWS`` rows
    during training (``engine.training.evaluation_sample``) and the whole set at the end;
    the others read every row each time. Every count below follows this function."""
    from engine.config import EVAL_SAMPLE_ROWS

    rows = max(0, int(val_rows))
    return rows if final or not sampled else min(rows, EVAL_SAMPLE_ROWS)


def estimate_run_seconds(
    step_seconds: float,
    plan: dict[str, int],
    *,
    eval_rows: int,
    eval_seconds_per_row: float,
    sampled_evaluations: bool = False,
    startup_seconds: float = 0.0,
    checkpoint_seconds: float = 0.0,
    baseline_seconds: float = 0.0,
    calibration_seconds: float = 0.0,
) -> Estimate:
    """The whole run's duration from measured unit costs and ``cadence()``'s ``plan``.

    Training is ``total_steps`` steps. Evaluations: one per ``eval_steps`` (and one at the
    end), each of ``evaluation_rows(eval_rows)`` rows, plus the kept model's final
    evaluation of ``evaluation_rows(eval_rows, final=True)``. Checkpoints: one per
    ``save_steps`` (and one at the end), plus the final model folder (weights only).
    ``baseline_seconds`` (fitted before training) and ``calibration_seconds`` (after) as
    measured; 0 leaves them out.
    """
    total_steps = int(plan["total_steps"])
    eval_steps, save_steps = int(plan["eval_steps"]), int(plan["save_steps"])
    in_run = math.ceil(total_steps / max(1, eval_steps))
    saves = math.ceil(total_steps / max(1, save_steps))
    eval_seconds = evaluation_rows(eval_rows, sampled=sampled_evaluations) * eval_seconds_per_row
    final_eval = evaluation_rows(eval_rows, final=True) * eval_seconds_per_row
    breakdown = {
        "startup": float(startup_seconds),
        "training": float(step_seconds * total_steps),
        "evaluation": float(in_run * eval_seconds + final_eval),
        "checkpoints": float((saves + FINAL_SAVE_SHARE) * checkpoint_seconds),
        "baseline": float(baseline_seconds),
        "calibration": float(calibration_seconds),
    }
    total = sum(breakdown.values())
    return Estimate(
        total=total,
        seconds_left=total,
        breakdown=breakdown,
        step_seconds=float(step_seconds),
        total_steps=total_steps,
        eval_steps=eval_steps,
        save_steps=save_steps,
        eval_seconds=float(eval_seconds),
        checkpoint_seconds=float(checkpoint_seconds),
        startup_seconds=float(startup_seconds),
    )


def _expected_training(estimate: Estimate, steps: int) -> float:
    """Seconds the estimate expected training to take up to the end of step ``steps``."""
    evals, saves = _counts(steps, estimate.eval_steps, estimate.save_steps)
    return (
        steps * estimate.step_seconds
        + evals * estimate.eval_seconds
        + saves * estimate.checkpoint_seconds
    )


def refine(estimate: Estimate, steps_done: int, elapsed: float) -> Estimate:
    """The estimate corrected by the run's own pace: ``elapsed`` seconds of training (since
    the first step began: ``StepLogged.elapsed``) to the end of step ``steps_done``.

    The work left is scaled by how much slower (or faster) training has gone than
    expected, trusted more with each step: after one step (which also paid for the warm-up)
    the measurement before Start weighs as much as the run's pace, after 20 steps not at
    all. ``seconds_left`` is what the window shows; ``total`` keeps the estimated start-up
    and baseline (both done before the first step).
    """
    if estimate.total_steps <= 0:
        return estimate
    steps_done = max(0, min(steps_done, estimate.total_steps))
    expected = _expected_training(estimate, steps_done)
    if steps_done == 0 or expected <= 0:
        pace = 1.0
    else:
        trust = steps_done / (steps_done + 1.0) if steps_done < 20 else 1.0
        pace = 1.0 + trust * (max(0.0, elapsed) / expected - 1.0)
    before = estimate.startup_seconds + estimate.breakdown.get("baseline", 0.0)
    planned = estimate.total - before
    left = max(0.0, planned - expected) * pace
    breakdown = {
        k: (v if k in _BEFORE_TRAINING else v * pace) for k, v in estimate.breakdown.items()
    }
    return replace(
        estimate,
        total=before + max(0.0, elapsed) + left,
        seconds_left=left,
        breakdown=breakdown,
        step_seconds=estimate.step_seconds * pace,
        eval_seconds=estimate.eval_seconds * pace,
        checkpoint_seconds=estimate.checkpoint_seconds * pace,
    )


# --------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------
def _autocast(device: str, precision: str) -> Any:
    import contextlib

    import torch

    if precision in ("bf16", "fp16"):
        dtype = torch.bfloat16 if precision == "bf16" else torch.float16
        return torch.autocast(device_type=device.split(":")[0], dtype=dtype)
    return contextlib.nullcontext()


def _sync(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()
    elif device == "mps":
        torch.mps.synchronize()


def measure_step_seconds(
    model: Any,
    batches: list[Any],
    *,
    collate: Any = None,
    device: str = "cpu",
    precision: str = "fp32",
    learning_rate: float = 2e-5,
    gradient_accumulation: int = 1,
    steps: int = TIMED_STEPS,
    warmup: int = WARMUP_STEPS,
    stop: threading.Event | None = None,
) -> float | None:
    """Median seconds of one optimizer step: ``gradient_accumulation`` forward and backward
    passes, then AdamW, as the run does them (same optimizer, same autocast).

    ``batches`` are used round robin: collated batches (dicts of tensors with ``labels``),
    or, with ``collate``, lists of rows that ``collate`` pads inside the timed step as the
    run's data loader does. The model's weights change: pass one built for measuring.
    ``None`` when ``stop`` is set.
    """
    import torch

    if not batches:
        raise ValueError("measure_step_seconds needs at least one batch")
    model.to(device)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    fused = device.split(":")[0] in ("cpu", "cuda")
    optimizer = torch.optim.AdamW(params, lr=learning_rate, fused=fused)
    times: list[float] = []
    micro = 0
    for i in range(warmup + steps):
        if stop is not None and stop.is_set():
            return None
        _sync(device)
        t0 = time.perf_counter()
        for _ in range(max(1, gradient_accumulation)):
            batch = batches[micro % len(batches)]
            batch = collate(batch) if collate is not None else batch
            batch = {k: v.to(device) for k, v in batch.items()}
            micro += 1
            with _autocast(device, precision):
                loss = model(**batch).loss / max(1, gradient_accumulation)
            loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        _sync(device)
        if i >= warmup:
            times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def measure_eval_seconds_per_row(
    model: Any,
    batches: list[Any],
    *,
    collate: Any = None,
    device: str = "cpu",
    precision: str = "fp32",
    stop: threading.Event | None = None,
) -> float | None:
    """Seconds per row of evaluation (forward passes without gradients, each batch padded
    by ``collate`` inside the timing, as the run's loader does), over ``batches`` after one
    warm-up pass of the first. Pass batches spread over the validation set's lengths
    (:func:`evaluation_batches`): one batch of typical rows misses the long ones and the
    short last batch (2x too fast on the bundled sample). ``None`` when ``stop`` is set."""
    import torch

    if not batches:
        raise ValueError("measure_eval_seconds_per_row needs at least one batch")
    model.to(device)
    model.eval()
    spent, rows = 0.0, 0
    try:
        for i, raw in enumerate([batches[0], *batches]):
            if stop is not None and stop.is_set():
                return None
            _sync(device)
            t0 = time.perf_counter()
            batch = collate(raw) if collate is not None else raw
            batch = {k: v.to(device) for k, v in batch.items()}
            with torch.no_grad(), _autocast(device, precision):
                model(**batch)
            _sync(device)
            if i:  # the first pass is the warm-up
                spent += time.perf_counter() - t0
                rows += int(next(iter(batch.values())).shape[0])
    finally:
        model.train()
    return spent / max(1, rows)


def evaluation_batches(dataset: Any, batch_size: int, count: int = 3) -> list[list[dict[str, Any]]]:
    """Up to ``count`` of the run's own evaluation batches (the validation split comes
    sorted by length; Trainer cuts it in order), evenly spaced from the shortest texts to
    the longest, the last (short) batch included."""
    n = len(dataset)
    starts = list(range(0, n, batch_size))
    if len(starts) > count:
        picks = (
            [round(i * (len(starts) - 1) / (count - 1)) for i in range(count)] if count > 1 else [0]
        )
        starts = [starts[i] for i in picks]
    columns = dataset
    if hasattr(dataset, "select_columns"):  # a datasets table; a map-style one (images) as is
        columns = dataset.select_columns([c for c in _MODEL_COLUMNS if c in dataset.column_names])
    return [[columns[j] for j in range(s, min(s + batch_size, n))] for s in starts]


def measure_checkpoint_seconds(model: Any, folder: Any) -> float:
    """Seconds to write what a checkpoint holds: the weights (safetensors) and AdamW's two
    moments per trainable weight (``optimizer.pt``), into ``folder`` (then deleted)."""
    import shutil
    from pathlib import Path

    import torch
    from safetensors.torch import save_file

    target = Path(folder) / "strop-estimate-checkpoint"
    target.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
        save_file(state, str(target / "model.safetensors"))
        moments = {
            i: {"exp_avg": torch.zeros_like(p, device="cpu"), "exp_avg_sq": torch.zeros_like(p, device="cpu")}
            for i, p in enumerate(p for p in model.parameters() if p.requires_grad)
        }  # fmt: skip
        torch.save({"state": moments}, target / "optimizer.pt")
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(target, ignore_errors=True)


def measure_baseline_seconds(
    task: Any, data: Any, seed: int, *, sample_rows: int = BASELINE_SAMPLE_ROWS
) -> float:
    """Seconds the run's yardstick (``Task.baseline``, fitted before training) takes:
    timed on up to ``sample_rows`` training rows (and as large a share of the validation
    rows), scaled by the rows (TF-IDF and SAGA go about linearly in them). 0 for a task
    without a baseline, or one that fails (the run goes on without it)."""
    import dataclasses

    n = int(len(data.train))
    share = min(1.0, sample_rows / max(1, n))
    sample = data
    if share < 1.0:
        keep = max(1, int(len(data.validation) * share))
        sample = dataclasses.replace(
            data, train=_head(data.train, sample_rows), validation=_head(data.validation, keep)
        )
    t0 = time.perf_counter()
    try:
        result = task.baseline(sample, seed)
    except Exception:  # noqa: BLE001 - the run logs a failed baseline and goes on
        return 0.0
    return 0.0 if result is None else (time.perf_counter() - t0) / share


def _head(rows: Any, n: int) -> Any:
    """The first ``n`` rows of a ``datasets.Dataset`` or a list."""
    return rows.select(range(min(n, len(rows)))) if hasattr(rows, "select") else rows[:n]


def measure_calibration_seconds(rows: int, classes: int) -> float:
    """Seconds of the calibration after training (``engine.calibration.calibrate``: a
    temperature fitted on half the validation rows, its effect measured on the other
    half), timed on logits of the run's shape."""
    import numpy as np

    from engine.calibration import apply_temperature, calibrate

    if rows <= 0 or classes < 2:
        return 0.0
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(rows, classes)) * 3.0
    gold = rng.integers(0, classes, size=rows)
    t0 = time.perf_counter()
    calibration = calibrate(logits, gold)
    apply_temperature(logits, calibration["temperature"])
    return time.perf_counter() - t0


def sample_batches(
    dataset: Any,
    batch_size: int,
    *,
    count: int,
    group_by_length: bool = True,
    seed: int = 0,
) -> list[list[dict[str, Any]]]:
    """``count`` batches (lists of rows) of ``batch_size`` rows of the tokenised
    ``dataset``, as the run would see them: with length grouping, rows of about the mean
    length (the run's batches are padded to little more than their rows' length); without,
    random rows (each batch is padded to its longest row)."""
    import random

    if "length" not in getattr(dataset, "column_names", ()):
        group_by_length = False
        lengths = [0] * len(dataset)
    else:
        lengths = list(dataset["length"])
    n = len(lengths)
    wanted = min(n, batch_size * count)
    rng = random.Random(seed)
    if group_by_length:
        mean = sum(lengths) / max(1, n)
        order = sorted(range(n), key=lambda i: (abs(lengths[i] - mean), rng.random()))
        rows = order[:wanted]
    else:
        rows = rng.sample(range(n), wanted)
    rng.shuffle(rows)
    if not hasattr(dataset, "select_columns"):  # a map-style dataset (images): rows as they are
        return [
            [dataset[j] for j in rows[i : i + batch_size]] for i in range(0, len(rows), batch_size)
        ]
    keep = [c for c in _MODEL_COLUMNS if c in dataset.column_names]
    picked = dataset.select(rows).select_columns(keep)
    return [
        [picked[j] for j in range(i, min(i + batch_size, len(rows)))]
        for i in range(0, len(rows), batch_size)
    ]


# --------------------------------------------------------------------------------------
# All of it, for a run's settings
# --------------------------------------------------------------------------------------
def estimate_for_config(
    config: TrainConfig, stop: threading.Event | None = None
) -> Estimate | None:
    """Estimate the run ``config`` describes, on this machine, in a few seconds.

    Does the run's own start-up (load the data and the model, tokenise, build), timing it,
    then times a few steps, an evaluation batch and a checkpoint write on the model it built
    (then dropped). Writes nothing lasting. ``None`` when ``stop`` is set; a ``StropError``
    for settings the run itself would refuse.
    """
    import tempfile

    from engine.imports import ensure_warm

    config = config.validate()
    # Heavy imports once, in one thread (engine/imports.py); the window has done it before
    # any run, so a run's start-up does not include it.
    ensure_warm()
    from engine import tasks
    from engine.device import resolve_device, resolve_precision
    from engine.distributed import world_size
    from engine.training import (
        apply_run_strategy,
        cadence,
        prepare_run,
        resolve_task,
        with_data_epochs,
    )

    stop = stop or threading.Event()
    t0 = time.perf_counter()
    config = resolve_task(config)
    task = tasks.get(config.task)
    prepared = prepare_run(config)
    if stop.is_set():
        return None
    config = config.replace(max_length=prepared.report.max_length)
    config = with_data_epochs(config, task, prepared.data.num_train, world_size())
    train_ds, val_ds = task.encode(prepared.data, prepared.processor, config)
    model = task.build_model(prepared.source, prepared.data.labels, config)
    apply_run_strategy(task, model, config.with_resolved_recipe())  # as the run freezes
    startup = time.perf_counter() - t0
    if stop.is_set():
        return None

    device = resolve_device(config.device)
    precision = resolve_precision(config.precision, device)
    collate = task.collator(prepared.processor, device)
    needed = (WARMUP_STEPS + TIMED_STEPS) * config.gradient_accumulation
    batches = sample_batches(
        train_ds, config.batch_size, count=min(needed, 4),
        group_by_length=config.group_by_length and task.has_lengths, seed=config.seed,
    )  # fmt: skip
    step = measure_step_seconds(
        model,
        batches,
        collate=collate,
        device=device,
        precision=precision,
        learning_rate=config.resolved_learning_rate(),
        gradient_accumulation=config.gradient_accumulation,
        stop=stop,
    )
    if step is None:
        return None
    per_row = measure_eval_seconds_per_row(
        model,
        evaluation_batches(val_ds, max(config.batch_size, 64)),  # Trainer's eval batch
        collate=collate,
        device=device,
        precision=precision,
        stop=stop,
    )
    if per_row is None:
        return None
    with tempfile.TemporaryDirectory(prefix="strop-estimate-") as folder:
        checkpoint = measure_checkpoint_seconds(model, folder)
    if stop.is_set():
        return None
    # the baseline and calibration run on the main process only, as in the run
    baseline = measure_baseline_seconds(task, prepared.data, config.seed)
    calibration = measure_calibration_seconds(
        evaluation_rows(len(val_ds), final=True), len(prepared.data.labels)
    )
    plan = cadence(len(train_ds), config, world_size())
    return estimate_run_seconds(
        step,
        plan,
        eval_rows=len(val_ds),
        eval_seconds_per_row=per_row,
        sampled_evaluations=getattr(task, "sampled_evaluations", False),
        startup_seconds=startup,
        checkpoint_seconds=checkpoint,
        baseline_seconds=baseline,
        calibration_seconds=calibration,
    )
