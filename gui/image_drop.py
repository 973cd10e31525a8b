"""A place to drop or open one image: it shows the image and says which file it is.

The Prediction tab uses it for image-classification models (``imageDropArea``); dropping a
file or clicking to choose one emits ``imageChosen(path)``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QMouseEvent, QPixmap, QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from gui import dialogs
from gui.image_grid import IMAGE_SUFFIXES, decode_thumbnail

SHOWN_SIZE = 360


def image_filter() -> str:
    """The open-file filter for images, its name translated."""
    from PySide6.QtCore import QCoreApplication

    patterns = " ".join(f"*{s}" for s in sorted(IMAGE_SUFFIXES))
    name = QCoreApplication.translate("ImageDropArea", "Images")
    return f"{name} ({patterns})"


def _image_path(event: QDragEnterEvent | QDropEvent) -> str | None:
    for url in event.mimeData().urls():
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES:
            return url.toLocalFile()
    return None


class ImageDropArea(QFrame):
    """Shows the chosen image; a click opens a file dialog, a drop takes the file."""

    imageChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageDropArea")
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumHeight(160)
        self.path: str | None = None
        self._pixmap: QPixmap | None = None
        self.picture = QLabel(self.tr("Drop an image here, or click to choose one."))
        self.picture.setObjectName("imageDropPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(1, 1)
        self.name_label = QLabel()
        self.name_label.setObjectName("imageDropNameLabel")
        self.name_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addWidget(self.name_label)

    def set_image(self, path: str) -> None:
        """Show ``path`` (decoded at a bounded size) and emit ``imageChosen``."""
        self.path = path
        image = decode_thumbnail(path, SHOWN_SIZE)
        if image.isNull():
            self._pixmap = None
            self.picture.setText(self.tr("This file cannot be shown as an image."))
        else:
            self._pixmap = QPixmap.fromImage(image)
            self._fit()
        self.name_label.setText(Path(path).name)
        self.name_label.setToolTip(path)
        self.imageChosen.emit(path)

    def choose(self) -> None:
        path = dialogs.open_file(self, self.tr("Choose an image"), image_filter())
        if path:
            self.set_image(path)

    def _fit(self) -> None:
        if self._pixmap is None:
            return
        size = self.picture.size()
        self.picture.setPixmap(
            self._pixmap.scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self.choose()
        super().mouseReleaseEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if _image_path(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        path = _image_path(event)
        if path:
            event.acceptProposedAction()
            self.set_image(path)
