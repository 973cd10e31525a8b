"""``train()``: one fine-tuning run on ``transformers.Trainer``, reporting through events.

The function is plain and blocking: the CLI calls it directly, the window calls it in a
worker thread, tests call it with a ``Recorder``. It stops gracefully when ``stop`` is set
(finishing the current step and writing a checkpoint), stops with a message on a
non-finite loss or out of memory, and resumes a run from its last complete checkpoint.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import checkpoint as ckpt
from engine import distributed as dist
from engine import runs
from engine.config import EVAL_SAMPLE_ROWS, TrainConfig
from engine.device import resolve_device, resolve_precision
from engine.distributed import is_main_process, world_size
from engine.errors import OutOfMemoryError, StropError, TrainingError
from engine.events import (
    BaselineScored,
    EventSink,
    PhaseChanged,
    PowerChecked,
    ReportReady,
    RunFailed,
    RunFinished,
    RunStarted,
    RunState,
    RunStopped,
    ignore,
)
from engine.tasks import Prepared, Task
from engine.tasks.base import FinalEvaluation

MODEL_META = "strop.json"
log = logging.getLogger(__name__)


@dataclass
class RunResult:
    """How a run ended."""

    state: RunState
    run_dir: Path
    model_dir: Path | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    checkpoint: Path | None = None


class _Cancelled(Exception):
    """Stop was requested before training began."""


# --------------------------------------------------------------------------------------
# Choices made from the data
# --------------------------------------------------------------------------------------
def cadence(num_train: int, config: TrainConfig, world: int = 1) -> dict[str, int]:
    """Steps per epoch, total steps, and logging / evaluation / save intervals."""
    per_step = config.batch_size * config.gradient_accumulation * world
    steps_per_epoch = max(1, math.ceil(num_train / per_step))
    total = config.max_steps or max(1, math.ceil(steps_per_epoch * config.epochs))
    logging_steps = config.logging_steps or max(1, min(50, total // 100))
    # Once per epoch, but at least four times a run and at most every 500 steps.
    eval_steps = config.eval_steps or min(steps_per_epoch, max(1, math.ceil(total / 4)), 500)
    save_steps = config.save_steps or eval_steps
    if save_steps % eval_steps:  # keeping the best checkpoint needs saves on evaluation steps
        save_steps = max(eval_steps, (save_steps // eval_steps) * eval_steps)
    return {
        "steps_per_epoch": steps_per_epoch,
        "total_steps": total,
        "logging_steps": logging_steps,
        "eval_steps": eval_steps,
        "save_steps": save_steps,
        "effective_batch_size": per_step,
    }


#: The most epochs ``with_data_epochs`` raises a default run to (a 100-row dataset would
#: otherwise read every row 20 times to make its updates).
MAX_DATA_EPOCHS = 10.0


def with_data_epochs(
    config: TrainConfig, task: Task, num_train: int, world: int = 1
) -> TrainConfig:
    """``config`` with more epochs when the data is too small for the default ones to make
    the task's ``minimum_updates``: only when epochs, the learning rate and the number of
    steps are all left as they are (the shared default epochs count as left, as the
    image task's size rule reads them), at most ``MAX_DATA_EPOCHS``. The automatic recipe
    (learning rate, head factor) is tuned for enough updates; a chosen setting is kept."""
    minimum = getattr(task, "minimum_updates", 0)
    left = config.epochs == TrainConfig.epochs and config.learning_rate is None
    if not minimum or not left or config.max_steps is not None:
        return config
    per_epoch = cadence(num_train, config, world)["steps_per_epoch"]
    if per_epoch * config.epochs >= minimum:
        return config
    # the fewest thousandths of an epoch that make ``minimum`` updates, not one more
    # (``cadence`` and Trainer round ``steps_per_epoch * epochs`` up)
    epochs = min(MAX_DATA_EPOCHS, math.ceil(1000 * (minimum - 0.5) / per_epoch) / 1000)
    return config.replace(epochs=epochs)


def apply_run_strategy(task: Task, model: Any, config: TrainConfig) -> tuple[int, int]:
    """Freeze what the run does not train: the task's strategy, and under ``full`` the
    word-embedding table where the task leaves it frozen (``freezes_word_embeddings``)
    unless ``train_word_embeddings`` is set (``config`` is the resolved one: a chosen
    learning rate sets it, see ``TrainConfig.resolved_train_word_embeddings``). The table is about half of a small text
    model's weights; updating it made each step about a quarter slower for no measurable
    accuracy (bench/RESULTS.md section 10). Returns (trainable, total) parameters."""
    trainable, total = task.apply_strategy(model, config.parsed_strategy)
    freeze = getattr(task, "freezes_word_embeddings", False) and not config.train_word_embeddings
    if freeze and config.parsed_strategy.kind == "full":
        table = model.get_input_embeddings().weight
        if table.requires_grad:
            table.requires_grad_(False)
            trainable -= table.numel()
    return trainable, total


def evaluation_sample(validation: Any, seed: int, rows: int = EVAL_SAMPLE_ROWS) -> Any:
    """The validation rows (with one class per row in ``labels``) the evaluations during training read: all of them up to
    ``rows``, else a stratified sample of ``rows`` drawn once with the run's seed (the same
    rows at every evaluation, so the scores that pick the best checkpoint are comparable).
    The kept model is then scored on the whole validation set.

    The sample keeps the set's order (text validation sets are sorted by length)."""
    if len(validation) <= rows:
        return validation
    from engine.data import stratified_split

    _, keep = stratified_split(list(validation["labels"]), rows / len(validation), seed)
    return validation.select(sorted(keep)[:rows])


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------
def resolve_task(config: TrainConfig) -> TrainConfig:
    """The config with its task named (as given, else detected from the data) and the task's
    own defaults for the settings left to "auto"."""
    from engine import tasks

    task = tasks.get(config.task) if config.task else tasks.detect(config.data)
    return task.resolve_defaults(config.replace(task=task.name))


def prepare_run(config: TrainConfig, emit: EventSink = ignore) -> Prepared:
    """Load data and model metadata and compute the report; nothing is written."""
    from engine import tasks
    from engine.models import describe_model, resolve_model

    task = tasks.get(config.task) if config.task else tasks.detect(config.data)
    emit(PhaseChanged("data", f"Loading {config.data}"))
    data = task.load_data(config)
    emit(PhaseChanged("model", f"Loading model {config.model}"))
    source = resolve_model(
        config.model if config.model != "starter" else task.starter_model,
        allow_pickle=config.allow_pickle,
        trust_remote_code=config.trust_remote_code,
    )
    processor = task.load_processor(source, config)
    info = describe_model(source)
    emit(PhaseChanged("report", "Measuring the data"))
    report = task.report(data, processor, config, info)
    emit(
        ReportReady(
            report=report.to_dict(), model=dataclasses.asdict(info), text=report.format_text()
        )
    )
    return Prepared(data=data, source=source, processor=processor, info=info, report=report)


@dataclass
class RunContext:
    """One run's settings, data, model source, folder and plumbing, resolved once."""

    config: TrainConfig
    task: Task
    prepared: Prepared
    run_dir: Path
    device: str
    precision: str
    emit: EventSink
    stop: threading.Event
    metrics_log: runs.MetricsLog | None
    resume_from: Path | None
    history: list[dict[str, Any]]

    @property
    def main(self) -> bool:
        return is_main_process()


def train(
    config: TrainConfig,
    emit: EventSink = ignore,
    stop: threading.Event | None = None,
    *,
    resume: bool = False,
) -> RunResult:
    """Run (or resume) one fine-tuning run. Blocks until it finishes, stops or fails.

    Bad input raises a ``StropError`` before anything is written. A failure during training
    emits ``RunFailed``, marks the run failed on disk, keeps its checkpoints, and raises.
    """
    stop = stop or threading.Event()
    if not resume:  # a resumed run takes its settings from the run folder (`--output` alone)
        config = resolve_task(config.validate())
    run_dir: Path
    history: list[dict[str, Any]] = []
    if resume:
        if not config.output:
            from engine.errors import RunFolderError

            raise RunFolderError(
                "Resuming needs the run folder.", hint="Pass --output RUN_FOLDER with --resume."
            )
        run_dir = Path(config.output).expanduser()
        resume_from = runs.check_resumable(run_dir)
        saved = TrainConfig.load(run_dir / runs.CONFIG)
        config = resolve_task(saved.replace(output=str(run_dir)).validate())
    else:
        run_dir = (
            Path(config.output).expanduser() if config.output else runs.new_run_dir(config.data)
        )
        runs.check_new_output(run_dir)
        resume_from = None

    if dist.is_distributed():
        # Join the launcher's process group now: no rank can pass this point before every
        # rank has made its checks above, so rank 0's writes below cannot trip them.
        if not dist.init_process_group(resolve_device(config.device)):
            from engine.errors import ConfigError

            raise ConfigError(
                f"Several processes ({world_size()}) need CUDA GPUs or the CPU; "
                f"device {config.device!r} cannot join them.",
                hint="Use --device cuda or --device cpu, or run one process.",
            )
        # Every rank uses rank 0's run folder (a new folder's name holds the time) and
        # resumes from the same checkpoint.
        run_dir, resume_from = dist.broadcast_from_main((run_dir, resume_from))

    with dist.main_process_first():  # one rank fills the datasets cache, the others read it
        prepared = prepare_run(config, emit)
    if dist.any_rank(stop.is_set()):
        emit(
            RunStopped(
                run_dir=str(run_dir),
                step=0,
                checkpoint=str(resume_from) if resume_from else None,
                model_dir=None,
            )
        )
        return RunResult(RunState.STOPPED, run_dir, checkpoint=resume_from)
    device = resolve_device(config.device)
    precision = resolve_precision(config.precision, device)
    # a resumed run's saved config is resolved already (and names its learning rate, which
    # would otherwise read as the person's choice and train the word embeddings)
    from engine import tasks

    task = tasks.get(config.task)
    data = prepared.data
    if resume_from is None:  # a resumed run's saved config is resolved already
        config = with_data_epochs(config, task, data.num_train, world_size())
    resolved = (config if resume_from is not None else config.with_resolved_recipe()).replace(
        max_length=prepared.report.max_length
    )

    main = is_main_process()
    metrics_log = runs.MetricsLog(run_dir) if main else None
    if main:
        run_dir.mkdir(parents=True, exist_ok=True)
        ckpt.clean_staging(run_dir)
        if resume_from is not None:
            history = metrics_log.truncate_after(ckpt.checkpoint_step(resume_from) or 0)  # type: ignore[union-attr]
        else:
            # absolute paths: `suspects`, resume and export find the data from any folder
            resolved.with_absolute_paths().save(run_dir / runs.CONFIG)
            runs.write_json(
                run_dir / runs.LABELS,
                {"task": task.name, "labels": list(data.labels.labels), **data.columns},
            )
            runs.write_json(run_dir / runs.REPORT, prepared.report.to_dict())
        runs.write_status(
            run_dir,
            RunState.PREPARING,
            started=time.time()
            if resume_from is None
            else runs.read_status(run_dir).get("started", time.time()),
        )

    try:
        context = RunContext(
            config=resolved, task=task, prepared=prepared, run_dir=run_dir, device=device,
            precision=precision, emit=emit, stop=stop, metrics_log=metrics_log,
            resume_from=resume_from, history=history,
        )  # fmt: skip
        with _awake(config, emit, main):
            return _run(context)
    except _Cancelled:
        if main:
            runs.write_status(run_dir, RunState.STOPPED, ended=time.time())
        emit(RunStopped(run_dir=str(run_dir), step=0, checkpoint=None, model_dir=None))
        return RunResult(RunState.STOPPED, run_dir)
    except BaseException as exc:  # noqa: BLE001 - every failure is reported, then re-raised
        error = _as_strop_error(exc, resolved)
        if main:
            runs.write_status(run_dir, RunState.FAILED, ended=time.time(), error=str(error))
        emit(
            RunFailed(
                reason=error.message,
                error_type=type(error).__name__,
                hint=error.hint,
                run_dir=str(run_dir),
            )
        )
        if error is exc:
            raise
        raise error from exc


@contextlib.contextmanager
def _awake(config: TrainConfig, emit: EventSink, main: bool) -> Iterator[None]:
    """Keep the computer from sleeping while the run trains (released however it ends), and
    say whether that worked and whether the computer runs on battery."""
    if not main:
        yield
        return
    from engine.power import keep_awake, on_battery

    with keep_awake(f"Strop is training a model on {Path(config.data).name}") as status:
        emit(
            PowerChecked(
                awake=status.active,
                method=status.method,
                detail=status.detail,
                on_battery=on_battery(),
            )
        )
        yield


def _as_strop_error(exc: BaseException, config: TrainConfig) -> StropError:
    if isinstance(exc, StropError):
        return exc
    if isinstance(exc, KeyboardInterrupt):
        return TrainingError(
            "Training was interrupted.", hint="Resume the run from its last checkpoint."
        )
    text = str(exc)
    oom = (
        isinstance(exc, MemoryError)
        or type(exc).__name__ == "OutOfMemoryError"
        or "out of memory" in text.lower()
        or "can't allocate memory" in text.lower()
    )
    if oom:
        return OutOfMemoryError(
            "The device ran out of memory.",
            hint=(
                f"Lower the batch size (now {config.batch_size}; try {max(1, config.batch_size // 2)} with gradient "
                f"accumulation {config.gradient_accumulation * 2} to keep the same effective batch), lower the max length "
                f"(now {config.max_length}), or use bf16/fp16 precision. The last checkpoint is kept: resume after changing them."
            ),
        )
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return TrainingError(
        f"Training failed: {type(exc).__name__}: {first}",
        hint="Run with --debug for the full traceback.",
    )


def _run(ctx: RunContext) -> RunResult:
    from transformers import EarlyStoppingCallback, TrainingArguments
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    from engine.callbacks import (
        EventReporter,
        NonFiniteLossGuard,
        StopSwitch,
        stop_requested_anywhere,
    )
    from engine.models import quiet_transformers
    from engine.trainer import StropTrainer

    quiet_transformers()
    config, task, data, emit = ctx.config, ctx.task, ctx.prepared.data, ctx.emit
    run_dir, device, precision, main = ctx.run_dir, ctx.device, ctx.precision, ctx.main

    emit(PhaseChanged("tokenize", "Preparing the examples"))
    with dist.main_process_first():  # one rank fills the datasets cache, the others read it
        train_ds, val_ds = task.encode(data, ctx.prepared.processor, config)
    if stop_requested_anywhere(ctx.stop):
        raise _Cancelled
    emit(PhaseChanged("build", "Building the model"))
    # A new head is drawn from the global RNG: seed it, or two runs with the same seed start
    # from different heads (Trainer seeds only later, in its __init__).
    from transformers import set_seed

    set_seed(config.seed)
    model = task.build_model(ctx.prepared.source, data.labels, config)
    trainable, total = apply_run_strategy(task, model, config)
    if stop_requested_anywhere(ctx.stop):
        raise _Cancelled

    plan = cadence(len(train_ds), config, world_size())
    # a task whose evaluation reads every row together (token windows merged back into
    # sentences) evaluates on all of them
    sampled = getattr(task, "sampled_evaluations", False)
    eval_ds = evaluation_sample(val_ds, config.seed) if sampled else val_ds
    on_gpu = device == "cuda"
    group = config.group_by_length and task.has_lengths
    args = TrainingArguments(
        output_dir=str(run_dir),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps or -1,
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=max(config.batch_size, 64),
        gradient_accumulation_steps=config.gradient_accumulation,
        learning_rate=config.resolved_learning_rate(),
        warmup_steps=int(round(config.warmup_ratio * plan["total_steps"])),
        weight_decay=config.weight_decay,
        lr_scheduler_type="linear",
        optim="adamw_torch_fused" if device in ("cpu", "cuda") else "adamw_torch",
        seed=config.seed,
        data_seed=config.seed,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        use_cpu=device == "cpu",
        train_sampling_strategy="group_by_length" if group else "random",
        length_column_name="length",
        logging_strategy="steps",
        logging_nan_inf_filter=False,  # a non-finite loss must reach the NaN guard
        logging_steps=plan["logging_steps"],
        eval_strategy="steps",
        eval_steps=plan["eval_steps"],
        save_strategy="steps",
        save_steps=plan["save_steps"],
        save_total_limit=config.save_total_limit,
        load_best_model_at_end=True,
        metric_for_best_model=task.main_metric,
        greater_is_better=True,
        # early stopping's count of evaluations without progress survives a resume
        restore_callback_states_from_checkpoint=True,
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=config.dataloader_workers,
        # spawned, not forked, where the task asks (images): safe under the window's QThread
        # and in the frozen app; text runs keep the platform's default
        dataloader_multiprocessing_context=(
            "spawn"
            if config.dataloader_workers > 0 and getattr(task, "spawn_workers", False)
            else None
        ),
        dataloader_pin_memory=on_gpu,
        remove_unused_columns=task.has_lengths,
        ddp_find_unused_parameters=False,
    )
    reporter = EventReporter(emit, ctx.metrics_log, plan["effective_batch_size"], task.main_metric)
    guard, switch = NonFiniteLossGuard(), StopSwitch(ctx.stop)
    callbacks: list[Any] = [reporter, guard, switch]
    if config.early_stopping_patience > 0:
        callbacks.append(
            EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience)
        )
    trainer = StropTrainer(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        processing_class=ctx.prepared.processor,
        data_collator=task.collator(ctx.prepared.processor, device),
        compute_metrics=task.eval_metrics(data.labels),
        callbacks=callbacks,
    )
    trainer.head_lr_multiplier = config.resolved_head_learning_rate_factor()
    trainer.remove_callback(PrinterCallback)  # we report through events
    trainer.remove_callback(ProgressCallback)
    trainer.strop_checkpoint_files = {  # type: ignore[attr-defined]
        "strop_config.json": config.to_json(),
        "strop_labels.json": json.dumps(
            {"task": task.name, "labels": list(data.labels.labels)}, ensure_ascii=False
        ),
    }

    # The yardstick, fitted in seconds on the same split before the fine-tune starts: the
    # results then say whether fine-tuning beat it.
    baseline = None
    if main:
        emit(PhaseChanged("baseline", "Fitting the baseline"))
        try:
            baseline = task.baseline(data, config.seed)
        except Exception as exc:  # noqa: BLE001 - a yardstick that fails never fails the run
            log.warning("baseline failed: %s", exc)
        if baseline is not None:
            emit(BaselineScored(**{k: baseline[k] for k in ("accuracy", "macro_f1", "seconds")}))
    resumed_step = ckpt.checkpoint_step(ctx.resume_from) if ctx.resume_from else 0
    emit(
        RunStarted(
            run_dir=str(run_dir),
            total_steps=int(plan["total_steps"]),
            num_train=int(len(train_ds)),
            num_validation=int(len(val_ds)),
            labels=tuple(data.labels.labels),
            device=device,
            precision=precision,
            effective_batch_size=int(plan["effective_batch_size"]),
            resumed_from_step=int(resumed_step or 0),
            history=tuple(ctx.history),
            task=task.name,
        )
    )
    if main:
        runs.write_status(run_dir, RunState.RUNNING, device=device, precision=precision,
                          total_steps=plan["total_steps"], trainable_parameters=trainable, parameters=total,
                          effective_batch_size=plan["effective_batch_size"], processes=world_size(),
                          task=task.name, main_metric=task.main_metric)  # fmt: skip
    t_start = time.monotonic()
    trainer.train(resume_from_checkpoint=str(ctx.resume_from) if ctx.resume_from else None)
    train_seconds = (
        time.monotonic()
        - t_start
        + float(runs.read_status(run_dir).get("train_seconds", 0.0) if main else 0.0)
    )

    if guard.failure is not None:
        raise guard.failure

    step = int(trainer.state.global_step)
    model_dir = run_dir / runs.MODEL
    last = ckpt.last_checkpoint(run_dir)
    if switch.stopped:
        _save_model(trainer, ctx, model_dir)
        if main:
            runs.write_status(
                run_dir, RunState.STOPPED, ended=time.time(), step=step, train_seconds=train_seconds
            )
        emit(
            RunStopped(
                run_dir=str(run_dir),
                step=step,
                checkpoint=str(last) if last else None,
                model_dir=str(model_dir),
            )
        )
        return RunResult(RunState.STOPPED, run_dir, model_dir, checkpoint=last)

    emit(PhaseChanged("evaluate", "Evaluating the best model"))
    output = trainer.final_predictions(val_ds)
    metrics = task.final_metrics(output, data)
    metrics["task"] = task.name
    metrics["main_metric"] = task.main_metric
    metrics["score"] = float(metrics.get(task.main_metric, 0.0))
    metrics["eval_loss"] = float((output.metrics or {}).get("test_loss", float("nan")))
    metrics["step"] = step
    metrics["epoch"] = float(trainer.state.epoch or 0.0)
    metrics["best_checkpoint"] = trainer.state.best_model_checkpoint
    metrics["train_seconds"] = train_seconds
    metrics["device"] = device
    metrics["precision"] = precision
    if main:
        task.after_training(FinalEvaluation(output, data, val_ds, run_dir, metrics))
        if baseline is not None:
            metrics["baseline"] = baseline
    _save_model(trainer, ctx, model_dir, metrics=metrics)
    if main:
        runs.write_json(run_dir / runs.METRICS, metrics)
        runs.write_status(
            run_dir, RunState.FINISHED, ended=time.time(), step=step, train_seconds=train_seconds
        )
    emit(RunFinished(run_dir=str(run_dir), model_dir=str(model_dir), metrics=metrics))
    return RunResult(RunState.FINISHED, run_dir, model_dir, metrics, checkpoint=last)


def _save_model(
    trainer: Any, ctx: RunContext, model_dir: Path, metrics: dict[str, Any] | None = None
) -> None:
    """Write ``model/`` atomically: a folder ``from_pretrained`` loads as is."""
    import shutil

    temperature = float(((metrics or {}).get("calibration") or {}).get("temperature") or 1.0)
    if temperature != 1.0:
        # Calibration baked into the weights: the head's last layer divided by the
        # temperature gives logits / T, so every way of running the saved model (the window,
        # `predict`, transformers' pipeline, predict.py, ONNX) gives the calibrated
        # probabilities and the same labels.
        _scale_head(trainer.model, 1.0 / temperature, len(ctx.prepared.data.labels))
    staged = model_dir.parent / ckpt.STAGING / "model"
    if ctx.main:
        if staged.exists():
            shutil.rmtree(staged)
        staged.parent.mkdir(parents=True, exist_ok=True)
    trainer.save_model(str(staged))
    if not ctx.main:
        return
    ctx.prepared.processor.save_pretrained(str(staged))
    config, data, task = ctx.config, ctx.prepared.data, ctx.task
    meta = {
        "task": task.name,
        "labels": list(data.labels.labels),
        "base_model": config.model,
        "base_model_name": ctx.prepared.info.name,
        "strategy": config.strategy,
        "main_metric": task.main_metric,
        **task.model_meta(data, config),
    }
    if metrics:
        keep = ("accuracy", "macro_f1", task.main_metric)
        meta["metrics"] = {k: metrics[k] for k in keep if k in metrics}
        if temperature != 1.0:
            meta["temperature"] = temperature  # already applied to the head's weights
    (staged / MODEL_META).write_text(
        json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    ckpt.promote(staged, model_dir)
    ckpt.clean_staging(model_dir.parent)  # nothing is staged any more: leave no empty folder


def _scale_head(model: Any, factor: float, num_labels: int) -> None:
    """Multiply the classifier's last layer (the last linear layer with one output per
    label: ``classifier``, ``classifier.out_proj``...) by ``factor``."""
    import torch

    last = None
    for module in model.modules():
        if isinstance(module, torch.nn.Linear) and module.out_features == num_labels:
            last = module
    if last is None:
        return
    with torch.no_grad():
        last.weight.mul_(factor)
        if last.bias is not None:
            last.bias.mul_(factor)
