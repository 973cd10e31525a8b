"""Text classification: a label per text (``AutoModelForSequenceClassification``).

The first implementation of ``Task``; the pieces it assembles live in their own modules:
reading tables (``engine.data``), the report (``engine.report``), models and strategies
(``engine.models``), metrics (``engine.metrics``) and prediction (``engine.predict``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.tasks import register
from engine.tasks.base import FinalEvaluation, LabelPerExample, TaskData

#: Suffixes read as tables (``engine.data.SUFFIX_FORMATS``); ``.txt`` reads as CSV.
_TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".json", ".jsonl", ".ndjson", ".parquet", ".pq")


class TextClassification(LabelPerExample):
    name = "text-classification"
    title = "Text classification"
    auto_model = "AutoModelForSequenceClassification"
    architecture_suffixes = ("ForSequenceClassification",)
    #: Evaluations during training read a capped stratified sample of the validation rows
    #: (``engine.training.evaluation_sample``); the kept model is scored on all of them.
    sampled_evaluations = True
    #: Under ``full`` the word-embedding table stays frozen unless the run trains it
    #: (``engine.training.apply_run_strategy``).
    freezes_word_embeddings = True
    #: A default run on a small dataset trains more epochs, up to this many updates
    #: (``engine.training.with_data_epochs``): at 1,000 banking77 rows the default 2 epochs
    #: make 56 updates and the model was still learning fast (0.40 test accuracy; 75
    #: updates: 0.58). bench/RESULTS.md section 10.
    minimum_updates = 64

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
        val = val.add_column("row", list(range(len(val))))
        # Validation sorted by length: evaluation batches of about one length carry little
        # padding (the order changes no metric).
        from engine.data import sorted_by_length

        return train, sorted_by_length(val)

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

    def baseline(self, data: TaskData, seed: int) -> dict[str, Any] | None:
        from engine.baseline import fit_baseline
        from engine.data import LABEL, TEXT

        train, val = data.train[:], data.validation[:]
        # cut like the report's statistics: what a bag of words needs is in the first pages
        train_texts = [t[:BASELINE_CHARS] for t in train[TEXT]]
        val_texts = [t[:BASELINE_CHARS] for t in val[TEXT]]
        result = fit_baseline(
            train_texts, train[LABEL], val_texts, val[LABEL], n_classes=len(data.labels), seed=seed
        )
        return result.to_dict()

    def after_training(self, final: FinalEvaluation) -> None:
        """Calibration (a temperature fitted on half the validation set, its effect measured
        on the other half) and every validation prediction, for the error-analysis views."""
        from engine.data import TEXT
        from engine.metrics import calibrated_predictions
        from engine.run_folder import RunFolder

        # the encoded validation set is sorted by length; its "row" column says where each
        # example stands in the validation split
        rows = final.encoded_validation["row"]
        texts = final.data.validation[:][TEXT]
        labels = final.data.labels.labels
        calibration, records = calibrated_predictions(final.output, labels, texts, "text", rows)
        final.metrics["calibration"] = calibration
        RunFolder(final.run_dir).write_validation_predictions(records)

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

    # ----- export ------------------------------------------------------------------------
    predict_script = "predict_text_classification.py"

    def export_onnx(self, model_dir: Path, out: Path, run: Any) -> Any:
        from engine.export import data_texts
        from engine.onnx_export import export_saved_text_model

        texts = [*PROBE_TEXTS, *data_texts(run)]
        return export_saved_text_model(model_dir, out, self.auto_model, texts)

    def card_sections(self, run: Any, labels: list[str], onnx: Any) -> dict[str, Any]:
        return _card_sections(run, labels, onnx)


#: Characters of each text the baseline reads (a 50 MB text would take a minute otherwise).
BASELINE_CHARS = 20_000

# Texts the ONNX check always runs, besides up to 32 from the run's own data: short, long,
# non-ASCII and empty, in batches, so padding and truncation are exercised.
PROBE_TEXTS = (
    "",
    "ok",
    "This is absolutely wonderful, I loved every minute of it.",
    "Terrible. It broke after two days and support never answered.",
    "The delivery was on time but the food was cold and the portions were small.",
    "Qualité médiocre, je ne recommande pas.",
    "服务很好，送餐也很快。",
    "not bad at all " * 40,
)


def _card_sections(run: Any, labels: list[str], onnx: Any) -> dict[str, Any]:
    """The model card's text-classification parts."""

    from engine.export import (
        base_model_name,
        calibration_note,
        cell,
        class_summary,
        data_name,
        label_evaluation,
        onnx_tokenizer_usage,
        validation_origin,
    )
    from engine.onnx_export import ONNX_FILE

    meta, metrics, report = run.meta, run.metrics, run.report
    base, hub = base_model_name(run)
    name = data_name(run)
    summary = class_summary(labels, "texts", base, hub, name, run)
    max_len = f", max_length={meta['max_length']}" if meta.get("max_length") else ""
    usage = [
        "```bash",
        'python predict.py "first text" "second text"',
        "```",
        "",
        "prints one JSON line per text with the top label and a probability for every class. "
        "In Python (needs `transformers` and `torch`):",
        "",
        "```python",
        "from transformers import pipeline",
        "",
        'classify = pipeline("text-classification", model="path/to/this/folder", top_k=None)',
        f'print(classify(["first text"], truncation=True{max_len}))',
        "```",
    ]
    if onnx.path is not None:
        usage += [
            "",
            f"`{ONNX_FILE}` is the same classifier for ONNX Runtime (no PyTorch needed); it "
            "takes the tokenizer's outputs and returns `logits` (apply a softmax for "
            "probabilities):",
            "",
            *onnx_tokenizer_usage(
                'tokenizer(["first text"], truncation=True, padding=True, return_tensors="np")'
            ),
        ]
    data: list[str] = []
    if report:
        held = validation_origin(report, "a stratified split held out from the same file") + "."
        data.append(
            f"`{name}`: {report.get('train_rows', 0):,} training rows and "
            f"{report.get('validation_rows', 0):,} validation rows {held} Text column "
            f"`{report.get('text_column')}`, label column `{report.get('label_column')}`."
        )
        data += ["", "| class | training rows | validation rows |", "|---|---:|---:|"]
        train_counts = report.get("train_counts") or {}
        val_counts = report.get("validation_counts") or {}
        for label in labels:
            data.append(
                f"| {cell(label)} | {train_counts.get(label, 0):,} | {val_counts.get(label, 0):,} |"
            )
        p = report.get("token_percentiles") or {}
        data += [
            "",
            f"Tokens per text: median {p.get('p50', '?')}, 95th percentile {p.get('p95', '?')}, "
            f"longest {p.get('max', '?')}. Maximum length {report.get('max_length', '?')} tokens "
            f"(cuts {report.get('truncated_share', 0):.1%} of texts). Unknown-token share "
            f"{report.get('unk_share', 0):.1%}.",
        ]
        notes = [w for w in report.get("warnings") or [] if w.get("level") != "info"]
        if notes:
            data += ["", "The dataset report noted:", ""]
            data += [f"- {w.get('message', '')}" for w in notes]
    else:
        data.append(f"`{name}` (the run has no dataset report).")
    evaluation: list[str] = []
    usage += calibration_note(metrics)
    if metrics:
        evaluation += label_evaluation(metrics, labels, "texts")
    limits = [
        f"Intended for sorting texts like those in `{name}` into the classes above. It always "
        "answers with one of these classes, even for a text that fits none of them; a low top "
        "probability is a sign of such a text."
    ]
    if report.get("validation_source"):
        limits.append(
            "The figures come from a separate validation file; texts from other sources, "
            "periods or writers may be classified less well."
        )
    else:
        limits.append(
            "The figures come from validation rows held out from the training file itself, "
            "so they are likely optimistic for texts from other sources, periods or writers. "
            "Check it on data of your own before relying on it."
        )
    if metrics.get("num_examples") and metrics["num_examples"] < 200:
        limits.append(
            f"Only {metrics['num_examples']} validation texts: the figures above are rough."
        )
    if report.get("rare_classes"):
        rare = ", ".join(f"`{c}`" for c in report["rare_classes"][:10])
        limits.append(f"Classes with very few training examples ({rare}) are unreliable.")
    if (report.get("unk_share") or 0) > 0.05:
        limits.append(
            f"The base model's vocabulary did not cover {report['unk_share']:.0%} of the "
            "training tokens (likely another language or script); accuracy on such text is limited."
        )
    if (report.get("truncated_share") or 0) > 0:
        limits.append(
            f"Texts longer than {report.get('max_length')} tokens are cut; only their "
            "beginning is read."
        )
    return {
        "summary": summary,
        "usage": "\n".join(usage),
        "data": "\n".join(data),
        "evaluation": "\n".join(evaluation),
        "limits": limits,
        "predict_help": "predictions for texts given on the command line (or one per line on stdin)",
    }


register(TextClassification())
