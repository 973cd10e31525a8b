#!/usr/bin/env bash
# The GPU check of issue 7, for a machine with CUDA: the starter model through the CLI with
# --device cuda in bf16 and fp16, then under torchrun over every visible GPU (when there are
# two or more). Prints one JSON line per run: its samples/s (median of the logged steps after
# the first 20) and final accuracy. About 3 minutes on one recent GPU.
#
#   bash bench/gpu_check.sh                  # defaults below
#   DEVICE=cpu PRECISIONS=fp32 MODEL=path/to/tiny MAX_STEPS=20 bash bench/gpu_check.sh   # dry run
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/strop-gpu-check}
DEVICE=${DEVICE:-cuda}
MODEL=${MODEL:-starter}
PRECISIONS=${PRECISIONS:-"bf16 fp16"}
MAX_STEPS=${MAX_STEPS:-300}
BATCH=${BATCH:-32}
DATA=${DATA:-../shared/datasets/uci_sentiment_sentences/all.csv}
rm -rf "$OUT" && mkdir -p "$OUT"
export STROP_HOME="$OUT/home" HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
if [ ! -f "$DATA" ]; then  # no shared datasets here: a generated two-class set
    DATA="$OUT/data.csv"
    python -c "import sys; sys.path.insert(0, '.'); from pathlib import Path; \
from tests.conftest import write_sentiment_csv; write_sentiment_csv(Path('$DATA'), rows=3000)"
fi
common=(train --data "$DATA" --model "$MODEL" --device "$DEVICE" --max-steps "$MAX_STEPS"
        --batch-size "$BATCH" --eval-steps "$MAX_STEPS" --logging-steps 5 --early-stopping 0 --quiet)
python -c "from engine.device import available_devices as a; [print(d.label) for d in a()]"
for precision in $PRECISIONS; do
    python main.py "${common[@]}" --precision "$precision" --output "$OUT/run-$precision"
done
gpus=$(python -c "import torch; print(torch.cuda.device_count())")
if [ "$DEVICE" = cuda ] && [ "$gpus" -gt 1 ]; then
    first=${PRECISIONS%% *}
    python -m torch.distributed.run --standalone --nproc_per_node "$gpus" main.py "${common[@]}" \
        --precision "$first" --output "$OUT/run-torchrun-$gpus-$first"
fi
python - "$OUT" <<'EOF'
import json, statistics, sys
from pathlib import Path

for run in sorted(Path(sys.argv[1]).glob("run-*")):
    logs = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    rates = [r["samples_per_second"] for r in logs if r["type"] == "train" and r["step"] > 20]
    rates = rates or [r["samples_per_second"] for r in logs if r["type"] == "train"]
    status = json.loads((run / "status.json").read_text())
    metrics = json.loads((run / "metrics.json").read_text())
    print(json.dumps({
        "run": run.name, "device": status.get("device"), "precision": status.get("precision"),
        "processes": status.get("processes", 1), "effective_batch": status.get("effective_batch_size"),
        "steps": status.get("step"), "samples_per_s": round(statistics.median(rates), 1),
        "accuracy": round(metrics["accuracy"], 4),
    }))
EOF
