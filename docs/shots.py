"""What the screenshot scripts share: where things are, the window size, waiting for the
window while its event loop runs, and saving a grab of it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SHARED = ROOT.parent / "shared" / "datasets"
SIZE = (1280, 860)  # the README's screenshots are all this size
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def wait(app: object, condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Process events until ``condition()``; returns the seconds it took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)
    return time.monotonic() - started


def save(window: object, path: Path) -> None:
    """Grab ``window`` into ``path`` (a PNG) and say so."""
    window.grab().save(str(path))  # type: ignore[attr-defined]
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"wrote {shown}")
