"""Keeping the computer awake while a run trains, and telling whether it runs on battery.

A laptop that sleeps an hour into a run loses the hour: the operating system suspends the
process, and on wake the run continues (or a GPU context is lost). Each platform has its
own way to ask "do not sleep while this runs", and each releases it when asked or when its
holder ends:

- Linux: ``systemd-inhibit --what=sleep:idle --mode=block cat``: logind keeps the lock while
  ``cat`` lives, and ``cat`` reads a pipe from us, so it ends when we close the pipe, and
  also when Strop dies by any means (even SIGKILL): no orphan keeps the computer awake.
- macOS: ``caffeinate -i -w <pid>`` (it also ends by itself if Strop dies).
- Windows: ``SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED)`` on the calling
  thread, cleared with ``ES_CONTINUOUS`` alone.

Where none exists (a container, a headless server without logind) the run goes on without
one: :class:`AwakeStatus` says ``active=False`` and why. Keeping awake never fails a run.

Use it as a context manager around the training call; it is released on every way out
(finish, stop, exception)::

    with keep_awake("Training a model") as status:
        train(config, emit)

:func:`on_battery` reads the power source (True, False, or None when it cannot tell), so
the window can warn that a long run on battery will be slow and drain it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WHO = "Strop"
#: how long a child inhibitor may take to start before we decide it failed (seconds)
_START_GRACE = 0.3
#: how long a child gets to end after SIGTERM before it is killed (seconds)
_STOP_GRACE = 2.0

# Windows SetThreadExecutionState flags
ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001


@dataclass(frozen=True)
class AwakeStatus:
    """Whether sleep is held off, by what, and, when it is not, why not (for a tooltip)."""

    active: bool
    method: str
    detail: str = ""


class KeepAwake:
    """Holds one sleep inhibitor from :meth:`start` until :meth:`release`.

    ``release`` is idempotent and safe to call when ``start`` did nothing; a held child
    process is ended and reaped, so none outlives the run.
    """

    def __init__(self, reason: str, *, platform: str | None = None) -> None:
        self.reason = reason or "Training a model"
        self.platform = platform or sys.platform
        self.status = AwakeStatus(False, "none", "not started")
        self._child: subprocess.Popen[bytes] | None = None
        self._windows = False

    # ----- public ------------------------------------------------------------------------
    def start(self) -> AwakeStatus:
        """Ask the platform to keep the computer awake; never raises."""
        if self.status.active:
            return self.status
        try:
            if self.platform.startswith("linux"):
                self.status = self._start_linux()
            elif self.platform == "darwin":
                self.status = self._start_macos()
            elif self.platform == "win32":
                self.status = self._start_windows()
            else:
                self.status = AwakeStatus(False, "none", f"no inhibitor on {self.platform}")
        except OSError as exc:  # the tool exists but cannot run: go on without it
            self._kill_child()
            self.status = AwakeStatus(False, "none", f"could not keep awake: {exc}")
        return self.status

    def release(self) -> None:
        """Let the computer sleep again: end the child, or clear the Windows request."""
        self._kill_child()
        if self._windows:
            self._windows = False
            try:
                import ctypes

                ctypes.windll.kernel32.SetThreadExecutionState(ES_CONTINUOUS)  # type: ignore[attr-defined]
            except (AttributeError, OSError):
                pass
        if self.status.active:
            self.status = AwakeStatus(False, self.status.method, "released")

    @property
    def child_pid(self) -> int | None:
        """The inhibitor child's process id while one is held (for tests and diagnostics)."""
        return self._child.pid if self._child is not None else None

    def __enter__(self) -> AwakeStatus:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.release()

    # ----- platforms -----------------------------------------------------------------------
    def _start_linux(self) -> AwakeStatus:
        tool = shutil.which("systemd-inhibit")
        if tool is None:
            return AwakeStatus(False, "none", "systemd-inhibit is not installed")
        # `cat` on our pipe is the held child: it ends at EOF, when we close the pipe or die.
        command = [
            tool,
            "--what=sleep:idle",
            f"--who={WHO}",
            f"--why={self.reason}",
            "--mode=block",
            "cat",
        ]
        return self._spawn(command, "systemd-inhibit", hold_stdin=True)

    def _start_macos(self) -> AwakeStatus:
        tool = shutil.which("caffeinate")
        if tool is None:
            return AwakeStatus(False, "none", "caffeinate is not available")
        # -w: caffeinate ends by itself when this process does, even if we are killed.
        return self._spawn([tool, "-i", "-w", str(os.getpid())], "caffeinate")

    def _start_windows(self) -> AwakeStatus:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        previous = kernel32.SetThreadExecutionState(ES_CONTINUOUS | ES_SYSTEM_REQUIRED)
        if not previous:
            return AwakeStatus(False, "none", "SetThreadExecutionState failed")
        self._windows = True
        return AwakeStatus(True, "SetThreadExecutionState", "system sleep held off")

    def _spawn(self, command: list[str], method: str, hold_stdin: bool = False) -> AwakeStatus:
        """Start the holder; if it ends at once (no logind, no D-Bus), report why."""
        child = subprocess.Popen(
            command,
            stdin=subprocess.PIPE if hold_stdin else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # a Ctrl+C in the terminal reaches us, not the holder
        )
        try:
            child.wait(timeout=_START_GRACE)
        except subprocess.TimeoutExpired:
            self._child = child  # still running: it holds the lock
            return AwakeStatus(True, method, f"pid {child.pid}")
        if child.stdin:
            child.stdin.close()
        error = child.stderr.read().decode("utf-8", "replace").strip() if child.stderr else ""
        if child.stderr:
            child.stderr.close()
        first = error.splitlines()[0] if error else f"exit status {child.returncode}"
        return AwakeStatus(False, "none", f"{method} failed: {first}")

    def _kill_child(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if child.stdin:
            child.stdin.close()  # EOF: a `cat` holder ends by itself
            try:
                child.wait(timeout=_STOP_GRACE)
            except subprocess.TimeoutExpired:
                pass
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=_STOP_GRACE)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if child.stderr:
            child.stderr.close()


@contextmanager
def keep_awake(reason: str, *, platform: str | None = None) -> Iterator[AwakeStatus]:
    """Keep the computer from sleeping inside the ``with`` block; released on every exit."""
    holder = KeepAwake(reason, platform=platform)
    try:
        yield holder.start()
    finally:
        holder.release()


# --------------------------------------------------------------------------------------
# Battery
# --------------------------------------------------------------------------------------
def on_battery(
    *, platform: str | None = None, sysfs: Path | str = "/sys/class/power_supply"
) -> bool | None:
    """True on battery, False on mains power, None when this computer does not say.

    A desktop with no battery is on mains (False). Never raises.
    """
    platform = platform or sys.platform
    try:
        if platform.startswith("linux"):
            return _linux_on_battery(Path(sysfs))
        if platform == "darwin":
            return _macos_on_battery()
        if platform == "win32":
            return _windows_on_battery()
    except (OSError, ValueError, AttributeError, subprocess.SubprocessError):
        return None
    return None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _linux_on_battery(root: Path) -> bool | None:
    """Mains adapters say ``online`` 1/0; batteries say ``status`` Discharging/Charging/...

    An online adapter settles it (mains); then a discharging battery, or adapters that are
    all offline beside a battery, mean battery; a charging or full battery alone means mains.
    No power supplies listed (many desktops, containers): unknown.
    """
    if not root.is_dir():
        return None
    adapters: list[bool] = []
    batteries: list[str] = []
    for supply in sorted(root.iterdir()):
        kind = _read(supply / "type")
        if kind == "Mains":
            online = _read(supply / "online")
            if online in ("0", "1"):
                adapters.append(online == "1")
        elif kind == "Battery" and _read(supply / "scope") != "Device":  # not a mouse's
            status = _read(supply / "status")
            if status:
                batteries.append(status)
    if any(adapters):
        return False
    if not batteries:
        return None
    if "Discharging" in batteries or adapters:  # adapters listed here are all offline
        return True
    if all(s in ("Charging", "Full", "Not charging") for s in batteries):
        return False
    return None


def _macos_on_battery() -> bool | None:
    out = subprocess.run(
        ["pmset", "-g", "batt"], capture_output=True, text=True, timeout=5, check=False
    ).stdout
    if "'Battery Power'" in out:
        return True
    if "'AC Power'" in out:
        return False
    return None


def _windows_on_battery() -> bool | None:
    import ctypes

    class SystemPowerStatus(ctypes.Structure):
        _fields_ = [
            ("ACLineStatus", ctypes.c_ubyte),
            ("BatteryFlag", ctypes.c_ubyte),
            ("BatteryLifePercent", ctypes.c_ubyte),
            ("SystemStatusFlag", ctypes.c_ubyte),
            ("BatteryLifeTime", ctypes.c_ulong),
            ("BatteryFullLifeTime", ctypes.c_ulong),
        ]

    status = SystemPowerStatus()
    if not ctypes.windll.kernel32.GetSystemPowerStatus(ctypes.byref(status)):  # type: ignore[attr-defined]
        return None
    return {0: True, 1: False}.get(status.ACLineStatus)  # 255: unknown
