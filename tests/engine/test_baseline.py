"""The TF-IDF yardstick: it learns, picks characters for unspaced text, and is out-of-sample."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pytest

from engine.baseline import choose_analyzer, fit_baseline, out_of_sample_probabilities
from engine.errors import DatasetError

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample" / "sentiment_sentences.csv"


def _sample(n: int = 600) -> tuple[list[str], list[int]]:
    with open(SAMPLE, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:n]
    return [r["text"] for r in rows], [int(r["label"] == "positive") for r in rows]


def test_fit_baseline_beats_chance_on_real_sentences() -> None:
    texts, labels = _sample()
    res = fit_baseline(texts[:500], labels[:500], texts[500:], labels[500:])
    assert res.analyzer == "word"
    assert res.accuracy > 0.65  # chance is about 0.5
    assert 0.0 < res.macro_f1 <= 1.0
    assert res.probabilities.shape == (100, 2)
    np.testing.assert_allclose(res.probabilities.sum(axis=1), 1.0, atol=1e-6)
    assert set(res.to_dict()) == {"accuracy", "macro_f1", "seconds", "analyzer"}


def test_unspaced_text_uses_characters() -> None:
    good = ["好吃又便宜", "味道很好", "送餐很快很好吃", "非常满意好评"]
    bad = ["太难吃了", "送餐太慢", "很差不会再点", "又冷又难吃"]
    texts = (good + bad) * 5
    labels = ([1] * 4 + [0] * 4) * 5
    assert choose_analyzer(texts) == "char"
    res = fit_baseline(texts, labels, ["很好吃", "太难吃"], [1, 0])
    assert res.analyzer == "char"
    assert res.probabilities.argmax(axis=1).tolist() == [1, 0]


def test_unseen_class_gets_a_zero_column() -> None:
    res = fit_baseline(["good", "bad", "fine", "awful"], [0, 1, 0, 1], ["good"], [2], n_classes=3)
    assert res.probabilities.shape == (1, 3)
    assert res.probabilities[0, 2] == 0.0


def test_out_of_sample_probabilities_do_not_memorise_a_flipped_label() -> None:
    texts, labels = _sample(400)
    flipped = list(labels)
    flipped[0] = 1 - flipped[0]
    probs = out_of_sample_probabilities(texts, flipped, folds=5, seed=0)
    assert probs.shape == (400, 2)
    # a model that saw row 0 with its wrong label would lean towards it; cross-validation does not
    assert probs[0, flipped[0]] < 0.5
    again = out_of_sample_probabilities(texts, flipped, folds=5, seed=0)
    np.testing.assert_array_equal(probs, again)


def test_single_class_and_mismatched_lengths_are_dataset_errors() -> None:
    with pytest.raises(DatasetError, match="one class"):
        out_of_sample_probabilities(["a", "b", "c", "d"], [0, 0, 0, 0])
    with pytest.raises(DatasetError, match="2 texts but 1 labels"):
        fit_baseline(["a", "b"], [0], ["a"], [0])


def test_ten_thousand_texts_fit_in_seconds() -> None:
    texts, labels = _sample(3000)
    texts, labels = texts * 4, labels * 4  # 12,000 texts
    start = time.perf_counter()
    fit_baseline(texts[:10_000], labels[:10_000], texts[10_000:], labels[10_000:])
    assert time.perf_counter() - start < 10.0


def test_sentence_embeddings_are_unit_length_and_cross_validate(tiny_model: Path) -> None:
    from engine.baseline import out_of_sample_embedding_probabilities, sentence_embeddings

    texts = ["good movie", "awful film", "the best food", "it was very bad"] * 5
    emb = sentence_embeddings(tiny_model, texts, batch_size=3)
    assert emb.shape == (20, 32)
    np.testing.assert_allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(emb[0], emb[4], atol=1e-5)  # same text, same vector
    probs = out_of_sample_embedding_probabilities(emb, [0, 1, 0, 1] * 5, n_classes=3)
    assert probs.shape == (20, 3) and (probs[:, 2] == 0).all()
