"""Text with highlighted spans: word attributions (green for, red against the predicted label)
and entities (a colour per type, with its label). Shared by the Prediction tab, the results
views' error analysis and the Dataset tab's entity preview.

Spans are character offsets into the text, as the engine gives them (``engine.explain``'s
words, ``engine.token_predict``'s entities); the text between them is shown as it is.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTextBrowser, QWidget

from gui.theme import is_dark

#: Entity colours, light and dark themes (a type keeps its colour across the window).
_ENTITY_COLOURS = (
    ("#cfe2ff", "#23408e"),
    ("#ffe5b4", "#7a4a00"),
    ("#d1f2d1", "#1f5e1f"),
    ("#f8d7e8", "#7a1f4f"),
    ("#e2d9f3", "#4b2c7f"),
    ("#fff3b0", "#6b5d00"),
    ("#d0f0f0", "#105858"),
    ("#f5d5c5", "#7a3010"),
)


def attribution_colour(weight: float, dark: bool) -> str:
    """A background for a word's weight in [-1, 1]: green for, red against; stronger is
    more saturated; near zero, none."""
    strength = min(1.0, abs(weight))
    if strength < 0.05:
        return ""
    base = QColor(30, 160, 60) if weight > 0 else QColor(210, 50, 50)
    alpha = int(40 + 170 * strength) if not dark else int(60 + 160 * strength)
    return f"rgba({base.red()},{base.green()},{base.blue()},{alpha})"


def entity_colour(label: str, labels: Sequence[str], dark: bool) -> str:
    ordered = sorted(set(labels) | {label})
    light_colour, dark_colour = _ENTITY_COLOURS[ordered.index(label) % len(_ENTITY_COLOURS)]
    return dark_colour if dark else light_colour


def spans_html(
    text: str, spans: Sequence[tuple[int, int, str, str]], *, labelled: bool = False
) -> str:
    """``text`` as HTML with each ``(start, end, background, tooltip)`` span highlighted
    (``labelled``: the tooltip also follows the span in small bold type, as annotation tools
    show an entity's type); overlapping or out-of-range spans are skipped."""
    out: list[str] = []
    at = 0
    for start, end, background, tip in sorted(spans):
        if start < at or end > len(text) or start >= end:
            continue
        out.append(html.escape(text[at:start]))
        piece = html.escape(text[start:end])
        if labelled:
            piece += f" <small><b>{html.escape(tip)}</b></small>"
        style = f"background-color:{background};" if background else ""
        out.append(f'<span style="{style}" title="{html.escape(tip)}">{piece}</span>')
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out).replace("\n", "<br>")


class HighlightView(QTextBrowser):
    """A read-only view of one text with its highlights."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.spans: list[tuple[int, int, str, str]] = []

    def show_attributions(self, explanation: dict[str, Any], note: str = "") -> None:
        """``explanation``: ``Explanation.to_dict()`` (text, label, words with start, end,
        weight). Each word's tooltip gives its weight."""
        dark = is_dark(self.palette())
        self.spans = [
            (
                int(w["start"]),
                int(w["end"]),
                attribution_colour(float(w["weight"]), dark),
                f"{float(w['weight']):+.2f}",
            )
            for w in explanation.get("words", [])
        ]
        body = spans_html(str(explanation.get("text", "")), self.spans)
        self.setHtml(body + (f"<p><i>{html.escape(note)}</i></p>" if note else ""))

    def show_entities(
        self, text: str, entities: Sequence[dict[str, Any]], labels: Sequence[str] = ()
    ) -> None:
        """``entities``: dicts with start, end, label and (optionally) score."""
        dark = is_dark(self.palette())
        names = list(labels) or [str(e["label"]) for e in entities]
        self.spans = []
        for e in entities:
            tip = str(e["label"]) + (f" {float(e['score']):.0%}" if "score" in e else "")
            colour = entity_colour(str(e["label"]), names, dark)
            self.spans.append((int(e["start"]), int(e["end"]), colour, tip))
        self.setHtml(spans_html(text, self.spans, labelled=True))
