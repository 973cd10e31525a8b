"""main.py: the first word picks the command line, the window, or a one-line typo error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import main

ROOT = Path(__file__).resolve().parents[1]


def _run(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )


def test_a_typo_exits_2_naming_the_closest_command(tmp_path: Path) -> None:
    done = _run("trian", "--data", "x.csv", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == "strop: error: unknown command 'trian'; did you mean 'train'?"
    assert done.stdout == ""


def test_a_word_like_no_command_lists_the_commands() -> None:
    message = main.unknown_command_error("zzz", ["evaluate", "train"])
    assert message == "strop: error: unknown command 'zzz' (commands: evaluate, train)"


def test_the_typo_check_imports_no_torch_and_no_qt() -> None:
    script = (
        "import sys; sys.argv = ['main.py', 'evalute']; import main\n"
        "code = main.main()\n"
        "heavy = [m for m in ('torch', 'transformers', 'PySide6') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.stdout.strip() == "2 []", done.stderr
    assert "did you mean 'evaluate'?" in done.stderr


def test_commands_and_help_go_to_the_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr("engine.cli.main", lambda argv: seen.append(list(argv)) or 0)
    for argv in (["runs", "--help"], ["--debug", "train"], ["-h"]):
        monkeypatch.setattr(sys, "argv", ["main.py", *argv])
        assert main.main() == 0
    assert seen == [["runs", "--help"], ["--debug", "train"], ["-h"]]


def test_options_and_existing_files_open_the_window(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = tmp_path / "reviews.csv"
    data.write_text("text,label\nfine,pos\n")
    opened: list[list[str]] = []
    monkeypatch.setattr("gui.app.main", lambda argv: opened.append(list(argv)) or 0)
    for argv in ([str(data)], ["--dataset", str(data)], ["-platform", "offscreen"], []):
        monkeypatch.setattr(sys, "argv", ["main.py", *argv])
        assert main.main() == 0
    assert opened == [[str(data)], ["--dataset", str(data)], ["-platform", "offscreen"], []]
