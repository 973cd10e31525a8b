"""The Prediction tab: try the trained model on your own sentences or images, or a whole file.

What it shows follows the model's task (``engine.tasks.for_model``): a class with a bar per
class and the words that made it (text classification), the entities with their type and
confidence (token classification), or an opened or dropped image with a bar per class
(image classification).

The parts, each in its own module: ``gui/prediction_model.py`` (which model, its task, its
predictor), ``gui/prediction_input.py`` (the text or image, Predict, as-you-type),
``gui/prediction_result.py`` (the class and its bars, the entities), ``gui/explanation_panel.py``
(the words that made a text's class) and ``gui/file_prediction.py`` (a whole file).

This module holds the predictor: it loads once per model (off the GUI thread) and is reused.
One prediction runs at a time (a tokenizer must not be shared between threads): a request
made meanwhile waits its turn, and a file waits for none.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QWidget

from gui.explanation_panel import ExplanationPanel
from gui.file_prediction import FilePrediction
from gui.layouts import vbox
from gui.prediction_input import PredictionInput
from gui.prediction_model import IMAGE, TEXT, TOKEN, ModelPicker, load_predictor, model_task
from gui.prediction_result import PredictionResult
from gui.worker import run_task

log = logging.getLogger(__name__)


def predict_text(
    predictor: Any,
    model_path: str,
    text: str,
    task: str = TEXT,
    min_confidence: float | None = None,
) -> tuple[Any, str, Any]:
    """Load the predictor if needed (``predictor`` is None), then predict one input: a text
    (a ``Prediction``, marked uncertain below ``min_confidence``; for named entities, a dict
    with ``entities``) or an image path (a dict with ``label`` and ``scores``)."""
    if predictor is None:
        predictor = load_predictor(model_path, task)
    if task == TEXT:
        return predictor, model_path, predictor.predict([text], min_confidence=min_confidence)[0]
    return predictor, model_path, predictor.predict([text])[0]


class PredictionTab(QWidget):
    """Signals: ``predicted(Prediction)`` (a dict for entities and images),
    ``explained(dict)`` (``Explanation.to_dict()``), ``fileDone(rows)``,
    ``errorOccurred(exception)``."""

    predicted = Signal(object)
    explained = Signal(dict)
    fileDone = Signal(int)
    errorOccurred = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("predictionTab")
        self._predictor: Any = None
        self._predictor_path: str | None = None
        self._busy = False
        self._pending: bool | None = None  # None: nothing waiting; else "from typing"
        self._task = TEXT
        self._shown_text = ""  # the text whose prediction is on screen
        #: whether a run is training (the window sets it): no ONNX export beside a run
        self.training_running: Callable[[], bool] = lambda: False

        self.picker = ModelPicker()
        self.picker.modelChanged.connect(self._model_changed)
        self.picker.errorOccurred.connect(self.errorOccurred.emit)
        self.entry = PredictionInput()
        self.entry.requested.connect(lambda from_typing: self.predict_now(from_typing=from_typing))
        self.explanation = ExplanationPanel(
            lambda: self.model_path if self._task == TEXT else None, lambda: self._shown_text
        )
        self.explanation.explained.connect(self.explained.emit)
        self.result = PredictionResult(self.explanation)
        self.file = FilePrediction(self.predict_file)
        self.file.fileDone.connect(self.fileDone.emit)
        self.file.errorOccurred.connect(self.errorOccurred.emit)
        # the parts' widgets by the names tests and the screenshot scripts use
        self.model_combo, self.model_info = self.picker.combo, self.picker.info
        self.input, self.image_area = self.entry.input, self.entry.image_area
        self.predict_button, self.live_check = self.entry.predict_button, self.entry.live_check
        self.min_confidence_spin = self.entry.min_confidence_spin
        self.result_label, self.entity_view = self.result.label, self.result.entity_view
        self.explanation_view = self.explanation.view
        self.file_button, self.cancel_file_button = self.file.file_button, self.file.cancel_button
        self.file_progress, self.file_status = self.file.progress, self.file.status

        self.text_box = QGroupBox(self.tr("Try a text"))
        vbox(self.entry, (self.result, 1), parent=self.text_box, margins=None)
        vbox(self.picker, (self.text_box, 1), self.file, parent=self, margins=None)
        self._adapt_to_task(TEXT)

    # ----- models ---------------------------------------------------------------------
    @property
    def model_path(self) -> str | None:
        return self.picker.model_path

    @property
    def predictor(self) -> Any:
        return self._predictor

    @property
    def busy(self) -> bool:
        return self._busy

    def refresh_models(self, select: str | None = None) -> None:
        """List the runs that have a model; select ``select`` (default: keep, or the latest)."""
        self.picker.refresh_models(select)

    def add_model(self, path: str) -> None:
        """Offer any classification model folder (or a run folder) and select it."""
        self.picker.add_model(path)

    @property
    def task(self) -> str:
        """The selected model's task (a Hugging Face pipeline name)."""
        return self._task

    def _adapt_to_task(self, task: str) -> None:
        """Show the input and the results the model's task has."""
        self._task = task
        self.entry.adapt(task)
        self.result.adapt(task)
        self.explanation.setVisible(task == TEXT)
        self.explanation.clear()
        self.file.adapt(task)
        self.text_box.setTitle(
            self.tr("Try an image")
            if task == IMAGE
            else self.tr("Find the entities in a text")
            if task == TOKEN
            else self.tr("Try a text")
        )

    def _model_changed(self) -> None:
        path = self.model_path
        if path != self._predictor_path:
            self._predictor = None
            self._predictor_path = None
        self.explanation.model_changed(path)
        task = model_task(path) if path else TEXT
        if task != self._task:
            self._adapt_to_task(task)
        if path and self.entry.current():
            self.entry.edited()  # predicts again after the pause, if as-you-type is on

    # ----- one input ---------------------------------------------------------------------
    @property
    def min_confidence(self) -> float | None:
        """The confidence below which a prediction is uncertain (``None``: off)."""
        return self.entry.min_confidence

    def predict_now(self, *, from_typing: bool = False) -> None:
        """Predict the text in the box or the chosen image (queued if a prediction runs)."""
        self.entry.debounce.stop()
        text = self.entry.current()
        if not text:
            return
        path = self.model_path
        if not path:
            if not from_typing:
                from engine.errors import ModelLoadError

                self.errorOccurred.emit(
                    ModelLoadError(
                        self.tr("No trained model to predict with yet."),
                        hint=self.tr("Train one in the Training tab, or choose a model folder."),
                    )
                )
            return
        if self._busy:
            self._pending = (
                from_typing if self._pending is None else (self._pending and from_typing)
            )
            return
        self._busy = True
        if self._predictor is None:
            self.result_label.setText(self.tr("Loading the model…"))
        predictor = self._predictor if self._predictor_path == path else None
        run_task(
            predict_text, predictor, path, text, self._task, self.min_confidence,
            on_result=self._show_prediction, on_error=self._failed, on_finished=self._done, owner=self,
        )  # fmt: skip

    def _keep_predictor(self, predictor: Any, path: str) -> None:
        if path == self.model_path:
            fresh = predictor is not self._predictor
            self._predictor = predictor
            self._predictor_path = path
            wants = getattr(predictor, "wants_onnx", None)  # text models only
            if fresh and wants is not None and wants() and not self.training_running():
                # fp32 on a CPU: the ONNX file, once, so that later texts run on ONNX
                # Runtime (7 ms a text instead of 17); nothing to do elsewhere
                run_task(
                    predictor.prepare_onnx, [self.entry.current()],
                    on_error=lambda exc: log.info("ONNX Runtime not prepared: %s", exc),
                    owner=self,
                )  # fmt: skip

    def _show_prediction(self, result: tuple[Any, str, Any]) -> None:
        predictor, path, prediction = result
        self._keep_predictor(predictor, path)
        if path != self.model_path:
            return
        if self._task == TOKEN:
            self.result.show_entities(prediction)
        elif self._task == IMAGE:
            self.result.show_image(prediction)
        else:
            self.result.show_text(prediction)
            self._shown_text = prediction.text
            self.explanation.explain(prediction.text)
        self.predicted.emit(prediction)

    def probabilities(self) -> dict[str, float]:
        """What the bars show, for tests and scripts."""
        return self.result.bars.probabilities()

    def _failed(self, exc: BaseException) -> None:
        self.result_label.setText(self.tr("No prediction: see the message above."))
        self.errorOccurred.emit(exc)

    def _done(self) -> None:
        self._busy = False
        if self._pending is not None:
            from_typing = self._pending
            self._pending = None
            self.predict_now(from_typing=from_typing)

    # ----- a whole file -------------------------------------------------------------------
    def choose_and_predict_file(self) -> None:
        self.file.choose()

    def predict_file(self, source: str, out: str) -> None:
        path = self.model_path
        if not path:
            self.predict_now()  # says there is no model
            return
        if self._busy:
            from engine.errors import StropError

            self.errorOccurred.emit(
                StropError(
                    self.tr("A prediction is running."), hint=self.tr("Try again in a moment.")
                )
            )
            return
        self._busy = True
        predictor = self._predictor if self._predictor_path == path else None
        self.file.run(predictor, path, source, out, self._keep_predictor, self._done)

    def cancel_file(self) -> None:
        self.file.cancel()
