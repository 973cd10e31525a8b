"""The Prediction tab's model: which trained model predicts, what task it was trained for,
and its predictor.

``ModelPicker`` lists every past run that left a model (newest first, listed off the GUI
thread) and any model folder the person chose, and describes the selected one (its classes
or entity types, its base model, its validation accuracy). ``model_task`` reads a model's
task from its own record or architecture; ``load_predictor`` loads the task's predictor.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QWidget

from gui import dialogs
from gui.layouts import hbox, vbox
from gui.widgets import label, push_button
from gui.worker import run_task

TEXT, TOKEN, IMAGE = "text-classification", "token-classification", "image-classification"


def trained_models() -> list[tuple[str, str]]:
    """(description, model folder) of every past run that left a model, newest first."""
    from engine.runs import list_runs
    from gui.i18n import run_state_text

    models = []
    for info in list_runs():
        if info.has_model:
            state = run_state_text(info.state.value)
            if info.accuracy is not None:
                text = QCoreApplication.translate(
                    "ModelPicker", "{name} ({state}, accuracy {a:.1%})"
                ).format(name=info.name, state=state, a=info.accuracy)
            else:
                text = QCoreApplication.translate("ModelPicker", "{name} ({state})").format(
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


class ModelPicker(QGroupBox):
    """The "Model" box. Signals: ``modelChanged()`` when another model is selected;
    ``errorOccurred(exception)``."""

    modelChanged = Signal()
    errorOccurred = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Model"), parent)
        self._extra_models: list[str] = []
        self._select_after_refresh: str | None = None
        self.combo = QComboBox()
        self.combo.setObjectName("predictModelCombo")
        self.combo.setPlaceholderText(self.tr("No trained model yet"))
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.currentIndexChanged.connect(lambda _i: self._changed())
        browse = push_button(
            self.tr("Other model folder…"), "predictBrowseModelButton", self.choose_model_folder
        )
        refresh = push_button(self.tr("Refresh"), "refreshRunsButton", self.refresh_models)
        self.info = label("predictModelInfoLabel")
        vbox(hbox((self.combo, 1), browse, refresh), self.info, parent=self, margins=None)

    @property
    def model_path(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data else None

    def refresh_models(self, select: str | None = None) -> None:
        """List the runs that have a model; select ``select`` (default: keep, or the latest)."""
        self._select_after_refresh = select

        def listed(models: list[tuple[str, str]]) -> None:
            wanted = self._select_after_refresh or self.model_path
            self.combo.blockSignals(True)
            self.combo.clear()
            known = set()
            for text, path in models:
                self.combo.addItem(text, path)
                known.add(str(Path(path)))
            for path in self._extra_models:
                if str(Path(path)) not in known:
                    self.combo.addItem(path, path)
            index = self._find(wanted) if wanted else -1
            self.combo.setCurrentIndex(index if index >= 0 else (0 if self.combo.count() else -1))
            self.combo.blockSignals(False)
            self._changed()

        run_task(trained_models, on_result=listed, on_error=self.errorOccurred.emit, owner=self)

    def _find(self, path: str) -> int:
        from engine.predict import resolve_model_dir

        target = resolve_model_dir(path)
        for i in range(self.combo.count()):
            if resolve_model_dir(str(self.combo.itemData(i))) == target:
                return i
        return -1

    def add_model(self, path: str) -> None:
        """Offer any classification model folder (or a run folder) and select it."""
        index = self._find(path)
        if index < 0:
            self._extra_models.append(path)
            self.combo.addItem(path, path)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def choose_model_folder(self) -> None:
        path = dialogs.open_folder(self, self.tr("Choose a trained model or run folder"))
        if path:
            self.add_model(path)

    def _changed(self) -> None:
        path = self.model_path
        self.info.setText(
            self.describe(path)
            if path
            else self.tr("Train a model in the Training tab, or choose a model folder.")
        )
        self.modelChanged.emit()

    def describe(self, path: str) -> str:
        """The model's classes or entity types, its base model and validation accuracy."""
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
