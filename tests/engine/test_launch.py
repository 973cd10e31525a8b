"""Exporting a run config and the commands that run it headless (issue 7).

The commands themselves are run under ``torchrun`` in ``test_distributed.py``.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from engine.config import TrainConfig
from engine.errors import ConfigError
from engine.launch import (
    COMMAND_TITLES,
    default_process_count,
    export_config,
    launch_commands,
)


def _argv(command: str) -> list[str]:
    return shlex.split(command)


def test_launch_commands_run_the_config_in_one_and_several_processes() -> None:
    cmds = launch_commands("/runs/my run/run.json", nproc=4)
    config_args = ["main.py", "train", "--config", "/runs/my run/run.json"]
    assert _argv(cmds["single"]) == ["python", *config_args]
    assert _argv(cmds["torchrun"]) == ["torchrun", "--nproc_per_node", "4", *config_args]
    accelerate = _argv(cmds["accelerate"])
    assert accelerate[:2] == ["accelerate", "launch"]
    assert accelerate[-4:] == config_args
    assert accelerate[accelerate.index("--num_processes") + 1] == "4"
    # Without --multi_gpu accelerate starts one process on a machine with fewer than 2 GPUs.
    assert "--multi_gpu" in accelerate
    assert list(cmds)[:3] == ["single", "torchrun", "accelerate"]
    assert set(COMMAND_TITLES) == set(cmds)


def test_multinode_commands_name_every_flag_a_second_machine_needs() -> None:
    cmds = launch_commands("run.json", nproc=8)
    static = _argv(cmds["torchrun_multinode"])
    for flag in ("--nnodes", "--node_rank", "--nproc_per_node", "--master_addr", "--master_port"):
        assert flag in static, flag
    assert static[static.index("--nproc_per_node") + 1] == "8"
    rdzv = _argv(cmds["torchrun_rdzv"])
    assert "--rdzv-endpoint" in rdzv and "--node_rank" not in rdzv
    acc = _argv(cmds["accelerate_multinode"])
    nodes = int(acc[acc.index("--num_machines") + 1])
    # accelerate counts the processes of all machines together
    assert int(acc[acc.index("--num_processes") + 1]) == 8 * nodes
    for command in cmds.values():
        assert _argv(command)[-4:] == ["main.py", "train", "--config", "run.json"]


def test_launch_commands_refuse_zero_processes() -> None:
    with pytest.raises(ConfigError):
        launch_commands("run.json", nproc=0)


def test_export_config_makes_every_path_absolute_and_names_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strop_home: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text("text,label\na,x\nb,y\n", encoding="utf-8")
    (tmp_path / "my-model").mkdir()
    config = TrainConfig(data="data.csv", model="my-model", epochs=2, batch_size=4)

    written = export_config(config, tmp_path / "exports" / "run.json")

    saved = json.loads((tmp_path / "exports" / "run.json").read_text(encoding="utf-8"))
    assert TrainConfig.from_dict(saved) == written
    assert saved["data"] == str(tmp_path / "data.csv")
    assert saved["model"] == str(tmp_path / "my-model")
    # No output given: one is chosen now, so every process and machine uses the same folder.
    assert saved["output"] and Path(saved["output"]).is_absolute()
    assert Path(saved["output"]).parent == strop_home / "runs"
    assert not Path(saved["output"]).exists()  # chosen, not created
    # The settings themselves are unchanged
    assert (saved["epochs"], saved["batch_size"], saved["strategy"]) == (2, 4, "full")


def test_export_config_keeps_an_explicit_output_and_the_starter_model(tmp_path: Path) -> None:
    config = TrainConfig(data=str(tmp_path / "d.csv"), output=str(tmp_path / "out"))
    written = export_config(config, tmp_path / "run.json")
    assert written.output == str(tmp_path / "out")
    assert written.model == "starter"


def test_export_config_refuses_an_invalid_config_before_writing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        export_config(TrainConfig(data="x.csv", batch_size=0), tmp_path / "run.json")
    assert not (tmp_path / "run.json").exists()


def test_default_process_count_is_one_per_gpu_or_two_on_a_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from engine import device

    cpu = device.DeviceInfo("cpu", "CPU", None, False)
    monkeypatch.setattr(device, "available_devices", lambda: [cpu])
    assert default_process_count() == 2
    gpus = [device.DeviceInfo(f"cuda:{i}", f"GPU {i}", 80 * 2**30, True) for i in range(4)]
    monkeypatch.setattr(device, "available_devices", lambda: [*gpus, cpu])
    assert default_process_count() == 4
    monkeypatch.setattr(device, "available_devices", lambda: [gpus[0], cpu])
    assert default_process_count() == 1
