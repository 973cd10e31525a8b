"""Image classification data: find it, list it, check it, decode it for training.

Three layouts are read: a folder of class subfolders; a folder with ``train/`` (and ``val/``,
``valid/`` or ``validation/``) holding class subfolders; a CSV/Parquet table whose one column
holds image paths relative to the table's folder. Listing is cheap (names and sizes only), so
a folder of 50,000 photos opens at once; images are decoded lazily, in DataLoader workers, and
the report samples what needs decoding.

Decoding (``open_rgb``) applies EXIF orientation, turns every mode into RGB (transparent
pixels onto white), takes a GIF's first frame and refuses decompression bombs.

``ImageDataset`` yields ``{"pixel_values": tensor, "labels": int}`` for transformers' Trainer;
``collate_images`` batches them. The dataset pickles as plain data (paths, ints, floats) and
builds its transform (Pillow + numpy) on first use inside each worker, so DataLoader workers can be
spawned (``multiprocessing_context="spawn"``, which works under a QThread and in the frozen
app). Heavy imports stay inside functions: the GUI imports this module at start-up.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import DatasetError

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"})
TABLE_EXTENSIONS = frozenset({".csv", ".tsv", ".parquet"})
VALIDATION_NAMES = ("val", "valid", "validation")
# Same bound as Pillow's warning threshold (~89 Mpx: a 9,500 x 9,500 photo); beyond it Strop
# refuses the file instead of letting one bomb take gigabytes of memory.
MAX_IMAGE_PIXELS = 89_478_485
TINY_SIDE = 32
EXTREME_ASPECT = 4.0
SKIPPED_EXAMPLES = 5


# --------------------------------------------------------------------------- decoding


def open_rgb(
    path: str | os.PathLike[str], *, max_pixels: int = MAX_IMAGE_PIXELS, min_side: int = 0
) -> Any:
    """Decode an image file into an RGB PIL image, upright, or raise DatasetError.

    The size check reads only the header, before any pixel is decoded. ``min_side``: a JPEG
    may be decoded at a reduced scale (``draft``: 1/2, 1/4 or 1/8, in the decoder) as long as
    both sides stay at least this long; a phone photo (12 megapixels) then decodes about 4x
    faster, which matters once a run reads every photo several times an epoch's worth.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    try:
        img = Image.open(path)
    except UnidentifiedImageError as exc:
        raise DatasetError(
            f"{path} is not an image Strop can read.", hint="Remove it or convert it to JPEG/PNG."
        ) from exc
    except OSError as exc:
        raise DatasetError(f"Cannot open {path}: {exc}", hint="Check the file.") from exc
    with img:
        w, h = img.size
        if w * h > max_pixels:
            raise DatasetError(
                f"{path} is {w} x {h} pixels, more than the {max_pixels:,} Strop accepts "
                "(a possible decompression bomb).",
                hint="Resize the image or remove it.",
            )
        try:
            if min_side and img.format == "JPEG":
                img.draft(None, (min_side, min_side))
            img.seek(0)  # first frame of a GIF / animated WebP
            img.load()
            upright: Any = ImageOps.exif_transpose(img) or img
            return _to_rgb(upright)
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            raise DatasetError(
                f"{path} is damaged or truncated: {exc}", hint="Remove it or replace it."
            ) from exc


def _to_rgb(img: Any) -> Any:
    from PIL import Image

    if img.mode == "RGB":
        return img.copy()
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        img = img.convert("RGBA")
        background = Image.new("RGBA", img.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, img).convert("RGB")
    if img.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16/32-bit grayscale: scale to 8 bits instead of clipping at 255.
        import numpy as np

        arr = np.asarray(img, dtype=np.float64)
        top = arr.max() or 1.0
        img = Image.fromarray((arr * (255.0 / top)).astype("uint8"), mode="L")
    return img.convert("RGB")


def thumbnail(path: str | os.PathLike[str], size: int) -> Any:
    """A small RGB preview, never raising: an unreadable file gives a grey placeholder.

    JPEGs are decoded at reduced scale (``draft``), so this is cheap enough to call for
    thousands of files from a worker thread.
    """
    from PIL import Image, ImageDraw, ImageOps

    size = max(1, int(size))
    try:
        with Image.open(path) as img:
            w, h = img.size
            if w * h > MAX_IMAGE_PIXELS:
                raise DatasetError(f"{path} is too large")
            if img.format == "JPEG":
                img.draft("RGB", (size, size))
            img.seek(0)
            img.load()
            small: Any = _to_rgb(ImageOps.exif_transpose(img) or img)
            small.thumbnail((size, size))
            return small
    except Exception:  # any input: the preview must not take the GUI down
        placeholder = Image.new("RGB", (size, size), (200, 200, 200))
        draw = ImageDraw.Draw(placeholder)
        draw.line((0, 0, size - 1, size - 1), fill=(150, 150, 150))
        draw.line((0, size - 1, size - 1, 0), fill=(150, 150, 150))
        return placeholder


# --------------------------------------------------------------------------- listing


@dataclass
class ImageData:
    """Train and validation lists of (path, label id); ``labels`` are the names, in order."""

    train: list[tuple[str, int]]
    validation: list[tuple[str, int]]
    labels: list[str]
    source: str
    validation_source: str  # "folder", "file" or "split"
    skipped: int = 0
    skipped_examples: list[dict[str, str]] = field(default_factory=list)

    @property
    def label2id(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.labels)}

    @property
    def id2label(self) -> dict[int, str]:
        return dict(enumerate(self.labels))


def natural_key(text: str) -> list[Any]:
    """Sort key: 'class2' before 'class10', case-insensitive."""
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", text)]


class _Skips:
    def __init__(self) -> None:
        self.count = 0
        self.examples: list[dict[str, str]] = []

    def add(self, path: str | Path, reason: str) -> None:
        self.count += 1
        if len(self.examples) < SKIPPED_EXAMPLES:
            self.examples.append({"path": str(path), "reason": reason})


def _is_image_name(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def _class_folders(root: Path) -> list[Path]:
    try:
        return sorted(
            (Path(e.path) for e in os.scandir(root) if e.is_dir() and not e.name.startswith(".")),
            key=lambda p: natural_key(p.name),
        )
    except OSError as exc:
        raise DatasetError(f"Cannot list {root}: {exc}", hint="Check the folder.") from exc


def _list_class_folder(folder: Path, skips: _Skips) -> list[str]:
    """Image files under one class folder (recursively), in name order; 0-byte files skipped."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames, key=natural_key):
            if name.startswith(".") or not _is_image_name(name):
                continue
            full = os.path.join(dirpath, name)
            try:
                if os.path.getsize(full) == 0:
                    skips.add(full, "empty_file")
                    continue
            except OSError:
                skips.add(full, "unreadable")
                continue
            found.append(full)
    return found


def _read_split_folder(root: Path, skips: _Skips) -> dict[str, list[str]]:
    folders = _class_folders(root)
    per_class: dict[str, list[str]] = {}
    for folder in folders:
        files = _list_class_folder(folder, skips)
        if not files:
            raise DatasetError(
                f"The class folder {folder} holds no images.",
                hint="Add images to it or remove the folder.",
            )
        per_class[folder.name] = files
    return per_class


def _saved_dataset(path: Path) -> bool:
    return (
        (path / "dataset_info.json").exists()
        or (path / "state.json").exists()
        or (path / "dataset_dict.json").exists()
        or any(path.glob("*.arrow"))
    )


def _split_dirs(root: Path) -> tuple[Path | None, Path | None]:
    train = root / "train" if (root / "train").is_dir() else None
    val = next((root / n for n in VALIDATION_NAMES if (root / n).is_dir()), None)
    return train, val


def _read_table(path: Path) -> Any:
    import pandas as pd

    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        sep = "\t" if suffix == ".tsv" else None
        return pd.read_csv(path, sep=sep, engine="python", dtype=str, keep_default_na=False)
    except Exception as exc:
        raise DatasetError(f"Cannot read {path}: {exc}", hint="Check the file.") from exc


def _path_fraction(values: Iterable[Any]) -> float:
    values = [v for v in values if isinstance(v, str) and v.strip()]
    if not values:
        return 0.0
    return sum(_is_image_name(v.strip()) for v in values) / len(values)


def _guess_table_columns(
    table: Any, path: Path, path_column: str | None, label_column: str | None
) -> tuple[str, str]:
    columns = [str(c) for c in table.columns]
    for given in (path_column, label_column):
        if given is not None and given not in columns:
            raise DatasetError(
                f"{path} has no column {given!r} (columns: {', '.join(columns)}).",
                hint="Choose one of the file's columns.",
            )
    if path_column is None:
        head = table.head(200)
        scores = {c: _path_fraction(head[c].tolist()) for c in columns if c != label_column}
        best = max(scores, key=lambda c: scores[c], default=None)
        if best is None or scores[best] < 0.5:
            raise DatasetError(
                f"No column of {path} holds image file names.",
                hint="Name the column with the image paths.",
            )
        path_column = best
    if label_column is None:
        rest = [c for c in columns if c != path_column]
        named = [c for c in rest if c.lower() in ("label", "labels", "class", "category", "target")]
        if named:
            label_column = named[0]
        elif len(rest) == 1:
            label_column = rest[0]
        else:
            raise DatasetError(
                f"Cannot tell which column of {path} holds the labels ({', '.join(rest)}).",
                hint="Name the label column.",
            )
    return path_column, label_column


def _read_table_items(
    path: Path, path_column: str | None, label_column: str | None, skips: _Skips
) -> list[tuple[str, str]]:
    table = _read_table(path)
    pcol, lcol = _guess_table_columns(table, path, path_column, label_column)
    base = path.parent.resolve()
    items: list[tuple[str, str]] = []
    for row, (rel, label) in enumerate(
        zip(table[pcol].tolist(), table[lcol].tolist(), strict=True), start=2
    ):
        if not isinstance(rel, str) or not rel.strip():
            skips.add(f"{path} row {row}", "no_path")
            continue
        if label is None or str(label).strip() == "":
            skips.add(f"{path} row {row}", "no_label")
            continue
        full = (base / rel.strip()).resolve()
        if not full.is_relative_to(base):
            skips.add(f"{path} row {row}: {rel}", "outside_folder")
            continue
        if not full.is_file():
            skips.add(f"{path} row {row}: {rel}", "missing")
            continue
        if full.stat().st_size == 0:
            skips.add(str(full), "empty_file")
            continue
        items.append((str(full), str(label).strip()))
    if not items:
        raise DatasetError(
            f"{path} lists no image that exists next to it (column {pcol!r}).",
            hint="Paths must be relative to the file's folder.",
        )
    return items


def _grouped(items: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for p, label in items:
        out[label].append(p)
    return dict(out)


def _read_source(
    path: Path, path_column: str | None, label_column: str | None, skips: _Skips
) -> tuple[dict[str, list[str]], dict[str, list[str]] | None]:
    """(train per class, validation per class or None) for a folder or a table."""
    if not path.exists():
        raise DatasetError(f"{path} does not exist.", hint="Choose an existing folder or file.")
    if path.is_file():
        if path.suffix.lower() not in TABLE_EXTENSIONS:
            raise DatasetError(
                f"{path} is not a folder of images or a CSV/Parquet list of images.",
                hint="Choose a folder with one subfolder per class.",
            )
        return _grouped(_read_table_items(path, path_column, label_column, skips)), None
    if _saved_dataset(path):
        raise DatasetError(
            f"{path} is a saved datasets folder, not a folder of images.",
            hint="Choose a folder with one subfolder per class.",
        )
    train_dir, val_dir = _split_dirs(path)
    if train_dir is not None:
        train = _read_split_folder(train_dir, skips)
        val = _read_split_folder(val_dir, skips) if val_dir is not None else None
        return train, val
    return _read_split_folder(path, skips), None


def read_image_data(
    path: str | os.PathLike[str],
    validation: str | os.PathLike[str] | None = None,
    *,
    validation_split: float = 0.1,
    seed: int = 0,
    path_column: str | None = None,
    label_column: str | None = None,
) -> ImageData:
    """List an image data set; split off a stratified validation set when none is given.

    Only names and sizes are read here. Files that cannot be used (empty, missing, outside
    the table's folder) are skipped and counted; damaged files are found when decoded.
    """
    from engine.data import stratified_split

    root = Path(path)
    skips = _Skips()
    train, val = _read_source(root, path_column, label_column, skips)
    validation_source = "folder" if val is not None else "split"
    if validation is not None:
        vtrain, vval = _read_source(Path(validation), path_column, label_column, skips)
        val = vtrain if vval is None else {**vtrain, **vval}
        validation_source = "file"
    if not train:
        raise DatasetError(
            f"{root} holds no images.",
            hint="Put the images in one subfolder per class (e.g. cats/, dogs/).",
        )
    if len(train) < 2:
        only = next(iter(train))
        raise DatasetError(
            f"{root} has only one class ({only!r}); classification needs at least two.",
            hint="Add a folder of images for each other class.",
        )
    labels = sorted(train, key=natural_key)
    if val is not None:
        extra = sorted(set(val) - set(train), key=natural_key)
        if extra:
            raise DatasetError(
                f"The validation data has classes that training lacks: {', '.join(extra[:5])}.",
                hint="Add training images for them or remove them from validation.",
            )
    label2id = {name: i for i, name in enumerate(labels)}
    train_items = [(p, label2id[c]) for c in labels for p in train[c]]
    if val is None:
        ids = [label for _, label in train_items]
        t_idx, v_idx = stratified_split(ids, validation_split, seed)
        val_items = [train_items[i] for i in v_idx]
        train_items = [train_items[i] for i in t_idx]
    else:
        val_items = [(p, label2id[c]) for c in labels if c in val for p in val[c]]
    return ImageData(
        train=train_items,
        validation=val_items,
        labels=labels,
        source=str(root),
        validation_source=validation_source,
        skipped=skips.count,
        skipped_examples=skips.examples,
    )


def detect_image_data(path: str | os.PathLike[str]) -> float:
    """How much ``path`` looks like image classification data, 0..1, judged by content.

    Reads only directory entries (a few per folder) or a table's first rows.
    """
    p = Path(path)
    try:
        if p.is_dir():
            if _saved_dataset(p):
                return 0.0
            train_dir, val_dir = _split_dirs(p)
            if train_dir is not None:
                score = _class_folder_score(train_dir)
                return min(1.0, score + 0.05) if val_dir is not None and score else score
            return _class_folder_score(p)
        if p.is_file() and p.suffix.lower() in TABLE_EXTENSIONS:
            return _table_score(p)
    except (OSError, DatasetError, ValueError):
        return 0.0
    return 0.0


def _class_folder_score(root: Path, peek: int = 20) -> float:
    folders = [f for f in _class_folders(root)]
    if len(folders) < 2:
        return 0.0
    with_images = 0
    for folder in folders[:50]:
        names = []
        with os.scandir(folder) as it:
            for entry in it:
                if entry.is_file():
                    names.append(entry.name)
                if len(names) >= peek:
                    break
        if names and sum(_is_image_name(n) for n in names) / len(names) >= 0.5:
            with_images += 1
    return 0.95 * with_images / min(len(folders), 50)


def _table_score(path: Path) -> float:
    columns = _table_head(path)
    if len(columns) < 2 or not any(columns.values()):
        return 0.0
    best = max(columns, key=lambda c: _path_fraction(columns[c]))
    fraction = _path_fraction(columns[best])
    if fraction < 0.5:
        return 0.0
    base = path.parent
    sample = [v.strip() for v in columns[best] if isinstance(v, str) and v.strip()][:10]
    exist = sum((base / v).is_file() for v in sample) / max(1, len(sample))
    return 0.9 * fraction * (0.5 + 0.5 * exist)


def _table_head(path: Path, rows: int = 50) -> dict[str, list[Any]]:
    """The first ``rows`` rows of a table, column by column. A CSV or TSV is read as the
    preview reads it (``engine.tables.read_preview``: the csv module, the file's encoding
    and delimiter): detection runs while the window starts, and importing pandas there
    (numpy, pyarrow: about a second of loading that holds the interpreter lock) stalled it."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        if pf.metadata.num_rows == 0:
            return {}
        return {str(k): v for k, v in pf.read_row_group(0).slice(0, rows).to_pydict().items()}
    from engine.tables import read_preview

    header, body = read_preview(path, rows)
    return {name: [row[i] for row in body] for i, name in enumerate(header)}


# --------------------------------------------------------------------------- report


def _file_hash(path: str) -> str | None:
    h = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def image_report(data: ImageData, *, sample: int = 500, seed: int = 0) -> dict[str, Any]:
    """Class counts, image sizes, duplicates, tiny and extreme-aspect images, as plain data.

    Findings carry a ``code`` and parameters; the GUI words them. Duplicates (same bytes) are
    exact over all files: files are grouped by size first (a stat), and only files sharing a
    size are hashed. Sizes, tiny and extreme-aspect images come from the headers of a sample
    of ``sample`` images (all when fewer); a sampled image that fails to decode is reported.
    """
    from PIL import Image

    splits = {"train": data.train, "validation": data.validation}
    counts = {
        split: {data.labels[k]: v for k, v in sorted(Counter(y for _, y in items).items())}
        for split, items in splits.items()
    }
    findings: list[dict[str, Any]] = []
    if data.skipped:
        findings.append(
            {"code": "skipped_files", "count": data.skipped, "examples": data.skipped_examples}
        )

    # Duplicates: size groups, then hashes within the groups.
    by_size: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for split, items in splits.items():
        for p, _ in items:
            try:
                by_size[os.path.getsize(p)].append((split, p))
            except OSError:
                continue
    by_hash: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for group in by_size.values():
        if len(group) > 1:
            for split, p in group:
                digest = _file_hash(p)
                if digest:
                    by_hash[digest].append((split, p))
    within: dict[str, list[list[str]]] = defaultdict(list)
    across: list[list[str]] = []
    for group in by_hash.values():
        if len(group) < 2:
            continue
        split_names = {s for s, _ in group}
        if len(split_names) > 1:
            across.append([p for _, p in group])
        for s in split_names:
            members = [p for sp, p in group if sp == s]
            if len(members) > 1:
                within[s].append(members)
    for split, groups in within.items():
        findings.append(
            {
                "code": "duplicates_within_split",
                "split": split,
                "count": sum(len(g) - 1 for g in groups),
                "examples": groups[:SKIPPED_EXAMPLES],
            }
        )
    if across:
        findings.append(
            {"code": "duplicates_across_splits", "count": len(across), "examples": across[:5]}
        )

    # Sizes from a sample of headers.
    everything = [p for items in splits.values() for p, _ in items]
    rng = random.Random(seed)
    chosen = everything if len(everything) <= sample else rng.sample(everything, sample)
    widths: list[int] = []
    heights: list[int] = []
    tiny: list[str] = []
    extreme: list[str] = []
    unreadable: list[str] = []
    for p in chosen:
        try:
            with Image.open(p) as img:
                w, h = img.size
        except Exception:
            unreadable.append(p)
            continue
        widths.append(w)
        heights.append(h)
        if min(w, h) < TINY_SIDE:
            tiny.append(p)
        if max(w, h) > EXTREME_ASPECT * max(1, min(w, h)):
            extreme.append(p)
    sampled = len(chosen)
    for code, paths, extra in (
        ("unreadable_images", unreadable, {}),
        ("tiny_images", tiny, {"min_side": TINY_SIDE}),
        ("extreme_aspect", extreme, {"ratio": EXTREME_ASPECT}),
    ):
        if paths:
            findings.append(
                {
                    "code": code,
                    "count": len(paths),
                    "sampled": sampled,
                    "examples": paths[:SKIPPED_EXAMPLES],
                    **extra,
                }
            )
    sizes: dict[str, Any] = {"sampled": sampled}
    if widths:
        import numpy as np

        for name, values in (("width", widths), ("height", heights)):
            arr = np.asarray(values)
            sizes[name] = {
                "min": int(arr.min()),
                "median": float(np.median(arr)),
                "max": int(arr.max()),
            }
    return {
        "labels": list(data.labels),
        "counts": counts,
        "num_images": {split: len(items) for split, items in splits.items()},
        "validation_source": data.validation_source,
        "sizes": sizes,
        "findings": findings,
    }


# --------------------------------------------------------------------------- transforms


@dataclass(frozen=True)
class ImagePreprocessing:
    """What the model expects: plain numbers, so it pickles into spawned workers.

    ``min_scale``: the smallest crop area RandomResizedCrop takes (torchvision's default is
    0.08; 0.25 keeps the subject in frame on the small data sets Strop is for).
    """

    size: int
    crop_pct: float
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    min_scale: float = 0.25


def image_preprocessing(model_dir: str | os.PathLike[str]) -> ImagePreprocessing:
    """Input size and normalisation from a model folder's preprocessor_config.json.

    Reads both shapes Hugging Face processors write: ``{"shortest_edge": s}`` with
    ``crop_pct`` (ConvNext, the starter) and ``{"height": h, "width": w}`` (ViT, EfficientNet,
    which resize straight to the size: crop_pct 1).
    """
    import json

    folder = Path(model_dir)
    path = folder / "preprocessor_config.json"
    try:
        proc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        proc = {}
    except (OSError, ValueError) as exc:
        from engine.errors import ModelLoadError

        raise ModelLoadError(f"Cannot read {path}: {exc}", hint="Check the model folder.") from exc
    size_cfg = proc.get("crop_size") if proc.get("do_center_crop") else None
    size_cfg = size_cfg or proc.get("size") or {"shortest_edge": 224}
    if isinstance(size_cfg, dict):
        size = int(
            size_cfg.get("shortest_edge") or size_cfg.get("height") or size_cfg.get("width") or 224
        )
        crop = float(proc.get("crop_pct") or 0.875) if "shortest_edge" in size_cfg else 1.0
    else:
        size, crop = int(size_cfg), 1.0
    return ImagePreprocessing(
        size=size,
        crop_pct=crop,
        mean=tuple(float(v) for v in (proc.get("image_mean") or (0.5, 0.5, 0.5))),  # type: ignore[arg-type]
        std=tuple(float(v) for v in (proc.get("image_std") or (0.5, 0.5, 0.5))),  # type: ignore[arg-type]
    )


class ImageTransform:
    """PIL RGB image -> normalised float tensor (3, size, size), with Pillow and numpy only
    (no torchvision: its PyPI wheels break beside the CPU torch).

    Training: RandomResizedCrop (torchvision's algorithm: area ``min_scale``..1, aspect
    3/4..4/3, ten tries then a centre crop) and a horizontal flip. Evaluation: shortest edge
    to size/crop_pct, centre crop (timm's and ConvNext's evaluation transform). Picklable;
    randomness comes from ``random``, which DataLoader seeds per worker.
    """

    def __init__(self, prep: ImagePreprocessing, *, train: bool) -> None:
        self.prep = prep
        self.train = train

    @property
    def min_source_side(self) -> int:
        """The shortest source side that still gives every output pixel its own source pixel:
        training's smallest crop (area ``min_scale`` at aspect 3/4) or evaluation's resize to
        size / crop_pct. Larger JPEGs are decoded down to it (``open_rgb``'s ``min_side``)."""
        import math

        if self.train:
            return math.ceil(self.prep.size / math.sqrt(self.prep.min_scale * 3 / 4))
        return math.ceil(self.prep.size / self.prep.crop_pct)

    def _random_box(self, w: int, h: int) -> tuple[int, int, int, int]:
        import math

        area = w * h
        log_ratio = (math.log(3 / 4), math.log(4 / 3))
        for _ in range(10):
            target = area * random.uniform(self.prep.min_scale, 1.0)
            ratio = math.exp(random.uniform(*log_ratio))
            cw = int(round(math.sqrt(target * ratio)))
            ch = int(round(math.sqrt(target / ratio)))
            if 0 < cw <= w and 0 < ch <= h:
                x = random.randint(0, w - cw)
                y = random.randint(0, h - ch)
                return x, y, x + cw, y + ch
        side = min(w, h)
        x, y = (w - side) // 2, (h - side) // 2
        return x, y, x + side, y + side

    def __call__(self, image: Any) -> Any:
        import numpy as np
        import torch
        from PIL import Image

        size = self.prep.size
        w, h = image.size
        if self.train:
            box = self._random_box(w, h)
            image = image.resize((size, size), Image.Resampling.BICUBIC, box=box, reducing_gap=3.0)
            if random.random() < 0.5:
                image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        else:
            short = max(size, int(size / self.prep.crop_pct))
            scale = short / min(w, h)
            nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
            image = image.resize((nw, nh), Image.Resampling.BICUBIC, reducing_gap=3.0)
            left, top = (nw - size) // 2, (nh - size) // 2
            image = image.crop((left, top, left + size, top + size))
        pixels = np.asarray(image, dtype=np.float32) * np.float32(1 / 255.0)
        mean = np.asarray(self.prep.mean, np.float32)
        std = np.asarray(self.prep.std, np.float32)
        return torch.from_numpy(np.ascontiguousarray(((pixels - mean) / std).transpose(2, 0, 1)))


def build_transform(prep: ImagePreprocessing, *, train: bool) -> ImageTransform:
    """The training or evaluation transform for ``prep``."""
    return ImageTransform(prep, train=train)


class ImageDataset:
    """Map-style dataset of ``{"pixel_values", "labels"}`` for transformers' Trainer.

    Picklable (items, preprocessing and a flag); the transform is built lazily in the process
    that reads, so spawned DataLoader workers work. A file that fails to decode is logged and
    replaced by the next readable item, so one damaged photo does not stop a long run; the
    paths that failed in this process are in ``failed``.
    """

    def __init__(
        self, items: Sequence[tuple[str, int]], prep: ImagePreprocessing, *, train: bool
    ) -> None:
        self.items = list(items)
        self.prep = prep
        self.train = train
        self.failed: list[str] = []
        self._transform: Any = None

    def __len__(self) -> int:
        return len(self.items)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_transform"] = None
        return state

    def __getitem__(self, index: int) -> dict[str, Any]:
        if self._transform is None:
            self._transform = build_transform(self.prep, train=self.train)
        n = len(self.items)
        for attempt in range(min(n, 10)):
            path, label = self.items[(index + attempt) % n]
            try:
                image = open_rgb(path, min_side=self._transform.min_source_side)
            except DatasetError as exc:
                log.warning("Skipping an image: %s", exc)
                self.failed.append(path)
                continue
            return {"pixel_values": self._transform(image), "labels": int(label)}
        raise DatasetError(
            f"Ten images in a row near {self.items[index][0]} could not be decoded.",
            hint="Check the data folder for damaged files.",
        )


def collate_images(batch: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Stack examples into a batch (module-level, so it pickles into spawned workers)."""
    import torch

    out = {"pixel_values": torch.stack([b["pixel_values"] for b in batch])}
    if batch and "labels" in batch[0]:
        out["labels"] = torch.tensor([int(b["labels"]) for b in batch], dtype=torch.long)
    return out


def image_dataloader(
    dataset: ImageDataset, *, batch_size: int, shuffle: bool = False, num_workers: int = 0
) -> Any:
    """A DataLoader whose workers are spawned (safe under a QThread and in the frozen app)."""
    from torch.utils.data import DataLoader

    return DataLoader(
        dataset,  # type: ignore[arg-type]  # map-style: __len__ and __getitem__
        batch_size=batch_size,
        shuffle=shuffle,
        num_workers=num_workers,
        collate_fn=collate_images,
        multiprocessing_context="spawn" if num_workers > 0 else None,
        persistent_workers=num_workers > 0,
    )
