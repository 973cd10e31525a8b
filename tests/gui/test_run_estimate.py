"""The words of the Training tab's laptop-aware labels, in English and Chinese, and the
battery rule (gui/run_estimate.py); the background measurement is tested through the tab
(tests/gui/test_training_tab.py)."""

from __future__ import annotations

from typing import Any

from engine.estimate import estimate_run_seconds, refine
from engine.events import PowerChecked
from gui import run_estimate


def twelve_minutes() -> Any:
    """An estimate built by the engine's own arithmetic: 9 min of steps, 2 of evaluation,
    1 of start-up, a few seconds of checkpoints."""
    plan = {"total_steps": 540, "eval_steps": 270, "save_steps": 540}
    return estimate_run_seconds(
        1.0, plan, eval_rows=400, eval_seconds_per_row=0.1, startup_seconds=60.0,
        checkpoint_seconds=1.5,
    )  # fmt: skip


def test_durations_are_rounded_as_people_say_them(qapp: Any) -> None:
    assert run_estimate.rough_duration(0.2) == "1 s"
    assert run_estimate.rough_duration(42) == "42 s"
    assert run_estimate.rough_duration(61) == "1 min"
    assert run_estimate.rough_duration(12 * 60 + 20) == "12 min"
    assert run_estimate.rough_duration(80 * 60) == "1 h 20 min"


def test_the_estimate_in_words_leaves_out_minor_parts(qapp: Any) -> None:
    estimate = twelve_minutes()
    assert estimate.breakdown["checkpoints"] < 0.05 * estimate.total
    assert run_estimate.estimate_text(estimate) == (
        "About 12 min on this computer (training 9 min, evaluation 2 min, start-up 1 min)"
    )
    halfway = refine(estimate, 270, 270 * 1.0 + 40.0)  # on pace: 270 steps, one evaluation
    assert run_estimate.progress_text(halfway) == (
        "About 6 min left on this computer (about 12 min in all)"
    )
    assert run_estimate.finished_text(725.0, estimate) == (
        "This run took 12 min 05 s (estimated 12 min)."
    )
    assert run_estimate.finished_text(9.0, None) == "This run took 9 s."


def test_battery_asks_only_for_long_or_unmeasured_runs(qapp: Any) -> None:
    assert run_estimate.battery_question(600.0, measured_for_this=True) is None
    long = run_estimate.battery_question(720.0, measured_for_this=True)
    assert long is not None and "about 12 min" in long
    stale = run_estimate.battery_question(720.0, measured_for_this=False)
    assert stale is not None and "other settings" in stale
    unknown = run_estimate.battery_question(None, measured_for_this=False)
    assert unknown is not None and "not measured yet" in unknown


def test_keep_awake_words_name_the_inhibitor_or_the_reason(qapp: Any) -> None:
    text, tip = run_estimate.awake_text(PowerChecked(True, "caffeinate", "pid 7", False))
    assert "kept awake" in text and "caffeinate" in tip
    text, _tip = run_estimate.awake_text(PowerChecked(False, "none", "no inhibitor", None))
    assert text == "The computer may go to sleep during this run: no inhibitor."


def test_the_labels_speak_chinese(chinese: Any) -> None:
    assert run_estimate.estimate_text(twelve_minutes()) == (
        "在这台电脑上约需 12 分钟（训练 9 分钟，评估 2 分钟，启动 1 分钟）"
    )
    question = run_estimate.battery_question(None, measured_for_this=False)
    assert question is not None and "电池" in question
