"""The token-classification task through the shared engine, CLI and export, on a tiny BERT
(2 layers, word-level vocabulary) and a few dozen generated CoNLL sentences."""

from __future__ import annotations

import json
import random
import threading
from pathlib import Path
from typing import Any

import pytest

from engine import tasks
from engine.cli import main
from engine.events import Recorder, StepLogged
from engine.tasks.token_classification import TokenClassification
from engine.training import train
from tests.conftest import build_tiny_encoder
from tests.engine.conftest import fast_config

NAMES = ["john", "mary", "anna", "peter", "paul", "sarah"]
CITIES = [["paris"], ["london"], ["berlin"], ["rome"], ["new", "york"], ["hong", "kong"]]
FILLER = ["today", "we", "saw", "a", "very", "nice", "house", "and", "then", "left", "it"]
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "lives", "in", ".", ",", *NAMES, *FILLER]
VOCAB += sorted({w for city in CITIES for w in city})


def sentence(rng: random.Random) -> tuple[list[str], list[str]]:
    name, city = rng.choice(NAMES), rng.choice(CITIES)
    lead = rng.sample(FILLER, rng.randint(0, 3))  # entities at varying positions
    words = lead + [name.title(), "lives", "in"] + [c.title() for c in city] + ["."]
    tags = ["O"] * len(lead) + ["B-PER", "O", "O", "B-LOC"] + ["I-LOC"] * (len(city) - 1)
    return words, tags + ["O"]


def write_conll(path: Path, count: int, seed: int) -> Path:
    rng = random.Random(seed)
    blocks = []
    for _ in range(count):
        words, tags = sentence(rng)
        blocks.append("\n".join(f"{w} {t}" for w, t in zip(words, tags, strict=True)))
    path.write_text("-DOCSTART- O\n\n" + "\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ner_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer BERT whose word-level vocabulary covers the generated sentences."""
    return build_tiny_encoder(tmp_path_factory.mktemp("models") / "tiny-ner-bert", VOCAB)


@pytest.fixture(scope="module")
def trained(ner_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One run through the CLI: ``python main.py train --data x.conll``."""
    root = tmp_path_factory.mktemp("token-run")
    data = write_conll(root / "x.conll", 80, 0)
    run = root / "run"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STROP_HOME", str(root / "home"))
        code = main(
            ["train", "--data", str(data), "--model", str(ner_model), "--output", str(run),
             "--epochs", "8", "--batch-size", "8", "--learning-rate", "5e-3", "--device", "cpu",
             # every weight: the tiny model's embeddings are random, not pre-trained
             "--strategy", "full",
             "--precision", "fp32", "--seed", "3", "--quiet"]
        )  # fmt: skip
    assert code == 0
    return {"run": run, "data": data, "test": write_conll(root / "test.conll", 20, 9)}


# ----- detection ------------------------------------------------------------------------
def test_conll_txt_is_token_data_and_a_csv_is_not(tmp_path: Path) -> None:
    conll = write_conll(tmp_path / "ner.txt", 5, 0)
    assert tasks.detect(conll).name == "token-classification"
    table = tmp_path / "texts.csv"
    table.write_text("text,label\nJohn lives in Paris,positive\nbad film,negative\n")
    assert TokenClassification().detect(table) < 0.5
    assert tasks.detect(table).name == "text-classification"
    assert TokenClassification().detect(tmp_path) == 0.0  # a folder is not token data


def test_doccano_is_token_data_and_a_classification_jsonl_is_not(tmp_path: Path) -> None:
    spans = tmp_path / "doccano.jsonl"
    records = [{"text": "John lives in Paris", "label": [[0, 4, "PER"], [14, 19, "LOC"]]}] * 3
    spans.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    assert tasks.detect(spans).name == "token-classification"
    classes = tmp_path / "classes.jsonl"
    classes.write_text('{"text": "a good film", "label": "positive"}\n' * 3)
    assert TokenClassification().detect(classes) < 0.5
    assert tasks.detect(classes).name == "text-classification"


# ----- training through the CLI ---------------------------------------------------------
def test_train_writes_a_run_with_entity_metrics(trained: dict[str, Path]) -> None:
    run = trained["run"]
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["task"] == "token-classification"
    assert metrics["main_metric"] == "entity_f1"
    assert metrics["entity_f1"] > 0.8
    assert metrics["score"] == metrics["entity_f1"]
    assert metrics["labels"] == ["LOC", "PER"]
    assert set(metrics["per_type"]) == {"LOC", "PER"}
    assert metrics["num_examples"] == 8  # a tenth of 80 sentences, merged from windows
    table = metrics["confusion_table"]
    assert sum(table["PER"].values()) == metrics["per_type"]["PER"]["support"]
    meta = json.loads((run / "model" / "strop.json").read_text())
    assert meta["task"] == "token-classification"
    assert meta["labels"] == ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]
    assert meta["max_length"] and meta["stride"] >= 0 and meta["label_all_subtokens"] is False
    report = json.loads((run / "report.json").read_text())
    assert report["entity_counts"]["train"]["PER"] == 72
    assert report["max_length"] == meta["max_length"]
    assert tasks.for_model(run / "model").name == "token-classification"


def test_predict_prints_entities_with_character_offsets(
    trained: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    text = "  Today we Mary lives in New York ."
    assert main(["predict", "--model", str(trained["run"]), text, "", "--device", "cpu"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines[1] == {"text": "", "entities": []}
    found = [(e["label"], e["text"], e["start"], e["end"]) for e in lines[0]["entities"]]
    assert found == [("PER", "Mary", 11, 15), ("LOC", "New York", 25, 33)]
    assert all(text[e["start"] : e["end"]] == e["text"] for e in lines[0]["entities"])


def test_predict_file_writes_json_lines(trained: dict[str, Path], tmp_path: Path) -> None:
    texts = tmp_path / "texts.txt"
    texts.write_text("Anna lives in Rome .\n\nPaul lives in Hong Kong .\n")
    out = tmp_path / "out.jsonl"
    model = str(trained["run"])
    assert main(["predict", "--model", model, "--file", str(texts), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["text"] for r in rows] == ["Anna lives in Rome .", "Paul lives in Hong Kong ."]
    assert [e["text"] for e in rows[1]["entities"]] == ["Paul", "Hong Kong"]


def test_evaluate_prints_entity_scores(
    trained: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--model", str(trained["run"]), "--data", str(trained["test"])]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert list(scores)[:3] == ["entity_f1", "entity_precision", "entity_recall"]
    assert scores["entity_f1"] > 0.8
    assert scores["per_type"]["PER"]["support"] == 20
    assert scores["num_examples"] == 20


# ----- export ---------------------------------------------------------------------------
def test_export_loads_in_the_pipeline_with_a_verified_onnx(
    trained: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import runpy

    from transformers import pipeline

    from engine.export import export_run

    result = export_run(trained["run"], tmp_path / "export")
    folder = result.path
    assert (folder / "predict.py").read_text().startswith('"""Find named entities')
    card = (folder / "README.md").read_text()
    assert 'aggregation_strategy="simple"' in card and "| PER |" in card
    tag = pipeline("token-classification", model=str(folder), aggregation_strategy="simple")
    found = [(e["entity_group"], e["start"], e["end"]) for e in tag("Mary lives in New York .")]
    assert found == [("PER", 0, 4), ("LOC", 14, 22)]
    # the shipped script, run in this process (a subprocess would import torch again)
    script = runpy.run_path(str(folder / "predict.py"), run_name="predict")
    assert script["main"](["Mary lives in New York ."]) == 0
    line = json.loads(capsys.readouterr().out)
    assert [(e["label"], e["text"], e["start"]) for e in line["entities"]] == [
        ("PER", "Mary", 0),
        ("LOC", "New York", 14),
    ]
    pytest.importorskip("onnxruntime")
    assert result.onnx.status == "verified", result.onnx.message
    assert result.onnx.texts_checked >= 8 + 7  # the validation sentences and the probes


# ----- stop and resume ------------------------------------------------------------------
def test_stopped_run_resumes_to_the_end(ner_model: Path, tmp_path: Path) -> None:
    data = write_conll(tmp_path / "x.conll", 40, 1)
    settings: dict[str, Any] = {"epochs": 3, "batch_size": 8, "eval_steps": 3, "save_steps": 3}
    stop = threading.Event()

    def sink(event: Any) -> None:
        if isinstance(event, StepLogged) and event.step >= 4:
            stop.set()

    first = train(fast_config(data, ner_model, tmp_path / "run", **settings), sink, stop)
    assert first.state.name == "STOPPED"
    assert first.checkpoint is not None
    recorder = Recorder()
    second = train(fast_config(data, ner_model, tmp_path / "run"), recorder, resume=True)
    assert second.state.name == "FINISHED"
    assert second.metrics["task"] == "token-classification"
    assert second.metrics["step"] == 15  # 36 sentences, 5 batches an epoch, 3 epochs
    assert "entity_f1" in second.metrics


# ----- bad input ------------------------------------------------------------------------
def test_bad_input_exits_2_with_one_line(
    ner_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"tokens": [], "ner_tags": []}\n{"tokens": ["a"], "ner_tags": ["O"]}\n')
    code = main(
        ["train", "--data", str(empty), "--task", "token-classification", "--model",
         str(ner_model), "--output", str(tmp_path / "run"), "--device", "cpu"]
    )  # fmt: skip
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "record 1" in err[0] and "no tokens" in err[0]
    assert not (tmp_path / "run").exists()


# ----- merging windows back into sentences ----------------------------------------------
def test_window_order_follows_trainers_length_grouped_evaluation(ner_model: Path) -> None:
    """Trainer's evaluation order is recovered only when every row's gold labels fit."""
    import numpy as np
    import torch
    from transformers import AutoTokenizer
    from transformers.trainer_pt_utils import get_length_grouped_indices

    from engine.data import LabelMap
    from engine.tasks.token_classification import TokenExtra, window_order
    from engine.token_align import encode

    rng = random.Random(4)
    sentences = [sentence(rng) for _ in range(150)]
    tokenizer = AutoTokenizer.from_pretrained(str(ner_model))
    labels = LabelMap(("O", "B-LOC", "I-LOC", "B-PER", "I-PER"))
    windows = encode(sentences, tokenizer, labels.label2id, 8, stride=2, with_words=True)
    windows = windows.add_column("length", [len(r) for r in windows["input_ids"]])
    extra = TokenExtra(tokens=None, validation_windows=windows, batch_size=16, seed=5)
    generator = torch.Generator().manual_seed(5)
    order = get_length_grouped_indices(windows["length"], 64, generator=generator)
    width = max(windows["length"])
    gold = np.full((len(windows), width), -100)
    for row, index in enumerate(order):
        gold[row, : windows["length"][index]] = windows["labels"][index]
    assert window_order(gold, windows, extra) == list(order)
    assert window_order(gold[: len(windows) // 2], windows, extra) is None
    gold[0, 1] = (gold[0, 1] + 1) % 5  # one label that fits no order
    assert window_order(gold, windows, extra) is None


def test_report_cli_describes_the_entities(
    ner_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_conll(tmp_path / "x.conll", 30, 2)
    assert main(["report", "--data", str(data), "--model", str(ner_model)]) == 0
    text = capsys.readouterr().out
    assert "conll, tags in IOB2" in text and "PER" in text and "LOC" in text


def test_token_defaults_are_valid_settings_and_fill_an_auto_learning_rate(tmp_path: Path) -> None:
    from engine.config import TrainConfig

    task = tasks.get("token-classification")
    data = write_conll(tmp_path / "x.conll", 4, 0)
    config = TrainConfig(data=str(data), **task.defaults()).validate()
    assert (config.batch_size, config.epochs, config.strategy) == (16, 2.5, "top-layers:4")
    resolved = task.resolve_defaults(config)
    assert resolved.learning_rate == 3e-4 and resolved.head_learning_rate_factor == 10.0
    assert resolved.resolved_head_learning_rate_factor() == 10.0  # what the run uses
    auto = task.resolve_defaults(TrainConfig(data=str(data), strategy="head"))
    assert auto.learning_rate == 1e-3 and auto.head_learning_rate_factor == 1.0
    given = task.resolve_defaults(TrainConfig(data=str(data), learning_rate=2e-5))
    assert given.learning_rate == 2e-5 and given.head_learning_rate_factor is None
    own = config.replace(head_learning_rate_factor=3.0)
    assert task.resolve_defaults(own).head_learning_rate_factor == 3.0


def test_default_top_layers_on_a_shallower_model_trains_every_layer(ner_model: Path) -> None:
    """The default names four layers; a 2-layer model trains both, embeddings frozen, where
    the shared strategy code would refuse."""
    from transformers import AutoModelForTokenClassification

    from engine.config import Strategy
    from engine.errors import ConfigError
    from engine.models import apply_strategy

    task = tasks.get("token-classification")
    model = AutoModelForTokenClassification.from_pretrained(str(ner_model), num_labels=5)
    with pytest.raises(ConfigError):
        apply_strategy(model, Strategy("top-layers", 4))
    trainable, total = task.apply_strategy(model, Strategy("top-layers", 4))
    assert (trainable, total) == apply_strategy(model, Strategy("top-layers", 2))
    assert 0 < trainable < total
    assert not model.base_model.embeddings.word_embeddings.weight.requires_grad
    assert all(p.requires_grad for p in model.base_model.encoder.parameters())
