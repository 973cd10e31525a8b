"""compare: short trials within a budget, the baseline, the recommendation; the language check."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engine.compare import (
    BASELINE,
    CandidateResult,
    check_language,
    compare,
    recommend,
)
from engine.errors import ConfigError, ModelLoadError
from tests.conftest import write_sentiment_csv

CHINESE_POS = ["很好", "喜欢", "满意", "推荐", "不错", "干净", "方便", "舒服"]
CHINESE_NEG = ["很差", "失望", "糟糕", "难吃", "脏乱", "吵闹", "退款", "后悔"]
CHINESE_FILL = ["酒店", "房间", "服务", "早餐", "位置", "价格", "这次", "我们"]


def write_chinese_csv(path: Path, rows: int = 120, seed: int = 0) -> Path:
    """Two learnable classes of Chinese reviews (no spaces), which the tiny English
    vocabulary reads as [UNK]."""
    import random

    rng = random.Random(seed)
    lines = ["text,label"]
    for i in range(rows):
        label = "正面" if i % 2 == 0 else "负面"
        words = rng.sample(CHINESE_POS if i % 2 == 0 else CHINESE_NEG, 2)
        words += rng.sample(CHINESE_FILL, 3)
        rng.shuffle(words)
        lines.append(f"{''.join(words)},{label}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _line(model: str, f1: float | None, seconds: float, skipped: str | None = None) -> Any:
    return CandidateResult(model, "head", f1, f1, seconds, None, skipped=skipped)


def test_recommend_takes_the_best_macro_f1_then_the_shorter_time() -> None:
    lines = [
        _line("a", 0.70, 5.0),
        _line("b", 0.80, 9.0),
        _line("c", 0.80, 3.0),
        _line("d", None, 0.0, skipped="does not fit"),
        _line(BASELINE, 0.75, 0.5),
    ]
    assert recommend(lines).model == "c"
    assert recommend([_line("d", None, 0.0, skipped="x")]) is None


def test_compare_streams_each_candidate_then_the_baseline_within_budget(
    tiny_model: Path, tmp_path: Path
) -> None:
    data = write_sentiment_csv(tmp_path / "train.csv", rows=160)
    seen: list[CandidateResult] = []
    start = time.monotonic()
    result = compare(
        str(data), models=[str(tiny_model)], strategies="head,full", budget=16,
        on_result=seen.append,
    )  # fmt: skip
    elapsed = time.monotonic() - start
    assert elapsed < 16 + 5  # the budget, plus start-up slack
    assert [(c.model, c.strategy) for c in seen] == [
        (str(tiny_model), "head"),
        (str(tiny_model), "full"),
        (BASELINE, None),
    ]
    assert seen == result.candidates
    for c in seen[:2]:
        assert c.skipped is None and c.steps >= 5 and c.train_rows > 0
        assert 0.0 <= c.accuracy <= 1.0 and 0.0 <= c.macro_f1 <= 1.0
        assert c.full_run_seconds and c.full_run_seconds > 0
        assert c.fits_language is True and c.unknown_share == 0.0
    baseline = seen[-1]
    assert baseline.train_rows == max(c.train_rows for c in seen[:2])
    assert baseline.macro_f1 > 0.9  # the generated words separate the classes
    best = max(c.macro_f1 for c in seen)
    assert result.recommended.macro_f1 == best
    summary = result.summary()
    json.dumps(summary)
    assert summary["language"] == "en" and summary["validation_rows"] == 16
    assert set(seen[0].to_dict()) >= {
        "model", "strategy", "accuracy", "macro_f1", "seconds", "full_run_seconds"
    }  # fmt: skip


def test_chinese_data_with_an_english_model_recommends_the_baseline(
    tiny_model: Path, tmp_path: Path
) -> None:
    data = write_chinese_csv(tmp_path / "zh.csv", rows=160)
    result = compare(str(data), models=[str(tiny_model)], strategies=["head"], budget=12)
    trial, baseline = result.candidates
    assert result.language == "zh"
    assert trial.fits_language is False and trial.unknown_share > 0.9
    assert result.recommended is baseline and baseline.model == BASELINE


def test_default_models_are_the_starter_and_those_that_fit(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine import compare as cmp

    monkeypatch.setattr(cmp, "models_on_this_computer", lambda: ["starter", str(tiny_model)])
    en_texts = ["the film was good and i love it", "the food is bad"]
    zh_texts = ["酒店很好房间干净", "服务很差"]
    assert cmp.default_models(en_texts, "en") == ["starter", str(tiny_model)]
    assert cmp.default_models(zh_texts, "zh") == ["starter"]


def test_a_budget_below_the_minimum_is_refused_before_anything_runs(tmp_path: Path) -> None:
    data = write_sentiment_csv(tmp_path / "train.csv", rows=40)
    with pytest.raises(ConfigError, match="minimum is 10 s"):
        compare(str(data), budget=3)


def test_a_budget_too_small_for_the_first_trial_says_what_it_needs(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine import compare as cmp
    from engine import estimate

    data = write_sentiment_csv(tmp_path / "train.csv", rows=60)
    # a machine where a step takes 5 s: 5 steps cannot fit in 12 s
    monkeypatch.setattr(estimate, "measure_step_seconds", lambda *a, **k: 5.0)
    with pytest.raises(ConfigError, match=r"too small for even one trial.*needs about \d+ s"):
        cmp.compare(str(data), models=[str(tiny_model)], strategies="head", budget=12)


def test_later_candidates_that_do_not_fit_are_reported_as_skipped(
    tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine import estimate

    data = write_sentiment_csv(tmp_path / "train.csv", rows=60)
    real = estimate.measure_step_seconds
    calls: list[int] = []

    def slow_after_first(*args: Any, **kwargs: Any) -> float:
        calls.append(1)
        real(*args, **kwargs)
        return 0.01 if len(calls) == 1 else 60.0

    monkeypatch.setattr(estimate, "measure_step_seconds", slow_after_first)
    result = compare(str(data), models=[str(tiny_model)], strategies="head,full", budget=15)
    head, full, baseline = result.candidates
    assert head.skipped is None
    assert full.skipped and "does not fit in the budget" in full.skipped
    assert full.accuracy is None and baseline.model == BASELINE


def test_models_not_on_this_computer_are_named_with_how_to_get_them(tmp_path: Path) -> None:
    data = write_sentiment_csv(tmp_path / "train.csv", rows=40)
    with pytest.raises(ModelLoadError) as info:
        compare(str(data), models=["starter", "hfl/rbt3", str(tmp_path / "nowhere")])
    text = str(info.value)
    assert "hfl/rbt3" in text and "nowhere" in text and "starter (" not in text
    assert "import-model" in text and "download" in text.lower()


def test_other_tasks_are_refused_for_now(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine import tasks

    data = write_sentiment_csv(tmp_path / "train.csv", rows=40)
    fake = SimpleNamespace(name="token-classification", title="Token classification")
    monkeypatch.setattr(tasks, "detect", lambda path: fake)
    with pytest.raises(ConfigError, match="supports text classification for now"):
        compare(str(data), models=["starter"])


def test_stop_ends_the_comparison_with_what_was_measured(tiny_model: Path, tmp_path: Path) -> None:
    data = write_sentiment_csv(tmp_path / "train.csv", rows=60)
    stop = threading.Event()
    result = compare(
        str(data), models=[str(tiny_model)], strategies="head,full", budget=30, stop=stop,
        on_result=lambda c: stop.set(),
    )  # fmt: skip
    assert result.stopped
    assert [c.strategy for c in result.candidates] == ["head"]  # no full, no baseline


def test_check_language_flags_a_mismatch_with_baseline_and_models(
    tiny_model: Path, tmp_path: Path
) -> None:
    data = write_chinese_csv(tmp_path / "zh.csv", rows=80)
    check = check_language(str(data), str(tiny_model))
    assert check.language == "zh" and check.mismatch
    assert check.fit.unknown_share > 0.9
    assert check.baseline is not None and check.baseline.macro_f1 > 0.9
    ids = [row["id"] for row in check.suggestions]
    assert ids[0] == "hfl/rbt3" and "google-bert/bert-base-chinese" in ids
    text = check.warning()
    assert "unknown" in text and "baseline" in text and "hfl/rbt3" in text

    english = write_sentiment_csv(tmp_path / "en.csv", rows=40)
    fine = check_language(str(english), str(tiny_model))
    assert not fine.mismatch and fine.baseline is None


# ----- the command line -------------------------------------------------------------------
def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    from engine.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_compare_prints_json_lines_and_the_recommendation(
    capsys: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    data = write_sentiment_csv(tmp_path / "train.csv", rows=80)
    code, out, err = run_cli(
        capsys, "compare", "--data", data, "--models", tiny_model, "--strategies", "head",
        "--budget", "12",
    )  # fmt: skip
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line.get("model") for line in lines[:2]] == [str(tiny_model), BASELINE]
    assert lines[0]["strategy"] == "head" and lines[0]["full_run_seconds"] > 0
    assert lines[-1]["recommended"]["model"] in (str(tiny_model), BASELINE)


def test_cli_compare_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = write_sentiment_csv(tmp_path / "train.csv", rows=40)
    code, out, err = run_cli(capsys, "compare", "--data", data, "--budget", "1")
    assert code == 2 and out == "" and "minimum is 10 s" in err and len(err.splitlines()) == 1
    code, out, err = run_cli(capsys, "compare", "--data", data, "--models", "starter,hfl/rbt3")
    assert code == 2 and out == "" and "hfl/rbt3" in err and "import-model" in err
    code, out, err = run_cli(capsys, "compare", "--data", data, "--strategies", "half")
    assert code == 2 and "Unknown fine-tuning strategy" in err


def test_cli_train_warns_about_a_language_mismatch_and_proceeds(
    capsys: pytest.CaptureFixture[str], tiny_model: Path, tmp_path: Path
) -> None:
    data = write_chinese_csv(tmp_path / "zh.csv", rows=60)
    code, out, err = run_cli(
        capsys, "train", "--data", data, "--model", tiny_model, "--max-steps", "1",
        "--device", "cpu", "--precision", "fp32", "--output", tmp_path / "run", "--quiet",
    )  # fmt: skip
    assert code == 0, err
    # on stdout with the run's progress: stderr keeps its one line for errors
    assert "Warning:" in out and "unknown" in out and "hfl/rbt3" in out
    assert (tmp_path / "run" / "model").is_dir()
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text(encoding="utf-8"))
    assert "baseline" in metrics  # the run fits the yardstick the warning points to


def test_detect_data_language_reads_the_text_column(tmp_path: Path) -> None:
    from engine.compare import detect_data_language

    assert detect_data_language(str(write_chinese_csv(tmp_path / "zh.csv", rows=20))) == "zh"
    assert detect_data_language(str(write_sentiment_csv(tmp_path / "en.csv", rows=20))) == "en"


def test_a_strategy_that_trains_more_is_never_cheaper_than_one_measured() -> None:
    from engine.compare import _ModelSetup, _train_rank
    from engine.config import Strategy

    ranks = [_train_rank(Strategy.parse(s)) for s in ("head", "top-layers:1", "top-layers:3")]
    assert ranks == sorted(ranks) and _train_rank(Strategy.parse("full")) > ranks[-1]
    setup = _ModelSetup(*([None] * 7), 0.0, 0.0, None)
    setup.costs[_train_rank(Strategy.parse("top-layers:2"))] = 40.0
    assert setup.min_cost(Strategy.parse("head")) is None  # may be cheaper: measure it
    assert setup.min_cost(Strategy.parse("full")) == 40.0
    setup.costs[_train_rank(Strategy.parse("head"))] = 25.0
    assert setup.min_cost(Strategy.parse("top-layers:4")) == 25.0
