"""Reading data files into Arrow-backed ``datasets.Dataset`` tables: their format, encoding,
delimiter and shape, checked before anything loads (``check_file``, standard library only, so
the window can say what is wrong before torch is imported), the first rows for a preview,
and one clear line naming the file and row for whatever cannot be read.

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import DatasetError
from engine.imports import ensure_warm
from engine.paths import cache_dir

if TYPE_CHECKING:  # pragma: no cover
    import datasets

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
            delimiter = "\t" if fmt == "tsv" else sniff_delimiter(p, encoding)
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


def sniff_delimiter(path: Path, encoding: str) -> str:
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
    delimiter = "\t" if fmt == "tsv" else sniff_delimiter(p, encoding)
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
        delimiter = "\t" if fmt == "tsv" else sniff_delimiter(p, encoding)
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
