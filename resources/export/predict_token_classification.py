"""Find named entities with this exported tagger.

    python predict.py "Angela Merkel visited Paris." "second text"
    python predict.py < texts.txt          (one text per line)

Prints one JSON object per text: {"text", "entities": [{"text", "label", "start", "end",
"score"}]}, with character offsets into the text and labels without the B-/I- prefix.
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
    # "simple" aggregation merges sub-words and B-/I- tags into whole entities; long texts
    # run in overlapping windows of the length the model was trained with.
    meta_file = HERE / "strop.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    tag = pipeline("token-classification", model=str(HERE), aggregation_strategy="simple")
    options = {}
    if meta.get("max_length") and tag.tokenizer.is_fast:
        tag.tokenizer.model_max_length = int(meta["max_length"])
        options["stride"] = min(int(meta.get("stride") or 32), int(meta["max_length"]) // 2 - 2)
    for text in texts:
        entities = [
            {
                "text": text[int(e["start"]) : int(e["end"])],
                "label": e["entity_group"],
                "start": int(e["start"]),
                "end": int(e["end"]),
                "score": round(float(e["score"]), 6),
            }
            for e in tag(text, **options)
        ]
        print(json.dumps({"text": text, "entities": entities}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
