"""Strop's log file: ``strop.log`` in the platform's user log folder (``paths.log_dir()``).

A double-clicked app has no terminal, so what would have gone to one goes here: Python
warnings, Strop's own ``logging`` records and uncaught exceptions (from any thread). The file
rotates at about 1 MB and keeps three old copies. Help > Show log opens ``log_file()``.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
import threading
from pathlib import Path
from types import TracebackType

from engine.paths import log_dir

LOG_FILE = "strop.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"

log = logging.getLogger("strop")


def log_file() -> Path:
    """The current log file (it may not exist before ``setup_logging()``)."""
    return log_dir() / LOG_FILE


def _our_handler(root: logging.Logger) -> logging.Handler | None:
    return next((h for h in root.handlers if getattr(h, "_strop_log", False)), None)


def setup_logging(
    *,
    level: int = logging.INFO,
    max_bytes: int = 1_000_000,
    backups: int = 3,
    catch_uncaught: bool = True,
) -> Path | None:
    """Send logging records and warnings to the rotating log file; returns its path.

    Safe to call more than once (the second call only adjusts the level). Returns ``None``,
    without raising, when the log folder cannot be written: logging must never stop the app.
    """
    root = logging.getLogger()
    existing = _our_handler(root)
    if existing is not None:
        existing.setLevel(level)
        return Path(existing.baseFilename)  # type: ignore[attr-defined]
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=False
        )
    except OSError:
        return None
    handler._strop_log = True  # type: ignore[attr-defined]
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    logging.captureWarnings(True)
    if catch_uncaught:
        _install_excepthooks()
    from engine import __version__

    log.info(
        "Strop %s started: Python %s on %s%s",
        __version__,
        platform.python_version(),
        platform.platform(),
        " (frozen app)" if getattr(sys, "frozen", False) else "",
    )
    return path


def close_logging() -> None:
    """Detach and close the log file handler (tests; a clean shutdown)."""
    root = logging.getLogger()
    handler = _our_handler(root)
    if handler is not None:
        root.removeHandler(handler)
        handler.close()


def _install_excepthooks() -> None:
    """Log uncaught exceptions, then hand them to the hooks that were there before."""
    if getattr(sys.excepthook, "_strop_log", False):
        return
    previous = sys.excepthook
    previous_thread = threading.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if not issubclass(kind, KeyboardInterrupt):
            log.critical("Uncaught exception", exc_info=(kind, value, tb))
        previous(kind, value, tb)

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            log.critical(
                "Uncaught exception in thread %s",
                getattr(args.thread, "name", "?"),
                exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
            )
        previous_thread(args)

    hook._strop_log = True  # type: ignore[attr-defined]
    sys.excepthook = hook
    threading.excepthook = thread_hook
