"""How many deliberately flipped labels the suspects finder puts at the top.

Flips ``--fraction`` (5%) of the labels of a CSV (seeded; each to another label at
random), trains the starter model on the flipped file for ``--max-steps`` (or reuses
``--run``, a run trained on the same flipped file), then ranks every row three ways:

- ``cv-baseline``: cross-validated TF-IDF + logistic regression probabilities,
- ``model``: the fine-tuned model's probabilities on its own training rows,
- ``both``: the average of the two,
- ``embeddings``: cv-baseline averaged with a cross-validated logistic regression on the
  pre-trained starter model's sentence embeddings (label-blind, out-of-sample),
- ``all``: the average of cv-baseline, embeddings and model,

and prints precision and recall at k = the number flipped (equal, since k is that
number), plus how many rows cleanlab flags and the precision and recall of that set.
``--baseline-only`` CSVs (e.g. ../shared/datasets/waimai_10k/all.csv) are scored with the
cv-baseline alone (no training). Target: at least half of the flipped rows among the top k.

    python bench/suspects_recall.py                                  # ~5 min on 2 cores
    python bench/suspects_recall.py --run /tmp/sbench/run --work /tmp/sbench
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, print_machine  # noqa: E402

SAMPLE = ROOT / "resources" / "sample" / "sentiment_sentences.csv"


def flip_labels(src: Path, dst: Path, fraction: float, seed: int) -> set[int]:
    """Write ``src`` with ``fraction`` of its labels changed; return the flipped row numbers
    (1-based records)."""
    import numpy as np

    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    labels = sorted({r["label"] for r in rows})
    rng = np.random.default_rng(seed)
    k = round(fraction * len(rows))
    idx = sorted(rng.choice(len(rows), size=k, replace=False).tolist())
    for i in idx:
        others = [label for label in labels if label != rows[i]["label"]]
        rows[i]["label"] = others[rng.integers(len(others))]
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["text", "label"])
        writer.writeheader()
        writer.writerows(rows)
    return {i + 1 for i in idx}


def score(name: str, rows: list[int], label_ids: list[int], probs, flipped: set[int]) -> dict:
    from engine.suspects import rank_suspects

    start = time.perf_counter()
    order, _, flagged = rank_suspects(label_ids, probs)
    k = len(flipped)
    top = {rows[i] for i in order[:k]}
    hits = len(top & flipped)
    flagged_rows = {rows[i] for i in range(len(rows)) if flagged[i]}
    flag_hits = len(flagged_rows & flipped)
    out = {
        "variant": name,
        "k": k,
        "precision_at_k": hits / k,
        "recall_at_k": hits / k,
        "flagged": len(flagged_rows),
        "flagged_precision": flag_hits / max(1, len(flagged_rows)),
        "flagged_recall": flag_hits / k,
        "rank_seconds": time.perf_counter() - start,
    }
    print(
        f"{name:12s} k={k}: precision@k = recall@k = {hits}/{k} = {hits / k:.3f};  "
        f"cleanlab flags {len(flagged_rows)} rows, precision {out['flagged_precision']:.3f}, "
        f"recall {out['flagged_recall']:.3f}"
    )
    return out


def run_data(path: Path, seed: int):
    """A RunData-like view of a flipped CSV without a run (for --baseline-only)."""
    from engine.data import LabelMap
    from engine.suspects import RunData

    with open(path, encoding="utf-8", newline="") as f:
        recs = list(csv.DictReader(f))
    labels = list(LabelMap.from_values([r["label"] for r in recs]).labels)
    index = {label: i for i, label in enumerate(labels)}
    rows = [n for n, r in enumerate(recs, 1) if r["text"].strip() and r["label"].strip()]
    return RunData(
        path,
        "text",
        "label",
        labels,
        rows,
        [recs[n - 1]["text"] for n in rows],
        [index[recs[n - 1]["label"]] for n in rows],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SAMPLE)
    parser.add_argument("--fraction", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-steps", type=int, default=60)
    parser.add_argument("--work", type=Path, default=Path("/tmp/strop-suspects-bench"))
    parser.add_argument("--run", type=Path, help="a run already trained on the flipped file")
    parser.add_argument("--baseline-only", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    print_machine(machine(with_torch=False))

    from engine.baseline import (
        out_of_sample_embedding_probabilities,
        out_of_sample_probabilities,
        sentence_embeddings,
    )
    from engine.suspects import base_model_path, load_run_data, model_probabilities

    flipped_csv = args.work / f"flipped-{args.data.stem}.csv"
    flipped = flip_labels(args.data, flipped_csv, args.fraction, args.seed)
    print(f"{args.data}: flipped {len(flipped)} labels (seed {args.seed}) -> {flipped_csv}")
    run = args.run
    if run is None:
        run = args.work / "run"
        if run.exists():
            sys.exit(f"{run} exists: pass it as --run, or remove it.")
        print(f"training the starter model for {args.max_steps} steps on the flipped file ...")
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "train", "--data", str(flipped_csv),
             "--max-steps", str(args.max_steps), "--output", str(run), "--quiet"],
            check=True, cwd=str(ROOT),
        )  # fmt: skip
        print(f"trained in {time.perf_counter() - start:.0f} s")
    data = load_run_data(run, data=flipped_csv)

    start = time.perf_counter()
    cv = out_of_sample_probabilities(data.texts, data.label_ids, n_classes=len(data.labels))
    print(
        f"cross-validated baseline: {time.perf_counter() - start:.1f} s for {len(data.rows)} rows"
    )
    start = time.perf_counter()
    model = model_probabilities(run / "model", data.texts, data.labels)
    print(f"model probabilities: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    emb = sentence_embeddings(base_model_path(run), data.texts)
    cv_emb = out_of_sample_embedding_probabilities(emb, data.label_ids, n_classes=len(data.labels))
    print(f"pre-trained embeddings + cross-validation: {time.perf_counter() - start:.1f} s")
    variants = (
        ("cv-baseline", cv),
        ("embeddings", (cv + cv_emb) / 2),
        ("model", model),
        ("both", (cv + model) / 2),
        ("all", (cv + cv_emb + model) / 3),
    )
    for name, probs in variants:
        score(name, data.rows, data.label_ids, probs, flipped)

    for extra in args.baseline_only:
        dst = args.work / f"flipped-{extra.parent.name}-{extra.stem}.csv"
        flips = flip_labels(extra, dst, args.fraction, args.seed)
        d = run_data(dst, args.seed)
        start = time.perf_counter()
        probs = out_of_sample_probabilities(d.texts, d.label_ids, n_classes=len(d.labels))
        print(f"{extra}: {len(d.rows)} rows, cv-baseline {time.perf_counter() - start:.1f} s")
        score("cv-baseline", d.rows, d.label_ids, probs, flips)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
