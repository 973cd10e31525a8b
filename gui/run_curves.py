"""The Training tab's live curves: training and validation loss, and the validation scores.

Points go into numpy buffers as the engine reports them (every log step); a timer pushes
them to the curves at most 20 times a second (pyqtgraph's ``scrollingPlots`` pattern), so a
fast run never floods the GUI thread with redraws. The plots are created after the window
shows (``ensure_plots``), which is when pyqtgraph is imported.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from gui.layouts import hbox

REDRAW_MS = 50  # at most 20 redraws a second


class RunCurves(QWidget):
    """Two plots side by side: ``lossPlot`` and ``accuracyPlot``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.loss_plot: Any = None
        self.metric_plot: Any = None
        self.buffers: dict[str, Any] = {}
        self.curves: dict[str, Any] = {}
        self.redraws = 0
        self._layout = hbox(parent=self)
        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_MS)
        self._timer.timeout.connect(self.redraw)

    def ensure_plots(self) -> None:
        """Create the curves (importing pyqtgraph) once."""
        if self.loss_plot is not None:
            return
        from gui.plots import Buffer, curve_plots, run_curves

        self.loss_plot, self.metric_plot = curve_plots(
            self,
            "lossPlot",
            "accuracyPlot",
            self.tr("Validation scores (higher is better)"),  # the legend names them
        )
        self.buffers = {
            "train_loss": Buffer(),
            "eval_loss": Buffer(64),
            "accuracy": Buffer(64),
            "macro_f1": Buffer(64),
        }
        self.curves = run_curves(self.loss_plot, self.metric_plot)
        self._layout.addWidget(self.loss_plot)
        self._layout.addWidget(self.metric_plot)

    def start(self) -> None:
        """A run begins: redraw on the timer from now on."""
        self.ensure_plots()
        self._timer.start()

    def stop(self) -> None:
        """The run ended: stop the timer and draw what is left."""
        self._timer.stop()
        self.redraw()

    def add_train(self, step: float, loss: float) -> None:
        self.buffers["train_loss"].append(step, loss)

    def add_eval(self, step: float, loss: float, accuracy: float, macro_f1: float) -> None:
        self.buffers["eval_loss"].append(step, loss)
        self.buffers["accuracy"].append(step, accuracy)
        self.buffers["macro_f1"].append(step, macro_f1)

    def load_history(self, records: Any) -> None:
        """Draw the records of a run's curves (after a resume, or an opened run)."""
        self.ensure_plots()
        for record in records:
            kind = record.get("type")
            if kind == "train" and "loss" in record:
                self.add_train(record["step"], record["loss"])
            elif kind == "eval":
                self.add_eval(
                    record["step"],
                    record.get("eval_loss", float("nan")),
                    record.get("accuracy", float("nan")),
                    record.get("macro_f1", float("nan")),
                )
        self.redraw()

    def redraw(self) -> None:
        """Push buffered points to the curves (called by the timer, at most 20 times/s)."""
        drew = False
        for key, buffer in self.buffers.items():
            if buffer.dirty:
                x, y = buffer.view()
                self.curves[key].setData(x, y)
                buffer.dirty = False
                drew = True
        if drew:
            self.redraws += 1

    def clear(self) -> None:
        for buffer in self.buffers.values():
            buffer.clear()
        self.redraw()
