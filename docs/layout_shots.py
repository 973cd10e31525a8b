"""Layout check: every tab at several window sizes, offscreen, saved for a person to look at.

    python docs/layout_shots.py [--sizes 1366x768 1920x1080]

The default sizes are the window's minimum (``gui.main_window.MINIMUM_SIZE``), a common
laptop and a common desktop. Opens the bundled sample data with the starter model (no
training) and saves
``docs/layout-<tab>-<w>x<h>.png`` for each tab and size. It also prints, for each shot, what
a person would see as clipped: a visible horizontal scroll bar in a scroll area or table
that should fit (the settings column), and a plot whose title is wider than the plot.
"""

from __future__ import annotations

import argparse
import sys

from shots import DOCS, close, save, settle, start_app, wait

TABS = ("dataset", "model", "training", "prediction", "runs")


def clipped(window: object) -> list[str]:
    """Scroll areas showing a horizontal scroll bar, and plot titles cut short."""
    from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea

    found: list[str] = []
    tab = window.tabs.currentWidget()  # type: ignore[attr-defined]
    for area in tab.findChildren(QScrollArea):
        if area.isVisible() and area.horizontalScrollBar().isVisible():
            found.append(f"horizontal scroll bar in {area.objectName() or type(area).__name__}")
    right = tab.mapTo(window, tab.rect().topRight()).x()
    for view in tab.findChildren(QAbstractScrollArea):
        if isinstance(view, QScrollArea) or not view.isVisible():
            continue
        edge = view.mapTo(window, view.rect().topRight()).x()
        if edge > right + 1:
            found.append(f"{view.objectName() or type(view).__name__} cut at the right edge")
        if type(view).__name__ == "PlotWidget":
            item = view.getPlotItem()
            title = item.titleLabel
            if title.isVisible() and title.item.boundingRect().width() > view.width():
                found.append(f"plot title cut: {title.text!r} in {view.objectName()}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["960x650", "1366x768", "1920x1080"])
    args = parser.parse_args()
    app, settings = start_app("strop-layout-")
    from engine.resources import sample_dataset_path
    from gui.main_window import MainWindow

    window = MainWindow(settings)
    window.show()
    window.start(dataset=str(sample_dataset_path()), model="starter")
    wait(app, lambda: window.dataset_tab.report is not None, 300, "the report")
    tabs = {
        "dataset": window.dataset_tab,
        "model": window.model_tab,
        "training": window.training_tab,
        "prediction": window.prediction_tab,
        "runs": window.runs_tab,
    }
    minimum = window.minimumSize()
    print(f"minimum window size: {minimum.width()}x{minimum.height()}")
    problems = 0
    for size in args.sizes:
        w, h = (int(v) for v in size.split("x"))
        window.resize(w, h)
        for name in TABS:
            window.tabs.setCurrentWidget(tabs[name])
            settle(app, 0.05)
            found = clipped(window)
            problems += len(found)
            print(f"{name} at {w}x{h}: {'; '.join(found) or 'fits'}")
            save(window, DOCS / f"layout-{name}-{w}x{h}.png")
    close(app, window)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
