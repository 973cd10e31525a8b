"""The image-classification task through the shared engine: detection, the CLI's train /
predict / evaluate / export, ONNX, stop and resume, spawned workers, bad input."""

from __future__ import annotations

import csv
import json
import multiprocessing
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from engine import tasks
from engine.cli import main
from engine.errors import DatasetError
from engine.image_model import new_image_model

COLORS = {"blue": (20, 40, 230), "red": (230, 30, 20)}


def _images(root: Path, per_class: int = 10) -> Path:
    from PIL import Image

    for label, color in COLORS.items():
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            img = Image.new("RGB", (40 + i, 36), color)
            img.putpixel((i, i), (i * 9 % 256, 128, 0))
            img.save(root / label / f"{label}{i}.png")
    return root


def _args(data: Path, model: Path, out: Path, *extra: str) -> list[str]:
    # --quiet: the CLI's progress printer reads every report as a text report (engine/cli.py
    # ProgressPrinter, ReportReady); see the integration note in the branch's report
    return [
        "train", "--data", str(data), "--model", str(model), "--output", str(out),
        "--epochs", "2", "--batch-size", "8", "--learning-rate", "5e-3", "--device", "cpu",
        "--precision", "fp32", "--seed", "0", "--validation-split", "0.2", "--quiet", *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One run trained through the CLI on red vs blue images with a tiny EfficientNet."""
    tmp = tmp_path_factory.mktemp("imgtask")
    data = _images(tmp / "data")
    model = new_image_model(tmp / "tiny", list(COLORS), image_size=32)
    out = tmp / "run"
    assert main(_args(data, model, out, "--task", "image-classification")) == 0
    return {"data": data, "model": model, "run": out, "tmp": tmp}


# ----- detection ----------------------------------------------------------------------------
def test_detection_tells_images_from_texts(tmp_path: Path) -> None:
    images = _images(tmp_path / "imgs", 2)
    assert tasks.detect(images).name == "image-classification"
    split = tmp_path / "split"
    _images(split / "train", 2)
    _images(split / "val", 1)
    assert tasks.detect(split).name == "image-classification"

    texts = tmp_path / "texts.csv"
    texts.write_text("text,label\ngood film,pos\nbad film,neg\n", encoding="utf-8")
    assert tasks.detect(texts).name == "text-classification"

    listed = tmp_path / "imgs" / "list.csv"
    rows = [f"{c}/{c}{i}.png,{c}" for c in COLORS for i in range(2)]
    listed.write_text("image,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert tasks.detect(listed).name == "image-classification"

    from datasets import Dataset

    saved = tmp_path / "saved"
    Dataset.from_dict({"text": ["a", "b"], "label": [0, 1]}).save_to_disk(str(saved))
    assert tasks.detect(saved).name == "text-classification"


# ----- train, predict, evaluate, export ----------------------------------------------------
def test_train_writes_a_run_the_engine_reads(run: dict[str, Path]) -> None:
    out = run["run"]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["task"] == "image-classification"
    assert metrics["main_metric"] == "macro_f1"
    assert metrics["num_examples"] == 4
    # a from-scratch tiny model in a few steps: the figures exist, their level is not tested
    assert 0.0 <= metrics["accuracy"] <= 1.0 and 0.0 <= metrics["macro_f1"] <= 1.0
    assert "temperature" in metrics["calibration"]
    meta = json.loads((out / "model" / "strop.json").read_text(encoding="utf-8"))
    assert meta["task"] == "image-classification"
    assert meta["labels"] == ["blue", "red"]
    assert (out / "model" / "preprocessor_config.json").is_file()
    assert tasks.for_model(out / "model").name == "image-classification"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["train"] == {"blue": 8, "red": 8}
    from engine.tasks.image_classification import ImageReport

    text = ImageReport.from_dict(report).format_text()
    assert "16 training images, 4 validation images" in text and "blue: 8 train" in text
    records = [
        json.loads(line) for line in (out / "validation_predictions.jsonl").read_text().splitlines()
    ]
    assert len(records) == 4
    assert {"row", "path", "label", "predicted", "confidence", "scores"} <= set(records[0])
    assert Path(records[0]["path"]).is_file()


def test_predict_prints_a_json_line_per_image(
    run: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    image = run["data"] / "red" / "red3.png"
    bad = run["tmp"] / "broken.jpg"
    bad.write_bytes(b"not an image at all")
    assert main(["predict", "--model", str(run["run"]), str(image), str(bad)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[0]["path"] == str(image)
    assert lines[0]["label"] == max(lines[0]["scores"], key=lines[0]["scores"].get)
    assert abs(sum(lines[0]["scores"].values()) - 1) < 1e-5
    assert set(lines[0]["scores"]) == {"blue", "red"}
    assert lines[1]["label"] is None and lines[1]["error"]


def test_predict_a_folder_to_csv(run: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "preds.csv"
    assert main(["predict", "--model", str(run["run"]), "--file", str(run["data"]),
                 "--out", str(out)]) == 0  # fmt: skip
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 20
    assert {r["label"] for r in rows} <= {"blue", "red"} and all(r["p_red"] for r in rows)


def test_evaluate_a_folder(run: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--model", str(run["run"]), "--data", str(run["data"])]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert figures["num_examples"] == 20
    assert figures["split"] == "all" and figures["skipped"] == 0
    assert len(figures["confusion_matrix"]) == 2


def test_export_loads_in_the_pipeline_and_onnx_is_verified(
    run: dict[str, Path], tmp_path: Path
) -> None:
    from transformers import pipeline

    from engine.export import export_run

    dest = tmp_path / "export"
    result = export_run(run["run"], dest)
    assert (dest / "predict.py").is_file() and (dest / "README.md").is_file()
    card = (dest / "README.md").read_text(encoding="utf-8")
    assert "image-classification" in card and "validation images" in card
    assert "MiniLM" not in card  # the text starter is not this model's base
    from engine.image_predict import ImagePredictor

    image = str(run["data"] / "blue" / "blue1.png")
    classify = pipeline("image-classification", model=str(dest), device="cpu")
    top = {s["label"]: s["score"] for s in classify(image, top_k=2)}
    # the pipeline's processor and the engine's own transform agree
    ours = ImagePredictor(run["run"]).predict([image])[0]["scores"]
    assert top.keys() == ours.keys()
    assert max(abs(top[k] - ours[k]) for k in ours) < 0.02
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        pytest.skip("onnxruntime is not installed")
    assert result.onnx.status == "verified", result.onnx.message
    assert result.onnx.texts_checked >= 6  # real images of the run, and random tensors
    script = subprocess.run(
        [sys.executable, str(dest / "predict.py"), str(run["data"] / "red" / "red0.png")],
        capture_output=True,
        text=True,
        timeout=120,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"},
    )
    assert script.returncode == 0, script.stderr
    printed = json.loads(script.stdout)
    assert printed["label"] == max(printed["scores"], key=printed["scores"].get)


# ----- stop, resume, workers ---------------------------------------------------------------
class _StopAfter:
    """Events sink that sets ``stop`` at the first logged training step."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def __call__(self, event: Any) -> None:
        from engine.events import StepLogged

        if isinstance(event, StepLogged):
            self.stop.set()


def test_stop_with_spawned_workers_then_resume(run: dict[str, Path], tmp_path: Path) -> None:
    from engine.config import TrainConfig
    from engine.events import RunState
    from engine.training import train

    config = TrainConfig(
        data=str(run["data"]), model=str(run["model"]), output=str(tmp_path / "r"),
        epochs=1, batch_size=4, learning_rate=5e-3, device="cpu", precision="fp32",
        validation_split=0.2, eval_steps=4, save_steps=4, dataloader_workers=1,
    )  # fmt: skip
    stop = threading.Event()
    first = train(config, _StopAfter(stop), stop)
    assert first.state is RunState.STOPPED
    # the DataLoader's spawned worker is gone once train() returns
    assert [p for p in multiprocessing.active_children() if p.is_alive()] == []
    assert first.checkpoint is not None
    resumed = train(TrainConfig(data=str(run["data"]), output=str(tmp_path / "r")), resume=True)
    assert resumed.state is RunState.FINISHED
    assert resumed.metrics["step"] == 4  # 16 images, batch 4, one epoch: nothing lost


# ----- settings ------------------------------------------------------------------------------
def test_image_defaults_replace_the_text_ones(tmp_path: Path) -> None:
    from engine.config import TrainConfig
    from engine.tasks.image_classification import (
        IMAGE_DEFAULT_STRATEGY,
        IMAGE_LEARNING_RATES,
        default_image_epochs,
    )

    task = tasks.get("image-classification")
    data = str(_images(tmp_path / "data", 10))  # 20 images, 18 of them training ones
    default = task.resolve_defaults(TrainConfig(data=data, device="cpu"))
    assert default.strategy == IMAGE_DEFAULT_STRATEGY == "top-layers:3"
    assert default.learning_rate == IMAGE_LEARNING_RATES["top-layers"] == 1e-3
    assert default.epochs == default_image_epochs(18) == 8.0
    assert default.model == "starter-image"  # resolve_model: the converted EfficientNet-Lite0
    assert default.dataloader_workers == 0  # on a CPU the cores train
    head = task.resolve_defaults(TrainConfig(data=data, device="cpu", strategy="head"))
    assert head.strategy == "head" and head.learning_rate == 1e-2
    mine = task.resolve_defaults(
        TrainConfig(data=data, device="cpu", strategy="full", learning_rate=1e-5, epochs=4)
    )
    assert (mine.strategy, mine.learning_rate, mine.epochs) == ("full", 1e-5, 4)
    capped = task.resolve_defaults(TrainConfig(data=data, device="cpu", max_steps=5))
    assert (
        capped.epochs == TrainConfig.epochs and capped.max_steps == 5
    )  # the person's step cap decides
    unreadable = task.resolve_defaults(TrainConfig(data=str(tmp_path / "missing"), device="cpu"))
    assert unreadable.epochs == TrainConfig.epochs  # the run itself reports the missing folder


def test_default_epochs_give_small_folders_steps_and_large_ones_one_epoch() -> None:
    from engine.tasks.image_classification import default_image_epochs

    assert default_image_epochs(240) == 8.0  # the issue's ~250 photos: 64 steps of 32
    assert default_image_epochs(500) == 4.0
    assert default_image_epochs(1000) == 2.0
    assert default_image_epochs(5000) == default_image_epochs(50000) == 1.0
    sizes = [100, 300, 700, 1500, 2500, 8000]
    assert [default_image_epochs(n) for n in sizes] == sorted(
        (default_image_epochs(n) for n in sizes), reverse=True
    )


def test_head_strategy_keeps_frozen_batchnorm_statistics(run: dict[str, Path]) -> None:
    import torch

    from engine.config import Strategy
    from engine.data import LabelMap
    from engine.models import ModelSource

    task = tasks.get("image-classification")
    source = ModelSource(str(run["model"]), run["model"], "local")
    model = task.build_model(source, LabelMap(("a", "b", "c")), _Config())
    trainable, total = task.apply_strategy(model, Strategy.parse("head"))
    assert 0 < trainable < total
    bn = model.efficientnet.embeddings.batchnorm
    before = bn.running_mean.clone()
    model.train()
    model(pixel_values=torch.randn(4, 3, 32, 32) * 5 + 3)
    assert torch.equal(bn.running_mean, before)


class _Config:
    allow_pickle = False
    trust_remote_code = False


# ----- bad input -----------------------------------------------------------------------------
def test_bad_input_is_a_clear_error_or_a_counted_skip(
    run: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from engine.config import TrainConfig

    task = tasks.get("image-classification")
    one = _images(tmp_path / "one", 3)
    (one / "blue").rename(tmp_path / "moved")
    with pytest.raises(DatasetError, match="only one class"):
        task.load_data(TrainConfig(data=str(one)))

    empty = _images(tmp_path / "empty", 3)
    (empty / "green").mkdir()
    (empty / "green" / "notes.txt").write_text("x")
    with pytest.raises(DatasetError, match="holds no images"):
        task.load_data(TrainConfig(data=str(empty)))

    messy = _images(tmp_path / "messy", 5)
    (messy / "red" / "zero.jpg").write_bytes(b"")
    (messy / "blue" / "fake.jpg").write_text("I am text, not a JPEG")
    data = task.load_data(TrainConfig(data=str(messy), validation_split=0.2))
    assert data.issues[0]["code"] == "skipped_files" and data.issues[0]["count"] == 1

    listed = tmp_path / "messy" / "list.csv"
    rows = [f"{c}/{c}{i}.png,{c}" for c in COLORS for i in range(5)]
    listed.write_text(
        "image,label\n" + "\n".join(rows) + "\n../../../etc/passwd.png,red\n", encoding="utf-8"
    )
    data = task.load_data(TrainConfig(data=str(listed), validation_split=0.2))
    reasons = [e["reason"] for e in data.issues[0]["examples"]]
    assert "outside_folder" in reasons
    # the fake JPEG is found when decoded: training goes on, the report names it
    out = tmp_path / "messy_run"
    assert main(_args(messy, run["model"], out, "--epochs", "1")) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    codes = {f["code"] for f in report["findings"]}
    assert {"skipped_files", "unreadable_images"} <= codes
    # the CLI turns a dataset error into exit code 2 with one line
    assert main(_args(one, run["model"], tmp_path / "x", "--task", "image-classification")) == 2
    assert "only one class" in capsys.readouterr().err
