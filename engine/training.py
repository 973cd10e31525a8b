"""``train()``: one fine-tuning run on ``transformers.Trainer``, reporting through events.

The function is plain and blocking: the CLI calls it directly, the window calls it in a
worker thread, tests call it with a ``Recorder``. It stops gracefully when ``stop`` is set
(finishing the current step and writing a checkpoint), stops with a message on a
non-finite loss or out of memory, and resumes a run from its last complete checkpoint.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import checkpoint as ckpt
from engine import distributed as dist
from engine import runs
from engine.config import TrainConfig
from engine.data import LABEL, TEXT, PreparedData, clip_texts, prepare_data
from engine.device import resolve_device, resolve_precision
from engine.distributed import is_main_process, world_size
from engine.errors import (
    CheckpointError,
    OutOfMemoryError,
    StropError,
    TrainingError,
)
from engine.events import (
    CheckpointSaved,
    Evaluated,
    EventSink,
    PhaseChanged,
    ReportReady,
    RunFailed,
    RunFinished,
    RunStarted,
    RunState,
    RunStopped,
    StepLogged,
    ignore,
)
from engine.metrics import classification_metrics, quick_metrics
from engine.models import (
    apply_strategy,
    build_classifier,
    describe_model,
    load_tokenizer,
    model_max_length,
    resolve_model,
)
from engine.report import DatasetReport, compute_report

MODEL_META = "strop.json"


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
# Several processes (torchrun / accelerate launch): see engine/distributed.py
# --------------------------------------------------------------------------------------
def _stop_requested_anywhere(stop: threading.Event) -> bool:
    """Every rank must agree to stop at the same step, or the others would hang.

    Under several processes this is one all-reduce of a single integer, so every rank must
    call it at the same point (each step end, each evaluation, the checks before training).
    """
    return dist.any_rank(stop.is_set())


# --------------------------------------------------------------------------------------
# Trainer pieces
# --------------------------------------------------------------------------------------
_DIVERGED_HINT = (
    "Lower the learning rate (try half), or use fp32 precision. The last checkpoint is kept."
)


def _make_trainer_class() -> type:
    import torch
    from transformers import Trainer
    from transformers.trainer_pt_utils import LengthGroupedSampler
    from transformers.trainer_utils import rotate_checkpoints

    class EpochSeededSampler(torch.utils.data.Sampler):
        """Trainer's length-grouped sampler, shuffled by the seed and the epoch alone, its
        batches in random order.

        Left alone it draws its shuffle from the global RNG, whose state at the start of an
        epoch differs in a run resumed mid-epoch, so the resumed run would see other batches.
        And it sorts each quarter of the epoch from the longest texts to the shortest, so the
        steps before each evaluation all saw short texts (correlated updates; the accuracy
        measured after one epoch moved by less than the seed-to-seed noise, bench/RESULTS.md).
        Its batches are kept (little padding) and played in random order, the longest first
        (an out-of-memory error shows at once).
        """

        def __init__(self, inner: Any, seed: int, epoch: Any) -> None:
            self.inner, self.seed, self.epoch = inner, seed, epoch
            if not isinstance(inner.lengths, list):  # a datasets Column reads row by row
                inner.lengths = list(inner.lengths[:])

        def __len__(self) -> int:
            return len(self.inner)

        def __iter__(self) -> Any:
            generator = torch.Generator()
            generator.manual_seed(self.seed + 1_000_003 * math.floor(self.epoch() + 1e-6))
            self.inner.generator = generator
            order = list(self.inner)
            size = self.inner.batch_size
            batches = [order[i : i + size] for i in range(0, len(order), size)]
            # the first is the longest; a short last one stays last, so batches stay aligned
            middle = batches[1:-1] if len(batches[-1]) < size else batches[1:]
            shuffled = [middle[i] for i in torch.randperm(len(middle), generator=generator)]
            batches = batches[:1] + shuffled + batches[1 + len(middle) :]
            return iter([i for batch in batches for i in batch])

    class StropTrainer(Trainer):
        """``Trainer`` whose checkpoints appear atomically (staged, then one ``os.replace``)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # A sequence classifier's loss is already the mean over its batch and ignores
            # ``num_items_in_batch``. Left on (its forward takes **kwargs), Trainer would skip
            # the division by gradient accumulation and multiply by the number of processes:
            # the loss (train and eval) and the gradients would grow with both.
            self.model_accepts_loss_kwargs = False

        def _get_train_sampler(self, *args: Any, **kwargs: Any) -> Any:
            sampler = super()._get_train_sampler(*args, **kwargs)
            if isinstance(sampler, LengthGroupedSampler):
                seed = self.args.data_seed if self.args.data_seed is not None else self.args.seed
                return EpochSeededSampler(sampler, seed, lambda: float(self.state.epoch or 0.0))
            return sampler

        def _save_checkpoint(self, model: Any, trial: Any) -> None:  # noqa: D401
            run_dir = Path(self.args.output_dir)
            name = f"checkpoint-{self.state.global_step}"
            # The loss is logged every few steps; never save weights a diverged step has
            # poisoned since the last log (every rank agrees before any writes).
            loss = getattr(self, "_tr_loss", None)
            if dist.any_rank(loss is not None and not bool(torch.isfinite(loss).all())):
                raise TrainingError(
                    f"The training loss became nan or inf before step {self.state.global_step}: "
                    "training diverged.",
                    hint=_DIVERGED_HINT,
                )
            staging_root = run_dir / ckpt.STAGING
            staged, final = staging_root / name, run_dir / name
            main = self.args.should_save
            if main:
                if staged.exists():
                    import shutil

                    shutil.rmtree(staged)
                staging_root.mkdir(parents=True, exist_ok=True)
            # Under several processes every rank writes its own RNG state into the staged
            # folder: it must exist before they write, and be complete before it is promoted.
            dist.barrier()
            self._strop_staging = True
            original_get_output_dir = self._get_output_dir
            self._get_output_dir = lambda trial=None: str(staging_root)  # type: ignore[method-assign]
            try:
                super()._save_checkpoint(model, trial)
                best = self.state.best_model_checkpoint  # every rank loads the best at the end
                if best and Path(best).parent == staging_root:
                    self.state.best_model_checkpoint = str(run_dir / Path(best).name)
                dist.barrier()
                if main:
                    self.state.save_to_json(str(staged / ckpt.TRAINER_STATE))
                    extra = getattr(self, "strop_checkpoint_files", {})
                    for filename, text in extra.items():
                        (staged / filename).write_text(text, encoding="utf-8")
                    ckpt.promote(staged, final)
            except OSError as exc:
                last = ckpt.last_checkpoint(run_dir)
                kept = f" The previous checkpoint ({last.name}) is intact." if last else ""
                raise CheckpointError(
                    f"Could not write {name} in {run_dir}: {exc.strerror or exc}.{kept}",
                    hint="Free disk space or fix permissions, then resume the run.",
                ) from exc
            finally:
                del self._get_output_dir
                self._get_output_dir = original_get_output_dir  # type: ignore[method-assign]
            if main:
                rotate_checkpoints(
                    output_dir=str(run_dir),
                    save_total_limit=self.args.save_total_limit,
                    best_model_checkpoint=self.state.best_model_checkpoint,
                    use_mtime=False,
                )
            dist.barrier()  # no rank reads checkpoint-N before it is in place

    return StropTrainer


def _make_callback(
    emit: EventSink,
    stop: threading.Event,
    metrics_log: runs.MetricsLog | None,
    effective_batch: int,
    start_step: int,
) -> Any:
    from transformers import TrainerCallback

    class EventAdapter(TrainerCallback):
        """Turns Trainer callbacks into Strop events; the stop switch and the NaN guard."""

        def __init__(self) -> None:
            self.t0 = time.monotonic()
            self.start_step = start_step
            self.stopped = False
            self.failure: StropError | None = None
            self.last_eval: dict[str, float] | None = None

        def on_train_begin(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
            self.t0 = time.monotonic()
            self.start_step = state.global_step

        def on_step_end(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
            if _stop_requested_anywhere(stop):
                self.stopped = True
                control.should_training_stop = True
                control.should_save = True
            return control

        def on_log(self, args, state, control, logs=None, **kwargs):  # type: ignore[no-untyped-def]
            logs = logs or {}
            if "loss" not in logs:
                return control
            loss = float(logs["loss"])
            if not math.isfinite(loss):
                self.failure = TrainingError(
                    f"The training loss became {loss} at step {state.global_step}: training diverged.",
                    hint=_DIVERGED_HINT,
                )
                control.should_training_stop = True
                control.should_save = False
                control.should_evaluate = False
                return control
            elapsed = time.monotonic() - self.t0
            done = max(1, state.global_step - self.start_step)
            rate = done / elapsed if elapsed > 0 else 0.0
            remaining = state.max_steps - state.global_step
            eta = remaining / rate if rate > 0 else None
            event = StepLogged(
                step=int(state.global_step),
                total_steps=int(state.max_steps),
                epoch=float(state.epoch or 0.0),
                loss=loss,
                learning_rate=float(logs.get("learning_rate", 0.0)),
                samples_per_second=float(rate * effective_batch),
                elapsed=float(elapsed),
                eta=float(eta) if eta is not None else None,
            )
            if state.is_world_process_zero:
                if metrics_log is not None:
                    metrics_log.append(
                        {
                            "type": "train",
                            "step": event.step,
                            "epoch": event.epoch,
                            "loss": loss,
                            "learning_rate": event.learning_rate,
                            "samples_per_second": event.samples_per_second,
                            "time": time.time(),
                        }  # fmt: skip
                    )
                emit(event)
            return control

        def on_evaluate(self, args, state, control, metrics=None, **kwargs):  # type: ignore[no-untyped-def]
            metrics = metrics or {}
            event = Evaluated(
                step=int(state.global_step),
                epoch=float(state.epoch or 0.0),
                loss=float(metrics.get("eval_loss", float("nan"))),
                accuracy=float(metrics.get("eval_accuracy", 0.0)),
                macro_f1=float(metrics.get("eval_macro_f1", 0.0)),
            )
            self.last_eval = {
                "accuracy": event.accuracy,
                "macro_f1": event.macro_f1,
                "loss": event.loss,
            }
            if state.is_world_process_zero:
                if metrics_log is not None:
                    metrics_log.append(
                        {
                            "type": "eval",
                            "step": event.step,
                            "epoch": event.epoch,
                            "eval_loss": event.loss,
                            "accuracy": event.accuracy,
                            "macro_f1": event.macro_f1,
                            "time": time.time(),
                        }  # fmt: skip
                    )
                emit(event)
            # A stop during evaluation is honoured now, with a checkpoint (every rank agrees).
            if _stop_requested_anywhere(stop):
                self.stopped = True
                control.should_training_stop = True
                control.should_save = True
            return control

        def on_save(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
            if state.is_world_process_zero:
                path = Path(args.output_dir) / f"checkpoint-{state.global_step}"
                emit(CheckpointSaved(step=int(state.global_step), path=str(path)))
            # A stop during the write is honoured now: the checkpoint just written is the one
            # to resume from, so no further step runs (every rank agrees).
            if _stop_requested_anywhere(stop):
                self.stopped = True
                control.should_training_stop = True
            return control

    return EventAdapter()


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


def tokenize(data: PreparedData, tokenizer: Any, max_length: int) -> tuple[Any, Any]:
    """Tokenise both splits once (cached by ``datasets``), keeping lengths for batching.

    The validation split comes back sorted by length: evaluation batches then hold texts
    of about one length, so they carry little padding (its order changes no metric).
    """

    def encode(batch: dict[str, list[Any]]) -> dict[str, Any]:
        out = tokenizer(clip_texts(batch[TEXT], max_length), truncation=True, max_length=max_length)
        out["length"] = [len(ids) for ids in out["input_ids"]]
        out["labels"] = batch[LABEL]
        return out

    # 256 texts per tokenizer call: each call holds the GIL (2,000 texts: ~0.2 s in which the
    # window could not repaint); the speed is the same.
    kwargs = {"batched": True, "batch_size": 256, "remove_columns": [TEXT, LABEL]}
    train = data.train.map(encode, **kwargs, desc="Tokenising training data")
    val = data.validation.map(encode, **kwargs, desc="Tokenising validation data")
    return train, val.sort("length")


# --------------------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------------------
def prepare_run(
    config: TrainConfig, emit: EventSink = ignore
) -> tuple[PreparedData, Any, Any, Any, DatasetReport]:
    """Load data and model metadata and compute the report; nothing is written."""
    emit(PhaseChanged("data", f"Loading {config.data}"))
    data = prepare_data(
        config.data,
        validation=config.validation,
        text_column=config.text_column,
        label_column=config.label_column,
        validation_split=config.validation_split,
        seed=config.seed,
    )
    emit(PhaseChanged("model", f"Loading model {config.model}"))
    source = resolve_model(
        config.model, allow_pickle=config.allow_pickle, trust_remote_code=config.trust_remote_code
    )
    tokenizer = load_tokenizer(source, trust_remote_code=config.trust_remote_code)
    info = describe_model(source)
    emit(PhaseChanged("report", "Measuring the data"))
    report = compute_report(
        data,
        tokenizer,
        max_length=config.max_length,
        model_max_length=model_max_length(tokenizer, info),
        model_name=info.name,
        seed=config.seed,
    )
    emit(ReportReady(report=report.to_dict(), model=dataclasses.asdict(info)))
    return data, source, tokenizer, info, report


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
        config = config.validate()
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
        config = saved.replace(output=str(run_dir)).validate()
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
        data, source, tokenizer, info, report = prepare_run(config, emit)
    if _stop_requested_anywhere(stop):
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
    max_length = report.max_length
    resolved = config.replace(max_length=max_length, learning_rate=config.resolved_learning_rate())

    main = is_main_process()
    metrics_log = runs.MetricsLog(run_dir) if main else None
    if main:
        run_dir.mkdir(parents=True, exist_ok=True)
        ckpt.clean_staging(run_dir)
        if resume_from is not None:
            history = metrics_log.truncate_after(ckpt.checkpoint_step(resume_from) or 0)  # type: ignore[union-attr]
        else:
            resolved.save(run_dir / runs.CONFIG)
            runs.write_json(
                run_dir / runs.LABELS,
                {
                    "labels": list(data.labels.labels),
                    "text_column": data.text_column,
                    "label_column": data.label_column,
                },
            )
            runs.write_json(run_dir / runs.REPORT, report.to_dict())
        runs.write_status(
            run_dir,
            RunState.PREPARING,
            started=time.time()
            if resume_from is None
            else runs.read_status(run_dir).get("started", time.time()),
        )

    try:
        return _run(resolved, data, source, tokenizer, info, report, run_dir, device, precision,
                    emit, stop, metrics_log, resume_from, history)  # fmt: skip
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


def _run(
    config: TrainConfig,
    data: PreparedData,
    source: Any,
    tokenizer: Any,
    info: Any,
    report: DatasetReport,
    run_dir: Path,
    device: str,
    precision: str,
    emit: EventSink,
    stop: threading.Event,
    metrics_log: runs.MetricsLog | None,
    resume_from: Path | None,
    history: list[dict[str, Any]],
) -> RunResult:
    import numpy as np
    from transformers import DataCollatorWithPadding, EarlyStoppingCallback, TrainingArguments

    from engine.models import quiet_transformers

    quiet_transformers()
    main = is_main_process()

    emit(PhaseChanged("tokenize", "Tokenising"))
    with dist.main_process_first():  # one rank fills the datasets cache, the others read it
        train_ds, val_ds = tokenize(data, tokenizer, config.max_length or 128)
    if _stop_requested_anywhere(stop):
        raise _Cancelled
    emit(PhaseChanged("build", "Building the model"))
    # A new classification head is drawn from the global RNG: seed it, or two runs with the
    # same seed start from different heads (Trainer seeds only later, in its __init__).
    from transformers import set_seed

    set_seed(config.seed)
    model = build_classifier(
        source,
        data.labels,
        allow_pickle=config.allow_pickle,
        trust_remote_code=config.trust_remote_code,
    )
    trainable, total = apply_strategy(model, config.parsed_strategy)
    if _stop_requested_anywhere(stop):
        raise _Cancelled

    plan = cadence(train_ds.num_rows, config, world_size())
    num_labels = len(data.labels)

    def compute_metrics(pred: Any) -> dict[str, float]:
        logits = pred.predictions[0] if isinstance(pred.predictions, tuple) else pred.predictions
        return quick_metrics(pred.label_ids, np.argmax(logits, axis=-1), num_labels)

    on_gpu = device == "cuda"
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
        train_sampling_strategy="group_by_length" if config.group_by_length else "random",
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
        metric_for_best_model="macro_f1",
        greater_is_better=True,
        report_to="none",
        disable_tqdm=True,
        dataloader_num_workers=config.dataloader_workers,
        dataloader_pin_memory=on_gpu,
        remove_unused_columns=True,
        ddp_find_unused_parameters=False,
    )
    callback = _make_callback(
        emit,
        stop,
        metrics_log,
        plan["effective_batch_size"],
        ckpt.checkpoint_step(resume_from) or 0 if resume_from else 0,
    )
    callbacks = [callback]
    if config.early_stopping_patience > 0:
        early = EarlyStoppingCallback(early_stopping_patience=config.early_stopping_patience)
        if resume_from is not None:  # Trainer would start its patience count again at 0
            early.early_stopping_patience_counter = _saved_patience_count(resume_from)
        callbacks.append(early)
    trainer = _make_trainer_class()(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=val_ds,
        processing_class=tokenizer,
        data_collator=DataCollatorWithPadding(tokenizer, pad_to_multiple_of=8 if on_gpu else None),
        compute_metrics=compute_metrics,
        callbacks=callbacks,
    )
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    trainer.remove_callback(PrinterCallback)  # we report through events
    trainer.remove_callback(ProgressCallback)
    trainer.strop_checkpoint_files = {
        "strop_config.json": config.to_json(),
        "strop_labels.json": __import__("json").dumps(
            {"labels": list(data.labels.labels)}, ensure_ascii=False
        ),
    }

    resumed_step = ckpt.checkpoint_step(resume_from) if resume_from else 0
    emit(
        RunStarted(
            run_dir=str(run_dir),
            total_steps=int(plan["total_steps"]),
            num_train=int(train_ds.num_rows),
            num_validation=int(val_ds.num_rows),
            labels=tuple(data.labels.labels),
            device=device,
            precision=precision,
            effective_batch_size=int(plan["effective_batch_size"]),
            resumed_from_step=int(resumed_step or 0),
            history=tuple(history),
        )
    )
    if main:
        runs.write_status(run_dir, RunState.RUNNING, device=device, precision=precision,
                          total_steps=plan["total_steps"], trainable_parameters=trainable, parameters=total,
                          effective_batch_size=plan["effective_batch_size"], processes=world_size())  # fmt: skip
    t_start = time.monotonic()
    trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    train_seconds = (
        time.monotonic()
        - t_start
        + float(runs.read_status(run_dir).get("train_seconds", 0.0) if main else 0.0)
    )

    if callback.failure is not None:
        raise callback.failure

    step = int(trainer.state.global_step)
    model_dir = run_dir / runs.MODEL
    last = ckpt.last_checkpoint(run_dir)
    if callback.stopped:
        _save_model(trainer, tokenizer, model_dir, config, data, info, main)
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
    output = trainer.predict(val_ds)
    logits = output.predictions[0] if isinstance(output.predictions, tuple) else output.predictions
    metrics = classification_metrics(
        output.label_ids, np.argmax(logits, axis=-1), data.labels.labels
    )
    metrics["eval_loss"] = float(output.metrics.get("test_loss", float("nan")))
    metrics["step"] = step
    metrics["epoch"] = float(trainer.state.epoch or 0.0)
    metrics["best_checkpoint"] = trainer.state.best_model_checkpoint
    metrics["train_seconds"] = train_seconds
    metrics["device"] = device
    metrics["precision"] = precision
    _save_model(trainer, tokenizer, model_dir, config, data, info, main, metrics=metrics)
    if main:
        runs.write_json(run_dir / runs.METRICS, metrics)
        runs.write_status(
            run_dir, RunState.FINISHED, ended=time.time(), step=step, train_seconds=train_seconds
        )
    emit(RunFinished(run_dir=str(run_dir), model_dir=str(model_dir), metrics=metrics))
    return RunResult(RunState.FINISHED, run_dir, model_dir, metrics, checkpoint=last)


def _saved_patience_count(checkpoint: Path) -> int:
    """The early-stopping count of evaluations without progress, as saved in a checkpoint."""
    import json

    try:
        state = json.loads((checkpoint / ckpt.TRAINER_STATE).read_text(encoding="utf-8"))
        saved = state.get("stateful_callbacks", {}).get("EarlyStoppingCallback", {})
        saved = saved[-1] if isinstance(saved, list) else saved
        return int(saved.get("attributes", {}).get("early_stopping_patience_counter", 0))
    except (OSError, ValueError, TypeError, AttributeError, IndexError):
        return 0


def _save_model(
    trainer: Any,
    tokenizer: Any,
    model_dir: Path,
    config: TrainConfig,
    data: PreparedData,
    info: Any,
    main: bool,
    metrics: dict[str, Any] | None = None,
) -> None:
    """Write ``model/`` atomically: a folder ``from_pretrained`` loads as is."""
    import json
    import shutil

    staged = model_dir.parent / ckpt.STAGING / "model"
    if main:
        if staged.exists():
            shutil.rmtree(staged)
        staged.parent.mkdir(parents=True, exist_ok=True)
    trainer.save_model(str(staged))
    if not main:
        return
    tokenizer.save_pretrained(str(staged))
    meta = {
        "labels": list(data.labels.labels),
        "max_length": config.max_length,
        "base_model": config.model,
        "base_model_name": info.name,
        "strategy": config.strategy,
        "text_column": data.text_column,
        "label_column": data.label_column,
    }
    if metrics:
        meta["metrics"] = {k: metrics[k] for k in ("accuracy", "macro_f1") if k in metrics}
    (staged / MODEL_META).write_text(
        json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    ckpt.promote(staged, model_dir)
    ckpt.clean_staging(model_dir.parent)  # nothing is staged any more: leave no empty folder
