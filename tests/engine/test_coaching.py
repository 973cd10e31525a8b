"""engine.coaching: findings computed from synthetic curves, metrics and reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from engine import coaching
from engine.coaching import Finding, coach, coach_run


def records(train: list[float], evals: list[float], every: int = 10) -> list[dict[str, Any]]:
    """Training losses logged each step group, evaluations every ``every`` steps."""
    out: list[dict[str, Any]] = []
    per_eval = max(1, len(train) // max(1, len(evals)))
    for i, loss in enumerate(train):
        out.append({"type": "train", "step": (i + 1) * every // per_eval, "loss": loss})
    for i, loss in enumerate(evals):
        out.append({"type": "eval", "step": (i + 1) * every, "eval_loss": loss})
    return out


def test_overfitting_names_the_rise_and_the_kept_checkpoint() -> None:
    recs = records(
        train=[1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.05],
        evals=[0.9, 0.6, 0.5, 0.55, 0.62],
    )
    finding = coaching.overfitting(recs, {"best_checkpoint": "/r/checkpoint-30"})
    assert finding is not None
    assert finding.params["n"] == 2
    assert finding.params["from_step"] == 30
    assert finding.params["best_step"] == 30
    assert "rose for 2 evaluations after step 30" in finding.message


def test_a_falling_validation_loss_is_not_overfitting() -> None:
    recs = records(train=[1.0, 0.8, 0.6, 0.5, 0.4, 0.3], evals=[0.9, 0.7, 0.5])
    assert coaching.overfitting(recs) is None


def test_validation_rising_while_training_also_rises_is_not_overfitting() -> None:
    recs = records(train=[0.5, 0.5, 0.6, 0.7, 0.8, 0.9], evals=[0.5, 0.6, 0.7])
    assert coaching.overfitting(recs) is None


def test_a_flat_training_loss_is_underfitting() -> None:
    recs = records(train=[1.10, 1.09, 1.10, 1.08, 1.09, 1.08, 1.09, 1.07], evals=[1.1])
    finding = coaching.underfitting(recs)
    assert finding is not None and finding.code == "underfitting"
    assert finding.params["first"] > finding.params["last"]
    assert finding.params["drop"] < coaching.FLAT_DROP
    assert coaching.underfitting(records(train=[1.0, 0.8, 0.5, 0.3], evals=[0.4])) is None


def test_a_rare_class_with_low_recall_is_named_with_its_recall() -> None:
    metrics = {
        "per_class": {
            "a": {"recall": 0.95, "support": 100},
            "b": {"recall": 0.9, "support": 80},
            "rare": {"recall": 0.25, "support": 4},
        }
    }
    found = coaching.few_examples(metrics, {"a": 500, "b": 400, "rare": 12})
    assert [f.params["label"] for f in found] == ["rare"]
    assert found[0].params["recall"] == 0.25 and found[0].params["n"] == 12
    assert abs(found[0].params["others"] - 0.925) < 1e-9
    # plenty of examples: not this finding even with a low recall
    assert coaching.few_examples(metrics, {"a": 500, "b": 400, "rare": 300}) == []


def test_imbalance_ratio() -> None:
    finding = coaching.imbalance({"ham": 900, "spam": 100})
    assert finding is not None and finding.params["ratio"] == 9.0
    assert finding.params["small"] == "spam"
    assert coaching.imbalance({"a": 100, "b": 60}) is None


def test_baseline_beaten_tied_and_not_beaten() -> None:
    base = {"accuracy": 0.782, "macro_f1": 0.70}
    beat = coaching.baseline_comparison(
        {"main_metric": "macro_f1", "macro_f1": 0.80, "accuracy": 0.866, "baseline": base}
    )
    assert beat is not None and beat.code == "beats_baseline"
    assert abs(beat.params["gain"] - 0.10) < 1e-9
    tie = coaching.baseline_comparison({"macro_f1": 0.705, "baseline": base})
    assert tie is not None and tie.code == "ties_baseline"
    lost = coaching.baseline_comparison({"macro_f1": 0.6, "baseline": base})
    assert lost is not None and lost.code == "below_baseline"
    assert "did not beat" in lost.message
    assert coaching.baseline_comparison({"macro_f1": 0.6}) is None


def test_overlap_share_of_validation() -> None:
    finding = coaching.overlap({"train_validation_overlap": 25, "validation_rows": 100})
    assert finding is not None and finding.params == {"n": 25, "share": 0.25}
    assert coaching.overlap({"train_validation_overlap": 0}) is None


def test_coach_orders_warnings_first_and_tolerates_missing_inputs() -> None:
    assert coach(None) == []
    found = coach(
        {"macro_f1": 0.9, "baseline": {"macro_f1": 0.7}},
        records(train=[1.0, 1.0, 1.0, 1.0], evals=[1.0]),
        {"train_counts": {"a": 10, "b": 10}, "train_validation_overlap": 3, "validation_rows": 30},
    )
    assert [f.code for f in found] == ["underfitting", "overlap", "beats_baseline"]
    assert all(isinstance(f, Finding) for f in found)
    assert json.loads(json.dumps([f.to_dict() for f in found]))[0]["code"] == "underfitting"


def test_coach_run_reads_the_run_folder(tmp_path: Path) -> None:
    (tmp_path / "metrics.json").write_text(
        json.dumps({"macro_f1": 0.5, "baseline": {"macro_f1": 0.8}}), encoding="utf-8"
    )
    (tmp_path / "report.json").write_text(
        json.dumps({"train_counts": {"x": 1000, "y": 50}}), encoding="utf-8"
    )
    codes = [f.code for f in coach_run(tmp_path)]
    assert codes == ["below_baseline", "imbalance"]
