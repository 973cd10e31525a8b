"""A grid of image thumbnails, one class at a time, that opens a folder of 50,000 photos at once.

Listing is cheap (``os.scandir``, no file is opened); a thumbnail is decoded only when the
view asks for it, which a ``QListView`` does for the items it paints, i.e. the visible ones.
Decoding runs in one background thread (``QImageReader`` with a scaled size: a JPEG decodes
at a fraction of its size, EXIF orientation applied, Qt's allocation limit refusing
decompression bombs); the newest request is served first, so scrolling fast decodes what is
on screen now rather than what was there a second ago. Thumbnails are kept in a bounded
cache as ``QPixmap``s, made in the GUI thread from the worker's ``QImage``s (only ``QImage``
may be built outside the GUI thread).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QVBoxLayout,
    QWidget,
)

#: What the grid shows (the formats the image task reads).
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"}
THUMB_SIZE = 96
CACHE_SIZE = 3000
_SPLIT_DIRS = {"train": "train", "val": "validation", "validation": "validation"}


def _images_in(folder: Path) -> list[str]:
    with os.scandir(folder) as entries:
        return sorted(
            e.path
            for e in entries
            if e.is_file() and os.path.splitext(e.name)[1].lower() in IMAGE_SUFFIXES
        )


def _class_dirs(folder: Path) -> list[Path]:
    with os.scandir(folder) as entries:
        return sorted(Path(e.path) for e in entries if e.is_dir() and not e.name.startswith("."))


def list_images(path: str | os.PathLike[str]) -> list[tuple[str, str, str]]:
    """Every image of a class-folder dataset as ``(path, class, split)``, without opening any.

    A folder of class subfolders (split ``train``), or one holding ``train/`` and optionally
    ``val/`` or ``validation/`` with class subfolders. A CSV of paths is listed through the
    engine's reader, which resolves its paths."""
    root = Path(path)
    if root.is_file():
        from engine.image_data import read_image_data

        data = read_image_data(root)
        return [(p, data.labels[y], "train") for p, y in data.train] + [
            (p, data.labels[y], "validation") for p, y in data.validation
        ]
    subdirs = {d.name.lower(): d for d in _class_dirs(root)}
    splits = [(name, subdirs[key]) for key, name in _SPLIT_DIRS.items() if key in subdirs]
    if not any(name == "train" for name, _ in splits):
        splits = [("train", root)]
    items: list[tuple[str, str, str]] = []
    for split, folder in splits:
        for class_dir in _class_dirs(folder):
            items.extend((p, class_dir.name, split) for p in _images_in(class_dir))
    return items


def decode_thumbnail(path: str, size: int = THUMB_SIZE) -> QImage:
    """The image at ``path`` scaled to fit ``size`` pixels (a null image when unreadable)."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and original.width() > 0 and original.height() > 0:
        scale = min(1.0, size / max(original.width(), original.height()))
        reader.setScaledSize(
            QSize(max(1, int(original.width() * scale)), max(1, int(original.height() * scale)))
        )
    image = reader.read()
    if not image.isNull() and max(image.width(), image.height()) > size:
        image = image.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    return image


class ThumbnailLoader(QObject):
    """Decodes thumbnails in one background thread; ``loaded(path, QImage)`` arrives in the
    GUI thread (a queued signal). The newest request is decoded first."""

    loaded = Signal(str, QImage)

    def __init__(self, size: int = THUMB_SIZE, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.size = size
        self._wanted: list[str] = []
        self._queued: set[str] = set()
        self._cv = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def request(self, path: str) -> None:
        with self._cv:
            if path in self._queued:
                return
            self._queued.add(path)
            self._wanted.append(path)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="thumbnails", daemon=True)
                self._thread.start()
            self._cv.notify()

    def forget_pending(self) -> None:
        """Drop the requests not decoded yet (the view now shows other images)."""
        with self._cv:
            self._wanted.clear()
            self._queued.clear()

    def stop(self, wait: float = 2.0) -> None:
        with self._cv:
            self._stopped = True
            self._wanted.clear()
            self._cv.notify()
        if self._thread is not None:
            self._thread.join(wait)

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._wanted and not self._stopped:
                    self._cv.wait()
                if self._stopped:
                    return
                path = self._wanted.pop()  # newest first: what is on screen now
            image = decode_thumbnail(path, self.size)
            with self._cv:
                self._queued.discard(path)
                if self._stopped:
                    return
            try:
                self.loaded.emit(path, image)
            except RuntimeError:  # the loader was deleted with its window
                return


class ImageGridModel(QAbstractListModel):
    """The images of one class; a thumbnail is requested the first time a view asks for it."""

    def __init__(self, loader: ThumbnailLoader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._items: list[tuple[str, str, str]] = []
        self._rows: dict[str, int] = {}
        self._cache: OrderedDict[str, QPixmap] = OrderedDict()
        self._failed: set[str] = set()
        self._placeholder = QPixmap(loader.size, loader.size)
        self._placeholder.fill(QColor(128, 128, 128, 40))
        loader.loaded.connect(self._loaded)

    def set_items(self, items: list[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        self._loader.forget_pending()
        self._items = list(items)
        self._rows = {path: i for i, (path, _, _) in enumerate(self._items)}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        path, label, split = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return Path(path).name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{path}\n{label} · {split}"
        if role == Qt.ItemDataRole.DecorationRole:
            pixmap = self._cache.get(path)
            if pixmap is not None:
                self._cache.move_to_end(path)
                return pixmap
            if path not in self._failed:
                self._loader.request(path)
            return self._placeholder
        return None

    @property
    def cached(self) -> int:
        """Thumbnails decoded and kept (for tests: far fewer than the images listed)."""
        return len(self._cache)

    def _loaded(self, path: str, image: QImage) -> None:
        if image.isNull():
            self._failed.add(path)
            return
        self._cache[path] = QPixmap.fromImage(image)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        row = self._rows.get(path)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])


class ImageGrid(QWidget):
    """Thumbnails of one class at a time (``imageClassCombo``), with the count of each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageGridPanel")
        self.loader = ThumbnailLoader(THUMB_SIZE, self)
        self.grid_model = ImageGridModel(self.loader, self)
        self._items: list[tuple[str, str, str]] = []
        self.class_combo = QComboBox()
        self.class_combo.setObjectName("imageClassCombo")
        self.class_combo.currentIndexChanged.connect(self._class_changed)
        self.count_label = QLabel()
        self.count_label.setObjectName("imageCountLabel")
        self.view = QListView()
        self.view.setObjectName("imageGrid")
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setUniformItemSizes(True)  # no pass over 50,000 items to size them
        self.view.setLayoutMode(QListView.LayoutMode.Batched)
        self.view.setBatchSize(500)
        self.view.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.view.setGridSize(QSize(THUMB_SIZE + 24, THUMB_SIZE + 30))
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.setModel(self.grid_model)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Class:")))
        top.addWidget(self.class_combo, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        loader = self.loader
        self.destroyed.connect(lambda *_: loader.stop(wait=0))

    def set_images(self, items: list[tuple[str, str, str]]) -> None:
        """``items``: ``(path, class, split)`` as ``list_images`` gives them."""
        self._items = items
        counts: dict[str, int] = {}
        for _, label, _ in items:
            counts[label] = counts.get(label, 0) + 1
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        for label in sorted(counts):
            self.class_combo.addItem(
                self.tr("{name} ({n:,})").format(name=label, n=counts[label]), label
            )
        self.class_combo.blockSignals(False)
        self._class_changed()

    def clear(self) -> None:
        self.set_images([])

    def classes(self) -> list[str]:
        return [str(self.class_combo.itemData(i)) for i in range(self.class_combo.count())]

    def _class_changed(self) -> None:
        label = self.class_combo.currentData()
        shown = [item for item in self._items if item[1] == label]
        self.grid_model.set_items(shown)
        self.count_label.setText(
            self.tr("{n:,} images in {k} classes").format(
                n=len(self._items), k=self.class_combo.count()
            )
            if self._items
            else ""
        )

    def shutdown(self) -> None:
        self.loader.stop()
