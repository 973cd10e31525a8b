"""The Compare panel: a live table filled in the background, Stop, Use, the baseline's win."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.compare import BASELINE, CandidateResult, CompareResult
from tests.conftest import write_sentiment_csv
from tests.engine.test_compare import write_chinese_csv
from tests.gui.conftest import wait_loaded


@pytest.fixture
def only_tiny(monkeypatch: pytest.MonkeyPatch, tiny_model: Path) -> Path:
    """Compare the tiny model (the default set would train the real starter)."""
    from engine import compare

    monkeypatch.setattr(compare, "default_models", lambda *a, **k: [str(tiny_model)])
    return tiny_model


def _open(qtbot: Any, window: Any, path: Path) -> Any:
    window.open_dataset(str(path))
    wait_loaded(qtbot, window)
    return window.model_tab.compare_view


def test_compare_fills_the_table_live_and_use_fills_the_model_and_training_tabs(
    qtbot: Any, window: Any, only_tiny: Path, tmp_path: Path
) -> None:
    view = _open(qtbot, window, write_sentiment_csv(tmp_path / "en.csv", rows=120))
    view.budget_spin.setValue(12)
    assert view.findChild(type(view.stop_button), "stopCompareButton") is view.stop_button
    with qtbot.waitSignal(view.finished, timeout=60_000) as blocker:
        view.compare_button.click()
        assert view.is_running and view.stop_button.isEnabled()
        assert not view.compare_button.isEnabled()
    result = blocker.args[0]
    assert result is not None and not result.stopped
    table = view.table
    assert table.objectName() == "compareTable"
    assert table.rowCount() == 4  # head, top-layers:2, full, baseline
    assert [table.item(r, 1).text() for r in range(3)] == ["head", "top-layers:2", "full"]
    assert "TF-IDF" in table.item(3, 0).text()
    best = result.candidates.index(result.recommended)
    assert table.item(best, 0).text().startswith("★")
    assert table.item(best, 0).font().bold()
    assert not view.is_running and view.compare_button.isEnabled()

    table.selectRow(3)  # the baseline: a yardstick, never used
    assert not view.use_button.isEnabled()
    table.selectRow(0)
    assert view.use_button.isEnabled()
    with qtbot.waitSignal(window.model_tab.candidateChosen, timeout=5_000) as chosen:
        view.use_button.click()
    assert chosen.args == [str(only_tiny), "head"]
    assert window.model_tab.strategy() == "head"
    assert window.build_config().strategy == "head"
    assert window.build_config().model == str(only_tiny)


def test_stop_ends_the_comparison_with_what_was_measured(
    qtbot: Any, window: Any, only_tiny: Path, tmp_path: Path
) -> None:
    view = _open(qtbot, window, write_sentiment_csv(tmp_path / "en.csv", rows=120))
    view.budget_spin.setValue(30)
    with qtbot.waitSignal(view.finished, timeout=60_000) as blocker:
        view.compare_button.click()
        qtbot.waitUntil(lambda: view.table.rowCount() >= 1, timeout=60_000)
        view.stop_button.click()
    assert blocker.args[0].stopped
    assert 1 <= view.table.rowCount() < 4
    assert "Stopped" in view.status.text()


def test_when_the_baseline_wins_the_window_says_so_and_offers_models(
    qtbot: Any, window: Any, only_tiny: Path, tmp_path: Path
) -> None:
    view = _open(qtbot, window, write_chinese_csv(tmp_path / "zh.csv", rows=120))
    view.budget_spin.setValue(10)
    with qtbot.waitSignal(view.finished, timeout=60_000) as blocker:
        view.compare_button.click()
    result = blocker.args[0]
    assert result.recommended.model == BASELINE
    assert view.baseline_box.isVisibleTo(view)
    text = view.baseline_label.text()
    assert "baseline scored best" in text and "hfl/rbt3" in text and "'zh'" in text
    view.table.selectRow(view.table.rowCount() - 1)
    assert not view.use_button.isEnabled()
    assert view.import_button.menu() is window.model_tab.import_menu
    view.catalogue_button.click()
    assert window.model_tab.choice_tabs.currentWidget() is window.model_tab.catalogue_view


def test_skipped_candidates_say_why_and_cannot_be_used(qtbot: Any) -> None:
    from gui.compare_view import CompareView

    view = CompareView()
    qtbot.addWidget(view)
    tried = CandidateResult("starter", "head", 0.8, 0.79, 12.0, 300.0, train_rows=64, steps=4)
    skipped = CandidateResult(
        "starter", "full", None, None, 1.0, 900.0, skipped="does not fit in the budget"
    )
    baseline = CandidateResult(BASELINE, None, 0.7, 0.69, 0.3, 1.0, train_rows=64)
    view.show_result(CompareResult([tried, skipped, baseline], tried, "en", 60, 50))
    assert view.table.item(1, 2).text() == "skipped"
    assert "does not fit" in view.table.item(1, 0).toolTip()
    view.table.selectRow(1)
    assert not view.use_button.isEnabled()
    assert not view.baseline_box.isVisibleTo(view)
    assert view.table.item(0, 0).text() == "★ all-MiniLM-L6-v2"
