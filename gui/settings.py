"""Where the window keeps its settings (``QSettings``).

With ``STROP_HOME`` set (tests, scripts, a portable install) the settings live in
``$STROP_HOME/settings.ini``, so a test never touches the user's real settings. Otherwise
Qt's native place for the organisation and application names set in ``gui.app``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

MAX_RECENT = 8


def make_settings() -> QSettings:
    home = os.environ.get("STROP_HOME")
    if home:
        path = Path(home).expanduser() / "settings.ini"
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings()


def read_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings, whatever form the backend returns it in."""
    value: Any = settings.value(key, [])
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value]


def add_recent(settings: QSettings, key: str, path: str) -> list[str]:
    """Put ``path`` first in the recent list ``key`` (at most ``MAX_RECENT``)."""
    items = [p for p in read_list(settings, key) if p != path]
    items.insert(0, path)
    items = items[:MAX_RECENT]
    settings.setValue(key, items)
    return items


def read_bool(settings: QSettings, key: str, default: bool = False) -> bool:
    value: Any = settings.value(key, default)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def read_number(settings: QSettings, key: str, default: float) -> float:
    try:
        return float(settings.value(key, default))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
