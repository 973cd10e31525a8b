"""Time to a model as good as ``transformers.Trainer``'s 3-epoch defaults, fp32 (issue 14).

    python bench/time_to_model.py                                  # 1k/4k/10k rows, seeds 42-44
    python bench/time_to_model.py --sizes 1000 --seeds 42 --only strop \\
        --strop-args "--learning-rate 1e-4"                         # screen a recipe

For each size (a stratified subset of banking77's train + validation rows, 77 intents) and
seed, two fresh processes, each timed from its start to its saved model:

(a) ``transformers.Trainer`` with its defaults (3 epochs, batch 8, lr 5e-5, linear schedule,
    fp32), trained on every row, then ``save_model``; no intermediate checkpoints
    (``save_strategy="no"``: Trainer's default would also write one every 500 steps, which
    would only slow (a) down);
(b) ``python main.py train --precision fp32 --data ROWS.csv --seed S``: Strop's defaults and
    everything ``train`` does by default (its own validation split, evaluations, checkpoints,
    the baseline, calibration, the model folder).

Each saved model is then scored on the same fixed, stratified subset of banking77's test
set, which neither saw. Printed per size: accuracy and wall / CPU seconds (user + sys of
the child) of each, the ratio b/a, and means over the seeds. On a shared machine compare
CPU seconds (``--threads 1`` makes them stable); wall seconds are what the target names, and
they equal CPU seconds on an idle machine at one thread.
Every run is appended to ``--log`` (JSON lines); ``--reuse`` takes runs already there with
the same size, seed, threads and arguments instead of running them again (Trainer's runs are
the expensive part).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import common

DATASET = "banking77"
DATA_SEED = 0  # which rows make each subset: fixed, whatever the training seed


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------
def subset(df: Any, rows: int, seed: int = DATA_SEED) -> Any:
    """``rows`` rows of ``df``, stratified by label (every class keeps its share)."""
    from engine.data import stratified_split

    if rows >= len(df):
        return df
    labels = sorted(df["label"].unique())
    ids = df["label"].map({label: i for i, label in enumerate(labels)}).tolist()
    _, keep = stratified_split(ids, rows / len(df), seed)
    return df.iloc[keep].sample(frac=1.0, random_state=seed).iloc[:rows]


def write_data(base: Path, folder: Path, sizes: list[int], test_rows: int) -> dict[str, Any]:
    """One CSV per size (stratified draws of the same pool) and the test subset."""
    import pandas as pd

    read = lambda name: pd.read_csv(base / name, dtype=str, keep_default_na=False)  # noqa: E731
    pool = pd.concat([read("train.csv"), read("validation.csv")], ignore_index=True)
    files = {}
    for n in sizes:
        path = folder / f"train_{n}.csv"
        subset(pool, n)[["text", "label"]].to_csv(path, index=False)
        files[n] = path
    test = subset(read("test.csv"), test_rows)
    return {"files": files, "test": test, "pool_rows": len(pool)}


# --------------------------------------------------------------------------------------
# (a) Trainer's defaults, in a child process
# --------------------------------------------------------------------------------------
def trainer_child(data: str, seed: int, out: str) -> None:
    """What a person writes with ``Trainer``'s defaults: tokenise, train 3 epochs, save."""
    import pandas as pd
    from datasets import Dataset
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        Trainer,
        TrainingArguments,
    )
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    df = pd.read_csv(data, dtype=str, keep_default_na=False)
    labels = sorted(df["label"].unique())
    path = str(common.starter_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    ds = Dataset.from_dict(
        {"text": df["text"].tolist(), "label": [labels.index(v) for v in df["label"]]}
    )
    ds = ds.map(lambda b: tokenizer(b["text"], truncation=True), batched=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        path,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
    )
    args = TrainingArguments(
        output_dir=out, seed=seed, report_to="none", save_strategy="no", disable_tqdm=True
    )
    trainer = Trainer(model=model, args=args, train_dataset=ds, processing_class=tokenizer)
    trainer.train()
    trainer.save_model(str(Path(out) / "model"))
    print(json.dumps({"model_dir": str(Path(out) / "model")}))


# --------------------------------------------------------------------------------------
# Running and scoring
# --------------------------------------------------------------------------------------
def timed_child(argv: list[str], threads: int, log_file: Path) -> dict[str, float]:
    """Run ``argv`` to completion; wall seconds from its start, CPU seconds (user + sys)."""
    env = {
        **os.environ,
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    with open(log_file, "w", encoding="utf-8") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=str(common.ROOT), env=env, stdout=log, stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}):\n{tail}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime}


def accuracy(model_dir: Path, test: Any) -> float:
    """Accuracy of a saved model on the test rows, labels matched by name (fp32)."""
    from train_throughput import accuracy as batch_accuracy
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir))
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    meta = model_dir / "strop.json"
    max_length = 512
    if meta.is_file():
        max_length = int(json.loads(meta.read_text())["max_length"] or 512)
    name_to_id = {str(v): int(k) for k, v in model.config.id2label.items()}
    labels = [name_to_id.get(v, -1) for v in test["label"]]
    return batch_accuracy(model, tokenizer, test["text"].tolist(), labels, max_length)


def run_one(
    kind: str, size: int, seed: int, data: Path, work: Path, args: argparse.Namespace
) -> dict:
    out = work / f"{kind}_{size}_{seed}"
    if kind == "trainer":
        argv = [sys.executable, str(Path(__file__).resolve()), "--child-trainer", str(data)]
        argv += ["--seeds", str(seed), "--child-out", str(out)]
        model_dir = out / "model"
    else:
        argv = [sys.executable, "main.py", "train", "--precision", "fp32", "--data", str(data)]
        argv += ["--seed", str(seed), "--output", str(out), "--quiet"]
        argv += shlex.split(args.strop_args)
        model_dir = out / "model"
    times = timed_child(argv, args.threads, work / f"{kind}_{size}_{seed}.log")
    record: dict[str, Any] = {
        "kind": kind, "size": size, "seed": seed, "threads": args.threads,
        "strop_args": args.strop_args if kind == "strop" else "", **times,
        "accuracy": accuracy(model_dir, args.test_df), "test_rows": len(args.test_df),
        "date": time.strftime("%Y-%m-%d %H:%M"), "loadavg": os.getloadavg()[0],
    }  # fmt: skip
    if kind == "strop":
        metrics = json.loads((out / "metrics.json").read_text())
        config = json.loads((out / "config.json").read_text())
        record["steps"] = metrics.get("step")
        record["best_checkpoint"] = Path(metrics.get("best_checkpoint") or "-").name
        record["validation_accuracy"] = metrics.get("accuracy")
        record["epochs"] = config.get("epochs")
        record["learning_rate"] = config.get("learning_rate")
    return record


def key(r: dict) -> tuple:
    # runs logged with experiment switches ("env") are never reused for another recipe
    return (r["kind"], r["size"], r["seed"], r["threads"], r["strop_args"], r.get("env", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,10000")
    parser.add_argument("--seeds", default="42,43,44")
    parser.add_argument("--threads", type=int, default=1, help="OMP/torch threads per child")
    parser.add_argument("--only", default="trainer,strop", help="trainer, strop or both")
    parser.add_argument("--strop-args", default="", help="extra flags for main.py train")
    parser.add_argument("--test-rows", type=int, default=1540, help="fixed test subset")
    parser.add_argument("--data-dir", help="the banking77 folder (default: ../shared/datasets/)")
    parser.add_argument("--log", default=str(common.ROOT / "bench" / "time_to_model.jsonl"))
    parser.add_argument("--reuse", action="store_true", help="reuse runs already in --log")
    parser.add_argument("--child-trainer", help=argparse.SUPPRESS)
    parser.add_argument("--child-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_trainer:
        trainer_child(args.child_trainer, int(args.seeds), args.child_out)
        return

    import torch

    torch.set_num_threads(args.threads)
    common.print_machine(common.machine())
    sizes = [int(s) for s in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    kinds = [k.strip() for k in args.only.split(",")]
    log_path = Path(args.log)
    done: dict[tuple, dict] = {}
    if args.reuse and log_path.is_file():
        for line in log_path.read_text().splitlines():
            r = json.loads(line)
            if r.get("test_rows") == args.test_rows:
                done[key(r)] = r
    with tempfile.TemporaryDirectory(prefix="strop-ttm-") as tmp:
        work = Path(tmp)
        base = Path(args.data_dir) if args.data_dir else common.shared_dataset(DATASET)
        data = write_data(base, work, sizes, args.test_rows)
        args.test_df = data["test"]
        print(f"data: {DATASET} train+validation ({data['pool_rows']} rows), stratified subsets "
              f"{sizes}; test: {len(data['test'])} stratified rows of test.csv; "
              f"threads {args.threads}; strop args {args.strop_args!r}")  # fmt: skip
        results: list[dict] = []
        for size in sizes:
            for seed in seeds:
                for kind in kinds:
                    probe = {"kind": kind, "size": size, "seed": seed, "threads": args.threads,
                             "strop_args": args.strop_args if kind == "strop" else ""}  # fmt: skip
                    if key(probe) in done:
                        r = done[key(probe)]
                    else:
                        r = run_one(kind, size, seed, data["files"][size], work, args)
                        with log_path.open("a") as f:
                            f.write(json.dumps(r) + "\n")
                    results.append(r)
                    extra = ""
                    if kind == "strop":
                        extra = (f" steps {r['steps']}, kept {r['best_checkpoint']}, "
                                 f"val acc {r['validation_accuracy']:.3f}")  # fmt: skip
                    print(f"  {size:>6} rows seed {seed} {kind:7}: acc {r['accuracy']:.4f} "
                          f"wall {r['wall']:7.1f} s cpu {r['cpu']:7.1f} s{extra}", flush=True)  # fmt: skip
        summarise(results, sizes)


def summarise(results: list[dict], sizes: list[int]) -> None:
    """Means over the seeds per size; the ratios b/a of the means; the issue's target."""
    mean = statistics.mean

    def cells(rs: list[dict]) -> str:
        if not rs:
            return f"{'-':>9} {'-':>7} {'-':>7}"
        acc, wall, cpu = (mean(r[k] for r in rs) for k in ("accuracy", "wall", "cpu"))
        return f"{acc:9.4f} {wall:7.0f} {cpu:7.0f}"

    print(f"\n{'rows':>6} {'seeds':>5} {'Trainer acc':>9} {'wall':>7} {'cpu':>7} "
          f"{'Strop acc':>9} {'wall':>7} {'cpu':>7} {'wall b/a':>8} {'cpu b/a':>7} {'acc b-a':>7}")  # fmt: skip
    for size in sizes:
        a = [r for r in results if r["size"] == size and r["kind"] == "trainer"]
        b = [r for r in results if r["size"] == size and r["kind"] == "strop"]
        if not a and not b:
            continue
        row = f"{size:>6} {max(len(a), len(b)):>5} {cells(a)} {cells(b)}"
        if a and b:
            wall = mean(r["wall"] for r in b) / mean(r["wall"] for r in a)
            cpu = mean(r["cpu"] for r in b) / mean(r["cpu"] for r in a)
            gap = 100 * (mean(r["accuracy"] for r in b) - mean(r["accuracy"] for r in a))
            close = gap >= -1
            met = {
                n: "met" if r <= 0.4 and close else "MISSED" for n, r in (("w", wall), ("c", cpu))
            }
            row += (f" {wall:8.2f} {cpu:7.2f} {gap:+7.1f}  target (<= 0.40, >= -1 point): "
                    f"wall {met['w']}, cpu {met['c']}")  # fmt: skip
        print(row)


if __name__ == "__main__":
    main()
