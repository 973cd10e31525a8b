"""gui.highlight_view: attributions and entities as highlighted spans at their offsets."""

from __future__ import annotations

from gui.highlight_view import HighlightView, attribution_colour, spans_html


def test_spans_wrap_the_right_characters_and_escape_the_rest() -> None:
    out = spans_html("a <b> c", [(2, 5, "red", "x")])
    assert out == 'a <span style="background-color:red;" title="x">&lt;b&gt;</span> c'
    # overlapping and out-of-range spans are skipped, never raise
    assert "span" not in spans_html("abc", [(2, 9, "red", ""), (1, 1, "red", "")])


def test_attribution_colours_say_for_and_against() -> None:
    assert attribution_colour(0.01, dark=False) == ""
    assert attribution_colour(0.9, dark=False).startswith("rgba(30,160,60")
    assert attribution_colour(-0.9, dark=False).startswith("rgba(210,50,50")


def test_view_shows_words_and_entities(qtbot) -> None:  # noqa: ANN001
    view = HighlightView()
    qtbot.addWidget(view)
    view.show_attributions(
        {
            "text": "great food",
            "label": "positive",
            "words": [
                {"text": "great", "start": 0, "end": 5, "weight": 1.0},
                {"text": "food", "start": 6, "end": 10, "weight": -0.2},
            ],
        }
    )
    assert [s[:2] for s in view.spans] == [(0, 5), (6, 10)]
    assert "great food" in view.toPlainText()
    view.show_entities(
        "Ada lives in Paris", [{"start": 13, "end": 18, "label": "LOC", "score": 0.9}]
    )
    assert view.spans[0][:2] == (13, 18) and "LOC" in view.toPlainText()
