"""Image classification throughput: fine-tune the starter (EfficientNet-Lite0) on an image
folder with transformers' Trainer, then print training and prediction images/s and the
validation accuracy.

    python bench/image_throughput.py [DATA] [--epochs 1] [--strategy full] [--limit N]

DATA defaults to shared/datasets/flowers5 (train/ and val/ of five flower classes). Uses the
engine's own pieces (read_image_data, ImageDataset, collate_images, apply_image_strategy,
ImagePredictor), so the figures are the product's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "flowers5"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(DEFAULT_DATA))
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--strategy", default="full")
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--workers", type=int, default=0, help="DataLoader workers (spawned)")
    parser.add_argument("--limit", type=int, default=0, help="use at most N training images")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModelForImageClassification, Trainer, TrainingArguments

    from engine.image_data import ImageDataset, collate_images, image_preprocessing, read_image_data
    from engine.image_model import apply_image_strategy, starter_image_model_path
    from engine.image_predict import ImagePredictor
    from engine.metrics import classification_metrics

    if args.threads:
        torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    starter = starter_image_model_path()
    t_starter = time.perf_counter() - t0
    data = read_image_data(args.data)
    train = data.train
    if args.limit and len(train) > args.limit:
        train = random.Random(0).sample(train, args.limit)
    prep = image_preprocessing(starter)
    model = AutoModelForImageClassification.from_pretrained(
        str(starter),
        num_labels=len(data.labels),
        id2label=data.id2label,
        label2id=data.label2id,
        ignore_mismatched_sizes=True,
    )
    trainable, total = apply_image_strategy(model, args.strategy)
    lr = args.lr or {"head": 1e-2, "full": 1e-3}.get(args.strategy, 2e-3)
    out = Path(tempfile.mkdtemp(prefix="strop-image-bench-"))
    targs = TrainingArguments(
        output_dir=str(out),
        num_train_epochs=args.epochs,
        per_device_train_batch_size=args.batch_size,
        learning_rate=lr,
        warmup_steps=0.1,
        lr_scheduler_type="cosine",
        weight_decay=0.01,
        report_to=[],
        save_strategy="no",
        logging_steps=10,
        use_cpu=True,
        remove_unused_columns=False,
        dataloader_num_workers=args.workers,
        seed=0,
    )
    trainer = Trainer(
        model=model,
        args=targs,
        train_dataset=ImageDataset(train, prep, train=True),
        data_collator=collate_images,
    )
    t0 = time.perf_counter()
    trainer.train()
    t_train = time.perf_counter() - t0
    model_dir = out / "model"
    trainer.save_model(str(model_dir))
    (model_dir / "preprocessor_config.json").write_bytes(
        (starter / "preprocessor_config.json").read_bytes()
    )

    predictor = ImagePredictor(model_dir, batch_size=32)
    paths = [p for p, _ in data.validation]
    t0 = time.perf_counter()
    preds = predictor.predict(paths)
    t_pred = time.perf_counter() - t0
    label2id = data.label2id
    metrics = classification_metrics(
        [y for _, y in data.validation], [label2id[p["label"]] for p in preds], data.labels
    )
    print(
        json.dumps(
            {
                "data": args.data,
                "strategy": args.strategy,
                "learning_rate": lr,
                "trainable_params": trainable,
                "total_params": total,
                "train_images": len(train),
                "epochs": args.epochs,
                "torch_threads": torch.get_num_threads(),
                "starter_ready_s": round(t_starter, 1),
                "train_s": round(t_train, 1),
                "train_images_per_s": round(len(train) * args.epochs / t_train, 2),
                "predict_images": len(paths),
                "predict_images_per_s": round(len(paths) / t_pred, 2),
                "val_accuracy": round(metrics["accuracy"], 4),
                "val_macro_f1": round(metrics["macro_f1"], 4),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
