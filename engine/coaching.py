"""Coaching in plain words: what a finished run's curves and data say the user should do next.

A score alone does not tell a person whether to train longer, add examples or trust the
number. Each finding here is computed from the run's own records (``metrics.jsonl``), its
final metrics (``metrics.json``) and its dataset report (``report.json``); nothing is canned.
Findings are codes with parameters (as ``engine.report``'s warnings): the command line prints
the English ``message``, the window translates by ``code`` (``gui/coaching_text.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.findings import CodedFinding, fill

#: Evaluations in a row with the validation loss above its minimum that count as overfitting.
OVERFIT_EVALS = 2
#: Training loss that fell by less than this share from the first to the last quarter of
#: the run is "flat" (the model is not learning).
FLAT_DROP = 0.10
#: Fewest training-loss points to judge a trend on.
MIN_TRAIN_POINTS = 4
#: A class with fewer training examples than this, and a recall this far under the others'
#: mean, is reported as having too few examples.
FEW_EXAMPLES = 50
RECALL_GAP = 0.10
#: Largest / smallest class count from which the data counts as imbalanced.
IMBALANCE_RATIO = 5.0
#: The fine-tuned model "matches" the baseline within this many points of the metric.
BASELINE_TIE = 0.01

#: English templates by code; the window's translations are made from the same parameters.
MESSAGES = {
    "overfitting": (
        "Overfitting: the validation loss rose for {n} evaluations after step {from_step} "
        "while the training loss kept falling. The best checkpoint, from step {best_step}, "
        "was kept; fewer epochs or more data would help."
    ),
    "underfitting": (
        "Underfitting: the training loss barely moved ({first:.3f} to {last:.3f}, "
        "{drop:.0%} lower). Raise the learning rate or train longer."
    ),
    "few_examples": (
        "Class {label!r} has only {n:,} training examples and a recall of {recall:.0%} "
        "(the other classes: {others:.0%}): add examples of it."
    ),
    "imbalance": (
        "The classes are imbalanced: {big!r} has {n_big:,} training examples, {small!r} only "
        "{n_small:,} ({ratio:.0f}x fewer). Watch macro F1 rather than accuracy."
    ),
    "beats_baseline": (
        "Fine-tuning paid off: {metric} {score:.1%} against {baseline:.1%} for the TF-IDF "
        "baseline ({gain:+.1%})."
    ),
    "ties_baseline": (
        "Fine-tuning did no better than the TF-IDF baseline: {metric} {score:.1%} against "
        "{baseline:.1%}. The simple model may be enough, or the data too small to learn more."
    ),
    "below_baseline": (
        "Fine-tuning did not beat the TF-IDF baseline: {metric} {score:.1%} against "
        "{baseline:.1%}. Train longer, raise the learning rate or choose another model."
    ),
    "overlap": (
        "{n:,} validation text(s) ({share:.0%}) also appear in the training data: the "
        "validation score is inflated by them."
    ),
}


@dataclass(frozen=True)
class Finding(CodedFinding):
    """One piece of advice. ``level``: ``good``, ``info`` or ``warning``. ``params`` holds
    every value the sentence names, so the window translates it without parsing English."""

    @classmethod
    def of(cls, code: str, level: str, **params: Any) -> Finding:
        return cls(code, level, fill(MESSAGES[code], params), params)


def _series(records: Sequence[Mapping[str, Any]], kind: str, key: str) -> list[tuple[int, float]]:
    out = []
    for r in records:
        if r.get("type") == kind and r.get(key) is not None and r.get("step") is not None:
            value = float(r[key])
            if value == value:  # not NaN
                out.append((int(r["step"]), value))
    return sorted(out)


def _checkpoint_step(path: Any) -> int | None:
    name = str(path or "").rstrip("/\\").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if name.startswith("checkpoint-") and name[len("checkpoint-") :].isdigit():
        return int(name[len("checkpoint-") :])
    return None


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def overfitting(
    records: Sequence[Mapping[str, Any]], metrics: Mapping[str, Any] | None = None
) -> Finding | None:
    """The validation loss rose for at least ``OVERFIT_EVALS`` evaluations after its minimum
    while the training loss fell over the same steps."""
    evals = _series(records, "eval", "eval_loss")
    if len(evals) < OVERFIT_EVALS + 1:
        return None
    best_i = min(range(len(evals)), key=lambda i: evals[i][1])
    after = evals[best_i + 1 :]
    if len(after) < OVERFIT_EVALS or after[-1][1] <= evals[best_i][1]:
        return None
    from_step, to_step = evals[best_i][0], evals[-1][0]
    train = _series(records, "train", "loss")
    before = [v for s, v in train if s <= from_step]
    during = [v for s, v in train if from_step < s <= to_step]
    if not before or not during:
        return None
    tail = before[-max(1, len(during) // 2) :]
    if _mean(during[-max(1, len(during) // 2) :]) >= _mean(tail):
        return None  # training loss did not fall: not the overfitting pattern
    best_step = _checkpoint_step((metrics or {}).get("best_checkpoint")) or from_step
    return Finding.of(
        "overfitting",
        "warning",
        n=len(after),
        from_step=from_step,
        best_step=best_step,
        eval_loss_min=round(evals[best_i][1], 4),
        eval_loss_last=round(after[-1][1], 4),
    )


def underfitting(records: Sequence[Mapping[str, Any]]) -> Finding | None:
    """The training loss's last quarter is less than ``FLAT_DROP`` below its first quarter."""
    train = [v for _, v in _series(records, "train", "loss")]
    if len(train) < MIN_TRAIN_POINTS:
        return None
    quarter = max(1, len(train) // 4)
    first, last = _mean(train[:quarter]), _mean(train[-quarter:])
    if first <= 0:
        return None
    drop = (first - last) / first
    if drop >= FLAT_DROP:
        return None
    return Finding.of(
        "underfitting", "warning", first=round(first, 4), last=round(last, 4), drop=max(0.0, drop)
    )


def _per_class(metrics: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    per = metrics.get("per_class") or metrics.get("per_type") or {}
    return {str(k): v for k, v in per.items() if isinstance(v, Mapping)}


def few_examples(metrics: Mapping[str, Any], train_counts: Mapping[str, int]) -> list[Finding]:
    """Classes with fewer than ``FEW_EXAMPLES`` training examples whose recall is at least
    ``RECALL_GAP`` under the mean recall of the other classes."""
    per = _per_class(metrics)
    recalls = {k: float(v.get("recall", 0.0)) for k, v in per.items() if v.get("support", 1)}
    out = []
    for label, recall in recalls.items():
        n = train_counts.get(label)
        others = [r for k, r in recalls.items() if k != label]
        if n is None or n >= FEW_EXAMPLES or not others:
            continue
        if recall <= _mean(others) - RECALL_GAP:
            out.append(
                Finding.of(
                    "few_examples",
                    "warning",
                    label=label,
                    n=int(n),
                    recall=recall,
                    others=_mean(others),
                )
            )
    return sorted(out, key=lambda f: f.params["recall"])


def imbalance(train_counts: Mapping[str, int]) -> Finding | None:
    counts = {k: int(v) for k, v in train_counts.items() if int(v) > 0}
    if len(counts) < 2:
        return None
    big = max(counts, key=lambda k: counts[k])
    small = min(counts, key=lambda k: counts[k])
    ratio = counts[big] / counts[small]
    if ratio < IMBALANCE_RATIO:
        return None
    return Finding.of(
        "imbalance",
        "info",
        big=big,
        n_big=counts[big],
        small=small,
        n_small=counts[small],
        ratio=ratio,
    )


def baseline_comparison(metrics: Mapping[str, Any]) -> Finding | None:
    """The fine-tuned model against the TF-IDF baseline on the metric both have (the run's
    main metric when the baseline has it, else macro F1, else accuracy)."""
    baseline = metrics.get("baseline")
    if not isinstance(baseline, Mapping):
        return None
    for metric in (metrics.get("main_metric"), "macro_f1", "accuracy"):
        if metric and metric in baseline and metric in metrics:
            break
    else:
        return None
    score, base = float(metrics[metric]), float(baseline[metric])
    params = {"metric": str(metric), "score": score, "baseline": base, "gain": score - base}
    if score - base > BASELINE_TIE:
        return Finding.of("beats_baseline", "good", **params)
    if score - base >= -BASELINE_TIE:
        return Finding.of("ties_baseline", "warning", **params)
    return Finding.of("below_baseline", "warning", **params)


def overlap(report: Mapping[str, Any]) -> Finding | None:
    n = int(report.get("train_validation_overlap") or 0)
    if n <= 0:
        return None
    rows = int(report.get("validation_rows") or 0)
    return Finding.of("overlap", "warning", n=n, share=n / rows if rows else 0.0)


def coach(
    metrics: Mapping[str, Any] | None,
    records: Sequence[Mapping[str, Any]] = (),
    report: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Every finding for one run, warnings first. Missing inputs (a run without a report,
    an old ``metrics.json``) just yield fewer findings."""
    metrics = metrics or {}
    report = report or {}
    counts = report.get("train_counts") or {}
    found: list[Finding | None] = [
        overfitting(records, metrics),
        underfitting(records),
        *few_examples(metrics, counts),
        imbalance(counts),
        overlap(report),
        baseline_comparison(metrics),
    ]
    order = {"warning": 0, "info": 1, "good": 2}
    return sorted((f for f in found if f is not None), key=lambda f: order.get(f.level, 1))


def coach_run(run_dir: Any) -> list[Finding]:
    """``coach`` on a run folder's own files."""
    from engine.run_folder import RunFolder

    folder = RunFolder(run_dir)
    return coach(folder.metrics, folder.records, folder.report)
