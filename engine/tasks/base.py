"""The ``Task`` interface: what one kind of fine-tuning (text, token or image classification)
brings to the shared engine.

The engine's run (``engine.training``), the command line and the window know nothing of
texts, words or pixels: they ask the run's task. A task says how its data is recognised,
read, checked and split; which input processor (tokenizer, image processor) and model class
it uses; how examples become model inputs and batches; which metrics it computes and which
one is the run's *main metric* (it picks the best checkpoint, drives early stopping, fills the
Runs table and ranks candidates); what a prediction looks like; and what its model card says.

A new task is one new module that subclasses ``Task`` and calls ``engine.tasks.register``;
nothing else changes (``tests/engine/test_tasks.py`` plugs in a toy task to prove it).
"""

from __future__ import annotations

import abc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from engine.config import Strategy, TrainConfig
    from engine.data import LabelMap
    from engine.models import ModelInfo, ModelSource


class Report(Protocol):
    """What the engine needs of a task's data report: JSON for the run folder and the window,
    text for the terminal, and the max length it settled on (``None`` where the task has no
    notion of length, as for images)."""

    max_length: int | None

    def to_dict(self) -> dict[str, Any]: ...

    def format_text(self) -> str: ...


class Predictions(Protocol):
    """A loaded model that predicts: ``predict`` takes what the task reads (texts, image
    paths) and returns objects with ``to_dict()``; ``predict_file`` writes a whole file."""

    labels: list[str]

    def predict(self, inputs: Sequence[str], **kwargs: Any) -> list[Any]: ...

    def predict_file(
        self, path: str | os.PathLike[str], out: str | os.PathLike[str], **kwargs: Any
    ) -> int: ...


@dataclass
class TaskData:
    """A task's training and validation splits, ready for ``Task.encode``.

    ``train`` and ``validation`` are whatever the task's ``encode`` takes (an Arrow-backed
    ``datasets.Dataset`` for text, lists of records for others). ``columns`` is what the run
    folder's ``labels.json`` records besides the labels (e.g. the text and label columns).
    ``issues`` are the findings of reading (rows skipped, columns guessed), as codes.
    """

    train: Any
    validation: Any
    labels: LabelMap
    source: str
    validation_source: str | None = None
    columns: dict[str, Any] = field(default_factory=dict)
    issues: list[Any] = field(default_factory=list)
    num_train: int = 0
    num_validation: int = 0
    #: The task's own form of the data, for its later steps (e.g. ``PreparedData``).
    extra: Any = None


@dataclass
class FinalEvaluation:
    """The kept model's evaluation at the end of a run, for ``Task.after_training``:
    ``Trainer.predict``'s ``output`` on ``encoded_validation`` (the task's own encoding of
    ``data.validation``), the run folder, and the metrics about to be saved (to add to)."""

    output: Any
    data: TaskData
    encoded_validation: Any
    run_dir: Path
    metrics: dict[str, Any]


@dataclass
class Prepared:
    """Everything a run needs before it builds the model; nothing written yet."""

    data: TaskData
    source: ModelSource
    processor: Any
    info: ModelInfo
    report: Report


class Task(abc.ABC):
    """One kind of fine-tuning. Subclasses set the class attributes and implement the methods.

    Methods are called from worker threads (the window) or the main thread (the CLI), never
    from two threads at once for one run; heavy libraries are imported inside them.
    """

    #: Hugging Face pipeline name: ``text-classification``, ``token-classification``, ...
    name: ClassVar[str]
    #: How people call it, in English (the window translates by ``name``).
    title: ClassVar[str]
    #: Key of the evaluation metric that picks the best checkpoint (greater is better).
    main_metric: ClassVar[str]
    #: Metric keys worth a curve and a column, the main one first.
    metrics_shown: ClassVar[tuple[str, ...]]
    #: The transformers auto class of its models, e.g. ``AutoModelForSequenceClassification``.
    auto_model: ClassVar[str]
    #: Architecture name endings that mark a saved model as this task's.
    architecture_suffixes: ClassVar[tuple[str, ...]] = ()
    #: The model spec (``engine.models.resolve_model``) used when the person names none.
    starter_model: ClassVar[str] = "starter"
    #: Whether encoded examples carry a ``length`` column (length-grouped batches).
    has_lengths: ClassVar[bool] = True
    #: What the model reads: ``text`` or ``image`` (the Prediction tab's input).
    input_kind: ClassVar[str] = "text"
    #: Strategies the Model tab offers, as ``Strategy.parse`` reads them.
    strategies: ClassVar[tuple[str, ...]] = ("full", "top-layers:2", "head")

    # ----- settings --------------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        """Settings this task starts from instead of the shared declared defaults, by
        ``TrainConfig`` field name (e.g. ``{"batch_size": 16}``). A value the person gives
        (a flag, the form, a config file) still wins: the CLI and the Training tab apply
        these when the task is chosen, before the person's own values. Optional hook."""
        return {}

    def resolve_defaults(self, config: TrainConfig) -> TrainConfig:
        """The config with this task's own choices for the settings left to "auto" (e.g. a
        learning rate that suits its models); called once, before the data is read."""
        return config

    # ----- data ------------------------------------------------------------------------
    @abc.abstractmethod
    def detect(self, path: Path) -> float:
        """How sure this task is that ``path`` holds its data: 0 (not mine) to 1 (surely
        mine). Cheap: reads a few kilobytes at most, never the whole file."""

    @abc.abstractmethod
    def load_data(self, config: TrainConfig) -> TaskData:
        """Read, check and split the data. Raises ``DatasetError`` naming file and row."""

    # ----- model -----------------------------------------------------------------------
    @abc.abstractmethod
    def load_processor(self, source: ModelSource, config: TrainConfig) -> Any:
        """The tokenizer or image processor of the model."""

    @abc.abstractmethod
    def report(
        self, data: TaskData, processor: Any, config: TrainConfig, info: ModelInfo
    ) -> Report:
        """The data report (with the max length the run will use, where there is one)."""

    @abc.abstractmethod
    def encode(self, data: TaskData, processor: Any, config: TrainConfig) -> tuple[Any, Any]:
        """Training and validation sets that the model and the collator take."""

    @abc.abstractmethod
    def build_model(self, source: ModelSource, labels: LabelMap, config: TrainConfig) -> Any:
        """The pre-trained model with a new head for ``labels``."""

    def apply_strategy(self, model: Any, strategy: Strategy) -> tuple[int, int]:
        """Freeze what the strategy does not train; (trainable, total) parameters."""
        from engine.models import apply_strategy

        return apply_strategy(model, strategy)

    @abc.abstractmethod
    def collator(self, processor: Any, device: str) -> Any:
        """Makes a batch of encoded examples."""

    # ----- metrics ---------------------------------------------------------------------
    @abc.abstractmethod
    def eval_metrics(self, labels: LabelMap) -> Callable[[Any], dict[str, float]]:
        """``compute_metrics`` for ``Trainer``: cheap figures after each evaluation, with
        ``main_metric`` among them."""

    @abc.abstractmethod
    def final_metrics(self, output: Any, data: TaskData) -> dict[str, Any]:
        """The full figures of the kept model from ``Trainer.predict``'s output (per class,
        confusion matrix...), with ``main_metric`` and ``num_examples`` among them."""

    def baseline(self, data: TaskData, seed: int) -> dict[str, Any] | None:
        """A cheap yardstick fitted on the same split before the fine-tune starts (its
        ``accuracy``, ``macro_f1``, ``seconds``), or ``None`` where the task has none."""
        return None

    def after_training(self, final: FinalEvaluation) -> None:
        """Add to ``final.metrics`` (calibration...) and write what the results views need
        besides ``metrics.json`` (the validation predictions), from ``Trainer.predict``'s
        output on the encoded validation set (optional)."""
        return None

    # ----- saved model -----------------------------------------------------------------
    def model_meta(self, data: TaskData, config: TrainConfig) -> dict[str, Any]:
        """Task keys for the model folder's ``strop.json`` (besides task, labels, base model)."""
        return {}

    @abc.abstractmethod
    def load_predictor(self, model_dir: Path, **options: Any) -> Predictions:
        """A loaded model for prediction (``device``, ``allow_pickle``...)."""

    @abc.abstractmethod
    def evaluate(self, model_dir: Path, data: str, **options: Any) -> dict[str, Any]:
        """The model's figures on a labelled file, as ``python main.py evaluate`` prints them."""

    # ----- export ----------------------------------------------------------------------
    #: The file in ``resources/export/`` shipped as the export's ``predict.py``.
    predict_script: ClassVar[str] = "predict_text_classification.py"

    def export_onnx(self, model_dir: Path, out: Path, run: Any) -> Any:
        """Export the model to ONNX at ``out`` and check it (``engine.onnx_export``); returns
        an ``OnnxOutcome``, never raises."""
        from engine.onnx_export import OnnxOutcome

        return OnnxOutcome("skipped", f"skipped: no ONNX export for {self.name} yet.")

    def card_sections(self, run: Any, labels: list[str], onnx: Any) -> dict[str, Any]:
        """The model card's task parts (Markdown): ``summary``, ``usage``, ``data``,
        ``evaluation``, ``limits`` (a list of sentences) and ``predict_help``."""
        return {}
