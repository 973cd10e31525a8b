"""The starter image model (conversion, cache) and the image fine-tuning strategies."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ConfigError, ModelLoadError
from engine.image_model import (
    apply_image_strategy,
    map_lite0_state_dict,
    new_image_model,
    starter_image_model_path,
)


@pytest.fixture(scope="module")
def tiny_image_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_image_model(tmp_path_factory.mktemp("tiny") / "model", ["cat", "dog", "fox"])


def _load(folder: Path, **kwargs: object) -> object:
    from transformers import AutoModelForImageClassification

    return AutoModelForImageClassification.from_pretrained(str(folder), **kwargs)


def test_strategies(tiny_image_model: Path) -> None:
    model = _load(tiny_image_model)
    head, total = apply_image_strategy(model, "head")
    assert head == sum(p.numel() for p in model.classifier.parameters())  # type: ignore[attr-defined]
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}  # type: ignore[attr-defined]
    assert trainable == {"classifier.weight", "classifier.bias"}
    one, _ = apply_image_strategy(model, "top-layers:1")
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}  # type: ignore[attr-defined]
    assert any(n.startswith("efficientnet.encoder.top_conv") for n in trainable)
    assert not any(n.startswith("efficientnet.embeddings") for n in trainable)
    two, _ = apply_image_strategy(model, "top-layers:2")
    many, _ = apply_image_strategy(model, "top-layers:99")
    full, total2 = apply_image_strategy(model, "full")
    assert head < one < two <= many <= full == total == total2


@pytest.mark.parametrize("bad", ["top-layers:0", "top-layers:x", "last", ""])
def test_bad_strategy(tiny_image_model: Path, bad: str) -> None:
    with pytest.raises(ConfigError):
        apply_image_strategy(_load(tiny_image_model), bad)


def test_mapping_refuses_a_wrong_shape() -> None:
    import torch
    from transformers import EfficientNetForImageClassification

    from engine.image_model import _load_original_state_dict, lite0_config

    original = _load_original_state_dict()
    target = EfficientNetForImageClassification(lite0_config(num_labels=1000)).state_dict()
    mapped = map_lite0_state_dict(original, target)
    assert mapped["classifier.weight"] is original["_fc.weight"]
    assert float(mapped["efficientnet.encoder.blocks.3.squeeze_excite.expand.bias"].min()) == 30
    original["_blocks.2._project_conv.weight"] = torch.zeros(1, 1, 1, 1)
    with pytest.raises(ModelLoadError, match="_blocks.2._project_conv.weight"):
        map_lite0_state_dict(original, target)


@pytest.mark.slow
def test_starter_converts_once_and_ranks_daisy(strop_home: Path) -> None:
    import torch
    from PIL import Image
    from sklearn.datasets import load_sample_image
    from transformers import AutoImageProcessor, pipeline

    from engine.image_model import _load_original_state_dict, reference_lite0_logits
    from engine.paths import cache_dir

    # A half-written folder from an interrupted first run is rebuilt, not trusted.
    stale = cache_dir() / "starter-image"
    stale.mkdir(parents=True)
    (stale / "config.json").write_text("{}")

    folder = starter_image_model_path()
    assert folder == stale and (folder / "model.safetensors").is_file()
    assert [p.name for p in folder.parent.iterdir() if p.name.endswith(".tmp")] == []
    stamp = (folder / "model.safetensors").stat().st_mtime_ns
    assert starter_image_model_path() == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == stamp

    model = _load(folder).eval()  # type: ignore[attr-defined]
    processor = AutoImageProcessor.from_pretrained(str(folder))
    image = Image.fromarray(load_sample_image("flower.jpg"))
    with torch.no_grad():
        inputs = processor(image, return_tensors="pt")
        logits = model(**inputs).logits
        reference = reference_lite0_logits(_load_original_state_dict(), inputs["pixel_values"])
    assert float((logits - reference).abs().max()) < 1e-4
    assert int(logits.argmax()) == 985 and model.config.id2label[985] == "daisy"

    classify = pipeline("image-classification", model=str(folder))
    assert classify(image)[0]["label"] == "daisy"

    new = _load(
        folder,
        num_labels=2,
        id2label={0: "a", 1: "b"},
        label2id={"a": 0, "b": 1},
        ignore_mismatched_sizes=True,
    )
    assert new.classifier.out_features == 2  # type: ignore[attr-defined]
    trainable, total = apply_image_strategy(new, "full")
    se = [p for n, p in new.named_parameters() if ".squeeze_excite." in n]  # type: ignore[attr-defined]
    assert se and not any(p.requires_grad for p in se)
    assert trainable == total - sum(p.numel() for p in se)
