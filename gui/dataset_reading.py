"""What the Dataset tab reads off the GUI thread: plain functions, one read each.

``gui.dataset_loader.DatasetLoader`` runs them through ``gui.worker.run_task`` and decides
their order; kept apart from any widget, each can be called and tested on its own. The
loader starts ``detect_task``, ``load_token_preview`` and ``load_image_report`` at once
(``light``); ``load_and_detect`` needs ``datasets`` and waits for the heavy imports.
``join_sentences`` and ``image_counts`` shape a result for the views, in the GUI thread.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gui.task_combo import IMAGE, TOKEN

PREVIEW_ROWS = 200
PREVIEW_SENTENCES = 150


def load_and_detect(path: str) -> tuple[Any, Any]:
    """The whole table (memory-mapped) and the detected text/label columns."""
    from engine.data import detect_columns, load_table

    ds = load_table(path)
    try:
        guess = detect_columns(ds, source=str(path))
    except Exception:  # noqa: BLE001 - one column only: the report explains it
        guess = None
    return ds, guess


def detect_task(path: str) -> str:
    """The name of the task whose data ``path`` holds (``engine.tasks.detect``: reads a few
    kilobytes at most, so it runs before the heavy libraries are loaded)."""
    from engine import tasks
    from engine.errors import DatasetError

    try:
        return tasks.detect(path).name
    except DatasetError:
        # A task whose module is not bundled cannot claim its data through the registry;
        # the data readers still recognise it, and choosing the task then says what is missing.
        known = set(tasks.names())
        if TOKEN not in known:
            from engine.token_data import detect_token_data

            if detect_token_data(path) >= 0.5:
                return TOKEN
        if IMAGE not in known and Path(path).is_dir() and _has_class_images(Path(path)):
            return IMAGE
        raise


def _has_class_images(folder: Path) -> bool:
    """A subfolder (or train/ subfolder) holding an image: a cheap look, a few entries."""
    from gui.image_grid import IMAGE_SUFFIXES

    for sub in [folder, folder / "train"]:
        if not sub.is_dir():
            continue
        for class_dir in (d for d in sub.iterdir() if d.is_dir()):
            for i, f in enumerate(class_dir.iterdir()):
                if f.suffix.lower() in IMAGE_SUFFIXES:
                    return True
                if i > 20:
                    break
    return False


def sentence_entities(tokens: list[str], tags: list[str]) -> tuple[str, list[dict[str, Any]]]:
    """A sentence's words joined by spaces, and its entities as character spans of that text."""
    from engine.token_predict import word_entities

    starts, at = [], 0
    for token in tokens:
        starts.append(at)
        at += len(token) + 1
    text = " ".join(tokens)
    entities = [
        {"start": starts[first], "end": starts[last] + len(tokens[last]), "label": kind}
        for kind, first, last in word_entities(tags)
    ]
    return text, entities


def load_token_preview(path: str, validation_split: float) -> dict[str, Any]:
    """The first sentences of a named-entity file with their entities, and the report that
    needs no model (entity counts per split, tag-scheme problems)."""
    from engine.token_data import read_token_data, token_report

    data = read_token_data(path, validation_split=validation_split)
    report = token_report(data).to_dict()
    first = sorted(data.train + data.validation, key=lambda s: s.record)[:PREVIEW_SENTENCES]
    sentences = []
    for s in first:
        if s.text is not None and s.offsets is not None:
            from engine.token_predict import word_entities

            spans = [
                {"start": s.offsets[a][0], "end": s.offsets[b][1], "label": kind}
                for kind, a, b in word_entities(s.tags)
            ]
            sentences.append((s.text, spans))
        else:
            sentences.append(sentence_entities(s.tokens, s.tags))
    return {"report": report, "sentences": sentences, "types": data.entity_types}


def load_image_report(path: str, validation_split: float) -> dict[str, Any]:
    """The image data report (``engine.image_data.image_report``: class counts, sizes,
    duplicates, unreadable, tiny and extreme-aspect images); it needs no model."""
    from engine.image_data import image_report, read_image_data

    report = image_report(read_image_data(path, validation_split=validation_split))
    return {**report, "task": IMAGE, "source": path}


def join_sentences(
    sentences: list[tuple[str, list[dict[str, Any]]]],
) -> tuple[str, list[dict[str, Any]]]:
    """Sentences as one text, a line each, with every entity's offsets moved along."""
    text_parts: list[str] = []
    entities: list[dict[str, Any]] = []
    at = 0
    for text, spans in sentences:
        entities.extend({**e, "start": e["start"] + at, "end": e["end"] + at} for e in spans)
        text_parts.append(text)
        at += len(text) + 1
    return "\n".join(text_parts), entities


def image_counts(items: list[tuple[str, str, str]], source: str) -> dict[str, Any]:
    """Images per class and split, in the shape the class-count plot draws, before the
    engine's image report (sizes, duplicates, unreadable files) arrives."""
    train: dict[str, int] = {}
    validation: dict[str, int] = {}
    for _, label, split in items:
        counts = validation if split == "validation" else train
        counts[label] = counts.get(label, 0) + 1
    return {
        "task": IMAGE,
        "source": source,
        "labels": sorted(set(train) | set(validation)),
        "train_counts": train,
        "validation_counts": validation,
        "findings": [],
        "preliminary": True,
    }
