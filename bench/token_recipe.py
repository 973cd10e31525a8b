"""Issue 12's target for named entities: Strop's ``train`` with its defaults against
transformers' token-classification recipe, on WNUT 2017 with the starter model.

The recipe is transformers' token-classification example: first sub-token labelled, 3
epochs, learning rate 5e-5, batch 8, Trainer's other defaults. Strop runs its own defaults
(``engine.training.train``: bf16 on CPUs that have it, length-grouped batches, evaluation
and a checkpoint each epoch, the best one kept) with the token task's ``defaults()``
applied, as the CLI and the window will once they ask the task. Both wall times are measured
end to end (reading, tokenising, training, the final evaluation on the dev split). Both
models are then scored the same way on held-out test sentences: ``engine.token_predict``
tags every word (windows merged per sentence) and seqeval's default micro F1 scores them.

Target: Strop's test F1 at most 1 point under the recipe's, in at most half its wall time.

    python bench/token_recipe.py --limit 600 --dev-limit 200 --test-limit 400 [--threads 2]

``--limit`` takes the first N training sentences (the whole file takes about an hour on two
busy cores); the numbers printed name the subset, the machine and both settings.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
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


def run_recipe(train: Path, dev: Path, out: Path, epochs: float, seed: int) -> dict[str, Any]:
    """transformers' recipe, with Strop's readers and aligner (first sub-token labelled)."""
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

    start = time.perf_counter()
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
        ),
        train_dataset=encode(data.train, tokenizer, data.label2id, limit),
        data_collator=DataCollatorForTokenClassification(tokenizer),
        compute_metrics=compute_metrics(id2label),
    )
    trainer.train()
    dev_metrics = trainer.evaluate(encode(data.validation, tokenizer, data.label2id, limit))
    seconds = time.perf_counter() - start
    trainer.save_model(str(out / "model"))
    tokenizer.save_pretrained(str(out / "model"))
    return {
        "seconds": seconds,
        "dev_entity_f1": dev_metrics["eval_entity_f1"],
        "model": out / "model",
        "steps": trainer.state.global_step,
    }


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
    start = time.perf_counter()
    result = strop_train(config)
    seconds = time.perf_counter() - start
    used = json.loads((out / "run" / "config.json").read_text(encoding="utf-8"))
    return {
        "seconds": seconds,
        "dev_entity_f1": result.metrics["entity_f1"],
        "model": result.model_dir,
        "steps": result.metrics["step"],
        "settings": {
            k: used.get(k)
            for k in ("epochs", "batch_size", "learning_rate", "max_length", "group_by_length")
        },
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
        "--strop", default="{}", help='Strop settings besides its defaults, as JSON: {"epochs": 4}'
    )
    args = parser.parse_args()

    import torch

    from engine.models import quiet_transformers
    from engine.token_predict import evaluate

    torch.set_num_threads(args.threads)
    quiet_transformers()
    info = machine()
    print_machine(info)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sizes = {
            "train": write_subset(args.data / "train.conll", root / "train.conll", args.limit),
            "dev": write_subset(args.data / "dev.conll", root / "dev.conll", args.dev_limit),
            "test": write_subset(args.data / "test.conll", root / "test.conll", args.test_limit),
        }
        print(f"WNUT 2017 sentences: {sizes}", flush=True)
        recipe = run_recipe(
            root / "train.conll", root / "dev.conll", root / "recipe", args.epochs, args.seed
        )
        print(f"recipe: {recipe['seconds']:.0f} s, {recipe['steps']} steps", flush=True)
        # The token task's own defaults (Task.defaults), as the CLI applies them once wired,
        # then anything given with --strop.
        from engine import tasks

        settings = {**tasks.get("token-classification").defaults(), **json.loads(args.strop)}
        strop = run_strop(
            root / "train.conll", root / "dev.conll", root / "strop", args.seed, **settings
        )
        print(f"strop: {strop['seconds']:.0f} s, {strop['steps']} steps", flush=True)
        for side in (recipe, strop):
            scores = evaluate(side["model"], root / "test.conll", device="cpu")
            side["test_entity_f1"] = scores["entity_f1"]
    result = {
        "sentences": sizes,
        "threads": args.threads,
        "recipe": {k: v for k, v in recipe.items() if k != "model"},
        "strop": {k: v for k, v in strop.items() if k != "model"},
        "f1_gap_points": round(100 * (recipe["test_entity_f1"] - strop["test_entity_f1"]), 2),
        "time_ratio": round(strop["seconds"] / recipe["seconds"], 3),
    }
    result["target_met"] = result["f1_gap_points"] <= 1.0 and result["time_ratio"] <= 0.5
    print(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
