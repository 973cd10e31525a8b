"""Named entities in typed text, from a fine-tuned token-classification model folder.

Text is split into words the way the model's tokenizer pre-tokenises it (its
``pre_tokenize_str`` gives character offsets), with CJK characters one word each as the
training data has them; each word takes the tag of its first sub-token. Long texts run in
overlapping windows, and a word seen by two windows takes its tag from the window where it
sits farther from the edge (more context on both sides). Entities are reported as character
offsets into the original text, so the window can highlight them in place.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import DatasetError, ModelLoadError
from engine.token_align import DEFAULT_STRIDE, require_fast

_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@dataclass(frozen=True)
class WordTag:
    """A word's predicted tag and that tag's probability."""

    tag: str
    score: float


@dataclass(frozen=True)
class TextEntities:
    """One text's entities, each ``{"text", "label", "start", "end", "score"}`` with character
    offsets into ``text``; ``to_dict()`` is the JSON line the CLI prints."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "entities": [dict(e) for e in self.entities]}


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
        allow_pickle: bool = False,
        trust_remote_code: bool = False,
    ) -> None:
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        from engine.device import resolve_device
        from engine.models import quiet_transformers

        folder = Path(model_dir)
        if not folder.is_dir():
            raise ModelLoadError(
                f"{folder}: no such model folder.",
                hint="Choose the folder of a finished named-entity run.",
            )
        quiet_transformers()
        device = resolve_device(device)
        options = {"local_files_only": True, "trust_remote_code": trust_remote_code}
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), **options)
            self.model = AutoModelForTokenClassification.from_pretrained(
                str(folder), use_safetensors=None if allow_pickle else True, **options
            )
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
        meta_file = folder / "strop.json"
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        except (OSError, ValueError):
            meta = {}
        # The length the model was trained with (windows of that size), unless told otherwise.
        self.max_length = max_length or int(meta.get("max_length") or min(limit, model_max, 512))
        if stride == DEFAULT_STRIDE and meta.get("stride") is not None:
            stride = int(meta["stride"])
        self.labels = list(self.id2label[i] for i in sorted(self.id2label))
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

    def predict(self, texts: Sequence[str], batch_size: int | None = None) -> list[TextEntities]:
        """Entities of each text (``TextEntities``: ``{"text", "entities": [{"text", "label",
        "start", "end", "score"}]}``); offsets index the original text, labels carry no B-/I-
        prefix, the score is the mean probability of the entity's words. ``batch_size``:
        texts per forward pass (default: the predictor's)."""
        texts = [str(t) for t in texts]
        if batch_size:
            self.batch_size = max(1, int(batch_size))
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
            results.append(TextEntities(text, entities))
        return results

    def predict_file(
        self,
        path: str | os.PathLike[str],
        out: str | os.PathLike[str],
        *,
        text_column: str | None = None,
        batch_size: int | None = None,
    ) -> int:
        """Predict every text of ``path`` (a ``.txt`` file: one text per line; else a table
        with a text column) and write one JSON line per text to ``out``; the number written.
        JSON Lines rather than CSV: each text has a list of entities."""
        texts = read_texts_to_tag(path, text_column)
        target = Path(out).expanduser()
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        chunk = max(1, batch_size or self.batch_size) * 8
        with part.open("w", encoding="utf-8") as handle:
            for begin in range(0, len(texts), chunk):
                for result in self.predict(texts[begin : begin + chunk], batch_size=batch_size):
                    handle.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        os.replace(part, target)
        return len(texts)


def read_texts_to_tag(path: str | os.PathLike[str], text_column: str | None = None) -> list[str]:
    """Texts to tag from a file: a ``.txt`` holds one text per line (blank lines skipped);
    other files are tables read by ``engine.data.read_texts``."""
    source = Path(path).expanduser()
    if not source.is_file():
        raise DatasetError(f"{source}: no such file.", hint="Check the path and try again.")
    if source.suffix.lower() == ".txt" and text_column is None:
        try:
            lines = source.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise DatasetError(
                f"{source}: not UTF-8 text (byte {exc.start}).",
                hint="Save the file as UTF-8 and try again.",
            ) from None
        return [line for line in lines if line.strip()]
    from engine.data import read_texts

    ds, column = read_texts(str(source), text_column)
    return ["" if t is None else str(t) for t in ds[column]]


def evaluate(
    model_dir: str | os.PathLike[str], data_path: str | os.PathLike[str], **options: Any
) -> dict[str, Any]:
    """Entity scores of a model on a labelled file (any format ``token_data`` reads):
    entity_f1, entity_precision, entity_recall, macro_f1, accuracy, per_type, num_examples.
    ``options`` go to ``TokenPredictor`` (device, allow_pickle, ...)."""
    from engine.token_data import read_sentences
    from engine.token_metrics import entity_scores

    sentences, _, _, _ = read_sentences(data_path)
    predictor = TokenPredictor(model_dir, **options)
    tagged = predictor.tag_words([s.tokens for s in sentences])
    gold = [s.tags for s in sentences]
    pred = [[_as_iob2(t.tag) for t in row] for row in tagged]
    scores = entity_scores(gold, pred)
    scores["num_examples"] = len(sentences)
    return scores


def _as_iob2(tag: str) -> str:
    prefix, kind = _strip_prefix(tag)
    if not kind:
        return "O"
    return f"{'B' if prefix in ('B', 'S', 'U') else 'I'}-{kind}"
