"""Starting the window: arguments, the Qt application, a visible window in under a second.

torch, transformers and datasets take seconds to import, so the window is shown first and
they are imported afterwards, by the first background tasks that need them.

    python main.py [--dataset FILE] [--model PATH] [--quit-after MS]

``STROP_QUIT_AFTER_MS`` does what ``--quit-after`` does (for smoke tests);
``STROP_STARTUP_REPORT=FILE`` writes, once the window is shown, a JSON record of when that
happened and which heavy modules were already imported.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time

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
    window.show()
    shown = time.time()
    report_path = os.environ.get("STROP_STARTUP_REPORT")
    if report_path:
        record = {
            "started": started,
            "shown": shown,
            "seconds_to_show": shown - started,
            "heavy_modules_at_show": [m for m in HEAVY_MODULES if m in sys.modules],
        }
        with open(report_path, "w", encoding="utf-8") as f:
            json.dump(record, f)

    quit_after = args.quit_after
    if quit_after is None and os.environ.get("STROP_QUIT_AFTER_MS"):
        quit_after = int(os.environ["STROP_QUIT_AFTER_MS"])
    if quit_after is not None:
        QTimer.singleShot(quit_after, window.close)
    # The first background tasks (listing devices, describing the model) import torch and
    # transformers: they warm the heavy imports while the user looks at the window.
    # A first launch opens the bundled sample, so Start training works with one click.
    dataset = first_run.initial_dataset(window.settings, args.dataset)
    QTimer.singleShot(0, lambda: window.start(dataset=dataset, model=args.model))
    status = int(app.exec())
    # The window is gone; let background tasks end (bounded) before Python tears down.
    if not wait_for_threads(EXIT_WAIT_MS):
        logging.getLogger(__name__).warning("a background task did not end; exiting anyway")
        os._exit(status)
    return status
