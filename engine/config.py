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

#: Learning rates that work well for each strategy when the user leaves it to us.
DEFAULT_LEARNING_RATES = {"full": 5e-5, "top-layers": 5e-4, "head": 1e-3}


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
            "full": "Train every weight of the model: the most accurate, and the slowest.",
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


@dataclass
class TrainConfig:
    """Every setting of a fine-tuning run.

    Paths are stored as given; ``with_absolute_paths()`` makes them explicit for export.
    """

    # Data
    data: str = ""
    validation: str | None = None
    text_column: str | None = None
    label_column: str | None = None
    validation_split: float = 0.1
    # Model
    model: str = STARTER_MODEL
    strategy: str = "full"
    trust_remote_code: bool = False
    allow_pickle: bool = False
    # Optimisation
    epochs: float = 3.0
    batch_size: int = 32
    learning_rate: float | None = None
    warmup_ratio: float = 0.06
    weight_decay: float = 0.01
    max_length: int | None = None
    gradient_accumulation: int = 1
    max_steps: int | None = None
    seed: int = 42
    # Hardware
    device: str = "auto"
    precision: str = "auto"
    group_by_length: bool = True
    dataloader_workers: int = 0
    # Cadence
    logging_steps: int | None = None
    eval_steps: int | None = None
    save_steps: int | None = None
    save_total_limit: int = 2
    early_stopping_patience: int = 3
    # Output
    output: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    # ----- validation -------------------------------------------------------------
    def validate(self) -> TrainConfig:
        """Raise ``ConfigError`` naming the first bad setting; return self otherwise."""
        self._check_types()
        if not self.data:
            raise ConfigError("No training data given.", hint="Pass --data FILE.")
        Strategy.parse(self.strategy)
        if self.device not in DEVICES and not re.fullmatch(r"cuda:\d+", self.device):
            raise ConfigError(
                f"Unknown device {self.device!r}.", hint=f"Use one of {', '.join(DEVICES)}."
            )
        if self.precision not in PRECISIONS:
            raise ConfigError(
                f"Unknown precision {self.precision!r}.",
                hint=f"Use one of {', '.join(PRECISIONS)}.",
            )
        checks = [
            (self.epochs > 0, "epochs must be greater than 0"),
            (self.batch_size >= 1, "batch size must be at least 1"),
            (
                self.learning_rate is None or self.learning_rate > 0,
                "learning rate must be greater than 0",
            ),
            (0 <= self.warmup_ratio < 1, "warmup ratio must be in [0, 1)"),
            (self.weight_decay >= 0, "weight decay must not be negative"),
            (
                self.max_length is None or self.max_length >= 8,
                "max length must be at least 8 tokens",
            ),
            (self.gradient_accumulation >= 1, "gradient accumulation must be at least 1"),
            (self.max_steps is None or self.max_steps >= 1, "max steps must be at least 1"),
            (0 < self.validation_split < 0.9, "validation split must be between 0 and 0.9"),
            (self.save_total_limit >= 1, "save total limit must be at least 1"),
            (self.early_stopping_patience >= 0, "early-stopping patience must not be negative"),
            (self.dataloader_workers >= 0, "data-loader workers must not be negative"),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(f"Invalid setting: {message}.")
        for name in ("logging_steps", "eval_steps", "save_steps"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ConfigError(f"Invalid setting: {name.replace('_', ' ')} must be at least 1.")
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
            model = absolute(model)
        return self.replace(
            data=absolute(self.data) or "",
            validation=absolute(self.validation),
            output=absolute(self.output),
            model=model,
        )
