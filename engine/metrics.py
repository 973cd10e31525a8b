"""Classification metrics: accuracy, macro precision/recall/F1, per class, confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def classification_metrics(
    y_true: Sequence[int], y_pred: Sequence[int], labels: Sequence[str]
) -> dict[str, Any]:
    """Plain-Python metrics (floats and lists), ready for JSON."""
    import numpy as np
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    ids = list(range(len(labels)))
    y_true = np.asarray(y_true)  # type: ignore[assignment]  # an array from here on
    y_pred = np.asarray(y_pred)  # type: ignore[assignment]
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=ids, zero_division=0
    )
    present = support > 0
    # Macro averages over the classes present in the evaluated data.
    mp = float(precision[present].mean()) if present.any() else 0.0
    mr = float(recall[present].mean()) if present.any() else 0.0
    mf = float(f1[present].mean()) if present.any() else 0.0
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)) if len(y_true) else 0.0,
        "macro_precision": mp,
        "macro_recall": mr,
        "macro_f1": mf,
        "num_examples": int(len(y_true)),
        "labels": list(labels),
        "per_class": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion_matrix": confusion_matrix(y_true, y_pred, labels=ids).tolist(),
    }


def quick_metrics(
    y_true: Sequence[int], y_pred: Sequence[int], num_labels: int
) -> dict[str, float]:
    """Accuracy and macro F1 only, for evaluations during training (fast, numpy only)."""
    import numpy as np

    y_true = np.asarray(y_true)  # type: ignore[assignment]  # an array from here on
    y_pred = np.asarray(y_pred)  # type: ignore[assignment]
    if len(y_true) == 0:
        return {"accuracy": 0.0, "macro_f1": 0.0}
    f1s = []
    for c in range(num_labels):
        tp = int(np.sum((y_pred == c) & (y_true == c)))
        fp = int(np.sum((y_pred == c) & (y_true != c)))
        fn = int(np.sum((y_pred != c) & (y_true == c)))
        if tp + fn == 0:
            continue  # class absent from the evaluated data
        denom = 2 * tp + fp + fn
        f1s.append(2 * tp / denom if denom else 0.0)
    return {
        "accuracy": float(np.mean(y_true == y_pred)),
        "macro_f1": float(np.mean(f1s)) if f1s else 0.0,
    }
