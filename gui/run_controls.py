"""The Training tab's buttons: Start, Stop, Resume, Export run config, Open run folder.

Which are enabled follows one rule (``set_running``): while a run trains, or a Start waits
for the data file to load, Start is off and Stop, on, stops or cancels it; Resume is on only
when idle with a resumable run. The tab connects the buttons to what they do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from gui.layouts import hbox, vbox
from gui.widgets import push_button


class RunControls(QWidget):
    """Two rows of buttons; each calls the function given for it."""

    def __init__(
        self,
        start: Callable[[], Any],
        stop: Callable[[], Any],
        resume: Callable[[], Any],
        export: Callable[[], Any],
        open_folder: Callable[[], Any],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        #: True while Start waits for the data file to load (Stop then cancels it)
        self.pending = False
        self.start_button = push_button(self.tr("Start training"), "startTrainingButton", start)
        self.start_button.setDefault(True)
        self.stop_button = push_button(
            self.tr("Stop"),
            "stopTrainingButton",
            stop,
            tip=self.tr(
                "Finish the current step, save a checkpoint and the model so far, and stop."
            ),
            enabled=False,
        )
        self.resume_button = push_button(
            self.tr("Resume"),
            "resumeTrainingButton",
            resume,
            tip=self.tr("Continue the stopped or interrupted run from its last checkpoint."),
            enabled=False,
        )
        self.export_button = push_button(
            self.tr("Export run config…"),
            "exportConfigButton",
            export,
            tip=self.tr(
                "Save these settings as a JSON file that runs unchanged from the command line."
            ),
        )
        self.open_folder_button = push_button(
            self.tr("Open run folder"), "openRunFolderButton", open_folder, enabled=False
        )
        vbox(
            hbox(self.start_button, self.stop_button, self.resume_button),
            hbox(self.export_button, self.open_folder_button),
            parent=self,
        )

    def set_running(self, running: bool, resumable: bool) -> None:
        """A run trains (or is about to): only Stop; idle: Start, Export, Resume if it can."""
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.stop_button.setText(self.tr("Stop"))
        self.resume_button.setEnabled(not running and resumable)
        self.export_button.setEnabled(not running)

    def set_pending(self, pending: bool, resumable: bool) -> None:
        """A Start waiting for the data looks like what it is, a run about to begin: Start is
        off and Stop, on, cancels it."""
        self.pending = pending
        self.set_running(pending, resumable)

    def show_stopping(self) -> None:
        """Stop was pressed: the run finishes its step first."""
        self.stop_button.setEnabled(False)
        self.stop_button.setText(self.tr("Stopping…"))
