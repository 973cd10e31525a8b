"""The Prediction tab's "A whole file": every text of a data file (CSV of classes, or JSON
Lines of entities), or every image of a folder or of a CSV of image paths, predicted into a
file, with progress and Cancel (which keeps what was written).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QProgressBar, QWidget

from gui import dialogs
from gui.layouts import hbox, vbox
from gui.prediction_model import IMAGE, TEXT, TOKEN, load_predictor
from gui.widgets import label, named, push_button
from gui.worker import run_task


def predict_file(
    predictor: Any,
    model_path: str,
    source: str,
    out: str,
    stop: threading.Event,
    progress: Any = None,
    task: str = TEXT,
) -> tuple[Any, str, int]:
    """Predict a whole file (or, for image models, a folder of images or a CSV of paths)
    into ``out``; ``stop`` cancels between batches, keeping what was written."""
    if task == IMAGE:
        # a folder of images, or a CSV/Parquet listing image paths, to a CSV
        predictor = predictor or load_predictor(model_path, task)
        predict = predictor.predict_folder if Path(source).is_dir() else predictor.predict_csv
        return predictor, model_path, predict(source, out, progress=progress, stop=stop)
    if predictor is None or not hasattr(predictor, "predict_file"):
        if task == TEXT:
            predictor = load_predictor(model_path, task)
        else:  # the task's own file predictor (JSON Lines of entities, a CSV per image)
            from engine import tasks
            from engine.predict import resolve_model_dir

            predictor = tasks.get(task).load_predictor(resolve_model_dir(model_path))
    written = predictor.predict_file(source, out, progress=progress, stop=stop)
    return predictor, model_path, written


class FilePrediction(QGroupBox):
    """The "A whole file" box. ``chosen(source, out)`` is called when the person has picked
    a file and where to save; the tab then calls ``run`` when no prediction is running.
    Signals: ``fileDone(rows)``; ``errorOccurred(exception)``."""

    fileDone = Signal(int)
    errorOccurred = Signal(object)

    def __init__(self, chosen: Callable[[str, str], Any], parent: QWidget | None = None) -> None:
        super().__init__(self.tr("A whole file"), parent)
        self._chosen = chosen
        self._task = TEXT
        self._stop: threading.Event | None = None
        self.file_button = push_button(
            self.tr("Predict a file…"),
            "predictFileButton",
            self.choose,
            tip=self.tr(
                "Classify every text of a data file and save a CSV with one probability column per class."
            ),
        )
        self.cancel_button = push_button(
            self.tr("Cancel"), "cancelPredictFileButton", self.cancel, enabled=False
        )
        self.progress = named(QProgressBar(), "predictFileProgress")
        self.progress.setFormat(self.tr("%v / %m texts"))
        self.progress.setValue(0)
        self.progress.hide()  # until a file is being classified
        self.status = label("predictFileStatusLabel")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # the stretch keeps the buttons small while the bar is hidden
        row = hbox(self.file_button, self.cancel_button, (self.progress, 1), 0)
        vbox(row, self.status, parent=self, margins=None)
        self.adapt(TEXT)

    def adapt(self, task: str) -> None:
        """Say what a whole file means for the model's task (unless one is being predicted)."""
        self._task = task
        image = task == IMAGE
        self.file_button.setText(
            self.tr("Predict a folder or CSV of images…") if image else self.tr("Predict a file…")
        )
        if self.progress.isVisible():
            return
        self.status.setText(
            self.tr(
                "Classify every image of a folder, or of a CSV listing image paths: the "
                "result is a CSV with the predicted class and one probability column per "
                "class."
            )
            if image
            else self.tr(
                "Find the entities in every text of a data file: the result is a JSON Lines "
                "file, one line per text with its entities and their character offsets."
            )
            if task == TOKEN
            else self.tr(
                "Classify every text of a CSV, TSV, JSON or Parquet file: the result is a CSV "
                "with the predicted class and one probability column per class."
            )
        )

    def choose(self) -> None:
        """Ask for the file (a folder, or a CSV of paths, for images) and where to save."""
        from gui.i18n import file_filter

        if self._task == IMAGE:
            # a folder of images; cancelling the folder dialog offers a CSV of paths
            source = dialogs.open_folder(self, self.tr("A folder of images to classify"))
            if not source:
                source = dialogs.open_file(
                    self, self.tr("A CSV of image paths to classify"), self.tr("CSV (*.csv)")
                )
        else:
            source = dialogs.open_file(self, self.tr("Texts to classify"), file_filter())
        if not source:
            return
        token = self._task == TOKEN
        suffix = "-predictions.jsonl" if token else "-predictions.csv"
        default = str(Path(source).with_name(Path(source).name.rsplit(".", 1)[0] + suffix))
        kind = self.tr("JSON Lines (*.jsonl)") if token else self.tr("CSV (*.csv)")
        out = dialogs.save_file(self, self.tr("Save the predictions as"), kind, default)
        if out:
            self._chosen(source, out)

    def run(
        self,
        predictor: Any,
        model_path: str,
        source: str,
        out: str,
        keep_predictor: Callable[[Any, str], Any],
        finished: Callable[[], Any],
    ) -> None:
        """Predict ``source`` into ``out`` in the background; ``keep_predictor(predictor,
        path)`` receives the predictor it loaded, ``finished()`` is called at the end."""
        self._stop = threading.Event()
        self.file_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.status.setText(self.tr("Classifying {file}…").format(file=source))

        def progress(done: int, total: int) -> None:
            self.progress.setRange(0, max(1, total))
            self.progress.setValue(done)

        def done(result: tuple[Any, str, int]) -> None:
            predictor, path, written = result
            keep_predictor(predictor, path)
            if self._stop is not None and self._stop.is_set():
                self.status.setText(
                    self.tr("Cancelled: {out} holds the first {n:,} predictions.").format(
                        out=out, n=written
                    )
                )
            else:
                self.status.setText(
                    self.tr("Wrote {n:,} predictions to {out}").format(n=written, out=out)
                )
                self.fileDone.emit(written)

        def failed(exc: BaseException) -> None:
            self.status.setText(self.tr("The file could not be classified."))
            self.errorOccurred.emit(exc)

        def ended() -> None:
            self.file_button.setEnabled(True)
            self.cancel_button.setEnabled(False)
            self.progress.setRange(0, max(1, self.progress.maximum()))
            self._stop = None
            finished()

        run_task(
            predict_file, predictor, model_path, source, out, self._stop, task=self._task,
            on_result=done, on_error=failed, on_progress=progress, on_finished=ended, owner=self,
        )  # fmt: skip

    def cancel(self) -> None:
        if self._stop is not None:
            self._stop.set()
