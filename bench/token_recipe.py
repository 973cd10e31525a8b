"""Issue 12's target for named entities: Strop's ``train`` with its defaults against
transformers' token-classification recipe, on WNUT 2017 with the starter model.

The recipe is transformers' token-classification example: first sub-token labelled, 3
epochs, learning rate 5e-5, batch 8, Trainer's other defaults. Strop runs its own defaults
(``engine.training.train``: length-grouped batches, evaluation and a checkpoint at least four
times a run, the best one kept) with the token task's ``defaults()`` applied, as the CLI does.
Both sides run in ``--precision`` (fp32 unless told: the laptop without bf16 the target is
about; ``auto`` is bf16 where the CPU has it). Both times are measured end to end (reading, tokenising, training, the final evaluation on the dev split). Both
models are then scored the same way on held-out test sentences: ``engine.token_predict``
tags every word (windows merged per sentence) and seqeval's default micro F1 scores them.

Target: Strop's test F1 at most 1 point under the recipe's, in at most half its wall time.

    OMP_NUM_THREADS=1 python bench/token_recipe.py --limit 1500 --dev-limit 300 \
        --threads 1 --precision fp32 [--only strop --strop '{"epochs": 4}'] [--json out.json]

``--limit`` takes the first N training sentences (the whole file takes about an hour on two
busy cores); the numbers printed name the subset, the machine and both settings. Besides wall
seconds each side reports CPU seconds (user + system of this process, all its threads), which
a shared machine's load does not inflate: with ``--threads 1`` they are the wall time an idle
one-core run would take. Strop's side also splits them into phases (reading and the report,
tokenising, building the model, training steps, evaluations during training, checkpoints,
the final evaluation and saving the model). ``--only`` runs one side, so the recipe (which
does not change) need not be rerun for each Strop setting screened.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import machine, print_machine

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "wnut17"
if not DATA.is_dir():  # a git worktree sits one level deeper than the clone
    DATA = Path("/work/shared/datasets/wnut17")


def write_subset(source: Path, dest: Path, limit: int | None) -> int:
    """The first ``limit`` sentences of a CoNLL file, as CoNLL; how many were written."""
    from engine.token_data import read_sentences

    sentences, _, _, _ = read_sentences(source)
    chosen = sentences[:limit] if limit else sentences
    blocks = ["\n".join(f"{w}\t{t}" for w, t in zip(s.tokens, s.tags, strict=True)) for s in chosen]
    dest.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return len(chosen)


def run_recipe(
    train: Path, dev: Path, out: Path, epochs: float, seed: int, precision: str = "fp32"
) -> dict[str, Any]:
    """transformers' recipe, with Strop's readers and aligner (first sub-token labelled), in
    ``precision`` (fp32 or bf16: its mixed-precision autocast, as ``--bf16`` gives it)."""
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
    )

    from engine.models import starter_model_path
    from engine.token_align import encode
    from engine.token_data import read_token_data
    from engine.token_metrics import compute_metrics

    start, cpu = time.perf_counter(), time.process_time()
    data = read_token_data(train, dev)
    id2label = dict(enumerate(data.tags))
    tokenizer = AutoTokenizer.from_pretrained(str(starter_model_path()))
    model = AutoModelForTokenClassification.from_pretrained(
        str(starter_model_path()),
        num_labels=len(data.tags),
        id2label=id2label,
        label2id=data.label2id,
    )
    limit = min(tokenizer.model_max_length, 512)
    trainer = Trainer(
        model=model,
        args=TrainingArguments(
            output_dir=str(out / "checkpoints"),
            num_train_epochs=epochs,
            learning_rate=5e-5,
            per_device_train_batch_size=8,
            report_to="none",
            disable_tqdm=True,
            seed=seed,
            use_cpu=True,
            bf16=precision == "bf16",
        ),
        train_dataset=encode(data.train, tokenizer, data.label2id, limit),
        data_collator=DataCollatorForTokenClassification(tokenizer),
        compute_metrics=compute_metrics(id2label),
    )
    trainer.train()
    dev_metrics = trainer.evaluate(encode(data.validation, tokenizer, data.label2id, limit))
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    trainer.save_model(str(out / "model"))
    tokenizer.save_pretrained(str(out / "model"))
    return {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "precision": precision,
        "dev_entity_f1": dev_metrics["eval_entity_f1"],
        "model": out / "model",
        "steps": trainer.state.global_step,
    }


@contextlib.contextmanager
def cpu_phases() -> Iterator[dict[str, float]]:
    """CPU seconds spent in Trainer's evaluations, checkpoint saves and Strop's model save
    while the block runs (each wrapped for the block's duration only)."""
    from transformers import Trainer

    import engine.training as training
    from engine.trainer import StropTrainer

    spent: dict[str, float] = {"evaluations": 0.0, "checkpoints": 0.0, "final_and_save": 0.0}
    patched = [
        (Trainer, "evaluate", "evaluations"),
        (StropTrainer, "_save_checkpoint", "checkpoints"),
        (training, "_save_model", "final_and_save"),
    ]
    originals = [getattr(owner, name) for owner, name, _ in patched]

    def timed(fn: Any, key: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[key] += time.process_time() - t

        return wrapper

    for (owner, name, key), fn in zip(patched, originals, strict=True):
        setattr(owner, name, timed(fn, key))
    try:
        yield spent
    finally:
        for (owner, name, _), fn in zip(patched, originals, strict=True):
            setattr(owner, name, fn)


def run_strop(train: Path, dev: Path, out: Path, seed: int, **settings: Any) -> dict[str, Any]:
    """Strop's ``train`` with its defaults (and any ``settings`` given)."""
    from engine.config import TrainConfig
    from engine.training import train as strop_train

    config = TrainConfig(
        data=str(train),
        validation=str(dev),
        output=str(out / "run"),
        device="cpu",
        seed=seed,
        **settings,
    )
    from engine.events import PhaseChanged, RunStarted

    marks: list[tuple[str, float]] = []

    def emit(event: Any) -> None:
        # CPU time at each phase change: reading and the report, tokenising, building the
        # model run before RunStarted; training from there to the final evaluation
        if isinstance(event, PhaseChanged):
            marks.append((event.phase, time.process_time()))
        elif isinstance(event, RunStarted):
            marks.append(("train", time.process_time()))

    start, cpu = time.perf_counter(), time.process_time()
    with cpu_phases() as spent:
        result = strop_train(config, emit)
    seconds, end = time.perf_counter() - start, time.process_time()
    phases: dict[str, float] = {}
    for (name, t), (_, t_next) in zip(marks, [*marks[1:], ("end", end)], strict=True):
        phases[name] = phases.get(name, 0.0) + t_next - t
    phases["start"] = marks[0][1] - cpu if marks else 0.0
    # Trainer's evaluations and checkpoints run inside the training phase; the model save
    # inside the final "evaluate" phase
    phases["train_steps"] = phases.get("train", 0.0) - spent["evaluations"] - spent["checkpoints"]
    phases["evaluations"], phases["checkpoints"] = spent["evaluations"], spent["checkpoints"]
    phases["save_model"] = spent["final_and_save"]
    phases["final_evaluation"] = phases.get("evaluate", 0.0) - spent["final_and_save"]
    for key in ("train", "evaluate"):
        phases.pop(key, None)
    used = json.loads((out / "run" / "config.json").read_text(encoding="utf-8"))
    return {
        "seconds": seconds,
        "cpu_seconds": end - cpu,
        "cpu_phases": {k: round(v, 1) for k, v in phases.items()},
        "precision": result.metrics.get("precision"),
        "dev_entity_f1": result.metrics["entity_f1"],
        "model": result.model_dir,
        "steps": result.metrics["step"],
        "best_checkpoint": result.metrics.get("best_checkpoint"),
        "settings": {
            k: used.get(k)
            for k in (
                "epochs",
                "max_steps",
                "batch_size",
                "learning_rate",
                "warmup_ratio",
                "max_length",
                "group_by_length",
                "eval_steps",
                "precision",
            )
        },  # fmt: skip
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, help="training sentences (default: all)")
    parser.add_argument("--dev-limit", type=int, help="dev sentences (default: all)")
    parser.add_argument("--test-limit", type=int, help="test sentences (default: all)")
    parser.add_argument("--epochs", type=float, default=3, help="the recipe's epochs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--precision",
        default="fp32",
        choices=("auto", "fp32", "bf16"),
        help="both sides' precision (auto: bf16 where the CPU has it, as Strop's default)",
    )
    parser.add_argument("--only", choices=("both", "recipe", "strop"), default="both")
    parser.add_argument(
        "--against", type=Path, help="a --json file of an earlier recipe run on the same subset"
    )
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument(
        "--strop", default="{}", help='Strop settings besides its defaults, as JSON: {"epochs": 4}'
    )
    args = parser.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # for any pool started from here on

    import torch

    from engine.device import resolve_precision
    from engine.models import quiet_transformers
    from engine.token_predict import evaluate

    torch.set_num_threads(args.threads)
    quiet_transformers()
    info = machine()
    print_machine(info)
    precision = resolve_precision(args.precision, "cpu")
    sides: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sizes = {
            "train": write_subset(args.data / "train.conll", root / "train.conll", args.limit),
            "dev": write_subset(args.data / "dev.conll", root / "dev.conll", args.dev_limit),
            "test": write_subset(args.data / "test.conll", root / "test.conll", args.test_limit),
        }
        print(f"WNUT 2017 sentences: {sizes}", flush=True)
        if args.only in ("both", "recipe"):
            recipe = run_recipe(
                root / "train.conll",
                root / "dev.conll",
                root / "recipe",
                args.epochs,
                args.seed,
                precision,
            )
            print(f"recipe: {recipe['cpu_seconds']:.0f} CPU s, {recipe['steps']} steps", flush=True)
            sides["recipe"] = recipe
        if args.only in ("both", "strop"):
            # The token task's own defaults (Task.defaults), as the CLI applies them, then
            # anything given with --strop.
            from engine import tasks

            settings = {**tasks.get("token-classification").defaults(), **json.loads(args.strop)}
            settings.setdefault("precision", args.precision)
            strop = run_strop(
                root / "train.conll", root / "dev.conll", root / "strop", args.seed, **settings
            )
            print(f"strop: {strop['cpu_seconds']:.0f} CPU s, {strop['steps']} steps", flush=True)
            sides["strop"] = strop
        for side in sides.values():
            scores = evaluate(side.pop("model"), root / "test.conll", device="cpu")
            side["test_entity_f1"] = scores["entity_f1"]
    result: dict[str, Any] = {
        "machine": {k: info.get(k) for k in ("date", "cpu", "nproc", "loadavg")},
        "sentences": sizes,
        "threads": args.threads,
        "seed": args.seed,
        **sides,
    }
    if args.against and "recipe" not in sides:
        earlier = json.loads(args.against.read_text(encoding="utf-8"))
        if earlier.get("sentences") != sizes:
            raise SystemExit(f"{args.against} scored another subset: {earlier.get('sentences')}")
        result["recipe"] = earlier["recipe"]
    if "recipe" in result and "strop" in result:
        recipe, strop = result["recipe"], result["strop"]
        result["f1_gap_points"] = round(
            100 * (recipe["test_entity_f1"] - strop["test_entity_f1"]), 2
        )
        result["time_ratio"] = round(strop["seconds"] / recipe["seconds"], 3)
        result["cpu_time_ratio"] = round(strop["cpu_seconds"] / recipe["cpu_seconds"], 3)
        result["target_met"] = result["f1_gap_points"] <= 1.0 and result["cpu_time_ratio"] <= 0.5
    text = json.dumps(result, indent=1, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
