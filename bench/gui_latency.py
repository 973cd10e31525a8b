"""Window responsiveness: how late a 10 ms timer fires in the GUI thread while training runs.

    python bench/gui_latency.py                 # ~2-4 minutes on 2 cores
    python bench/gui_latency.py --rows 200

Drives the real window: ``MainWindow`` shown, a CSV of a few hundred English sentences
opened in the Dataset tab, the starter model, Strop's default hyperparameters, then a click
on ``startTrainingButton``. From that click until the run has ended, a 10 ms ``QTimer``
in the GUI thread records how late each tick fires (lateness = gap between ticks - 10 ms).
The longest stalls are printed with the phase the run was in, to show what caused them.
Without a display it uses Qt's offscreen platform (painting still happens, off screen).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import common

TICK_MS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=400, help="training rows (English sentiment)")
    parser.add_argument("--max-steps", type=int, default=0, help="0: Strop's defaults (3 epochs)")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    tmp = tempfile.TemporaryDirectory(prefix="strop-bench-gui-")
    work = Path(tmp.name)
    os.environ["STROP_HOME"] = str(work / "home")

    import pandas as pd

    data = work / "sentences.csv"
    df = pd.read_csv(common.shared_dataset("uci_sentiment_sentences/all.csv"), dtype=str)
    df.sample(n=args.rows, random_state=0).to_csv(data, index=False)

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    _app = QApplication.instance() or QApplication(["strop-bench"])  # kept alive
    from gui.main_window import MainWindow
    from gui.worker import running_threads, wait_for_threads

    window = MainWindow()
    window.show()
    window.start(dataset=str(data), model="starter")

    def wait_until(condition, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                return False
            loop = QEventLoop()
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        return True

    ok = wait_until(lambda: window.dataset_tab.report is not None or window.banner.isVisible(), 300)
    if not ok or window.dataset_tab.report is None:
        raise SystemExit(f"the dataset report never came: {window.banner.message}")
    common.print_machine(common.machine())
    tab = window.training_tab
    if args.max_steps:
        tab.max_steps_spin.setValue(args.max_steps)

    lateness: list[float] = []
    stamps: list[float] = []
    marks: list[tuple[float, str]] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(TICK_MS)
    last = [0]

    def tick() -> None:
        now = clock.nsecsElapsed()
        lateness.append(max(0.0, (now - last[0]) / 1e6 - TICK_MS))
        stamps.append(now / 1e9)
        last[0] = now

    timer.timeout.connect(tick)
    clock.start()
    last[0] = clock.nsecsElapsed()
    timer.start()
    tab.start_button.click()
    if not tab.is_running:
        raise SystemExit(f"training did not start: {window.banner.message}")

    def on_event(event) -> None:
        name = type(event).__name__
        label = getattr(event, "phase", None) or getattr(event, "step", "")
        marks.append((clock.nsecsElapsed() / 1e9, f"{name} {label}".strip()))

    tab.worker.event.connect(on_event)
    t0 = time.monotonic()
    wait_until(lambda: not tab.is_running, 3600)
    seconds = time.monotonic() - t0
    timer.stop()
    window.close()
    wait_for_threads(60_000)
    assert not running_threads()

    steps = [m for m in marks if m[1].startswith("StepLogged")]
    print(
        f"training run in the window: {args.rows} rows, starter model, "
        f"{len(steps)} logged steps, {seconds:.0f} s, final state: {tab.state_label.text()}"
    )
    # Where the worst stalls happened: the last engine event before each.
    times = stamps
    worst = sorted(range(len(lateness)), key=lambda i: -lateness[i])[:5]
    for i in sorted(worst):
        before = [m[1] for m in marks if m[0] <= times[i]]
        print(
            f"  stall of {lateness[i]:.0f} ms at {times[i]:.1f} s, after: "
            f"{before[-1] if before else 'the click'}"
        )
    p50, p99 = common.percentile(lateness, 50), common.percentile(lateness, 99)
    worst_ms = max(lateness) if lateness else float("nan")
    print(
        f"timer lateness over {len(lateness)} ticks: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {worst_ms:.0f} ms"
    )
    print(
        f"target p99 < 50 ms and max < 200 ms: {'met' if p99 < 50 and worst_ms < 200 else 'MISSED'}"
    )
    tmp.cleanup()


if __name__ == "__main__":
    main()
