from __future__ import annotations

import pytest

from engine.device import available_devices, resolve_device, resolve_precision
from engine.errors import ConfigError


def test_cpu_is_always_listed_last() -> None:
    devices = available_devices()
    assert devices[-1].key == "cpu" and "CPU" in devices[-1].label
    assert len({d.key for d in devices}) == len(devices)


def test_auto_prefers_cuda_then_mps_then_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert resolve_device("auto") == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    chosen = []
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "set_device", chosen.append)
    assert resolve_device("cuda:1") == "cuda" and chosen == [1]
    with pytest.raises(ConfigError, match="no GPU 2"):
        resolve_device("cuda:2")


def test_missing_devices_are_config_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(ConfigError, match="CUDA"):
        resolve_device("cuda")
    with pytest.raises(ConfigError, match="MPS"):
        resolve_device("mps")
    with pytest.raises(ConfigError, match="tpu"):
        resolve_device("tpu")
    assert resolve_device("cpu") == "cpu"


def test_precision(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.device as device

    monkeypatch.setattr(device, "cpu_supports_bf16", lambda: True)
    assert resolve_precision("auto", "cpu") == "bf16"
    monkeypatch.setattr(device, "cpu_supports_bf16", lambda: False)
    assert resolve_precision("auto", "cpu") == "fp32"
    assert resolve_precision("auto", "mps") == "fp32"
    assert resolve_precision("fp32", "cpu") == "fp32"
    assert resolve_precision("bf16", "cpu") == "bf16"  # forced
    with pytest.raises(ConfigError, match="fp16"):
        resolve_precision("fp16", "cpu")
    with pytest.raises(ConfigError, match="MPS"):
        resolve_precision("bf16", "mps")
