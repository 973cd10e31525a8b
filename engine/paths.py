"""Where Strop keeps things: the platform's user dirs, overridable with ``STROP_HOME``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

APP_NAME = "Strop"


def _home() -> Path | None:
    value = os.environ.get("STROP_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """User data folder (runs live in ``runs/`` below it)."""
    home = _home()
    if home:
        return home
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def runs_dir() -> Path:
    return data_dir() / "runs"


def cache_dir() -> Path:
    """Cache folder: Arrow copies of data files and tokenised datasets."""
    home = _home()
    if home:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    home = _home()
    if home:
        return home / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def require_free_space(folder: Path, needed: int, what: str, hint: str) -> None:
    """Raise ``ModelLoadError`` before writing ``needed`` bytes into ``folder`` when its disk
    has less free: a clear message now instead of a half-written model later."""
    from engine.errors import ModelLoadError

    free = shutil.disk_usage(folder).free
    if needed > free:
        raise ModelLoadError(
            f"{what} needs {needed / 1e6:,.0f} MB, but only {free / 1e6:,.0f} MB are free "
            f"in {folder}.",
            hint=hint,
        )
