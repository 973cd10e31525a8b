"""The validation choice: hold out a share of the rows, or measure on a separate file.

The share is stratified per class by the engine (``TrainConfig.validation_split``); a file
is ``TrainConfig.validation``. Spinning the share waits 400 ms before it says it changed, so
the report is measured again once, not at every step of the spin box.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from gui import dialogs
from gui.task_combo import IMAGE, TOKEN


class ValidationChoice(QGroupBox):
    """``validationSplitRadio`` with ``validationSplitSpin``, or ``validationFileRadio`` with
    ``validationFileEdit`` and ``browseValidationButton``; ``changed()`` when the choice does.
    ``validationOwnLabel`` says when the data's own validation set takes the share's place.
    ``near()`` names the open data file, where the file dialog starts."""

    changed = Signal()

    def __init__(
        self, near: Callable[[], str | None] = lambda: None, parent: QWidget | None = None
    ) -> None:
        super().__init__(self.tr("Validation"), parent)
        self._near = near
        self.split_radio = QRadioButton(self.tr("Hold out a share of the rows:"))
        self.split_radio.setObjectName("validationSplitRadio")
        self.split_radio.setChecked(True)
        self.file_radio = QRadioButton(self.tr("Use a separate file:"))
        self.file_radio.setObjectName("validationFileRadio")
        group = QButtonGroup(self)
        group.addButton(self.split_radio)
        group.addButton(self.file_radio)
        self.split_spin = QDoubleSpinBox()
        self.split_spin.setObjectName("validationSplitSpin")
        self.split_spin.setRange(1, 50)
        self.split_spin.setDecimals(0)
        self.split_spin.setSuffix(" %")
        self.split_spin.setValue(10)
        self.split_spin.setToolTip(
            self.tr(
                "The share kept aside (per class) to measure the model on examples it never "
                "trained on."
            )
        )
        self.validation_edit = QLineEdit()
        self.validation_edit.setObjectName("validationFileEdit")
        self.validation_edit.setReadOnly(True)
        self.validation_edit.setPlaceholderText(self.tr("No file chosen"))
        self.validation_button = QPushButton(self.tr("Choose…"))
        self.validation_button.setObjectName("browseValidationButton")
        self.validation_button.clicked.connect(self.choose_file)
        self.own_label = QLabel()
        self.own_label.setObjectName("validationOwnLabel")
        self.own_label.setWordWrap(True)
        self.own_label.hide()
        self._own: str | None = None
        grid = QGridLayout(self)
        grid.addWidget(self.split_radio, 0, 0)
        grid.addWidget(self.split_spin, 0, 1, 1, 2)
        grid.addWidget(self.own_label, 1, 0, 1, 3)
        grid.addWidget(self.file_radio, 2, 0)
        grid.addWidget(self.validation_edit, 3, 0, 1, 2)
        grid.addWidget(self.validation_button, 3, 2)
        self._split_timer = QTimer(self)
        self._split_timer.setSingleShot(True)
        self._split_timer.setInterval(400)
        self._split_timer.timeout.connect(self.changed.emit)
        self.split_spin.valueChanged.connect(lambda _v: self._split_timer.start())
        self.split_radio.toggled.connect(self._mode_changed)
        self._mode_changed()

    @property
    def split(self) -> float:
        """The share of rows held out, as a fraction (0.1 for 10 %)."""
        return self.split_spin.value() / 100.0

    @property
    def file(self) -> str | None:
        """The validation file, when the person chose to use one."""
        path = self.validation_edit.text() or None
        return path if self.file_radio.isChecked() else None

    def choose_file(self) -> None:
        from gui.i18n import file_filter

        near = self._near()
        start = str(Path(near).parent) if near else ""
        path = dialogs.open_file(self, self.tr("Choose a validation file"), file_filter(), start)
        if path:
            self.set_file(path)

    def set_file(self, path: str | None) -> None:
        """Use ``path`` for validation (``None``: hold out a share again)."""
        self.validation_edit.setText(path or "")
        if path:
            self.file_radio.setChecked(True)
        else:
            self.split_radio.setChecked(True)
        self._mode_changed()
        self.changed.emit()

    def set_task(self, task: str) -> None:
        """Name what a share is of: rows of a table, sentences, or images."""
        self.split_radio.setText(
            self.tr("Hold out a share of the images:")
            if task == IMAGE
            else self.tr("Hold out a share of the sentences:")
            if task == TOKEN
            else self.tr("Hold out a share of the rows:")
        )

    def set_own_validation(self, source: str | None) -> None:
        """The data brings its own validation set (``source``: where, from the report; an
        image folder's ``val/``, a saved dataset's validation split), or not (``None``).
        Then no share is held out, and the box says so instead of offering one; a
        separate file still replaces it."""
        self._own = source
        if source:
            self.own_label.setText(
                self.tr(
                    "The data has its own validation set, so no share is held out. "
                    "A separate file chosen below replaces it."
                )
            )
            self.own_label.setToolTip(source)
        self._show_own()

    def _show_own(self) -> None:
        own = bool(self._own) and self.split_radio.isChecked()
        self.own_label.setVisible(own)
        self.split_spin.setEnabled(self.split_radio.isChecked() and not own)

    def _mode_changed(self) -> None:
        split = self.split_radio.isChecked()
        self._show_own()
        self.validation_edit.setEnabled(not split)
        if not split and not self.validation_edit.text():
            return  # wait for a file to be chosen
        self.changed.emit()
