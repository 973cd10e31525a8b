"""The private ``Trainer`` methods ``engine.trainer`` overrides still have the signatures it
was written for: a new transformers release that changes one fails here, loudly, instead of
silently writing checkpoints somewhere else."""

from __future__ import annotations

import inspect

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
