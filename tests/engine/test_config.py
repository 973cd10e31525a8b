from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from engine.config import DEFAULT_LEARNING_RATES, Strategy, TrainConfig
from engine.errors import ConfigError


def _every_field_changed() -> TrainConfig:
    return TrainConfig(
        data="train.csv",
        validation="val.jsonl",
        task="text-classification",
        text_column="review",
        label_column="stars",
        validation_split=0.2,
        model="some/model",
        strategy="top-layers:2",
        trust_remote_code=True,
        allow_pickle=True,
        train_word_embeddings=True,
        epochs=1.5,
        batch_size=8,
        learning_rate=3e-5,
        head_learning_rate_factor=4.0,
        warmup_ratio=0.1,
        weight_decay=0.0,
        max_length=96,
        gradient_accumulation=4,
        max_steps=500,
        seed=123,
        device="cpu",
        precision="bf16",
        group_by_length=False,
        dataloader_workers=2,
        logging_steps=5,
        eval_steps=50,
        save_steps=100,
        save_total_limit=3,
        early_stopping_patience=0,
        output="runs/x",
        extra={"note": "中文 ok", "n": 1},
    )


def test_every_field_round_trips_through_json(tmp_path: Path) -> None:
    config = _every_field_changed()
    defaults = TrainConfig()
    # the fixture really changes every field, so the round trip covers them all
    for f in dataclasses.fields(TrainConfig):
        assert getattr(config, f.name) != getattr(defaults, f.name), f.name
    assert TrainConfig.from_json(config.to_json()) == config
    path = tmp_path / "run.json"
    config.save(path)
    assert TrainConfig.load(path) == config
    assert json.loads(path.read_text(encoding="utf-8"))["extra"]["note"] == "中文 ok"


def test_defaults_round_trip_and_validate() -> None:
    config = TrainConfig(data="x.csv")
    assert TrainConfig.from_json(config.to_json()) == config
    assert config.validate() is config
    assert config.model == "starter" and config.strategy == "full"


def test_unknown_key_is_a_config_error_naming_it() -> None:
    text = json.dumps({"data": "x.csv", "epoch": 3})
    with pytest.raises(ConfigError, match="epoch"):
        TrainConfig.from_json(text)


@pytest.mark.parametrize(
    "text",
    ["{not json", "[1, 2]", '"a string"'],
)
def test_malformed_json_is_a_config_error(text: str) -> None:
    with pytest.raises(ConfigError):
        TrainConfig.from_json(text)


@pytest.mark.parametrize(
    ("changes", "word"),
    [
        ({"data": ""}, "data"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch size"),
        ({"learning_rate": -1.0}, "learning rate"),
        ({"warmup_ratio": 1.0}, "warmup"),
        ({"weight_decay": -0.1}, "weight decay"),
        ({"max_length": 4}, "max length"),
        ({"gradient_accumulation": 0}, "accumulation"),
        ({"max_steps": 0}, "max steps"),
        ({"validation_split": 0.0}, "validation split"),
        ({"validation_split": 0.95}, "validation split"),
        ({"save_total_limit": 0}, "save total limit"),
        ({"early_stopping_patience": -1}, "patience"),
        ({"dataloader_workers": -1}, "workers"),
        ({"logging_steps": 0}, "logging steps"),
        ({"eval_steps": 0}, "eval steps"),
        ({"save_steps": 0}, "save steps"),
        ({"device": "tpu"}, "device"),
        ({"precision": "fp8"}, "precision"),
        ({"strategy": "top-layers:0"}, "top-layers"),
        ({"strategy": "lora"}, "strategy"),
    ],
)
def test_bad_values_are_config_errors(changes: dict, word: str) -> None:
    config = TrainConfig(data="x.csv").replace(**changes)
    with pytest.raises(ConfigError) as info:
        config.validate()
    assert word in str(info.value).lower()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("epochs", "three"),
        ("batch_size", 2.5),
        ("batch_size", True),
        ("learning_rate", "fast"),
        ("trust_remote_code", "yes"),
        ("data", 5),
        ("max_length", [128]),
        ("extra", "not a dict"),
    ],
)
def test_wrong_types_in_json_are_config_errors_naming_the_setting(key: str, value: object) -> None:
    text = json.dumps({"data": "x.csv", key: value})
    with pytest.raises(ConfigError, match=key):
        TrainConfig.from_json(text).validate()


def test_integers_are_accepted_for_float_settings() -> None:
    config = TrainConfig.from_json(json.dumps({"data": "x.csv", "epochs": 2, "learning_rate": 1}))
    assert config.validate().epochs == 2


def test_load_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        TrainConfig.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": "x.csv", "colour": 1}', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        TrainConfig.load(bad)
    assert str(bad) in str(info.value) and "colour" in str(info.value)
    garbage = tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ConfigError, match=str(garbage)):
        TrainConfig.load(garbage)


def test_with_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mymodel").mkdir()
    config = TrainConfig(data="d.csv", validation="v.csv", output="out", model="mymodel")
    absolute = config.with_absolute_paths()
    assert absolute.data == str(tmp_path / "d.csv")
    assert absolute.validation == str(tmp_path / "v.csv")
    assert absolute.output == str(tmp_path / "out")
    assert absolute.model == str(tmp_path / "mymodel")
    # the starter and hub ids are not paths
    assert TrainConfig(data="d.csv").with_absolute_paths().model == "starter"
    assert TrainConfig(data="d.csv", model="org/name").with_absolute_paths().model == "org/name"


@pytest.mark.parametrize(
    ("text", "kind", "layers"),
    [
        ("full", "full", 0),
        ("head", "head", 0),
        ("top-layers:2", "top-layers", 2),
        (" HEAD ", "head", 0),
    ],
)
def test_strategy_parse(text: str, kind: str, layers: int) -> None:
    strategy = Strategy.parse(text)
    assert (strategy.kind, strategy.layers) == (kind, layers)
    assert Strategy.parse(str(strategy)) == strategy
    assert strategy.description


def test_learning_rate_defaults_follow_the_strategy() -> None:
    for strategy, kind in (("full", "full"), ("top-layers:1", "top-layers"), ("head", "head")):
        config = TrainConfig(data="x.csv", strategy=strategy)
        assert config.resolved_learning_rate() == DEFAULT_LEARNING_RATES[kind]
    assert TrainConfig(data="x.csv", learning_rate=1e-2).resolved_learning_rate() == 1e-2


def test_the_head_learning_rate_factor_applies_with_the_automatic_learning_rate() -> None:
    from engine.config import HEAD_LEARNING_RATE_FACTORS

    auto = TrainConfig(data="x.csv")
    assert auto.resolved_head_learning_rate_factor() == HEAD_LEARNING_RATE_FACTORS["full"]
    assert TrainConfig(data="x.csv", strategy="head").resolved_head_learning_rate_factor() == 1.0
    chosen = TrainConfig(data="x.csv", learning_rate=1e-4)
    assert chosen.resolved_head_learning_rate_factor() == 1.0  # a chosen rate is for every weight
    given = TrainConfig(data="x.csv", learning_rate=1e-4, head_learning_rate_factor=5.0)
    assert given.resolved_head_learning_rate_factor() == 5.0


def test_the_word_embeddings_freeze_only_with_the_automatic_learning_rate() -> None:
    assert not TrainConfig(data="x.csv").resolved_train_word_embeddings()
    assert TrainConfig(data="x.csv", train_word_embeddings=True).resolved_train_word_embeddings()
    assert TrainConfig(data="x.csv", learning_rate=1e-4).resolved_train_word_embeddings()
