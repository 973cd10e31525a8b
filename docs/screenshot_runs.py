"""Screenshots of the Runs tab with real runs, for the README.

    python docs/screenshot_runs.py [--home /tmp/runsview] [--steps 40]

In ``--home`` (its own ``STROP_HOME``, so nothing mixes with your runs) it trains the
starter model a few dozen steps on the UCI sentiment sentences with three strategies
(full, top-layers:2 and head, the last one stopped half-way), then starts a fourth run
with the CLI and kills it (SIGKILL) after its first checkpoint: an interrupted run. Runs
already in ``--home`` are reused. Then it opens the window offscreen and saves
``docs/screenshot-runs.png`` (one run: curves, metrics, confusion matrix, and the banner
offering to resume the interrupted run) and ``docs/screenshot-runs-compare.png`` (three
runs overlaid).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time

from shots import DOCS, ROOT, SHARED, close, open_window, save, settle, start_app, wait

DATA = SHARED / "uci_sentiment_sentences" / "all.csv"


def make_runs(steps: int) -> None:
    """Three runs in-process (finished, finished, stopped) and one interrupted by SIGKILL."""
    from engine.checkpoint import last_checkpoint
    from engine.config import TrainConfig
    from engine.events import StepLogged
    from engine.paths import runs_dir
    from engine.training import train

    common = {"data": str(DATA), "model": "starter", "batch_size": 16, "max_steps": steps}
    for strategy in ("full", "top-layers:2"):
        result = train(TrainConfig(**common, strategy=strategy, seed=1))
        print(f"{strategy}: {result.state.value}, accuracy {result.metrics.get('accuracy')}")
        time.sleep(1.1)  # run folders are named by the second
    stop = threading.Event()

    def half_way(event: object) -> None:
        if isinstance(event, StepLogged) and event.step >= steps // 2:
            stop.set()

    result = train(
        TrainConfig(**common, strategy="head", seed=2, save_steps=steps // 4), half_way, stop
    )
    print(f"head: {result.state.value}")
    time.sleep(1.1)
    before = set(runs_dir().iterdir())
    cli = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "train", "--data", str(DATA),
         "--strategy", "top-layers:1", "--max-steps", str(steps * 10),
         "--save-steps", "10", "--batch-size", "16", "--quiet"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        new = [p for p in runs_dir().iterdir() if p not in before]
        if new and last_checkpoint(new[0]) is not None:
            time.sleep(2)  # a few more steps after the checkpoint: the history goes on
            break
        if cli.poll() is not None:
            raise SystemExit("the CLI run ended before it could be interrupted")
        time.sleep(0.5)
    cli.send_signal(signal.SIGKILL)
    cli.wait()
    print("interrupted a CLI run with SIGKILL")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default="/tmp/runsview")
    parser.add_argument("--steps", type=int, default=40, help="training steps per run")
    args = parser.parse_args()

    os.environ["STROP_HOME"] = args.home
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from gui import app as gui_app

    gui_app._setup_environment()
    from engine.runs import list_runs

    if len(list_runs()) < 4:
        make_runs(args.steps)

    def returning_user(settings: object) -> None:
        settings.setValue("firstRun/hintDismissed", True)  # type: ignore[attr-defined]
        settings.setValue(  # type: ignore[attr-defined]
            "dataset/last", str(DATA.with_name("opened-after-the-model.csv"))
        )
        settings.remove("runs/dismissed_resume")  # type: ignore[attr-defined]

    app, settings = start_app(prepare=returning_user)
    window = open_window(settings, model="starter")
    # the data after the model: both at once can race in datasets' hashing (see bench/soak.py)
    wait(app, lambda: window.model_tab.info is not None, 120, "the model description")
    window.open_dataset(str(DATA))
    wait(app, lambda: window.dataset_tab.report is not None, 300, "the dataset report")
    runs = window.runs_tab
    wait(app, lambda: runs.model.rowCount() >= 4 and not runs.listing, 120, "the runs")
    wait(app, runs.resume_banner.isVisible, 30, "the resume offer")
    window.tabs.setCurrentWidget(runs)
    wait(app, lambda: not runs.listing, 60, "the runs")
    infos = [runs.proxy_run(i) for i in range(runs.model.rowCount())]
    finished = [i for i in infos if i.state.value == "finished"]
    shown = [i for i in infos if i.state.value in ("finished", "stopped")]

    def shot(name: str) -> None:
        settle(app)
        save(window, DOCS / f"screenshot-{name}.png")

    runs.select_runs([str(finished[-1].path)])  # the full fine-tune
    shot("runs")
    runs.select_runs([str(info.path) for info in shown])
    shot("runs-compare")
    close(app, window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
