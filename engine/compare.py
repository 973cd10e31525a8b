"""Which model and which strategy, on this data, within a time budget: short trials, measured.

A person choosing between "head", "top-layers:2" and "full", or between the English starter
and a Chinese model, has no evidence today. ``compare`` gives some, in minutes: each
candidate (model x strategy) trains briefly on a sample of the data sized to fit its share of
the budget, and is scored on the same validation rows; a TF-IDF + logistic regression
baseline (``engine.baseline``) is fitted on the same training rows as the largest trial. The
recommendation is the best validation macro F1, ties broken by time, the baseline included:
when no transformer here reads the data's language, the baseline is what it recommends.

How a trial stays within budget: the candidates share what is left of the budget equally,
recomputed after each. A candidate first builds its model and times a few real optimizer
steps and an evaluation batch (``engine.estimate``, the same measurements as the estimate
before Start, restored afterwards so they do not train the model); the number of trial steps
is what fits its share. A callback stops a trial at its deadline whatever the timing said.
Candidates that do not fit are reported as skipped, with the reason.

Trials call the run's Task pieces directly (encode, build, strategy, collator) and a plain
``transformers.Trainer`` with no evaluation, checkpoint or log during training: what a run
would do, without writing a run folder (the Trainer's output folder is a temporary one,
removed). The full run's duration (``full_run_seconds``) is ``engine.estimate``'s arithmetic
over the same measurements and the default run's cadence on the whole data.
"""

from __future__ import annotations

import math
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.errors import ConfigError, ModelLoadError

DEFAULT_STRATEGIES: tuple[str, ...] = ("head", "top-layers:2", "full")
DEFAULT_BUDGET = 300.0
#: Below this, not even the data and one model can be loaded on a laptop.
MIN_BUDGET = 10.0
#: A trial shorter than this many optimizer steps says nothing about the candidate.
MIN_TRIAL_STEPS = 5
#: Trials are scored on at most this many validation rows (the same rows for every one):
#: scoring is forward passes only, but 500 rows cost a slow laptop as much as 5 training
#: steps of each candidate; 300 rows still tell candidates 6 points apart.
MAX_VALIDATION_ROWS = 300
#: At most this many training rows are tokenised per model: more cannot be trained in a
#: trial on a CPU within any sensible budget.
MAX_TRAIN_ROWS = 20_000
#: Longest text a trial reads, in tokens (the model's own limit if lower).
TRIAL_MAX_LENGTH = 128
#: Share of the budget kept for the baseline, at least ``BASELINE_MIN_SECONDS``.
BASELINE_SHARE = 0.03
BASELINE_MIN_SECONDS = 1.0
#: Optimizer steps timed (after one warm-up step) to plan a trial; the timing is undone.
TIMED_STEPS = 1
#: Texts read to detect the language and measure a vocabulary's fit.
LANGUAGE_SAMPLE = 500
#: Rows the language check's baseline is fitted on, so that it stays a matter of seconds.
CHECK_BASELINE_ROWS = 5_000

BASELINE = "baseline"
TEXT_TASK = "text-classification"


@dataclass(frozen=True)
class CandidateResult:
    """One line of a comparison. ``accuracy``/``macro_f1`` are on the shared validation
    rows; ``seconds`` is the trial's wall time (model build, timing, training, scoring);
    ``full_run_seconds`` is the estimated duration of a default run on all the data.
    ``skipped`` says why a candidate was not tried (then the figures are ``None``)."""

    model: str
    strategy: str | None
    accuracy: float | None
    macro_f1: float | None
    seconds: float
    full_run_seconds: float | None
    train_rows: int = 0
    steps: int = 0
    unknown_share: float | None = None
    fits_language: bool | None = None
    skipped: str | None = None

    @property
    def is_baseline(self) -> bool:
        return self.model == BASELINE

    def to_dict(self) -> dict[str, Any]:
        def r(x: float | None, digits: int = 4) -> float | None:
            return None if x is None else round(float(x), digits)

        return {
            "model": self.model,
            "strategy": self.strategy,
            "accuracy": r(self.accuracy),
            "macro_f1": r(self.macro_f1),
            "seconds": r(self.seconds, 2),
            "full_run_seconds": r(self.full_run_seconds, 1),
            "train_rows": self.train_rows,
            "steps": self.steps,
            "unknown_share": r(self.unknown_share),
            "fits_language": self.fits_language,
            "skipped": self.skipped,
        }


@dataclass
class CompareResult:
    """Every candidate's line (tried or skipped, the baseline last) and the recommendation."""

    candidates: list[CandidateResult]
    recommended: CandidateResult | None
    language: str
    budget: float
    elapsed: float
    stopped: bool = False
    validation_rows: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The last JSON line: the recommendation and how the comparison went."""
        return {
            "recommended": self.recommended.to_dict() if self.recommended else None,
            "language": self.language,
            "budget_seconds": self.budget,
            "elapsed_seconds": round(self.elapsed, 2),
            "validation_rows": self.validation_rows,
            "stopped": self.stopped,
            "notes": self.notes,
        }


def recommend(candidates: Sequence[CandidateResult]) -> CandidateResult | None:
    """The best validation macro F1 among those tried, ties broken by the shorter time."""
    tried = [c for c in candidates if c.skipped is None and c.macro_f1 is not None]
    if not tried:
        return None
    return min(tried, key=lambda c: (-float(c.macro_f1 or 0.0), c.seconds))


# ----- which models ---------------------------------------------------------------------
def models_on_this_computer() -> list[str]:
    """Every model here as ``--model`` takes it: the starter, imported models by name,
    then hub ids in the Hugging Face cache."""
    from engine.model_import import list_local_models
    from engine.models import list_cached_models

    names = ["starter", *(m.name for m in list_local_models())]
    imported_paths = {str(m.path) for m in list_local_models()}
    names += [n for n in list_cached_models() if n not in imported_paths]
    return list(dict.fromkeys(names))


def _fit(spec: str, texts: Sequence[str], language: str, allow_pickle: bool) -> Any:
    """``vocabulary_fit`` of a model's tokenizer on ``texts``; ``None`` when the model
    cannot be read as a text model here."""
    from engine.language import vocabulary_fit
    from engine.models import load_tokenizer, resolve_model

    try:
        source = resolve_model(spec, allow_pickle=allow_pickle)
        tokenizer = load_tokenizer(source)
    except Exception:  # noqa: BLE001 - not a usable text model: not a candidate
        return None
    return vocabulary_fit(tokenizer, texts, language=language)


def default_models(texts: Sequence[str], language: str, *, allow_pickle: bool = False) -> list[str]:
    """The starter plus every model on this computer whose vocabulary fits ``texts``."""
    chosen = ["starter"]
    for spec in models_on_this_computer()[1:]:
        fit = _fit(spec, texts, language, allow_pickle)
        if fit is not None and fit.fits:
            chosen.append(spec)
    return chosen


def check_models(models: Sequence[str], *, allow_pickle: bool = False) -> None:
    """Raise ``ModelLoadError`` naming every model of ``models`` that is not on this
    computer (offline: nothing is downloaded), with how to get it."""
    from engine.models import resolve_model

    missing: list[str] = []
    for spec in models:
        try:
            resolve_model(spec, allow_pickle=allow_pickle)
        except ModelLoadError as exc:
            missing.append(f"{spec} ({exc.message.rstrip('.')})")
    if missing:
        raise ModelLoadError(
            f"Not on this computer: {'; '.join(missing)}.",
            hint=(
                "Import it (python main.py import-model FOLDER_OR_ZIP, or the Model tab's "
                "Import model...) or download it when online (python main.py train --download "
                "--model ID, or the Model tab's Download); python main.py models lists models."
            ),
        )


def parse_strategies(strategies: Sequence[str] | str) -> list[str]:
    """Strategy texts, checked (``ConfigError`` on a bad one), duplicates removed."""
    from engine.config import Strategy

    items = strategies.split(",") if isinstance(strategies, str) else list(strategies)
    parsed = [str(Strategy.parse(s)) for s in items if s.strip()]
    if not parsed:
        raise ConfigError("No strategy to compare.", hint="Give e.g. head,top-layers:2,full.")
    return list(dict.fromkeys(parsed))


def _check_task(data: str) -> None:
    from engine import tasks

    task = tasks.detect(data)
    if task.name != TEXT_TASK:
        raise ConfigError(
            f"{data}: this is {task.title.lower()} data; compare supports text "
            "classification for now.",
            hint="Train with python main.py train --task ... and compare runs in the Runs tab.",
        )


# ----- the comparison -------------------------------------------------------------------
class _Clock:
    def __init__(self, budget: float) -> None:
        self.start = time.monotonic()
        self.deadline = self.start + budget

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float:
        return self.deadline - time.monotonic()


@dataclass
class _ModelSetup:
    """One model's share of the work, done once for all its strategies: the tokenizer,
    the shared validation rows encoded, the training rows in a seeded order (encoded as far
    as a trial has needed), and the pre-trained model with its new head (each strategy
    trains a copy, so the model is read from disk once)."""

    spec: str
    source: Any
    processor: Any
    config: Any
    labels: Any
    train_text: Any  # the shuffled training rows, not yet encoded
    val_ds: Any
    setup_seconds: float
    encode_seconds: float  # per training row, measured on the validation rows
    fit: Any
    pristine: Any = None
    encoded: Any = None
    #: The shortest trial (seconds) measured per strategy, by how much it trains
    #: (``_train_rank``): a strategy that trains at least as much costs at least as much,
    #: so when even that time is not left it is skipped without building and timing it.
    costs: dict[float, float] = field(default_factory=dict)

    def min_cost(self, strategy: Any) -> float | None:
        rank = _train_rank(strategy)
        known = [cost for r, cost in self.costs.items() if r <= rank]
        return min(known) if known else None

    def train_rows(self, n: int) -> Any:
        """The first ``n`` training rows encoded (the task's own ``encode``)."""
        from engine import tasks
        from engine.tasks.base import TaskData

        n = min(n, self.train_text.num_rows)
        if self.encoded is None or self.encoded.num_rows < n:
            part = self.train_text.select(range(n))
            data = TaskData(
                train=part, validation=part.select(range(1)), labels=self.labels, source=""
            )
            self.encoded, _ = tasks.get(TEXT_TASK).encode(data, self.processor, self.config)
        return self.encoded.select(range(n))

    def model_copy(self) -> Any:
        """A fresh copy of the pre-trained model with its (seeded) new head."""
        import copy

        from transformers import set_seed

        from engine import tasks

        if self.pristine is None:
            set_seed(self.config.seed)
            self.pristine = tasks.get(TEXT_TASK).build_model(self.source, self.labels, self.config)
        return copy.deepcopy(self.pristine)


def _train_rank(strategy: Any) -> float:
    """How much a strategy trains: head < top-layers:1 < top-layers:2 < ... < full."""
    return {"head": 0.0, "full": math.inf}.get(strategy.kind, float(strategy.layers))


def _subset(ds: Any, n: int, seed: int) -> Any:
    return ds.shuffle(seed=seed).select(range(min(n, ds.num_rows)))


def _setup_model(spec: str, data: Any, val_rows: int, base: Any, language: str) -> _ModelSetup:
    """Resolve the model, load its tokenizer, encode the shared validation rows."""
    from engine import tasks
    from engine.language import vocabulary_fit
    from engine.models import describe_model, model_max_length, resolve_model
    from engine.tasks.base import TaskData

    t0 = time.perf_counter()
    task = tasks.get(TEXT_TASK)
    source = resolve_model(
        spec, allow_pickle=base.allow_pickle, trust_remote_code=base.trust_remote_code
    )
    processor = task.load_processor(source, base)
    info = describe_model(source)
    max_length = min(TRIAL_MAX_LENGTH, model_max_length(processor, info))
    config = base.replace(model=spec, max_length=max_length)
    train_text = _subset(data.train, MAX_TRAIN_ROWS, base.seed)
    val = _subset(data.validation, val_rows, base.seed)
    t1 = time.perf_counter()
    _, val_ds = task.encode(
        TaskData(train=val.select(range(1)), validation=val, labels=data.labels, source=""),
        processor,
        config,
    )
    encode_seconds = (time.perf_counter() - t1) / max(1, val.num_rows)
    fit = vocabulary_fit(processor, train_text["text"][:LANGUAGE_SAMPLE], language=language)
    return _ModelSetup(
        spec, source, processor, config, data.labels, train_text, val_ds,
        time.perf_counter() - t0, encode_seconds, fit,
    )  # fmt: skip


def _trainer_callback(deadline: float, stop: threading.Event) -> Any:
    """A ``TrainerCallback`` that ends a trial at its deadline or when ``stop`` is set,
    whatever the planned steps said."""
    from transformers import TrainerCallback

    class Deadline(TrainerCallback):
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            if stop.is_set() or time.monotonic() >= deadline:
                control.should_training_stop = True
            return control

    return Deadline()


def _trial(
    setup: _ModelSetup,
    strategy: str,
    *,
    share: float,
    clock: _Clock,
    reserve: float,
    stop: threading.Event,
    full_train_rows: int,
    full_val_rows: int,
    first: bool,
    device: str,
) -> CandidateResult:
    """Build, time, train and score one candidate within ``share`` seconds."""
    import numpy as np
    from transformers import TrainingArguments, set_seed

    from engine import estimate, tasks
    from engine.metrics import quick_metrics
    from engine.trainer import HeadRateTrainer
    from engine.training import apply_run_strategy, cadence

    t0 = time.monotonic()
    left = clock.left() - reserve
    config = setup.config.replace(strategy=strategy)
    at_least = setup.min_cost(config.parsed_strategy)
    if at_least is not None and left < at_least:
        return CandidateResult(
            setup.spec, strategy, None, None, 0.0, None, unknown_share=setup.fit.unknown_share,
            fits_language=setup.fit.fits,
            skipped=f"does not fit in the budget: a trial of it takes at least "
            f"{at_least:.0f} s, {max(0.0, left):.0f} s were left",
        )  # fmt: skip
    task = tasks.get(TEXT_TASK)
    set_seed(config.seed)
    model = setup.model_copy()
    config = config.with_resolved_recipe()  # as the run trains: frozen table, head rate
    apply_run_strategy(task, model, config)
    build_seconds = time.monotonic() - t0

    collate = task.collator(setup.processor, device)
    batches = estimate.sample_batches(
        setup.train_rows(2 * config.batch_size), config.batch_size, count=2,
        group_by_length=False, seed=config.seed,
    )  # fmt: skip
    saved = {k: v.detach().clone() for k, v in model.state_dict().items()}
    step_seconds = estimate.measure_step_seconds(
        model, batches, collate=collate, device=device, precision="fp32",
        learning_rate=config.resolved_learning_rate(), steps=TIMED_STEPS, warmup=1, stop=stop,
    )  # fmt: skip
    model.load_state_dict(saved)  # the timing steps must not count as training
    del saved
    # the shortest and the longest of the validation rows (sorted by length), as the run's
    # estimate does: one batch of typical rows would miss the long ones
    per_row = estimate.measure_eval_seconds_per_row(
        model, estimate.evaluation_batches(setup.val_ds, config.batch_size, count=2),
        collate=collate, device=device, stop=stop,
    )  # fmt: skip
    base = dict(model=setup.spec, strategy=strategy, unknown_share=setup.fit.unknown_share,
                fits_language=setup.fit.fits)  # fmt: skip
    if step_seconds is None or per_row is None:
        return CandidateResult(
            **base, accuracy=None, macro_f1=None, seconds=time.monotonic() - t0,
            full_run_seconds=None, skipped="stopped",
        )  # fmt: skip

    with tempfile.TemporaryDirectory(prefix="strop-compare-") as folder:
        checkpoint_seconds = estimate.measure_checkpoint_seconds(model, folder)
    full_plan = cadence(full_train_rows, config)
    full = estimate.estimate_run_seconds(
        step_seconds, full_plan, eval_rows=full_val_rows, eval_seconds_per_row=per_row,
        startup_seconds=setup.setup_seconds + build_seconds, checkpoint_seconds=checkpoint_seconds,
    ).total  # fmt: skip

    score_seconds = per_row * setup.val_ds.num_rows
    spent = time.monotonic() - t0
    available = share - spent - score_seconds
    max_steps = max(1, math.ceil(config.epochs * setup.train_text.num_rows / config.batch_size))
    per_step = step_seconds + config.batch_size * setup.encode_seconds  # rows are encoded first
    steps = min(max_steps, int(available / per_step)) if available > 0 else 0
    needed = spent + MIN_TRIAL_STEPS * per_step + score_seconds
    rank = _train_rank(config.parsed_strategy)
    setup.costs[rank] = min(setup.costs.get(rank, needed), needed)
    if steps < MIN_TRIAL_STEPS:
        if clock.left() - reserve >= needed - spent:
            steps = MIN_TRIAL_STEPS  # take it from what is left; later candidates may skip
        elif first:
            minimum = clock.elapsed() + (needed - spent) + reserve
            raise ConfigError(
                f"A budget of {clock.deadline - clock.start:.0f} s is too small for even one "
                f"trial here: the shortest ({setup.spec}, {strategy}) needs about "
                f"{math.ceil(minimum)} s.",
                hint=f"Give --budget {math.ceil(minimum * 1.2)} or more.",
            )
        else:
            return CandidateResult(
                **base, accuracy=None, macro_f1=None, seconds=time.monotonic() - t0,
                full_run_seconds=full,
                skipped=f"does not fit in the budget: needs about {needed:.0f} s, "
                f"{max(0.0, clock.left() - reserve):.0f} s were left",
            )  # fmt: skip

    rows = min(setup.train_text.num_rows, steps * config.batch_size)
    train_ds = setup.train_rows(rows)
    spent = time.monotonic() - t0
    deadline = min(
        clock.deadline - reserve - score_seconds,
        t0 + max(share - score_seconds, spent + steps * step_seconds),
    )
    with tempfile.TemporaryDirectory(prefix="strop-compare-") as folder:
        args = TrainingArguments(
            output_dir=folder,
            max_steps=steps,
            per_device_train_batch_size=config.batch_size,
            per_device_eval_batch_size=64,
            learning_rate=config.resolved_learning_rate(),
            warmup_steps=int(round(config.warmup_ratio * steps)),
            weight_decay=config.weight_decay,
            lr_scheduler_type="linear",
            optim="adamw_torch_fused" if device in ("cpu", "cuda") else "adamw_torch",
            seed=config.seed,
            data_seed=config.seed,
            use_cpu=device == "cpu",
            eval_strategy="no",
            save_strategy="no",
            logging_strategy="no",
            report_to="none",
            disable_tqdm=True,
            dataloader_num_workers=0,
            remove_unused_columns=True,
        )
        trainer = HeadRateTrainer(
            model=model,
            args=args,
            train_dataset=train_ds,
            processing_class=setup.processor,
            data_collator=collate,
            callbacks=[_trainer_callback(deadline, stop)],
        )
        trainer.head_lr_multiplier = config.resolved_head_learning_rate_factor()
        from transformers.trainer_callback import PrinterCallback, ProgressCallback

        trainer.remove_callback(PrinterCallback)
        trainer.remove_callback(ProgressCallback)
        trainer.train()
        done_steps = int(trainer.state.global_step)
        rows = min(rows, done_steps * config.batch_size)  # stopped at its deadline: fewer
        if stop.is_set():
            return CandidateResult(
                **base, accuracy=None, macro_f1=None, seconds=time.monotonic() - t0,
                full_run_seconds=full, train_rows=rows, steps=done_steps, skipped="stopped",
            )  # fmt: skip
        output = trainer.predict(setup.val_ds)
    logits = output.predictions[0] if isinstance(output.predictions, tuple) else output.predictions
    labels = np.asarray(output.label_ids)
    figures = quick_metrics(labels.tolist(), np.argmax(logits, axis=-1).tolist(), len(setup.labels))
    return CandidateResult(
        **base, accuracy=figures["accuracy"], macro_f1=figures["macro_f1"],
        seconds=time.monotonic() - t0, full_run_seconds=full, train_rows=rows, steps=done_steps,
    )  # fmt: skip


def _baseline(train: Any, val: Any, rows: int, seed: int, full_train_rows: int) -> CandidateResult:
    """The yardstick on the largest trial's training rows and the shared validation rows;
    its full-run time is its fit time scaled to all the training rows (linear in rows)."""
    from engine.baseline import fit_baseline

    sample = _subset(train, rows, seed)
    result = fit_baseline(
        sample["text"], sample["label"], val["text"], val["label"],
        n_classes=None, seed=seed,
    )  # fmt: skip
    scale = full_train_rows / max(1, sample.num_rows)
    return CandidateResult(
        model=BASELINE, strategy=None, accuracy=result.accuracy, macro_f1=result.macro_f1,
        seconds=result.seconds, full_run_seconds=result.seconds * scale,
        train_rows=sample.num_rows,
    )  # fmt: skip


def compare(
    data: str,
    *,
    validation: str | None = None,
    models: Sequence[str] | None = None,
    strategies: Sequence[str] | str = DEFAULT_STRATEGIES,
    budget: float = DEFAULT_BUDGET,
    on_result: Callable[[CandidateResult], None] | None = None,
    stop: threading.Event | None = None,
    text_column: str | None = None,
    label_column: str | None = None,
    device: str = "cpu",
    seed: int = 42,
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
) -> CompareResult:
    """Try every model x strategy briefly on ``data`` within ``budget`` seconds, plus the
    baseline, and recommend one. Each candidate's line reaches ``on_result`` as soon as it
    is measured (the baseline last); setting ``stop`` ends the comparison after the current
    step with what was measured so far.

    Bad input raises before anything is trained: ``ConfigError`` for a budget under
    ``MIN_BUDGET`` (or too small for the first trial), a bad strategy, or data of another
    task; ``ModelLoadError`` naming the models not on this computer; ``DatasetError``.
    """
    from engine.config import TrainConfig
    from engine.data import prepare_data
    from engine.language import detect_language
    from engine.models import quiet_transformers

    stop = stop or threading.Event()
    if budget < MIN_BUDGET:
        raise ConfigError(
            f"A budget of {budget:g} s is too small for even one trial (the minimum is "
            f"{MIN_BUDGET:g} s, and a real model needs more).",
            hint="Give --budget 60 or more; 300 (the default) tries a few candidates.",
        )
    strategy_list = parse_strategies(strategies)
    if models is not None:
        models = list(dict.fromkeys(m.strip() for m in models if m.strip()))
        if not models:
            raise ConfigError("No model to compare.", hint="Give --models starter,OTHER.")
        check_models(models, allow_pickle=allow_pickle)
    _check_task(data)
    quiet_transformers()
    clock = _Clock(budget)
    base = TrainConfig(
        data=data, validation=validation, text_column=text_column, label_column=label_column,
        seed=seed, device=device, precision="fp32", allow_pickle=allow_pickle,
        trust_remote_code=trust_remote_code, task=TEXT_TASK,
    ).validate()  # fmt: skip
    prepared = prepare_data(
        data, validation=validation, text_column=text_column, label_column=label_column,
        validation_split=base.validation_split, seed=seed,
    )  # fmt: skip
    from engine.tasks.base import TaskData

    task_data = TaskData(
        train=prepared.train, validation=prepared.validation, labels=prepared.labels,
        source=prepared.source, extra=prepared,
    )  # fmt: skip
    sample_texts = prepared.train["text"][:LANGUAGE_SAMPLE]
    language = detect_language(sample_texts)
    notes: list[str] = []
    if models is None:
        models = default_models(sample_texts, language, allow_pickle=allow_pickle)
        notes.append(
            "models: the starter plus every model on this computer whose vocabulary fits "
            f"the data's language ({language}): {', '.join(models)}"
        )
    val_rows = min(MAX_VALIDATION_ROWS, prepared.validation.num_rows)
    reserve = max(BASELINE_MIN_SECONDS, BASELINE_SHARE * budget)
    results: list[CandidateResult] = []

    def emit(result: CandidateResult) -> None:
        results.append(result)
        if on_result is not None:
            on_result(result)

    total = len(models) * len(strategy_list)
    done = 0
    for spec in models:
        if stop.is_set():
            break
        setup: _ModelSetup | None = None
        for strategy in strategy_list:
            if stop.is_set():
                break
            left = clock.left() - reserve
            share = left / (total - done)
            done += 1
            if left <= 0:
                emit(CandidateResult(
                    spec, strategy, None, None, 0.0, None,
                    skipped="does not fit in the budget: no time was left",
                ))  # fmt: skip
                continue
            if setup is None:
                setup = _setup_model(spec, task_data, val_rows, base, language)
            emit(
                _trial(
                    setup, strategy, share=share, clock=clock, reserve=reserve, stop=stop,
                    full_train_rows=prepared.train.num_rows,
                    full_val_rows=prepared.validation.num_rows, first=not results,
                    device=device,
                )
            )  # fmt: skip
    stopped = stop.is_set()
    if not stopped:
        rows = max((c.train_rows for c in results), default=0) or min(
            MAX_TRAIN_ROWS, prepared.train.num_rows
        )
        val = _subset(prepared.validation, val_rows, seed)
        emit(_baseline(prepared.train, val, rows, seed, prepared.train.num_rows))
    return CompareResult(
        candidates=results, recommended=recommend(results), language=language, budget=budget,
        elapsed=clock.elapsed(), stopped=stopped, validation_rows=val_rows, notes=notes,
    )  # fmt: skip


# ----- is this model right for this data's language? ------------------------------------
@dataclass
class LanguageCheck:
    """What Start (and ``train``) say before a run: the data's language, how the model's
    vocabulary fits it, the baseline's score on this data (``None`` when not computed), and
    catalogue models for the language (rows of ``engine.catalogue.list_models``)."""

    language: str
    fit: Any  # engine.language.VocabFit
    baseline: CandidateResult | None
    suggestions: list[dict[str, Any]]

    @property
    def mismatch(self) -> bool:
        return not self.fit.fits

    def warning(self) -> str:
        """The warning the CLI prints (English; the window has its own translated words)."""
        lines = [f"Warning: {self.fit.reason}"]
        if self.baseline is not None and self.baseline.macro_f1 is not None:
            lines.append(
                f"  A TF-IDF baseline reaches accuracy {self.baseline.accuracy:.3f}, macro F1 "
                f"{self.baseline.macro_f1:.3f} on this data in {self.baseline.seconds:.1f} s."
            )
        if self.suggestions:
            names = ", ".join(
                f"{row['id']} ({row['download_mb']} MB"
                + (", on this computer)" if row["on_this_computer"] else ")")
                for row in self.suggestions[:4]
            )
            lines.append(f"  Models for {self.language!r}: {names}.")
        lines.append("  Training goes on; python main.py compare --data ... measures the choices.")
        return "\n".join(lines)


def detect_data_language(data: str, text_column: str | None = None) -> str:
    """The ISO 639-1 code of a data file's texts, from its first ``LANGUAGE_SAMPLE`` rows
    (the text column detected unless given). Cheap enough to run whenever data changes."""
    from engine.data import detect_columns, load_table
    from engine.language import detect_language

    table = load_table(data)
    column = text_column or detect_columns(table, source=str(data)).text
    rows = table.select(range(min(LANGUAGE_SAMPLE, table.num_rows)))
    return detect_language(rows[column])


def language_suggestions(language: str) -> list[dict[str, Any]]:
    """Catalogue models that read ``language``: those for it first, then multilingual ones."""
    from engine.catalogue import list_models

    return [row for row in list_models(language) if row["reads_language"]]


def check_language(
    data: str,
    model: str,
    *,
    validation: str | None = None,
    text_column: str | None = None,
    label_column: str | None = None,
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
    with_baseline: bool = True,
    seed: int = 42,
) -> LanguageCheck:
    """Detect the data's language and measure how ``model``'s vocabulary fits it; when it
    does not fit (and ``with_baseline``), fit the baseline on up to ``CHECK_BASELINE_ROWS``
    training rows, so the person sees what a 2-second model reaches on the same data."""
    from engine.data import prepare_data
    from engine.language import detect_language, vocabulary_fit
    from engine.models import load_tokenizer, resolve_model

    prepared = prepare_data(
        data, validation=validation, text_column=text_column, label_column=label_column,
        seed=seed,
    )  # fmt: skip
    # a sample, each text cut where no model reads further: a 50 MB text costs nothing
    texts = [t[:2000] for t in prepared.train["text"][:LANGUAGE_SAMPLE]]
    language = detect_language(texts)
    source = resolve_model(model, allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
    fit = vocabulary_fit(
        load_tokenizer(source, trust_remote_code=trust_remote_code), texts, language=language
    )
    baseline = None
    if with_baseline and not fit.fits:
        val = _subset(prepared.validation, MAX_VALIDATION_ROWS * 4, seed)
        baseline = _baseline(
            prepared.train, val, CHECK_BASELINE_ROWS, seed, prepared.train.num_rows
        )
    return LanguageCheck(language, fit, baseline, language_suggestions(language))
