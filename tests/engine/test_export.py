"""Exporting a finished run: the portable folder, the model card, predict.py, the zip, the
ONNX export and its parity check, and the CLI subcommand."""

from __future__ import annotations

import json
import runpy
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from engine import onnx_export
from engine.errors import RunFolderError
from engine.export import ExportResult, export_run
from engine.tasks.text_classification import PROBE_TEXTS

SENTENCES = ["good great movie", "awful terrible service", "the food was very nice"]


@pytest.fixture(scope="module")
def exported(trained_run, tmp_path_factory: pytest.TempPathFactory) -> ExportResult:
    """The trained run exported once without ONNX (the ONNX tests export on their own)."""
    dest = tmp_path_factory.mktemp("exports") / "sentiment-model"
    steps: list[tuple[int, int, str]] = []
    result = export_run(
        trained_run.run_dir,
        dest,
        onnx=False,
        make_zip=True,
        progress=lambda d, t, m: steps.append((d, t, m)),
    )
    assert [s[0] for s in steps] == list(range(len(steps)))
    assert all(total == len(steps) for _, total, _ in steps)
    return result


def test_folder_holds_model_labels_card_and_script(exported: ExportResult, trained_run) -> None:
    folder = exported.path
    assert folder.is_dir() and not folder.with_name(folder.name + ".part").exists()
    for name in ("config.json", "model.safetensors", "tokenizer.json", "strop.json",
                 "labels.json", "metrics.json", "training_config.json", "README.md",
                 "predict.py"):  # fmt: skip
        assert (folder / name).is_file(), name
        assert name in exported.files
    assert not (folder / "training_args.bin").exists()  # a pickle stays behind
    assert not (folder / "onnx").exists()
    assert exported.onnx.status == "skipped" and exported.onnx.path is None
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    assert labels["labels"] == ["negative", "positive"]
    assert labels["id2label"] == {"0": "negative", "1": "positive"}
    assert labels["label2id"] == {"negative": 0, "positive": 1}
    assert labels["text_column"] == "text"
    settings = json.loads((folder / "training_config.json").read_text(encoding="utf-8"))
    assert settings["data"] == trained_run.data.name  # no local paths in what is shared
    assert settings["epochs"] == 3


def test_exported_folder_loads_with_the_pipeline(exported: ExportResult, trained_run) -> None:
    from transformers import pipeline

    from engine.predict import Predictor

    classify = pipeline("text-classification", model=str(exported.path), top_k=None)
    got = classify(SENTENCES, truncation=True, max_length=32)
    expected = Predictor(trained_run.run_dir, device="cpu", precision="fp32").predict(SENTENCES)
    for scores, pred in zip(got, expected, strict=True):
        probs = {s["label"]: s["score"] for s in scores}
        assert set(probs) == {"negative", "positive"}
        for label, p in pred.scores.items():
            assert probs[label] == pytest.approx(p, abs=1e-5)
    assert expected[0].label == "positive" and expected[1].label == "negative"


def test_predict_script_prints_json_lines(
    exported: ExportResult, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["predict.py", *SENTENCES[:2]])
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(str(exported.path / "predict.py"), run_name="__main__")
    assert stop.value.code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["text"] for line in lines] == SENTENCES[:2]
    assert [line["label"] for line in lines] == ["positive", "negative"]
    assert sum(lines[0]["scores"].values()) == pytest.approx(1.0, abs=1e-4)


def test_model_card_has_data_settings_metrics_and_limits(
    exported: ExportResult, trained_run
) -> None:
    card = (exported.path / "README.md").read_text(encoding="utf-8")
    metrics = json.loads((trained_run.run_dir / "metrics.json").read_text(encoding="utf-8"))
    front = card.split("\n---\n")[0]
    assert card.startswith("---\n")
    assert "library_name: transformers" in front and "pipeline_tag: text-classification" in front
    for heading in ("## Training data", "## Training settings", "## Evaluation",
                    "## Intended use and limits", "## Files"):  # fmt: skip
        assert heading in card
    assert "tiny-bert" in card and str(trained_run.run_dir.parent) not in card
    assert f"| {metrics['accuracy']:.4f} | {metrics['macro_precision']:.4f} |" in card
    for label, row in metrics["per_class"].items():
        assert f"| {label} | {row['precision']:.4f} | {row['recall']:.4f} |" in card
    assert "| true \\ predicted | negative | positive |" in card
    (tn, fp), (fn, tp) = metrics["confusion_matrix"]
    assert f"| negative | {tn} | {fp} |" in card and f"| positive | {fn} | {tp} |" in card
    assert "| learning rate | 0.002 |" in card
    assert "ONNX: not requested." in card


def test_zip_holds_the_folder(exported: ExportResult) -> None:
    assert exported.zip_path == exported.path.with_name(exported.path.name + ".zip")
    with zipfile.ZipFile(exported.zip_path) as zf:
        names = set(zf.namelist())
    assert {f"sentiment-model/{name}" for name in exported.files} <= names


def test_run_without_model_is_refused(tmp_path: Path, trained_run) -> None:
    run = tmp_path / "unfinished"
    run.mkdir()
    shutil.copy(trained_run.run_dir / "config.json", run / "config.json")
    with pytest.raises(RunFolderError, match="no trained model"):
        export_run(run, tmp_path / "out")
    with pytest.raises(RunFolderError, match="no such run folder"):
        export_run(tmp_path / "missing", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_existing_destination_is_never_overwritten(tmp_path: Path, trained_run) -> None:
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    with pytest.raises(RunFolderError, match="never overwrites"):
        export_run(trained_run.run_dir, dest, onnx=False)
    assert (dest / "keep.txt").read_text() == "mine"
    (tmp_path / "z.zip").write_text("x")
    with pytest.raises(RunFolderError, match="z.zip"):
        export_run(trained_run.run_dir, tmp_path / "z", onnx=False, make_zip=True)
    assert not (tmp_path / "z").exists()


def test_onnx_is_skipped_cleanly_without_the_exporter(
    tmp_path: Path, trained_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "onnxscript", None)  # import fails as if not installed
    result = export_run(trained_run.run_dir, tmp_path / "out", onnx=True)
    assert result.onnx.status == "skipped"
    assert "onnxscript" in result.onnx.message and "pip install" in result.onnx.message
    assert not (result.path / "onnx").exists()
    assert "onnxscript" in (result.path / "README.md").read_text(encoding="utf-8")


def test_onnx_that_disagrees_with_pytorch_is_left_out(
    tmp_path: Path, trained_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("onnxruntime")
    import torch

    def fake_export(model, args, f, **kwargs):  # type: ignore[no-untyped-def]
        Path(f).write_bytes(b"not really onnx")

    monkeypatch.setattr(onnx_export, "missing_onnx_packages", lambda: [])
    monkeypatch.setattr(torch.onnx, "export", fake_export)
    monkeypatch.setattr(onnx_export, "max_abs_diff", lambda *a, **k: (0.25, 8))
    result = export_run(trained_run.run_dir, tmp_path / "out", onnx=True)
    assert result.onnx.status == "failed" and result.onnx.max_abs_diff == 0.25
    assert "2.50e-01" in result.onnx.message
    assert not (result.path / "onnx").exists()
    assert "onnx/model.onnx" not in result.files


def test_onnx_export_reproduces_pytorch(tmp_path: Path, trained_run) -> None:
    for name in ("onnx", "onnxscript", "onnxruntime"):
        pytest.importorskip(name)
    import numpy as np
    import onnxruntime as ort
    from transformers import AutoTokenizer

    from engine.predict import Predictor

    result = export_run(trained_run.run_dir, tmp_path / "out", onnx=True)
    assert result.onnx.status == "verified", result.onnx.message
    assert result.onnx.path == result.path / "onnx" / "model.onnx"
    assert result.onnx.max_abs_diff is not None and result.onnx.max_abs_diff <= 1e-4
    assert result.onnx.texts_checked >= len(PROBE_TEXTS)
    assert "ONNX Runtime reproduces" in (result.path / "README.md").read_text(encoding="utf-8")

    # independently of the exporter's own check: batch of 3, padded, as a user would run it
    tokenizer = AutoTokenizer.from_pretrained(str(result.path))
    session = ort.InferenceSession(str(result.onnx.path), providers=["CPUExecutionProvider"])
    enc = tokenizer(SENTENCES, truncation=True, padding=True, return_tensors="np")
    logits = session.run(["logits"], {i.name: enc[i.name] for i in session.get_inputs()})[0]
    probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    expected = Predictor(trained_run.run_dir, device="cpu", precision="fp32").predict(SENTENCES)
    for row, pred in zip(probs, expected, strict=True):
        assert np.abs(row - [pred.scores["negative"], pred.scores["positive"]]).max() < 1e-4


def test_cli_export(tmp_path: Path, trained_run, capsys: pytest.CaptureFixture[str]) -> None:
    from engine.cli import main

    dest = tmp_path / "cli-out"
    assert main(["export", "--run", str(trained_run.run_dir), "--out", str(dest), "--no-onnx"]) == 0
    captured = capsys.readouterr()
    assert f"Exported to {dest}" in captured.out and "ONNX: not requested." in captured.out
    assert "[1/" in captured.err
    assert (dest / "predict.py").is_file()
    assert main(["export", "--run", str(tmp_path / "nope"), "--out", str(tmp_path / "x")]) == 2
    assert "no such run folder" in capsys.readouterr().err
