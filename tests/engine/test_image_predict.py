"""Prediction and evaluation with an image model; the dataset and collator through Trainer."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from engine.errors import DatasetError, ModelLoadError
from engine.image_data import ImageDataset, collate_images, image_preprocessing, read_image_data
from engine.image_model import new_image_model
from engine.image_predict import ImagePredictor, evaluate
from tests.engine.test_image_task import COLORS, _images


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny EfficientNet fine-tuned by transformers' Trainer on red vs blue squares."""
    import torch
    from transformers import AutoModelForImageClassification, Trainer, TrainingArguments

    tmp = tmp_path_factory.mktemp("img")
    data_dir = _images(tmp / "data", 10)
    data = read_image_data(data_dir, validation_split=0.2)
    model_dir = new_image_model(tmp / "start", data.labels, image_size=32)
    model = AutoModelForImageClassification.from_pretrained(str(model_dir))
    prep = image_preprocessing(model_dir)
    torch.manual_seed(0)
    args = TrainingArguments(
        output_dir=str(tmp / "out"),
        num_train_epochs=6,
        per_device_train_batch_size=8,
        learning_rate=5e-3,
        report_to=[],
        save_strategy="no",
        logging_steps=1,
        use_cpu=True,
        remove_unused_columns=False,
        dataloader_num_workers=0,
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=ImageDataset(data.train, prep, train=True),
        data_collator=collate_images,
    )
    trainer.train()
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    assert len(losses) == trainer.state.global_step > 1
    # The dataset and collator feed Trainer: the tiny model fits the two colours.
    assert all(math.isfinite(v) for v in losses) and losses[-1] < losses[0]
    out = tmp / "model"
    trainer.save_model(str(out))
    (out / "preprocessor_config.json").write_bytes(
        (model_dir / "preprocessor_config.json").read_bytes()
    )
    return out, data_dir


def test_predict_scores_and_bad_files(trained: tuple[Path, Path], tmp_path: Path) -> None:
    model_dir, data_dir = trained
    predictor = ImagePredictor(model_dir, batch_size=4)
    assert predictor.labels == ["blue", "red"]
    (tmp_path / "broken.jpg").write_bytes(b"nope")
    paths = [
        data_dir / "red" / "red0.png",
        tmp_path / "broken.jpg",
        data_dir / "blue" / "blue1.png",
    ]
    out = predictor.predict(paths)
    assert [r["path"] for r in out] == [str(p) for p in paths]
    assert out[1]["label"] is None and "broken.jpg" in out[1]["error"]
    for row in (out[0], out[2]):
        assert set(row["scores"]) == {"blue", "red"}
        assert abs(sum(row["scores"].values()) - 1) < 1e-5
        assert row["label"] == max(row["scores"], key=row["scores"].get)


def test_predict_folder_and_csv(trained: tuple[Path, Path], tmp_path: Path) -> None:
    model_dir, data_dir = trained
    predictor = ImagePredictor(model_dir)
    n = predictor.predict_folder(data_dir, tmp_path / "folder.csv")
    with open(tmp_path / "folder.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert n == len(rows) == 20
    assert rows[0]["path"] == str(Path("blue") / "blue0.png")
    assert {"label", "p_blue", "p_red", "error"} <= set(rows[0])

    listing = data_dir / "list.csv"
    listing.write_text("image,note\nred/red3.png,x\n../outside.png,y\nred/missing.png,z\n")
    assert predictor.predict_csv(listing, tmp_path / "list_out.csv") == 3
    with open(tmp_path / "list_out.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["note"] for r in rows] == ["x", "y", "z"]
    assert rows[0]["label"] in COLORS and rows[0]["error"] == ""
    assert rows[1]["label"] == "" and "outside" in rows[1]["error"]
    assert rows[2]["label"] == "" and rows[2]["error"]
    listing.unlink()


def test_evaluate(trained: tuple[Path, Path], tmp_path: Path) -> None:
    model_dir, data_dir = trained
    result = evaluate(model_dir, data_dir)
    assert result["split"] == "all" and result["num_examples"] == 20
    paths = sorted(data_dir.glob("*/*.png"))
    predicted = ImagePredictor(model_dir).predict(paths)
    right = sum(p["label"] == path.parent.name for p, path in zip(predicted, paths, strict=True))
    assert result["accuracy"] == pytest.approx(right / 20)
    assert sum(map(sum, result["confusion_matrix"])) == 20
    assert set(result["per_class"]) == {"blue", "red"}

    other = _images(tmp_path / "other", 2)
    (other / "green").mkdir()
    (other / "green" / "g.png").write_bytes((other / "red" / "red0.png").read_bytes())
    split = tmp_path / "split"
    _images(split / "train", 3)
    _images(split / "val", 2)
    assert evaluate(model_dir, split)["split"] == "validation"
    assert evaluate(model_dir, split)["num_examples"] == 4
    with pytest.raises(DatasetError, match="green"):
        evaluate(model_dir, other)
    with pytest.raises(ModelLoadError):
        ImagePredictor(tmp_path)
