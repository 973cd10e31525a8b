"""Small data files that the Dataset tab's tests open (a CoNLL file, folders of images), and
a lone Dataset tab opened on one."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_conll(path: Path, sentences: int = 30) -> Path:
    """A small CoNLL file; sentence 3 breaks the scheme (an I- right after O)."""
    blocks = []
    for i in range(sentences):
        tags = ["B-PER", "I-PER", "O", "O", "B-LOC"]
        if i == 3:
            tags = ["O", "I-ORG", "O", "O", "B-LOC"]
        words = [f"Ann{i}", "Lee", "visited", "lovely", "Paris"]
        blocks.append("\n".join(f"{w}\t{t}" for w, t in zip(words, tags, strict=True)))
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def write_images(root: Path, per_class: int, classes: tuple[str, ...] = ("cat", "dog")) -> Path:
    """Class folders of small PNGs (one image encoded once, its bytes copied: fast)."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    for n, name in enumerate(classes):
        image = QImage(200, 150, QImage.Format.Format_RGB32)
        image.fill(QColor(200 * n, 100, 50))
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(per_class):
            (folder / f"{name}{i:05d}.png").write_bytes(bytes(data.data()))
    return root


def open_in_tab(qtbot: Any, path: Path, task: str | None = None) -> Any:
    from gui.dataset_tab import DatasetTab

    tab = DatasetTab()
    qtbot.addWidget(tab)
    tab.resize(1000, 700)
    tab.show()
    tab.open_file(str(path), task=task)
    qtbot.waitUntil(lambda: tab.path is not None, timeout=30_000)
    return tab
