"""The dataset report: computed once per (data, tokenizer, max length), shown by the window
and printed by the CLI.

Token statistics come from a seeded sample of at most ``SAMPLE`` texts, so the report of a
million-row file takes seconds; counts (rows, classes, duplicates) use every row, in Arrow.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from engine.data import LABEL, RARE_CLASS_THRESHOLD, TEXT, PreparedData
from engine.findings import CodedFinding, fill
from engine.models import SUGGESTED_MODELS

SAMPLE = 5000
MAX_CHARS = 20_000  # longer texts are cut before tokenising for statistics only
TOKENIZE_CHUNK = 256  # texts per tokenizer call (each call holds the GIL)


#: The English sentence of each report warning, by code (``vocabulary`` has a second form for
#: text that looks Chinese, Japanese or Korean). gui/i18n.py holds the same templates for
#: translation; a test checks that the two agree.
MESSAGES = {
    "vocabulary": (
        "{model} does not know {share:.0%} of this data's tokens (they become [UNK]): Choose a "
        "model that covers the language, such as {models}."
    ),
    "vocabulary_cjk": (
        "{model} does not know {share:.0%} of this data's tokens (they become [UNK]): the text "
        "looks Chinese, Japanese or Korean, and the model's vocabulary is English. Choose a "
        "model that covers the language, such as {models}."
    ),
    "imbalanced": (
        "The classes are imbalanced: {big!r} has {n_big:,} examples, {small!r} only "
        "{n_small:,}. Accuracy can look good while the small class is missed: watch macro F1."
    ),
    "rare_classes": (
        "{n} class(es) have fewer than {threshold} training examples ({names}): add examples, "
        "or expect them to be missed."
    ),
    "empty_texts": "{n:,} row(s) with an empty or blank text were skipped.",
    "missing_labels": "{n:,} row(s) without a label were skipped.",
    "duplicates": "{n:,} training row(s) repeat a text seen earlier.",
    "conflicting_labels": (
        "{n:,} text(s) appear with different labels: the model cannot get both right. "
        "Check those rows."
    ),
    "overlap": (
        "{n:,} validation text(s) also appear in the training data: validation scores will "
        "look better than they are."
    ),
    "truncation": (
        "The max length of {n} tokens cuts {share:.0%} of texts: raise it (slower) if their "
        "ends matter."
    ),
    "small": "Only {n} training rows: results will vary a lot from run to run.",
}


def message_key(code: str, params: dict[str, Any]) -> str:
    """Which template of ``code`` its parameters call for (``vocabulary_cjk`` for CJK text)."""
    return "vocabulary_cjk" if code == "vocabulary" and params.get("cjk") else code


@dataclass(frozen=True)
class Warning_(CodedFinding):
    """One finding in plain words. ``level`` is ``info``, ``warning`` or ``problem``.

    ``message`` is English (the command line prints it); ``params`` holds every value it
    names, so the window translates by ``code`` and ``params`` and never parses English.
    Reports saved before ``params`` existed load with ``{}`` (the window shows the message).
    """

    @classmethod
    def of(cls, code: str, level: str, **params: Any) -> Warning_:
        """The warning ``code`` with its English message filled from ``params``."""
        return cls(code, level, fill(MESSAGES[message_key(code, params)], params), params)


@dataclass
class DatasetReport:
    source: str
    validation_source: str | None
    text_column: str
    label_column: str
    train_rows: int
    validation_rows: int
    labels: list[str]
    train_counts: dict[str, int]
    validation_counts: dict[str, int]
    token_percentiles: dict[str, int]
    token_lengths_sample: list[int]
    max_length: int
    suggested_max_length: int
    truncated_share: float
    unk_share: float
    cjk_share: float
    empty_texts: int
    missing_labels: int
    duplicate_texts: int
    conflicting_duplicates: int
    train_validation_overlap: int
    rare_classes: list[str]
    warnings: list[Warning_] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetReport:
        data = dict(data)
        data["warnings"] = [Warning_(**w) for w in data.get("warnings", [])]
        return cls(**data)

    def format_text(self) -> str:
        """The report as a person reads it in a terminal."""
        lines = [
            f"Dataset: {self.source}",
            f"  text column {self.text_column!r}, label column {self.label_column!r}",
            f"  training rows {self.train_rows:,}, validation rows {self.validation_rows:,}"
            + (
                f" (from {self.validation_source})"
                if self.validation_source
                else " (held out, stratified)"
            ),
            f"  {len(self.labels)} classes:",
        ]
        width = max((len(label) for label in self.labels[:30]), default=5)
        for label in self.labels[:30]:
            lines.append(
                f"    {label:<{width}}  {self.train_counts.get(label, 0):>8,} train  {self.validation_counts.get(label, 0):>6,} val"
            )
        if len(self.labels) > 30:
            lines.append(f"    ... and {len(self.labels) - 30} more")
        p = self.token_percentiles
        lines.append(
            f"  tokens per text: median {p.get('p50', 0)}, 95th percentile {p.get('p95', 0)}, max {p.get('max', 0)}"
            f"; max length {self.max_length} cuts {self.truncated_share:.1%} of texts"
        )
        lines.append(f"  unknown-token share: {self.unk_share:.1%}")
        for w in self.warnings:
            lines.append(f"  [{w.level}] {w.message}")
        return "\n".join(lines)


def _percentile(sorted_values: list[int], q: float) -> int:
    if not sorted_values:
        return 0
    k = min(len(sorted_values) - 1, max(0, int(round(q / 100 * (len(sorted_values) - 1)))))
    return int(sorted_values[k])


def _counts(ds: Any, labels: list[str]) -> dict[str, int]:
    import pyarrow.compute as pc

    table = ds.data.table if hasattr(ds.data, "table") else ds.data
    vc = pc.value_counts(table.column(LABEL)).to_pylist()
    by_id = {int(item["values"]): int(item["counts"]) for item in vc}
    return {label: by_id.get(i, 0) for i, label in enumerate(labels)}


def _normalised(ds: Any) -> Any:
    import pyarrow.compute as pc

    table = ds.data.table if hasattr(ds.data, "table") else ds.data
    return pc.utf8_lower(pc.utf8_trim_whitespace(table.column(TEXT)))


def suggest_max_length(p95: int, p99: int, model_max: int) -> int:
    """Cover about 95% of texts (at least 32 tokens, never past the 99th percentile), rounded
    up to a multiple of 8, within the model's limit. The report says what share it cuts."""
    target = max(16, min(p99 + 2, max(p95 + 2, 32)))
    target = ((target + 7) // 8) * 8
    return int(min(model_max, target))


def compute_report(
    data: PreparedData,
    tokenizer: Any,
    *,
    max_length: int | None,
    model_max_length: int = 512,
    model_name: str = "the model",
    seed: int = 0,
) -> DatasetReport:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    labels = list(data.labels.labels)
    train_counts = _counts(data.train, labels)
    val_counts = _counts(data.validation, labels)

    # Token statistics on a seeded sample.
    n = data.train.num_rows
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(n, size=min(n, SAMPLE), replace=False)) if n > SAMPLE else np.arange(n)
    # [:] reads the sample as one Arrow slice (iterating the column reads row by row)
    texts = [t[:MAX_CHARS] for t in data.train.select(idx.tolist())[:][TEXT]]
    # In chunks: one tokenizer call holds the GIL throughout (5,000 texts: ~0.3 s in which
    # the window, whose thread this does not run in, could not repaint).
    enc = [
        ids
        for i in range(0, len(texts), TOKENIZE_CHUNK)
        for ids in tokenizer(
            texts[i : i + TOKENIZE_CHUNK], add_special_tokens=True, truncation=False, verbose=False
        )["input_ids"]
    ]
    lengths = sorted(len(ids) for ids in enc)
    pct = {f"p{q}": _percentile(lengths, q) for q in (50, 90, 95, 99)}
    pct["max"] = lengths[-1] if lengths else 0
    pct["mean"] = int(round(sum(lengths) / len(lengths))) if lengths else 0
    suggested = suggest_max_length(pct["p95"], pct["p99"], model_max_length)
    chosen = min(max_length or suggested, model_max_length)
    truncated = sum(1 for v in lengths if v > chosen) / max(1, len(lengths))
    special = set(getattr(tokenizer, "all_special_ids", []) or [])
    unk_id = getattr(tokenizer, "unk_token_id", None)
    total_tokens = unk = 0
    for ids in enc:
        for t in ids:
            if t in special and t != unk_id:
                continue
            total_tokens += 1
            if t == unk_id:
                unk += 1
    unk_share = unk / total_tokens if total_tokens else 0.0
    sample_text = "".join(texts[:2000])
    cjk = sum(
        1
        for ch in sample_text
        if "\u4e00" <= ch <= "\u9fff" or "\u3040" <= ch <= "\u30ff" or "\uac00" <= ch <= "\ud7af"
    )
    letters = sum(1 for ch in sample_text if ch.isalpha())
    cjk_share = cjk / letters if letters else 0.0

    # Duplicates and overlap on every row (Arrow group-by, no Python lists).
    norm = _normalised(data.train)
    train_table = pa.table(
        {
            "t": norm,
            "l": (
                data.train.data.table if hasattr(data.train.data, "table") else data.train.data
            ).column(LABEL),
        }
    )
    grouped = train_table.group_by("t").aggregate([("l", "count"), ("l", "count_distinct")])
    dup_rows = (
        pc.sum(pc.if_else(pc.greater(grouped["l_count"], 1), grouped["l_count"], 0)).as_py() or 0
    )
    dup_groups = pc.sum(pc.greater(grouped["l_count"], 1)).as_py() or 0
    duplicate_texts = int(dup_rows - dup_groups)  # rows that repeat an earlier text
    conflicting = int(pc.sum(pc.greater(grouped["l_count_distinct"], 1)).as_py() or 0)
    val_norm = _normalised(data.validation)
    overlap = int(pc.sum(pc.is_in(val_norm, value_set=grouped["t"])).as_py() or 0)

    rare = [label for label in labels if 0 < train_counts[label] < RARE_CLASS_THRESHOLD]
    warnings: list[Warning_] = []
    if unk_share > 0.05:
        cjk = cjk_share > 0.3
        warnings.append(
            Warning_.of(
                "vocabulary",
                "problem" if unk_share > 0.2 else "warning",
                model=model_name,
                share=float(unk_share),
                cjk=cjk,
                models=SUGGESTED_MODELS["zh" if cjk else "multilingual"],
            )
        )
    counts = [c for c in train_counts.values() if c > 0]
    if counts and max(counts) >= 5 * max(1, min(counts)):
        big = max(train_counts, key=lambda k: train_counts[k])
        small = min((k for k in train_counts if train_counts[k] > 0), key=lambda k: train_counts[k])
        warnings.append(
            Warning_.of(
                "imbalanced",
                "warning",
                big=big,
                n_big=train_counts[big],
                small=small,
                n_small=train_counts[small],
            )
        )
    if rare:
        warnings.append(
            Warning_.of(
                "rare_classes", "warning", n=len(rare), threshold=RARE_CLASS_THRESHOLD, names=rare
            )
        )
    if data.dropped_empty_text:
        warnings.append(Warning_.of("empty_texts", "info", n=int(data.dropped_empty_text)))
    if data.dropped_missing_label:
        warnings.append(Warning_.of("missing_labels", "info", n=int(data.dropped_missing_label)))
    if duplicate_texts:
        warnings.append(Warning_.of("duplicates", "info", n=duplicate_texts))
    if conflicting:
        warnings.append(Warning_.of("conflicting_labels", "warning", n=conflicting))
    if overlap:
        warnings.append(Warning_.of("overlap", "warning", n=overlap))
    if truncated > 0.05:
        warnings.append(Warning_.of("truncation", "warning", n=int(chosen), share=float(truncated)))
    if n < 50:
        warnings.append(Warning_.of("small", "warning", n=n))
    for issue in data.issues:
        if issue.code not in ("empty_texts", "missing_labels"):
            warnings.append(Warning_(issue.code, "info", issue.message, dict(issue.params)))

    return DatasetReport(
        source=data.source,
        validation_source=data.validation_source,
        text_column=data.text_column,
        label_column=data.label_column,
        train_rows=n,
        validation_rows=data.validation.num_rows,
        labels=labels,
        train_counts=train_counts,
        validation_counts=val_counts,
        token_percentiles=pct,
        token_lengths_sample=lengths if len(lengths) <= SAMPLE else lengths[:SAMPLE],
        max_length=int(chosen),
        suggested_max_length=int(suggested),
        truncated_share=float(truncated),
        unk_share=float(unk_share),
        cjk_share=float(cjk_share),
        empty_texts=int(data.dropped_empty_text),
        missing_labels=int(data.dropped_missing_label),
        duplicate_texts=duplicate_texts,
        conflicting_duplicates=conflicting,
        train_validation_overlap=overlap,
        rare_classes=rare,
        warnings=warnings,
    )
