"""Several processes on one run (issue 7): ``torchrun --nproc_per_node 2`` on the CPU (gloo).

Each test starts real processes with ``python -m torch.distributed.run --standalone`` (the
``torchrun`` of the venv, on a free port), running ``main.py train --config`` on a config
written by ``engine.launch.export_config``: the file the window exports runs unchanged.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from engine import distributed
from tests.conftest import ROOT, write_sentiment_csv
from tests.engine.conftest import fast_config

TORCHRUN = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]


def _env() -> dict[str, str]:
    env = dict(os.environ)  # STROP_HOME is the test's own (autouse fixture)
    env.update(OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    return env


def torchrun(*args: str | Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TORCHRUN, *map(str, args)],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def records(run_dir: Path) -> list[dict[str, Any]]:
    lines = (run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)), "metrics.jsonl has duplicated lines"
    return [json.loads(line) for line in lines]


def steps(recs: list[dict[str, Any]], kind: str) -> list[int]:
    return [r["step"] for r in recs if r["type"] == kind]


def export(tmp_path: Path, tiny_model: Path, name: str, **changes: Any) -> tuple[Path, Any]:
    from engine.launch import export_config

    settings: dict[str, Any] = {
        "batch_size": 8,
        "learning_rate": 1e-3,
        "warmup_ratio": 0.0,
        "early_stopping_patience": 0,
        "logging_steps": 1,
    }
    settings.update(changes)
    data = tmp_path / "train.csv"
    if not data.exists():
        write_sentiment_csv(data, rows=160, seed=1)
        write_sentiment_csv(tmp_path / "val.csv", rows=40, seed=2)
    config = fast_config(
        data, tiny_model, tmp_path / name, validation=str(tmp_path / "val.csv"), **settings
    )
    path = tmp_path / f"{name}.json"
    return path, export_config(config, path)


def _fail(proc: subprocess.CompletedProcess[str] | Any, out: str = "", err: str = "") -> str:
    return f"exit {proc.returncode}\n--- stdout\n{out or proc.stdout}\n--- stderr\n{err or proc.stderr}"


# ----- the primitives, with two real processes ---------------------------------------------
AGREEMENT_SCRIPT = textwrap.dedent(
    """
    import json, os, sys, time
    from pathlib import Path
    from engine import distributed as dist

    out = Path(sys.argv[1])
    assert dist.world_size() == 2 and dist.is_distributed()
    assert dist.init_process_group("cpu")
    me = dist.rank()
    # a stop seen by rank 1 only stops both
    assert dist.any_rank(me == 1) is True
    assert dist.any_rank(False) is False
    # every rank gets rank 0's value
    assert dist.broadcast_from_main(f"folder-of-rank-{me}") == "folder-of-rank-0"
    # rank 0 fills the cache first; the other enters only once it is complete
    cache = out / "cache.txt"
    with dist.main_process_first():
        if me == 0:
            time.sleep(0.5)
            cache.write_text("filled", encoding="utf-8")
        else:
            assert cache.read_text(encoding="utf-8") == "filled"
    n = 300
    t = time.perf_counter()
    for _ in range(n):
        dist.any_rank(False)
    per_call = (time.perf_counter() - t) / n
    (out / f"rank{me}.json").write_text(json.dumps({"any_rank_s": per_call}), encoding="utf-8")
    dist.shutdown()
    """
)


def test_ranks_agree_on_stop_folder_and_cache_order(tmp_path: Path) -> None:
    script = tmp_path / "agree.py"
    script.write_text(AGREEMENT_SCRIPT, encoding="utf-8")
    proc = torchrun(script, tmp_path, timeout=120)
    assert proc.returncode == 0, _fail(proc)
    for rank in (0, 1):
        cost = json.loads((tmp_path / f"rank{rank}.json").read_text())["any_rank_s"]
        assert cost < 0.05, f"one stop check costs {cost * 1e3:.1f} ms"


def test_helpers_are_no_ops_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    assert distributed.world_size() == 1 and distributed.is_main_process()
    assert distributed.init_process_group("cpu") is False
    assert distributed.any_rank(True) is True and distributed.any_rank(False) is False
    assert distributed.broadcast_from_main("mine") == "mine"
    with distributed.main_process_first():
        pass
    distributed.barrier()
    distributed.shutdown()
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    assert distributed.is_distributed() and not distributed.is_main_process()


# ----- a whole run --------------------------------------------------------------------------
def test_torchrun_two_processes_write_one_run_folder_with_sane_metrics(
    tmp_path: Path, tiny_model: Path, strop_home: Path
) -> None:
    config_path, config = export(
        tmp_path, tiny_model, "run", max_steps=12, eval_steps=4, save_steps=4
    )
    run_dir = Path(config.output)

    proc = torchrun("main.py", "train", "--config", config_path)
    assert proc.returncode == 0, _fail(proc)

    # Rank 0 alone reports: one progress header, one final line; rank 1 is silent.
    assert proc.stdout.count("Training on cpu") == 1, proc.stdout
    assert "batch 16" in proc.stdout  # per-device 8 x 2 processes
    assert proc.stdout.count("Finished: accuracy") == 1
    assert "rank 1" not in proc.stderr

    # One run folder, one model folder, nothing half-written left behind
    assert not (strop_home / "runs").exists() or not any((strop_home / "runs").iterdir())
    models = [p.parent for p in run_dir.rglob("model.safetensors") if p.parent.name == "model"]
    assert models == [run_dir / "model"]
    staging = run_dir / ".staging"
    assert not staging.exists() or not any(staging.iterdir())
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(run_dir / "model")
    assert set(model.config.id2label.values()) == {"positive", "negative"}

    # Every checkpoint holds both ranks' RNG states (written before it was promoted)
    checkpoints = sorted(run_dir.glob("checkpoint-*"))
    assert checkpoints
    for ckpt in checkpoints:
        assert (ckpt / "rng_state_0.pth").is_file() and (ckpt / "rng_state_1.pth").is_file()

    # Effective batch and schedule: per-device x accumulation x processes, 12 steps in all
    status = json.loads((run_dir / "status.json").read_text())
    assert status["state"] == "finished"
    assert (status["processes"], status["effective_batch_size"]) == (2, 16)
    assert status["total_steps"] == status["step"] == 12
    state = json.loads((checkpoints[-1] / "trainer_state.json").read_text())
    assert state["max_steps"] == 12

    # metrics.jsonl: one line per log and evaluation, written once (not once per rank)
    recs = records(run_dir)
    assert steps(recs, "train") == list(range(1, 13))
    assert steps(recs, "eval") == [4, 8, 12]
    train = [r for r in recs if r["type"] == "train"]
    # The loss is the per-example mean (ln 2 for an untrained two-class model), not x2
    assert 0.3 < train[0]["loss"] < 1.0
    # Linear schedule without warmup over 12 steps: the learning rate at step k is
    # lr * (12 - k + 1) / 12, so the scheduler counted the same 12 steps.
    for r in train:
        assert r["learning_rate"] == pytest.approx(1e-3 * (13 - r["step"]) / 12, rel=1e-4)

    # Final metrics: computed over the whole validation file (gathered from both ranks),
    # by the model that was saved.
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert 0.0 <= metrics["accuracy"] <= 1.0 and 0.0 <= metrics["macro_f1"] <= 1.0
    assert metrics["num_examples"] == 40
    assert math.isfinite(metrics["eval_loss"]) and metrics["eval_loss"] < 1.0
    from engine.predict import evaluate

    again = evaluate(run_dir / "model", tmp_path / "val.csv", device="cpu")
    assert again["accuracy"] == pytest.approx(metrics["accuracy"])
    assert again["macro_f1"] == pytest.approx(metrics["macro_f1"])

    # The same kind of run folder as one process makes
    from engine.training import train

    single = train(config.replace(output=str(tmp_path / "single")))
    names = {p.name for p in run_dir.iterdir() if not p.name.startswith("checkpoint-")}
    single_names = {
        p.name for p in single.run_dir.iterdir() if not p.name.startswith("checkpoint-")
    }
    assert names == single_names
    assert {p.name for p in (run_dir / "model").iterdir()} == {
        p.name for p in (single.run_dir / "model").iterdir()
    }


def test_sigterm_to_torchrun_stops_both_ranks_with_a_checkpoint_and_resume_finishes(
    tmp_path: Path, tiny_model: Path
) -> None:
    total = 60
    config_path, config = export(
        tmp_path, tiny_model, "run", max_steps=total, eval_steps=10, save_steps=10
    )
    run_dir = Path(config.output)
    launcher = subprocess.Popen(
        [*TORCHRUN, "main.py", "train", "--config", str(config_path)],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while not (run_dir / "checkpoint-10").is_dir():
            assert launcher.poll() is None, _fail(launcher, *launcher.communicate())
            assert time.monotonic() < deadline, "no checkpoint after 180 s"
            time.sleep(0.05)
        launcher.send_signal(signal.SIGTERM)  # torchrun forwards it to both ranks
        out, err = launcher.communicate(timeout=120)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.communicate()

    status = json.loads((run_dir / "status.json").read_text())
    assert status["state"] == "stopped", _fail(launcher, out, err)
    stopped = status["step"]
    assert 10 <= stopped < total
    # Both ranks stopped on their own within torchrun's grace period: none was killed.
    assert "forcefully" not in err and "SIGKILL" not in err, err
    assert out.count(f"Stopped at step {stopped}") == 1, out
    last = max(run_dir.glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    assert last.name == f"checkpoint-{stopped}"  # the stop wrote a checkpoint at that step
    assert (last / "rng_state_0.pth").is_file() and (last / "rng_state_1.pth").is_file()
    assert (run_dir / "model" / "model.safetensors").is_file()

    proc = torchrun("main.py", "train", "--output", run_dir, "--resume")
    assert proc.returncode == 0, _fail(proc)
    assert f"resumed at step {stopped}" in proc.stdout
    status = json.loads((run_dir / "status.json").read_text())
    assert (status["state"], status["step"]) == ("finished", total)
    recs = records(run_dir)
    assert steps(recs, "train") == list(range(1, total + 1))  # nothing lost, nothing twice
    assert steps(recs, "eval") == list(range(10, total + 1, 10))
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["num_examples"] == 40 and 0.0 <= metrics["accuracy"] <= 1.0
