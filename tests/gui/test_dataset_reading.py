"""gui.dataset_reading: the reads behind the Dataset tab, called directly (no thread, no widget)."""

from __future__ import annotations

from pathlib import Path

from gui.dataset_reading import (
    detect_task,
    image_counts,
    join_sentences,
    load_token_preview,
    sentence_entities,
)
from tests.gui.dataset_files import write_conll, write_images


def test_a_sentence_is_its_words_joined_with_entities_as_character_spans() -> None:
    text, entities = sentence_entities(
        ["Ann", "Lee", "visited", "Paris"], ["B-PER", "I-PER", "O", "B-LOC"]
    )
    assert text == "Ann Lee visited Paris"
    assert entities == [
        {"start": 0, "end": 7, "label": "PER"},
        {"start": 16, "end": 21, "label": "LOC"},
    ]


def test_joined_sentences_keep_each_entity_on_its_words() -> None:
    first = ("Ann came", [{"start": 0, "end": 3, "label": "PER"}])
    second = ("to Rome", [{"start": 3, "end": 7, "label": "LOC"}])
    text, entities = join_sentences([first, second])
    assert text == "Ann came\nto Rome"
    assert [text[e["start"] : e["end"]] for e in entities] == ["Ann", "Rome"]


def test_image_counts_are_per_class_and_split_and_marked_preliminary() -> None:
    items = [("a.png", "cat", "train"), ("b.png", "cat", "validation"), ("c.png", "dog", "train")]
    counts = image_counts(items, "/pets")
    assert counts["labels"] == ["cat", "dog"]
    assert counts["train_counts"] == {"cat": 1, "dog": 1}
    assert counts["validation_counts"] == {"cat": 1}
    assert counts["preliminary"] and counts["task"] == "image-classification"


def test_the_task_is_told_by_content(tmp_path: Path, sentiment_csv: Path) -> None:
    assert detect_task(str(sentiment_csv)) == "text-classification"
    assert detect_task(str(write_conll(tmp_path / "ner.txt"))) == "token-classification"
    assert detect_task(str(write_images(tmp_path / "pets", 2))) == "image-classification"


def test_the_entity_preview_needs_no_model(tmp_path: Path) -> None:
    preview = load_token_preview(str(write_conll(tmp_path / "ner.conll", 12)), 0.25)
    assert sorted(preview["types"]) == ["LOC", "ORG", "PER"]
    assert len(preview["sentences"]) == 12  # in file order, training and validation alike
    text, spans = preview["sentences"][0]
    assert [(text[s["start"] : s["end"]], s["label"]) for s in spans] == [
        ("Ann0 Lee", "PER"),
        ("Paris", "LOC"),
    ]
    report = preview["report"]
    assert report["train_sentences"] + report["validation_sentences"] == 12
