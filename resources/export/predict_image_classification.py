"""Predict with this exported image classifier.

    python predict.py photo1.jpg photo2.png ...

Prints one JSON object per image: its path, the top label and a probability for every class.
Needs Python 3.10+ with transformers, torch and Pillow (pip install transformers torch pillow).
"""

import json
import sys
from pathlib import Path

from PIL import Image, ImageOps
from transformers import pipeline

HERE = Path(__file__).resolve().parent


def load(path: str) -> Image.Image:
    """The image upright (EXIF orientation) and in RGB, as the model was trained."""
    with Image.open(path) as image:
        image.seek(0)  # a GIF's first frame
        upright = ImageOps.exif_transpose(image)
        if upright.mode in ("RGBA", "LA", "P"):
            rgba = upright.convert("RGBA")
            background = Image.new("RGB", rgba.size, (255, 255, 255))
            background.paste(rgba, mask=rgba.getchannel("A"))
            return background
        return upright.convert("RGB")


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    classify = pipeline("image-classification", model=str(HERE))
    top_k = classify.model.config.num_labels
    status = 0
    for path in paths:
        try:
            image = load(path)
        except (OSError, ValueError) as exc:
            print(json.dumps({"path": path, "label": None, "scores": {}, "error": str(exc)}))
            status = 1
            continue
        scores = classify(image, top_k=top_k)
        best = max(scores, key=lambda s: s["score"])
        probabilities = {s["label"]: round(s["score"], 6) for s in scores}
        record = {"path": path, "label": best["label"], "scores": probabilities}
        print(json.dumps(record, ensure_ascii=False))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
