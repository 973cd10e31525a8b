"""Report findings in words from their codes: nested (token) and flat (image) parameters,
the first example named, an unknown code shown as it is."""

from __future__ import annotations

from typing import Any

from gui.findings_text import finding_text, findings_html


def test_token_findings_fill_their_parameters(qapp: Any) -> None:
    text = finding_text(
        {"code": "unseen_validation_types", "level": "warning", "params": {"types": ["LOC", "X"]}}
    )
    assert text.startswith("Validation has entity types never seen in training: LOC, X.")
    share = finding_text(
        {"code": "long_sentences", "params": {"count": 1200, "share": 0.125, "max_length": 128}}
    )
    assert "1,200 sentences (12.5%)" in share and "128 sub-words" in share


def test_image_findings_name_the_first_file(qapp: Any) -> None:
    text = finding_text(
        {
            "code": "duplicates_within_split",
            "split": "train",
            "count": 3,
            "examples": [["/data/cats/a.jpg", "/data/cats/b.jpg"]],
        }
    )
    assert text == "3 images in training have the same bytes as another one (first: a.jpg)."
    skipped = finding_text(
        {"code": "skipped_files", "count": 2, "examples": [{"path": "/d/x.jpg", "reason": "e"}]}
    )
    assert "first: x.jpg" in skipped


def test_an_unknown_code_shows_as_it_is_and_problems_come_first(qapp: Any) -> None:
    assert finding_text({"code": "new_thing", "params": {"n": 2}}) == "new_thing (n=2)"
    html = findings_html(
        [{"code": "new_thing", "level": "info"}, {"code": "no_entities", "level": "problem"}],
        "fine",
    )
    assert html.index("✖") < html.index("ℹ")
    assert findings_html([], "✔ fine") == "✔ fine"
