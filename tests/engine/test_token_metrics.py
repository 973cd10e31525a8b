"""Entity scores (seqeval default mode), the Trainer factory, and the confusion table."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from engine.token_metrics import compute_metrics, confusion_table, entity_scores

GOLD = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O", "O", "B-PER"]]
PRED = [["B-PER", "I-PER", "O", "B-PER"], ["O", "O", "B-LOC", "B-PER"]]


def test_entity_scores_micro_macro_and_per_type() -> None:
    scores = entity_scores(GOLD, PRED)
    # 4 gold entities, 4 predicted, 2 correct (both PER)
    assert scores["entity_precision"] == pytest.approx(0.5)
    assert scores["entity_recall"] == pytest.approx(0.5)
    assert scores["entity_f1"] == pytest.approx(0.5)
    per = scores["per_type"]
    assert per["PER"] == {"precision": 2 / 3, "recall": 1.0, "f1": pytest.approx(0.8), "support": 2}
    assert per["LOC"]["support"] == 1 and per["LOC"]["f1"] == 0.0
    assert scores["macro_f1"] == pytest.approx(0.8 / 3)
    assert scores["accuracy"] == pytest.approx(5 / 8)


def test_default_mode_is_lenient_about_i_after_o() -> None:
    # seqeval's default (not strict) reads a stray I-PER as an entity
    assert entity_scores([["B-PER", "O"]], [["I-PER", "O"]])["entity_f1"] == 1.0


def test_compute_metrics_drops_ignored_positions() -> None:
    id2label = {0: "O", 1: "B-PER", 2: "I-PER"}
    labels = np.array([[-100, 1, 2, -100, 0, -100]])
    logits = np.zeros((1, 6, 3))
    # right where labelled; wrong (B-PER) where ignored, which must not count
    for pos, lab in enumerate([1, 1, 2, 1, 0, 1]):
        logits[0, pos, lab] = 5.0
    out = compute_metrics(id2label)(SimpleNamespace(predictions=logits, label_ids=labels))
    assert out == {
        "entity_f1": 1.0,
        "entity_precision": 1.0,
        "entity_recall": 1.0,
        "macro_f1": 1.0,
        "accuracy": 1.0,
    }
    assert all(isinstance(v, float) for v in out.values())


def test_confusion_table_has_missed_and_spurious() -> None:
    table = confusion_table(GOLD, PRED)
    assert table["PER"] == {"PER": 2}
    assert table["LOC"] == {"PER": 1}  # typed as PER
    assert table["ORG"] == {"missed": 1}
    assert table["spurious"] == {"LOC": 1}
