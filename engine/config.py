"""``TrainConfig``: every setting of a run, in one dataclass that round-trips through JSON.

``None`` means "choose for me": the engine resolves it from the data and the model (for
example ``max_length`` from the token-length percentiles) and saves the resolved config in
the run folder, so a run can always be repeated exactly.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import ConfigError

STARTER_MODEL = "starter"
DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
_STRATEGY_RE = re.compile(r"^(full|head|top-layers:(\d+))$")

#: Evaluations during training read at most this many validation rows (a stratified sample
#: drawn once per run); the kept model is scored on the whole validation set at the end.
EVAL_SAMPLE_ROWS = 1000

#: Learning rates that work well for each strategy when the user leaves it to us.
DEFAULT_LEARNING_RATES = {"full": 4e-4, "top-layers": 5e-4, "head": 1e-3}
#: With the automatic learning rate, the new classifier head learns this many times faster
#: than the pre-trained weights (bench/RESULTS.md section 10). With ``head`` only the head
#: (and the pooler) trains: one rate.
HEAD_LEARNING_RATE_FACTORS = {"full": 10.0, "top-layers": 1.0, "head": 1.0}


@dataclass(frozen=True)
class Strategy:
    """Which parameters are trained.

    ``full``: every weight. ``top-layers:N``: the top N encoder layers plus the head.
    ``head``: only the classification head (and the pooler, where the model has one).
    """

    kind: str  # "full" | "top-layers" | "head"
    layers: int = 0

    @classmethod
    def parse(cls, text: str) -> Strategy:
        m = _STRATEGY_RE.match(text.strip().lower())
        if not m:
            raise ConfigError(
                f"Unknown fine-tuning strategy {text!r}.",
                hint="Use 'full', 'top-layers:N' (for example 'top-layers:2') or 'head'.",
            )
        if m.group(2) is not None:
            n = int(m.group(2))
            if n < 1:
                raise ConfigError("'top-layers:N' needs N of at least 1.")
            return cls("top-layers", n)
        return cls(m.group(1))

    def __str__(self) -> str:
        return f"top-layers:{self.layers}" if self.kind == "top-layers" else self.kind

    @property
    def description(self) -> str:
        return {
            "full": "Train the whole model (with the automatic learning rate, all but the "
            "word-embedding table of a text model): the most accurate, and the slowest.",
            "top-layers": (
                f"Train only the top {self.layers} encoder layer(s) and the classifier: "
                "faster and lighter, close to full accuracy on small datasets."
            ),
            "head": (
                "Train only the classifier on top of frozen features: fastest, "
                "least memory, usually the least accurate."
            ),
        }[self.kind]


_TYPES: dict[str, Any] = {
    "str": str, "int": int, "float": (int, float), "bool": bool, "None": None,
    "dict[str, Any]": dict,
}  # fmt: skip
_TYPE_NAMES = {
    "str": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
    "None": "null", "dict[str, Any]": "an object",
}  # fmt: skip


@dataclass(frozen=True)
class Setting:
    """One setting, declared once: the CLI flag, the window's form, the saved settings and
    the exported run config are all generated from these (see ``TrainConfig.settings()``).

    ``minimum``/``maximum`` bound the value (exclusive where ``*_exclusive``); ``auto`` says
    what ``None`` means ("choose for me"); ``scale`` is how the form shows the value (100:
    a percentage); ``widget`` names the form's control (its ``objectName``), ``None`` where
    the window sets it elsewhere (the Dataset and Model tabs) or not at all.
    """

    name: str
    type: str
    default: Any
    help: str
    label: str = ""
    flag: str | None = None
    group: str = ""
    minimum: float | None = None
    maximum: float | None = None
    minimum_exclusive: bool = False
    maximum_exclusive: bool = False
    unit: str = ""
    auto: str | None = None
    choices: tuple[str, ...] = ()
    widget: str | None = None
    decimals: int = 0
    step: float = 1.0
    scale: float = 1.0

    @property
    def is_number(self) -> bool:
        return self.type.split(" |")[0] in ("int", "float")

    def check(self, value: Any) -> str | None:
        """What is wrong with ``value`` (its range), or ``None``."""
        if value is None or not self.is_number or isinstance(value, bool):
            return None
        what = self.name.replace("_", " ")
        if self.label and self.label.lower() != what:
            what = f"{what} ({self.label.lower()})"
        lo = self.minimum
        hi = self.maximum if self.maximum is not None and self.maximum < 1e6 else None
        if lo is not None and (value <= lo if self.minimum_exclusive else value < lo):
            if hi is not None:
                return f"{what} must be between {lo:g} and {hi:g}"
            return (
                f"{what} must be {'greater than' if self.minimum_exclusive else 'at least'} {lo:g}"
            )
        top = self.maximum
        if top is not None and (value >= top if self.maximum_exclusive else value > top):
            if lo is not None:
                return f"{what} must be between {lo:g} and {hi:g}"
            return f"{what} must be {'less than' if self.maximum_exclusive else 'at most'} {top:g}"
        return None


def setting(help: str, **declared: Any) -> dict[str, Any]:
    """The ``metadata`` of a ``TrainConfig`` field (as ``TrainingArguments`` fields carry
    their help in ``metadata``)."""
    return {"setting": {"help": help, **declared}}


@dataclass
class TrainConfig:
    """Every setting of a fine-tuning run, each declared once with its help, range and flag.

    Paths are stored as given; ``with_absolute_paths()`` makes them explicit for export.
    """

    # Data
    data: str = field(
        default="",
        metadata=setting(
            "Training data: a CSV, TSV, JSON, JSON Lines or Parquet file, a CoNLL file, a folder "
            "of images in class folders, or a save_to_disk folder.",
            flag="--data",
            group="data",
        ),
    )
    validation: str | None = field(
        default=None,
        metadata=setting(
            "A separate validation file or folder (default: hold out a stratified share).",
            flag="--validation",
            group="data",
        ),
    )
    task: str | None = field(
        default=None,
        metadata=setting(
            "What to learn: text-classification, token-classification or image-classification "
            "(default: detected from the data).",
            flag="--task",
            group="data",
            auto="detected from the data",
        ),
    )
    text_column: str | None = field(
        default=None,
        metadata=setting(
            "The column holding the text (or the image path).",
            flag="--text-column",
            group="data",
            auto="detected",
        ),
    )
    label_column: str | None = field(
        default=None,
        metadata=setting(
            "The column holding the label.", flag="--label-column", group="data", auto="detected"
        ),
    )
    validation_split: float = field(
        default=0.1,
        metadata=setting(
            "The share of the data held out for validation when there is no validation file.",
            label="Validation split",
            flag="--validation-split",
            group="data",
            minimum=0,
            maximum=0.9,
            minimum_exclusive=True,
            maximum_exclusive=True,
            decimals=2,
            step=0.05,
        ),
    )
    # Model
    model: str = field(
        default=STARTER_MODEL,
        metadata=setting(
            "'starter' (the bundled model for the task), a model folder, or a Hugging Face model id.",
            flag="--model",
            group="model",
        ),
    )
    strategy: str = field(
        default="full",
        metadata=setting(
            "Which weights to train: full | top-layers:N | head.", flag="--strategy", group="model"
        ),
    )
    train_word_embeddings: bool = field(
        default=False,
        metadata=setting(
            "Also train the word-embedding table with the full strategy (text). With the automatic learning rate it stays frozen unless this is set: it holds about half of a small model's weights, and updating it made runs slower for no measurable accuracy. With a learning rate you choose, every weight trains.",
            flag="--train-word-embeddings",
            group="model",
        ),
    )
    trust_remote_code: bool = field(
        default=False,
        metadata=setting(
            "Allow the model's own Python code (it runs with your permissions).",
            flag="--trust-remote-code",
            group="model",
        ),
    )
    allow_pickle: bool = field(
        default=False,
        metadata=setting(
            "Allow pickled pytorch_model.bin weights (read with weights_only=True).",
            flag="--allow-pickle",
            group="model",
        ),
    )
    # Optimisation
    epochs: float = field(
        default=2.0,
        metadata=setting(
            "How many times the model reads every training text. More epochs fit the data more closely; too many make it memorise (early stopping guards against that). Left at 2 with the automatic learning rate, a small text dataset gets more, up to 10, so that training makes at least 64 updates.",
            label="Epochs",
            flag="--epochs",
            group="optimisation",
            minimum=0,
            maximum=100,
            minimum_exclusive=True,
            widget="epochsSpin",
            decimals=1,
            step=0.5,
        ),
    )
    batch_size: int = field(
        default=32,
        metadata=setting(
            "How many texts the model reads before each update. Larger is faster per text but needs more memory: lower it if the device runs out of memory.",
            label="Batch size",
            flag="--batch-size",
            group="optimisation",
            minimum=1,
            maximum=4096,
            widget="batchSizeSpin",
        ),
    )
    learning_rate: float | None = field(
        default=None,
        metadata=setting(
            "How big each update is. Too high and training diverges (the loss jumps or becomes NaN); too low and it learns slowly. Auto picks a value that suits the fine-tuning strategy.",
            label="Learning rate",
            flag="--learning-rate",
            group="optimisation",
            minimum=0,
            maximum=1,
            minimum_exclusive=True,
            auto="from the strategy",
            widget="learningRateSpin",
        ),
    )
    head_learning_rate_factor: float | None = field(
        default=None,
        metadata=setting(
            "How many times faster than the rest of the model the new classifier head learns. Auto speeds it up 10 times with the automatic learning rate where that was measured to help (text classification under the full strategy, named entities under the top layers): the head starts from random weights and needs big steps, the pre-trained weights small ones.",
            label="Head learning-rate factor",
            flag="--head-lr-factor",
            group="optimisation",
            minimum=0,
            maximum=10000,
            minimum_exclusive=True,
            auto="from the strategy when the learning rate is auto, else 1",
        ),
    )
    warmup_ratio: float = field(
        default=0.06,
        metadata=setting(
            "The share of steps at the start during which the learning rate rises from zero: it keeps the first updates from damaging the pre-trained weights.",
            label="Warm-up",
            flag="--warmup-ratio",
            group="optimisation",
            minimum=0,
            maximum=1,
            maximum_exclusive=True,
            unit="%",
            widget="warmupSpin",
            scale=100,
        ),
    )
    weight_decay: float = field(
        default=0.01,
        metadata=setting(
            "A gentle pull of the weights towards zero that reduces over-fitting.",
            label="Weight decay",
            flag="--weight-decay",
            group="optimisation",
            minimum=0,
            maximum=1,
            widget="weightDecaySpin",
            decimals=3,
            step=0.01,
        ),
    )
    max_length: int | None = field(
        default=None,
        metadata=setting(
            "The longest text the model reads, in tokens (word pieces); longer texts are cut. Auto covers about 99% of your texts. Shorter is faster and uses less memory.",
            label="Max length",
            flag="--max-length",
            group="optimisation",
            minimum=8,
            maximum=8192,
            unit="tokens",
            auto="from the data",
            widget="maxLengthSpin",
            step=8,
        ),
    )
    gradient_accumulation: int = field(
        default=1,
        metadata=setting(
            "Add up the updates of this many batches before applying them: the effect of a bigger batch without its memory cost.",
            label="Gradient accumulation",
            flag="--gradient-accumulation",
            group="optimisation",
            minimum=1,
            maximum=256,
            widget="gradientAccumulationSpin",
        ),
    )
    max_steps: int | None = field(
        default=None,
        metadata=setting(
            "End the run after this many updates, whatever the number of epochs (for a quick try).",
            label="Stop after steps",
            flag="--max-steps",
            group="optimisation",
            minimum=1,
            maximum=10000000,
            auto="from the epochs",
            widget="maxStepsSpin",
        ),
    )
    seed: int = field(
        default=42,
        metadata=setting(
            "The same seed with the same settings gives the same model: change it to see how much results vary.",
            label="Seed",
            flag="--seed",
            group="optimisation",
            minimum=0,
            maximum=2147483647,
            widget="seedSpin",
        ),
    )
    # Hardware
    device: str = field(
        default="auto",
        metadata=setting(
            "Where the model trains. A GPU is many times faster than the CPU.",
            label="Device",
            flag="--device",
            group="hardware",
            widget="deviceCombo",
        ),
    )
    precision: str = field(
        default="auto",
        metadata=setting(
            "How numbers are stored while training. Half precision (bf16, fp16) is faster and uses less memory where the device supports it; Automatic chooses for you.",
            label="Precision",
            flag="--precision",
            group="hardware",
            choices=PRECISIONS,
            widget="precisionCombo",
        ),
    )
    group_by_length: bool = field(
        default=True,
        metadata=setting(
            "Batch texts of similar length together (less padding, faster).", group="hardware"
        ),
    )
    dataloader_workers: int = field(
        default=0,
        metadata=setting(
            "Processes that prepare batches (images are decoded in them).",
            label="Data-loader workers",
            flag="--dataloader-workers",
            group="hardware",
            minimum=0,
            maximum=64,
        ),
    )
    # Cadence
    logging_steps: int | None = field(
        default=None,
        metadata=setting(
            "Log the training loss every N steps.",
            label="Logging steps",
            flag="--logging-steps",
            group="cadence",
            minimum=1,
            maximum=10**9,
            auto="from the run's length",
        ),
    )
    eval_steps: int | None = field(
        default=None,
        metadata=setting(
            "Evaluate on the validation set every N steps.",
            label="Evaluation steps",
            flag="--eval-steps",
            group="cadence",
            minimum=1,
            maximum=10**9,
            auto="once an epoch, at least 4 times a run, at most every 500 steps",
        ),
    )
    save_steps: int | None = field(
        default=None,
        metadata=setting(
            "Write a checkpoint every N steps (a multiple of the evaluation steps).",
            label="Save steps",
            flag="--save-steps",
            group="cadence",
            minimum=1,
            maximum=10**9,
            auto="at every evaluation",
        ),
    )
    save_total_limit: int = field(
        default=2,
        metadata=setting(
            "How many checkpoints to keep (the best is always kept).",
            label="Checkpoints kept",
            group="cadence",
            minimum=1,
            maximum=1000,
        ),
    )
    early_stopping_patience: int = field(
        default=3,
        metadata=setting(
            "Stop when the validation score has not improved for this many evaluations in a row; the best model is kept.",
            label="Early stopping after",
            flag="--early-stopping",
            group="cadence",
            minimum=0,
            maximum=1000,
            unit="evaluations",
            widget="earlyStoppingSpin",
        ),
    )
    # Output
    output: str | None = field(
        default=None,
        metadata=setting(
            "The run folder (default: a new folder under the user data folder).",
            flag="--output",
            group="output",
        ),
    )
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def settings(cls) -> list[Setting]:
        """Every declared setting, in declaration order."""
        out = []
        for f in dataclasses.fields(cls):
            declared = f.metadata.get("setting")
            if declared is None:
                continue
            default = f.default if f.default is not dataclasses.MISSING else None
            out.append(Setting(name=f.name, type=str(f.type), default=default, **declared))
        return out

    @classmethod
    def setting(cls, name: str) -> Setting:
        return next(s for s in cls.settings() if s.name == name)

    # ----- validation -------------------------------------------------------------
    def validate(self) -> TrainConfig:
        """Raise ``ConfigError`` naming the first bad setting; return self otherwise."""
        self._check_types()
        if not self.data:
            raise ConfigError("No training data given.", hint="Pass --data FILE.")
        Strategy.parse(self.strategy)
        if self.task is not None:
            from engine import tasks

            tasks.get(self.task)
        if self.device not in DEVICES and not re.fullmatch(r"cuda:\d+", self.device):
            raise ConfigError(
                f"Unknown device {self.device!r}.", hint=f"Use one of {', '.join(DEVICES)}."
            )
        if self.precision not in PRECISIONS:
            raise ConfigError(
                f"Unknown precision {self.precision!r}.",
                hint=f"Use one of {', '.join(PRECISIONS)}.",
            )
        for declared in self.settings():
            problem = declared.check(getattr(self, declared.name))
            if problem:
                raise ConfigError(f"Invalid setting: {problem}.")
        return self

    def _check_types(self) -> None:
        """Each setting has its declared type (a JSON file can hold anything)."""
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            parts = [t.strip() for t in str(f.type).split("|")]
            if not all(t in _TYPES for t in parts):
                continue  # a type this check does not know: leave it to the code that uses it
            allowed = [_TYPES[t] for t in parts]
            ok = any(value is None if kind is None else isinstance(value, kind) for kind in allowed)
            if isinstance(value, bool) and bool not in allowed:
                ok = False  # true/false is not a number
            if not ok:
                names = " or ".join(_TYPE_NAMES[t] for t in parts)
                raise ConfigError(f"Invalid setting {f.name!r}: expected {names}, got {value!r}.")

    @property
    def parsed_strategy(self) -> Strategy:
        return Strategy.parse(self.strategy)

    def resolved_learning_rate(self) -> float:
        if self.learning_rate is not None:
            return self.learning_rate
        return DEFAULT_LEARNING_RATES[self.parsed_strategy.kind]

    def with_resolved_recipe(self) -> TrainConfig:
        """This config with the automatic recipe spelled out (learning rate, head factor,
        word embeddings), as a new run trains it: what the run saves and the estimate times."""
        return self.replace(
            learning_rate=self.resolved_learning_rate(),
            head_learning_rate_factor=self.resolved_head_learning_rate_factor(),
            train_word_embeddings=self.resolved_train_word_embeddings(),
        )

    def resolved_train_word_embeddings(self) -> bool:
        """Whether the word embeddings train: as asked, and always with a learning rate the
        person chose (the frozen table belongs to the automatic recipe)."""
        return self.train_word_embeddings or self.learning_rate is not None

    def resolved_head_learning_rate_factor(self) -> float:
        """The head's factor: as given; else the strategy's when the learning rate is auto
        too (``HEAD_LEARNING_RATE_FACTORS``); else 1 (a learning rate the person chose
        applies to every weight)."""
        if self.head_learning_rate_factor is not None:
            return self.head_learning_rate_factor
        if self.learning_rate is None:
            return HEAD_LEARNING_RATE_FACTORS[self.parsed_strategy.kind]
        return 1.0

    # ----- JSON -------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self, indent: int = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        if not isinstance(data, dict):
            raise ConfigError("A run config must be a JSON object.")
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(
                f"Unknown setting(s) in run config: {', '.join(unknown)}.",
                hint=f"Known settings: {', '.join(sorted(names))}.",
            )
        try:
            config = cls(**data)
        except TypeError as exc:  # pragma: no cover - guarded by the check above
            raise ConfigError(f"Invalid run config: {exc}") from None
        config._check_types()
        return config

    @classmethod
    def from_json(cls, text: str) -> TrainConfig:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"Run config is not valid JSON (line {exc.lineno}, column {exc.colno})."
            ) from None
        return cls.from_dict(data)

    def save(self, path: str | os.PathLike[str]) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TrainConfig:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{p}: run config not found.")
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{p}: cannot read run config ({exc}).") from None
        try:
            return cls.from_json(text)
        except ConfigError as exc:
            raise ConfigError(f"{p}: {exc.message}", hint=exc.hint) from None

    def replace(self, **changes: Any) -> TrainConfig:
        return dataclasses.replace(self, **changes)

    def with_absolute_paths(self) -> TrainConfig:
        """A copy with data, validation, output and local model paths made absolute."""

        def absolute(p: str | None) -> str | None:
            return str(Path(p).expanduser().resolve()) if p else p

        model = self.model
        if model != STARTER_MODEL and Path(model).expanduser().exists():
            model = absolute(model) or model
        return self.replace(
            data=absolute(self.data) or "",
            validation=absolute(self.validation),
            output=absolute(self.output),
            model=model,
        )
