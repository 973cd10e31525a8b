"""Word attributions: how long one explanation takes, how exact it is, and whether it is faithful.

1. Latency: a 30-word text explained with ``Explainer`` (warm, median and p90 of
   ``--repeats``), for several integration step counts, with the completeness gap
   (convergence delta, in probability) of each. Target: < 1 s at the default steps.
2. Faithfulness (deletion test): on ``--texts`` validation texts of the run, delete the 20%
   of words with the highest weight, and as many random words; the predicted class's
   probability must drop on average at least 0.10 more for the top words than for random ones.

Needs a trained run of the starter model, e.g.

    python main.py train --data resources/sample/sentiment_sentences.csv --max-steps 60 --output /tmp/expl_run
    python bench/explain_latency.py --run /tmp/expl_run          # ~3 min on 2 cores
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine, percentile, print_machine  # noqa: E402

TEXT_30_WORDS = (
    "I ordered this blender after reading many reviews, and honestly it is loud, the lid "
    "leaks every single time, and the motor smelled burnt after two weeks of gentle daily use."
)


def delete_words(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` without the given character spans (collapsing the spaces left behind)."""
    out, last = [], 0
    for start, end in sorted(spans):
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return " ".join("".join(out).split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, default=Path("/tmp/expl_run"))
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--texts", type=int, default=100, help="0 skips the deletion test")
    parser.add_argument("--steps", type=int, nargs="*", default=[8, 16, 24, 32, 64])
    parser.add_argument("--share", type=float, default=0.2, help="share of words deleted")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print_machine(machine())

    from engine.config import TrainConfig
    from engine.data import prepare_data
    from engine.explain import DEFAULT_STEPS, Explainer

    start = time.perf_counter()
    explainer = Explainer(args.run, device="cpu")
    print(f"loaded {explainer.path} in {time.perf_counter() - start:.1f} s")
    print(f"text: {len(TEXT_30_WORDS.split())} words")
    explainer.explain(TEXT_30_WORDS, steps=4)  # warm-up
    default_median = float("nan")
    for steps in sorted({*args.steps, DEFAULT_STEPS}):
        times, cpu, deltas = [], [], []
        for _ in range(args.repeats):
            t, c = time.perf_counter(), time.process_time()
            (exp,) = explainer.explain(TEXT_30_WORDS, steps=steps)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            deltas.append(exp.delta)
        mark = "  <- default" if steps == DEFAULT_STEPS else ""
        print(
            f"steps {steps:3d}: median {statistics.median(times) * 1000:6.0f} ms, "
            f"p90 {percentile(times, 90) * 1000:6.0f} ms, CPU time {statistics.median(cpu):.2f} s "
            f"(on a loaded machine, CPU time / threads bounds the idle wall time), "
            f"|delta| {max(deltas):.4f}{mark}"
        )
        if steps == DEFAULT_STEPS:
            default_median = statistics.median(times)

    print(
        f"target latency < 1 s at {DEFAULT_STEPS} steps: {'met' if default_median < 1 else 'NOT met'}"
    )
    if args.texts <= 0:
        return 0
    config = TrainConfig.load(args.run / "config.json")
    data = prepare_data(
        config.data,
        validation=config.validation,
        text_column=config.text_column,
        label_column=config.label_column,
        validation_split=config.validation_split,
        seed=config.seed,
    )
    texts = [t for t in data.validation["text"] if len(t.split()) >= 5][: args.texts]
    rng = random.Random(args.seed)
    top_drops, random_drops = [], []
    start = time.perf_counter()
    for exp in explainer.explain(texts):
        k = max(1, round(args.share * len(exp.words)))
        by_weight = sorted(exp.words, key=lambda w: w.weight, reverse=True)[:k]
        chosen = rng.sample(exp.words, k)
        before = exp.scores[exp.label]
        variants = [
            delete_words(exp.text, [(w.start, w.end) for w in by_weight]),
            delete_words(exp.text, [(w.start, w.end) for w in chosen]),
        ]
        after = explainer.predictor.predict(variants)
        top_drops.append(before - after[0].scores[exp.label])
        random_drops.append(before - after[1].scores[exp.label])
    seconds = time.perf_counter() - start
    top_mean, random_mean = statistics.mean(top_drops), statistics.mean(random_drops)
    print(
        f"deletion test on {len(texts)} validation texts ({seconds:.0f} s): deleting the top "
        f"{args.share:.0%} words lowers p(predicted) by {top_mean:.3f} on average, as many "
        f"random words by {random_mean:.3f}; difference {top_mean - random_mean:.3f}"
    )
    print(f"target difference >= 0.10: {'met' if top_mean - random_mean >= 0.10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
