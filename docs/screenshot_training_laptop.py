"""The Training tab's laptop-aware labels during a short run: docs/screenshot-training-laptop.png.

    QT_QPA_PLATFORM=offscreen python docs/screenshot_training_laptop.py [--steps 30]

Opens the bundled sample with the starter model, waits for the run's estimate (measured in
the background, as the window does it), starts a short run, grabs the window once a few
steps are logged (the refined estimate and the keep-awake label showing), then lets the
run finish and prints the estimate beside the time the run took.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from shots import DOCS, SIZE, save, wait


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="training steps (default 30)")
    parser.add_argument("--model", default="starter", help="model (default: the starter)")
    args = parser.parse_args()

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("STROP_HOME", tempfile.mkdtemp(prefix="strop-screenshots-"))
    from PySide6.QtWidgets import QApplication

    from engine.events import StepLogged
    from engine.resources import sample_dataset_path
    from gui import app as gui_app
    from gui.main_window import MainWindow
    from gui.settings import make_settings

    gui_app._setup_environment()
    app = QApplication([sys.argv[0]])
    window = MainWindow(make_settings())
    window.resize(*SIZE)
    window.show()
    window.start(dataset=str(sample_dataset_path()), model=args.model)
    tab = window.training_tab
    tab.max_steps_spin.setValue(args.steps)
    tab.batch_spin.setValue(16)
    window.tabs.setCurrentWidget(tab)
    wait(app, lambda: window.dataset_tab.report is not None or window.banner.isVisible(), 300,
         "the report")  # fmt: skip
    t0 = time.monotonic()
    wait(app, lambda: tab.estimator.measuring or window.banner.isVisible(), 60, "the estimate")
    print(f"while measuring: {tab.estimate_label.text()!r}")
    wait(app, lambda: not tab.estimator.measuring, 300, "the estimate")
    measured = tab.estimator.estimate
    if measured is None:
        raise SystemExit(f"no estimate: {tab.estimator.error or window.banner.message}")
    print(f"estimate measured in {time.monotonic() - t0:.1f} s: {tab.estimate_label.text()!r}")
    print("  breakdown: " + ", ".join(f"{k} {v:.1f} s" for k, v in measured.breakdown.items()))

    steps: list[int] = []
    tab.start_button.click()
    if not tab.is_running:
        raise SystemExit(f"could not start: {window.banner.message}")
    started = time.monotonic()
    first: list[float] = []

    def on_event(event: object) -> None:
        if isinstance(event, StepLogged):
            steps.append(event.step)
            if not first:
                first.append(time.monotonic() - started)

    tab.worker.event.connect(on_event)
    wait(app, lambda: len(steps) >= 3 or not tab.is_running, 600, "a few steps")
    for _ in range(5):
        app.processEvents()
    print(f"at step {steps[-1] if steps else 0}: {tab.estimate_label.text()!r}")
    print(f"keep-awake: {tab.keep_awake_label.text()!r} ({tab.keep_awake_label.toolTip()!r})")
    save(window, DOCS / "screenshot-training-laptop.png")
    wait(app, lambda: not tab.is_running, 900, "the run")
    print(f"run took {time.monotonic() - started:.1f} s from Start (first step logged after "
          f"{first[0] if first else float('nan'):.1f} s), estimated {measured.total:.1f} s: "
          f"{tab.estimate_label.text()!r}")  # fmt: skip
    window.close()
    window.wait_for_background()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
