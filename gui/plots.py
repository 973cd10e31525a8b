"""pyqtgraph helpers shared by the tabs: themed plot widgets, the pair of training-curve
plots, and growable numpy buffers.

Points are appended to numpy buffers as events arrive; a timer redraws at most ~20 times
a second (pyqtgraph's ``scrollingPlots`` pattern), so a long run never slows the window.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

pg.setConfigOptions(antialias=True)

#: Colours that read on light and dark backgrounds alike.
BLUE = (31, 119, 180)
ORANGE = (230, 120, 20)
GREEN = (44, 160, 44)
PURPLE = (148, 103, 189)
GREY = (127, 127, 127)


def themed_plot(object_name: str, parent: QWidget | None = None, title: str = "") -> pg.PlotWidget:
    """A ``PlotWidget`` in the colours of the application palette (light or dark)."""
    from gui.theme import style_plot

    plot = pg.PlotWidget(parent)
    plot.setObjectName(object_name)
    style_plot(plot, title)  # colours from the palette, re-applied when it changes
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    plot.setMinimumHeight(120)  # the window still fits a 1366x768 laptop screen
    return plot


def text_colour(widget: QWidget) -> tuple[int, int, int]:
    c = widget.palette().color(QPalette.ColorRole.Text)
    return (c.red(), c.green(), c.blue())


def curve_plots(
    owner: QWidget, loss_name: str, metric_name: str, metric_title: str
) -> tuple[pg.PlotWidget, pg.PlotWidget]:
    """The loss plot and the validation-scores plot (0 to 1) of training curves, against
    the step, their x axes linked; legends in ``owner``'s text colour."""
    loss_plot = themed_plot(
        loss_name, title=QCoreApplication.translate("CurvePlots", "Loss (lower is better)")
    )
    metric_plot = themed_plot(metric_name, title=metric_title)
    # Losses fall and scores rise: legends where the curves usually are not.
    for plot, corner in ((loss_plot, (-5, 5)), (metric_plot, (-5, -5))):
        item = plot.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.setLabel("bottom", QCoreApplication.translate("CurvePlots", "step"))
        item.addLegend(offset=corner, labelTextColor=text_colour(owner))
    metric_plot.setXLink(loss_plot)
    metric_plot.setYRange(0, 1.0, padding=0.02)
    return loss_plot, metric_plot


def dots(colour: tuple[int, int, int], symbol: str = "o") -> dict[str, Any]:
    """``plot()`` keywords that mark each point (evaluations are few: each one shows)."""
    return {
        "symbol": symbol,
        "symbolSize": 6,
        "symbolBrush": pg.mkBrush(*colour),
        "symbolPen": None,
    }


def run_curves(loss_plot: Any, metric_plot: Any) -> dict[str, pg.PlotDataItem]:
    """One run's four curves, empty, keyed like ``metrics.jsonl``: ``train_loss`` (a line)
    and ``eval_loss`` (dots) on the loss plot, ``accuracy`` and ``macro_f1`` on the other
    (``PlotWidget``s or ``PlotItem``s)."""
    return {
        "train_loss": loss_plot.plot(
            pen=pg.mkPen(BLUE, width=1),
            name=QCoreApplication.translate("CurvePlots", "training loss"),
        ),
        "eval_loss": loss_plot.plot(
            pen=pg.mkPen(ORANGE, width=1),
            name=QCoreApplication.translate("CurvePlots", "validation loss"),
            **dots(ORANGE),
        ),
        "accuracy": metric_plot.plot(
            pen=pg.mkPen(GREEN, width=1),
            name=QCoreApplication.translate("CurvePlots", "accuracy"),
            **dots(GREEN),
        ),
        "macro_f1": metric_plot.plot(
            pen=pg.mkPen(PURPLE, width=1),
            name=QCoreApplication.translate("CurvePlots", "macro F1"),
            **dots(PURPLE, "t"),
        ),
    }


class Buffer:
    """x/y points in numpy arrays that grow by doubling; ``view()`` returns the filled part."""

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity, dtype=np.float64)
        self._y = np.empty(capacity, dtype=np.float64)
        self.size = 0
        self.dirty = False

    def append(self, x: float, y: float) -> None:
        if self.size == len(self._x):
            self._x = np.resize(self._x, 2 * len(self._x))
            self._y = np.resize(self._y, 2 * len(self._y))
        self._x[self.size] = x
        self._y[self.size] = y
        self.size += 1
        self.dirty = True

    def clear(self) -> None:
        self.size = 0
        self.dirty = True

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x[: self.size], self._y[: self.size]

    def __len__(self) -> int:
        return self.size


#: Set last: a module that another thread is still importing is in ``sys.modules`` already.
IMPORTED = True
