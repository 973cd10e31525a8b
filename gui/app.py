"""Starting the window: arguments, the Qt application, a visible window in under a second.

torch, transformers and datasets take seconds to import, so the window is shown first and
they are imported afterwards, by the first background tasks that need them.

    python main.py [--dataset FILE] [--model PATH] [--quit-after MS]

``STROP_QUIT_AFTER_MS`` does what ``--quit-after`` does (for smoke tests);
``STROP_STARTUP_REPORT=FILE`` writes a JSON record of the start-up as the person sees it
(``StartupProbe``): when the window was shown and first painted, when the event loop first
turned, when torch was ready, the event loop's stalls until then, and which heavy modules
were imported before the window showed. ``STROP_QUIT_WHEN_READY=1`` closes the window once
torch is ready (``bench/startup.py``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from typing import Any

EXIT_WAIT_MS = 60_000
HEAVY_MODULES = ("torch", "transformers", "datasets", "accelerate", "sklearn", "pandas")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="strop", description="Fine-tune a text classifier on your own data."
    )
    parser.add_argument("--dataset", metavar="FILE", help="open this data file")
    parser.add_argument("--model", metavar="PATH", help="start from this model (folder or hub id)")
    parser.add_argument(
        "--quit-after", metavar="MS", type=int, help="close the window after MS milliseconds"
    )
    parser.add_argument("--debug", action="store_true", help="log debugging details")
    parser.add_argument(
        "paths", nargs="*", metavar="FILE", help="a data file to open ('Open with')"
    )
    args, _unknown = parser.parse_known_args(argv)  # Qt options such as -platform pass through
    if args.dataset is None:
        # "Open with" and a desktop entry's %f pass the file bare; a Qt option's value
        # (``-platform offscreen``) is not a file and is ignored.
        args.dataset = next((p for p in args.paths if os.path.exists(p)), None)
    return args


def _setup_environment() -> None:
    # Offline unless the user asked otherwise: no network wait, ever (downloads are explicit).
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    if sys.stdout is None or sys.stderr is None:  # a frozen GUI app has no console
        devnull = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        sys.stdout = sys.stdout or devnull
        sys.stderr = sys.stderr or devnull


def _setup_logging(debug: bool) -> None:
    """Log to the rotating file in the user log folder (Help > Show log opens it)."""
    from engine.logs import setup_logging

    setup_logging(level=logging.DEBUG if debug else logging.INFO)
    if debug:
        logging.getLogger().addHandler(logging.StreamHandler())


class StartupProbe:
    """Runs a callback once the window has painted its first frame and, when
    ``STROP_STARTUP_REPORT`` names a file, records the start-up as the person sees it: when
    the window was shown, first painted, when the event loop first turned, when torch was
    ready, and every stall of the event loop over 50 ms until then (``bench/startup.py``)."""

    TICK_MS = 10

    def __init__(self, window: Any, started: float, report_path: str | None) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        self.started, self.report_path = started, report_path
        self.shown = self.painted = self.loop_turned = self.torch_ready = None
        self.stalls: list[tuple[float, float]] = []
        self._callback: Any = None
        self._last_tick = 0.0
        outer = self

        class Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint and outer.painted is None:
                    outer.painted = time.time()
                    watched.removeEventFilter(self)
                    QTimer.singleShot(0, outer._first_turn)
                return False

        self._filter = Filter(window)
        window.installEventFilter(self._filter)
        self._timer = QTimer(window)
        self._timer.setInterval(self.TICK_MS)
        self._timer.timeout.connect(self._tick)

    def after_first_paint(self, callback: Any) -> None:
        self._callback = callback

    def _first_turn(self) -> None:
        self.loop_turned = time.time()
        self._last_tick = time.monotonic()
        if self.report_path:
            self._write()
            self._timer.start()
        if self._callback is not None:
            self._callback()

    def _tick(self) -> None:
        from engine.imports import warmed

        now = time.monotonic()
        late = now - self._last_tick - self.TICK_MS / 1000
        if late > 0.05:
            self.stalls.append((round(time.time() - self.started, 3), round(late, 3)))
        self._last_tick = now
        if warmed() and self.torch_ready is None:
            self.torch_ready = time.time()
            self._timer.stop()
            self._write()
            if os.environ.get("STROP_QUIT_WHEN_READY"):
                from PySide6.QtWidgets import QApplication

                QApplication.closeAllWindows()

    def _write(self) -> None:
        if not self.report_path:
            return
        record = {
            "started": self.started,
            "shown": self.shown,
            "painted": self.painted,
            "loop_turned": self.loop_turned,
            "torch_ready": self.torch_ready,
            "seconds_to_show": (self.shown or 0) - self.started,
            "stalls": self.stalls,
            "library_load": self._library_load(),
            "heavy_modules_at_show": self.heavy_at_show,
        }
        with open(self.report_path, "w", encoding="utf-8") as f:
            json.dump(record, f)

    heavy_at_show: list[str] = []

    def _library_load(self) -> list[float] | None:
        """When torch's libraries loaded, in seconds after launch (``preload_libraries``);
        None where they load inside the import (a frozen app)."""
        from engine import imports

        span = imports.preload_span
        return None if span is None else [round(t - self.started, 3) for t in span]


def main(argv: list[str] | None = None) -> int:
    """Open the window; returns the exit status."""
    started = time.time()
    if argv is None:
        argv = sys.argv[1:]
    _setup_environment()
    args = _parse(argv)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName("Strop")
    app.setApplicationDisplayName("Strop")
    app.setOrganizationName("Strop")
    app.setOrganizationDomain("strop.app")
    app.setDesktopFileName("strop")
    _setup_logging(args.debug)

    from gui import first_run, i18n, theme
    from gui.settings import make_settings

    settings = make_settings()
    i18n.setup_language(app, settings)  # before any widget is built: tr() needs it
    theme.setup_theme(app, settings)  # Fusion, light or dark palette, app icon

    from gui.main_window import MainWindow
    from gui.worker import wait_for_threads

    window = MainWindow()
    window.setWindowIcon(app.windowIcon())
    probe = StartupProbe(window, started, os.environ.get("STROP_STARTUP_REPORT"))
    window.show()
    probe.shown = time.time()
    probe.heavy_at_show = [m for m in HEAVY_MODULES if m in sys.modules]

    quit_after = args.quit_after
    if quit_after is None and os.environ.get("STROP_QUIT_AFTER_MS"):
        quit_after = int(os.environ["STROP_QUIT_AFTER_MS"])
    if quit_after is not None:
        QTimer.singleShot(quit_after, window.close)
    # The background work (devices, the model, the data, and warming torch, whose library
    # load holds the interpreter lock for 0.3-0.9 s) begins once the window has painted, so
    # the first frame never waits for it. A first launch opens the bundled sample, so Start
    # training works with one click.
    dataset = first_run.initial_dataset(window.settings, args.dataset)
    probe.after_first_paint(lambda: window.start(dataset=dataset, model=args.model))
    status = int(app.exec())
    # The window is gone; let background tasks end (bounded) before Python tears down.
    if not wait_for_threads(EXIT_WAIT_MS):
        logging.getLogger(__name__).warning("a background task did not end; exiting anyway")
        os._exit(status)
    return status
