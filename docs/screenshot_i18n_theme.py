"""Screenshots of the Chinese interface and of the dark theme, for the README.

    python docs/screenshot_i18n_theme.py            # all three (trains once, about a minute)

1. ``docs/screenshot-zh.png``: the interface in Simplified Chinese, light theme, after a
   short training run on the bundled sample dataset with the starter model (Training tab).
2. ``docs/screenshot-zh-data.png``: the Dataset tab in Chinese on Chinese data with Chinese
   class names (waimai_10k from ``../shared/datasets``, labels renamed 好评 / 差评), which
   shows Chinese in the preview table and the bar chart's tick labels.
3. ``docs/screenshot-dark.png``: the dark theme in English, the same run reopened from its
   folder (curves redrawn from ``metrics.jsonl``).

Each screenshot runs in its own process (a language is installed before the window is
built), offscreen, with ``STROP_HOME`` in a temporary folder. A font with Chinese glyphs
must be installed (``apt-get install fonts-noto-cjk``), or the Chinese shows as boxes.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from shots import DOCS, ROOT, SHARED, SIZE, save
from shots import wait as _wait

WAIMAI = SHARED / "waimai_10k" / "all.csv"


def shoot(job: dict[str, str]) -> None:
    """In this process: build the window in ``language`` and ``theme``, do ``job``, save."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui.app import _setup_environment

    _setup_environment()
    from PySide6.QtWidgets import QApplication

    from gui import i18n, theme

    app = QApplication([sys.argv[0]])
    app.setApplicationName("Strop")
    app.setOrganizationName("Strop")
    i18n.install_translators(app, job["language"])
    i18n.apply_fonts(app, i18n.current_language())
    theme.apply_theme(app, job["theme"])
    app.setWindowIcon(theme.app_icon())

    from gui.first_run import HINT_DISMISSED_KEY
    from gui.main_window import MainWindow
    from gui.settings import make_settings

    settings = make_settings()
    settings.setValue(HINT_DISMISSED_KEY, job.get("hint") != "show")
    window = MainWindow()
    window.resize(*SIZE)
    window.show()
    window.start(dataset=job.get("dataset") or None, model="starter")
    tab = window.training_tab
    if job.get("dataset"):
        _wait(app, lambda: window.dataset_tab.report is not None, 300, "the dataset report")
    if job["kind"] == "train":
        tab.epochs_spin.setValue(1)
        tab.start_button.click()
        _wait(app, lambda: tab.is_running, 10, "the run to start")
        _wait(app, lambda: not tab.is_running, 900, "the run to end")
        Path(job["run_file"]).write_text(tab.run_dir or "", encoding="utf-8")
        window.tabs.setCurrentWidget(tab)
    elif job["kind"] == "open_run":
        _wait(app, lambda: tab.device_combo.count() > 1, 120, "the device list")
        window.open_run(Path(job["run_file"]).read_text(encoding="utf-8"))
        window.tabs.setCurrentWidget(tab)
    else:
        window.tabs.setCurrentWidget(window.dataset_tab)
    for _ in range(40):  # let layouts and the plots' redraw timer settle
        app.processEvents()
        time.sleep(0.05)
    save(window, Path(job["out"]))
    print(f"saved {job['out']}")
    window.close()
    from gui.worker import wait_for_threads

    wait_for_threads(60_000)


def chinese_labelled_data(folder: Path, rows: int = 1200) -> Path:
    """A slice of waimai_10k with its labels in Chinese (好评 / 差评)."""
    names = {"positive": "好评", "negative": "差评"}
    out = folder / "外卖评论.csv"
    with (
        WAIMAI.open(encoding="utf-8", newline="") as src,
        out.open("w", encoding="utf-8", newline="") as dst,
    ):
        reader = csv.DictReader(src)
        writer = csv.writer(dst)
        writer.writerow(["评论", "评价"])
        for i, row in enumerate(reader):
            if i >= rows * 5:
                break
            if i % 5 == 0:  # both classes, spread over the file
                writer.writerow([row["text"], names.get(row["label"], row["label"])])
    return out


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--job":
        shoot(json.loads(sys.argv[2]))
        return 0
    from engine.resources import sample_dataset_path

    with tempfile.TemporaryDirectory(prefix="strop-shots-") as tmp:
        home = Path(tmp) / "home"
        env = {**os.environ, "STROP_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
        run_file = str(Path(tmp) / "run.txt")
        jobs = [
            {
                "kind": "train",
                "language": "zh_CN",
                "theme": "light",
                "hint": "show",
                "dataset": str(sample_dataset_path()),
                "run_file": run_file,
                "out": str(DOCS / "screenshot-zh.png"),
            },
            {
                "kind": "open_run",
                "language": "en",
                "theme": "dark",
                "dataset": str(sample_dataset_path()),
                "run_file": run_file,
                "out": str(DOCS / "screenshot-dark.png"),
            },
        ]
        if WAIMAI.is_file():
            jobs.append(
                {
                    "kind": "data",
                    "language": "zh_CN",
                    "theme": "light",
                    "hint": "show",
                    "dataset": str(chinese_labelled_data(Path(tmp))),
                    "out": str(DOCS / "screenshot-zh-data.png"),
                }
            )
        for job in jobs:
            cmd = [sys.executable, str(Path(__file__).resolve()), "--job", json.dumps(job)]
            subprocess.run(cmd, check=True, env=env, cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
