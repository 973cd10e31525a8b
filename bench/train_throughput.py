"""Training throughput: Strop's engine against the two ways people usually write it.

    python bench/train_throughput.py                 # the full comparison (< ~10 min, 2 cores)
    python bench/train_throughput.py --train-rows 600 --only a,c   # a quick look

Same starter model, same training rows, same validation rows, one epoch each, in one run:

(a) ``transformers.Trainer`` with its defaults, as a user would write it: fp32, batch 8,
    random batches, ``DataCollatorWithPadding`` (the default collator when a tokenizer is given).
(b) The classic tutorial loop: every text padded to 128 tokens, fp32, batch 32,
    ``torch.optim.AdamW`` + a linear schedule, gradient clipping.
(c) Strop's engine with its defaults (``engine.training.train``; only ``epochs=1``).

It prints samples/s, the ratios c/a and c/b, validation accuracy after the epoch, and model
FLOP utilisation: 6 x non-embedding parameters x real (unpadded) tokens per second, over the
matmul peak this script measures for the precision each one uses.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import common

DEFAULT_DATA = "uci_sentiment_sentences/all.csv"
LEARNING_RATE = 5e-5  # Trainer's default; also used by (b) and Strop's "full" default
SEED = 42


# --------------------------------------------------------------------------------------
# Data: one stratified split written to two CSV files that all three read
# --------------------------------------------------------------------------------------
def make_split(
    source: Path, folder: Path, train_rows: int | None, val_rows: int, test_rows: int
) -> dict:
    """Stratified, seeded: a test set none of the three sees (accuracy is measured on it),
    a validation set for Strop's evaluations (10% of the data, as Strop's default split
    holds out), and the training rows, which all three train on for one epoch."""
    import pandas as pd

    from engine.data import stratified_split

    df = pd.read_csv(source, dtype=str, keep_default_na=False)[["text", "label"]]
    labels = sorted(df["label"].unique())
    ids = df["label"].map({label: i for i, label in enumerate(labels)}).tolist()
    rest, test = stratified_split(ids, test_rows / len(df), SEED)
    rest_df, test_df = df.iloc[rest], df.iloc[test]
    tr, va = stratified_split([ids[i] for i in rest], val_rows / len(rest), SEED)
    train = rest_df.iloc[tr].sample(frac=1.0, random_state=SEED)
    if train_rows:
        train = train.iloc[:train_rows]
    val = rest_df.iloc[va]
    train.to_csv(folder / "train.csv", index=False)
    val.to_csv(folder / "val.csv", index=False)
    return {
        "train": folder / "train.csv",
        "val": folder / "val.csv",
        "labels": labels,
        "train_texts": train["text"].tolist(),
        "train_labels": [labels.index(v) for v in train["label"]],
        "val_rows": len(val),
        "test_texts": test_df["text"].tolist(),
        "test_labels": [labels.index(v) for v in test_df["label"]],
    }


def non_embedding_parameters(model: Any) -> int:
    """Parameters outside the embedding tables: what costs 6 FLOPs per token in training."""
    embed = sum(p.numel() for n, p in model.named_parameters() if ".embeddings." in f".{n}")
    return sum(p.numel() for p in model.parameters()) - embed


def real_tokens(tokenizer: Any, texts: list[str], max_length: int) -> int:
    enc = tokenizer(texts, truncation=True, max_length=max_length)
    return sum(len(ids) for ids in enc["input_ids"])


def accuracy(
    model: Any, tokenizer: Any, texts: list[str], labels: list[int], max_length: int
) -> float:
    """Accuracy in fp32, batch by batch, the same way for all three (each at the max length
    it was trained with, as it would predict)."""
    import torch

    model.eval()
    correct = 0
    with torch.inference_mode():
        for i in range(0, len(texts), 64):
            enc = tokenizer(
                texts[i : i + 64],
                truncation=True,
                max_length=max_length,
                padding=True,
                return_tensors="pt",
            )
            pred = model(**enc).logits.argmax(-1)
            correct += int((pred == torch.tensor(labels[i : i + 64])).sum())
    return correct / len(texts)


# --------------------------------------------------------------------------------------
# (a) transformers.Trainer with its defaults
# --------------------------------------------------------------------------------------
def run_trainer_defaults(split: dict, work: Path, seed: int) -> dict:
    from datasets import Dataset
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        Trainer,
        TrainingArguments,
    )

    path = str(common.starter_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    train = Dataset.from_dict({"text": split["train_texts"], "label": split["train_labels"]})
    train = train.map(lambda b: tokenizer(b["text"], truncation=True), batched=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(split["labels"])
    )
    args = TrainingArguments(
        output_dir=str(work / f"a{seed}"), num_train_epochs=1, seed=seed, report_to="none"
    )
    trainer = Trainer(model=model, args=args, train_dataset=train, processing_class=tokenizer)
    t = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - t
    max_len = tokenizer.model_max_length if tokenizer.model_max_length < 100_000 else 512
    return {
        "name": "(a) Trainer defaults",
        "seconds": seconds,
        "loop_seconds": seconds,
        "precision": "fp32",
        "batch_size": args.per_device_train_batch_size,
        "tokens": real_tokens(tokenizer, split["train_texts"], max_len),
        "params": non_embedding_parameters(model),
        "accuracy": accuracy(model, tokenizer, split["test_texts"], split["test_labels"], max_len),
    }


# --------------------------------------------------------------------------------------
# (b) the classic tutorial loop
# --------------------------------------------------------------------------------------
def run_classic_loop(split: dict, work: Path, seed: int) -> dict:
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    torch.manual_seed(seed)
    path = str(common.starter_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    enc = tokenizer(
        split["train_texts"],
        padding="max_length",
        truncation=True,
        max_length=128,
        return_tensors="pt",
    )
    data = TensorDataset(
        enc["input_ids"],
        enc["attention_mask"],
        enc["token_type_ids"],
        torch.tensor(split["train_labels"]),
    )
    loader = DataLoader(
        data, batch_size=32, shuffle=True, generator=torch.Generator().manual_seed(seed)
    )
    model = AutoModelForSequenceClassification.from_pretrained(
        path, num_labels=len(split["labels"])
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    scheduler = get_linear_schedule_with_warmup(optimizer, 0, len(loader))
    model.train()
    t = time.perf_counter()
    total_loss = 0.0
    for input_ids, attention_mask, token_type_ids, labels in loader:
        optimizer.zero_grad()
        out = model(
            input_ids=input_ids,
            attention_mask=attention_mask,
            token_type_ids=token_type_ids,
            labels=labels,
        )
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        total_loss += out.loss.item()
    seconds = time.perf_counter() - t
    return {
        "name": "(b) classic loop, pad 128",
        "seconds": seconds,
        "loop_seconds": seconds,
        "precision": "fp32",
        "batch_size": 32,
        "tokens": int(enc["attention_mask"].sum()),
        "params": non_embedding_parameters(model),
        "accuracy": accuracy(model, tokenizer, split["test_texts"], split["test_labels"], 128),
    }


# --------------------------------------------------------------------------------------
# (c) Strop's engine with its defaults
# --------------------------------------------------------------------------------------
def run_strop(split: dict, work: Path, seed: int) -> dict:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from engine.config import TrainConfig
    from engine.events import CheckpointSaved, Evaluated, StepLogged
    from engine.training import train

    events: list[tuple[float, Any]] = []

    def emit(event: Any) -> None:
        events.append((time.perf_counter(), event))

    config = TrainConfig(
        data=str(split["train"]),
        validation=str(split["val"]),
        epochs=1,
        seed=seed,
        output=str(work / f"c{seed}"),
    )
    t = time.perf_counter()
    result = train(config, emit)
    total = time.perf_counter() - t
    metrics = result.metrics

    # Evaluation + checkpoint time inside the loop: from the step's log (just before
    # evaluating) to its checkpoint (just after saving).
    eval_seconds = checkpoint_seconds = 0.0
    last_log: tuple[int, float] | None = None
    evaluations: list[Evaluated] = []
    eval_end: dict[int, float] = {}
    for when, event in events:
        if isinstance(event, StepLogged):
            last_log = (event.step, when)
        elif isinstance(event, Evaluated):
            evaluations.append(event)
            eval_end[event.step] = when
            if last_log and last_log[0] == event.step:
                eval_seconds += when - last_log[1]
        elif isinstance(event, CheckpointSaved) and event.step in eval_end:
            checkpoint_seconds += when - eval_end[event.step]
    overhead = eval_seconds + checkpoint_seconds
    saved = json.loads((result.run_dir / "config.json").read_text())
    model_dir = result.model_dir
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir))
    return {
        "name": "(c) Strop engine defaults",
        "seconds": metrics["train_seconds"],
        "loop_seconds": metrics["train_seconds"] - overhead,
        "eval_checkpoint_seconds": overhead,
        "eval_seconds": eval_seconds,
        "checkpoint_seconds": checkpoint_seconds,
        "evaluations": len(evaluations),
        "total_seconds": total,
        "precision": metrics["precision"],
        "batch_size": saved["batch_size"],
        "max_length": saved["max_length"],
        "tokens": real_tokens(tokenizer, split["train_texts"], saved["max_length"]),
        "params": non_embedding_parameters(model),
        # The model Strop keeps (the best of its evaluations by validation macro F1).
        "accuracy": accuracy(
            model, tokenizer, split["test_texts"], split["test_labels"], saved["max_length"]
        ),
        "validation_accuracies": [round(e.accuracy, 3) for e in evaluations],
        "best_checkpoint": metrics.get("best_checkpoint"),
    }


RUNNERS = {"a": run_trainer_defaults, "b": run_classic_loop, "c": run_strop}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(common.shared_dataset(DEFAULT_DATA)))
    parser.add_argument(
        "--train-rows", type=int, default=None, help="cap the training rows (default: all)"
    )
    parser.add_argument("--val-rows", type=int, default=300, help="Strop's validation rows")
    parser.add_argument("--test-rows", type=int, default=600, help="held out, for accuracy")
    parser.add_argument("--only", default="a,b,c", help="which of a,b,c to run")
    parser.add_argument(
        "--seeds",
        type=int,
        default=1,
        help="train (a) and (c) this many times each (seeds 42, 43, ...); (b) once",
    )
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()

    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    info = common.machine()
    common.print_machine(info)
    work = Path(tempfile.mkdtemp(prefix="strop-bench-train-"))
    try:
        split = make_split(Path(args.data), work, args.train_rows, args.val_rows, args.test_rows)
        n = len(split["train_texts"])
        print(
            f"data: {args.data}: {n} training rows (one epoch each), {split['val_rows']} "
            f"validation rows (Strop's evaluations), {len(split['test_texts'])} test rows "
            f"(accuracy, seen by none)"
        )
        peaks = {p: common.matmul_peak(p) for p in ("fp32", "bf16")}
        print(
            "matmul peak measured now: "
            + ", ".join(f"{p} {v / 1e9:.0f} GFLOP/s" for p, v in peaks.items())
        )
        results: dict[str, dict] = {}
        for key in args.only.split(","):
            key = key.strip()
            runs = []
            seeds = args.seeds if key != "b" else 1  # (b) is slow, and only context
            for seed in range(SEED, SEED + seeds):
                torch.manual_seed(seed)
                print(f"running {key} (seed {seed}) ...", flush=True)
                runs.append(RUNNERS[key](split, work, seed))
            r = dict(runs[0])
            r["accuracies"] = [round(x["accuracy"], 3) for x in runs]
            for field in (
                "seconds",
                "loop_seconds",
                "accuracy",
                "eval_seconds",
                "checkpoint_seconds",
            ):
                if field in r:
                    r[field] = sum(x[field] for x in runs) / len(runs)
            r["samples_per_second"] = n / r["seconds"]
            r["loop_samples_per_second"] = n / r["loop_seconds"]
            flops = 6 * r["params"] * r["tokens"]
            r["mfu"] = flops / r["loop_seconds"] / peaks[r["precision"]]
            r["mfu_with_eval"] = flops / r["seconds"] / peaks[r["precision"]]
            results[key] = r
            print(
                f"  {r['name']}: {r['samples_per_second']:.1f} samples/s over "
                f"{r['seconds']:.1f} s, accuracy {r['accuracies']}, MFU {r['mfu']:.0%}",
                flush=True,
            )
        # The peak again at the end: other work on the machine only ever lowers it.
        for p in peaks:
            peaks[p] = max(peaks[p], common.matmul_peak(p))
        for r in results.values():
            flops = 6 * r["params"] * r["tokens"]
            r["mfu"] = flops / r["loop_seconds"] / peaks[r["precision"]]
            r["mfu_with_eval"] = flops / r["seconds"] / peaks[r["precision"]]
        print(
            "matmul peak (best of start and end): "
            + ", ".join(f"{p} {v / 1e9:.0f} GFLOP/s" for p, v in peaks.items())
        )
        report(results)
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {"machine": info, "peaks": peaks, "results": results}, indent=2, default=str
                )
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(results: dict[str, dict]) -> None:
    print()
    print(
        f"{'':28} {'samples/s':>9} {'seconds':>8} {'prec':>5} {'batch':>5} "
        f"{'tokens':>7} {'accuracy':>8} {'MFU':>5}"
    )
    for r in results.values():
        print(
            f"{r['name']:28} {r['samples_per_second']:9.1f} {r['seconds']:8.1f} "
            f"{r['precision']:>5} {r['batch_size']:5d} {r['tokens']:7d} {r['accuracy']:8.3f} "
            f"{r['mfu']:5.0%}"
        )
    print(
        "accuracy on the held-out test rows, per seed: "
        + "; ".join(f"{key}: {r['accuracies']}" for key, r in results.items())
    )
    if "c" in results:
        c = results["c"]
        print(
            f"\n(c) spent {c['eval_seconds']:.1f} s of its {c['seconds']:.1f} s in "
            f"{c['evaluations']} evaluations and {c['checkpoint_seconds']:.1f} s writing "
            f"checkpoints; training steps alone: "
            f"{c['loop_samples_per_second']:.1f} samples/s; whole train() call incl. data, "
            f"report, tokenising, final evaluation and saving: {c['total_seconds']:.1f} s"
        )
        print(
            f"(c) validation accuracy at its evaluations: {c['validation_accuracies']}; "
            f"kept: {Path(c['best_checkpoint'] or '-').name}; "
            f"MFU including evaluation time: {c['mfu_with_eval']:.0%}"
        )
        for key in ("a", "b"):
            if key in results:
                o = results[key]
                ratio = c["samples_per_second"] / o["samples_per_second"]
                loop_ratio = c["loop_samples_per_second"] / o["loop_samples_per_second"]
                print(
                    f"c/{key} = {ratio:.2f}x (training steps only: {loop_ratio:.2f}x); "
                    f"accuracy c - {key} = {100 * (c['accuracy'] - o['accuracy']):+.1f} points"
                )
        if "a" in results:
            a = results["a"]
            fast = c["samples_per_second"] / a["samples_per_second"] >= 2.5
            ok = fast and c["accuracy"] >= a["accuracy"] - 0.01
            print(
                f"target c/a >= 2.5 at accuracy within 1 point of (a): {'met' if ok else 'MISSED'}"
            )
        print(f"target MFU >= 35%: {'met' if c['mfu'] >= 0.35 else 'MISSED'} ({c['mfu']:.0%})")


if __name__ == "__main__":
    main()
