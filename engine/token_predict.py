"""Named entities in typed text, from a fine-tuned token-classification model folder.

Text is split into words the way the model's tokenizer pre-tokenises it (its
``pre_tokenize_str`` gives character offsets), with CJK characters one word each as the
training data has them; each word takes the tag of its first sub-token. Long texts run in
overlapping windows, and a word seen by two windows takes its tag from the window where it
sits farther from the edge (more context on both sides). Entities are reported as character
offsets into the original text, so the window can highlight them in place.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import ModelLoadError
from engine.token_align import DEFAULT_STRIDE, require_fast

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@dataclass(frozen=True)
class WordTag:
    """A word's predicted tag and that tag's probability."""

    tag: str
    score: float


def _strip_prefix(tag: str) -> tuple[str, str]:
    if len(tag) > 2 and tag[1] == "-" and tag[0] in "BIESMLU":
        return tag[0], tag[2:]
    return ("", "") if tag == "O" else ("", tag)


def word_entities(tags: list[str]) -> list[tuple[str, int, int]]:
    """(type, first word, last word) per entity of a word-tag sequence, read leniently like
    seqeval's default: an ``I-X`` after ``O`` or another type starts an entity."""
    entities: list[tuple[str, int, int]] = []
    current: list[Any] | None = None
    for i, tag in enumerate(tags):
        prefix, kind = _strip_prefix(tag)
        if not kind:
            current = None
            continue
        if current is not None and kind == current[0] and prefix in ("I", "E", "M", "L", ""):
            current[2] = i
        else:
            current = [kind, i, i]
            entities.append(current)  # type: ignore[arg-type]
        if prefix in ("E", "S", "L", "U"):
            current = None
    return [tuple(e) for e in entities]  # type: ignore[misc]


class TokenPredictor:
    """A loaded named-entity model. ``predict(texts)`` gives entities with offsets."""

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        *,
        max_length: int | None = None,
        stride: int = DEFAULT_STRIDE,
        batch_size: int = 16,
        device: str = "cpu",
    ) -> None:
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        folder = Path(model_dir)
        if not folder.is_dir():
            raise ModelLoadError(
                f"{folder}: no such model folder.",
                hint="Choose the folder of a finished named-entity run.",
            )
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
            self.model = AutoModelForTokenClassification.from_pretrained(str(folder))
        except (OSError, ValueError) as exc:
            raise ModelLoadError(
                f"{folder}: cannot load a token-classification model ({exc}).",
                hint="Choose the folder of a finished named-entity run.",
            ) from exc
        require_fast(self.tokenizer)
        self.model.eval().to(device)
        self.device = device
        self.id2label = {int(k): v for k, v in self.model.config.id2label.items()}
        limit = getattr(self.model.config, "max_position_embeddings", 512) or 512
        model_max = self.tokenizer.model_max_length
        if not isinstance(model_max, int) or model_max > 100_000:
            model_max = 512
        self.max_length = max_length or min(limit, model_max, 512)
        special = self.tokenizer.num_special_tokens_to_add(pair=False)
        self.stride = max(0, min(stride, (self.max_length - special) // 2))
        self.batch_size = batch_size
        self._torch = torch

    # ------------------------------------------------------------------ words

    def split_words(self, text: str) -> list[tuple[str, int, int]]:
        """Words with character offsets into ``text``, as the tokenizer pre-tokenises them,
        CJK characters one word each (as the training files had them)."""
        pre = getattr(self.tokenizer.backend_tokenizer, "pre_tokenizer", None)
        if pre is not None:
            raw = [(s, e) for _, (s, e) in pre.pre_tokenize_str(text)]
        else:
            raw = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        words = []
        for start, end in raw:
            piece = text[start:end]
            # Byte-level tokenizers count the space before a word as part of it.
            lead = len(piece) - len(piece.lstrip())
            start, piece = start + lead, piece.strip()
            if not piece:
                continue
            pos = 0
            for m in _CJK_RE.finditer(piece):
                if m.start() > pos:
                    words.append((piece[pos : m.start()], start + pos, start + m.start()))
                words.append((m.group(), start + m.start(), start + m.end()))
                pos = m.end()
            if pos < len(piece):
                words.append((piece[pos:], start + pos, start + len(piece)))
        return words

    # ------------------------------------------------------------------ tagging

    def tag_words(self, sentences: list[list[str]]) -> list[list[WordTag]]:
        """The tag and its probability for every word of pre-split sentences."""
        torch = self._torch
        results: list[list[WordTag | None]] = [[None] * len(s) for s in sentences]
        # best[(sentence, word)] = distance from the window edge of the chosen window
        best: dict[tuple[int, int], int] = {}
        todo = [i for i, s in enumerate(sentences) if s]
        for begin in range(0, len(todo), self.batch_size):
            chunk = todo[begin : begin + self.batch_size]
            enc = self.tokenizer(
                [sentences[i] for i in chunk],
                is_split_into_words=True,
                truncation=True,
                max_length=self.max_length,
                stride=self.stride,
                return_overflowing_tokens=True,
                padding=True,
                return_tensors="pt",
            )
            mapping = enc.pop("overflow_to_sample_mapping").tolist()
            inputs = {
                k: v.to(self.device)
                for k, v in enc.items()
                if k in ("input_ids", "attention_mask", "token_type_ids")
            }
            with torch.inference_mode():
                logits = self.model(**inputs).logits.float()
            probs = torch.softmax(logits, dim=-1)
            top_p, top_i = probs.max(dim=-1)
            top_p, top_i = top_p.tolist(), top_i.tolist()
            for window, sample in enumerate(mapping):
                sentence = chunk[sample]
                word_ids = enc.word_ids(window)
                content = [p for p, w in enumerate(word_ids) if w is not None]
                lo, hi = content[0], content[-1]
                seen: set[int] = set()
                for position in content:
                    wid = word_ids[position]
                    if wid in seen:
                        continue  # only the first sub-token of the word in this window
                    seen.add(wid)
                    distance = min(position - lo, hi - position)
                    key = (sentence, wid)
                    if key in best and best[key] >= distance:
                        continue
                    best[key] = distance
                    results[sentence][wid] = WordTag(
                        self.id2label[top_i[window][position]], float(top_p[window][position])
                    )
        out = []
        for row in results:
            # A word with no sub-token (a character the tokenizer drops) is outside entities.
            out.append([tag if tag is not None else WordTag("O", 1.0) for tag in row])
        return out

    def predict(self, texts: list[str]) -> list[dict[str, Any]]:
        """Entities of each text: ``{"text", "entities": [{"text", "label", "start", "end",
        "score"}]}``; offsets index the original text, labels carry no B-/I- prefix, the
        score is the mean probability of the entity's words."""
        split = [self.split_words(text) for text in texts]
        tagged = self.tag_words([[w for w, _, _ in words] for words in split])
        results = []
        for text, words, tags in zip(texts, split, tagged, strict=True):
            entities = []
            for kind, first, last in word_entities([t.tag for t in tags]):
                start, end = words[first][1], words[last][2]
                scores = [t.score for t in tags[first : last + 1]]
                entities.append(
                    {
                        "text": text[start:end],
                        "label": kind,
                        "start": start,
                        "end": end,
                        "score": sum(scores) / len(scores),
                    }
                )
            results.append({"text": text, "entities": entities})
        return results


def evaluate(
    model_dir: str | os.PathLike[str], data_path: str | os.PathLike[str]
) -> dict[str, Any]:
    """Entity scores of a model on a labelled file (any format ``token_data`` reads):
    entity_f1, entity_precision, entity_recall, macro_f1, accuracy, per_type."""
    from engine.token_data import read_sentences
    from engine.token_metrics import entity_scores

    sentences, _, _, _ = read_sentences(data_path)
    predictor = TokenPredictor(model_dir)
    tagged = predictor.tag_words([s.tokens for s in sentences])
    gold = [s.tags for s in sentences]
    pred = [[_as_iob2(t.tag) for t in row] for row in tagged]
    return entity_scores(gold, pred)


def _as_iob2(tag: str) -> str:
    prefix, kind = _strip_prefix(tag)
    if not kind:
        return "O"
    return f"{'B' if prefix in ('B', 'S', 'U') else 'I'}-{kind}"
