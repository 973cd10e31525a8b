"""One push button from its text, ``objectName``, action and tooltip.

Every button a test or a script presses has a stable ``objectName`` (tests/gui, docs/*.py,
packaging/check_build.py find them by it); spelling that out in five lines per button
repeated the same block across the tabs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QPushButton


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
    button = QPushButton(text)
    button.setObjectName(name)
    if tip:
        button.setToolTip(tip)
    button.setEnabled(enabled)
    button.clicked.connect(lambda _checked=False: slot())
    return button
