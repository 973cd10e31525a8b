"""Build Strop's double-click app with PyInstaller, on Linux, Windows or macOS.

    pip install -e ".[package]"
    python packaging/build.py [--no-onnx] [--clean] [--check]

Output (PyInstaller "onedir": one folder, fast to start):

- Linux:   ``dist/Strop/strop`` (plus ``strop.desktop`` and ``install-desktop-entry.sh``,
           which adds Strop to the application menu with its icon)
- Windows: ``dist/Strop/Strop.exe`` (windowed) and ``dist/Strop/strop-cli.exe`` (console)
- macOS:   ``dist/Strop.app``

The same executable runs the command line: ``dist/Strop/strop train --data FILE ...``.
The ONNX exporter and runtime are bundled when installed (``pip install -e ".[onnx]"``,
about 45 MB); ``--no-onnx`` leaves them out. ``--clean`` empties
PyInstaller's cache first, ``--check`` runs ``packaging/check_build.py`` on the result.
Intermediate files go to ``build/pyinstaller/``; ``build/`` and ``dist/`` are not committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "strop.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def app_path(dist: Path = DIST) -> Path:
    """The built app: the folder (Linux, Windows) or the .app bundle (macOS)."""
    return dist / "Strop.app" if sys.platform == "darwin" else dist / "Strop"


def executable(dist: Path = DIST) -> Path:
    """The built executable that opens the window (and runs the CLI on Linux and macOS)."""
    if sys.platform == "darwin":
        return app_path(dist) / "Contents" / "MacOS" / "Strop"
    if sys.platform == "win32":
        return app_path(dist) / "Strop.exe"
    return app_path(dist) / "strop"


def cli_executable(dist: Path = DIST) -> Path:
    """The executable to run the command line with (a console one on Windows)."""
    if sys.platform == "win32":
        return app_path(dist) / "strop-cli.exe"
    return executable(dist)


def folder_size(path: Path) -> tuple[int, int]:
    """Total bytes and number of files below ``path`` (links not followed)."""
    total = count = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
            count += 1
    return total, count


def build(*, onnx: bool = True, clean: bool = False) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit('PyInstaller is not installed: pip install -e ".[package]"') from None
    env = dict(os.environ, STROP_BUNDLE_ONNX="1" if onnx else "0")
    command = [
        sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
        "--distpath", str(DIST), "--workpath", str(WORK),
    ]  # fmt: skip
    if clean:
        command.append("--clean")
    print("$", " ".join(command), flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    app = app_path()
    if sys.platform.startswith("linux"):
        for name in ("strop.desktop", "install-desktop-entry.sh"):
            shutil.copy2(ROOT / "packaging" / "linux" / name, app / name)
    size, files = folder_size(app)
    print(
        f"\nBuilt {app} in {time.monotonic() - started:.0f} s: {size / 2**20:,.0f} MiB "
        f"in {files:,} files. Run it: {executable()}"
    )
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-onnx", action="store_true", help="leave out the ONNX exporter and runtime"
    )
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--check", action="store_true", help="run packaging/check_build.py after")
    args = parser.parse_args(argv)
    build(onnx=not args.no_onnx, clean=args.clean)
    if args.check:
        return subprocess.call([sys.executable, str(ROOT / "packaging" / "check_build.py")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
