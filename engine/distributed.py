"""Several processes on one run: who writes, and how the ranks agree.

``torchrun`` and ``accelerate launch`` start one process ("rank") per device, on one machine
or several, and tell each its place through environment variables (``RANK``,
``WORLD_SIZE``, ``LOCAL_RANK``). Every rank runs the same ``train()``; ``transformers.Trainer``
wraps the model in ``DistributedDataParallel`` and shards the batches. This module holds the
few things Strop adds on top:

- only global rank 0 writes the run folder (config, status, ``metrics.jsonl``, checkpoints'
  extra files, the final model and metrics); the others compute and stay silent;
- the ranks join the process group *before* training (as ``TrainingArguments`` would), so
  they can agree on the run folder, read the dataset cache one after the other instead of
  racing on it, and stop at the same step;
- a stop request on any rank stops every rank at the same step (``any_rank``), because a
  rank that leaves the training loop alone would leave the others waiting forever.

Outside a launcher (``WORLD_SIZE`` unset or 1) every function here is a cheap no-op.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TypeVar

T = TypeVar("T")

#: How long a rank waits for the others at a collective before giving up (as Trainer's default).
TIMEOUT = timedelta(minutes=30)


def world_size() -> int:
    """How many processes share this run (1 without a launcher)."""
    return int(os.environ.get("WORLD_SIZE", "1") or 1)


def rank() -> int:
    """This process's global rank (0 without a launcher)."""
    return int(os.environ.get("RANK", "0") or 0)


def local_rank() -> int:
    """This process's rank on its own machine (selects its GPU)."""
    return int(os.environ.get("LOCAL_RANK", "0") or 0)


def is_distributed() -> bool:
    return world_size() > 1


def is_main_process() -> bool:
    """True on global rank 0, the only rank that writes the run folder."""
    return rank() == 0


def _group_ready() -> bool:
    if not is_distributed():
        return False
    import torch.distributed as dist

    return dist.is_available() and dist.is_initialized()


def init_process_group(device: str) -> bool:
    """Join the launcher's process group now, the way ``TrainingArguments`` would later.

    ``device`` is the resolved device (``cpu`` joins with gloo, ``cuda`` with NCCL on the
    GPU ``LOCAL_RANK`` names). ``TrainingArguments`` finds the group initialised and uses it.
    Returns True when this process is part of a group of more than one.
    """
    if not is_distributed():
        return False
    if _group_ready():
        return True
    from accelerate.state import AcceleratorState, PartialState

    AcceleratorState._reset_state(reset_partial_state=True)  # as TrainingArguments does
    PartialState(cpu=device == "cpu", timeout=TIMEOUT)
    return _group_ready()


def shutdown() -> None:
    """Leave the process group together, at the end of a run that ended normally.

    A gloo process that exits with its group still open while a peer has already gone can
    abort ("terminate called without an active exception", SIGABRT), and the launcher then
    reports a finished run as failed. Not for the error path: the others may be elsewhere.
    """
    if not _group_ready():
        return
    import torch.distributed as dist

    dist.barrier()
    dist.destroy_process_group()


def barrier() -> None:
    """Wait until every rank gets here."""
    if _group_ready():
        import torch.distributed as dist

        dist.barrier()


def _reduce_device() -> str:
    import torch.distributed as dist

    return "cuda" if dist.get_backend() == "nccl" else "cpu"


def any_rank(flag: bool) -> bool:
    """True on every rank when ``flag`` is true on at least one (one tiny all-reduce)."""
    if not _group_ready():
        return flag
    import torch
    import torch.distributed as dist

    value = torch.tensor([1 if flag else 0], device=_reduce_device())
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def broadcast_from_main(value: T) -> T:
    """Rank 0's ``value`` on every rank (any picklable object)."""
    if not _group_ready():
        return value
    import torch.distributed as dist

    box = [value if is_main_process() else None]
    dist.broadcast_object_list(box, src=0)
    return box[0]  # type: ignore[return-value]


@contextmanager
def main_process_first(local: bool = True) -> Iterator[None]:
    """The main process runs the block first (filling the ``datasets`` cache); the others
    wait, then run it and read that cache instead of writing it concurrently.

    ``local=True``: the first rank of each machine goes first (right for a cache on each
    machine's own disk). If the main process raises, it still releases the others, which
    then meet the same error on the same input and stop with it too.
    """
    if not _group_ready():
        yield
        return
    first = (local_rank() if local else rank()) == 0
    if not first:
        barrier()
    try:
        yield
    finally:
        if first:
            barrier()
