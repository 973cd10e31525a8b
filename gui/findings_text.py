"""Report findings of the token and image tasks in the interface's language, from their codes.

The engine's findings are ``{"code", "level", "params"}`` (``engine.token_data.Finding`` and
the image report's); the window never parses English. A code this window does not know is
shown as the code with its parameters: better untranslated than wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

# Symbols that common fonts have (⛔ shows as a box on Linux without an emoji font).
_LEVEL_ICONS = {"problem": "✖", "warning": "⚠", "info": "ℹ"}


def _templates() -> dict[str, str]:
    """The sentence of each code in the interface's language (context ``Findings``)."""
    return {
        "scheme_i_after_o": QCoreApplication.translate(
            "Findings",
            "{count:,} entities start with I- instead of B- (tags in {scheme}); they are read "
            "as the start of a new entity.",
        ),
        "scheme_type_change": QCoreApplication.translate(
            "Findings",
            "{count:,} times the type changes inside an entity (tags in {scheme}); the new "
            "type is read as a new entity.",
        ),
        "long_sentences": QCoreApplication.translate(
            "Findings",
            "{count:,} sentences ({share:.1%}) are longer than {max_length} sub-words; they are "
            "split into overlapping windows, not cut.",
        ),
        "unseen_validation_types": QCoreApplication.translate(
            "Findings",
            "Validation has entity types never seen in training: {types}. The model cannot learn them.",
        ),
        "rare_entity_type": QCoreApplication.translate(
            "Findings",
            "Only {count} training examples of {type}: the model will rarely find it. Label "
            "more if you can.",
        ),
        "no_entities": QCoreApplication.translate(
            "Findings", "The training data has no entities at all: there is nothing to learn."
        ),
        "skipped_files": QCoreApplication.translate(
            "Findings", "{count:,} files cannot be used and are skipped (first: {first})."
        ),
        "unreadable_images": QCoreApplication.translate(
            "Findings",
            "{count:,} of {sampled:,} images looked at cannot be decoded (first: {first}).",
        ),
        "duplicates_within_split": QCoreApplication.translate(
            "Findings",
            "{count:,} images in {split} have the same bytes as another one (first: {first}).",
        ),
        "duplicates_across_splits": QCoreApplication.translate(
            "Findings",
            "{count:,} images are in both training and validation (first: {first}): the score "
            "will look better than it is.",
        ),
        "tiny_images": QCoreApplication.translate(
            "Findings",
            "{count:,} of {sampled:,} images looked at are under {min_side} pixels on a side "
            "(first: {first}).",
        ),
        "extreme_aspect": QCoreApplication.translate(
            "Findings",
            "{count:,} of {sampled:,} images looked at are more than {ratio}× wider than tall "
            "or taller than wide (first: {first}); the centre crop loses much of them.",
        ),
    }


class _Params(dict):  # type: ignore[type-arg]
    """Formatting parameters; a missing one shows as ``?`` instead of raising."""

    def __missing__(self, key: str) -> str:
        return "?"


def finding_text(finding: dict[str, Any]) -> str:
    """One finding as a sentence in the interface's language."""
    code = str(finding.get("code", ""))
    # token findings nest their parameters; the image report's sit beside the code
    params = dict(finding.get("params") or {}) or {
        k: v for k, v in finding.items() if k not in ("code", "level", "examples")
    }
    examples = finding.get("examples") or []
    if examples:
        first = examples[0]
        while isinstance(first, list | tuple) and first:
            first = first[0]
        if isinstance(first, dict):
            first = first.get("path") or next(iter(first.values()), "")
        params.setdefault("first", Path(str(first)).name)
    if params.get("split") in ("train", "validation"):
        params["split"] = (
            QCoreApplication.translate("Findings", "training")
            if params["split"] == "train"
            else QCoreApplication.translate("Findings", "validation")
        )
    for key, value in list(params.items()):
        if isinstance(value, list | tuple):
            params[key] = ", ".join(map(str, value))
    template = _templates().get(code)
    if template is not None:
        try:
            return template.format_map(_Params(params))
        except (ValueError, TypeError):
            pass
    shown = ", ".join(f"{k}={v}" for k, v in params.items())
    return f"{code} ({shown})" if shown else code


def findings_html(
    findings: list[dict[str, Any]],
    nothing: str,
    words: Callable[[dict[str, Any]], str] = finding_text,
    default_level: str = "warning",
) -> str:
    """Problems first, then warnings, then notes, each with its symbol; ``nothing`` when
    there are none. ``words`` turns one finding into its sentence."""
    if not findings:
        return nothing
    order = {"problem": 0, "warning": 1, "info": 2}
    rows = []
    for f in sorted(findings, key=lambda f: order.get(str(f.get("level", default_level)), 3)):
        icon = _LEVEL_ICONS.get(str(f.get("level", default_level)), "•")
        text = words(f).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        rows.append(f"<tr><td style='padding-right:6px'>{icon}</td><td>{text}</td></tr>")
    return "<table cellspacing='2'>" + "".join(rows) + "</table>"
