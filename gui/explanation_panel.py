"""The Prediction tab's explanation: the words that made a text's prediction.

Integrated Gradients (``engine.explain``) is much slower than a prediction, so it runs after
it, in its own thread with its own copy of the model: typing never waits for it, and only
the latest text is explained (a text that arrives while one is explained waits; a newer one
replaces it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from gui.highlight_view import HighlightView
from gui.layouts import vbox
from gui.widgets import label, named
from gui.worker import run_task


def explain_text(explainer: Any, model_path: str, text: str) -> tuple[Any, str, dict[str, Any]]:
    """Load the explainer if needed, then the words that made the prediction of ``text``."""
    if explainer is None:
        from engine.explain import Explainer

        explainer = Explainer(model_path)
    return explainer, model_path, explainer.explain([text])[0].to_dict()


class ExplanationPanel(QWidget):
    """``explanationView`` and its status line. ``model_path()`` is the selected model;
    ``shown_text()`` the text whose prediction is on screen (an explanation of another text
    is stale and not shown). Signal: ``explained(dict)`` (``Explanation.to_dict()``)."""

    explained = Signal(dict)

    def __init__(
        self,
        model_path: Callable[[], str | None],
        shown_text: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._model_path = model_path
        self._shown_text = shown_text
        self._explainer: Any = None
        self._explainer_path: str | None = None
        self._next: str | None = None
        #: True while an explanation is computed
        self.running = False
        tip = self.tr(
            "The words that made this prediction: green for the predicted class, red "
            "against it; hover a word for its weight."
        )
        self.view = named(HighlightView(), "explanationView", tip)
        self.status = label("explanationStatusLabel")
        vbox((self.view, 1), self.status, parent=self)

    def model_changed(self, path: str | None) -> None:
        """Another model: its explainer loads with its first explanation."""
        if path != self._explainer_path:
            self._explainer = None
            self._explainer_path = None

    def clear(self) -> None:
        self.view.clear()
        self.status.clear()

    def explain(self, text: str) -> None:
        """Explain ``text`` in the background (after the running explanation, if any; only
        the latest text waiting is kept)."""
        path = self._model_path()
        if not path:
            return
        self.status.setText(self.tr("Finding the words that matter…"))
        if self.running:
            self._next = text
            return
        self.running = True
        self._next = None
        explainer = self._explainer if self._explainer_path == path else None
        run_task(
            explain_text, explainer, path, text,
            on_result=self._shown, on_error=self._failed, on_finished=self._finished, owner=self,
        )  # fmt: skip

    def _shown(self, result: tuple[Any, str, dict[str, Any]]) -> None:
        explainer, model_path, explanation = result
        if model_path == self._model_path():
            self._explainer = explainer
            self._explainer_path = model_path
        if model_path != self._model_path() or explanation["text"] != self._shown_text():
            return  # the text or the model changed meanwhile: the next one is coming
        note = (
            self.tr("The text is longer than the model reads: only the highlighted part counts.")
            if explanation.get("truncated")
            else ""
        )
        self.view.show_attributions(explanation, note)
        self.status.setText(
            self.tr("Green words speak for {label}, red ones against it.").format(
                label=explanation["label"]
            )
        )
        self.explained.emit(explanation)

    def _failed(self, exc: BaseException) -> None:
        self.view.clear()
        self.status.setText(self.tr("No explanation for this model: {why}").format(why=str(exc)))

    def _finished(self) -> None:
        self.running = False
        if self._next is not None:
            self.explain(self._next)
