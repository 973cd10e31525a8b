"""Prediction speed: one text at a time (warm latency) and a whole file (texts per second).

    python bench/predict_latency.py                  # ~2 minutes on 2 cores
    python bench/predict_latency.py --model RUN_OR_MODEL_FOLDER
    python bench/predict_latency.py --precision fp32 --threads 2   # as on an fp32-only CPU

Without ``--model`` it first fine-tunes the starter model briefly with Strop (a few dozen
steps on English sentiment), so the numbers are those of a real trained classifier.
It times ``engine.predict.Predictor`` as the window and the CLI use it:

- one text per call, warm, real sentences of the dataset: p50 / p99 milliseconds;
- ``predict_file`` on a CSV of short texts (banking77 questions): texts per second, and on
  SMS messages (about 1.6x the tokens) for context;
- the same with the model kept in fp32, and how many predictions differ from it
  (Strop's defaults must not change predictions materially).

With ``--precision fp32`` (what a CPU without native bf16 runs) it compares, in one run,
the fp32 candidates instead: PyTorch with the big batches bf16 uses, PyTorch with the
small fp32 batches, and ONNX Runtime (the model folder's ONNX file made first, as a file
prediction of ``ONNX_BUILD_ROWS`` texts would). Each line gives texts per second of wall
time and per CPU-second of this process (steadier on a shared machine: compare ratios),
and every candidate's labels and probabilities are compared with the first's.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import tempfile
import time
from pathlib import Path

import common

TRAIN_DATA = "uci_sentiment_sentences/all.csv"
SHORT_DATA = "banking77/train.csv"  # short texts: about 16 tokens
SMS_DATA = "sms_spam/all.csv"  # for context: about 25 tokens


def quick_model(work: Path, steps: int) -> Path:
    from engine.config import TrainConfig
    from engine.training import train

    config = TrainConfig(
        data=str(common.shared_dataset(TRAIN_DATA)),
        max_steps=steps,
        eval_steps=steps,
        output=str(work / "run"),
    )
    result = train(config)
    assert result.model_dir is not None
    return result.model_dir


def single_latency(predictor, texts: list[str], calls: int) -> list[float]:
    for text in texts[:20]:  # warm: first calls build kernels and caches
        predictor.predict(text)
    times = []
    for i in range(calls):
        text = texts[i % len(texts)]
        t = time.perf_counter()
        predictor.predict(text)
        times.append((time.perf_counter() - t) * 1000)
    return times


def file_rate(predictor, source: Path, out: Path) -> tuple[int, float, float]:
    """Rows, texts per second of wall time and texts per CPU-second of this process."""
    t, c = time.perf_counter(), time.process_time()
    n = predictor.predict_file(source, out)
    return n, n / (time.perf_counter() - t), n / max(1e-9, time.process_time() - c)


def candidates(precision: str) -> list[tuple[str, dict, dict]]:
    """(name, Predictor arguments, attributes to set) of the configurations to compare."""
    from engine.predict import BATCH_TOKENS

    if precision != "fp32":
        return [("Strop defaults", {}, {}), ("fp32 model", {"precision": "fp32"}, {})]
    return [
        ("PyTorch, bf16's big batches", {"precision": "fp32", "runtime": "torch"},
         {"batch_tokens": BATCH_TOKENS}),
        ("PyTorch, small batches", {"precision": "fp32", "runtime": "torch"}, {}),
        ("Strop defaults (ONNX Runtime)", {"precision": "fp32"}, {}),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a trained model or run folder (default: train one)")
    parser.add_argument("--train-steps", type=int, default=40)
    parser.add_argument("--calls", type=int, default=300, help="single-text calls to time")
    parser.add_argument("--file-rows", type=int, default=5000)
    parser.add_argument(
        "--precision", choices=("auto", "fp32"), default="auto",
        help="fp32: compare the fp32 candidates (what a CPU without native bf16 runs)",
    )  # fmt: skip
    parser.add_argument("--threads", type=int, help="torch and ONNX Runtime threads")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    info = common.machine()
    common.print_machine(info)
    work = Path(tempfile.mkdtemp(prefix="strop-bench-predict-"))
    try:
        from engine.predict import Predictor

        if args.model:
            model = Path(args.model)
        else:
            print(f"fine-tuning the starter model for {args.train_steps} steps ...", flush=True)
            model = quick_model(work, args.train_steps)

        import pandas as pd

        sentences = pd.read_csv(common.shared_dataset(TRAIN_DATA), dtype=str)["text"].tolist()
        files = {}
        for name, rel in (("short", SHORT_DATA), ("sms", SMS_DATA)):
            texts = pd.read_csv(common.shared_dataset(rel), dtype=str, keep_default_na=False)
            texts = texts["text"].tolist()
            rows = (texts * (args.file_rows // len(texts) + 1))[: args.file_rows]
            files[name] = work / f"{name}.csv"
            with open(files[name], "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(["text"])
                writer.writerows([t] for t in rows)
            print(
                f"file '{name}': {len(rows)} texts of {rel} "
                f"(mean {sum(map(len, rows)) / len(rows):.0f} characters)"
            )
        print(f"single texts: the {len(sentences)} sentences of {TRAIN_DATA}, one per call")

        import torch

        print(f"threads: {torch.get_num_threads()}; load average at start {info.get('loadavg')}")
        results = {}
        first = None
        for name, kwargs, attributes in candidates(args.precision):
            try:
                predictor = Predictor(model, **kwargs)
            except TypeError:  # a Predictor without a precision or runtime switch
                if kwargs:
                    continue
                predictor = Predictor(model)
            for key, value in attributes.items():
                setattr(predictor, key, value)
            if hasattr(predictor, "use_onnx"):  # as a file of ONNX_BUILD_ROWS texts would
                t = time.perf_counter()
                if predictor.use_onnx(sentences, build=True):
                    print(f"  ONNX file ready in {time.perf_counter() - t:.1f} s: "
                          f"{predictor.runtime_note}")  # fmt: skip
            t = time.perf_counter()
            times = single_latency(predictor, sentences, args.calls)
            _, rate, rate_cpu = file_rate(predictor, files["short"], work / "out-short.csv")
            _, sms_rate, sms_cpu = file_rate(predictor, files["sms"], work / "out-sms.csv")
            preds = predictor.predict(sentences)
            results[name] = {
                "p50": common.percentile(times, 50),
                "p99": common.percentile(times, 99),
                "mean": sum(times) / len(times),
                "file_rate": rate,
                "file_cpu": rate_cpu,
                "sms_rate": sms_rate,
                "sms_cpu": sms_cpu,
                "labels": [p.label for p in preds],
                "probs": [max(p.scores.values()) for p in preds],
                "scores": [p.scores for p in preds],
                "seconds": time.perf_counter() - t,
                "precision": getattr(predictor, "precision", "fp32"),
                "load": os.getloadavg()[0],
            }
            r = results[name]
            first = first or r
            print(
                f"{name} ({r['precision']}, {getattr(predictor, 'runtime', 'torch')}): one text "
                f"p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms; file of short texts "
                f"{r['file_rate']:.0f} texts/s ({r['file_cpu']:.0f} per CPU-s, "
                f"{r['file_cpu'] / first['file_cpu']:.2f}x the first), of SMS "
                f"{r['sms_rate']:.0f} texts/s ({r['sms_cpu']:.0f} per CPU-s, "
                f"{r['sms_cpu'] / first['sms_cpu']:.2f}x); load {r['load']:.1f}",
                flush=True,
            )
            if r is not first:
                differ = sum(a != b for a, b in zip(first["labels"], r["labels"], strict=True))
                gap = max(
                    abs(a[k] - b[k])
                    for a, b in zip(first["scores"], r["scores"], strict=True)
                    for k in a
                )
                print(f"  vs the first: {differ} of {len(r['labels'])} labels differ; "
                      f"largest probability difference {gap:.1e}")  # fmt: skip
        base = results.get("Strop defaults") or results[list(results)[-1]]
        print()
        if "fp32 model" in results and base["precision"] != "fp32":
            ref = results["fp32 model"]
            differ = sum(a != b for a, b in zip(base["labels"], ref["labels"], strict=True))
            gap = max(abs(a - b) for a, b in zip(base["probs"], ref["probs"], strict=True))
            print(
                f"defaults vs fp32: {differ} of {len(ref['labels'])} predicted labels differ; "
                f"largest difference in top probability {gap:.4f}"
            )
        print(
            f"target p50 < 15 ms: {'met' if base['p50'] < 15 else 'MISSED'} ({base['p50']:.1f} ms); "
            f"target >= 500 texts/s: {'met' if base['file_rate'] >= 500 else 'MISSED'} "
            f"({base['file_rate']:.0f} texts/s)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
