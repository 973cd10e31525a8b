"""Text classification: a label per text (``AutoModelForSequenceClassification``).

The first implementation of ``Task``; the pieces it assembles live in their own modules:
reading tables (``engine.data``), the report (``engine.report``), models and strategies
(``engine.models``), metrics (``engine.metrics``) and prediction (``engine.predict``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.tasks import register
from engine.tasks.base import Task, TaskData

#: Suffixes read as tables (``engine.data.SUFFIX_FORMATS``); ``.txt`` reads as CSV.
_TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".json", ".jsonl", ".ndjson", ".parquet", ".pq")


class TextClassification(Task):
    name = "text-classification"
    title = "Text classification"
    main_metric = "macro_f1"
    metrics_shown = ("macro_f1", "accuracy")
    auto_model = "AutoModelForSequenceClassification"
    architecture_suffixes = ("ForSequenceClassification",)

    def detect(self, path: Path) -> float:
        if path.is_dir():
            # a folder saved by ``datasets`` (save_to_disk): its own format, read as a table
            markers = ("dataset_info.json", "state.json", "dataset_dict.json")
            return 0.8 if any((path / m).is_file() for m in markers) else 0.0
        suffix = path.suffix.lower()
        if suffix in _TABLE_SUFFIXES:
            return 0.5
        if suffix == ".txt":
            return 0.4  # a CSV with another name, unless a task recognises its content
        return 0.0

    def load_data(self, config: Any) -> TaskData:
        from engine.data import prepare_data

        prepared = prepare_data(
            config.data,
            validation=config.validation,
            text_column=config.text_column,
            label_column=config.label_column,
            validation_split=config.validation_split,
            seed=config.seed,
        )
        return TaskData(
            train=prepared.train,
            validation=prepared.validation,
            labels=prepared.labels,
            source=prepared.source,
            validation_source=prepared.validation_source,
            columns={
                "text_column": prepared.text_column,
                "label_column": prepared.label_column,
            },
            issues=prepared.issues,
            num_train=prepared.train.num_rows,
            num_validation=prepared.validation.num_rows,
            extra=prepared,
        )

    def load_processor(self, source: Any, config: Any) -> Any:
        from engine.models import load_tokenizer

        return load_tokenizer(source, trust_remote_code=config.trust_remote_code)

    def report(self, data: TaskData, processor: Any, config: Any, info: Any) -> Any:
        from engine.models import model_max_length
        from engine.report import compute_report

        return compute_report(
            data.extra,
            processor,
            max_length=config.max_length,
            model_max_length=model_max_length(processor, info),
            model_name=info.name,
            seed=config.seed,
        )

    def encode(self, data: TaskData, processor: Any, config: Any) -> tuple[Any, Any]:
        from engine.data import LABEL, TEXT, clip_texts

        max_length = config.max_length or 128

        def encode(batch: dict[str, list[Any]]) -> dict[str, Any]:
            texts = clip_texts(batch[TEXT], max_length)
            out = processor(texts, truncation=True, max_length=max_length)
            out["length"] = [len(ids) for ids in out["input_ids"]]
            out["labels"] = batch[LABEL]
            return out

        # 256 texts per tokenizer call: each call holds the GIL (2,000 texts: ~0.2 s in which
        # the window could not repaint); the speed is the same.
        kwargs = {"batched": True, "batch_size": 256, "remove_columns": [TEXT, LABEL]}
        train = data.train.map(encode, **kwargs, desc="Tokenising training data")
        val = data.validation.map(encode, **kwargs, desc="Tokenising validation data")
        # Validation sorted by length: evaluation batches of about one length carry little
        # padding (the order changes no metric).
        return train, val.sort("length")

    def build_model(self, source: Any, labels: Any, config: Any) -> Any:
        from engine.models import build_classifier

        return build_classifier(
            source,
            labels,
            allow_pickle=config.allow_pickle,
            trust_remote_code=config.trust_remote_code,
        )

    def collator(self, processor: Any, device: str) -> Any:
        from transformers import DataCollatorWithPadding

        return DataCollatorWithPadding(
            processor, pad_to_multiple_of=8 if device == "cuda" else None
        )

    def eval_metrics(self, labels: Any) -> Callable[[Any], dict[str, float]]:
        import numpy as np

        from engine.metrics import quick_metrics

        num_labels = len(labels)

        def compute(pred: Any) -> dict[str, float]:
            logits = pred.predictions
            logits = logits[0] if isinstance(logits, tuple) else logits
            return quick_metrics(pred.label_ids, np.argmax(logits, axis=-1), num_labels)

        return compute

    def final_metrics(self, output: Any, data: TaskData) -> dict[str, Any]:
        import numpy as np

        from engine.metrics import classification_metrics

        logits = output.predictions
        logits = logits[0] if isinstance(logits, tuple) else logits
        return classification_metrics(
            output.label_ids, np.argmax(logits, axis=-1), data.labels.labels
        )

    def model_meta(self, data: TaskData, config: Any) -> dict[str, Any]:
        return {
            "max_length": config.max_length,
            "text_column": data.columns.get("text_column"),
            "label_column": data.columns.get("label_column"),
        }

    def load_predictor(self, model_dir: Path, **options: Any) -> Any:
        from engine.predict import Predictor

        return Predictor(model_dir, **options)

    def evaluate(self, model_dir: Path, data: str, **options: Any) -> dict[str, Any]:
        from engine.predict import evaluate

        return evaluate(model_dir, data, **options)


register(TextClassification())
