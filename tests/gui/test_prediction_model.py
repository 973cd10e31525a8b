"""The Prediction tab's model: the task a model folder was trained for, and the list of
trained models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gui.prediction_model import model_task


def test_the_task_of_a_model_folder_comes_from_its_record_or_architecture(
    tmp_path: Path,
) -> None:
    ner = tmp_path / "ner"
    ner.mkdir()
    (ner / "config.json").write_text(json.dumps({"architectures": ["BertForTokenClassification"]}))
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "config.json").write_text(
        json.dumps({"architectures": ["EfficientNetForImageClassification"]})
    )
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "strop.json").write_text(json.dumps({"task": "text-classification"}))
    assert model_task(str(ner)) == "token-classification"
    assert model_task(str(photos)) == "image-classification"
    assert model_task(str(texts)) == "text-classification"


def test_the_picker_selects_a_chosen_folder_and_describes_its_entity_types(
    qtbot: Any, tmp_path: Path
) -> None:
    from gui.prediction_model import ModelPicker

    picker = ModelPicker()
    qtbot.addWidget(picker)
    ner = tmp_path / "ner"
    ner.mkdir()
    meta = {"labels": ["O", "B-PER", "I-PER", "B-LOC"], "base_model_name": "tiny-bert"}
    (ner / "strop.json").write_text(json.dumps({**meta, "metrics": {"accuracy": 0.5}}))
    with qtbot.waitSignal(picker.modelChanged, timeout=1_000):
        picker.add_model(str(ner))
    assert picker.model_path == str(ner)
    assert picker.info.text() == (
        "2 entity types (LOC, PER); fine-tuned from tiny-bert. Validation accuracy 50.0%."
    )
    picker.add_model(str(ner))  # offered once, however often it is chosen
    assert picker.combo.count() == 1
