"""Render Strop's icon sizes from ``resources/icons/strop.svg``.

    python packaging/make_icons.py

Writes ``resources/icons/strop-<size>.png`` (16 to 512 pixels; Qt's SVG renderer draws each
size from the vector source, so small sizes stay crisp), ``strop.ico`` (Windows: 16-256)
and ``strop.icns`` (macOS: 16-512 and 512@2x, with Pillow). The outputs are committed, so a build
needs neither this script nor Pillow; run it again after changing the SVG.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SVG = ICONS / "strop.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512)


def render_png(size: int) -> bytes:
    """The SVG drawn at ``size`` x ``size`` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image

    images: dict[int, Image.Image] = {}
    for size in PNG_SIZES:
        data = render_png(size)
        (ICONS / f"strop-{size}.png").write_bytes(data)
        images[size] = Image.open(io.BytesIO(data)).convert("RGBA")
        print(f"strop-{size}.png")
    largest = images[max(ICO_SIZES)]
    largest.save(
        ICONS / "strop.ico",
        format="ICO",
        sizes=[(s, s) for s in ICO_SIZES],
        append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)],
    )
    print("strop.ico")
    retina = Image.open(io.BytesIO(render_png(1024))).convert("RGBA")  # 512 @2x
    retina.save(ICONS / "strop.icns", format="ICNS", append_images=[images[s] for s in ICNS_SIZES])
    print("strop.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
