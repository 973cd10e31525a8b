"""Build Strop's double-click app with PyInstaller, on Linux, Windows or macOS.

    pip install -e ".[package]"
    python packaging/build.py [--no-onnx] [--clean] [--check]

Output (PyInstaller "onedir": one folder, fast to start):

- Linux:   ``dist/Strop/strop`` (plus ``strop.desktop`` and ``install-desktop-entry.sh``,
           which adds Strop to the application menu with its icon)
- Windows: ``dist/Strop/Strop.exe`` (windowed) and ``dist/Strop/strop-cli.exe`` (console)
- macOS:   ``dist/Strop.app``

The same executable runs the command line: ``dist/Strop/strop train --data FILE ...``.
The starter image model is converted at build time into ``resources/models/starter-image``
(removed from the source tree after the build), so the app ships it ready to load.
The ONNX exporter and runtime are bundled when installed (they are Strop dependencies,
about 45 MB); ``--no-onnx`` leaves them out. ``--clean`` empties
PyInstaller's cache first, ``--check`` runs ``packaging/check_build.py`` on the result.
Intermediate files go to ``build/pyinstaller/``; ``build/`` and ``dist/`` are not committed.
"""

from __future__ import annotations

import argparse
import contextlib
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


def convert_starter_image() -> Path:
    """Convert the starter image model (EfficientNet-Lite0's ImageNet weights) into a Hugging
    Face folder under ``resources/``, which the spec bundles: the frozen app finds it with
    ``engine.image_model.bundled_starter_path`` and never converts at first use (which needs
    a writable cache and ~10 s). The conversion checks itself against the original weights."""
    sys.path.insert(0, str(ROOT))
    from engine.image_model import BUNDLED_STARTER, convert_starter

    dest = ROOT.joinpath("resources", *BUNDLED_STARTER)
    if dest.exists():
        shutil.rmtree(dest)
    started = time.monotonic()
    convert_starter(dest)
    size, _ = folder_size(dest)
    print(f"Converted the starter image model into {dest} ({size / 2**20:.0f} MiB) in "
          f"{time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
    return dest


def build(*, onnx: bool = True, clean: bool = False) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit('PyInstaller is not installed: pip install -e ".[package]"') from None
    starter = convert_starter_image()
    try:
        return _pyinstaller(onnx=onnx, clean=clean)
    finally:
        # the converted folder is build output: the source tree keeps only the weights' package
        shutil.rmtree(starter, ignore_errors=True)
        with contextlib.suppress(OSError):
            starter.parent.rmdir()


def _pyinstaller(*, onnx: bool, clean: bool) -> Path:
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
