"""A short, built-in list of well-known models to fine-tune, by language, and which are here.

People who pick a model for Chinese or Greek data cannot be expected to know hub ids. This
catalogue is plain data: a handful of encoders known to fine-tune well for classification,
with facts from their hub pages (parameters, size of the weights file, licence) and a speed
class worked out from their shape, so that ``list_models("zh")`` can put a Chinese model
first and say whether it is already on this computer (no network is used).

Facts are as published on huggingface.co (model cards and file listings, 2024-2026);
``download_mb`` is the size of the weights file a download fetches, in MB (10^6 bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.config import STARTER_MODEL

#: Languages a multilingual model covers are given as this one code.
MULTILINGUAL = "multi"
TEXT, TOKENS = "text-classification", "token-classification"
_BERT_BASE_COMPUTE = 12 * 768 * 768


@dataclass(frozen=True)
class CatalogueEntry:
    """One model: its hub id (``aliases``: older ids that redirect to it), what it reads,
    and its shape and size. ``weights`` is ``safetensors`` or ``pickle`` (only a
    ``pytorch_model.bin`` on the hub, which Strop loads only with --allow-pickle)."""

    id: str
    languages: tuple[str, ...]
    parameters: int
    download_mb: int
    licence: str
    layers: int
    hidden_size: int
    weights: str
    tasks: tuple[str, ...] = (TEXT, TOKENS)
    aliases: tuple[str, ...] = ()
    note: str = ""

    @property
    def speed(self) -> str:
        """``fast``/``medium``/``slow`` on a CPU, from the encoder's work per token
        (layers x hidden size squared) against BERT-base's: vocabulary size, which makes
        multilingual models big on disk, costs almost no time."""
        ratio = self.layers * self.hidden_size**2 / _BERT_BASE_COMPUTE
        return "fast" if ratio <= 0.3 else "medium" if ratio <= 0.6 else "slow"


CATALOGUE: tuple[CatalogueEntry, ...] = (
    # ----- English
    CatalogueEntry(
        "sentence-transformers/all-MiniLM-L6-v2", ("en",), 22_713_216, 91, "apache-2.0",
        6, 384, "safetensors",
        note="Strop's starter model, installed with Strop.",
    ),
    CatalogueEntry(
        "distilbert/distilroberta-base", ("en",), 82_118_400, 331, "apache-2.0",
        6, 768, "safetensors", aliases=("distilroberta-base",),
    ),
    CatalogueEntry(
        "microsoft/deberta-v3-small", ("en",), 141_304_320, 286, "mit", 6, 768, "pickle",
        note="44M encoder + 98M embedding parameters; tokenizer is spm.model (SentencePiece).",
    ),
    CatalogueEntry(
        "google-bert/bert-base-uncased", ("en",), 109_482_240, 440, "apache-2.0",
        12, 768, "safetensors", aliases=("bert-base-uncased",),
    ),
    # ----- Chinese
    CatalogueEntry(
        "hfl/rbt3", ("zh",), 38_476_800, 155, "apache-2.0", 3, 768, "pickle",
        note="3-layer RoBERTa-wwm-ext (BERT architecture).",
    ),
    CatalogueEntry(
        "hfl/chinese-roberta-wwm-ext", ("zh",), 102_267_648, 412, "apache-2.0",
        12, 768, "pickle", note="RoBERTa-style pre-training in a BERT architecture.",
    ),
    CatalogueEntry(
        "google-bert/bert-base-chinese", ("zh",), 102_267_648, 412, "apache-2.0",
        12, 768, "safetensors", aliases=("bert-base-chinese",),
    ),
    # ----- multilingual
    CatalogueEntry(
        "microsoft/Multilingual-MiniLM-L12-H384", (MULTILINGUAL,), 117_653_760, 471, "mit",
        12, 384, "pickle",
        note="21M encoder + 96M embedding parameters; BERT config with the XLM-R tokenizer.",
    ),
    CatalogueEntry(
        "distilbert/distilbert-base-multilingual-cased", (MULTILINGUAL,), 134_734_080, 542,
        "apache-2.0", 6, 768, "safetensors",
        aliases=("distilbert-base-multilingual-cased",), note="104 languages.",
    ),
    CatalogueEntry(
        "FacebookAI/xlm-roberta-base", (MULTILINGUAL,), 278_043_648, 1115, "mit",
        12, 768, "safetensors", aliases=("xlm-roberta-base",), note="100 languages.",
    ),
)  # fmt: skip

STARTER_ID = "sentence-transformers/all-MiniLM-L6-v2"
_SPEED_ORDER = {"fast": 0, "medium": 1, "slow": 2}


def find_entry(spec: str) -> CatalogueEntry | None:
    """The entry for a hub id, an alias, or ``starter``."""
    spec = STARTER_ID if spec == STARTER_MODEL else spec
    return next((e for e in CATALOGUE if spec == e.id or spec in e.aliases), None)


def local_path(entry: CatalogueEntry) -> Path | None:
    """Where the model is on this computer: the starter's package, the Hugging Face
    cache (under its id or an alias) or Strop's model folder; ``None`` if nowhere."""
    from engine.model_import import local_model_path
    from engine.models import cached_snapshot, starter_model_path

    if entry.id == STARTER_ID:
        return starter_model_path()
    for name in (entry.id, *entry.aliases):
        path = cached_snapshot(name) or local_model_path(name)
        if path is not None:
            return path
    # imported from a folder named after the repo (huggingface-cli download --local-dir rbt3)
    return local_model_path(entry.id.rsplit("/", 1)[-1])


def rank_key(entry: CatalogueEntry, language: str | None) -> tuple[int, int, int, str]:
    """Models for ``language`` first, then multilingual ones, then the rest; within each,
    faster then smaller first (a first run should finish while the user watches)."""
    if language is None or language in entry.languages:
        group = 0
    elif MULTILINGUAL in entry.languages:
        group = 1
    else:
        group = 2
    return (group, _SPEED_ORDER[entry.speed], entry.parameters, entry.id)


def list_models(language: str | None = None) -> list[dict[str, Any]]:
    """The catalogue ranked for ``language`` (ISO 639-1, e.g. from
    ``engine.language.detect_language``), each row saying whether it is on this computer."""
    language = language.strip().lower() if language else None
    rows = []
    for entry in sorted(CATALOGUE, key=lambda e: rank_key(e, language)):
        path = local_path(entry)
        rows.append(
            {
                "id": entry.id,
                "languages": list(entry.languages),
                "parameters": entry.parameters,
                "download_mb": entry.download_mb,
                "licence": entry.licence,
                "speed": entry.speed,
                "on_this_computer": path is not None,
                "path": str(path) if path else None,
                "starter": entry.id == STARTER_ID,
                "weights": entry.weights,
                "tasks": list(entry.tasks),
                "reads_language": language is None
                or language in entry.languages
                or MULTILINGUAL in entry.languages,
                "note": entry.note,
            }
        )
    return rows


def recommended(language: str | None, *, on_this_computer: bool = False) -> dict[str, Any] | None:
    """The first model that reads ``language`` (only those already here, if asked)."""
    for row in list_models(language):
        if row["reads_language"] and (row["on_this_computer"] or not on_this_computer):
            return row
    return None
