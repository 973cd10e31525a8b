"""Labelled text for classification: the text and label columns, the labels, the cleaned
and split training and validation sets.

Files are read by ``engine.tables`` (re-exported here): every table goes through the
``datasets`` library, so it is memory-mapped Arrow on disk and never a Python list, whatever
its size. CSV and TSV columns are read as strings (labels such as ``007`` keep their form).

Rows are counted from 1 at the first data row (the header is not a row), as a spreadsheet
shows them below its header.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import DatasetError
from engine.findings import fill
from engine.tables import (  # noqa: F401 - re-exported: the readers are part of "the data"
    FILE_FILTER,
    QUICK_CHECK_BYTES,
    SUFFIX_FORMATS,
    FileFacts,
    _cell,
    _load_saved,
    check_file,
    detect_encoding,
    file_format,
    load_table,
    read_preview,
    saved_validation_split,
    sniff_delimiter,
)

if TYPE_CHECKING:  # pragma: no cover
    import datasets

TEXT = "text"
LABEL = "label"

_TEXT_NAMES = (
    "text", "sentence", "sentences", "content", "review", "message", "body", "comment",
    "question", "utterance", "document", "doc", "tweet", "query", "input", "title", "sms",
    "description", "abstract", "prompt", "x",
)  # fmt: skip
_LABEL_NAMES = (
    "label", "labels", "class", "category", "categories", "target", "sentiment", "intent",
    "y", "tag", "topic", "polarity", "rating", "stars", "score", "class_label", "output",
)  # fmt: skip
RARE_CLASS_THRESHOLD = 5
#: No tokenizer turns fewer than ``max_length`` x this many characters into fewer than
#: ``max_length`` tokens, short of pathological text (a wordpiece word over 100 characters
#: is one [UNK]): cutting texts there first changes nothing the model sees, and spares a
#: 50 MB text a minute of tokenising.
CHARS_PER_TOKEN_BOUND = 100


def clip_texts(texts: Sequence[Any], max_length: int) -> list[str]:
    """Texts cut to what ``max_length`` tokens can hold, so tokenising stays cheap."""
    limit = max(1, max_length) * CHARS_PER_TOKEN_BOUND
    return ["" if t is None else t[:limit] if len(t) > limit else t for t in texts]


# --------------------------------------------------------------------------------------
# Columns and labels
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColumnGuess:
    text: str
    label: str


def detect_columns(ds: datasets.Dataset, *, source: str = "") -> ColumnGuess:
    """Guess the text and label columns: by name first, then by content."""
    names = list(ds.column_names)
    where = f"{source}: " if source else ""
    if len(names) < 2:
        raise DatasetError(
            f"{where}found only one column ({names[0]!r}); a text column and a label column are needed."
            if names
            else f"{where}no columns found.",
            hint="Add a header row such as 'text,label'.",
        )
    lower = {n.strip().lower(): n for n in names}
    text = next((lower[n] for n in _TEXT_NAMES if n in lower), None)
    label = next((lower[n] for n in _LABEL_NAMES if n in lower and lower[n] != text), None)
    if text and label:
        return ColumnGuess(text, label)

    sample = ds.select(range(min(ds.num_rows, 1000)))
    stats: dict[str, tuple[float, int]] = {}
    numeric: dict[str, bool] = {}
    for name in names:
        values = [_cell(v) for v in sample[name]]
        mean_len = sum(len(v) for v in values) / max(1, len(values))
        stats[name] = (mean_len, len(set(values)))
        numeric[name] = all(_is_number(v) for v in values if v.strip())
    if text is None:
        candidates = [n for n in names if n != label]
        text = max(candidates, key=lambda n: (not numeric[n], stats[n][0]))
        if numeric[text]:
            shown = ", ".join(repr(n) for n in names)
            raise DatasetError(
                f"{where}no column holds text: every column holds numbers ({shown}).",
                hint="Name the text column (--text-column), or add one, with a header such as 'text,label'.",
            )
    if label is None:
        candidates = [n for n in names if n != text]
        label = min(candidates, key=lambda n: (stats[n][1] < 2, stats[n][1]))
    return ColumnGuess(text, label)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _natural_key(label: str) -> tuple[int, float | str]:
    try:
        return (0, float(label))
    except ValueError:
        return (1, label)


@dataclass(frozen=True)
class LabelMap:
    """A stable mapping between label names and ids (sorted: numbers numerically, then text)."""

    labels: tuple[str, ...]

    @classmethod
    def from_values(cls, values: Sequence[str]) -> LabelMap:
        return cls(tuple(sorted(set(values), key=_natural_key)))

    @property
    def label2id(self) -> dict[str, int]:
        return {label: i for i, label in enumerate(self.labels)}

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.labels))

    def __len__(self) -> int:
        return len(self.labels)


def label_to_str(value: Any) -> str:
    """Labels are compared as strings: ``1``, ``1.0`` and ``"1"`` are the same label."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------------------
# Preparing train and validation
# --------------------------------------------------------------------------------------
@dataclass
class DataIssue:
    """Something about the data worth a warning (rows dropped, a column guessed...).

    ``message`` is English for the command line; ``params`` holds every value it names, so
    the window translates the issue by ``code`` (``ISSUE_MESSAGES``) without parsing it.
    """

    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **params: Any) -> DataIssue:
        """The issue ``code`` with its English message filled from ``params``."""
        return cls(code, fill(ISSUE_MESSAGES[code], params), params)


#: The English sentence of each ``DataIssue`` code (gui/i18n.py holds the same templates for
#: translation; a test checks that the two agree).
ISSUE_MESSAGES = {
    "columns_detected": "Using column {text!r} as the text and {label!r} as the label.",
    "empty_texts": "Skipped {n} row(s) with an empty or blank text (first at row {first_row}).",
    "missing_labels": "Skipped {n} row(s) with no label (rows {rows}...).",
    "validation_skipped": "Skipped {n} unusable row(s) in the validation file.",
    "singleton_classes": (
        "{n} class(es) have a single training example ({names}): the model can hardly learn them."
    ),
}


@dataclass
class PreparedData:
    """Training and validation sets with two columns: ``text`` (str) and ``label`` (int id)."""

    train: datasets.Dataset
    validation: datasets.Dataset
    labels: LabelMap
    text_column: str
    label_column: str
    source: str
    validation_source: str | None
    issues: list[DataIssue] = field(default_factory=list)
    dropped_empty_text: int = 0
    dropped_missing_label: int = 0


def _clean(
    ds: datasets.Dataset, text_col: str, label_col: str, path: str
) -> tuple[datasets.Dataset, int, int, list[int]]:
    """Select the two columns as ``text``/``label`` strings; drop empty texts and missing labels."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for col in (text_col, label_col):
        if col not in ds.column_names:
            raise DatasetError(
                f"{path}: no column named {col!r}.",
                hint=f"Columns found: {', '.join(repr(c) for c in ds.column_names)}.",
            )
    if text_col == label_col:
        raise DatasetError(
            f"{path}: the text and label columns must differ (both are {text_col!r})."
        )
    ds = ds.select_columns([text_col, label_col])
    table = ds.data.table if hasattr(ds.data, "table") else ds.data
    if ds._indices is not None:  # noqa: SLF001 - a selected view: materialise the two columns
        table = ds.with_format("arrow")[:]
    text = table.column(text_col)
    label = table.column(label_col)
    text = _as_strings(text)
    label_strings = pc.utf8_trim_whitespace(pc.fill_null(_as_strings(label), ""))
    text = pc.fill_null(text, "")
    empty_text = pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(text)), 0)
    missing_label = pc.equal(pc.utf8_length(label_strings), 0)
    n_empty = pc.sum(empty_text).as_py() or 0
    n_missing = pc.sum(pc.and_(missing_label, pc.invert(empty_text))).as_py() or 0
    bad = pc.or_(empty_text, missing_label)
    first_bad: list[int] = []
    if n_empty or n_missing:
        idx = pc.indices_nonzero(bad).to_pylist()[:5]
        first_bad = [i + 1 for i in idx]
    keep = pc.invert(bad)

    out = pa.table({TEXT: text, LABEL: label_strings}).filter(keep)
    clean = _in_memory(out)
    return clean, int(n_empty), int(n_missing), first_bad


def _in_memory(table: Any) -> datasets.Dataset:
    """A ``Dataset`` over an Arrow table in memory, with a random fingerprint: left to
    ``datasets``, the fingerprint hashes every row (seconds per million rows, each time)."""
    import datasets
    from datasets.fingerprint import generate_random_fingerprint

    return datasets.Dataset(table, fingerprint=generate_random_fingerprint())


def _arrow(ds: datasets.Dataset) -> Any:
    """The Arrow table behind a dataset that has no indices mapping."""
    return ds.data.table if hasattr(ds.data, "table") else ds.data


def _as_strings(arr: Any) -> Any:
    """A column as Arrow strings, vectorised where Arrow can cast it (never a Python list
    for the usual string, integer or boolean columns)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return arr
    if pa.types.is_integer(t):
        return pc.cast(arr, pa.string())
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "true", "false")
    if pa.types.is_floating(t):
        # 1.0 -> "1", like label_to_str
        return pa.chunked_array(
            [[None if v is None else label_to_str(v) for v in arr.to_pylist()]], type=pa.string()
        )
    return pa.chunked_array(
        [[None if v is None else _cell(v) for v in arr.to_pylist()]], type=pa.string()
    )


def stratified_split(
    label_ids: Sequence[int], fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    """Indices for train and validation, stratified by label; every class keeps at least one
    training example, and classes with two or more examples get at least one in validation."""
    train, val = _stratified_indices(label_ids, fraction, seed)
    return train.tolist(), val.tolist()


def _stratified_indices(label_ids: Any, fraction: float, seed: int) -> tuple[Any, Any]:
    """``stratified_split`` as two sorted numpy arrays."""
    import numpy as np

    ids = np.asarray(label_ids)
    rng = np.random.default_rng(seed)
    train_idx: list[np.ndarray] = []
    val_idx: list[np.ndarray] = []
    for label in np.unique(ids):
        members = np.flatnonzero(ids == label)
        rng.shuffle(members)
        n = len(members)
        n_val = 0 if n < 2 else min(n - 1, max(1, int(round(n * fraction))))
        val_idx.append(members[:n_val])
        train_idx.append(members[n_val:])
    train = np.sort(np.concatenate(train_idx)) if train_idx else np.array([], dtype=int)
    val = np.sort(np.concatenate(val_idx)) if val_idx else np.array([], dtype=int)
    return train, val


def prepare_data(
    data: str,
    *,
    validation: str | None = None,
    text_column: str | None = None,
    label_column: str | None = None,
    validation_split: float = 0.1,
    seed: int = 42,
) -> PreparedData:
    """Load, check and split the data for classification. Raises ``DatasetError``."""

    raw = load_table(data)
    issues: list[DataIssue] = []
    guess = None
    if text_column is None or label_column is None:
        guess = detect_columns(raw, source=str(data))
    text_col = text_column or guess.text  # type: ignore[union-attr]
    label_col = label_column or guess.label  # type: ignore[union-attr]
    if guess is not None:
        issues.append(DataIssue.of("columns_detected", text=text_col, label=label_col))
    train, n_empty, n_missing, first_bad = _clean(raw, text_col, label_col, str(data))
    if n_empty:
        issues.append(DataIssue.of("empty_texts", n=n_empty, first_row=first_bad[0]))
    if n_missing:
        issues.append(DataIssue.of("missing_labels", n=n_missing, rows=list(first_bad)))
    if train.num_rows == 0:
        raise DatasetError(f"{data}: no usable rows: every row has an empty text or no label.")

    labels = LabelMap.from_values(train.unique(LABEL))
    if len(labels) < 2:
        raise DatasetError(
            f"{data}: column {label_col!r} has only one class ({labels.labels[0]!r}).",
            hint="A classifier needs at least two different labels.",
        )
    if len(labels) == train.num_rows >= 10:
        raise DatasetError(
            f"{data}: column {label_col!r} has a different value in every row, so it is not a label "
            "column (a label names a class that many rows share).",
            hint="Name the label column (--label-column), or add one, with a header such as 'text,label'.",
        )
    val_source = validation
    if validation is None:
        split_name = saved_validation_split(data)
        if split_name is not None:
            val_raw = _load_saved(Path(data), split_name)
            val_source = f"{data} [{split_name}]"
        else:
            val_raw = None
    else:
        val_raw = load_table(validation, split_hint="validation")

    def to_ids(ds: datasets.Dataset) -> datasets.Dataset:
        import pyarrow as pa
        import pyarrow.compute as pc

        table = ds.data.table if hasattr(ds.data, "table") else ds.data
        ids = pc.cast(
            pc.index_in(table.column(LABEL), value_set=pa.array(labels.labels)), pa.int64()
        )
        return _in_memory(pa.table({TEXT: table.column(TEXT), LABEL: ids}))

    if val_raw is not None:
        vsrc = str(val_source)
        val, v_empty, v_missing, _ = _clean(val_raw, text_col, label_col, vsrc)
        unknown = sorted(set(val.unique(LABEL)) - set(labels.labels), key=_natural_key)
        if unknown:
            shown = ", ".join(repr(u) for u in unknown[:5])
            raise DatasetError(
                f"{vsrc}: column {label_col!r} has label(s) not in the training data: {shown}.",
                hint="Every validation label must also appear in the training file.",
            )
        if val.num_rows == 0:
            raise DatasetError(f"{vsrc}: the validation file has no usable rows.")
        if v_empty or v_missing:
            issues.append(DataIssue.of("validation_skipped", n=v_empty + v_missing))
        train_ds, val_ds = to_ids(train), to_ids(val)
    else:
        # Arrow and numpy throughout: a million rows split in well under a second.
        full = _arrow(to_ids(train))
        tr_idx, va_idx = _stratified_indices(full.column(LABEL).to_numpy(), validation_split, seed)
        if not len(va_idx):
            raise DatasetError(
                f"{data}: too few rows to hold some out for validation.",
                hint="Add more rows or give a validation file.",
            )
        train_ds = _in_memory(full.take(tr_idx))
        val_ds = _in_memory(full.take(va_idx))

    import pyarrow.compute as pc

    counts = pc.value_counts(_arrow(train_ds).column(LABEL)).to_pylist()
    if counts:
        singletons = [labels.labels[c["values"]] for c in counts if c["counts"] < 2]
        if singletons:
            issues.append(
                DataIssue.of("singleton_classes", n=len(singletons), names=list(singletons))
            )
    return PreparedData(
        train=train_ds,
        validation=val_ds,
        labels=labels,
        text_column=text_col,
        label_column=label_col,
        source=str(data),
        validation_source=str(val_source) if val_source else None,
        issues=issues,
        dropped_empty_text=n_empty,
        dropped_missing_label=n_missing,
    )


def read_texts(
    path: str | os.PathLike[str], text_column: str | None = None
) -> tuple[datasets.Dataset, str]:
    """A table of texts to predict, and its text column (detected if not given)."""
    ds = load_table(path)
    if text_column is None:
        if len(ds.column_names) == 1:
            text_column = ds.column_names[0]
        else:
            lower = {n.strip().lower(): n for n in ds.column_names}
            text_column = next((lower[n] for n in _TEXT_NAMES if n in lower), None)
            if text_column is None:
                text_column = detect_columns(ds, source=str(path)).text
    if text_column not in ds.column_names:
        raise DatasetError(
            f"{path}: no column named {text_column!r}.",
            hint=f"Columns found: {', '.join(ds.column_names)}.",
        )
    return ds, text_column


def sorted_by_length(dataset: Any) -> Any:
    """``dataset.sort("length")``, without the deprecation warning pyarrow 25 gives for the
    way ``datasets`` asks it to sort (printed on every run's terminal, nothing to act on)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Specifying null_placement", category=FutureWarning
        )
        return dataset.sort("length")


__all__ = [
    "FILE_FILTER",
    "LABEL",
    "TEXT",
    "ColumnGuess",
    "DataIssue",
    "FileFacts",
    "check_file",
    "LabelMap",
    "PreparedData",
    "clip_texts",
    "detect_columns",
    "detect_encoding",
    "load_table",
    "prepare_data",
    "read_preview",
    "read_texts",
    "sorted_by_length",
    "stratified_split",
]
