"""Screenshots of the results views that help a person trust a run, for the README.

    python docs/screenshot_errors.py [--home /tmp/errorsview] [--steps 60] [--rows 800]

In ``--home`` (its own ``STROP_HOME``) it writes ``--rows`` of the UCI sentiment sentences
with 5% of their labels flipped (seed 0), trains the starter model on them (reused when a
finished run is already there), opens the window offscreen on that run in the Training
tab, clicks the largest off-diagonal cell of the confusion matrix, selects its first text
and waits for its explanation: ``docs/screenshot-errors.png`` (baseline card, calibration,
coaching, the cell's texts, the highlighted words). Then it looks for suspect labels,
relabels the first and drops the second: ``docs/screenshot-suspects.png``. It prints how
many of the flipped rows the suspects list holds, and the timings.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import tempfile
import time
from pathlib import Path

from shots import DOCS, SHARED, SIZE, save, start_app, wait

DATA = SHARED / "uci_sentiment_sentences" / "all.csv"


def write_noisy(source: Path, out: Path, rows: int, share: float = 0.05) -> set[int]:
    """``rows`` random rows of ``source`` with ``share`` of their labels flipped; returns
    the flipped rows' numbers (first record 1)."""
    with open(source, encoding="utf-8", newline="") as f:
        records = list(csv.DictReader(f))
    rng = random.Random(0)
    records = rng.sample(records, min(rows, len(records)))
    labels = sorted({r["label"] for r in records})
    flipped = set(rng.sample(range(len(records)), int(round(share * len(records)))))
    with open(out, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        for i, r in enumerate(records):
            label = r["label"]
            if i in flipped:
                label = rng.choice([x for x in labels if x != label])
            writer.writerow([r["text"], label])
    return {i + 1 for i in flipped}


def make_run(home: Path, steps: int, rows: int) -> tuple[Path, set[int]]:
    from engine.config import TrainConfig
    from engine.run_folder import RunFolder
    from engine.training import train

    source = DATA
    if not source.exists():
        from engine.resources import sample_dataset_path

        source = Path(sample_dataset_path())
    data = home / "reviews-noisy.csv"
    flipped = write_noisy(source, data, rows)
    run_dir = home / "run-errors"
    if RunFolder(run_dir).metrics:
        return run_dir, flipped
    config = TrainConfig(
        data=str(data),
        model="starter",
        batch_size=16,
        max_steps=steps,
        eval_steps=max(1, steps // 6),
        save_steps=max(1, steps // 6),
        logging_steps=2,
        seed=1,
        output=str(run_dir),
    )
    result = train(config)
    if result.state.value != "finished":
        raise SystemExit(f"the run did not finish: {result.state.value}")
    return run_dir, flipped


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", help="STROP_HOME for the run (default: a temporary folder)")
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--rows", type=int, default=800)
    args = parser.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix="strop-errors-"))
    home.mkdir(parents=True, exist_ok=True)
    os.environ["STROP_HOME"] = str(home)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    timings: dict[str, float] = {}
    t0 = time.monotonic()
    run_dir, flipped = make_run(home, args.steps, args.rows)
    timings["training"] = time.monotonic() - t0

    app, settings = start_app()
    from gui.main_window import MainWindow

    window = MainWindow(settings)  # not started: it shows one run, opened below
    window.resize(*SIZE)
    window.show()
    tab = window.training_tab
    window.tabs.setCurrentWidget(tab)
    tab.ensure_plots()
    tab.show_run(str(run_dir))
    results = tab.results
    for _ in range(5):
        app.processEvents()

    # the error analysis: the biggest mistake cell, its first text explained
    table = results.confusion_table
    cells = [
        (int(table.item(i, j).text().replace(",", "")), i, j)
        for i in range(table.rowCount())
        for j in range(table.columnCount())
        if i != j
    ]
    _, row, column = max(cells)
    table.setCurrentCell(row, column)
    results.show_cell(row, column)
    results.misclassified_table.selectRow(0)
    t0 = time.monotonic()
    wait(app, lambda: bool(results.explanation_view.spans), 300, "the explanation")
    timings["first explanation (loads the model)"] = time.monotonic() - t0
    for _ in range(5):
        app.processEvents()
    save(window, DOCS / "screenshot-errors.png")

    # the suspects: found in the background, two decisions taken
    results.details.setCurrentWidget(results.suspects)
    suspects = results.suspects
    t0 = time.monotonic()
    suspects.find_button.click()
    wait(app, lambda: suspects.table.rowCount() > 0 or "Could not" in suspects.status.text(),
         900, "the suspects")  # fmt: skip
    timings["suspects"] = time.monotonic() - t0
    found = {s.row for s in suspects.suspects}
    if suspects.table.rowCount() >= 2:
        suspects.table.selectRow(0)
        suspects.decide("relabel")
        suspects.table.selectRow(1)
        suspects.decide("drop")
        suspects.table.clearSelection()
    for _ in range(5):
        app.processEvents()
    save(window, DOCS / "screenshot-suspects.png")
    for key, value in timings.items():
        print(f"{key}: {value:.1f} s")
    k = len(flipped)
    top = [s.row for s in suspects.suspects[:k]]
    print(
        f"suspects: {len(found)} flagged; of the {k} flipped rows, {len(found & flipped)} "
        f"are flagged and {len(set(top) & flipped)} are in the top {k}"
    )
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
