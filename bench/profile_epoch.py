"""Where one fp32 epoch of the starter model spends its time, from the process start.

    python bench/profile_epoch.py                    # the bundled sample, one epoch
    python bench/profile_epoch.py --rows 800         # a quick look on the first 800 rows

Runs ``engine.training.train`` (what ``python main.py train --precision fp32 --epochs 1``
runs) in this process with timers attached from outside, so the engine is unchanged:

- start-up: imports, then the engine's phases (data, model, report, tokenise, build) from
  its ``PhaseChanged`` events, then the Trainer's set-up up to the first step
- data: the collator padding each training batch (the data loader runs in this process)
- forward / backward / optimizer: hooks on the model's forward (training mode), a wrapper
  on ``Accelerator.backward``, and torch's global optimizer-step hooks
- evaluation: ``Trainer.evaluate`` during training and the final ``Trainer.predict``
- checkpoints: ``Trainer._save_checkpoint`` and the final model folder
- other: the rest of the training loop (gradient clipping, the schedule, logging, callbacks)

On a shared machine absolute seconds mean little: read the shares of the total it prints.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

T_PROCESS = time.perf_counter()

import common  # noqa: E402 - sets the offline switches and Strop's thread settings first

SPENT: dict[str, float] = defaultdict(float)
COUNT: dict[str, int] = defaultdict(int)
STATE = {"region": ""}  # the outer region a nested timer (collation, forward) belongs to


@contextlib.contextmanager
def timed(name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    try:
        yield
    finally:
        SPENT[name] += time.perf_counter() - t0
        COUNT[name] += 1


def wrap(owner: Any, attribute: str, name: str, region: bool = False) -> None:
    """Time every call of ``owner.attribute`` under ``name`` (a region: nested timers skip)."""
    original: Callable[..., Any] = getattr(owner, attribute)

    def timed_call(*args: Any, **kwargs: Any) -> Any:
        if STATE["region"]:
            return original(*args, **kwargs)
        if region:
            STATE["region"] = name
        try:
            with timed(name):
                return original(*args, **kwargs)
        finally:
            if region:
                STATE["region"] = ""

    setattr(owner, attribute, timed_call)


def attach_timers() -> None:
    from accelerate import Accelerator
    from torch.optim.optimizer import (
        register_optimizer_step_post_hook,
        register_optimizer_step_pre_hook,
    )
    from transformers import DataCollatorWithPadding, Trainer

    import engine.training as training

    wrap(Trainer, "evaluate", "evaluation", region=True)
    wrap(Trainer, "predict", "evaluation", region=True)
    wrap(Trainer, "_save_checkpoint", "checkpoints", region=True)
    wrap(Trainer, "_load_best_model", "checkpoints", region=True)
    wrap(training, "_save_model", "checkpoints", region=True)
    from engine.tasks.text_classification import TextClassification

    wrap(TextClassification, "after_training", "calibration, predictions", region=True)
    wrap(DataCollatorWithPadding, "__call__", "data")
    wrap(Accelerator, "backward", "backward")

    started: dict[str, float] = {}

    def before_step(*_: Any) -> None:
        started["optimizer"] = time.perf_counter()

    def after_step(*_: Any) -> None:
        SPENT["optimizer"] += time.perf_counter() - started.pop("optimizer")
        COUNT["optimizer"] += 1

    register_optimizer_step_pre_hook(before_step)
    register_optimizer_step_post_hook(after_step)

    import engine.models as models

    original_build = models.build_classifier

    def build_and_hook(*args: Any, **kwargs: Any) -> Any:
        model = original_build(*args, **kwargs)

        def pre(module: Any, *_: Any) -> None:
            if module.training and not STATE["region"]:
                started["forward"] = time.perf_counter()

        def post(module: Any, *_: Any) -> None:
            if "forward" in started:
                SPENT["forward"] += time.perf_counter() - started.pop("forward")
                COUNT["forward"] += 1

        model.register_forward_pre_hook(pre)
        model.register_forward_hook(post)
        return model

    models.build_classifier = build_and_hook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="default: the bundled sample")
    parser.add_argument("--rows", type=int, default=None, help="use only the first N rows")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--set", action="append", default=[], help="KEY=JSON, another setting")
    args = parser.parse_args()

    import torch  # noqa: F401 - the imports a run pays for, timed as start-up
    import transformers  # noqa: F401

    from engine.config import TrainConfig
    from engine.events import PhaseChanged, RunStarted, StepLogged
    from engine.resources import sample_dataset_path
    from engine.training import train

    SPENT["start-up: imports"] = time.perf_counter() - T_PROCESS
    t_machine = time.perf_counter()
    common.print_machine(common.machine())
    attach_timers()
    not_the_run = time.perf_counter() - t_machine  # printing the machine: not counted

    folder = Path(tempfile.mkdtemp(prefix="strop-profile-"))
    data = Path(args.data) if args.data else sample_dataset_path()
    if args.rows:
        lines = data.read_text(encoding="utf-8").splitlines()
        subset = folder / "data.csv"
        subset.write_text("\n".join(lines[: args.rows + 1]) + "\n", encoding="utf-8")
        data = subset
    config = TrainConfig(
        data=str(data), output=str(folder / "run"), epochs=args.epochs, precision="fp32",
        batch_size=args.batch_size, device="cpu",
    )  # fmt: skip
    import json

    config = config.replace(**{k: json.loads(v) for k, v in (a.split("=", 1) for a in args.set)})

    marks: list[tuple[str, float]] = []
    first_step: dict[str, float] = {}
    loop_work = ("data", "forward", "backward", "optimizer")

    def sink(event: Any) -> None:
        now = time.perf_counter()
        if isinstance(event, PhaseChanged):
            marks.append((event.phase, now))
        elif isinstance(event, RunStarted):
            marks.append(("trainer set-up", now))
            first_step["work_before"] = sum(SPENT[k] for k in loop_work)
        elif isinstance(event, StepLogged) and "at" not in first_step:
            first_step["at"] = now
            # the first step's own work is counted in data/forward/backward/optimizer
            first_step["work"] = sum(SPENT[k] for k in loop_work) - first_step["work_before"]

    t_train = time.perf_counter()
    result = train(config, sink)
    t_end = time.perf_counter()
    total = t_end - T_PROCESS - not_the_run

    # start-up phases from the events, up to the first logged step
    end_of_startup = first_step.get("at", t_end)
    bounds = [*marks, ("", end_of_startup)]
    startup_phases: dict[str, float] = defaultdict(float)
    for (phase, t0), (_, t1) in zip(bounds, bounds[1:], strict=False):
        if t0 >= end_of_startup:
            break
        startup_phases[phase] += min(t1, end_of_startup) - t0
    startup_phases["trainer set-up"] -= first_step.get("work", 0.0)
    for phase, seconds in startup_phases.items():
        name = {"data": "data (read, split)", "model": "model files", "report": "data report",
                "tokenize": "tokenise", "build": "build model"}.get(phase, phase)  # fmt: skip
        SPENT[f"start-up: {name}"] += seconds
    in_loop = ("data", "forward", "backward", "optimizer", "evaluation", "checkpoints",
               "calibration, predictions")  # fmt: skip
    train_loop = t_end - t_train - sum(startup_phases.values())
    SPENT["other (clip, schedule, logging, callbacks)"] = train_loop - sum(
        SPENT[k] for k in in_loop
    )
    SPENT["start-up: before train()"] = (
        t_train - T_PROCESS - not_the_run - SPENT["start-up: imports"]
    )

    steps = int(result.metrics.get("step", 0))
    print(f"\n{args.epochs:g} fp32 epoch(s) of the starter model: {steps} steps, batch {args.batch_size}, "
          f"{result.state.value}; total {total:.1f} s from the process start")  # fmt: skip
    print(f"{'part':48s} {'share':>7s} {'seconds':>8s} {'calls':>6s}")
    for name, seconds in sorted(SPENT.items(), key=lambda kv: -kv[1]):
        calls = COUNT.get(name, 0)
        print(f"{name:48s} {seconds / total:7.1%} {seconds:8.2f} {calls or '':>6}")
    train_work = sum(SPENT[k] for k in ("forward", "backward", "optimizer"))
    print(f"\nbackward / forward {SPENT['backward'] / SPENT['forward']:.2f}; "
          f"optimizer / (forward+backward) {SPENT['optimizer'] / (SPENT['forward'] + SPENT['backward']):.2f}; "
          f"forward+backward+optimizer = {train_work / total:.0%} of the total")  # fmt: skip


if __name__ == "__main__":
    main()
