"""Soak test (issue 5; outside CI): several training runs one after another in one window.

The real window is driven as a user (or a script) would: the Training tab's buttons and
spin boxes found by ``objectName``, then the Runs tab showing the new run. After each run
the process's resident memory (RSS) is printed; at the end the script checks that memory
after the last run is within 10% of memory after the first (a leak of one model per run
would show at once: the starter model alone is ~90 MB of weights, ~270 MB with the
optimizer state), and that no ``QThread`` is left running once the window has closed.

    QT_QPA_PLATFORM=offscreen python bench/soak.py                  # starter model, 5 runs
    QT_QPA_PLATFORM=offscreen python bench/soak.py --model tiny --steps 10

``STROP_HOME`` defaults to a fresh temporary folder, so the runs never mix with yours.
Exit status 0 when both checks pass, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "datasets" / "uci_sentiment_sentences" / "all.csv"
TOLERANCE = 0.10


def rss_mib() -> float:
    """Resident memory of this process now, in MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import psutil  # not Linux: psutil, when installed

    return psutil.Process().memory_info().rss / 2**20


def malloc_trim() -> bool:
    """Give freed heap memory back to the OS (glibc only); True when it could."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        return False
    return True


def live_tensors() -> tuple[int, float]:
    """How many torch tensors Python still references, and their MiB (a leaked model shows
    here, whatever the allocator does with freed memory)."""
    import torch

    gc.collect()
    tensors = [o for o in gc.get_objects() if isinstance(o, torch.Tensor) and not o.is_meta]
    return len(tensors), sum(t.numel() * t.element_size() for t in tensors) / 2**20


def fail(window: Any, message: str) -> int:
    """Say what went wrong, close the window and let its threads end; exit status 1."""
    from gui.worker import wait_for_threads

    print(message)
    if window.training_tab.is_running:
        window.training_tab.request_stop()
    window.close()
    wait_for_threads(120_000)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="starter", help="starter, tiny, or a model folder")
    parser.add_argument("--data", default=str(DATA), help="a labelled data file")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20, help="training steps per run")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per run")
    parser.add_argument(
        "--trim",
        action="store_true",
        help="call glibc's malloc_trim(0) before each measurement: tells memory the allocator "
        "keeps (but could give back) from memory still referenced",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("STROP_HOME", tempfile.mkdtemp(prefix="strop-soak-"))
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication, QPushButton, QSpinBox

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Strop")

    from gui.main_window import MainWindow
    from gui.worker import running_threads, wait_for_threads

    model = args.model
    if model == "tiny":
        from tests.conftest import build_tiny_model

        model = str(build_tiny_model(Path(os.environ["STROP_HOME"]) / "tiny-bert"))

    def wait(predicate: Any, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"gave up waiting for {what} after {seconds:.0f} s")
            app.processEvents()
            time.sleep(0.01)

    def settle(seconds: float = 1.0) -> None:
        wait(lambda: not running_threads(), 60, "background tasks")
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        gc.collect()

    print(f"STROP_HOME={os.environ['STROP_HOME']}  model={args.model}  data={args.data}")
    print(f"{args.runs} runs of {args.steps} steps, batch {args.batch_size}")
    started = time.monotonic()
    window = MainWindow()
    window.resize(1200, 820)
    window.show()
    # The model first, then the data: opening both at once can race in datasets' hashing
    # while another thread is still importing transformers (seen: "module 'transformers'
    # has no attribute 'PreTrainedTokenizerBase'"), which is not what this script measures.
    window.start(model=model)
    wait(
        lambda: window.model_tab.info is not None or window.banner.isVisible(),
        300,
        "the model description",
    )
    window.open_dataset(args.data)
    training = window.training_tab
    wait(
        lambda: window.dataset_tab.report is not None or window.banner.isVisible(),
        300,
        "the dataset report",
    )
    if window.banner.isVisible():
        return fail(window, f"error: {window.banner.message}")

    def spin(name: str) -> QSpinBox:
        found = window.findChild(QSpinBox, name)
        assert found is not None, name
        return found

    spin("maxStepsSpin").setValue(args.steps)
    spin("batchSizeSpin").setValue(args.batch_size)
    spin("earlyStoppingSpin").setValue(0)
    start_button = window.findChild(QPushButton, "startTrainingButton")
    assert start_button is not None
    settle()
    print(f"window ready in {time.monotonic() - started:.1f} s, RSS {rss_mib():.0f} MiB")

    rss: list[float] = []
    for i in range(1, args.runs + 1):
        t0 = time.monotonic()
        window.tabs.setCurrentWidget(training)
        start_button.click()
        if not training.is_running:
            return fail(window, f"run {i} did not start: {window.banner.message}")
        wait(lambda: not training.is_running, args.timeout, f"run {i} to end")
        if window.banner.isVisible():
            return fail(window, f"run {i} failed: {window.banner.message}")
        # look at it in the Runs tab, as a user would (and exercise that view too)
        window.tabs.setCurrentWidget(window.runs_tab)
        settle()
        runs = window.runs_tab
        newest = runs.proxy_run(0) if runs.model.rowCount() else None
        settle()
        if args.trim:
            malloc_trim()
        rss.append(rss_mib())
        score = (
            f"accuracy {newest.accuracy:.1%}"
            if newest is not None and newest.accuracy is not None
            else "no score"
        )
        state = newest.state.value if newest is not None else "?"
        count, mib = live_tensors()
        print(
            f"run {i}: {state}, {score}, {time.monotonic() - t0:5.1f} s, "
            f"RSS {rss[-1]:7.1f} MiB ({rss[-1] - rss[0]:+6.1f} MiB since run 1), "
            f"{count} tensors alive ({mib:.0f} MiB)"
        )

    window.close()
    finished = wait_for_threads(60_000)
    settle(0.5)
    left = running_threads()
    growth = (rss[-1] - rss[0]) / rss[0]
    print(
        f"RSS after run 1: {rss[0]:.1f} MiB, after run {len(rss)}: {rss[-1]:.1f} MiB "
        f"({growth:+.1%}; limit +{TOLERANCE:.0%})"
    )
    print(
        f"QThreads left running: {len(left)}; Python threads alive: "
        f"{[t.name for t in threading.enumerate()]}"
    )
    ok = finished and not left and rss[-1] <= rss[0] * (1 + TOLERANCE)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
