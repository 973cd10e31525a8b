"""Picking the device and the numeric precision.

``auto`` picks CUDA, then Apple MPS, then the CPU. Precision ``auto`` is bf16 where the
device runs it natively (recent NVIDIA GPUs; CPUs with AVX-512 BF16 or AMX), fp32 elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.errors import ConfigError


@dataclass(frozen=True)
class DeviceInfo:
    """A device this machine has: ``key`` is what ``--device`` takes."""

    key: str
    label: str
    memory_bytes: int | None = None
    supports_bf16: bool = False
    #: the hardware's own name (``AMD EPYC``, ``NVIDIA H200``), for a label in another language
    name: str = ""
    cores: int | None = None


def cpu_supports_bf16() -> bool:
    """True when the CPU has native bf16 matrix instructions (AVX-512 BF16 or AMX)."""
    try:
        import torch

        return bool(
            torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()
        )
    except Exception:  # noqa: BLE001 - old torch or exotic build
        return False


def cpu_name() -> str:
    """The CPU's model name, for people (and benchmark reports)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def available_devices() -> list[DeviceInfo]:
    """Every device Strop can train on here, the CPU last."""
    import torch

    devices: list[DeviceInfo] = []
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            gib = props.total_memory / 2**30
            devices.append(
                DeviceInfo(
                    f"cuda:{i}" if torch.cuda.device_count() > 1 else "cuda",
                    f"GPU {i}: {props.name} ({gib:.0f} GiB)",
                    props.total_memory,
                    torch.cuda.is_bf16_supported(),
                    name=props.name,
                )
            )
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        devices.append(DeviceInfo("mps", "Apple GPU (MPS)", None, False))
    name, cores = cpu_name(), os.cpu_count()
    devices.append(
        DeviceInfo("cpu", f"CPU: {name} ({cores} cores)", None, cpu_supports_bf16(), name, cores)
    )
    return devices


def resolve_device(requested: str) -> str:
    """``cpu``, ``cuda`` or ``mps``; raises ``ConfigError`` if the requested one is missing."""
    import torch

    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        return "mps" if mps else "cpu"
    base = requested.split(":", 1)[0]
    if base == "cuda" and not torch.cuda.is_available():
        raise ConfigError(
            "No CUDA GPU is available on this machine.", hint="Use --device cpu (or auto)."
        )
    if base == "mps" and not mps:
        raise ConfigError(
            "Apple MPS is not available on this machine.", hint="Use --device cpu (or auto)."
        )
    if base not in ("cpu", "cuda", "mps"):
        raise ConfigError(f"Unknown device {requested!r}.", hint="Use auto, cpu, cuda or mps.")
    if base == "cuda" and ":" in requested:
        index = int(requested.split(":", 1)[1])
        if index >= torch.cuda.device_count():
            raise ConfigError(
                f"There is no GPU {index}: this machine has {torch.cuda.device_count()}.",
                hint="Pick a GPU from the device list.",
            )
        # A single process trains on the current CUDA device ("cuda" means the current one).
        torch.cuda.set_device(index)
    return base


def resolve_precision(requested: str, device: str) -> str:
    """``fp32``, ``bf16`` or ``fp16`` for this device; raises ``ConfigError`` if unsupported."""
    import torch

    if device == "cuda":
        bf16 = torch.cuda.is_bf16_supported()
    elif device == "cpu":
        bf16 = cpu_supports_bf16()
    else:
        bf16 = False
    if requested == "auto":
        return "bf16" if bf16 else "fp32"
    if requested == "fp16" and device != "cuda":
        raise ConfigError(
            "fp16 training needs a CUDA GPU.", hint="Use bf16 or fp32 on this device."
        )
    if requested == "bf16" and device == "mps":
        raise ConfigError("bf16 training is not supported on Apple MPS.", hint="Use fp32.")
    return requested
