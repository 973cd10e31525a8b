from __future__ import annotations

import logging
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import logs


@pytest.fixture
def restore_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    root = logging.getLogger()
    level = root.level
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    yield
    logs.close_logging()
    logging.captureWarnings(False)
    root.setLevel(level)


def test_log_file_is_in_the_user_log_dir(strop_home: Path, restore_logging: None) -> None:
    path = logs.setup_logging()
    assert path == strop_home / "logs" / "strop.log" == logs.log_file()
    logging.getLogger("strop.test").info("hello from a test")
    warnings.warn("a captured warning", UserWarning, stacklevel=1)
    text = path.read_text(encoding="utf-8")
    assert "Strop" in text and "started" in text
    assert "hello from a test" in text
    assert "a captured warning" in text


def test_setup_twice_adds_one_handler(restore_logging: None) -> None:
    first = logs.setup_logging()
    second = logs.setup_logging(level=logging.DEBUG)
    assert first == second
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_strop_log", False)]
    assert len(ours) == 1 and ours[0].level == logging.DEBUG


def test_uncaught_exceptions_are_logged_and_passed_on(
    restore_logging: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: seen.append(str(value)))
    monkeypatch.setattr(threading, "excepthook", lambda args: seen.append(str(args.exc_value)))
    path = logs.setup_logging()

    try:
        raise ValueError("boom in main")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)

    def fail() -> None:
        raise RuntimeError("boom in a thread")

    worker = threading.Thread(target=fail, name="worker-x")
    worker.start()
    worker.join()
    text = path.read_text(encoding="utf-8")
    assert "boom in main" in text and "Traceback" in text
    assert "Uncaught exception in thread worker-x" in text and "boom in a thread" in text
    assert seen == ["boom in main", "boom in a thread"]


def test_unwritable_log_dir_does_not_raise(
    restore_logging: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setattr(logs, "log_dir", lambda: blocker / "logs")
    assert logs.setup_logging() is None


def test_log_file_rotates(restore_logging: None) -> None:
    path = logs.setup_logging(max_bytes=2_000, backups=2)
    logger = logging.getLogger("strop.test")
    for i in range(200):
        logger.info("line %d %s", i, "x" * 40)
    assert path.stat().st_size <= 2_000
    assert path.with_name("strop.log.1").is_file()
    assert not path.with_name("strop.log.3").exists()
