"""Predict with, and evaluate, a fine-tuned image classifier (any model folder that
``AutoModelForImageClassification`` loads: the starter, a run's model, a ViT folder).

Images go through the same evaluation transform as validation during training (resize,
centre crop, normalise from the model folder), so scores here match the training report.
A file that cannot be decoded gets no label and an ``error`` code instead of stopping a
folder of thousands. Heavy imports stay inside functions.
"""

from __future__ import annotations

import csv
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from engine.errors import DatasetError, ModelLoadError

_OUTSIDE: dict[str, Any] = {
    "label": None,
    "scores": {},
    "error": "The path leads outside the file's folder.",
}


class ImagePrediction(dict):  # type: ignore[type-arg]
    """One image's prediction: a plain dict (``path``, ``label``, ``scores``, and ``error`` or
    ``uncertain`` where they apply) with ``to_dict()``, as the CLI prints every task's
    predictions."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self)


class ImagePredictor:
    """Loads a model folder once; ``predict`` takes image paths, returns plain dicts."""

    def __init__(
        self,
        model_dir: str | os.PathLike[str],
        *,
        batch_size: int = 32,
        device: str = "cpu",
        num_workers: int = 0,
    ) -> None:
        import torch
        from transformers import AutoModelForImageClassification

        from engine.image_data import build_transform, image_preprocessing
        from engine.predict import resolve_model_dir

        self.model_dir = resolve_model_dir(model_dir)
        if not (self.model_dir / "config.json").is_file():
            raise ModelLoadError(
                f"{self.model_dir} is not a model folder (no config.json).",
                hint="Choose a trained run or a model folder.",
            )
        try:
            self.model = AutoModelForImageClassification.from_pretrained(
                str(self.model_dir), local_files_only=True
            )
        except Exception as exc:
            raise ModelLoadError(
                f"Cannot load the image model in {self.model_dir}: {exc}",
                hint="Choose a folder saved by Strop or an image-classification model.",
            ) from exc
        self.device = torch.device(device)
        self.model.to(self.device).eval()
        self.labels = [self.model.config.id2label[i] for i in range(self.model.config.num_labels)]
        self.prep = image_preprocessing(self.model_dir)
        self.transform = build_transform(self.prep, train=False)
        self.batch_size = batch_size
        self.num_workers = num_workers

    def _probabilities(self, pixel_values: Any) -> Any:
        import torch

        with torch.inference_mode():
            logits = self.model(pixel_values=pixel_values.to(self.device)).logits
        return logits.float().softmax(-1).cpu().numpy()

    def predict(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        batch_size: int | None = None,
        min_confidence: float | None = None,
    ) -> list[ImagePrediction]:
        """One dict per path, in order: ``path``, ``label``, ``scores`` {label: probability};
        unreadable files have ``label`` None, empty ``scores`` and an ``error`` message. With
        ``min_confidence``, ``uncertain`` says whether the top probability is below it."""
        import torch

        from engine.image_data import open_rgb

        size = batch_size or self.batch_size
        results: list[ImagePrediction] = []
        for start in range(0, len(paths), size):
            chunk = [str(p) for p in paths[start : start + size]]
            tensors, good = [], []
            out: list[ImagePrediction] = []
            for p in chunk:
                try:
                    tensors.append(self.transform(open_rgb(p)))
                    good.append(len(out))
                    out.append(ImagePrediction(path=p))
                except DatasetError as exc:
                    out.append(ImagePrediction(path=p, label=None, scores={}, error=exc.message))
            if tensors:
                probs = self._probabilities(torch.stack(tensors))
                for row, i in zip(probs, good, strict=True):
                    out[i]["label"] = self.labels[int(row.argmax())]
                    out[i]["scores"] = {
                        label: float(v) for label, v in zip(self.labels, row, strict=True)
                    }
                    if min_confidence is not None:
                        out[i]["uncertain"] = bool(row.max() < min_confidence)
            results.extend(out)
        return results

    def predict_file(
        self,
        path: str | os.PathLike[str],
        out: str | os.PathLike[str],
        *,
        text_column: str | None = None,
        batch_size: int | None = None,
        min_confidence: float | None = None,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Predict a folder of images (recursively) or a CSV/Parquet of image paths (its
        ``text_column``, else the column that holds image names) into the CSV ``out``."""
        if batch_size:
            self.batch_size = batch_size
        if Path(path).is_dir():
            return self.predict_folder(path, out, progress=progress, stop=stop)
        return self.predict_csv(path, out, path_column=text_column, progress=progress, stop=stop)

    def _write_csv(
        self,
        rows: Sequence[dict[str, Any]],
        paths: Sequence[str | None],
        out: str | os.PathLike[str],
        progress: Callable[[int, int], None] | None,
        stop: threading.Event | None,
    ) -> int:
        """Predict ``paths`` in chunks into ``out`` (staged as .part, then os.replace)."""
        out_path = Path(out).expanduser()
        tmp = out_path.with_name(out_path.name + ".part")
        total = len(paths)
        written = 0
        extra = [k for k in (rows[0] if rows else {}) if k != "path"]
        chunk = max(self.batch_size * 4, 128)
        try:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(
                    ["path", *extra, "label", *[f"p_{label}" for label in self.labels], "error"]
                )
                for start in range(0, total, chunk):
                    if stop is not None and stop.is_set():
                        break
                    part = paths[start : start + chunk]
                    readable = iter(self.predict([p for p in part if p is not None]))
                    preds = [next(readable) if p is not None else dict(_OUTSIDE) for p in part]
                    for src, pred in zip(rows[start : start + chunk], preds, strict=True):
                        scores = pred["scores"]
                        writer.writerow(
                            [
                                src["path"],
                                *[src[k] for k in extra],
                                pred["label"] or "",
                                *[
                                    f"{scores[label]:.6f}" if scores else ""
                                    for label in self.labels
                                ],
                                pred.get("error", ""),
                            ]
                        )
                    written += len(part)
                    if progress:
                        progress(written, total)
            os.replace(tmp, out_path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise DatasetError(
                f"{out_path}: cannot write predictions ({exc.strerror or exc})."
            ) from None
        return written

    def predict_folder(
        self,
        folder: str | os.PathLike[str],
        out: str | os.PathLike[str],
        *,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Predict every image under ``folder`` (recursively) into a CSV of path (relative to
        the folder), label, one probability column per class, error. Returns rows written."""
        from engine.image_data import IMAGE_EXTENSIONS, natural_key

        root = Path(folder)
        if not root.is_dir():
            raise DatasetError(f"{root} is not a folder.", hint="Choose a folder of images.")
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames, key=natural_key):
                if not name.startswith(".") and os.path.splitext(name)[1].lower() in (
                    IMAGE_EXTENSIONS
                ):
                    found.append(os.path.join(dirpath, name))
        if not found:
            raise DatasetError(f"{root} holds no images.", hint="Choose a folder of images.")
        rows = [{"path": os.path.relpath(p, root)} for p in found]
        return self._write_csv(rows, found, out, progress, stop)

    def predict_csv(
        self,
        path: str | os.PathLike[str],
        out: str | os.PathLike[str],
        *,
        path_column: str | None = None,
        progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Predict the images a CSV/Parquet lists (paths relative to the file) into a CSV: the
        path, the file's other columns, label, one probability column per class, error."""
        from engine.image_data import _path_fraction, _read_table

        src = Path(path)
        table = _read_table(src)
        columns = [str(c) for c in table.columns]
        if path_column is None:
            head = table.head(200)
            path_column = max(columns, key=lambda c: _path_fraction(head[c].tolist()))
            if _path_fraction(head[path_column].tolist()) < 0.5:
                raise DatasetError(
                    f"No column of {src} holds image file names.",
                    hint="Name the column with the image paths.",
                )
        elif path_column not in columns:
            raise DatasetError(
                f"{src} has no column {path_column!r}.", hint="Choose one of the file's columns."
            )
        base = src.parent.resolve()
        rel = [str(v).strip() for v in table[path_column].tolist()]
        full: list[str | None] = []
        for r in rel:
            candidate = (base / r).resolve()
            # A path leading outside the file's folder is not read (the table may be foreign).
            full.append(str(candidate) if candidate.is_relative_to(base) else None)
        others = [c for c in columns if c != path_column and c not in ("path", "label", "error")]
        records = table[others].astype(str).to_dict("records") if others else [{}] * len(rel)
        rows = [{"path": r, **rec} for r, rec in zip(rel, records, strict=True)]
        return self._write_csv(rows, full, out, progress, stop)


def evaluate(
    model_dir: str | os.PathLike[str],
    data_path: str | os.PathLike[str],
    *,
    batch_size: int = 32,
    path_column: str | None = None,
    label_column: str | None = None,
    device: str = "cpu",
) -> dict[str, Any]:
    """Accuracy, macro F1, per-class figures and confusion matrix of a model on labelled
    images. A folder with train/ and val/ is evaluated on its validation images; any other
    folder or table on all its images. Unreadable images are counted in ``skipped``."""
    from engine.image_data import _read_source, _Skips, natural_key
    from engine.metrics import classification_metrics

    predictor = ImagePredictor(model_dir, batch_size=batch_size, device=device)
    skips = _Skips()
    train, val = _read_source(Path(data_path), path_column, label_column, skips)
    per_class = val if val is not None else train
    unknown = sorted(set(per_class) - set(predictor.labels), key=natural_key)
    if unknown:
        raise DatasetError(
            f"{data_path} has labels the model does not know: {', '.join(unknown[:5])}.",
            hint=f"The model's labels are: {', '.join(predictor.labels[:10])}.",
        )
    label2id = {label: i for i, label in enumerate(predictor.labels)}
    items = [(p, label2id[c]) for c in sorted(per_class, key=natural_key) for p in per_class[c]]
    if not items:
        raise DatasetError(f"{data_path}: no images to evaluate.")
    preds = predictor.predict([p for p, _ in items])
    y_true, y_pred = [], []
    for (path, gold), pred in zip(items, preds, strict=True):
        if pred["label"] is None:
            skips.add(path, "unreadable")
            continue
        y_true.append(gold)
        y_pred.append(label2id[pred["label"]])
    result = classification_metrics(y_true, y_pred, predictor.labels)
    result["split"] = "validation" if val is not None else "all"
    result["skipped"] = skips.count
    result["skipped_examples"] = skips.examples
    return result
