"""fp32 prediction paths alternated in one process: the ONNX file of the whole model against
the one that computes the last layer for the first token only (``engine.onnx_cls``), that
one on a session with all of ONNX Runtime's fusions (as before) and without
``onnx_runtime.SLOWER_FUSIONS``, then with each linear layer's bias folded into its matrix
product (``onnx_runtime.fold_biases``, now), and PyTorch's small batches for scale. (The
third path was earlier the first-token file with batches grouped by characters, then with
each batch tokenized twice: bench/RESULTS.md, section 11.)

    python bench/onnx_graphs.py [--rounds 3] [--rows 3000] [--threads 2]

The model: the starter with a 77-class head (banking77's size, untrained head: the speed
does not depend on the weights), saved once into a temporary folder; the ONNX files are
made from it with ``engine.onnx_runtime`` (the whole model by turning the first-token graph
off, the unfolded ones by turning the fold off). Each round predicts banking77's first
``--rows`` questions with ``Predictor`` on each path in turn (two batches at once, one
thread each, as Strop runs fp32 on a CPU). Separate runs on a shared host differ by 20-30%;
alternating in one process compares like with like. Prints texts per second of wall time
per round and the median, and how many labels and how much probability differ from
PyTorch.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    common.print_machine(common.machine())

    import pandas as pd
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from engine import onnx_runtime
    from engine.predict import Predictor

    torch.set_num_threads(args.threads)
    data = common.shared_dataset("banking77/train.csv")
    texts = pd.read_csv(data)["text"].astype(str).tolist()[: args.rows]
    work = Path(tempfile.mkdtemp(prefix="strop-graphs-"))
    try:
        whole_dir, top_dir, folded_dir = work / "whole", work / "first-token", work / "folded"
        model = AutoModelForSequenceClassification.from_pretrained(
            common.starter_path(), num_labels=77
        )
        tokenizer = AutoTokenizer.from_pretrained(common.starter_path())
        model.save_pretrained(whole_dir)
        tokenizer.save_pretrained(whole_dir)
        shutil.copytree(whole_dir, top_dir)
        shutil.copytree(whole_dir, folded_dir)

        real_top, real_fold = onnx_runtime._cls_top, onnx_runtime.fold_biases
        onnx_runtime.fold_biases = lambda path, out: 0  # as before: biases added apart
        onnx_runtime._cls_top = lambda model: None  # the whole model, as before
        whole = Predictor(whole_dir, precision="fp32")
        assert whole.use_onnx(texts, build=True), whole.runtime_note
        onnx_runtime._cls_top = real_top
        top = Predictor(top_dir, precision="fp32")
        assert top.use_onnx(texts, build=True), top.runtime_note
        onnx_runtime.fold_biases = real_fold
        folded = Predictor(folded_dir, precision="fp32")
        assert folded.use_onnx(texts, build=True), folded.runtime_note
        fused = Predictor(top_dir, precision="fp32")
        fewer = onnx_runtime.SLOWER_FUSIONS
        onnx_runtime.SLOWER_FUSIONS = ()  # as before: every fusion ONNX Runtime has
        assert fused.use_onnx(texts, build=False), fused.runtime_note
        onnx_runtime.SLOWER_FUSIONS = fewer
        reference = Predictor(whole_dir, precision="fp32", runtime="torch")
        paths = {
            "PyTorch, small batches": reference,
            "ONNX Runtime, whole model": whole,
            "ONNX Runtime, first token, all fusions": fused,
            "ONNX Runtime, first token, fewer fusions": top,
            "ONNX Runtime, the same, biases folded": folded,
        }
        rates: dict[str, list[float]] = {name: [] for name in paths}
        for _ in range(args.rounds):
            for name, predictor in paths.items():
                start = time.perf_counter()
                predictor.predict(texts)
                rates[name].append(len(texts) / (time.perf_counter() - start))
        print(f"\n{len(texts):,} banking77 questions, {args.threads} threads, texts/s of wall time")
        base = statistics.median(rates["ONNX Runtime, whole model"])
        for name, values in rates.items():
            mid = statistics.median(values)
            rounds = " / ".join(f"{v:.0f}" for v in values)
            print(f"{name:46s} {rounds:>20s}  median {mid:4.0f}  ({mid / base:.2f}x whole model)")
        want = reference.predict(texts)
        for name in list(paths)[1:]:
            got = paths[name].predict(texts)
            labels = sum(a.label != b.label for a, b in zip(want, got, strict=True))
            worst = max(
                max(abs(a.scores[k] - b.scores[k]) for k in a.scores)
                for a, b in zip(want, got, strict=True)
            )
            print(f"{name}: {labels} of {len(texts):,} labels differ from PyTorch, "
                  f"largest probability difference {worst:.1e}")  # fmt: skip
        print(f"load average at the end: {os.getloadavg()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
