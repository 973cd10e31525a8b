"""Shared fixtures: a tiny BERT built locally (random weights, small vocabulary), small
datasets written to temporary files, and an isolated STROP_HOME for every test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("STROP_NO_FSYNC", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"

WORDS = [
    "good",
    "great",
    "excellent",
    "love",
    "wonderful",
    "happy",
    "fine",
    "best",
    "nice",
    "superb",
    "bad",
    "awful",
    "terrible",
    "hate",
    "poor",
    "sad",
    "worst",
    "boring",
    "ugly",
    "broken",
    "the",
    "a",
    "movie",
    "film",
    "food",
    "service",
    "phone",
    "it",
    "was",
    "is",
    "very",
    "not",
    "and",
    "this",
    "i",
    "product",
]


def shared_dataset(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"shared dataset {relative} not available")
    return path


@pytest.fixture(autouse=True)
def strop_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("strop_home")
    monkeypatch.setenv("STROP_HOME", str(home))
    return home


def _save_tiny_bert(folder: Path, vocab: list[str], model_class: str, num_layers: int = 2) -> Path:
    """A seeded BERT of ``num_layers`` layers (``transformers.<model_class>``) and its
    word-level tokenizer over ``vocab``, saved as safetensors in ``folder``."""
    import torch
    import transformers
    from transformers import BertConfig, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(vocab)}, do_lower_case=True)
    tokenizer.model_max_length = 64
    tokenizer.save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=num_layers,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
    )
    torch.manual_seed(0)
    getattr(transformers, model_class)(config).save_pretrained(str(folder))
    return folder


def build_tiny_encoder(folder: Path, vocab: list[str]) -> Path:
    """A 2-layer BERT encoder without a task head (seeded) and its word-level tokenizer over
    ``vocab``: the engine adds the head a task needs."""
    return _save_tiny_bert(folder, vocab, "BertModel")


def build_tiny_model(folder: Path, *, num_layers: int = 2) -> Path:
    """A 2-layer BERT with a word-level vocabulary, saved as safetensors + tokenizer."""
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]
    return _save_tiny_bert(folder, vocab, "BertForSequenceClassification", num_layers)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("models") / "tiny-bert")


def write_sentiment_csv(path: Path, rows: int = 120, seed: int = 0) -> Path:
    """A learnable two-class dataset: positive words vs negative words."""
    import random

    rng = random.Random(seed)
    pos, neg = WORDS[:10], WORDS[10:20]
    filler = WORDS[20:]
    lines = ["text,label"]
    for i in range(rows):
        label = "positive" if i % 2 == 0 else "negative"
        words = rng.sample(pos if label == "positive" else neg, 2) + rng.sample(filler, 3)
        rng.shuffle(words)
        lines.append(f"{' '.join(words)},{label}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def sentiment_csv(tmp_path: Path) -> Path:
    return write_sentiment_csv(tmp_path / "sentiment.csv")
