"""The private ``Trainer`` methods ``engine.trainer`` overrides still have the signatures it
was written for: a new transformers release that changes one fails here, loudly, instead of
silently writing checkpoints somewhere else."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from engine.trainer import OVERRIDDEN, StropTrainer


@pytest.mark.parametrize("name", sorted(OVERRIDDEN))
def test_overridden_private_methods_keep_their_signatures(name: str) -> None:
    from transformers import Trainer

    assert hasattr(Trainer, name), f"transformers.Trainer no longer has {name}"
    params = tuple(inspect.signature(getattr(Trainer, name)).parameters)
    assert params == OVERRIDDEN[name], (
        f"Trainer.{name}{params} changed; engine/trainer.py was written for {OVERRIDDEN[name]}"
    )


def test_the_loss_the_nan_guard_reads_is_still_an_attribute_of_trainer() -> None:
    """``_save_checkpoint`` reads ``Trainer._tr_loss`` (the loss accumulated since the last
    log) so that a diverged step's weights are never checkpointed."""
    from transformers import Trainer

    assert "_tr_loss" in inspect.getsource(Trainer._inner_training_loop)
    assert issubclass(StropTrainer, Trainer)


def test_the_new_head_gets_its_own_learning_rate(tiny_model: Any, tmp_path: Any) -> None:
    """``head_lr_multiplier``: the parameters outside ``base_model`` (the classifier) in
    groups of their own at that multiple, weight decay kept per group, nothing left out."""
    from transformers import AutoModelForSequenceClassification, TrainingArguments

    model = AutoModelForSequenceClassification.from_pretrained(str(tiny_model))
    args = TrainingArguments(
        output_dir=str(tmp_path), learning_rate=1e-4, weight_decay=0.01, use_cpu=True,
        report_to="none",
    )  # fmt: skip
    trainer = StropTrainer(model=model, args=args)
    trainer.head_lr_multiplier = 20.0
    optimizer = trainer.create_optimizer()
    head = {id(p) for n, p in model.named_parameters() if n.startswith("classifier.")}
    seen = set()
    for group in optimizer.param_groups:
        ids = {id(p) for p in group["params"]}
        seen |= ids
        if ids & head:
            assert ids <= head and group["lr"] == pytest.approx(2e-3)
        else:
            assert group["lr"] == pytest.approx(1e-4)
    assert seen == {id(p) for p in model.parameters()}
    assert {
        g["weight_decay"] for g in optimizer.param_groups if {id(p) for p in g["params"]} <= head
    } == {0.0, 0.01}


def test_the_final_predictions_reuse_the_last_evaluation_of_the_kept_model(
    tiny_model: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the kept checkpoint is the last step's, its evaluation scored those very weights
    on the whole validation set: the final figures come from it, identical to a second pass."""
    from engine.training import train
    from tests.conftest import write_sentiment_csv
    from tests.engine.conftest import fast_config

    data = write_sentiment_csv(tmp_path / "train.csv", rows=200, seed=3)
    passes: list[int] = []
    predict = StropTrainer.predict

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        passes.append(int(self.state.global_step))
        return predict(self, *args, **kwargs)

    monkeypatch.setattr(StropTrainer, "predict", counted)
    # still learning at the end: the last step's checkpoint is the best (measured, seed 1)
    settings = {"epochs": 4, "learning_rate": 1e-3, "seed": 1, "early_stopping_patience": 0}
    reused = train(fast_config(data, tiny_model, tmp_path / "reused", **settings)).metrics
    assert reused["best_checkpoint"].endswith(f"checkpoint-{reused['step']}")
    assert passes == []  # no second pass over the validation rows
    monkeypatch.setattr(StropTrainer, "final_predictions", lambda self, rows: self.predict(rows))
    again = train(fast_config(data, tiny_model, tmp_path / "again", **settings)).metrics
    assert passes == [again["step"]]
    for key in ("accuracy", "macro_f1", "eval_loss", "calibration", "per_class", "confusion"):
        assert reused.get(key) == again.get(key), key
