"""Screenshots of the four tabs, taken the way a person uses the window, for the README.

    python docs/make_screenshots.py [--steps 60] [--data FILE]

Offscreen, in a temporary ``STROP_HOME``: opens the UCI sentiment sentences (from
``../shared/datasets``, or the bundled sample) with the starter model, trains for a few
dozen steps, predicts a sentence, and saves ``docs/screenshot-dataset.png``,
``-model.png``, ``-training.png`` and ``-prediction.png``. While it trains, a 10 ms timer
measures how long the event loop ever waits (the window must never freeze), and the script
prints that with the other timings.
"""

from __future__ import annotations

import argparse
import sys
import time

from shots import DOCS, SHARED, close, open_window, save, settle, start_app, wait

DATA = SHARED / "uci_sentiment_sentences" / "all.csv"
SENTENCE = "The food was cold and the waiter never came back. Never again."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=60, help="training steps (default 60)")
    parser.add_argument("--data", help="data file (default: UCI sentiment sentences)")
    args = parser.parse_args()

    app, settings = start_app("strop-screenshots-")
    from PySide6.QtCore import QEventLoop, QTimer

    data = args.data or (str(DATA) if DATA.exists() else None)
    if data is None:
        from engine.resources import sample_dataset_path

        data = str(sample_dataset_path())

    timings: dict[str, float] = {}
    started = time.monotonic()
    window = open_window(settings, dataset=data, model="starter")
    tabs = window.tabs

    def shot(tab: object, name: str) -> None:
        tabs.setCurrentWidget(tab)
        settle(app, 0.05)
        save(window, DOCS / f"screenshot-{name}.png")

    # Dataset: the preview, the columns, the report
    timings["report"] = wait(
        app,
        lambda: window.dataset_tab.report is not None or window.banner.isVisible(),
        300,
        "the report",
    )
    if window.banner.isVisible():
        raise SystemExit(f"error: {window.banner.message}")
    shot(window.dataset_tab, "dataset")

    # Model: what the starter model is, and the strategy
    wait(app, lambda: window.model_tab.info is not None, 120, "the model description")
    wait(app, lambda: window.training_tab.device_combo.count() > 1, 120, "the device list")
    shot(window.model_tab, "model")

    # Training: a short run, with the event loop watched
    tab = window.training_tab
    tab.max_steps_spin.setValue(args.steps)
    tab.batch_spin.setValue(16)
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    tabs.setCurrentWidget(tab)
    tab.start_button.click()
    if not tab.is_running:
        raise SystemExit(f"could not start: {window.banner.message}")
    t0 = time.monotonic()
    wait(app, lambda: len(tab.buffers.get("train_loss", [])) > 0, 600, "the first step")
    timings["to first step"] = time.monotonic() - t0
    last[0] = time.monotonic()
    timer.start()
    loop = QEventLoop()  # the real event loop while training, as the window has it
    tab.runEnded.connect(loop.quit)
    if tab.is_running:
        loop.exec()
    timer.stop()
    timings["training"] = time.monotonic() - t0
    if window.banner.isVisible():
        raise SystemExit(f"error: {window.banner.message}")
    shot(tab, "training")

    # Prediction: the run's model, one sentence
    pred = window.prediction_tab
    wait(app, lambda: pred.model_path is not None, 60, "the trained model in the list")
    tabs.setCurrentWidget(pred)
    pred.input.setPlainText(SENTENCE)
    pred.predict_now()
    wait(app, lambda: bool(pred.probabilities()) and not pred.busy, 120, "a prediction")
    shot(pred, "prediction")

    gaps_ms = sorted(g * 1000 for g in gaps)
    timings["total"] = time.monotonic() - started
    for key, value in timings.items():
        print(f"{key}: {value:.1f} s")
    if gaps_ms:
        p99 = gaps_ms[int(0.99 * (len(gaps_ms) - 1))]
        over = sum(1 for g in gaps_ms if g > 50)
        print(
            f"event loop while training ({len(gaps_ms)} ticks of a 10 ms timer): "
            f"median {gaps_ms[len(gaps_ms) // 2]:.0f} ms, p99 {p99:.0f} ms, "
            f"longest {gaps_ms[-1]:.0f} ms, {over} over 50 ms"
        )
    close(app, window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
