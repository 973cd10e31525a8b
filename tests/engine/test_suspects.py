"""Label-noise suspects: planted flips found, row numbers of the original file, corrected copies."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from engine.errors import ConfigError, DatasetError, RunFolderError
from engine.suspects import (
    find_suspects,
    load_run_data,
    rank_suspects,
    write_corrected_copy,
    write_suspects_csv,
)
from tests.conftest import write_sentiment_csv
from tests.engine.conftest import TrainedRun

FLIPPED_RECORDS = (7, 40, 91, 150)  # record numbers (first data row = 1) of the planted flips


def _noisy_run(root: Path, *, suffix: str = ".csv") -> tuple[Path, Path]:
    """A run folder (config.json, labels.json) over a learnable CSV with four flipped labels
    and two unusable rows (blank text, missing label) before the flips."""
    clean = write_sentiment_csv(root / "clean.csv", rows=200, seed=5)
    with open(clean, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows.insert(2, {"text": "   ", "label": "positive"})  # records 3 and 5 are skipped
    rows.insert(4, {"text": "good film", "label": ""})
    for n in FLIPPED_RECORDS:
        r = rows[n - 1]
        r["label"] = "negative" if r["label"] == "positive" else "positive"
    data = root / f"data{suffix}"
    if suffix == ".jsonl":
        data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        delimiter = ";" if suffix == ".csv" else "\t"
        with open(data, "w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=["text", "label"], delimiter=delimiter)
            writer.writeheader()
            writer.writerows(rows)
    run = root / "run"
    run.mkdir()
    (run / "config.json").write_text(json.dumps({"data": str(data)}), encoding="utf-8")
    (run / "labels.json").write_text(
        json.dumps(
            {"labels": ["negative", "positive"], "text_column": "text", "label_column": "label"}
        ),
        encoding="utf-8",
    )
    return run, data


def test_planted_flips_top_the_list_with_original_row_numbers(tmp_path: Path) -> None:
    run, _ = _noisy_run(tmp_path)
    data = load_run_data(run)
    assert 3 not in data.rows and 5 not in data.rows and data.rows[:3] == [1, 2, 4]
    suspects = find_suspects(run, top=len(FLIPPED_RECORDS), judge="baseline")
    assert {s.row for s in suspects} == set(FLIPPED_RECORDS)
    for s in suspects:
        assert s.suggested != s.label
        assert 0.5 < s.score <= 1.0
        assert s.text == data.texts[data.rows.index(s.row)]
    assert [s.score for s in suspects] == sorted((s.score for s in suspects), reverse=True)
    # top=None: only what confident learning flags (it is conservative: not every flip)
    flagged = find_suspects(run, judge="baseline")
    assert flagged and {s.row for s in flagged} <= set(FLIPPED_RECORDS)
    assert all(s.flagged for s in flagged)


def test_model_judge_uses_the_runs_model(trained_run: TrainedRun) -> None:
    found = [
        find_suspects(trained_run.run_dir, top=5, judge=judge, device="cpu")
        for judge in ("model", "both", "embeddings", "all")
    ]
    assert [len(f) for f in found] == [5, 5, 5, 5]
    assert {s.label for f in found for s in f} <= {"positive", "negative"}
    with pytest.raises(ConfigError, match="Unknown judge"):
        find_suspects(trained_run.run_dir, judge="oracle")


def test_missing_data_file_and_missing_model(tmp_path: Path) -> None:
    run, data = _noisy_run(tmp_path)
    with pytest.raises(RunFolderError, match="no finished model"):
        find_suspects(run, judge="both")
    data.unlink()
    with pytest.raises(DatasetError, match=r"data\.csv: the run's data file is gone"):
        find_suspects(run, judge="baseline")
    with pytest.raises(RunFolderError, match="not a Strop run folder"):
        find_suspects(tmp_path / "nowhere")


def test_rank_suspects_puts_flagged_rows_first() -> None:
    import numpy as np

    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.05, 0.95], [0.6, 0.4]] * 5)
    labels = [0, 1, 0, 0] * 5  # every third row disagrees confidently
    order, suspicion, flagged = rank_suspects(labels, probs)
    assert set(order[:5].tolist()) == {i for i in range(20) if i % 4 == 2}
    assert flagged[order[:5]].all()
    assert suspicion[2] == pytest.approx(0.95)


def test_corrected_copy_keeps_format_and_never_touches_the_original(tmp_path: Path) -> None:
    run, data = _noisy_run(tmp_path)
    before = data.read_bytes()
    out = write_corrected_copy(run, {7: "positive", 40: None, 1: "negative"})
    assert out == run / "corrected" / "data.csv"
    assert data.read_bytes() == before
    with open(out, encoding="utf-8", newline="") as f:
        copied = list(csv.DictReader(f, delimiter=";"))
    with open(data, encoding="utf-8", newline="") as f:
        original = list(csv.DictReader(f, delimiter=";"))
    assert len(copied) == len(original) - 1
    assert copied[0]["label"] == "negative" and copied[6]["label"] == "positive"
    assert copied[39] == original[40]  # row 40 dropped: the next one moves up
    assert copied[2] == original[2]  # the blank row is kept: only decisions change rows


@pytest.mark.parametrize("suffix", [".tsv", ".jsonl"])
def test_corrected_copy_of_tsv_and_json_lines(tmp_path: Path, suffix: str) -> None:
    run, data = _noisy_run(tmp_path, suffix=suffix)
    out = write_corrected_copy(run, {2: None})
    text = out.read_text(encoding="utf-8")
    original = data.read_text(encoding="utf-8")
    assert out.suffix == suffix and text.count("\n") == original.count("\n") - 1
    if suffix == ".tsv":
        assert text.splitlines()[0] == "text\tlabel"
    else:
        assert json.loads(text.splitlines()[0]) == json.loads(original.splitlines()[0])


def test_corrected_copy_of_json_and_parquet_keeps_integer_labels(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name in ("data.json", "data.parquet"):
        root = tmp_path / name
        root.mkdir()
        records = [{"text": f"text {i}", "label": i % 2} for i in range(10)]
        data = root / name
        if name.endswith(".json"):
            data.write_text(json.dumps(records), encoding="utf-8")
        else:
            pq.write_table(pa.Table.from_pylist(records), data)
        run = root / "run"
        run.mkdir()
        (run / "config.json").write_text(json.dumps({"data": str(data)}), encoding="utf-8")
        (run / "labels.json").write_text(
            json.dumps({"labels": ["0", "1"], "text_column": "text", "label_column": "label"}),
            encoding="utf-8",
        )
        out = write_corrected_copy(run, {1: "1", 10: None})
        rows = (
            json.loads(out.read_text(encoding="utf-8"))
            if name.endswith(".json")
            else pq.read_table(out).to_pylist()
        )
        assert len(rows) == 9 and rows[0] == {"text": "text 0", "label": 1}
        with pytest.raises(ConfigError, match="not one of the run's labels"):
            write_corrected_copy(run, {1: "maybe"})
        with pytest.raises(ConfigError, match="row 11: .* has only 10 records"):
            write_corrected_copy(run, {11: "1"})


def test_cli_suspects_prints_and_writes_csv(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from engine.cli import main

    run, _ = _noisy_run(tmp_path)
    assert main(["suspects", "--run", str(run), "--top", "2", "--judge", "baseline"]) == 0
    printed = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert printed[0] == ["row", "text", "label", "suggested", "score"] and len(printed) == 3
    assert int(printed[1][0]) in FLIPPED_RECORDS
    out = tmp_path / "s.csv"
    assert main(["suspects", "--run", str(run), "--judge", "baseline", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("row,text,label,suggested,score\n")
    assert main(["suspects", "--run", str(run), "--top", "0"]) == 2
    assert write_suspects_csv([], tmp_path / "empty.csv").read_text() == (
        "row,text,label,suggested,score\n"
    )
