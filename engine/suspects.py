"""Rows whose label looks wrong, by confident learning, and a corrected copy of the data.

A mislabelled row teaches the model the wrong thing and marks its right answer as an
error. Confident learning (Northcutt et al., 2021; ``cleanlab``) compares each row's given
label with out-of-sample class probabilities, estimates per class how often labels are
confused, and flags the rows most likely to be wrong.

The probabilities (the "judge") come from cross-validating the TF-IDF baseline
(``engine.baseline``, every row judged by a model that never saw it), from the fine-tuned
model on its own training rows, or the average of both. bench/suspects_recall.py measures
which finds more flipped labels, and ``DEFAULT_JUDGE`` follows it.

Row numbers are record positions in the original data file (first record 1), counted
before rows with an empty text or label are skipped, so the user can find them.
Computed on demand only; nothing is cached.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.errors import ConfigError, DatasetError, RunFolderError

#: cleanlab's ranking of flagged rows: the given label's out-of-sample probability.
RANKED_BY = "self_confidence"
#: Whose probabilities judge the labels (averaged when several): ``baseline``: cross-validated
#: TF-IDF; ``embeddings``: that and a cross-validated linear model on the pre-trained
#: encoder's embeddings (both never see a row's label when judging it); ``model``: the run's
#: fine-tuned model on its own training rows; ``both``: TF-IDF and model; ``all``: all three.
JUDGES = ("baseline", "embeddings", "model", "both", "all")
#: The judge when the run has a fine-tuned model, and when it has none. Measured by
#: bench/suspects_recall.py (5% of the sample set's 3,000 labels flipped; share of the
#: flips in the top k = 150), starter model trained 60 steps / 3 epochs on the flipped file:
#: baseline 0.51 / 0.51, embeddings 0.67 / 0.67, model 0.61 / 0.77, both 0.57 / 0.75,
#: all 0.69 / 0.76. ``all`` is best or within a point of it in both; the model alone is
#: weak when briefly trained.
DEFAULT_JUDGE = "all"
DEFAULT_JUDGE_WITHOUT_MODEL = "embeddings"
#: Folder inside the run that holds corrected copies of the data.
CORRECTED = "corrected"


@dataclass(frozen=True)
class Suspect:
    """A row whose label may be wrong. ``score``: how suspect, 0-1 (1 - the probability
    the judges give the row's own label). ``flagged``: confident learning counts it among
    the likely label errors (rows past those appear only when more are asked for)."""

    row: int
    text: str
    label: str
    suggested: str
    score: float
    flagged: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "text": self.text,
            "label": self.label,
            "suggested": self.suggested,
            "score": self.score,
        }


@dataclass
class RunData:
    """The labelled rows of a run's training file: usable rows only, with their row numbers."""

    path: Path
    text_column: str
    label_column: str
    labels: list[str]  # the run's label names; label ids index into it
    rows: list[int]  # 1-based record numbers in the file
    texts: list[str]
    label_ids: list[int]


def _data_path(run_dir: Path, data: str | os.PathLike[str] | None) -> Path:
    from engine.config import TrainConfig
    from engine.runs import CONFIG

    if data is not None:
        return Path(data).expanduser()
    if not (run_dir / CONFIG).is_file():
        raise RunFolderError(f"{run_dir}: not a Strop run folder (no {CONFIG}).")
    config = TrainConfig.load(run_dir / CONFIG)
    path = Path(config.data).expanduser()
    if not path.is_absolute() and not path.exists() and (run_dir / path).exists():
        path = run_dir / path
    return path


def _run_data(run: Path, data: str | os.PathLike[str] | None) -> tuple[Path, dict[str, Any]]:
    """The run's data file (which must still exist) and its saved label record."""
    from engine.runs import LABELS, read_json

    path = _data_path(run, data)
    if not path.exists():
        raise DatasetError(
            f"{path}: the run's data file is gone (moved or deleted).",
            hint="Put it back, or name its new place (--data).",
        )
    meta = read_json(run / LABELS)
    if not isinstance(meta, dict):
        raise RunFolderError(f"{run}: the run has no readable {LABELS}.")
    return path, meta


def load_run_data(
    run_dir: str | os.PathLike[str], *, data: str | os.PathLike[str] | None = None
) -> RunData:
    """The run's training rows as it saw them (same columns, same cleaning), keeping each
    row's position in the file. ``data`` overrides the file named in the run's config.

    Raises ``DatasetError`` when the file is gone or holds labels the run never had."""
    from engine.data import label_to_str, load_table
    from engine.runs import LABELS

    run = Path(run_dir).expanduser()
    path, meta = _run_data(run, data)
    if not meta.get("labels"):
        raise RunFolderError(f"{run}: the run has no readable {LABELS}.")
    labels = [str(x) for x in meta["labels"]]
    text_col, label_col = str(meta["text_column"]), str(meta["label_column"])
    table = load_table(path)
    for col in (text_col, label_col):
        if col not in table.column_names:
            raise DatasetError(
                f"{path}: no column named {col!r}, which the run was trained on.",
                hint=f"Columns found: {', '.join(map(repr, table.column_names))}.",
            )
    index = {label: i for i, label in enumerate(labels)}
    rows: list[int] = []
    texts: list[str] = []
    ids: list[int] = []
    unknown: set[str] = set()
    for n, (text, value) in enumerate(zip(table[text_col], table[label_col], strict=True), 1):
        text = "" if text is None else str(text)
        label = label_to_str(value)
        if not text.strip() or not label:
            continue  # skipped by training too; the row numbers of the others stay
        if label not in index:
            unknown.add(label)
            continue
        rows.append(n)
        texts.append(text)
        ids.append(index[label])
    if unknown:
        shown = ", ".join(map(repr, sorted(unknown)[:5]))
        raise DatasetError(
            f"{path}: column {label_col!r} has label(s) the run was not trained on: {shown}.",
            hint="The file changed since training; train a new run on it.",
        )
    if not rows:
        raise DatasetError(f"{path}: no usable rows (every row has an empty text or label).")
    return RunData(path, text_col, label_col, labels, rows, texts, ids)


def model_probabilities(
    model_dir: str | os.PathLike[str],
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    device: str = "auto",
) -> Any:
    """The fine-tuned model's class probabilities, columns in the order of ``labels``."""
    import numpy as np

    from engine.predict import Predictor

    predictor = Predictor(model_dir, device=device)
    missing = sorted(set(labels) - set(predictor.labels))
    if missing:
        raise RunFolderError(
            f"{predictor.path}: the model does not know the run's label(s) {', '.join(map(repr, missing[:5]))}."
        )
    preds = predictor.predict(list(texts))
    return np.array([[p.scores[label] for label in labels] for p in preds], dtype=np.float64)


def rank_suspects(label_ids: Sequence[int], probs: Any) -> tuple[Any, Any, Any]:
    """Every row, most suspect first: ``(order, suspicion, flagged)``.

    Rows cleanlab's confident learning flags come first, ranked by ``RANKED_BY``; the other
    rows follow by the same score. ``suspicion`` = 1 - label quality, per row."""
    import numpy as np
    from cleanlab.filter import find_label_issues
    from cleanlab.rank import get_label_quality_scores

    y = np.asarray(label_ids, dtype=int)
    p = np.asarray(probs, dtype=np.float64)
    p = p / np.clip(p.sum(axis=1, keepdims=True), 1e-12, None)
    quality = get_label_quality_scores(y, p, method=RANKED_BY)
    flagged = np.zeros(len(y), dtype=bool)
    if len(np.unique(y)) >= 2:
        issues = find_label_issues(y, p, return_indices_ranked_by=RANKED_BY, n_jobs=1)
        flagged[np.asarray(issues, dtype=int)] = True
    order = np.lexsort((quality, ~flagged))  # flagged first, then by quality ascending
    return order, 1.0 - quality, flagged


def suspect_probabilities(
    data: RunData,
    *,
    judge: str = DEFAULT_JUDGE,
    model_dir: str | os.PathLike[str] | None = None,
    base_model: str | os.PathLike[str] | None = None,
    seed: int = 0,
    device: str = "auto",
) -> Any:
    """Each row's class probabilities from ``judge`` (see ``JUDGES``): the average of the
    judges it names. ``model_dir`` (the fine-tuned model) is needed for ``model``, ``both``
    and ``all``; ``base_model`` (the pre-trained encoder) for ``embeddings`` and ``all``."""
    from engine.baseline import (
        out_of_sample_embedding_probabilities,
        out_of_sample_probabilities,
        sentence_embeddings,
    )
    from engine.device import resolve_device

    if judge not in JUDGES:
        raise ConfigError(f"Unknown judge {judge!r}.", hint=f"Use one of: {', '.join(JUDGES)}.")
    k = len(data.labels)
    parts = []
    if judge != "model":
        parts.append(
            out_of_sample_probabilities(data.texts, data.label_ids, n_classes=k, seed=seed)
        )
    if judge in ("embeddings", "all"):
        if base_model is None:
            raise ConfigError(f"judge {judge!r} needs the run's pre-trained model.")
        emb = sentence_embeddings(base_model, data.texts, device=resolve_device(device))
        parts.append(
            out_of_sample_embedding_probabilities(emb, data.label_ids, n_classes=k, seed=seed)
        )
    if judge in ("model", "both", "all"):
        if model_dir is None:
            raise ConfigError(f"judge {judge!r} needs the run's model folder.")
        parts.append(model_probabilities(model_dir, data.texts, data.labels, device=device))
    return sum(parts) / len(parts)


def base_model_path(run_dir: str | os.PathLike[str]) -> Path:
    """The local folder of the pre-trained model a run started from. Raises
    ``ModelLoadError`` when it cannot be found offline."""
    from engine.config import TrainConfig
    from engine.models import resolve_model
    from engine.runs import CONFIG

    config = TrainConfig.load(Path(run_dir) / CONFIG)
    return resolve_model(config.model, allow_pickle=config.allow_pickle).path


def find_suspects(
    run_dir: str | os.PathLike[str],
    *,
    top: int | None = None,
    judge: str | None = None,
    data: str | os.PathLike[str] | None = None,
    seed: int = 0,
    device: str = "auto",
) -> list[Suspect]:
    """Rows of the run's training file whose label looks wrong, most suspect first.

    ``top=None``: the rows confident learning flags. ``top=K``: the K most suspect rows
    (flagged ones first, then the next most suspect). ``judge``: see ``JUDGES``; by default
    ``DEFAULT_JUDGE``, or ``DEFAULT_JUDGE_WITHOUT_MODEL`` when the run has no model yet;
    ``model``, ``both`` and ``all`` need the run's ``model/`` folder, ``embeddings`` and
    ``all`` the pre-trained model it started from. Raises ``DatasetError`` when the data
    file is gone, ``RunFolderError`` when the run is not usable."""
    if top is not None and top < 1:
        raise ConfigError(f"--top must be at least 1, not {top}.")
    run = Path(run_dir).expanduser()
    rows = load_run_data(run, data=data)
    if judge is None:
        from engine.runs import MODEL

        has_model = (run / MODEL / "config.json").is_file()
        judge = DEFAULT_JUDGE if has_model else DEFAULT_JUDGE_WITHOUT_MODEL
    if judge not in JUDGES:
        raise ConfigError(f"Unknown judge {judge!r}.", hint=f"Use one of: {', '.join(JUDGES)}.")
    model_dir = base_model = None
    if judge in ("embeddings", "all"):
        base_model = base_model_path(run)
    if judge in ("model", "both", "all"):
        from engine.runs import MODEL

        model_dir = run / MODEL
        if not (model_dir / "config.json").is_file():
            raise RunFolderError(
                f"{run}: the run has no finished model ({MODEL}/) to judge its labels with.",
                hint="Finish or stop the run first, or judge with the baseline alone (--judge baseline).",
            )
    probs = suspect_probabilities(
        rows, judge=judge, model_dir=model_dir, base_model=base_model, seed=seed, device=device
    )
    order, suspicion, flagged = rank_suspects(rows.label_ids, probs)
    chosen = [i for i in order if flagged[i]] if top is None else list(order[:top])
    out = []
    for i in chosen:
        given = rows.label_ids[i]
        others = probs[i].copy()
        others[given] = -1.0
        out.append(
            Suspect(
                row=rows.rows[i],
                text=rows.texts[i],
                label=rows.labels[given],
                suggested=rows.labels[int(others.argmax())],
                score=round(float(suspicion[i]), 6),
                flagged=bool(flagged[i]),
            )
        )
    return out


def write_suspects_csv(suspects: Sequence[Suspect], out: str | os.PathLike[str]) -> Path:
    """``row,text,label,suggested,score`` as a UTF-8 CSV."""
    path = Path(out).expanduser()
    tmp = path.with_name(path.name + ".part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["row", "text", "label", "suggested", "score"])
            for s in suspects:
                writer.writerow([s.row, s.text, s.label, s.suggested, f"{s.score:.6f}"])
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatasetError(f"{path}: cannot write the suspects ({exc.strerror or exc}).") from None
    return path


# ----- corrected copy -------------------------------------------------------------------
def _like(old: Any, new: str) -> Any:
    """``new`` in the type of the value it replaces (a JSON/Parquet integer label stays one)."""
    if isinstance(old, bool):
        return new.lower() == "true"
    if isinstance(old, int):
        try:
            return int(new)
        except ValueError:
            return new
    if isinstance(old, float):
        try:
            return float(new)
        except ValueError:
            return new
    return new


def _apply(records: list[Any], label_col: str, decisions: dict[int, str | None]) -> list[Any]:
    out = []
    for n, record in enumerate(records, start=1):
        if n in decisions:
            new = decisions[n]
            if new is None:
                continue
            record[label_col] = _like(record.get(label_col), new)
        out.append(record)
    return out


def _write_csv(src: Path, dst: Path, label_col: str, decisions: dict[int, str | None]) -> int:
    from engine.data import detect_encoding, file_format, sniff_delimiter

    encoding = detect_encoding(src)
    delimiter = "\t" if file_format(src) == "tsv" else sniff_delimiter(src, encoding)
    with open(src, encoding=encoding, newline="") as f:
        head = f.readline()
        f.seek(0)
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader)
        records = [row for row in reader if row]  # blank lines are not records (as pandas)
    if label_col not in header:
        raise DatasetError(f"{src}: no column named {label_col!r}.")
    col = header.index(label_col)
    line_end = "\r\n" if head.endswith("\r\n") else "\n"
    with open(dst, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, delimiter=delimiter, lineterminator=line_end)
        writer.writerow(header)
        kept = 0
        for n, row in enumerate(records, start=1):
            if n in decisions:
                new = decisions[n]
                if new is None:
                    continue
                row = list(row) + [""] * (col + 1 - len(row))
                row[col] = new
            writer.writerow(row)
            kept += 1
    return kept


def _write_json(src: Path, dst: Path, label_col: str, decisions: dict[int, str | None]) -> int:
    text = src.read_text(encoding="utf-8-sig")
    if text.lstrip().startswith("["):
        records = _apply(json.loads(text), label_col, decisions)
        dst.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return len(records)
    lines = [line for line in text.splitlines() if line.strip()]
    records = _apply([json.loads(line) for line in lines], label_col, decisions)
    dst.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return len(records)


def _write_parquet(src: Path, dst: Path, label_col: str, decisions: dict[int, str | None]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(src)
    values = table.column(label_col).to_pylist()
    keep = []
    for n, value in enumerate(values, start=1):
        if n in decisions:
            if decisions[n] is None:
                continue
            values[n - 1] = _like(value, decisions[n])  # type: ignore[arg-type]
        keep.append(n - 1)
    field = table.schema.field(label_col)
    try:
        column = pa.array(values, type=field.type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        column = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    table = table.set_column(table.schema.get_field_index(label_col), label_col, column)
    pq.write_table(table.take(pa.array(keep, type=pa.int64())), dst)
    return len(keep)


def write_corrected_copy(
    run_dir: str | os.PathLike[str],
    decisions: dict[int, str | None],
    *,
    data: str | os.PathLike[str] | None = None,
) -> Path:
    """A copy of the run's data file with the user's decisions applied: ``row -> label``
    relabels the record, ``row -> None`` drops it, other rows are kept as they are.

    Written in the original's format (CSV/TSV keep delimiter, encoding and columns; JSON,
    JSON Lines, Parquet) to ``RUN/corrected/<original name>``; the original is never
    touched. Raises ``ConfigError`` for a row number outside the file or an unknown label."""
    from engine.data import file_format
    from engine.runs import LABELS

    run = Path(run_dir).expanduser()
    src, meta = _run_data(run, data)
    if "label_column" not in meta:
        raise RunFolderError(f"{run}: the run has no readable {LABELS}.")
    label_col = str(meta["label_column"])
    known = {str(x) for x in meta.get("labels", [])}
    for row, label in decisions.items():
        if not isinstance(row, int) or row < 1:
            raise ConfigError(f"row {row!r}: row numbers start at 1.")
        if label is not None and str(label) not in known:
            raise ConfigError(
                f"row {row}: {label!r} is not one of the run's labels.",
                hint=f"Labels: {', '.join(sorted(known)[:10])}.",
            )
    fmt = file_format(src)
    if fmt == "arrow":
        raise DatasetError(
            f"{src}: corrected copies of save_to_disk folders are not supported.",
            hint="Export the data to CSV or Parquet and train on that.",
        )
    out_dir = run / CORRECTED
    out_dir.mkdir(parents=True, exist_ok=True)
    dst = out_dir / src.name
    tmp = out_dir / (src.name + ".part")
    writer = {"csv": _write_csv, "tsv": _write_csv, "json": _write_json}.get(fmt, _write_parquet)
    try:
        kept = writer(src, tmp, label_col, decisions)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise DatasetError(f"{dst}: cannot write the corrected copy ({exc}).") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    last = max(decisions, default=0)
    dropped = sum(1 for v in decisions.values() if v is None)
    if last > kept + dropped:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"row {last}: {src} has only {kept + dropped} records.")
    os.replace(tmp, dst)
    return dst
