"""gui.dataset_columns: the detected columns, the person's pair kept, and a change said once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from gui.dataset_columns import ColumnPickers


def test_the_guess_wins_then_the_previous_pair_then_the_first_two(qtbot: Any) -> None:
    picks = ColumnPickers()
    qtbot.addWidget(picks)
    changes: list[None] = []
    picks.changed.connect(lambda: changes.append(None))
    picks.fill(["id", "review", "stars"], SimpleNamespace(text="review", label="stars"))
    assert (picks.text_column, picks.label_column) == ("review", "stars")
    # the first rows of another file with the same columns: the pair stays
    picks.fill(["stars", "review"], None)
    assert (picks.text_column, picks.label_column) == ("review", "stars")
    picks.fill(["body", "tag", "x"], None)
    assert (picks.text_column, picks.label_column) == ("body", "tag")
    assert changes == []  # refilling is not the person choosing
    picks.label_combo.setCurrentText("x")
    assert len(changes) == 1 and picks.label_column == "x"
    picks.fill([], None)
    assert (picks.text_column, picks.label_column) == (None, None)
