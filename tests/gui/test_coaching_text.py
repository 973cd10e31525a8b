"""gui.coaching_text: coaching findings translated by code and parameters."""

from __future__ import annotations

from typing import Any

from engine import coaching
from gui.coaching_text import TEMPLATES, coaching_html, finding_text


def test_the_templates_are_the_engines() -> None:
    # no translator installed: each template is its English source
    assert {code: template() for code, template in TEMPLATES.items()} == coaching.MESSAGES


def test_english_text_equals_the_engines_message() -> None:
    finding = coaching.Finding.of(
        "imbalance", "info", big="ham", n_big=900, small="spam", n_small=100, ratio=9.0
    )
    assert finding_text(finding) == finding.message
    assert finding_text(finding.to_dict()) == finding.message


def test_unknown_codes_and_broken_params_show_the_engines_message() -> None:
    assert finding_text({"code": "new_code", "message": "Something new."}) == "Something new."
    assert finding_text({"code": "overlap", "params": {}, "message": "old"}) == "old"


def test_chinese(qapp: Any) -> None:
    from gui.i18n import install_translators, remove_translators

    finding = coaching.Finding.of("overlap", "warning", n=3, share=0.1)
    install_translators(qapp, "zh_CN")
    try:
        text = finding_text(finding)
    finally:
        remove_translators(qapp)
    assert text == "3 条验证文本（10%）也出现在训练数据中：验证分数因此偏高。"


def test_html_marks_each_level() -> None:
    found = [
        coaching.Finding.of("overlap", "warning", n=1, share=0.5),
        coaching.Finding.of(
            "beats_baseline", "good", metric="macro_f1", score=0.9, baseline=0.8, gain=0.1
        ),
    ]
    html = coaching_html(found)
    assert html.startswith("⚠ 1 validation text(s) (50%)")
    assert "<br>✓ Fine-tuning paid off: macro F1 90.0% against 80.0%" in html
    assert coaching_html([]) == ""
