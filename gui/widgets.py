"""Small constructors for the widgets every panel makes: a named button, a named label, a
named widget with its tooltip.

Every control a test or a script finds has a stable ``objectName`` (tests/gui, docs/*.py,
packaging/check_build.py find them by it); spelling that out line by line repeated the same
block across the panels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, tip: str = "") -> W:
    """``widget`` with its ``objectName`` and, when given, its tooltip."""
    widget.setObjectName(name)
    if tip:
        widget.setToolTip(tip)
    return widget


def label(name: str, text: str = "", *, wrap: bool = True) -> QLabel:
    """A named label that wraps its words (unless ``wrap`` is False)."""
    widget = named(QLabel(text), name)
    widget.setWordWrap(wrap)
    return widget


def push_button(
    text: str,
    name: str,
    slot: Callable[[], Any],
    *,
    tip: str = "",
    enabled: bool = True,
) -> QPushButton:
    """A button named ``name`` that calls ``slot()`` when clicked (the click's ``checked``
    argument is dropped, so a slot with optional parameters keeps its defaults)."""
    button = named(QPushButton(text), name, tip)
    button.setEnabled(enabled)
    button.clicked.connect(lambda _checked=False: slot())
    return button
