"""Predict with this exported classifier.

    python predict.py "first text" "second text"
    python predict.py < texts.txt          (one text per line)

Prints one JSON object per text: the top label and a probability for every class.
Needs Python 3.10+ with transformers and torch (pip install transformers torch).
"""

import json
import sys
from pathlib import Path

from transformers import pipeline

HERE = Path(__file__).resolve().parent


def main(texts: list[str]) -> int:
    if not texts and not sys.stdin.isatty():
        texts = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    if not texts:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    meta_file = HERE / "strop.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    classify = pipeline("text-classification", model=str(HERE), top_k=None)
    results = classify(texts, truncation=True, max_length=meta.get("max_length") or 512)
    for text, scores in zip(texts, results, strict=True):
        best = max(scores, key=lambda s: s["score"])
        probabilities = {s["label"]: round(s["score"], 6) for s in scores}
        record = {"text": text, "label": best["label"], "scores": probabilities}
        print(json.dumps(record, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
