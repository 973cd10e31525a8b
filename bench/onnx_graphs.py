"""fp32 prediction paths alternated in one process, each differing from the row above in
one change, in the order they were made: the ONNX file of the whole model; the one that
computes the last layer for the first token only (``engine.onnx_cls``), on a session with
all of ONNX Runtime's fusions; the same without ``onnx_runtime.SLOWER_FUSIONS``; with each
linear layer's bias folded into its matrix product (``onnx_runtime.fold_biases``); with the
last layer's first token attending through the key and value weights instead of a key and
a value for every token (``per_token_keys`` is the way before); exported with
transformers' plain attention instead of PyTorch's fused one
(``onnx_runtime.eager_attention``: Strop's file now). PyTorch's small batches for scale.
(The third path was earlier the first-token file with batches grouped by characters, then
with each batch tokenized twice: bench/RESULTS.md, section 11.)

    python bench/onnx_graphs.py [--rounds 20] [--rows 1000] [--threads 2]   # ~10 minutes on 2 cores

The model: the starter with a 77-class head (banking77's size, untrained head: the speed
does not depend on the weights), saved once into a temporary folder; the ONNX files are
made from it with ``engine.onnx_runtime`` (the whole model by turning the first-token graph
off, the unfolded ones by turning the fold off). Each round predicts banking77's first
``--rows`` questions with ``Predictor`` on each path in turn (two batches at once, one
thread each, as Strop runs fp32 on a CPU), in the opposite order every other round.
Separate runs on a shared host differ by 20-30%, and whole rounds drift by 10% within
one: so each path's rate is divided by the whole model's and by the row above's in the same
round, and the medians of those ratios are what resolve a 2% step (three rounds of 3,000
texts did not). Prints the median texts per second of wall time, the two median ratios and
in how many rounds a path beat the row above, and how many labels and how much probability
differ from PyTorch.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import common


def per_token_keys(attn, hidden, attention_mask):  # noqa: ANN001, ANN201
    """``engine.onnx_cls.ClsTop.first_token_context`` as it was before 2026-12-02: the
    first token attends through a key and a value computed for every token."""
    import torch

    batch, length = hidden.shape[0], hidden.shape[1]
    heads, size = attn.num_attention_heads, attn.attention_head_size
    query = attn.query(hidden[:, :1]).view(batch, 1, heads, size).transpose(1, 2)
    key = attn.key(hidden).view(batch, length, heads, size).transpose(1, 2)
    value = attn.value(hidden).view(batch, length, heads, size).transpose(1, 2)
    scores = torch.matmul(query, key.transpose(-1, -2)) * (size**-0.5)
    padding = 1.0 - attention_mask[:, None, None, :].to(scores.dtype)
    weights = torch.softmax(scores + padding * torch.finfo(scores.dtype).min, dim=-1)
    return torch.matmul(weights, value).transpose(1, 2).reshape(batch, 1, heads * size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--rows", type=int, default=1000)
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
        keys_dir, eager_dir = work / "per-token-keys", work / "eager"
        model = AutoModelForSequenceClassification.from_pretrained(
            common.starter_path(), num_labels=77
        )
        tokenizer = AutoTokenizer.from_pretrained(common.starter_path())
        model.save_pretrained(whole_dir)
        tokenizer.save_pretrained(whole_dir)
        shutil.copytree(whole_dir, top_dir)
        shutil.copytree(whole_dir, folded_dir)
        shutil.copytree(whole_dir, keys_dir)
        shutil.copytree(whole_dir, eager_dir)

        from engine.onnx_cls import ClsTop

        real_top, real_fold = onnx_runtime._cls_top, onnx_runtime.fold_biases
        real_context = ClsTop.__dict__["first_token_context"]  # the staticmethod itself
        real_eager = onnx_runtime.eager_attention
        onnx_runtime.eager_attention = lambda model: contextlib.nullcontext()  # as before
        onnx_runtime.fold_biases = lambda path, out: 0  # as before: biases added apart
        onnx_runtime._cls_top = lambda model: None  # the whole model, as before
        whole = Predictor(whole_dir, precision="fp32")
        assert whole.use_onnx(texts, build=True), whole.runtime_note
        onnx_runtime._cls_top = real_top
        ClsTop.first_token_context = staticmethod(per_token_keys)  # as before: a key
        # and a value for every token
        top = Predictor(top_dir, precision="fp32")
        assert top.use_onnx(texts, build=True), top.runtime_note
        onnx_runtime.fold_biases = real_fold
        keys = Predictor(keys_dir, precision="fp32")
        assert keys.use_onnx(texts, build=True), keys.runtime_note
        ClsTop.first_token_context = real_context
        folded = Predictor(folded_dir, precision="fp32")
        assert folded.use_onnx(texts, build=True), folded.runtime_note
        onnx_runtime.eager_attention = real_eager
        eager = Predictor(eager_dir, precision="fp32")
        assert eager.use_onnx(texts, build=True), eager.runtime_note
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
            "ONNX Runtime, the same, biases folded": keys,
            "ONNX Runtime, the same, no per-token keys": folded,
            "ONNX Runtime, the same, plain attention": eager,
        }
        rates: dict[str, list[float]] = {name: [] for name in paths}
        for round_ in range(args.rounds):
            for name in list(paths)[:: 1 if round_ % 2 == 0 else -1]:
                start = time.perf_counter()
                paths[name].predict(texts)
                rates[name].append(len(texts) / (time.perf_counter() - start))
        print(f"\n{len(texts):,} banking77 questions, {args.threads} threads, {args.rounds} rounds")
        print(f"{'path':46s} texts/s  x whole  x row above  (rounds faster than it)")
        whole_rates, above = rates["ONNX Runtime, whole model"], None
        for name, values in rates.items():
            ratio = statistics.median(v / w for v, w in zip(values, whole_rates, strict=True))
            step = ""
            if above is not None:
                steps = [v / a for v, a in zip(values, above, strict=True)]
                faster = sum(x > 1 for x in steps)
                step = f"{statistics.median(steps):10.3f}x  ({faster} of {len(steps)})"
            print(f"{name:46s} {statistics.median(values):7.0f}  {ratio:6.3f}x {step}")
            above = values
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
