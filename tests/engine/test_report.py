"""The dataset report: counts, token lengths, duplicates, conflicts, overlap, rare classes, and
the unknown-token share that tells a user the model does not read their language."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from engine.data import prepare_data
from engine.models import load_tokenizer, resolve_model
from engine.report import DatasetReport, compute_report, suggest_max_length
from tests.conftest import shared_dataset


@pytest.fixture(scope="module")
def starter_tokenizer():
    return load_tokenizer(resolve_model("starter"))


@pytest.fixture(scope="module")
def tiny_tokenizer(tiny_model: Path):
    return load_tokenizer(resolve_model(str(tiny_model)))


def _write(path: Path, rows: list[tuple[str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([("text", "label"), *rows])
    return path


def _codes(report: DatasetReport) -> dict[str, str]:
    return {w.code: w.message for w in report.warnings}


def test_chinese_reviews_with_the_starter_model_warn_and_name_a_model(
    tmp_path: Path, starter_tokenizer
) -> None:
    with open(shared_dataset("waimai_10k/all.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    sample = _write(tmp_path / "waimai.csv", [tuple(r) for r in rows[1:61] + rows[-60:]])
    data = prepare_data(str(sample), seed=0)
    report = compute_report(
        data,
        starter_tokenizer,
        max_length=None,
        model_max_length=512,
        model_name="all-MiniLM-L6-v2",
    )
    assert report.unk_share > 0.4, report.unk_share  # issue 2: about 60% of the characters
    assert report.cjk_share > 0.5
    warning = next(w for w in report.warnings if w.code == "vocabulary")
    assert warning.level == "problem"
    assert "all-MiniLM-L6-v2" in warning.message and f"{report.unk_share:.0%}" in warning.message
    assert "Chinese" in warning.message and "bert-base-chinese" in warning.message
    assert warning.params["cjk"] is True and warning.params["share"] == report.unk_share
    assert "[problem]" in report.format_text() and "unknown-token share" in report.format_text()


def test_english_data_has_no_vocabulary_warning(tmp_path: Path, starter_tokenizer) -> None:
    with open(shared_dataset("uci_sentiment_sentences/all.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))[1:201]
    data = prepare_data(str(_write(tmp_path / "en.csv", [tuple(r) for r in rows])))
    report = compute_report(data, starter_tokenizer, max_length=None, model_max_length=512)
    assert report.unk_share < 0.01
    assert "vocabulary" not in _codes(report)
    assert 8 < report.token_percentiles["p50"] < 40
    assert (
        report.token_percentiles["p50"]
        <= report.token_percentiles["p95"]
        <= report.token_percentiles["max"]
    )
    assert report.max_length == report.suggested_max_length
    assert report.max_length % 8 == 0 and report.truncated_share <= 0.02


def test_duplicates_conflicts_and_overlap_are_counted(tmp_path: Path, tiny_tokenizer) -> None:
    train = _write(
        tmp_path / "train.csv",
        [
            ("good film", "positive"),
            ("Good film ", "positive"),  # the same text, by case and spaces
            ("good film", "positive"),
            ("bad film", "negative"),
            ("bad film", "positive"),  # a conflict
            ("the food", "negative"),
            ("the service", "negative"),
            ("a phone", "positive"),
        ],
    )
    val = _write(
        tmp_path / "val.csv",
        [("good film", "positive"), ("the phone", "negative"), ("bad film", "negative")],
    )
    data = prepare_data(str(train), validation=str(val))
    report = compute_report(data, tiny_tokenizer, max_length=None, model_max_length=64)
    assert report.duplicate_texts == 3  # two repeats of "good film", one of "bad film"
    assert report.conflicting_duplicates == 1
    assert report.train_validation_overlap == 2
    codes = _codes(report)
    assert "3 training row(s) repeat" in codes["duplicates"]
    assert "1 text(s) appear with different labels" in codes["conflicting_labels"]
    assert "2 validation text(s) also appear" in codes["overlap"]
    assert (report.train_rows, report.validation_rows) == (8, 3)
    assert report.train_counts == {"negative": 3, "positive": 5}
    assert report.validation_counts == {"negative": 2, "positive": 1}


def test_imbalance_rare_classes_and_small_data(tmp_path: Path, tiny_tokenizer) -> None:
    rows = [(f"good film {i}", "positive") for i in range(40)]
    rows += [(f"bad film {i}", "negative") for i in range(6)] + [("the phone", "neutral")] * 3
    data = prepare_data(str(_write(tmp_path / "skewed.csv", rows)), validation_split=0.2)
    report = compute_report(data, tiny_tokenizer, max_length=None, model_max_length=64)
    codes = _codes(report)
    assert "'positive'" in codes["imbalanced"] and "macro F1" in codes["imbalanced"]
    assert report.rare_classes == ["neutral"] and "'neutral'" in codes["rare_classes"]
    assert "small" in codes
    params = {w.code: w.params for w in report.warnings}
    assert params["imbalanced"] == {
        "big": "positive",
        "n_big": report.train_counts["positive"],
        "small": "neutral",
        "n_small": report.train_counts["neutral"],
    }
    assert params["rare_classes"]["names"] == ["neutral"]
    assert params["small"] == {"n": report.train_rows}


def test_truncation_share_follows_max_length(tmp_path: Path, tiny_tokenizer) -> None:
    rows = [(" ".join(["good"] * (5 + i)), "positive" if i % 2 else "negative") for i in range(40)]
    data = prepare_data(str(_write(tmp_path / "lengths.csv", rows)))
    report = compute_report(data, tiny_tokenizer, max_length=16, model_max_length=64)
    assert report.max_length == 16
    lengths = report.token_lengths_sample
    assert report.truncated_share == pytest.approx(sum(v > 16 for v in lengths) / len(lengths))
    assert "truncation" in _codes(report)
    # a max length above what the model takes is capped
    assert (
        compute_report(data, tiny_tokenizer, max_length=500, model_max_length=64).max_length == 64
    )


def test_empty_and_missing_rows_are_reported(tiny_tokenizer) -> None:
    from tests.engine.test_cli import BAD

    report = compute_report(
        prepare_data(str(BAD / "empty_texts.csv")), tiny_tokenizer, max_length=None
    )
    assert report.empty_texts == 2 and "empty_texts" in _codes(report)
    report = compute_report(
        prepare_data(str(BAD / "missing_labels.csv")), tiny_tokenizer, max_length=None
    )
    assert report.missing_labels == 2 and "missing_labels" in _codes(report)


def test_report_round_trips_and_reads_well(tiny_tokenizer) -> None:
    from tests.engine.test_cli import BAD

    report = compute_report(
        prepare_data(str(BAD / "chinese_labels.csv")), tiny_tokenizer, max_length=None
    )
    again = DatasetReport.from_dict(json.loads(json.dumps(report.to_dict())))
    assert again == report and any(w.params for w in again.warnings)
    saved_before_params = report.to_dict()
    for warning in saved_before_params["warnings"]:
        del warning["params"]
    assert all(w.params == {} for w in DatasetReport.from_dict(saved_before_params).warnings)
    text = report.format_text()
    assert "正面" in text and "负面" in text and "training rows" in text


def test_suggest_max_length() -> None:
    assert suggest_max_length(20, 30, 512) == 32
    assert suggest_max_length(100, 300, 512) == 104  # a long tail is cut, not padded for
    assert suggest_max_length(600, 900, 512) == 512
    assert suggest_max_length(3, 4, 512) % 8 == 0
