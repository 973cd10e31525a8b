"""Image classification throughput with the product's own defaults: ``train`` (the task's
settings for everything left to auto, the bundled EfficientNet-Lite0 starter) on an image
folder, then prediction; prints training and prediction images/s, the validation accuracy
and the run's time.

    python bench/image_throughput.py [DATA] [--classes daisy,dandelion] [--limit N]
        [--epochs E] [--strategy S] [--workers W]

DATA defaults to shared/datasets/flowers5 (train/ and val/ of five flower classes);
``--classes`` keeps some of them (the issue's acceptance check: two classes, ~250 training
images, >= 92% validation accuracy within 10 minutes on a 2-core CPU). ``--limit`` keeps at
most N training images per class (a quick run). Settings not given are the ``train``
defaults, so the figures are what ``python main.py train --data FOLDER`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import machine  # noqa: E402

DEFAULT_DATA = (
    next(
        (p for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if p.is_dir()),
        ROOT.parent / "shared",
    )
    / "datasets"
    / "flowers5"
)


def _subset(data: Path, classes: list[str], limit: int, dest: Path) -> Path:
    """A train/ (and val/) folder of links to some classes' images, at most ``limit`` train
    images per class (0: all)."""
    for split in ("train", "val", "validation"):
        if not (data / split).is_dir():
            continue
        for name in classes:
            src = data / split / name
            if not src.is_dir():
                raise SystemExit(f"{src}: no such class folder")
            target = dest / split / name
            target.mkdir(parents=True)
            files = sorted(p for p in src.iterdir() if p.is_file())
            if limit and split == "train":
                files = files[:limit]
            for f in files:
                os.symlink(f, target / f.name)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--classes", default="", help="comma-separated class folders to keep")
    parser.add_argument("--limit", type=int, default=0, help="training images per class (0: all)")
    parser.add_argument("--epochs", type=float, default=None)
    parser.add_argument("--strategy", default=None)
    parser.add_argument("--workers", type=int, default=None, help="DataLoader workers (spawned)")
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--precision", default=None, help="auto | fp32 | bf16")
    parser.add_argument("--out", default=None, help="run folder (default: a temporary one)")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from engine import tasks
    from engine.config import TrainConfig
    from engine.image_data import read_image_data
    from engine.image_model import starter_image_model_path
    from engine.training import train

    t0 = time.perf_counter()
    starter_image_model_path()
    starter_s = time.perf_counter() - t0
    tmp = Path(tempfile.mkdtemp(prefix="strop-image-bench-"))
    data = Path(args.data)
    if args.classes or args.limit:
        classes = [c for c in args.classes.split(",") if c] or sorted(
            p.name for p in (data / "train").iterdir() if p.is_dir()
        )
        data = _subset(data, classes, args.limit, tmp / "data")
    changes = {
        k: v
        for k, v in (
            ("epochs", args.epochs),
            ("strategy", args.strategy),
            ("dataloader_workers", args.workers),
            ("learning_rate", args.learning_rate),
            ("precision", args.precision),
        )
        if v is not None
    }
    config = TrainConfig(data=str(data), output=args.out or str(tmp / "run"), **changes)
    t0 = time.perf_counter()
    result = train(config)
    run_s = time.perf_counter() - t0
    metrics = result.metrics
    saved = json.loads((result.run_dir / "config.json").read_text(encoding="utf-8"))
    listed = read_image_data(str(data), validation_split=saved["validation_split"])
    # the last batch of an epoch can be short: count images, not batch_size * steps
    images_trained = float(metrics["epoch"]) * len(listed.train)

    predictor = tasks.get("image-classification").load_predictor(result.model_dir)
    paths = [p for p, _ in listed.validation]
    predictor.predict(paths[:2])  # warm-up
    t0 = time.perf_counter()
    predictor.predict(paths, batch_size=32)
    predict_s = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "machine": machine(),
                "data": str(args.data),
                "classes": args.classes or "all",
                "train_images": len(listed.train),
                "validation_images": len(listed.validation),
                "strategy": saved["strategy"],
                "learning_rate": saved["learning_rate"],
                "batch_size": saved["batch_size"],
                "epochs": saved["epochs"],
                "steps": metrics["step"],
                "dataloader_workers": saved["dataloader_workers"],
                "device": metrics.get("device"),
                "precision": metrics.get("precision"),
                "starter_ready_s": round(starter_s, 1),
                "train_s": round(metrics["train_seconds"], 1),
                "run_s_including_data_and_evaluation": round(run_s, 1),
                "train_images_per_s": round(images_trained / metrics["train_seconds"], 2),
                "predict_images": len(paths),
                "predict_images_per_s": round(len(paths) / predict_s, 2),
                "val_accuracy": round(metrics["accuracy"], 4),
                "val_macro_f1": round(metrics["macro_f1"], 4),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
