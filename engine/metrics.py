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


# ----- one label per example (texts, images): shared by those tasks -----------------------
def _logits(predictions: Any) -> Any:
    return predictions[0] if isinstance(predictions, tuple) else predictions


def label_eval_metrics(num_labels: int) -> Any:
    """``compute_metrics`` for ``Trainer``: accuracy and macro F1 after each evaluation."""
    import numpy as np

    def compute(pred: Any) -> dict[str, float]:
        predicted = np.argmax(_logits(pred.predictions), axis=-1)
        return quick_metrics(pred.label_ids, predicted, num_labels)

    return compute


def label_final_metrics(output: Any, labels: Sequence[str]) -> dict[str, Any]:
    """The full figures of ``Trainer.predict``'s output (per class, confusion matrix)."""
    import numpy as np

    predicted = np.argmax(_logits(output.predictions), axis=-1)
    return classification_metrics(output.label_ids, predicted, list(labels))


def calibrated_predictions(
    output: Any, labels: Sequence[str], inputs: Sequence[Any], key: str, rows: Sequence[int]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Calibration of ``Trainer.predict``'s output (``engine.calibration.calibrate``) and
    one record per example for the error-analysis views: ``row``, ``key`` (the text or the
    image path, ``inputs[row]``), ``label``, ``predicted``, ``confidence``, calibrated
    ``scores``. ``rows[i]`` is the validation row of output row ``i``."""
    import numpy as np

    from engine.calibration import apply_temperature, calibrate

    logits = np.asarray(_logits(output.predictions), dtype=np.float64)
    gold = np.asarray(output.label_ids)
    calibration = calibrate(logits, gold)
    probs = apply_temperature(logits, calibration["temperature"])
    records = []
    for i, (p, y) in enumerate(zip(probs, gold, strict=True)):
        k = int(p.argmax())
        records.append(
            {
                "row": int(rows[i]),
                key: inputs[int(rows[i])],
                "label": labels[int(y)],
                "predicted": labels[k],
                "confidence": float(p[k]),
                "scores": {label: round(float(v), 6) for label, v in zip(labels, p, strict=True)},
            }
        )
    return calibration, records
