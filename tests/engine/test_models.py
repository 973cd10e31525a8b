"""Resolving, checking, describing and building models; what each strategy trains."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.config import Strategy
from engine.data import LabelMap
from engine.errors import ConfigError, ModelLoadError
from engine.models import (
    apply_strategy,
    build_classifier,
    check_model_folder,
    describe_model,
    encoder_layers,
    load_tokenizer,
    model_max_length,
    resolve_model,
    starter_model_path,
)
from tests.engine.conftest import bad_model_folder

LABELS = LabelMap(("negative", "neutral", "positive"))


@pytest.fixture(scope="module")
def classifier(tiny_model: Path):
    return build_classifier(resolve_model(str(tiny_model)), LABELS)


def test_resolve_local_folder_and_run_folder(tiny_model: Path, tmp_path: Path) -> None:
    source = resolve_model(str(tiny_model))
    assert (source.kind, source.path) == ("local", tiny_model)
    run = tmp_path / "run"
    (run / "model").mkdir(parents=True)
    for f in tiny_model.iterdir():
        (run / "model" / f.name).write_bytes(f.read_bytes())
    source = resolve_model(str(run))
    assert (source.kind, source.path) == ("run", run / "model")


def test_starter_model_resolves_and_is_described() -> None:
    source = resolve_model(None)
    assert source.kind == "starter" and source.path == starter_model_path()
    info = describe_model(source)
    assert info.model_type == "bert" and info.layers == 6
    assert 22_000_000 < (info.parameters or 0) < 23_500_000
    assert info.max_positions == 512 and info.vocab_size == 30522
    assert "starter" in info.summary()


def test_describe_tiny_model(tiny_model: Path) -> None:
    info = describe_model(resolve_model(str(tiny_model)))
    assert info.architecture == "BertForSequenceClassification"
    assert (info.layers, info.hidden_size, info.max_positions) == (2, 32, 64)
    assert info.parameters and info.parameters < 200_000
    assert model_max_length(load_tokenizer(resolve_model(str(tiny_model))), info) == 64


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("empty", "empty"),
        ("config_only", "no weights"),
        ("no_tokenizer", "no tokenizer"),
        ("no_classification_head", "no text-classification head"),
        ("remote_code", "trust_remote_code"),
        ("pickle_only", "pickle"),
    ],
)
def test_bad_folders_are_refused(tiny_model: Path, tmp_path: Path, kind: str, words: str) -> None:
    folder = bad_model_folder(kind, tiny_model, tmp_path / kind)
    with pytest.raises(ModelLoadError) as info:
        resolve_model(str(folder))
    assert str(folder) in str(info.value) and words in str(info.value)


def test_opt_ins_lift_their_refusal_only(tiny_model: Path, tmp_path: Path) -> None:
    pickled = bad_model_folder("pickle_only", tiny_model, tmp_path / "pickled")
    assert resolve_model(str(pickled), allow_pickle=True).path == pickled
    remote = bad_model_folder("remote_code", tiny_model, tmp_path / "remote")
    check_model_folder(remote, trust_remote_code=True)  # no error once the user opts in
    with pytest.raises(ModelLoadError, match="trust_remote_code"):
        check_model_folder(remote, allow_pickle=True)


def test_pickled_weights_load_with_weights_only(tiny_model: Path, tmp_path: Path) -> None:
    import torch

    pickled = bad_model_folder("pickle_only", tiny_model, tmp_path / "pickled")
    model = build_classifier(
        resolve_model(str(pickled), allow_pickle=True), LABELS, allow_pickle=True
    )
    reference = build_classifier(resolve_model(str(tiny_model)), LABELS)
    assert torch.equal(
        model.bert.embeddings.word_embeddings.weight,
        reference.bert.embeddings.word_embeddings.weight,
    )
    evil = bad_model_folder("malicious_pickle", tiny_model, tmp_path / "evil")
    source = resolve_model(str(evil), allow_pickle=True)
    with pytest.raises(ModelLoadError, match="could run code"):
        build_classifier(source, LABELS, allow_pickle=True)
    assert not (tmp_path / "evil-code-ran").exists()


def test_missing_paths_and_bad_ids(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="not found"):
        resolve_model(str(tmp_path / "nope"))
    with pytest.raises(ModelLoadError, match="neither a model folder nor"):
        resolve_model("not a valid id!")
    (tmp_path / "file.bin").write_bytes(b"x")
    with pytest.raises(ModelLoadError, match="must be a folder"):
        resolve_model(str(tmp_path / "file.bin"))


def test_unknown_hub_id_offline_fails_fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    started = time.monotonic()
    with pytest.raises(ModelLoadError) as info:
        resolve_model("someone/no-such-model-xyz", allow_download=True)
    assert time.monotonic() - started < 5
    assert "offline" in str(info.value) and "someone/no-such-model-xyz" in str(info.value)


def test_classifier_has_the_label_maps(classifier) -> None:
    assert classifier.config.id2label == {0: "negative", 1: "neutral", 2: "positive"}
    assert classifier.config.label2id == {"negative": 0, "neutral": 1, "positive": 2}
    assert classifier.config.num_labels == 3
    assert classifier.classifier.out_features == 3


def _trainable(model) -> set[str]:
    return {name for name, p in model.named_parameters() if p.requires_grad}


def test_strategies_freeze_the_right_parameters(classifier) -> None:
    names = {name for name, _ in classifier.named_parameters()}
    head = {n for n in names if n.startswith(("classifier.", "bert.pooler."))}
    top = {n for n in names if n.startswith("bert.encoder.layer.1.")}
    assert head and top

    trainable, total = apply_strategy(classifier, Strategy.parse("head"))
    assert _trainable(classifier) == head
    assert trainable == sum(p.numel() for n, p in classifier.named_parameters() if n in head)
    assert total == sum(p.numel() for p in classifier.parameters())

    apply_strategy(classifier, Strategy.parse("top-layers:1"))
    assert _trainable(classifier) == head | top

    apply_strategy(classifier, Strategy.parse("top-layers:2"))
    assert _trainable(classifier) == head | top | {
        n for n in names if n.startswith("bert.encoder.layer.0.")
    }
    assert not any("embeddings" in n for n in _trainable(classifier))

    trainable, total = apply_strategy(classifier, Strategy.parse("full"))
    assert _trainable(classifier) == names and trainable == total


def test_too_many_top_layers(classifier) -> None:
    assert len(encoder_layers(classifier)) == 2
    with pytest.raises(ConfigError, match="2 layers"):
        apply_strategy(classifier, Strategy.parse("top-layers:3"))
