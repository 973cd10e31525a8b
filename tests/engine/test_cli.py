"""The command line: train -> evaluate -> predict, and every bad input of issue 5 answered
with exit status 2 and one clear line on stderr (or a correct load with a warning)."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from engine import checkpoint as ckpt
from engine import runs
from engine.cli import main
from engine.events import RunState
from tests.conftest import ROOT, write_sentiment_csv
from tests.engine.conftest import bad_model_folder

BAD = ROOT / "tests" / "data" / "bad"


def run_cli(capfd: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    capfd.readouterr()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = main([str(a) for a in argv])
    finally:  # `train` installs its own Ctrl+C handler
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    out, err = capfd.readouterr()
    return code, out, err


def assert_one_clear_line(err: str, *expected: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    line = lines[0]
    assert line.startswith("strop: error: "), line
    assert "Traceback" not in err
    for text in expected:
        assert text.lower() in line.lower(), f"{text!r} not in {line!r}"
    return line


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every attempt to open a network connection, refused and recorded."""
    import socket

    attempts: list[object] = []

    def refuse(self: socket.socket, address: object, *args: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError("network access attempted")
        return original(self, address, *args)

    original = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


# ----- train -> evaluate -> predict ---------------------------------------------------------
def test_train_evaluate_predict(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path, no_network: list[object]
) -> None:
    data = write_sentiment_csv(tmp_path / "train.csv", rows=160, seed=1)
    test = write_sentiment_csv(tmp_path / "test.csv", rows=40, seed=2)
    run = tmp_path / "run"
    code, out, err = run_cli(
        capfd, "train", "--data", data, "--model", tiny_model, "--output", run,
        "--epochs", "4", "--batch-size", "16", "--learning-rate", "5e-3",
        "--device", "cpu", "--precision", "fp32", "--seed", "3",
    )  # fmt: skip
    assert code == 0, err
    # the report, the progress and the final metrics
    assert "Dataset:" in out and "training rows" in out
    assert "step " in out and "samples/s" in out
    assert "Finished: accuracy" in out
    final = json.loads(out.strip().splitlines()[-1])
    assert set(final) == {"accuracy", "macro_precision", "macro_recall", "macro_f1"}
    assert final["accuracy"] >= 0.8

    code, out, err = run_cli(capfd, "evaluate", "--model", run, "--data", test, "--device", "cpu")
    assert code == 0, err
    metrics = json.loads(out)
    assert metrics["accuracy"] >= 0.8 and 0.0 <= metrics["macro_f1"] <= 1.0
    assert metrics["labels"] == ["negative", "positive"]
    assert set(metrics["per_class"]) == {"negative", "positive"}
    for figures in metrics["per_class"].values():
        assert set(figures) >= {"precision", "recall", "f1", "support"}
    assert sum(figures["support"] for figures in metrics["per_class"].values()) == 40
    matrix = metrics["confusion_matrix"]
    assert len(matrix) == 2 and all(len(row) == 2 for row in matrix)
    assert sum(map(sum, matrix)) == 40

    texts = ["great excellent film", "awful terrible food", "中文也可以"]
    code, out, err = run_cli(capfd, "predict", "--model", run / "model", *texts, "--device", "cpu")
    assert code == 0, err
    records = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["text"] for r in records] == texts
    for r in records:
        assert set(r) == {"text", "label", "scores"}
        assert set(r["scores"]) == {"negative", "positive"}
        assert abs(sum(r["scores"].values()) - 1.0) < 1e-5
        assert r["label"] == max(r["scores"], key=r["scores"].get)
    assert [r["label"] for r in records[:2]] == ["positive", "negative"]

    out_csv = tmp_path / "predictions.csv"
    code, out, err = run_cli(
        capfd, "predict", "--model", run, "--file", test, "--out", out_csv, "--device", "cpu"
    )
    assert code == 0, err
    with open(out_csv, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["text", "label", "p_negative", "p_positive"]
    assert len(rows) == 41
    assert no_network == [], "Strop opened a network connection"


def test_new_run_never_overwrites_another(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    data = write_sentiment_csv(tmp_path / "train.csv", rows=40)
    run = tmp_path / "run"
    run.mkdir()
    (run / "precious.txt").write_text("keep me", encoding="utf-8")
    code, _, err = run_cli(capfd, "train", "--data", data, "--model", tiny_model, "--output", run)
    assert code == 2
    assert_one_clear_line(err, str(run), "not empty", "--resume")
    assert sorted(p.name for p in run.iterdir()) == ["precious.txt"]


def test_resume_needs_a_run_folder(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capfd, "train", "--resume")
    assert code == 2
    assert_one_clear_line(err, "--output")
    code, _, err = run_cli(capfd, "train", "--resume", "--output", tmp_path / "nothing")
    assert code == 2
    assert_one_clear_line(err, "nothing", "no such run folder")
    (tmp_path / "not_a_run").mkdir()
    code, _, err = run_cli(capfd, "train", "--resume", "--output", tmp_path / "not_a_run")
    assert code == 2
    assert_one_clear_line(err, "not_a_run", "config.json")


def test_bad_flags_exit_2(capfd: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_cli(capfd, "train", "--data", BAD / "train.csv", "--strategy", "lora")
    assert code == 2
    assert_one_clear_line(err, "strategy")
    code, _, err = run_cli(capfd, "train", "--data", BAD / "train.csv", "--epochs", "0")
    assert code == 2
    assert_one_clear_line(err, "epochs")
    code, _, err = run_cli(capfd, "predict", "--model", tmp_path)
    assert code == 2
    assert_one_clear_line(err, "nothing to predict")
    with pytest.raises(SystemExit) as info:
        main(["train", "--batch-size", "many"])
    assert info.value.code == 2


# ----- bad data files -----------------------------------------------------------------------
def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _binary(tmp: Path) -> Path:
    rng = random.Random(0)
    return _write(tmp / "photo.csv", bytes(rng.randrange(256) for _ in range(4096)))


def _binary_without_nul(tmp: Path) -> Path:
    rng = random.Random(1)
    return _write(tmp / "noise.csv", bytes(rng.randrange(0x80, 0x100) for _ in range(4096)))


def _truncated_parquet(tmp: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    whole = tmp / "whole.parquet"
    pq.write_table(
        pa.table({"text": [f"text {i}" for i in range(500)], "label": ["a", "b"] * 250}), whole
    )
    data = whole.read_bytes()
    return _write(tmp / "truncated.parquet", data[: len(data) // 2])


def _folder(tmp: Path) -> Path:
    folder = tmp / "a_folder"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a dataset", encoding="utf-8")
    return folder


def _committed(name: str) -> Callable[[Path], Path]:
    return lambda tmp: BAD / name


DATA_ERRORS: list[tuple[str, Callable[[Path], Path], list[str], list[str]]] = [
    # case, file, extra flags, words the error line must hold (besides the file name)
    ("missing", lambda tmp: tmp / "no_such_file.csv", [], ["not found"]),
    ("empty", lambda tmp: _write(tmp / "empty.csv", b""), [], ["empty"]),
    ("header only", _committed("header_only.csv"), [], ["no data rows"]),
    ("header only tsv", _committed("header_only.tsv"), [], ["no data rows"]),
    ("a directory", _folder, [], ["folder"]),
    ("binary named .csv", _binary, [], ["not a text file"]),
    ("undecodable bytes", _binary_without_nul, [], ["utf-8"]),
    ("one column", _committed("one_column.csv"), [], ["only one column", "'text'"]),
    ("no text column", _committed("no_text_column.csv"), [], ["no column holds text", "'id'", "--text-column"]),
    ("no label column", _committed("no_label_column.csv"), [], ["'title'", "different value in every row", "--label-column"]),
    ("no label column named", _committed("train.csv"), ["--label-column", "stars"], ["column", "'stars'"]),
    ("no text column named", _committed("train.csv"), ["--text-column", "review"], ["column", "'review'"]),
    ("duplicated column names", _committed("duplicate_columns.csv"), [], ["'text'", "twice", "columns 1 and 3"]),
    ("unbalanced quotes", _committed("unbalanced_quotes.csv"), [], ["quote", "row 13"]),
    ("more columns than the header", _committed("ragged_row.csv"), [], ["row 7", "3 columns"]),
    ("json object, not records", _committed("not_records.json"), [], ["not a list of records", "data"]),
    ("json list of numbers", _committed("list_of_numbers.json"), [], ["not records"]),
    ("json empty list", _committed("empty_list.json"), [], ["empty"]),
    ("json lines cut short", _committed("broken_line.jsonl"), [], ["line 3"]),
    ("json cut short", _committed("truncated.json"), [], ["line 3"]),
    ("truncated parquet", _truncated_parquet, [], ["parquet", "truncated"]),
    ("single class", _committed("single_class.csv"), [], ["only one class", "'label'", "'positive'"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "flags", "words"),
    [pytest.param(make, flags, words, id=case) for case, make, flags, words in DATA_ERRORS],
)
def test_bad_data_exits_2_with_one_line(
    capfd: pytest.CaptureFixture[str],
    tiny_model: Path,
    tmp_path: Path,
    make: Callable[[Path], Path],
    flags: list[str],
    words: list[str],
) -> None:
    path = make(tmp_path)
    run = tmp_path / "run"
    code, out, err = run_cli(
        capfd, "train", "--data", path, "--model", tiny_model, "--output", run, *flags
    )
    assert code == 2, out + err
    assert_one_clear_line(err, path.name, *words)
    assert not run.exists(), "nothing may be written for bad input"


def test_validation_labels_not_in_training(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    code, _, err = run_cli(
        capfd, "train", "--data", BAD / "train.csv",
        "--validation", BAD / "validation_unknown_labels.csv",
        "--model", tiny_model, "--output", tmp_path / "run",
    )  # fmt: skip
    assert code == 2
    assert_one_clear_line(err, "validation_unknown_labels.csv", "'label'", "'mixed'", "'neutral'")
    assert not (tmp_path / "run").exists()


def test_cp1252_and_gbk_files_load_with_their_encoding(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    rows = "".join(
        f"caf\u00e9 cr\u00e8me \u2019{i}\u2019,{'good' if i % 2 else 'bad'}\n" for i in range(20)
    )
    cp1252 = _write(tmp_path / "excel.csv", ("text,label\n" + rows).encode("cp1252"))
    rows = "".join(f"这家外卖很好吃 {i},{'正面' if i % 2 else '负面'}\n" for i in range(20))
    gbk = _write(tmp_path / "waimai.csv", ("text,label\n" + rows).encode("gbk"))
    for path, labels in ((cp1252, ["bad", "good"]), (gbk, ["正面", "负面"])):
        code, out, err = run_cli(capfd, "report", "--json", "--data", path, "--model", tiny_model)
        assert code == 0, err
        report = json.loads(out)
        assert report["labels"] == labels
        assert report["train_rows"] + report["validation_rows"] == 20


# ----- inputs that load, with a warning where one is due ------------------------------------
def _report(capfd: pytest.CaptureFixture[str], tiny_model: Path, path: Path) -> dict:
    code, out, err = run_cli(capfd, "report", "--json", "--data", path, "--model", tiny_model)
    assert code == 0, err
    assert err.strip() == ""
    return json.loads(out)


def _codes(report: dict) -> set[str]:
    return {w["code"] for w in report["warnings"]}


def test_bom_crlf_and_semicolons_load_cleanly(
    capfd: pytest.CaptureFixture[str], tiny_model: Path
) -> None:
    for name in ("bom.csv", "crlf.csv", "semicolon.csv"):
        report = _report(capfd, tiny_model, BAD / name)
        assert (report["text_column"], report["label_column"]) == ("text", "label"), name
        assert report["labels"] == ["negative", "positive"], name
        assert report["train_rows"] + report["validation_rows"] == 24, name


def test_embedded_newlines_and_quotes_load(
    capfd: pytest.CaptureFixture[str], tiny_model: Path
) -> None:
    report = _report(capfd, tiny_model, BAD / "embedded_newlines.csv")
    assert report["train_rows"] + report["validation_rows"] == 26


def test_numeric_labels_sort_numerically(
    capfd: pytest.CaptureFixture[str], tiny_model: Path
) -> None:
    report = _report(capfd, tiny_model, BAD / "numeric_labels.csv")
    assert report["labels"] == ["0", "1", "2", "10"]


def test_chinese_labels(capfd: pytest.CaptureFixture[str], tiny_model: Path) -> None:
    report = _report(capfd, tiny_model, BAD / "chinese_labels.csv")
    assert report["labels"] == ["正面", "负面"]
    assert sum(report["train_counts"].values()) == report["train_rows"]


def test_empty_texts_and_missing_labels_are_skipped_with_a_warning(
    capfd: pytest.CaptureFixture[str], tiny_model: Path
) -> None:
    report = _report(capfd, tiny_model, BAD / "empty_texts.csv")
    assert report["empty_texts"] == 2
    assert report["train_rows"] + report["validation_rows"] == 24
    assert "empty_texts" in _codes(report)
    report = _report(capfd, tiny_model, BAD / "missing_labels.csv")
    assert report["missing_labels"] == 2
    assert report["train_rows"] + report["validation_rows"] == 24
    assert "missing_labels" in _codes(report)


def test_a_class_with_one_example_warns(
    capfd: pytest.CaptureFixture[str], tiny_model: Path
) -> None:
    report = _report(capfd, tiny_model, BAD / "one_example_class.csv")
    assert "neutral" in report["labels"]
    assert report["train_counts"]["neutral"] == 1  # the one example stays in training
    assert {"rare_classes", "singleton_classes"} <= _codes(report)
    assert any("'neutral'" in w["message"] for w in report["warnings"])


def test_a_50_mb_single_text_loads_and_trains(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as f:
        f.write("text,label\n")
        f.write("good film " * 5_000_000 + ",positive\n")
        for i in range(11):
            f.write(f"bad film {i},negative\ngreat food {i},positive\n")
    assert big.stat().st_size > 50_000_000
    started = time.monotonic()
    code, out, err = run_cli(
        capfd, "train", "--data", big, "--model", tiny_model, "--output", tmp_path / "run",
        "--max-steps", "2", "--batch-size", "8", "--device", "cpu", "--precision", "fp32", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    assert time.monotonic() - started < 60
    report = json.loads((tmp_path / "run" / "report.json").read_text(encoding="utf-8"))
    assert report["train_rows"] + report["validation_rows"] == 23
    assert report["token_percentiles"]["max"] >= 64


# ----- model folders ----------------------------------------------------------------------
MODEL_ERRORS = [
    ("empty", ["empty"]),
    ("config_only", ["no weights", "model.safetensors"]),
    ("no_tokenizer", ["no tokenizer"]),
    ("no_classification_head", ["'vit'", "no text-classification head"]),
    ("remote_code", ["trust_remote_code", "refuses", "--trust-remote-code"]),
    ("pickle_only", ["pickle", "run code", "--allow-pickle"]),
]


@pytest.mark.parametrize(("kind", "words"), MODEL_ERRORS, ids=[k for k, _ in MODEL_ERRORS])
def test_bad_model_folder_exits_2_with_one_line(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path, kind: str, words: list[str]
) -> None:
    folder = bad_model_folder(kind, tiny_model, tmp_path / f"model-{kind}")
    run = tmp_path / "run"
    code, out, err = run_cli(
        capfd, "train", "--data", BAD / "train.csv", "--model", folder, "--output", run
    )
    assert code == 2, out + err
    assert_one_clear_line(err, folder.name, *words)
    assert not run.exists()


def test_pickle_weights_load_only_with_the_opt_in(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    folder = bad_model_folder("pickle_only", tiny_model, tmp_path / "pickled")
    run = tmp_path / "run"
    code, _, err = run_cli(
        capfd, "train", "--data", BAD / "train.csv", "--model", folder, "--output", run,
        "--allow-pickle", "--max-steps", "1", "--device", "cpu", "--precision", "fp32", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    assert (run / "model" / "model.safetensors").is_file()  # the trained model is safetensors
    # every command that loads a model takes the same opt-in that its refusal names
    code, _, err = run_cli(capfd, "report", "--data", BAD / "train.csv", "--model", folder)
    assert code == 2
    assert_one_clear_line(err, "--allow-pickle")
    code, out, err = run_cli(
        capfd, "report", "--data", BAD / "train.csv", "--model", folder, "--allow-pickle"
    )
    assert code == 0, err
    code, _, err = run_cli(capfd, "predict", "--model", folder, "good film")
    assert code == 2
    assert_one_clear_line(err, "--allow-pickle")
    code, out, err = run_cli(
        capfd, "predict", "--model", folder, "good film", "--allow-pickle", "--device", "cpu"
    )
    assert code == 0, err
    assert json.loads(out)["text"] == "good film"
    labelled = tmp_path / "labelled.csv"  # the base model's own labels
    labelled.write_text("text,label\ngood film,LABEL_0\nbad film,LABEL_1\n", encoding="utf-8")
    code, out, err = run_cli(
        capfd,
        "evaluate",
        "--model",
        folder,
        "--data",
        labelled,
        "--allow-pickle",
        "--device",
        "cpu",
    )
    assert code == 0, err
    assert json.loads(out)["num_examples"] == 2


def test_a_malicious_pickle_never_runs_even_when_allowed(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    folder = bad_model_folder("malicious_pickle", tiny_model, tmp_path / "evil")
    marker = tmp_path / "evil-code-ran"
    code, _, err = run_cli(
        capfd, "train", "--data", BAD / "train.csv", "--model", folder,
        "--output", tmp_path / "run", "--allow-pickle",
    )  # fmt: skip
    assert code == 2
    assert_one_clear_line(err, "evil", "pickle", "could run code", "safetensors")
    assert not marker.exists(), "the pickle ran code: weights were not loaded with weights_only"


def test_unknown_hub_id_offline_fails_fast(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, no_network: list[object]
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.monotonic()
    code, _, err = run_cli(
        capfd, "train", "--data", BAD / "train.csv", "--model", "someone/no-such-model-xyz"
    )
    assert time.monotonic() - started < 5
    assert code == 2
    assert_one_clear_line(err, "someone/no-such-model-xyz", "offline")
    assert no_network == []


# ----- a real process: exactly one line, nothing else on stderr -----------------------------
def test_real_process_prints_one_line_for_an_error_deep_in_a_file(tmp_path: Path) -> None:
    lines = ["text,label"] + [f"text number {i},{'a' if i % 2 else 'b'}" for i in range(1, 25_001)]
    lines[20_001] = "x,y,z"
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "STROP_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "report", "--data", str(path)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 2
    assert_one_clear_line(proc.stderr, "long.csv", "row 20001", "3 columns")


# ----- SIGKILL mid-run, then --resume ---------------------------------------------------------
def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 180
    while not condition():
        assert proc.poll() is None, f"the run ended before {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_sigkill_mid_run_then_resume_loses_nothing(
    capfd: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    from safetensors.torch import load_file

    data = write_sentiment_csv(tmp_path / "train.csv", rows=240, seed=4)
    flags = [
        "--data", data, "--model", tiny_model, "--epochs", "2", "--batch-size", "8",
        "--learning-rate", "2e-3", "--save-steps", "6", "--eval-steps", "6",
        "--logging-steps", "1", "--early-stopping", "0", "--device", "cpu",
        "--precision", "fp32", "--seed", "11", "--quiet",
    ]  # fmt: skip
    run = tmp_path / "killed"
    env = {**os.environ, "STROP_HOME": str(tmp_path / "home"), "OMP_NUM_THREADS": "1"}
    with open(tmp_path / "out.txt", "w") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "main.py"), "train", *map(str, flags), "--output", str(run)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )  # fmt: skip
        try:
            _wait_for(lambda: ckpt.last_checkpoint(run) is not None, proc, "a first checkpoint")
            saved = ckpt.checkpoint_step(ckpt.last_checkpoint(run)) or 0

            def logged_past_the_checkpoint() -> bool:
                steps = [r["step"] for r in runs.read_metrics_log(run) if r["type"] == "train"]
                return bool(steps) and max(steps) >= saved + 2

            _wait_for(logged_past_the_checkpoint, proc, "steps after the checkpoint")
            proc.kill()  # SIGKILL: no handler, no cleanup
        finally:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert runs.run_state(run) is RunState.INTERRUPTED
    before = runs.read_metrics_log(run)
    last = ckpt.last_checkpoint(run)
    assert last is not None and max(r["step"] for r in before) > ckpt.checkpoint_step(last)

    code, _, err = run_cli(capfd, "train", "--output", run, "--resume", "--quiet")
    assert code == 0, err
    assert runs.run_state(run) is RunState.FINISHED
    assert not (run / ckpt.STAGING).exists() or not any((run / ckpt.STAGING).iterdir())

    # metrics.jsonl: the whole history, every step once, including those before the kill
    records = runs.read_metrics_log(run)
    train_steps = [r["step"] for r in records if r["type"] == "train"]
    total = runs.read_status(run)["total_steps"]
    assert train_steps == list(range(1, total + 1))
    eval_steps = [r["step"] for r in records if r["type"] == "eval"]
    assert eval_steps == sorted(set(eval_steps))
    kept = [r for r in before if r["step"] <= ckpt.checkpoint_step(last)]
    assert records[: len(kept)] == kept  # the history before the checkpoint is untouched

    # and the same final weights as a run never interrupted
    whole = tmp_path / "whole"
    code, _, err = run_cli(capfd, "train", *flags, "--output", whole)
    assert code == 0, err
    final = ckpt.last_checkpoint(whole)
    a, b = load_file(final / "model.safetensors"), load_file(run / final.name / "model.safetensors")
    assert max(float((a[k] - b[k]).abs().max()) for k in a) < 1e-5


def test_the_run_start_line_names_what_the_rows_are() -> None:
    import io

    from engine.cli import ProgressPrinter
    from engine.events import RunStarted

    said = {}
    for task in ("text-classification", "token-classification", "image-classification"):
        stream = io.StringIO()
        ProgressPrinter(stream)(
            RunStarted(
                run_dir="/tmp/run", total_steps=40, num_train=120, num_validation=30,
                labels=("a", "b"), device="cpu", precision="fp32", effective_batch_size=16,
                task=task,
            )
        )  # fmt: skip
        said[task] = stream.getvalue().splitlines()[0]
    assert said["text-classification"].endswith(
        "120 train / 30 validation rows, 2 classes, 40 steps, batch 16"
    )
    assert "120 train / 30 validation sentences" in said["token-classification"]
    assert "120 train / 30 validation images" in said["image-classification"]
