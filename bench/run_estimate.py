"""The run estimate against the real run, part by part.

    python bench/run_estimate.py --threads 1                       # starter, 1,500 UCI rows
    python bench/run_estimate.py --data sms_spam/all.csv --rows 1000 --threads 1

Runs ``engine.estimate.estimate_for_config`` (what the Training tab's ``runEstimateLabel``
and compare's ``full_run_seconds`` use), then ``engine.training.train`` with the same
settings (a default run: 3 epochs, evaluations, checkpoints, baseline, calibration) in the
same process, with timers wrapped around the real run's parts from outside:

- baseline: ``Task.baseline``; evaluation: ``Trainer.evaluate`` during training and the
  final ``Trainer.predict``; calibration: ``Task.after_training``; checkpoints:
  ``Trainer._save_checkpoint`` and the final model folder; training: ``Trainer.train`` less
  the evaluations and checkpoints inside it; start-up: the rest.

Each part is reported in CPU seconds of this process (steady on a shared machine, the
same as wall seconds on an idle one with ``--threads 1``) and in wall seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import common

WALL: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)


@contextlib.contextmanager
def timed(name: str) -> Iterator[None]:
    w, c = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        WALL[name] += time.perf_counter() - w
        CPU[name] += time.process_time() - c


def wrap(owner: Any, attribute: str, name: str) -> None:
    original: Callable[..., Any] = getattr(owner, attribute)

    def timed_call(*args: Any, **kwargs: Any) -> Any:
        with timed(name):
            return original(*args, **kwargs)

    setattr(owner, attribute, timed_call)


def attach_timers() -> None:
    import transformers

    from engine import training
    from engine.tasks.base import Task

    wrap(transformers.Trainer, "evaluate", "evaluation (during training)")
    wrap(transformers.Trainer, "predict", "evaluation (kept model)")
    wrap(transformers.Trainer, "_save_checkpoint", "checkpoints")
    wrap(transformers.Trainer, "train", "trainer.train")
    wrap(training, "_save_model", "final model folder")
    for cls in {type(t) for t in _tasks()} | {Task}:
        if "baseline" in vars(cls):
            wrap(cls, "baseline", "baseline")
        if "after_training" in vars(cls):
            wrap(cls, "after_training", "calibration")


def _tasks() -> list[Any]:
    from engine import tasks

    return [tasks.get(name) for name in ("text-classification",)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="uci_sentiment_sentences/all.csv")
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--model", help="default: the starter model")
    parser.add_argument("--precision", default="fp32")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    info = common.machine()
    common.print_machine(info)
    from engine.config import TrainConfig
    from engine.estimate import estimate_for_config
    from engine.training import train

    work = Path(tempfile.mkdtemp(prefix="strop-bench-estimate-"))
    source = common.shared_dataset(args.data)
    with open(source, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    data = work / "data.csv"
    with open(data, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows[: args.rows + 1])
    config = TrainConfig(
        data=str(data),
        model=args.model or str(common.starter_path()),
        precision=args.precision,
        device="cpu",
        output=str(work / "run"),
    )
    print(f"{args.rows} rows of {args.data}, {args.threads} thread(s), {args.precision}")

    w, c = time.perf_counter(), time.process_time()
    estimate = estimate_for_config(config)
    est_wall, est_cpu = time.perf_counter() - w, time.process_time() - c
    assert estimate is not None
    print(f"estimate made in {est_cpu:.1f} CPU-s ({est_wall:.1f} s wall)", flush=True)

    attach_timers()
    w, c = time.perf_counter(), time.process_time()
    result = train(config)
    real_wall, real_cpu = time.perf_counter() - w, time.process_time() - c
    print(f"run: {result.state.name}, {real_cpu:.1f} CPU-s ({real_wall:.1f} s wall)")

    def parts(store: dict[str, float], total: float) -> dict[str, float]:
        evaluation = store["evaluation (during training)"] + store["evaluation (kept model)"]
        inside = store["evaluation (during training)"] + store["checkpoints"]
        out = {
            "training": store["trainer.train"] - inside,
            "evaluation": evaluation,
            "checkpoints": store["checkpoints"] + store["final model folder"],
            "baseline": store["baseline"],
            "calibration": store["calibration"],
        }
        out["startup"] = total - sum(out.values())
        return out

    real = parts(CPU, real_cpu)
    real_w = parts(WALL, real_wall)
    # The estimate times wall seconds under whatever load there is; the run's CPU share
    # (CPU-s / wall s) says how loaded each was. The estimate at the estimate's own CPU share
    # is what it would have said on an idle machine, comparable with the run's CPU-s.
    idle = est_cpu / max(1e-9, est_wall)
    print(f"CPU share: estimate {idle:.2f}, run {real_cpu / max(1e-9, real_wall):.2f}")
    print(
        "\n| part | estimate, wall s | real, wall s | ratio | estimate x its CPU share "
        "| real, CPU-s | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    for key in ("startup", "training", "evaluation", "checkpoints", "baseline", "calibration"):
        e = estimate.breakdown.get(key, 0.0)
        r_w = e / real_w[key] if real_w[key] > 0 else float("nan")
        r_c = e * idle / real[key] if real[key] > 0 else float("nan")
        print(
            f"| {key} | {e:.1f} | {real_w[key]:.1f} | {r_w:.2f} | {e * idle:.1f} "
            f"| {real[key]:.1f} | {r_c:.2f} |"
        )
    print(
        f"| **total** | **{estimate.total:.1f}** | **{real_wall:.1f}** | "
        f"**{estimate.total / real_wall:.2f}** | **{estimate.total * idle:.1f}** | "
        f"**{real_cpu:.1f}** | **{estimate.total * idle / real_cpu:.2f}** |"
    )
    val = result.metrics.get("num_examples") if result.metrics else None
    print(
        f"\nsteps {estimate.total_steps}, eval every {estimate.eval_steps}; validation rows "
        f"{val}; evaluation per pass estimated {estimate.eval_seconds:.2f} s; "
        f"real in-run evaluation {CPU['evaluation (during training)']:.1f} CPU-s, kept "
        f"model {CPU['evaluation (kept model)']:.1f} CPU-s; estimate made at load "
        f"{info.get('loadavg')}"
    )


if __name__ == "__main__":
    main()
