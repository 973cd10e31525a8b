"""Exporting a run to run headless: the config file, and the commands that run it.

The window's "Export run config..." writes the exact ``TrainConfig`` with every path made
absolute and an explicit output folder (so every process, and every machine, agrees on the
run folder), then shows the commands below. The same file runs unchanged in one process,
under ``torchrun`` or under ``accelerate launch``: ``train()`` finds the launcher's
variables and lets rank 0 alone write the run folder (see ``engine/distributed.py``).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from engine.config import TrainConfig
from engine.errors import ConfigError

#: The port rank 0 listens on for the others (torchrun's and accelerate's default).
DEFAULT_PORT = 29500

#: A title for each command of ``launch_commands``, for the export dialog.
COMMAND_TITLES = {
    "single": "One process",
    "torchrun": "Several processes (one per GPU) on this machine, with torchrun",
    "accelerate": "The same with accelerate",
    "torchrun_multinode": "Two machines: run on each, NODE_RANK=0 on the MASTER_ADDR machine, 1 on the other",
    "torchrun_rdzv": "Two machines, elastic rendezvous (no node rank needed)",
    "accelerate_multinode": "Two machines with accelerate",
}


def export_config(config: TrainConfig, path: str | os.PathLike[str]) -> TrainConfig:
    """Write ``config`` to ``path`` as JSON, ready to run anywhere; return what was written.

    Paths (data, validation, a local model, the output) become absolute. A config without
    an output folder gets a new one under the runs folder, written out, because processes
    started apart (or on other machines) would otherwise each pick their own. Raises
    ``ConfigError`` for an invalid config, before anything is written.
    """
    config.validate()
    exported = config.with_absolute_paths()
    if not exported.output:
        from engine.runs import new_run_dir

        exported = exported.replace(output=str(new_run_dir(exported.data).resolve()))
    target = Path(path).expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        exported.save(target)
    except OSError as exc:
        raise ConfigError(
            f"{target}: cannot write the run config ({exc.strerror or exc}).",
            hint="Choose a folder you can write to.",
        ) from None
    return exported


def launch_commands(config_path: str, nproc: int = 2) -> dict[str, str]:
    """The shell commands that run an exported config headless, from Strop's folder.

    Keys, in the order to show them:

    - ``single``: one process (``python main.py train --config PATH``);
    - ``torchrun``: ``nproc`` processes on this machine (one per GPU; on a CPU, gloo);
    - ``accelerate``: the same through ``accelerate launch``. ``--multi_gpu`` is what makes
      it start several processes (without it, on a machine with fewer than two GPUs, it
      quietly starts one); on a CPU-only machine the processes still use gloo;
    - ``torchrun_multinode``: the command for each of two machines; set ``NODE_RANK`` to 0
      on the machine whose address is ``MASTER_ADDR`` and to 1 on the other;
    - ``torchrun_rdzv``: the same with elastic rendezvous (no node rank to hand out);
    - ``accelerate_multinode``: the ``accelerate launch`` equivalent
      (``--num_processes`` counts the processes of all machines).
    """
    if nproc < 1:
        raise ConfigError("The number of processes must be at least 1.")
    config = shlex.quote(str(config_path))
    run = f"main.py train --config {config}"
    nodes, total = 2, 2 * nproc
    return {
        "single": f"python {run}",
        "torchrun": f"torchrun --nproc_per_node {nproc} {run}",
        "accelerate": f"accelerate launch --multi_gpu --num_processes {nproc} {run}",
        "torchrun_multinode": (
            f"torchrun --nnodes {nodes} --node_rank $NODE_RANK --nproc_per_node {nproc} "
            f"--master_addr $MASTER_ADDR --master_port {DEFAULT_PORT} {run}"
        ),
        "torchrun_rdzv": (
            f"torchrun --nnodes {nodes} --nproc_per_node {nproc} --rdzv-backend c10d "
            f"--rdzv-endpoint $MASTER_ADDR:{DEFAULT_PORT} --rdzv-id strop {run}"
        ),
        "accelerate_multinode": (
            f"accelerate launch --multi_gpu --num_machines {nodes} --machine_rank $NODE_RANK "
            f"--num_processes {total} --main_process_ip $MASTER_ADDR "
            f"--main_process_port {DEFAULT_PORT} {run}"
        ),
    }


def default_process_count() -> int:
    """One process per visible GPU (never more: each process takes one); two on a machine
    without a GPU (CPU processes, gloo)."""
    from engine.device import available_devices

    gpus = sum(1 for d in available_devices() if d.key.startswith("cuda"))
    return gpus or 2
