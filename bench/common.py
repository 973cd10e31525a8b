"""Shared helpers for the benchmarks: the machine, a matmul peak, peak memory, datasets.

Every benchmark prints the machine it ran on (date, nproc, CPU model, torch version,
load average), because on a shared machine absolute seconds mean little: compare the
ratios each script prints, which come from one run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "datasets"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import engine  # noqa: E402,F401 - before torch: Strop's thread settings (OMP_WAIT_POLICY) apply

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def cpu_model() -> str:
    from engine.device import cpu_name

    return cpu_name()


def machine(with_torch: bool = True) -> dict[str, Any]:
    """Date, cores, CPU, versions and the load average when the benchmark started."""
    info: dict[str, Any] = {
        "date": datetime.datetime.now().isoformat(timespec="minutes"),
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
    }
    try:
        info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        pass
    if with_torch:
        import torch
        import transformers

        from engine.device import cpu_supports_bf16

        info["torch"] = torch.__version__
        info["transformers"] = transformers.__version__
        info["torch_threads"] = torch.get_num_threads()
        info["omp_wait_policy"] = os.environ.get("OMP_WAIT_POLICY", "(runtime default)")
        info["cpu_bf16"] = cpu_supports_bf16()
        info["cuda"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return info


def print_machine(info: dict[str, Any]) -> None:
    keys = (
        "date", "nproc", "cpu", "torch", "transformers", "torch_threads", "omp_wait_policy",
        "cpu_bf16", "cuda",
    )  # fmt: skip
    print("machine: " + ", ".join(f"{k}={info[k]}" for k in keys if k in info))
    if "loadavg" in info:
        print(f"load average at start (1/5/15 min): {info['loadavg']}  (other work on the machine)")


def matmul_peak(dtype_name: str, device: str = "cpu", seconds: float = 1.5) -> float:
    """The best matmul rate (FLOP/s) this machine reaches for ``dtype_name`` (fp32 or bf16).

    Square matrices of a few sizes, each timed several times; the best rate counts,
    since other work on a shared machine only ever makes it slower.
    """
    import torch

    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[dtype_name]
    best = 0.0
    sizes = (1024, 2048, 3072) if device == "cpu" else (4096, 8192)
    for n in sizes:
        a = torch.randn(n, n, device=device).to(dtype)
        b = torch.randn(n, n, device=device).to(dtype)
        a @ b
        deadline = time.perf_counter() + seconds / len(sizes)
        while time.perf_counter() < deadline:
            reps = 3 if device == "cpu" else 20
            if device != "cpu":
                torch.cuda.synchronize()
            t = time.perf_counter()
            for _ in range(reps):
                a @ b
            if device != "cpu":
                torch.cuda.synchronize()
            dt = time.perf_counter() - t
            best = max(best, 2 * n**3 * reps / dt)
    return best


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    On Linux from ``VmHWM`` in /proc/self/status: ``getrusage``'s ``ru_maxrss`` keeps the
    peak of the parent that forked the process (it survives ``exec``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run_child(args: list[str], env: dict[str, str] | None = None, timeout: float = 1800) -> dict:
    """Run ``python <args>`` in a fresh process; it prints one JSON line last, returned here."""
    full_env = {**os.environ, **(env or {}), "STROP_BENCH_SPAWNED": repr(time.time())}
    proc = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=str(ROOT),
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"child {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    return json.loads(lines[-1])


def shared_dataset(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        sys.exit(f"{path} not found: the benchmarks read ../shared/datasets/ next to the repo.")
    return path


def starter_path() -> Path:
    from engine.models import starter_model_path

    return starter_model_path()


def launch_window(
    args: list[str], home: Path, report: Path, env: dict[str, str] | None = None
) -> tuple[dict[str, Any], float]:
    """Launch the window as a person would: ``python ARGS`` in the checkout, a fresh
    ``STROP_HOME`` (a first launch, the worst case), offscreen without a display. The launched
    window writes a JSON record to ``report`` and closes itself; returns that record and the
    wall-clock time just before the spawn, so interpreter start-up and every import count."""
    full_env = {**os.environ, **(env or {}), "STROP_HOME": str(home)}
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        full_env.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.time()
    proc = subprocess.run(
        [sys.executable, *args],
        cwd=str(ROOT),
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if not report.exists():
        raise RuntimeError(
            f"the window wrote no record to {report.name} (exit {proc.returncode}):\n"
            f"{proc.stderr[-2000:]}"
        )
    record = json.loads(report.read_text(encoding="utf-8"))
    record["exit"] = proc.returncode
    return record, t0


@contextlib.contextmanager
def launch_bench(doc: str, runs: int, prefix: str) -> Iterator[tuple[int, Path]]:
    """The set-up of a benchmark that launches the window again and again: parses ``--runs``
    (default ``runs``), prints the machine, and yields the launch count and a temporary folder
    for the launches' homes and records (removed afterwards)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--runs", type=int, default=runs)
    args = parser.parse_args()
    print_machine(machine(with_torch=False))
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield args.runs, Path(tmp)
