"""``engine.coaching``'s findings in the interface's language, by code and parameters (as
``gui.i18n.warning_text`` does for the dataset report), never by parsing English."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication

#: The translated templates by code, each a call with its literal English source (which
#: lupdate extracts). A test checks the English equals the engine's, so a changed engine
#: sentence cannot keep a stale translation.
TEMPLATES: dict[str, Callable[[], str]] = {
    "overfitting": lambda: QCoreApplication.translate(
        "Coaching",
        "Overfitting: the validation loss rose for {n} evaluations after step {from_step} "
        "while the training loss kept falling. The best checkpoint, from step {best_step}, "
        "was kept; fewer epochs or more data would help.",
    ),
    "underfitting": lambda: QCoreApplication.translate(
        "Coaching",
        "Underfitting: the training loss barely moved ({first:.3f} to {last:.3f}, "
        "{drop:.0%} lower). Raise the learning rate or train longer.",
    ),
    "few_examples": lambda: QCoreApplication.translate(
        "Coaching",
        "Class {label!r} has only {n:,} training examples and a recall of {recall:.0%} "
        "(the other classes: {others:.0%}): add examples of it.",
    ),
    "imbalance": lambda: QCoreApplication.translate(
        "Coaching",
        "The classes are imbalanced: {big!r} has {n_big:,} training examples, {small!r} only "
        "{n_small:,} ({ratio:.0f}x fewer). Watch macro F1 rather than accuracy.",
    ),
    "beats_baseline": lambda: QCoreApplication.translate(
        "Coaching",
        "Fine-tuning paid off: {metric} {score:.1%} against {baseline:.1%} for the TF-IDF "
        "baseline ({gain:+.1%}).",
    ),
    "ties_baseline": lambda: QCoreApplication.translate(
        "Coaching",
        "Fine-tuning did no better than the TF-IDF baseline: {metric} {score:.1%} against "
        "{baseline:.1%}. The simple model may be enough, or the data too small to learn more.",
    ),
    "below_baseline": lambda: QCoreApplication.translate(
        "Coaching",
        "Fine-tuning did not beat the TF-IDF baseline: {metric} {score:.1%} against "
        "{baseline:.1%}. Train longer, raise the learning rate or choose another model.",
    ),
    "overlap": lambda: QCoreApplication.translate(
        "Coaching",
        "{n:,} validation text(s) ({share:.0%}) also appear in the training data: the "
        "validation score is inflated by them.",
    ),
}

# A mark per level, so the eye finds the warnings first.
MARKS = {"warning": "⚠", "info": "ℹ", "good": "✓"}


def metric_name(metric: str) -> str:
    """A metric's key (``macro_f1``) as the interface names it."""
    names = {
        "macro_f1": QCoreApplication.translate("Coaching", "macro F1"),
        "accuracy": QCoreApplication.translate("Coaching", "accuracy"),
        "entity_f1": QCoreApplication.translate("Coaching", "entity F1"),
    }
    return names.get(metric, metric)


def finding_text(finding: Any) -> str:
    """One finding (``engine.coaching.Finding`` or its dict) in the interface's language; an
    unknown code shows the engine's English message."""
    from engine.findings import fill

    data = finding.to_dict() if hasattr(finding, "to_dict") else dict(finding)
    template = TEMPLATES.get(str(data.get("code", "")))
    if template is None:
        return str(data.get("message", ""))
    params = dict(data.get("params") or {})
    if "metric" in params:
        params["metric"] = metric_name(str(params["metric"]))
    try:
        return fill(template(), params)
    except (KeyError, ValueError, IndexError):
        return str(data.get("message", ""))


def coaching_html(findings: list[Any]) -> str:
    """The findings as rich text, one line each with its level's mark; empty when none."""
    lines = []
    for finding in findings:
        level = finding.level if hasattr(finding, "level") else finding.get("level", "info")
        lines.append(f"{MARKS.get(level, '•')} {html.escape(finding_text(finding))}")
    return "<br>".join(lines)
