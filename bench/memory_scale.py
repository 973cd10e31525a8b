"""Memory and scale: peak RSS training on 10,000 rows; a generated 1,000,000-row CSV opened,
loaded and reported on.

    python bench/memory_scale.py                      # ~3-5 minutes on 2 cores
    python bench/memory_scale.py --rows 200000 --train-steps 10   # quicker

Each measurement runs in a fresh process, so its peak RSS is its own:

- ``train``: ``engine.training.train`` on 10,000 rows (banking77, 77 intents) with the starter
  model and Strop's defaults, for a limited number of steps (memory peaks in the first steps,
  the first evaluation and the first checkpoint, all of which are included);
- ``preview``: ``engine.data.read_preview`` on the big CSV (what the Dataset tab shows first);
- ``open``: ``engine.data.load_table`` + ``detect_columns`` (what the Dataset tab loads next);
- ``report``: ``engine.data.prepare_data`` + ``engine.report.compute_report`` (the report).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import common

T0 = time.perf_counter()


# --------------------------------------------------------------------------------------
# Children: one measurement each, one JSON line on stdout
# --------------------------------------------------------------------------------------
def child(kind: str, path: str, steps: int) -> None:
    t_import = time.perf_counter()
    out: dict = {"kind": kind}
    if kind == "preview":
        from engine.data import read_preview

        imported = time.perf_counter()
        columns, rows = read_preview(path, 200)
        out["rows_shown"] = len(rows)
    elif kind == "open":
        from engine.data import detect_columns, load_table

        imported = time.perf_counter()
        ds = load_table(path)
        guess = detect_columns(ds, source=path)
        out["rows"] = ds.num_rows
        out["columns"] = [guess.text, guess.label]
    elif kind == "report":
        from engine.data import prepare_data
        from engine.models import describe_model, load_tokenizer, model_max_length, resolve_model
        from engine.report import compute_report

        source = resolve_model("starter")
        tokenizer = load_tokenizer(source)
        imported = time.perf_counter()
        data = prepare_data(path)
        out["prepare_seconds"] = time.perf_counter() - imported
        report = compute_report(
            data,
            tokenizer,
            max_length=None,
            model_max_length=model_max_length(tokenizer, describe_model(source)),
        )
        out["rows"] = report.train_rows + report.validation_rows
        out["warnings"] = len(report.warnings)
    elif kind == "train":
        from engine.config import TrainConfig
        from engine.training import train

        imported = time.perf_counter()
        config = TrainConfig(
            data=path, max_steps=steps, eval_steps=steps, output=str(Path(path).parent / "run")
        )
        result = train(config)
        out["state"] = result.state.value if hasattr(result.state, "value") else str(result.state)
        out["max_length"] = json.loads((result.run_dir / "config.json").read_text())["max_length"]
    else:
        raise SystemExit(f"unknown child {kind}")
    done = time.perf_counter()
    out["seconds"] = done - imported
    spawned = float(os.environ.get("STROP_BENCH_SPAWNED", "nan"))
    out["seconds_from_start"] = time.time() - spawned if spawned == spawned else done - T0
    out["import_seconds"] = imported - t_import
    out["peak_rss_mb"] = common.peak_rss_mb()
    print(json.dumps(out))


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------
def big_csv(path: Path, rows: int) -> None:
    """``rows`` labelled texts drawn from the shared datasets (English and SMS), seeded."""
    import pandas as pd

    pool = []
    for rel in ("uci_sentiment_sentences/all.csv", "sms_spam/all.csv", "banking77/train.csv"):
        df = pd.read_csv(common.shared_dataset(rel), dtype=str, keep_default_na=False)
        pool.extend(zip(df["text"], df["label"], strict=True))
    rng = random.Random(0)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        for _ in range(rows):
            text, label = pool[rng.randrange(len(pool))]
            writer.writerow([text, label])


def train_csv(path: Path, rows: int) -> None:
    import pandas as pd

    frames = [
        pd.read_csv(common.shared_dataset(f"banking77/{name}.csv"), dtype=str)
        for name in ("train", "test")
    ]
    pd.concat(frames).iloc[:rows][["text", "label"]].to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated CSV")
    parser.add_argument("--train-rows", type=int, default=10_000)
    parser.add_argument("--train-steps", type=int, default=20)
    parser.add_argument("--only", default="train,preview,open,report")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.train_steps)
        return

    common.print_machine(common.machine(with_torch=False))
    work = Path(tempfile.mkdtemp(prefix="strop-bench-memory-"))
    env = {"STROP_HOME": str(work / "home")}
    only = args.only.split(",")
    results = {}
    try:
        if "train" in only:
            (work / "train").mkdir()
            data = work / "train" / "train.csv"
            train_csv(data, args.train_rows)
            print(
                f"training: starter model, {args.train_rows:,} rows of banking77, "
                f"{args.train_steps} steps incl. one evaluation and one checkpoint ...",
                flush=True,
            )
            r = common.run_child(
                [__file__, "--train-steps", str(args.train_steps), "--child", "train", str(data)],
                env=env,
            )
            results["train"] = r
            print(
                f"  peak RSS {r['peak_rss_mb']:.0f} MB (max length {r['max_length']}), "
                f"{r['seconds']:.0f} s; target < 3 GB: "
                f"{'met' if r['peak_rss_mb'] < 3072 else 'MISSED'}",
                flush=True,
            )
        big = work / "big.csv"
        if {"preview", "open", "report"} & set(only):
            t = time.perf_counter()
            big_csv(big, args.rows)
            size = big.stat().st_size / 1e6
            print(
                f"generated {args.rows:,}-row CSV ({size:.0f} MB) in {time.perf_counter() - t:.1f} s",
                flush=True,
            )
        for kind, what in (
            ("preview", "first 200 rows (read_preview)"),
            ("open", "whole table + columns (load_table + detect_columns)"),
            ("report", "prepare_data + compute_report"),
        ):
            if kind not in only:
                continue
            # A fresh STROP_HOME: no datasets cache from an earlier child.
            shutil.rmtree(work / "home", ignore_errors=True)
            if kind == "report":  # like the window: the table was opened (and cached) first
                common.run_child([__file__, "--child", "open", str(big)], env=env)
            r = common.run_child([__file__, "--child", kind, str(big)], env=env)
            results[kind] = r
            line = (
                f"{what}: {r['seconds']:.2f} s (after imports; {r['seconds_from_start']:.2f} s "
                f"from process start), peak RSS {r['peak_rss_mb']:.0f} MB"
            )
            if kind == "preview":
                ok = r["seconds_from_start"] < 3 and r["peak_rss_mb"] < 600
                line += f"; target < 3 s and < 600 MB: {'met' if ok else 'MISSED'}"
            if kind == "report":
                line += f" (prepare_data {r['prepare_seconds']:.1f} s)"
            print(line, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if os.environ.get("STROP_BENCH_JSON"):
        Path(os.environ["STROP_BENCH_JSON"]).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
