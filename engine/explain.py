"""Which words made the model choose its label: integrated-gradients attributions per word.

Captum's ``LayerIntegratedGradients`` integrates the gradient of the predicted class's
probability along a straight path from a "blank" input (every token ``[PAD]`` except the
special ``[CLS]``/``[SEP]``) to the real text, on the word-embedding layer. Unlike attention
weights, the attributions add up (completeness) to the change in probability between the
blank and the real text, so a word's share is a faithful account of the model's reading;
``Explanation.delta`` says how far the numeric integration misses that sum.

Sub-word tokens are summed into the words the tokenizer's pre-tokenizer splits, with
character offsets into the original text; Chinese and Japanese characters are units of
their own. Weights are divided by the largest magnitude, so +1 is the word that most
supports the predicted label and negative weights speak against it.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import DatasetError, ModelLoadError

#: Integration steps (Gauss-Legendre). 16 keeps the completeness gap of the starter model
#: small (bench/explain_latency.py) at about 0.3 s for a 30-word text on two CPU cores.
DEFAULT_STEPS = 16


@dataclass(frozen=True)
class Word:
    """One unit of the text: ``text[start:end]`` and its normalised attribution."""

    text: str
    start: int
    end: int
    weight: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end, "weight": self.weight}


@dataclass(frozen=True)
class Explanation:
    """A prediction with a weight per word. ``truncated``: the text is longer than the model
    reads, and only the part it reads is explained. ``delta``: the integration's completeness
    gap, in probability (small is good)."""

    text: str
    label: str
    scores: dict[str, float]
    words: list[Word] = field(default_factory=list)
    truncated: bool = False
    delta: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "label": self.label,
            "scores": self.scores,
            "words": [w.to_dict() for w in self.words],
            "truncated": self.truncated,
        }


def is_cjk(char: str) -> bool:
    """Chinese characters, Japanese kana, Korean syllables: written without spaces, so each
    character is an explained unit of its own."""
    if not char:
        return False
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF  # CJK extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # CJK compatibility ideographs
        or 0x20000 <= code <= 0x2FA1F  # extensions B-F, compatibility supplement
        or unicodedata.name(char, "").startswith("CJK UNIFIED")
    )


def split_units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` as units: each CJK character alone, other runs kept whole."""
    units: list[tuple[int, int]] = []
    run = start
    for i in range(start, end):
        if is_cjk(text[i]):
            if run < i:
                units.append((run, i))
            units.append((i, i + 1))
            run = i + 1
    if run < end:
        units.append((run, end))
    return units


def words_from_tokens(
    text: str,
    offsets: Sequence[tuple[int, int]],
    word_ids: Sequence[int | None],
    token_weights: Sequence[float],
) -> list[Word]:
    """Sum token weights into words (tokens sharing a ``word_id``), split CJK words into
    characters (a token's weight shared by character overlap), normalise by the largest
    magnitude. Special tokens (``word_id`` None) and empty spans are dropped."""
    spans: dict[int, list[int]] = {}
    for t, wid in enumerate(word_ids):
        s, e = offsets[t]
        if wid is None or e <= s:
            continue
        spans.setdefault(wid, []).append(t)
    raw: list[tuple[int, int, float]] = []
    for wid in sorted(spans, key=lambda w: offsets[spans[w][0]][0]):
        tokens = spans[wid]
        start = min(offsets[t][0] for t in tokens)
        end = max(offsets[t][1] for t in tokens)
        units = split_units(text, start, end)
        if len(units) == 1:
            raw.append((start, end, float(sum(token_weights[t] for t in tokens))))
            continue
        for us, ue in units:
            w = 0.0
            for t in tokens:
                ts, te = offsets[t]
                overlap = min(te, ue) - max(ts, us)
                if overlap > 0:
                    w += float(token_weights[t]) * overlap / (te - ts)
            raw.append((us, ue, w))
    top = max((abs(w) for _, _, w in raw), default=0.0)
    scale = 1.0 / top if top > 0 else 0.0
    return [Word(text[s:e], s, e, round(w * scale, 6)) for s, e, w in raw]


class Explainer:
    """A loaded classifier that explains its predictions. Use from one thread at a time."""

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        *,
        device: str = "cpu",
        allow_pickle: bool = False,
        trust_remote_code: bool = False,
        max_length: int | None = None,
    ) -> None:
        """Loads like ``Predictor`` (run folder or model folder; ``ModelLoadError`` naming the
        folder when it has no tokenizer or cannot load), always in fp32: gradients in bf16
        are too coarse for attributions to add up."""
        from engine.predict import Predictor

        self.predictor = Predictor(
            model_dir,
            device=device,
            allow_pickle=allow_pickle,
            trust_remote_code=trust_remote_code,
            max_length=max_length,
            precision="fp32",
        )
        self.path = self.predictor.path
        self.tokenizer = self.predictor.tokenizer
        self.model = self.predictor.model
        self.labels = self.predictor.labels
        self.max_length = self.predictor.max_length
        if not getattr(self.tokenizer, "is_fast", False):
            raise ModelLoadError(
                f"{self.path}: the tokenizer has no fast (Rust) version, so words cannot be "
                "mapped back to character positions.",
                hint="Save the model with a tokenizer.json (a fast tokenizer).",
            )
        # Only the embedding output needs a gradient: skipping the weights' gradients saves
        # about a third of each backward pass.
        self.model.requires_grad_(False)
        self._lig: Any = None

    def _attributor(self) -> Any:
        if self._lig is None:
            from captum.attr import LayerIntegratedGradients

            model = self.model

            def forward(input_ids: Any, attention_mask: Any, token_type_ids: Any = None) -> Any:
                kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
                if token_type_ids is not None:
                    kwargs["token_type_ids"] = token_type_ids
                return model(**kwargs).logits.float().softmax(dim=-1)

            self._lig = LayerIntegratedGradients(forward, model.get_input_embeddings())
        return self._lig

    def explain(
        self, texts: Sequence[str] | str, *, steps: int = DEFAULT_STEPS
    ) -> list[Explanation]:
        """One ``Explanation`` per text, in order. Raises ``DatasetError`` for an empty or
        blank text (naming its position: text 1 is the first)."""
        if isinstance(texts, str):
            texts = [texts]
        for i, text in enumerate(texts, start=1):
            if not isinstance(text, str) or not text.strip():
                raise DatasetError(
                    f"text {i}: empty or blank; there is nothing to explain.",
                    hint="Give a text with at least one word.",
                )
        return [self._explain_one(t, steps) for t in texts]

    def _explain_one(self, text: str, steps: int) -> Explanation:
        import torch

        from engine.data import clip_texts

        clipped = clip_texts([text], self.max_length)[0]
        enc = self.tokenizer(
            clipped,
            truncation=True,
            max_length=self.max_length,
            return_offsets_mapping=True,
            return_tensors="pt",
        )
        full_tokens = len(self.tokenizer(clipped, truncation=False)["input_ids"])
        truncated = len(clipped) < len(text) or full_tokens > enc["input_ids"].shape[1]
        word_ids = enc.word_ids(0)
        offsets = [(int(s), int(e)) for s, e in enc.pop("offset_mapping")[0].tolist()]
        device = self.predictor.device
        input_ids = enc["input_ids"].to(device)
        attention_mask = enc["attention_mask"].to(device)
        token_type_ids = enc.get("token_type_ids")
        if token_type_ids is not None:
            token_type_ids = token_type_ids.to(device)

        with torch.inference_mode():
            kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
            if token_type_ids is not None:
                kwargs["token_type_ids"] = token_type_ids
            probs = self.model(**kwargs).logits.float().softmax(dim=-1)[0]
        target = int(probs.argmax())
        scores = {label: float(p) for label, p in zip(self.labels, probs.tolist(), strict=True)}

        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = self.tokenizer.unk_token_id or 0
        is_word = torch.tensor([w is not None for w in word_ids], device=device)
        baseline = torch.where(is_word, torch.full_like(input_ids, pad), input_ids)
        extra = (attention_mask,) if token_type_ids is None else (attention_mask, token_type_ids)
        attributions, delta = self._attributor().attribute(
            inputs=input_ids,
            baselines=baseline,
            target=target,
            additional_forward_args=extra,
            n_steps=steps,
            internal_batch_size=steps,
            return_convergence_delta=True,
        )
        token_weights = attributions.sum(dim=-1)[0].detach().float().cpu().tolist()
        words = words_from_tokens(text, offsets, word_ids, token_weights)
        return Explanation(
            text=text,
            label=self.labels[target],
            scores=scores,
            words=words,
            truncated=bool(truncated),
            delta=float(delta.abs().max()),
        )


def read_explain_texts(path: str | os.PathLike[str], text_column: str | None = None) -> list[str]:
    """The texts of a file to explain: a ``.txt`` file is one text per line; a data file
    is read with ``text_column`` (the model's, when the file has it; else detected).
    Blank texts are skipped. Raises ``DatasetError``."""
    from pathlib import Path

    from engine.data import detect_encoding, read_texts

    p = Path(path).expanduser()
    if p.suffix.lower() == ".txt":
        if not p.is_file():
            raise DatasetError(f"{p}: file not found.", hint="Check the path and try again.")
        with open(p, encoding=detect_encoding(p), newline="") as f:
            # newline="": only \n, \r\n and \r end a line; U+0085 and friends stay in the text
            return [line.rstrip("\r\n") for line in f if line.strip()]
    column = text_column
    if column is not None:
        from engine.data import load_table

        if column not in load_table(p).column_names:
            column = None
    ds, column = read_texts(p, column)
    return [t for t in ds[column] if isinstance(t, str) and t.strip()]
