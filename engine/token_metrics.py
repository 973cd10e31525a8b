"""Entity-level scores for named-entity models (seqeval), and where the errors go.

Scores follow seqeval's default (conlleval-like, not strict) mode, as the transformers
token-classification example does, so a Strop run's numbers compare with published ones.
``compute_metrics`` is the factory ``transformers.Trainer`` calls; it drops the -100
positions (special tokens and later sub-tokens) before scoring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

IGNORE = -100
MISSED = "missed"
SPURIOUS = "spurious"


def entity_scores(
    true_tags: Sequence[Sequence[str]], pred_tags: Sequence[Sequence[str]]
) -> dict[str, Any]:
    """Micro and macro entity F1/precision/recall, token accuracy, and per-type scores with
    support (gold entities of the type)."""
    from seqeval.metrics import (
        accuracy_score,
        classification_report,
        f1_score,
        precision_score,
        recall_score,
    )

    y_true = [list(t) for t in true_tags]
    y_pred = [list(p) for p in pred_tags]
    has_entities = any(tag != "O" for seq in y_true + y_pred for tag in seq)
    if not has_entities:
        report: dict[str, Any] = {}
    else:
        report = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    per_type = {
        kind: {
            "precision": float(v["precision"]),
            "recall": float(v["recall"]),
            "f1": float(v["f1-score"]),
            "support": int(v["support"]),
        }
        for kind, v in report.items()
        if not kind.endswith(" avg")
    }
    scores = {
        "entity_f1": float(f1_score(y_true, y_pred, zero_division=0)) if has_entities else 0.0,
        "entity_precision": float(precision_score(y_true, y_pred, zero_division=0))
        if has_entities
        else 0.0,
        "entity_recall": float(recall_score(y_true, y_pred, zero_division=0))
        if has_entities
        else 0.0,
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0))
        if has_entities
        else 0.0,
        "accuracy": float(accuracy_score(y_true, y_pred)) if y_true else 0.0,
        "per_type": per_type,
    }
    return scores


def tags_from_ids(
    predictions: Any, label_ids: Any, id2label: dict[int, str]
) -> tuple[list[list[str]], list[list[str]]]:
    """(gold, predicted) tag sequences from logits or ids and labels, -100 positions dropped."""
    import numpy as np

    preds = np.asarray(predictions)
    if preds.ndim == 3:
        preds = preds.argmax(-1)
    labels = np.asarray(label_ids)
    gold, pred = [], []
    for p_row, l_row in zip(preds, labels, strict=True):
        keep = l_row != IGNORE
        gold.append([id2label[int(i)] for i in l_row[keep]])
        pred.append([id2label[int(i)] for i in p_row[keep]])
    return gold, pred


def compute_metrics(id2label: dict[int, str]) -> Callable[[Any], dict[str, float]]:
    """A ``compute_metrics`` for ``transformers.Trainer``: entity_f1, entity_precision,
    entity_recall, macro_f1 and (token) accuracy, as plain floats."""
    id2label = {int(k): v for k, v in id2label.items()}

    def metrics(eval_prediction: Any) -> dict[str, float]:
        predictions = eval_prediction.predictions
        if isinstance(predictions, tuple):
            predictions = predictions[0]
        gold, pred = tags_from_ids(predictions, eval_prediction.label_ids, id2label)
        scores = entity_scores(gold, pred)
        return {k: v for k, v in scores.items() if k != "per_type"}

    return metrics


def confusion_table(
    true_tags: Sequence[Sequence[str]], pred_tags: Sequence[Sequence[str]]
) -> dict[str, dict[str, int]]:
    """Rows: gold entity types plus ``spurious``; columns: predicted types plus ``missed``.

    A gold entity counts under the type of the predicted entity with the same span, else of
    the predicted entity overlapping it most, else under ``missed``; a predicted entity that
    overlaps no gold entity counts in the ``spurious`` row. Boundary errors of the right type
    land on the diagonal here (the F1 already counts them as errors); the table answers
    "which types are confused, and which are not found at all".
    """
    from seqeval.metrics.sequence_labeling import get_entities

    table: dict[str, dict[str, int]] = {}

    def bump(row: str, col: str) -> None:
        table.setdefault(row, {})
        table[row][col] = table[row].get(col, 0) + 1

    for gold_seq, pred_seq in zip(true_tags, pred_tags, strict=True):
        gold = get_entities(list(gold_seq))
        pred = get_entities(list(pred_seq))
        for g_type, g_start, g_end in gold:
            best, best_overlap = None, 0
            for p_type, p_start, p_end in pred:
                overlap = min(g_end, p_end) - max(g_start, p_start) + 1
                exact = (p_start, p_end) == (g_start, g_end)
                if exact:
                    best, best_overlap = p_type, 10**9
                elif overlap > best_overlap:
                    best, best_overlap = p_type, overlap
            bump(g_type, best if best is not None else MISSED)
        for p_type, p_start, p_end in pred:
            if not any(min(g_end, p_end) >= max(g_start, p_start) for _, g_start, g_end in gold):
                bump(SPURIOUS, p_type)
    return table
