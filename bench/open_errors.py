"""Opening a data file: seconds from process launch to what the window says about it.

    python bench/open_errors.py             # 3 cases x 3 launches, ~1-2 minutes
    python bench/open_errors.py --runs 1

Launches ``python main.py --dataset FILE`` as a person would (offscreen without a display,
a fresh ``STROP_HOME`` each time) through a thin wrapper that watches the window every 10 ms
and records when the answer appears, then closes it:

- a binary file (``photo.xlsx``): the "unsupported file type" message in the banner;
- a 2-line CSV whose quote never closes: the "quoted text is never closed" message;
- a 3,000-row CSV: "3,000 rows" in the Dataset tab.

It also records the status bar then and 300 ms later (it must no longer say "Opening...").
The clock starts just before the process is spawned, so interpreter start-up and every
import count. Target: every answer < 1 s after the window is shown (none needs a model).
"""

from __future__ import annotations

from pathlib import Path

import common

# Runs inside the launched process: main.py, with a watcher on the window it builds.
WATCHER = r"""
import json, sys, time
sys.path.insert(0, {root!r})
sys.argv = ["main.py", "--dataset", {data!r}]
from PySide6.QtCore import QTimer
import gui.main_window as mw

out, expect = {out!r}, {expect!r}
build = mw.MainWindow.__init__

def init(self, *args, **kwargs):
    build(self, *args, **kwargs)
    record = {{"built": time.time()}}

    def look():
        record.setdefault("first_tick", time.time())
        banner = self.banner.message if self.banner.isVisible() else ""
        rows = self.dataset_tab.rows_label.text()
        if "shown" not in record and (expect in banner or expect == rows):
            record.update(shown=time.time(), banner=banner, rows=rows,
                          status=self.status_dataset.text(),
                          heavy=[m for m in ("torch", "transformers", "datasets")
                                 if m in sys.modules])
            QTimer.singleShot(300, later)

    def later():
        record["status_after_300ms"] = self.status_dataset.text()
        with open(out, "w", encoding="utf-8") as f:
            json.dump(record, f)
        self.close()

    timer = QTimer(self)
    timer.timeout.connect(look)
    timer.start(10)

mw.MainWindow.__init__ = init
import main
sys.exit(main.main())
"""


def cases(work: Path) -> list[tuple[str, Path, str]]:
    binary = work / "photo.xlsx"
    binary.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 64)
    unclosed = work / "unclosed.csv"
    unclosed.write_text('text,label\n"good film,positive\n', encoding="utf-8")
    many = work / "reviews.csv"
    many.write_text(
        "text,label\n"
        + "".join(
            f"review number {i} of the film,{'pos' if i % 2 else 'neg'}\n" for i in range(3000)
        ),
        encoding="utf-8",
    )
    return [
        ("binary file: unsupported file type", binary, "unsupported file type"),
        ("2-line CSV, unclosed quote", unclosed, "quoted text is never closed"),
        ("3,000-row CSV: row count", many, "3,000 rows"),
    ]


def launch(work: Path, tag: str, data: Path, expect: str) -> dict:
    out = work / f"{tag}.json"
    script = WATCHER.format(root=str(common.ROOT), data=str(data), out=str(out), expect=expect)
    record, t0 = common.launch_window(
        ["-c", script], work / f"home-{tag}", out, {"STROP_QUIT_AFTER_MS": "60000"}
    )
    for key in ("shown", "built", "first_tick"):
        record[key] -= t0
    record["seconds"] = record["shown"]
    return record


def main() -> None:
    with common.launch_bench(__doc__, 3, "strop-bench-open-") as (runs, work):
        for name, data, expect in cases(work):
            seconds = []
            for i in range(runs):
                r = launch(work, f"{data.stem}-{i}", data, expect)
                seconds.append(r["seconds"])
                heavy = ", ".join(r["heavy"]) or "none"
                print(
                    f"{name}: window built {r['built']:.2f} s, event loop turns "
                    f"{r['first_tick']:.2f} s, answer shown {r['seconds']:.2f} s after launch "
                    "(heavy modules then: "
                    f"{heavy}); status bar {r['status']!r}, 300 ms later "
                    f"{r['status_after_300ms']!r}"
                )
            print(f"{name}: median {common.median(seconds):.2f} s over {runs} launch(es)")


if __name__ == "__main__":
    main()
