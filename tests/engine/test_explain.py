"""Word attributions: offsets into the original text, CJK units, truncation, errors, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from engine.errors import DatasetError, ModelLoadError
from engine.explain import Explainer, read_explain_texts, split_units, words_from_tokens
from tests.engine.conftest import TrainedRun

POSITIVE = {"good", "great", "excellent", "love", "wonderful", "happy", "fine", "best", "nice"}


@pytest.fixture(scope="module")
def starter_tokenizer_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer BERT with random weights and the starter model's WordPiece tokenizer (so
    sub-words and Chinese characters are real), reading at most 16 tokens."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from engine.models import starter_model_path

    folder = tmp_path_factory.mktemp("explain") / "model"
    tokenizer = AutoTokenizer.from_pretrained(str(starter_model_path()), local_files_only=True)
    tokenizer.save_pretrained(str(folder))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=3,
        id2label={0: "a", 1: "b", 2: "c"},
        label2id={"a": 0, "b": 1, "c": 2},
    )
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(str(folder))
    (folder / "strop.json").write_text(
        json.dumps({"labels": ["a", "b", "c"], "max_length": 16, "text_column": "review"}),
        encoding="utf-8",
    )
    return folder


def test_trained_model_credits_the_words_that_carry_the_label(trained_run: TrainedRun) -> None:
    explainer = Explainer(trained_run.run_dir)  # a run folder works: its model/ is used
    (exp,) = explainer.explain(["the movie was great and good"])
    assert exp.label == "positive"
    assert sum(exp.scores.values()) == pytest.approx(1.0, abs=1e-5)
    assert [w.text for w in exp.words] == ["the", "movie", "was", "great", "and", "good"]
    assert max(abs(w.weight) for w in exp.words) == pytest.approx(1.0)
    best = max(exp.words, key=lambda w: w.weight)
    assert best.text in POSITIVE
    assert exp.delta < 0.05  # integration close to completeness
    d = exp.to_dict()
    assert set(d) == {"text", "label", "scores", "words", "truncated"}
    assert d["words"][3] == {"text": "great", "start": 14, "end": 19, "weight": exp.words[3].weight}


def test_offsets_subwords_and_cjk_characters(starter_tokenizer_model: Path) -> None:
    explainer = Explainer(starter_tokenizer_model)
    text = "Unbelievably  good 这个很好"
    (exp,) = explainer.explain(text, steps=8)
    assert not exp.truncated
    for w in exp.words:
        assert text[w.start : w.end] == w.text
    assert [w.text for w in exp.words] == ["Unbelievably", "good", "这", "个", "很", "好"]
    assert exp.label in {"a", "b", "c"}


def test_long_text_explains_the_part_the_model_reads(starter_tokenizer_model: Path) -> None:
    explainer = Explainer(starter_tokenizer_model)
    text = " ".join(f"word{i}" for i in range(40))
    (exp,) = explainer.explain([text], steps=4)
    assert exp.truncated
    assert exp.words and exp.words[-1].end < len(text)
    assert all(text[w.start : w.end] == w.text for w in exp.words)
    (short,) = explainer.explain(["short text"], steps=4)
    assert not short.truncated


def test_blank_text_and_missing_tokenizer_are_clear_errors(
    starter_tokenizer_model: Path, tmp_path: Path
) -> None:
    explainer = Explainer(starter_tokenizer_model)
    with pytest.raises(DatasetError, match="text 2: empty or blank"):
        explainer.explain(["fine", "   "])
    bare = tmp_path / "no-tokenizer"
    bare.mkdir()
    for name in ("config.json", "model.safetensors", "strop.json"):
        shutil.copy(starter_tokenizer_model / name, bare / name)
    with pytest.raises(ModelLoadError, match="no-tokenizer.*no tokenizer"):
        Explainer(bare)


def test_words_from_tokens_shares_a_cjk_token_by_character() -> None:
    text = "很好 ok"
    # one token spans both Chinese characters; "ok" is split in two sub-words
    words = words_from_tokens(
        text, [(0, 0), (0, 2), (3, 4), (4, 5), (0, 0)], [None, 0, 1, 1, None], [9, 2, 1, 0.5, 9]
    )
    assert [(w.text, w.start, w.end) for w in words] == [("很", 0, 1), ("好", 1, 2), ("ok", 3, 5)]
    assert [w.weight for w in words] == [pytest.approx(1 / 1.5)] * 2 + [1.0]
    assert split_units("ab中c", 0, 4) == [(0, 2), (2, 3), (3, 4)]


def test_read_explain_texts_from_text_and_csv_files(tmp_path: Path) -> None:
    txt = tmp_path / "texts.txt"
    txt.write_text("first line\n\nsecond\x85still second\r\n", encoding="utf-8")
    assert read_explain_texts(txt) == ["first line", "second\x85still second"]
    table = tmp_path / "data.csv"
    table.write_text("id,review,label\n1,nice one,a\n2,,b\n3,bad one,c\n", encoding="utf-8")
    assert read_explain_texts(table, "review") == ["nice one", "bad one"]
    assert read_explain_texts(table, "not-there") == ["nice one", "bad one"]  # detected


def test_cli_explain_writes_json_lines(starter_tokenizer_model: Path, tmp_path: Path) -> None:
    from engine.cli import main

    data = tmp_path / "data.csv"
    data.write_text("review,label\nfine thing,a\nother thing,b\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(
        ["explain", "--model", str(starter_tokenizer_model), "hello world", "--file", str(data),
         "--out", str(out), "--steps", "4"]
    )  # fmt: skip
    assert code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [d["text"] for d in lines] == ["hello world", "fine thing", "other thing"]
    assert lines[0]["words"][1] == {**lines[0]["words"][1], "text": "world", "start": 6, "end": 11}
    assert main(["explain", "--model", str(starter_tokenizer_model), " "]) == 2
