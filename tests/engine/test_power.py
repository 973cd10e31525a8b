"""Keeping awake with a fake ``systemd-inhibit`` / ``caffeinate`` on PATH (the child must be
gone after every way out), the Windows call through a fake ``ctypes.windll``, and the
battery read from a fake sysfs tree."""

from __future__ import annotations

import ctypes
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from engine.power import (
    ES_CONTINUOUS,
    ES_SYSTEM_REQUIRED,
    AwakeStatus,
    KeepAwake,
    keep_awake,
    on_battery,
)


def _script(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def fake_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH holding our fakes first (and the system's ``cat`` and ``sleep``)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}/usr/bin{os.pathsep}/bin")
    return folder


def _fake_inhibit(folder: Path, log: Path) -> None:
    # Records its arguments, then runs the command after the options, as the real one does.
    _script(
        folder,
        "systemd-inhibit",
        f'echo "$@" > "{log}"\n'
        'while [ $# -gt 0 ]; do case "$1" in --*) shift;; *) break;; esac; done\n'
        'exec "$@"\n',
    )


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_linux_holds_a_child_until_the_block_ends(fake_bin: Path, tmp_path: Path) -> None:
    log = tmp_path / "args"
    _fake_inhibit(fake_bin, log)
    holder = KeepAwake("Training sentiment", platform="linux")
    with holder as status:
        assert status.active and status.method == "systemd-inhibit"
        pid = holder.child_pid
        assert pid is not None and not _gone(pid)
        args = log.read_text(encoding="utf-8").split()
        assert args[:4] == ["--what=sleep:idle", "--who=Strop", "--why=Training", "sentiment"]
        assert "--mode=block" in args
    assert _gone(pid) and holder.child_pid is None
    assert not holder.status.active


def test_the_holder_ends_when_strop_dies(fake_bin: Path, tmp_path: Path) -> None:
    """Killed outright, Strop closes no pipe on purpose, but the kernel closes it: the
    holder reads end-of-file and ends, so no orphan keeps the computer awake."""
    _fake_inhibit(fake_bin, tmp_path / "args")
    holder = KeepAwake("run", platform="linux")
    assert holder.start().active
    child = holder._child
    assert child is not None and child.stdin is not None
    child.stdin.close()  # what the kernel does to our end of the pipe when we die
    assert child.wait(timeout=5) == 0
    holder.release()


def test_the_child_is_gone_after_an_exception(fake_bin: Path, tmp_path: Path) -> None:
    _fake_inhibit(fake_bin, tmp_path / "args")
    pids: list[int] = []
    with pytest.raises(RuntimeError, match="boom"), keep_awake("run", platform="linux") as status:
        assert status.active
        pids.append(int(status.detail.split()[-1]))
        raise RuntimeError("boom")
    assert _gone(pids[0])


def test_release_twice_and_without_start_is_harmless(fake_bin: Path, tmp_path: Path) -> None:
    KeepAwake("never started", platform="linux").release()
    _fake_inhibit(fake_bin, tmp_path / "args")
    holder = KeepAwake("run", platform="linux")
    first = holder.start()
    assert holder.start() is first  # a second start holds no second child
    holder.release()
    holder.release()
    assert not holder.status.active


def test_no_inhibitor_is_not_an_error(fake_bin: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(fake_bin))  # nothing but our (empty) folder
    with keep_awake("run", platform="linux") as status:
        assert status == AwakeStatus(False, "none", "systemd-inhibit is not installed")
    with keep_awake("run", platform="sunos5") as status:
        assert not status.active and "sunos5" in status.detail


def test_an_inhibitor_that_fails_says_why(fake_bin: Path) -> None:
    # What systemd-inhibit prints in a container without logind
    _script(
        fake_bin,
        "systemd-inhibit",
        'echo "Failed to inhibit: Transport endpoint is not connected" >&2\nexit 1\n',
    )
    holder = KeepAwake("run", platform="linux")
    with holder as status:
        assert not status.active
        assert (
            status.detail
            == "systemd-inhibit failed: Failed to inhibit: Transport endpoint is not connected"
        )
        assert holder.child_pid is None


def test_macos_waits_on_our_pid(fake_bin: Path, tmp_path: Path) -> None:
    log = tmp_path / "args"
    _script(fake_bin, "caffeinate", f'echo "$@" > "{log}"\nexec sleep 60\n')
    holder = KeepAwake("run", platform="darwin")
    with holder as status:
        assert status.active and status.method == "caffeinate"
        pid = holder.child_pid
        deadline = time.monotonic() + 5
        while not log.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert log.read_text(encoding="utf-8").split() == ["-i", "-w", str(os.getpid())]
    assert pid is not None and _gone(pid)


class _FakeKernel32:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def SetThreadExecutionState(self, flags: int) -> int:  # noqa: N802 - the Win32 name
        self.calls.append(flags)
        return ES_CONTINUOUS  # the previous state: non-zero means success


def test_windows_sets_and_clears_the_execution_state(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel32 = _FakeKernel32()
    monkeypatch.setattr(ctypes, "windll", type("W", (), {"kernel32": kernel32})(), raising=False)
    with pytest.raises(ValueError), keep_awake("run", platform="win32") as status:
        assert status.active and status.method == "SetThreadExecutionState"
        raise ValueError
    assert kernel32.calls == [ES_CONTINUOUS | ES_SYSTEM_REQUIRED, ES_CONTINUOUS]


# ----- battery ------------------------------------------------------------------------------
def _supply(root: Path, name: str, **files: str) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    for key, value in files.items():
        (folder / key).write_text(value + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("supplies", "expected"),
    [
        ({"AC": {"type": "Mains", "online": "1"}, "BAT0": {"type": "Battery", "status": "Charging"}}, False),
        ({"AC": {"type": "Mains", "online": "0"}, "BAT0": {"type": "Battery", "status": "Discharging"}}, True),
        # some laptops list no adapter at all: the battery's status decides
        ({"BAT1": {"type": "Battery", "status": "Discharging"}}, True),
        ({"BAT1": {"type": "Battery", "status": "Full"}}, False),
        # an adapter that says offline while the battery sits at its charge limit
        ({"ADP1": {"type": "Mains", "online": "0"}, "BAT0": {"type": "Battery", "status": "Not charging"}}, True),
        # a wireless mouse's battery says nothing about the computer
        ({"hidpp_battery_0": {"type": "Battery", "status": "Discharging", "scope": "Device"}}, None),
        ({"BAT0": {"type": "Battery", "status": "Unknown"}}, None),
        ({}, None),  # a desktop or a container lists nothing
    ],
)  # fmt: skip
def test_on_battery_reads_sysfs(
    tmp_path: Path, supplies: dict[str, Any], expected: bool | None
) -> None:
    root = tmp_path / "power_supply"
    root.mkdir()
    for name, files in supplies.items():
        _supply(root, name, **files)
    assert on_battery(platform="linux", sysfs=root) is expected


def test_on_battery_without_sysfs_or_on_another_system(tmp_path: Path) -> None:
    assert on_battery(platform="linux", sysfs=tmp_path / "missing") is None
    assert on_battery(platform="sunos5") is None


def test_on_battery_on_macos_reads_pmset(fake_bin: Path) -> None:
    _script(fake_bin, "pmset", "echo \"Now drawing from 'Battery Power'\"\n")
    assert on_battery(platform="darwin") is True
    _script(fake_bin, "pmset", "echo \"Now drawing from 'AC Power'\"\n")
    assert on_battery(platform="darwin") is False
