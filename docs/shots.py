"""What the screenshot scripts share: where things are, the window size, the application and
window set up as ``main.py`` sets them up, waiting for the window while its event loop runs,
and saving a grab of it."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SIZE = (1280, 860)  # the README's screenshots are all this size


#: ``shared/datasets`` beside the checkout, or beside the folder holding it (a worktree).
SHARED = next(
    (
        base / "shared" / "datasets"
        for base in (ROOT.parent, ROOT.parent.parent)
        if (base / "shared" / "datasets").is_dir()
    ),
    ROOT.parent / "shared" / "datasets",
)
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def start_app(
    home_prefix: str | None = None, prepare: Callable[[Any], None] | None = None
) -> tuple[Any, Any]:
    """The ``QApplication`` and settings as the app makes them (offscreen unless a platform is
    set), in its own temporary ``STROP_HOME`` when ``home_prefix`` is given and none is set.

    ``prepare(settings)`` runs before the language and theme are read from the settings, so
    a script can pose as a returning user. Returns ``(app, settings)``."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if home_prefix is not None:
        os.environ.setdefault("STROP_HOME", tempfile.mkdtemp(prefix=home_prefix))
    from gui import app as gui_app

    gui_app._setup_environment()
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    app.setApplicationName("Strop")
    app.setOrganizationName("Strop")
    from gui import i18n, theme
    from gui.settings import make_settings

    settings = make_settings()
    if prepare is not None:
        prepare(settings)
    i18n.setup_language(app, settings)
    theme.setup_theme(app, settings)
    return app, settings


def open_window(settings: Any, *, dataset: str | None = None, model: str | None = None) -> Any:
    """A main window at the screenshots' size, shown and started on ``dataset`` and ``model``."""
    from gui.main_window import MainWindow

    window = MainWindow(settings)
    window.resize(*SIZE)
    window.show()
    window.start(dataset=dataset, model=model)
    return window


def wait(app: object, condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Process events until ``condition()``; returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)
    return time.monotonic() - started


def settle(app: object, seconds: float = 0.2) -> None:
    """Let the layouts catch up with the last texts before a grab."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)


def close(app: object, window: Any) -> None:
    """Close ``window`` and wait for its background work, as quitting the app does."""
    window.close()
    wait(app, lambda: not window.isVisible(), 60, "the window to close")
    window.wait_for_background(60_000)


def shared_datasets() -> Path:
    """The shared datasets folder, or a clear exit where there is none."""
    if not SHARED.is_dir():
        raise SystemExit(f"no shared/datasets folder next to the checkout ({SHARED})")
    return SHARED


def save(window: object, path: Path) -> None:
    """Grab ``window`` into ``path`` (a PNG) and say so."""
    window.grab().save(str(path))  # type: ignore[attr-defined]
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown}")
