"""Loading labelled text: files to Arrow-backed ``datasets.Dataset``, columns, labels, split.

Every table goes through the ``datasets`` library, so it is memory-mapped Arrow on disk and
never a Python list, whatever its size. CSV and TSV columns are read as strings (labels such
as ``007`` keep their form; mixed columns never fail half-way through a file).

Rows are counted from 1 at the first data row (the header is not a row), as a spreadsheet
shows them below its header.
"""

from __future__ import annotations

import codecs
import csv
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import DatasetError
from engine.findings import fill
from engine.imports import ensure_warm
from engine.paths import cache_dir

if TYPE_CHECKING:  # pragma: no cover
    import datasets

TEXT = "text"
LABEL = "label"

SUFFIX_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}
FILE_FILTER = "Data files (*.csv *.tsv *.tab *.txt *.json *.jsonl *.ndjson *.parquet *.pq)"

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


def _quiet_datasets() -> None:
    import datasets

    datasets.disable_progress_bars()
    # Reader errors become one DatasetError; datasets would also log them to stderr.
    datasets.utils.logging.set_verbosity(logging.CRITICAL)
    logging.getLogger("datasets").setLevel(logging.CRITICAL)


# --------------------------------------------------------------------------------------
# Encoding and sniffing
# --------------------------------------------------------------------------------------
def detect_encoding(path: Path, *, chunk_size: int = 1 << 20) -> str:
    """Return the text encoding of ``path``: ``utf-8-sig``, ``utf-8``, ``gb18030`` or ``cp1252``.

    The whole file is validated as UTF-8 with an incremental decoder (C speed, constant
    memory). Files that are not UTF-8 are tried as GB18030 (a superset of GBK) when they
    hold Chinese text, then as Windows-1252. Raises ``DatasetError`` for binary files.
    """
    with open(path, "rb") as f:
        head = f.read(4)
        f.seek(0)
        if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
            return "utf-16"
        decoder = codecs.getincrementaldecoder("utf-8")()
        first = True
        while True:
            chunk = f.read(chunk_size)
            if first and b"\x00" in chunk[:8192]:
                raise _not_text(path)
            first = False
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                break
            if not chunk:
                return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    raw = path.read_bytes()
    for encoding in ("gb18030", "cp1252"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030":
            cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
            if cjk < max(1, len(text) // 50):
                continue
        return encoding
    raise DatasetError(
        f"{path}: the file is neither UTF-8, GBK nor Windows-1252 text.",
        hint="Save it as UTF-8 (in Excel: 'CSV UTF-8') and open it again.",
    )


def _not_text(path: Path) -> DatasetError:
    return DatasetError(
        f"{path}: this is not a text file (it holds binary data).",
        hint="Choose a CSV, TSV, JSON, JSON Lines or Parquet file.",
    )


def _read_header(path: Path, encoding: str, delimiter: str) -> list[str]:
    with open(path, encoding=encoding, newline="") as f:
        try:
            reader = csv.reader(f, delimiter=delimiter)
            header = next(reader, None)
        except csv.Error as exc:
            raise DatasetError(f"{path}: cannot read the header row ({exc}).") from None
    if not header or all(not h.strip() for h in header):
        raise DatasetError(
            f"{path}: the file is empty (no header row).",
            hint="A header row such as 'text,label' is needed.",
        )
    return header


def _check_header(path: Path, header: Sequence[str]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        key = name.strip()
        if key in seen:
            raise DatasetError(
                f"{path}: column name {key!r} appears twice (columns {seen[key]} and {i}).",
                hint="Rename one of them so every column has its own name.",
            )
        seen[key] = i


# --------------------------------------------------------------------------------------
# Loading one table
# --------------------------------------------------------------------------------------
def file_format(path: Path) -> str:
    """``csv``, ``tsv``, ``json``, ``parquet`` or ``arrow`` (a ``save_to_disk`` folder)."""
    if path.is_dir():
        if (
            (path / "dataset_info.json").exists()
            or (path / "dataset_dict.json").exists()
            or (path / "state.json").exists()
        ):
            return "arrow"
        raise DatasetError(
            f"{path}: this is a folder, not a data file.",
            hint="Choose a CSV, TSV, JSON, JSON Lines or Parquet file, or a folder saved with datasets' save_to_disk.",
        )
    fmt = SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DatasetError(
            f"{path}: unsupported file type {path.suffix or '(no extension)'!r}.",
            hint="Use .csv, .tsv, .json, .jsonl or .parquet.",
        )
    return fmt


def load_table(path: str | os.PathLike[str], *, split_hint: str = "train") -> datasets.Dataset:
    """Load one data file (or ``save_to_disk`` folder) as a memory-mapped ``Dataset``.

    Raises ``DatasetError`` naming the file (and row, where it applies) for anything unreadable.
    """
    # (Another thread may be importing transformers right now: the window serialises first
    # imports of the heavy libraries, see engine/imports.py.)
    import datasets

    _quiet_datasets()
    p = Path(path).expanduser()
    if not p.exists():
        raise DatasetError(f"{p}: file not found.", hint="Check the path and try again.")
    fmt = file_format(p)
    if fmt == "arrow":
        return _load_saved(p, split_hint)
    if p.stat().st_size == 0:
        raise DatasetError(
            f"{p}: the file is empty.", hint="Choose a file with a header row and data rows."
        )

    cache = str(cache_dir() / "datasets")
    try:
        if fmt in ("csv", "tsv"):
            encoding = detect_encoding(p)
            delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(p, encoding)
            header = _read_header(p, encoding, delimiter)
            _check_header(p, header)
            features = datasets.Features({name: datasets.Value("string") for name in header})
            ds = datasets.load_dataset(
                "csv",
                data_files=str(p),
                split="train",
                cache_dir=cache,
                sep=delimiter,
                encoding=None if encoding == "utf-8" else encoding,
                keep_default_na=False,
                na_filter=False,
                features=features,
            )
        elif fmt == "json":
            encoding = detect_encoding(p)
            if encoding not in ("utf-8", "utf-8-sig"):
                raise DatasetError(
                    f"{p}: JSON files must be UTF-8 (this one looks like {encoding})."
                )
            _check_json_shape(p)
            ds = datasets.load_dataset("json", data_files=str(p), split="train", cache_dir=cache)
        else:
            ds = datasets.load_dataset("parquet", data_files=str(p), split="train", cache_dir=cache)
    except DatasetError:
        raise
    except Exception as exc:  # noqa: BLE001 - every reader error becomes a DatasetError
        message = _describe_read_error(exc, fmt)
        if fmt == "json" and "corresponds to no data" not in str(exc):
            message = _json_error_where(p) or message
        raise DatasetError(f"{p}: {message}") from None
    if ds.num_rows == 0:
        raise DatasetError(
            f"{p}: the file has a header but no data rows.",
            hint="Add labelled rows below the header.",
        )
    return ds


def _sniff_delimiter(path: Path, encoding: str) -> str:
    """Comma, unless the header line clearly uses tabs or semicolons."""
    with open(path, encoding=encoding, newline="") as f:
        first = f.readline()
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 and counts[","] == 0 else ","


def _check_json_shape(path: Path) -> None:
    """A JSON file must be a list of records, or JSON Lines of records."""
    with open(path, "rb") as f:
        head = f.read(4096).lstrip(codecs.BOM_UTF8).lstrip()
    if not head:
        raise DatasetError(f"{path}: the file is empty.")
    if head[:1] == b"[":
        first = head[1:].lstrip()[:1]
        if first == b"]":
            raise DatasetError(
                f"{path}: the JSON list is empty (no records).",
                hint='Add records like {"text": "...", "label": "..."}.',
            )
        if first in (b"{", b""):
            return
        raise DatasetError(
            f"{path}: the JSON is a list, but its items are not records (objects with a text and a label).",
            hint='Use a list like [{"text": "...", "label": "..."}, ...] or JSON Lines, one record per line.',
        )
    if head[:1] == b"{":
        # JSON Lines, or a single object (not a list of records)
        import json

        first_line = head.split(b"\n", 1)[0]
        try:
            obj = json.loads(first_line)
        except json.JSONDecodeError:
            obj = None
        if isinstance(obj, dict) and not any(isinstance(v, (list, dict)) for v in obj.values()):
            return
        if path.stat().st_size < 50_000_000:
            try:
                whole = json.loads(path.read_text(encoding="utf-8-sig"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                whole = None
            if isinstance(whole, dict):
                keys = ", ".join(list(whole)[:5])
                raise DatasetError(
                    f"{path}: the JSON is one object (keys: {keys}), not a list of records.",
                    hint='Use a list like [{"text": "...", "label": "..."}, ...] or JSON Lines, one record per line.',
                )
        if isinstance(obj, dict):
            return
    raise DatasetError(
        f"{path}: the JSON is not a list of records.",
        hint='Use a list like [{"text": "...", "label": "..."}, ...] or JSON Lines, one record per line.',
    )


_QUOTE_RE = re.compile(r"EOF inside string starting at row (\d+)")
_FIELDS_RE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _json_error_where(path: Path) -> str | None:
    """Where a JSON or JSON Lines file stops being valid: its line (and column), or None."""
    import json

    if path.stat().st_size > 50_000_000:
        return None
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    if text.lstrip().startswith("["):
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            return (
                f"the JSON is not valid at line {exc.lineno}, column {exc.colno} ({exc.msg}); "
                "the file may be cut short or hand-edited."
            )
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            return f"line {number} is not a valid JSON record ({exc.msg}); JSON Lines needs one complete record per line."
        if not isinstance(record, dict):
            return f'line {number} is not a record (an object like {{"text": ..., "label": ...}}).'
    return None


def _describe_read_error(exc: BaseException, fmt: str) -> str:
    # datasets wraps reader errors; the root cause says the most.
    root: BaseException = exc
    while root.__cause__ is not None or root.__context__ is not None:
        nxt = root.__cause__ or root.__context__
        if nxt is None or nxt is root:
            break
        root = nxt
    text = str(root).strip().splitlines()[0] if str(root).strip() else type(root).__name__
    if "corresponds to no data" in text:
        return "the file has a header but no data rows. Add labelled rows below the header."
    if fmt in ("csv", "tsv"):
        # pandas counts rows from 0 at the header, and says "line" for the 1-based row
        if "EOF inside" in text:
            m = _QUOTE_RE.search(text)
            where = f" at row {m.group(1)}" if m else ""
            return _unclosed_quote_message(where)
        m = _FIELDS_RE.search(text)
        if m:
            row = int(m.group(2)) - 1
            return (
                f"row {row} has {m.group(3)} columns but the header has {m.group(1)}. "
                "Put texts that contain the separator in double quotes."
            )
        return f"cannot be read as {fmt.upper()} ({text})."
    if fmt == "parquet":
        return f"cannot be read as Parquet; the file may be truncated or damaged ({text})."
    if fmt == "json":
        return f"cannot be read as JSON or JSON Lines ({text})."
    return f"cannot be read ({text})."


def _load_saved(path: Path, split_hint: str) -> datasets.Dataset:
    import datasets

    try:
        obj = datasets.load_from_disk(str(path))
    except Exception as exc:  # noqa: BLE001
        raise DatasetError(f"{path}: cannot load this saved dataset folder ({exc}).") from None
    if isinstance(obj, datasets.DatasetDict):
        for name in (split_hint, "train", *obj.keys()):
            if name in obj:
                return obj[name]
    if obj.num_rows == 0:
        raise DatasetError(f"{path}: the saved dataset has no rows.")
    return obj


def saved_validation_split(path: str | os.PathLike[str]) -> str | None:
    """The name of a validation split inside a ``save_to_disk`` DatasetDict folder, if any."""
    p = Path(path)
    if p.is_dir() and (p / "dataset_dict.json").exists():
        import json

        splits = json.loads((p / "dataset_dict.json").read_text()).get("splits", [])
        for name in ("validation", "valid", "dev", "test"):
            if name in splits:
                return name
    return None


#: Text files up to this size are read whole by ``check_file`` (the csv module reads them in
#: a fraction of a second); larger ones get only the checks of their head.
QUICK_CHECK_BYTES = 8 << 20


@dataclass(frozen=True)
class FileFacts:
    """What ``check_file`` learned with the standard library alone."""

    format: str
    #: the header's column names (CSV and TSV only; empty otherwise)
    columns: list[str]
    #: data rows below the header, when the file was small enough to count (else None)
    rows: int | None


def check_file(path: str | os.PathLike[str]) -> FileFacts:
    """Find the problems that need no model (file type, binary data, encoding, header,
    unclosed quotes, rows wider than the header) with the standard library alone.

    The window calls it before the heavy libraries have loaded, so a person learns in well
    under a second what ``load_table`` would say seconds later, in the same words. It finds
    nothing ``load_table`` would accept: a CSV oddity it cannot judge is left to the full load.
    Raises ``DatasetError``.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise DatasetError(f"{p}: file not found.", hint="Check the path and try again.")
    fmt = file_format(p)
    if fmt == "arrow":
        return FileFacts(fmt, [], None)
    size = p.stat().st_size
    if size == 0:
        raise DatasetError(
            f"{p}: the file is empty.", hint="Choose a file with a header row and data rows."
        )
    if fmt == "parquet":
        with open(p, "rb") as f:
            head = f.read(4)
            f.seek(max(0, size - 4))
            tail = f.read(4)
        if head != b"PAR1" or tail != b"PAR1":
            raise DatasetError(
                f"{p}: cannot be read as Parquet; the file may be truncated or damaged "
                "(it does not start and end with Parquet's signature)."
            )
        return FileFacts(fmt, [], None)
    small = size <= QUICK_CHECK_BYTES
    if small:
        encoding = detect_encoding(p)  # the whole file: binary data, the encoding
    else:
        with open(p, "rb") as f:
            head = f.read(8192)
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise _not_text(p)
        encoding = _head_encoding(p)
    if fmt == "json":
        if encoding not in ("utf-8", "utf-8-sig"):
            raise DatasetError(f"{p}: JSON files must be UTF-8 (this one looks like {encoding}).")
        _check_json_shape(p)
        return FileFacts(fmt, [], None)
    delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(p, encoding)
    header = _read_header(p, encoding, delimiter)
    _check_header(p, header)
    rows = _count_csv_rows(p, encoding, delimiter, len(header)) if small else None
    if rows == 0:
        raise DatasetError(
            f"{p}: the file has a header but no data rows.",
            hint="Add labelled rows below the header.",
        )
    return FileFacts(fmt, header, rows)


def _count_csv_rows(path: Path, encoding: str, delimiter: str, width: int) -> int | None:
    """Data rows of a CSV read with the csv module; ``DatasetError`` for an unclosed quote or
    a row wider than the header (worded as ``_describe_read_error`` words pandas' errors);
    ``None`` when the csv module cannot judge (a field over its size limit, a stray quote
    that pandas reads leniently)."""
    rows = 0
    with open(path, encoding=encoding, newline="") as f:
        reader = csv.reader(f, delimiter=delimiter, strict=True)
        try:
            next(reader, None)
            for row in reader:
                if not row:  # a blank line: pandas skips it
                    continue
                rows += 1
                if len(row) > width:
                    raise DatasetError(
                        f"{path}: row {rows} has {len(row)} columns but the header has {width}. "
                        "Put texts that contain the separator in double quotes."
                    )
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise DatasetError(
                    f"{path}: {_unclosed_quote_message(f' at row {rows + 1}')}"
                ) from None
            return None
    return rows


def _unclosed_quote_message(where: str) -> str:
    return (
        f'a quoted text is never closed: the double quote (") that opens the text{where} has no '
        "closing quote, so the rest of the file would read as one text. Check that row."
    )


def read_preview(
    path: str | os.PathLike[str], rows: int = 200
) -> tuple[list[str], list[list[str]]]:
    """The header and the first ``rows`` rows, as strings, read quickly for a preview.

    Reads only the start of the file, so it answers in well under a second even for
    files of millions of rows. Raises ``DatasetError`` like ``load_table``.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise DatasetError(f"{p}: file not found.")
    fmt = file_format(p)
    if fmt in ("csv", "tsv"):
        if p.stat().st_size == 0:
            raise DatasetError(f"{p}: the file is empty.")
        with open(p, "rb") as f:
            if b"\x00" in f.read(8192):
                raise DatasetError(f"{p}: this is not a text file (it holds binary data).")
        encoding = _head_encoding(p)
        delimiter = "\t" if fmt == "tsv" else _sniff_delimiter(p, encoding)
        header = _read_header(p, encoding, delimiter)
        _check_header(p, header)
        quick = _preview_csv(p, encoding, delimiter, rows)
        if quick is not None:
            return quick
        ensure_warm()  # pandas imports what datasets does: not beside another thread's import
        import pandas as pd

        try:
            df = pd.read_csv(
                p, sep=delimiter, nrows=rows, dtype=str, keep_default_na=False,
                na_filter=False, encoding=encoding, encoding_errors="replace",
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            raise DatasetError(f"{p}: {_describe_read_error(exc, fmt)}") from None
        return list(df.columns), df.astype(str).values.tolist()
    ensure_warm()  # datasets: not beside another thread's first import of it
    ds = load_table(p)
    head = ds.select(range(min(rows, ds.num_rows)))
    cols = list(head.column_names)
    return cols, [[_cell(head[c][i]) for c in cols] for i in range(head.num_rows)]


def _preview_csv(
    path: Path, encoding: str, delimiter: str, rows: int
) -> tuple[list[str], list[list[str]]] | None:
    """The head read with the csv module: no pandas import (about a second on a busy
    machine), so the first rows show sooner. ``None`` when the head needs pandas (a field
    over the csv module's size limit, a row wider than the header: pandas words the error)."""
    out: list[list[str]] = []
    with open(path, encoding=encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            header = next(reader)
            for row in reader:
                if not row:  # a blank line, as pandas skips it
                    continue
                if len(row) > len(header):
                    return None
                out.append(row + [""] * (len(header) - len(row)))
                if len(out) >= rows:
                    break
        except csv.Error:
            return None
    return [name or f"Unnamed: {i}" for i, name in enumerate(header)], out


def _head_encoding(path: Path) -> str:
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut at the end of the sample
            return "utf-8"
    for enc in ("gb18030", "cp1252"):
        try:
            head.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


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
    "stratified_split",
]
