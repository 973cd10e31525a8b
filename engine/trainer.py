"""``StropTrainer``: ``transformers.Trainer`` with atomic checkpoints and seeded, shuffled
length-grouped batches.

Imported only when a run starts (it imports torch and transformers at the top).

It overrides two private methods of ``Trainer`` (``_save_checkpoint`` and
``_get_train_sampler``) and swaps a third (``_get_output_dir``) while a checkpoint is staged:
Trainer has no public hook for where a checkpoint is written or which sampler a length-grouped
run uses. ``transformers`` is pinned below its next major version in ``pyproject.toml``, and
``tests/engine/test_trainer.py`` fails loudly when one of these signatures changes.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch
from transformers import Trainer
from transformers.trainer_pt_utils import LengthGroupedSampler
from transformers.trainer_utils import rotate_checkpoints

from engine import checkpoint as ckpt
from engine import distributed as dist
from engine.errors import CheckpointError, TrainingError

DIVERGED_HINT = (
    "Lower the learning rate (try half), or use fp32 precision. The last checkpoint is kept."
)

#: The private ``Trainer`` methods overridden here, with the parameters they are called with.
OVERRIDDEN = {
    "_save_checkpoint": ("self", "model", "trial"),
    "_get_train_sampler": ("self", "train_dataset"),
    "_get_output_dir": ("self", "trial"),
    "_get_eval_sampler": ("self", "eval_dataset"),
}


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


class HeadRateTrainer(Trainer):
    """``Trainer`` whose new classifier head can learn faster than the pre-trained body:
    the run's trainer, and compare's trials (which must train as the run will)."""

    #: The new head's learning rate over the body's (``create_optimizer``); 1: one rate.
    head_lr_multiplier: float = 1.0

    def create_optimizer(self, model: Any = None) -> Any:
        """Trainer's optimizer, with the parameters outside ``model.base_model`` (the new
        head, drawn at random) in groups of their own at ``head_lr_multiplier`` times the
        learning rate. The schedule scales every group alike (warm-up, then linear decay)."""
        optimizer = super().create_optimizer(model)
        factor = float(self.head_lr_multiplier)
        if factor == 1.0 or getattr(self, "_strop_head_groups", False):
            return optimizer
        opt_model: Any = self.model if model is None else model
        base = {id(p) for p in opt_model.base_model.parameters()}
        for group in list(optimizer.param_groups):
            head = [p for p in group["params"] if id(p) not in base]
            if not head:
                continue
            group["params"] = [p for p in group["params"] if id(p) in base]
            optimizer.add_param_group(
                {**{k: v for k, v in group.items() if k != "params"}, "params": head,
                 "lr": group["lr"] * factor}
            )  # fmt: skip
        optimizer.param_groups[:] = [g for g in optimizer.param_groups if g["params"]]
        self._strop_head_groups = True
        return optimizer


class StropTrainer(HeadRateTrainer):
    """``Trainer`` whose checkpoints appear atomically (staged, then one ``os.replace``),
    and whose final predictions reuse the last evaluation when it scored the kept model."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_evaluation: tuple[int, Any] | None = None
        # A sequence classifier's loss is already the mean over its batch and ignores
        # ``num_items_in_batch``. Left on (its forward takes **kwargs), Trainer would skip
        # the division by gradient accumulation and multiply by the number of processes:
        # the loss (train and eval) and the gradients would grow with both.
        self.model_accepts_loss_kwargs = False

    def evaluation_loop(self, *args: Any, **kwargs: Any) -> Any:
        """Keeps the latest evaluation's output, with its step (``last_evaluation``)."""
        output = super().evaluation_loop(*args, **kwargs)
        if kwargs.get("metric_key_prefix", "eval") == "eval":
            self.last_evaluation = (int(self.state.global_step), output)
        return output

    def final_predictions(self, validation: Any) -> Any:
        """``predict(validation)`` for the kept model, or, when the last evaluation already
        scored these very weights on these very rows (the kept checkpoint is the last step's
        and the evaluations read the whole ``validation``), that evaluation's output: the same
        predictions without a second pass (one of five evaluations of a short run)."""
        from transformers.trainer_utils import PredictionOutput

        last = self.last_evaluation
        best = self.state.best_model_checkpoint
        step = int(self.state.global_step)
        if (
            last is not None
            and last[0] == step
            and best is not None
            and Path(best).name == f"checkpoint-{step}"
            and self.eval_dataset is validation
        ):
            output = last[1]
            metrics = {
                f"test_{k[5:]}" if k.startswith("eval_") else k: v
                for k, v in output.metrics.items()
            }
            return PredictionOutput(output.predictions, output.label_ids, metrics)
        return self.predict(validation)

    def _get_train_sampler(self, *args: Any, **kwargs: Any) -> Any:
        sampler = super()._get_train_sampler(*args, **kwargs)
        if isinstance(sampler, LengthGroupedSampler):
            seed = self.args.data_seed if self.args.data_seed is not None else self.args.seed
            return EpochSeededSampler(sampler, seed, lambda: float(self.state.epoch or 0.0))
        return sampler

    def _get_eval_sampler(self, eval_dataset: Any) -> Any:
        """Evaluation in the dataset's own order, as Trainer does without length grouping.
        With length-grouped training batches, transformers also shuffles evaluation batches
        (seeded), so ``Trainer.predict``'s rows would not follow the dataset's: the
        validation predictions kept for error analysis would pair a text with another
        text's prediction, and token windows could not be merged back into their sentences.
        Under several processes the loader is sharded by accelerate and gathered in order.
        Text classification sorts its validation set by length itself, so padding stays low."""
        if eval_dataset is None or self.args.world_size > 1:
            return None
        return torch.utils.data.SequentialSampler(eval_dataset)

    def _save_checkpoint(self, model: Any, trial: Any) -> None:  # noqa: D401
        run_dir = Path(str(self.args.output_dir))
        name = f"checkpoint-{self.state.global_step}"
        # The loss is logged every few steps; never save weights a diverged step has
        # poisoned since the last log (every rank agrees before any writes).
        loss = getattr(self, "_tr_loss", None)
        if dist.any_rank(loss is not None and not bool(torch.isfinite(loss).all())):
            raise TrainingError(
                f"The training loss became nan or inf before step {self.state.global_step}: "
                "training diverged.",
                hint=DIVERGED_HINT,
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
        self._get_output_dir = lambda trial=None: str(staging_root)  # type: ignore[method-assign,misc]
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
