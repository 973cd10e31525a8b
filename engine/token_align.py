"""Sub-word alignment: word-level tags onto the tokenizer's sub-words, in windows.

A word's first sub-token carries its tag; the others get -100 (ignored by the loss and the
metrics), or, with ``label_all_subtokens``, the word's ``I-`` tag. Sentences longer than
``max_length`` are split into overlapping windows (the tokenizer's own
``return_overflowing_tokens`` with ``stride``) instead of being cut silently, so no entity
in the tail of a long sentence is lost from training.

The output is a ``datasets.Dataset`` of ``input_ids``/``attention_mask``/``labels`` (plus
``token_type_ids`` when the tokenizer makes them) per window, ready for
``DataCollatorForTokenClassification`` and ``transformers.Trainer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.errors import ConfigError, ModelLoadError

IGNORE = -100
DEFAULT_STRIDE = 32
BATCH = 512  # sentences per tokenizer call


def _words_tags(sentence: Any) -> tuple[list[str], list[str]]:
    if hasattr(sentence, "tokens"):
        return list(sentence.tokens), list(sentence.tags)
    tokens, tags = sentence
    return list(tokens), list(tags)


def require_fast(tokenizer: Any) -> None:
    """Alignment needs word ids, which only fast (Rust) tokenizers give."""
    if not getattr(tokenizer, "is_fast", False):
        name = getattr(tokenizer, "name_or_path", "") or type(tokenizer).__name__
        raise ModelLoadError(
            f"The tokenizer of {name} is not a fast tokenizer, so sub-words cannot be matched "
            "to words for named-entity training.",
            hint="Choose a model that ships a tokenizer.json (a fast tokenizer).",
        )


def continuation_tag(tag: str) -> str:
    """The tag a word's later sub-tokens get with ``label_all_subtokens``: I- for B-."""
    return f"I-{tag[2:]}" if tag.startswith("B-") else tag


def encode(
    sentences: Sequence[Any],
    tokenizer: Any,
    label2id: dict[str, int],
    max_length: int,
    *,
    stride: int = DEFAULT_STRIDE,
    label_all_subtokens: bool = False,
    with_words: bool = False,
) -> Any:
    """Tokenise word/tag sentences into labelled windows (a ``datasets.Dataset``).

    ``sentences``: :class:`engine.token_data.Sentence` objects or ``(tokens, tags)`` pairs.
    ``stride``: sub-words shared by consecutive windows of one long sentence, so every word
    sits away from a window edge in at least one window.
    ``with_words``: add ``sentence`` (the window's sentence, by index) and ``word_ids`` (each
    position's word, -1 for special tokens), so predictions on windows can be merged back
    into one tag per word of each sentence (``merge_windows``).
    """
    import datasets

    require_fast(tokenizer)
    special = tokenizer.num_special_tokens_to_add(pair=False)
    if max_length - special < 2:
        raise ConfigError(
            f"max_length {max_length} leaves no room for words next to the special tokens.",
            hint="Use a max length of at least 16.",
        )
    # The tokenizer refuses a stride as long as the window; keep at most half of it.
    stride = max(0, min(stride, (max_length - special) // 2))
    columns: dict[str, list[Any]] = {"input_ids": [], "attention_mask": [], "labels": []}
    has_types = "token_type_ids" in tokenizer.model_input_names
    if has_types:
        columns["token_type_ids"] = []
    if with_words:
        columns["sentence"] = []
        columns["word_ids"] = []
    for begin in range(0, len(sentences), BATCH):
        pairs = [_words_tags(s) for s in sentences[begin : begin + BATCH]]
        words = [w for w, _ in pairs]
        for index, (w, t) in enumerate(pairs):
            if len(w) != len(t):
                raise ConfigError(
                    f"Sentence {begin + index + 1}: {len(w)} words but {len(t)} tags.",
                    hint="Give every word exactly one tag.",
                )
            unknown = [tag for tag in t if tag not in label2id]
            if unknown:
                raise ConfigError(
                    f"Sentence {begin + index + 1}: the tag {unknown[0]!r} is not in the "
                    "model's label list.",
                    hint="Train with a label list built from all of the data.",
                )
        # Sub-tokens per word (context-free: each word is pre-tokenised on its own), to tell
        # a word cut at a window's left edge from one that starts there.
        whole = tokenizer(words, is_split_into_words=True, add_special_tokens=False)
        pieces = []
        for i in range(len(words)):
            counts = [0] * len(words[i])
            for wid in whole.word_ids(i):
                if wid is not None:
                    counts[wid] += 1
            pieces.append(counts)
        enc = tokenizer(
            words,
            is_split_into_words=True,
            truncation=True,
            max_length=max_length,
            stride=stride,
            return_overflowing_tokens=True,
        )
        previous_sample = -1
        for window, sample in enumerate(enc["overflow_to_sample_mapping"]):
            first_window = sample != previous_sample
            previous_sample = sample
            tags = pairs[sample][1]
            word_ids = enc.word_ids(window)
            labels = []
            seen = None
            run = 0
            lead = True  # still inside the window's first word
            for position, wid in enumerate(word_ids):
                if wid is None:
                    labels.append(IGNORE)
                    continue
                if wid != seen:
                    if seen is not None:
                        lead = False
                    seen, run = wid, 0
                run += 1
                starts_word = run == 1 and (first_window or not lead)
                if lead and not first_window and run == 1:
                    # The window's first word starts here only if all its pieces follow.
                    n = sum(1 for w in word_ids[position:] if w == wid)
                    starts_word = n == pieces[sample][wid]
                if starts_word:
                    labels.append(label2id[tags[wid]])
                elif label_all_subtokens:
                    labels.append(label2id[continuation_tag(tags[wid])])
                else:
                    labels.append(IGNORE)
            columns["labels"].append(labels)
            columns["input_ids"].append(enc["input_ids"][window])
            columns["attention_mask"].append(enc["attention_mask"][window])
            if has_types:
                columns["token_type_ids"].append(enc["token_type_ids"][window])
            if with_words:
                columns["sentence"].append(begin + sample)
                columns["word_ids"].append([-1 if w is None else w for w in word_ids])
    return datasets.Dataset.from_dict(columns)


def merge_windows(
    predictions: Any, sentences: Any, word_ids: Sequence[Sequence[int]], lengths: Sequence[int]
) -> list[list[int]]:
    """One predicted label id per word of each sentence, from per-window predictions.

    ``predictions``: logits or ids per window and position (``Trainer.predict``'s output for
    a set made with ``with_words=True``, in that set's order); ``sentences``/``word_ids``: its
    columns; ``lengths``: words per sentence. A word takes the prediction of its first
    sub-token in the window where it sits farthest from the window's edge (the most context
    on both sides), as ``TokenPredictor`` does; a word no window saw (a character the
    tokenizer drops) gets -1.
    """
    import numpy as np

    ids = np.asarray(predictions)
    if ids.ndim == 3:
        ids = ids.argmax(-1)
    merged = [[-1] * n for n in lengths]
    best: dict[tuple[int, int], int] = {}
    for row, (sentence, words) in enumerate(zip(sentences, word_ids, strict=True)):
        content = [p for p, w in enumerate(words) if w >= 0]
        if not content:
            continue
        lo, hi = content[0], content[-1]
        seen: set[int] = set()
        for position in content:
            wid = words[position]
            if wid in seen:
                continue
            seen.add(wid)
            distance = min(position - lo, hi - position)
            key = (int(sentence), wid)
            if key in best and best[key] >= distance:
                continue
            best[key] = distance
            merged[int(sentence)][wid] = int(ids[row, position])
    return merged
