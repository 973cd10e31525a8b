"""engine.findings: one template, filled from parameters, for English and every translation."""

from __future__ import annotations

import pytest

from engine.findings import fill, shown


def test_lists_are_named_briefly_and_numbers_formatted() -> None:
    assert shown(["a", "b"]) == "'a', 'b'"
    assert shown(list(range(1, 8))) == "1, 2, 3, 4, 5..."
    text = fill("{n:,} of {names} ({share:.0%}), biggest {big!r}", {
        "n": 1200, "names": ["x", "y"], "share": 0.25, "big": "x"
    })  # fmt: skip
    assert text == "1,200 of 'x', 'y' (25%), biggest 'x'"


def test_a_missing_parameter_fails_loudly() -> None:
    with pytest.raises(KeyError):
        fill("{n} rows", {})
