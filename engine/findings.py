"""Findings as codes with parameters: the English sentence and every translation are filled
from the same values, so the window translates a finding by its code, never by parsing English.

A finding (``engine.data.DataIssue``, ``engine.report.Warning_``) carries ``code``,
``message`` (English, for the command line) and ``params`` (JSON-ready values: numbers,
strings, lists of names). A template names the parameters it shows (``{n:,}``,
``{share:.0%}``, ``{big!r}``); ``fill`` turns lists into a short, readable enumeration first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: How many items of a list a sentence names before it says "..."
LIST_SHOWN = 5


def shown(values: list[Any]) -> str:
    """``'a', 'b', 'c'`` (at most ``LIST_SHOWN`` items, then ``...``): names quoted, numbers bare."""
    text = ", ".join(map(repr, values[:LIST_SHOWN]))
    return text + ("..." if len(values) > LIST_SHOWN else "")


def fill(template: str, params: Mapping[str, Any]) -> str:
    """``template`` with its fields from ``params``; lists become ``shown(list)``.

    Raises ``KeyError`` when the template names a parameter that is missing, so a stale
    translation or a renamed parameter fails loudly in the tests rather than reading wrong.
    """
    values = {k: shown(v) if isinstance(v, list) else v for k, v in params.items()}
    return template.format(**values)


@dataclass(frozen=True)
class CodedFinding:
    """What every kind of finding holds: ``code``, ``level``, the English ``message`` and the
    ``params`` it was filled from (compared, not hashed: they may hold lists)."""

    code: str
    level: str
    message: str
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "message": self.message,
            "params": self.params,
        }
