"""The image grid's pieces: listing without opening files, and thumbnails scaled in a
background thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QColor, QImage

from gui.image_grid import ThumbnailLoader, decode_thumbnail, list_images


def _png(path: Path, w: int = 300, h: int = 100) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    image.save(str(path))


def test_train_and_validation_folders_are_listed_with_their_split(tmp_path: Path) -> None:
    for split in ("train", "val"):
        for label in ("a", "b"):
            _png(tmp_path / split / label / f"{split}{label}.png")
    (tmp_path / "train" / "a" / "notes.txt").write_text("not an image")
    items = list_images(tmp_path)
    assert sorted(items) == sorted(
        [
            (str(tmp_path / "train" / "a" / "traina.png"), "a", "train"),
            (str(tmp_path / "train" / "b" / "trainb.png"), "b", "train"),
            (str(tmp_path / "val" / "a" / "vala.png"), "a", "validation"),
            (str(tmp_path / "val" / "b" / "valb.png"), "b", "validation"),
        ]
    )


def test_thumbnails_keep_their_aspect_and_a_broken_file_gives_a_null_image(
    qapp: Any, qtbot: Any, tmp_path: Path
) -> None:
    _png(tmp_path / "wide.png")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    assert decode_thumbnail(str(tmp_path / "wide.png"), 96).size().toTuple() == (96, 32)
    assert decode_thumbnail(str(tmp_path / "broken.png"), 96).isNull()
    loader = ThumbnailLoader(64)
    seen: list[tuple[str, QImage]] = []
    loader.loaded.connect(lambda path, image: seen.append((path, image)))
    loader.request(str(tmp_path / "wide.png"))
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    loader.stop()
    assert seen[0][1].width() == 64
