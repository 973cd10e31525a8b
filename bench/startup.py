"""Start-up: seconds from process start to the window shown, painted and answering, and
torch ready in the background, cold imports included.

    python bench/startup.py              # 7 launches, ~1-2 minutes
    python bench/startup.py --runs 3

Launches ``python main.py`` as a user would, with the window's own hooks:
``STROP_STARTUP_REPORT`` (a JSON record written right after ``window.show()``: when, and
which heavy modules were already imported) and ``STROP_QUIT_AFTER_MS`` (close soon after).
The clock starts just before the process is spawned, so interpreter start-up and every
import count. Each launch gets a fresh ``STROP_HOME`` (a first launch, the worst case).
Without a display it uses Qt's offscreen platform.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import common


def launch(work: Path, i: int) -> dict:
    report = work / f"startup-{i}.json"
    env = {
        "STROP_STARTUP_REPORT": str(report),
        "STROP_QUIT_AFTER_MS": "60000",
        "STROP_QUIT_WHEN_READY": "1",
    }
    record, t0 = common.launch_window(["main.py"], work / f"home-{i}", report, env)
    record["seconds"] = record["shown"] - t0
    record["paint"] = (record.get("painted") or float("nan")) - t0
    record["turn"] = (record.get("loop_turned") or float("nan")) - t0
    record["ready"] = (record.get("torch_ready") or float("nan")) - t0
    stalls = record.get("stalls", [])
    record["worst"] = max((late for _, late in stalls), default=0.0)
    record["over_100ms"] = sorted(late for _, late in stalls if late > 0.1)
    # the stall that overlaps the torch library load (the window records when it ran; in a
    # frozen app, where the load happens inside the import, the longest stall stands in)
    span = record.get("library_load")
    if span:
        during = [late for end, late in stalls if end > span[0] and end - late < span[1]]
    else:
        during = [record["worst"]] if stalls else []
    record["load_stall"] = max(during, default=0.0)
    record["others"] = sorted(late for end, late in stalls if late > 0.1 and late not in during)
    return record


def python_baseline(runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - t)
    return common.median(times)


def main() -> None:
    timeline = "--timeline" in sys.argv  # each launch's stalls, when they began
    if timeline:
        sys.argv.remove("--timeline")
    with common.launch_bench(__doc__, 7, "strop-bench-startup-") as (runs, work):
        records = []
        for i in range(runs):
            r = launch(work, i)
            records.append(r)
            heavy = ", ".join(r["heavy_modules_at_show"]) or "none"
            print(
                f"launch {i + 1}: shown {r['seconds']:.2f} s, painted {r['paint']:.2f} s, "
                f"event loop turning {r['turn']:.2f} s, torch ready {r['ready']:.2f} s; "
                f"stalls over 100 ms until then: {r['over_100ms'] or 'none'} "
                f"(heavy modules imported before show: {heavy}; exit {r['exit']})",
                flush=True,
            )
            if timeline:
                span = r.get("library_load")
                load = f"{span[0]:.2f}-{span[1]:.2f} s" if span else "-"
                shown = ", ".join(f"{end - late:.2f}+{late:.2f}" for end, late in r["stalls"])
                print(f"  torch library load {load}; every stall over 50 ms (start+length): "
                      f"{shown or 'none'}", flush=True)  # fmt: skip
    seconds = [r["seconds"] for r in records]
    med = common.median(seconds)
    baseline = python_baseline(5)
    heavy = sorted({m for r in records for m in r["heavy_modules_at_show"]})
    print()
    print(
        f"median {med:.2f} s, min {min(seconds):.2f} s, max {max(seconds):.2f} s over "
        f"{len(seconds)} launches (a bare 'python -c pass' takes {baseline:.2f} s here)"
    )
    print(f"heavy modules imported before the window showed: {', '.join(heavy) or 'none'}")
    turn = common.median([r["turn"] for r in records])
    ready = common.median([r["ready"] for r in records])
    # the torch library load may stall the window once; every other stall must stay < 100 ms
    others = [s for r in records for s in r["others"]]
    load = ", ".join(f"{r['load_stall']:.2f}" for r in records)
    worst = ", ".join(f"{r['worst']:.2f}" for r in records)
    print(
        f"painted and the event loop turning: median {turn:.2f} s after launch (target < 1 s: "
        f"{'met' if turn < 1.0 else 'MISSED'}); torch ready: median {ready:.2f} s; the longest "
        f"stall per launch: {worst} s; during the torch library load: {load} s; other stalls "
        f"over 100 ms: {others or 'none'} (target none: {'MISSED' if others else 'met'})"
    )
    print(
        f"target < 1.0 s with torch and transformers not imported: "
        f"{'met' if med < 1.0 and not {'torch', 'transformers'} & set(heavy) else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
