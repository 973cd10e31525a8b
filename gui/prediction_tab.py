"""The Prediction tab: try the trained model on your own sentences or images, or a whole file.

What it shows follows the model's task (``engine.tasks.for_model``): a class with a bar per
class and the words that made it (text classification), the entities with their type and
confidence (token classification), or an opened or dropped image with a bar per class
(image classification).

The predictor loads once per model (off the GUI thread) and is reused. Typing predicts
after a short pause (debounced); Ctrl+Enter predicts at once. One prediction runs at a time
(a tokenizer must not be shared between threads): a request made meanwhile waits its turn.
The explanation (Integrated Gradients, ``engine.explain``) is much slower than a prediction,
so it runs after it, in its own thread with its own copy of the model: typing never waits
for it, and only the latest text is explained.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui import dialogs
from gui.highlight_view import HighlightView
from gui.image_drop import ImageDropArea
from gui.worker import run_task

DEBOUNCE_MS = 300
MAX_BARS = 10
TEXT, TOKEN, IMAGE = "text-classification", "token-classification", "image-classification"


def trained_models() -> list[tuple[str, str]]:
    """(description, model folder) of every past run that left a model, newest first."""
    from PySide6.QtCore import QCoreApplication

    from engine.runs import list_runs
    from gui.i18n import run_state_text

    models = []
    for info in list_runs():
        if info.has_model:
            state = run_state_text(info.state.value)
            if info.accuracy is not None:
                text = QCoreApplication.translate(
                    "PredictionTab", "{name} ({state}, accuracy {a:.1%})"
                ).format(name=info.name, state=state, a=info.accuracy)
            else:
                text = QCoreApplication.translate("PredictionTab", "{name} ({state})").format(
                    name=info.name, state=state
                )
            models.append((text, str(info.model_path)))
    return models


def model_task(model_path: str) -> str:
    """The task a model (or run) folder was trained for; text classification when unsure."""
    from engine import tasks
    from engine.errors import StropError
    from engine.predict import resolve_model_dir

    folder = resolve_model_dir(model_path)
    try:
        found = tasks.for_model(folder).name
    except StropError:
        found = None
    if found is not None and (found != TEXT or {TOKEN, IMAGE} <= set(tasks.names())):
        return found
    # A task this build does not register cannot claim its models through the registry; the
    # tab still shows what it knows how to, from the model's own record or architecture.
    name = _read_json(folder / "strop.json").get("task")
    if name in (TEXT, TOKEN, IMAGE):
        return str(name)
    archs = [str(a) for a in _read_json(folder / "config.json").get("architectures") or []]
    for suffix, task in (("ForTokenClassification", TOKEN), ("ForImageClassification", IMAGE)):
        if any(a.endswith(suffix) for a in archs):
            return task
    return TEXT


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_predictor(model_path: str, task: str) -> Any:
    """The task's predictor for a model or run folder."""
    from engine.predict import resolve_model_dir

    if task == TOKEN:
        from engine.token_predict import TokenPredictor

        return TokenPredictor(resolve_model_dir(model_path))
    if task == IMAGE:
        from engine.image_predict import ImagePredictor  # type: ignore[import-not-found]

        return ImagePredictor(resolve_model_dir(model_path))
    from engine.predict import Predictor

    return Predictor(model_path)


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


def explain_text(explainer: Any, model_path: str, text: str) -> tuple[Any, str, dict[str, Any]]:
    """Load the explainer if needed, then the words that made the prediction of ``text``."""
    if explainer is None:
        from engine.explain import Explainer

        explainer = Explainer(model_path)
    return explainer, model_path, explainer.explain([text])[0].to_dict()


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
        self._extra_models: list[str] = []
        self._file_stop: threading.Event | None = None
        self._select_after_refresh: str | None = None
        self._task = TEXT
        self._explainer: Any = None
        self._explainer_path: str | None = None
        self._explaining = False
        self._explain_next: str | None = None
        self._shown_text = ""  # the text whose prediction is on screen

        # ----- which model -----
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("predictModelCombo")
        self.model_combo.setPlaceholderText(self.tr("No trained model yet"))
        self.model_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        browse = QPushButton(self.tr("Other model folder…"))
        browse.setObjectName("predictBrowseModelButton")
        browse.clicked.connect(self.choose_model_folder)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.setObjectName("refreshRunsButton")
        refresh.clicked.connect(lambda: self.refresh_models())
        self.model_info = QLabel()
        self.model_info.setObjectName("predictModelInfoLabel")
        self.model_info.setWordWrap(True)
        model_box = QGroupBox(self.tr("Model"))
        model_layout = QVBoxLayout(model_box)
        row = QHBoxLayout()
        row.addWidget(self.model_combo, 1)
        row.addWidget(browse)
        row.addWidget(refresh)
        model_layout.addLayout(row)
        model_layout.addWidget(self.model_info)

        # ----- one text -----
        self.input = QPlainTextEdit()
        self.input.setObjectName("predictInput")
        self.input.setPlaceholderText(self.tr("Type or paste a text to classify…"))
        self.input.setMaximumHeight(110)
        self.predict_button = QPushButton(self.tr("Predict (Ctrl+Enter)"))
        self.predict_button.setObjectName("predictButton")
        self.predict_button.clicked.connect(lambda: self.predict_now())
        self.live_check = QCheckBox(self.tr("Predict as I type"))
        self.live_check.setObjectName("predictAsYouTypeCheck")
        self.live_check.setChecked(True)
        self.min_confidence_spin = QDoubleSpinBox()
        self.min_confidence_spin.setObjectName("minConfidenceSpin")
        self.min_confidence_spin.setRange(0, 99)
        self.min_confidence_spin.setDecimals(0)
        self.min_confidence_spin.setSuffix(" %")
        self.min_confidence_spin.setSpecialValueText(self.tr("off"))
        self.min_confidence_spin.setValue(0)
        self.min_confidence_spin.setToolTip(
            self.tr(
                "Below this confidence the prediction is shown as uncertain: a text to check "
                "by hand rather than trust."
            )
        )
        self.min_confidence_spin.valueChanged.connect(lambda _v: self._text_changed())
        self.min_confidence_label = QLabel(self.tr("Uncertain below:"))
        self.input.installEventFilter(self)  # Ctrl+Enter predicts
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.predict_now(from_typing=True))
        self.input.textChanged.connect(self._text_changed)

        self.result_label = QLabel(self.tr("The predicted class appears here."))
        self.result_label.setObjectName("predictionLabel")
        font = QFont(self.result_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.result_label.setFont(font)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bars = QWidget()
        self.bars.setObjectName("probabilityBars")
        self.bars_layout = QGridLayout(self.bars)
        self.bars_layout.setColumnStretch(1, 1)
        self.bars_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._bar_rows: list[tuple[QLabel, QProgressBar]] = []
        self.explanation_view = HighlightView()
        self.explanation_view.setObjectName("explanationView")
        self.explanation_view.setToolTip(
            self.tr(
                "The words that made this prediction: green for the predicted class, red "
                "against it; hover a word for its weight."
            )
        )
        self.explanation_status = QLabel()
        self.explanation_status.setObjectName("explanationStatusLabel")
        self.explanation_status.setWordWrap(True)
        self.entity_view = HighlightView()
        self.entity_view.setObjectName("entityView")
        self.entity_view.setToolTip(self.tr("The entities found, with their type and confidence."))
        self.image_area = ImageDropArea()
        self.image_area.imageChosen.connect(lambda _p: self.predict_now())
        bars_scroll = self._bars_scroll = QScrollArea()
        bars_scroll.setWidgetResizable(True)
        bars_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        bars_scroll.setWidget(self.bars)
        bars_scroll.viewport().setAutoFillBackground(False)  # the group's background shows
        self.bars.setAutoFillBackground(False)

        text_box = self.text_box = QGroupBox(self.tr("Try a text"))
        text_layout = QVBoxLayout(text_box)
        self.input_stack = QStackedWidget()
        self.input_stack.addWidget(self.input)
        self.input_stack.addWidget(self.image_area)
        text_layout.addWidget(self.input_stack)
        row = QHBoxLayout()
        row.addWidget(self.predict_button)
        row.addWidget(self.live_check)
        row.addStretch(1)
        row.addWidget(self.min_confidence_label)
        row.addWidget(self.min_confidence_spin)
        text_layout.addLayout(row)
        text_layout.addWidget(self.result_label)
        results = QHBoxLayout()
        results.addWidget(bars_scroll, 2)
        explained = QVBoxLayout()
        explained.addWidget(self.explanation_view, 1)
        explained.addWidget(self.explanation_status)
        results.addLayout(explained, 3)
        text_layout.addLayout(results, 1)
        text_layout.addWidget(self.entity_view, 1)

        # ----- a whole file -----
        self.file_button = QPushButton(self.tr("Predict a file…"))
        self.file_button.setObjectName("predictFileButton")
        self.file_button.setToolTip(
            self.tr(
                "Classify every text of a data file and save a CSV with one probability column per class."
            )
        )
        self.file_button.clicked.connect(self.choose_and_predict_file)
        self.cancel_file_button = QPushButton(self.tr("Cancel"))
        self.cancel_file_button.setObjectName("cancelPredictFileButton")
        self.cancel_file_button.setEnabled(False)
        self.cancel_file_button.clicked.connect(self.cancel_file)
        self.file_progress = QProgressBar()
        self.file_progress.setObjectName("predictFileProgress")
        self.file_progress.setFormat(self.tr("%v / %m texts"))
        self.file_progress.setValue(0)
        self.file_progress.hide()  # until a file is being classified
        self.file_status = QLabel(
            self.tr(
                "Classify every text of a CSV, TSV, JSON or Parquet file: the result is a CSV "
                "with the predicted class and one probability column per class."
            )
        )
        self.file_status.setObjectName("predictFileStatusLabel")
        self.file_status.setWordWrap(True)
        self.file_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        file_box = QGroupBox(self.tr("A whole file"))
        file_layout = QVBoxLayout(file_box)
        row = QHBoxLayout()
        row.addWidget(self.file_button)
        row.addWidget(self.cancel_file_button)
        row.addWidget(self.file_progress, 1)
        row.addStretch()  # keeps the buttons small while the bar is hidden
        file_layout.addLayout(row)
        file_layout.addWidget(self.file_status)

        layout = QVBoxLayout(self)
        layout.addWidget(model_box)
        layout.addWidget(text_box, 1)
        layout.addWidget(file_box)
        self._adapt_to_task(TEXT)

    # ----- models ---------------------------------------------------------------------
    @property
    def model_path(self) -> str | None:
        data = self.model_combo.currentData()
        return str(data) if data else None

    @property
    def predictor(self) -> Any:
        return self._predictor

    @property
    def busy(self) -> bool:
        return self._busy

    def refresh_models(self, select: str | None = None) -> None:
        """List the runs that have a model; select ``select`` (default: keep, or the latest)."""
        self._select_after_refresh = select

        def listed(models: list[tuple[str, str]]) -> None:
            wanted = self._select_after_refresh or self.model_path
            self.model_combo.blockSignals(True)
            self.model_combo.clear()
            known = set()
            for text, path in models:
                self.model_combo.addItem(text, path)
                known.add(str(Path(path)))
            for path in self._extra_models:
                if str(Path(path)) not in known:
                    self.model_combo.addItem(path, path)
            index = self._find(wanted) if wanted else -1
            self.model_combo.setCurrentIndex(
                index if index >= 0 else (0 if self.model_combo.count() else -1)
            )
            self.model_combo.blockSignals(False)
            self._model_changed()

        run_task(trained_models, on_result=listed, on_error=self.errorOccurred.emit, owner=self)

    def _find(self, path: str) -> int:
        from engine.predict import resolve_model_dir

        target = resolve_model_dir(path)
        for i in range(self.model_combo.count()):
            if resolve_model_dir(str(self.model_combo.itemData(i))) == target:
                return i
        return -1

    def add_model(self, path: str) -> None:
        """Offer any classification model folder (or a run folder) and select it."""
        index = self._find(path)
        if index < 0:
            self._extra_models.append(path)
            self.model_combo.addItem(path, path)
            index = self.model_combo.count() - 1
        self.model_combo.setCurrentIndex(index)

    def choose_model_folder(self) -> None:
        path = dialogs.open_folder(self, self.tr("Choose a trained model or run folder"))
        if path:
            self.add_model(path)

    @property
    def task(self) -> str:
        """The selected model's task (a Hugging Face pipeline name)."""
        return self._task

    def _adapt_to_task(self, task: str) -> None:
        """Show the input and the results the model's task has."""
        self._task = task
        text, token, image = task == TEXT, task == TOKEN, task == IMAGE
        self.input_stack.setCurrentWidget(self.image_area if image else self.input)
        # a text box stays a few lines high; a picture takes the room it is given
        self.input_stack.setMaximumHeight(16777215 if image else self.input.maximumHeight())
        self.live_check.setVisible(not image)
        for widget in (self.min_confidence_spin, self.min_confidence_label):
            widget.setVisible(text)
        self.explanation_view.setVisible(text)
        self.explanation_status.setVisible(text)
        self.entity_view.setVisible(token)
        self._bars_scroll.setVisible(not token)
        self.text_box.setTitle(
            self.tr("Try an image")
            if image
            else self.tr("Find the entities in a text")
            if token
            else self.tr("Try a text")
        )
        self.input.setPlaceholderText(
            self.tr("Type or paste a text to find its entities…")
            if token
            else self.tr("Type or paste a text to classify…")
        )
        self.file_button.setText(
            self.tr("Predict a folder or CSV of images…") if image else self.tr("Predict a file…")
        )
        if not self.file_progress.isVisible():
            self.file_status.setText(
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
                if token
                else self.tr(
                    "Classify every text of a CSV, TSV, JSON or Parquet file: the result is a CSV "
                    "with the predicted class and one probability column per class."
                )
            )
        self.explanation_view.clear()
        self.explanation_status.clear()
        self.entity_view.clear()
        self._show_bars({})
        self.result_label.setText(
            self.tr("The predicted class appears here.")
            if not token
            else self.tr("The entities appear here.")
        )

    def _model_changed(self) -> None:
        path = self.model_path
        if path != self._predictor_path:
            self._predictor = None
            self._predictor_path = None
        if path != self._explainer_path:
            self._explainer = None
            self._explainer_path = None
        task = model_task(path) if path else TEXT
        if task != self._task:
            self._adapt_to_task(task)
        self.model_info.setText(
            self._describe(path)
            if path
            else self.tr("Train a model in the Training tab, or choose a model folder.")
        )
        if path and self._current_input() and self.live_check.isChecked():
            self._debounce.start()

    def _describe(self, path: str) -> str:
        from engine.predict import resolve_model_dir

        folder = resolve_model_dir(path)
        try:
            meta = json.loads((folder / "strop.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return str(folder)
        labels = [str(label) for label in meta.get("labels", [])]
        base = meta.get("base_model_name", meta.get("base_model", "?"))
        kinds = sorted({label[2:] for label in labels if label[:2] in ("B-", "I-")})
        if kinds:  # named-entity tags: the types are what the person labelled
            shown = ", ".join(kinds[:8]) + ("…" if len(kinds) > 8 else "")
            text = self.tr("{n} entity types ({types}); fine-tuned from {base}.").format(
                n=len(kinds), types=shown, base=base
            )
        else:
            shown = ", ".join(labels[:8]) + ("…" if len(labels) > 8 else "")
            text = self.tr("{n} classes ({labels}); fine-tuned from {base}.").format(
                n=len(labels), labels=shown, base=base
            )
        scores = meta.get("metrics") or {}
        if "accuracy" in scores:
            text += " " + self.tr("Validation accuracy {a:.1%}.").format(a=scores["accuracy"])
        return text

    # ----- one text ----------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.input
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.predict_now()
            return True
        return super().eventFilter(watched, event)

    def _text_changed(self) -> None:
        if self.live_check.isChecked():
            self._debounce.start()

    def _current_input(self) -> str:
        """The text typed, or the image chosen for an image model."""
        if self._task == IMAGE:
            return self.image_area.path or ""
        return self.input.toPlainText().strip()

    @property
    def min_confidence(self) -> float | None:
        """The confidence below which a prediction is uncertain (``None``: off)."""
        value = self.min_confidence_spin.value()
        return value / 100.0 if value > 0 else None

    def predict_now(self, *, from_typing: bool = False) -> None:
        """Predict the text in the box or the chosen image (queued if a prediction runs)."""
        self._debounce.stop()
        text = self._current_input()
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
            self._predictor = predictor
            self._predictor_path = path

    def _show_prediction(self, result: tuple[Any, str, Any]) -> None:
        predictor, path, prediction = result
        self._keep_predictor(predictor, path)
        if path != self.model_path:
            return
        if self._task == TOKEN:
            self._show_entities(prediction)
        elif self._task == IMAGE:
            found = prediction.to_dict() if hasattr(prediction, "to_dict") else dict(prediction)
            if found.get("label") is None:  # unreadable: the engine says why
                self.result_label.setText(
                    self.tr("No prediction: {why}").format(why=found.get("error", ""))
                )
                self._show_bars({})
            else:
                top = found["scores"].get(found["label"], 0.0)
                self.result_label.setText(f"{found['label']} · {top:.1%}")
                self._show_bars(found["scores"])
        else:
            top = prediction.scores.get(prediction.label, 0.0)
            if prediction.uncertain:
                self.result_label.setText(
                    self.tr("uncertain (best guess {label} · {p:.1%})").format(
                        label=prediction.label, p=top
                    )
                )
            else:
                self.result_label.setText(f"{prediction.label} · {top:.1%}")
            self._show_bars(prediction.scores)
            self._shown_text = prediction.text
            self.explain(prediction.text)
        self.predicted.emit(prediction)

    def _show_entities(self, prediction: Any) -> None:
        found = prediction.to_dict() if hasattr(prediction, "to_dict") else dict(prediction)
        entities = list(found.get("entities", []))
        self.entity_view.show_entities(str(found.get("text", "")), entities)
        if entities:
            kinds = sorted({str(e["label"]) for e in entities})
            self.result_label.setText(
                self.tr("{n} entities: {types}").format(n=len(entities), types=", ".join(kinds))
            )
        else:
            self.result_label.setText(self.tr("No entities found."))

    # ----- why: the words that made the prediction -------------------------------------
    def explain(self, text: str) -> None:
        """Explain ``text`` in the background (after the running explanation, if any; only
        the latest text waiting is kept)."""
        path = self.model_path
        if not path or self._task != TEXT:
            return
        if self._explaining:
            self._explain_next = text
            self.explanation_status.setText(self.tr("Finding the words that matter…"))
            return
        self._explaining = True
        self._explain_next = None
        self.explanation_status.setText(self.tr("Finding the words that matter…"))
        explainer = self._explainer if self._explainer_path == path else None

        def shown(result: tuple[Any, str, dict[str, Any]]) -> None:
            explainer, model_path, explanation = result
            if model_path == self.model_path:
                self._explainer = explainer
                self._explainer_path = model_path
            if model_path != self.model_path or explanation["text"] != self._shown_text:
                return  # the text or the model changed meanwhile: the next one is coming
            note = (
                self.tr(
                    "The text is longer than the model reads: only the highlighted part counts."
                )
                if explanation.get("truncated")
                else ""
            )
            self.explanation_view.show_attributions(explanation, note)
            self.explanation_status.setText(
                self.tr("Green words speak for {label}, red ones against it.").format(
                    label=explanation["label"]
                )
            )
            self.explained.emit(explanation)

        def failed(exc: BaseException) -> None:
            self.explanation_view.clear()
            self.explanation_status.setText(
                self.tr("No explanation for this model: {why}").format(why=str(exc))
            )

        def finished() -> None:
            self._explaining = False
            if self._explain_next is not None:
                self.explain(self._explain_next)

        run_task(
            explain_text, explainer, path, text,
            on_result=shown, on_error=failed, on_finished=finished, owner=self,
        )  # fmt: skip

    def _show_bars(self, scores: dict[str, float]) -> None:
        # the likeliest classes: an ImageNet head has 1,000, and a bar each would bury them
        ordered = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:MAX_BARS]
        while len(self._bar_rows) < len(ordered):
            i = len(self._bar_rows)
            name = QLabel()
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setObjectName(f"probabilityBar{i}")
            self.bars_layout.addWidget(name, i, 0)
            self.bars_layout.addWidget(bar, i, 1)
            bar.setMinimumHeight(bar.sizeHint().height())  # scroll rather than squeeze
            self._bar_rows.append((name, bar))
        for i, (name, bar) in enumerate(self._bar_rows):
            visible = i < len(ordered)
            name.setVisible(visible)
            bar.setVisible(visible)
            if visible:
                label, p = ordered[i]
                name.setText(label)
                bar.setValue(int(round(p * 1000)))
                bar.setFormat(f"{p:.1%}")

    def probabilities(self) -> dict[str, float]:
        """What the bars show, for tests and scripts."""
        return {
            name.text(): bar.value() / 1000 for name, bar in self._bar_rows if not name.isHidden()
        }

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
        suffix = "-predictions.jsonl" if self._task == TOKEN else "-predictions.csv"
        default = str(Path(source).with_name(Path(source).name.rsplit(".", 1)[0] + suffix))
        kind = self.tr("JSON Lines (*.jsonl)") if self._task == TOKEN else self.tr("CSV (*.csv)")
        out = dialogs.save_file(self, self.tr("Save the predictions as"), kind, default)
        if out:
            self.predict_file(source, out)

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
        self._file_stop = threading.Event()
        self.file_button.setEnabled(False)
        self.cancel_file_button.setEnabled(True)
        self.file_progress.setRange(0, 0)
        self.file_progress.show()
        self.file_status.setText(self.tr("Classifying {file}…").format(file=source))
        predictor = self._predictor if self._predictor_path == path else None

        def progress(done: int, total: int) -> None:
            self.file_progress.setRange(0, max(1, total))
            self.file_progress.setValue(done)

        def done(result: tuple[Any, str, int]) -> None:
            predictor, model_path, written = result
            self._keep_predictor(predictor, model_path)
            stopped = self._file_stop is not None and self._file_stop.is_set()
            if stopped:
                self.file_status.setText(
                    self.tr("Cancelled: {out} holds the first {n:,} predictions.").format(
                        out=out, n=written
                    )
                )
            else:
                self.file_status.setText(
                    self.tr("Wrote {n:,} predictions to {out}").format(n=written, out=out)
                )
                self.fileDone.emit(written)

        def failed(exc: BaseException) -> None:
            self.file_status.setText(self.tr("The file could not be classified."))
            self.errorOccurred.emit(exc)

        def finished() -> None:
            self.file_button.setEnabled(True)
            self.cancel_file_button.setEnabled(False)
            self.file_progress.setRange(0, max(1, self.file_progress.maximum()))
            self._file_stop = None
            self._done()

        run_task(
            predict_file, predictor, path, source, out, self._file_stop, task=self._task,
            on_result=done, on_error=failed, on_progress=progress, on_finished=finished, owner=self,
        )  # fmt: skip

    def cancel_file(self) -> None:
        if self._file_stop is not None:
            self._file_stop.set()
