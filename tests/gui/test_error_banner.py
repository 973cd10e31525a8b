"""gui.error_banner: errors in words, with a translated headline naming the kind of problem."""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import (
    CheckpointError,
    ConfigError,
    DatasetError,
    ModelLoadError,
    OutOfMemoryError,
    RunFolderError,
    TrainingError,
)
from gui.error_banner import ErrorBanner, describe_error, error_headline


@pytest.mark.parametrize(
    ("error", "headline"),
    [
        (DatasetError("a.csv: row 3 has no label."), "Problem with the data:"),
        (ModelLoadError("m: no weights."), "Problem with the model:"),
        (ConfigError("batch size must be at least 1."), "A setting needs changing:"),
        (CheckpointError("disk full."), "Problem with a checkpoint:"),
        (RunFolderError("x: not a run."), "Problem with the run folder:"),
        (OutOfMemoryError("CUDA out of memory."), "Out of memory:"),
        (TrainingError("the loss became NaN."), "Training stopped:"),
    ],
)
def test_a_strop_error_reads_as_its_kind_then_its_own_words(
    qapp: Any, error: Exception, headline: str
) -> None:
    assert error_headline(error) == headline
    assert describe_error(error) == f"{headline} {error}"


def test_the_hint_follows_the_message(qapp: Any) -> None:
    error = DatasetError("a.csv: only one class ('pos').", hint="Add examples of another class.")
    text = describe_error(error)
    assert text.index("only one class") < text.index("Add examples")


def test_an_unexpected_error_is_named_and_logged(qapp: Any, caplog: Any) -> None:
    text = describe_error(ValueError("bad thing\nsecond line"))
    assert "ValueError: bad thing" in text and "second line" not in text
    assert "log file" in text
    assert any("unexpected error" in r.message for r in caplog.records)


def test_in_chinese_the_headline_is_chinese(chinese: Any) -> None:
    text = describe_error(DatasetError("a.csv: row 3 has no label."))
    assert text.startswith("数据有问题：")
    assert "a.csv: row 3 has no label." in text


def test_the_banner_shows_errors_and_information(qtbot: Any) -> None:
    banner = ErrorBanner()
    qtbot.addWidget(banner)
    banner.show()
    shown = banner.show_error(DatasetError("a.csv: empty."))
    assert banner.isVisible() and banner.message == shown
    banner.show_info("Stopping the run…")
    assert banner.message == "Stopping the run…"
    banner.dismiss()
    assert not banner.isVisible() and banner.message == ""
