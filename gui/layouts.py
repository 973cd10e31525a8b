"""Box layouts from a list of what they hold, so that a panel's shape reads in one place.

``vbox(a, (b, 1), 2, row, parent=widget)``: ``a`` and ``b`` are widgets (``b`` with stretch
1), ``2`` is stretchable space of factor 2, ``row`` a nested layout. Margins are zero by
default (a part inside a tab lines up with its neighbours); ``margins=None`` keeps the
style's (a group box's contents).
"""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLayout, QVBoxLayout, QWidget

Item = QWidget | QLayout | int | tuple[QWidget | QLayout, int]


def _fill(layout: QBoxLayout, items: tuple[Item, ...], margins: int | None) -> None:
    if margins is not None:
        layout.setContentsMargins(margins, margins, margins, margins)
    for item in items:
        thing, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(thing, int):
            layout.addStretch(thing)
        elif isinstance(thing, QLayout):
            layout.addLayout(thing, stretch)
        else:
            layout.addWidget(thing, stretch)


def vbox(*items: Item, parent: QWidget | None = None, margins: int | None = 0) -> QVBoxLayout:
    """``items`` one above the other (set on ``parent`` when given)."""
    layout = QVBoxLayout(parent) if parent is not None else QVBoxLayout()
    _fill(layout, items, margins if parent is not None else None)
    return layout


def hbox(*items: Item, parent: QWidget | None = None, margins: int | None = 0) -> QHBoxLayout:
    """``items`` side by side (set on ``parent`` when given)."""
    layout = QHBoxLayout(parent) if parent is not None else QHBoxLayout()
    _fill(layout, items, margins if parent is not None else None)
    return layout


def column(*items: Item) -> QWidget:
    """A plain widget holding ``items`` one above the other, without margins."""
    widget = QWidget()
    vbox(*items, parent=widget)
    return widget


def row_widget(*items: Item) -> QWidget:
    """A plain widget holding ``items`` side by side, without margins."""
    widget = QWidget()
    hbox(*items, parent=widget)
    return widget
