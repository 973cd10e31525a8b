"""The Dataset tab: open a file, see its rows, choose the columns, read the report.

A composition of one module per noun; this file lays them out and is the tab's face to the
main window (its signals, ``open_file``, ``data_settings``, the report):

| noun | module |
|---|---|
| the task picker (``taskCombo``) | ``gui/task_combo.py`` |
| opening a file (which reads, in what order, stale results dropped) | ``gui/dataset_loader.py`` |
| the reads themselves (plain functions, off the GUI thread) | ``gui/dataset_reading.py`` |
| the preview: table, entities, thumbnails | ``gui/dataset_preview.py`` |
| the text and label column pickers | ``gui/dataset_columns.py`` |
| the validation choice (a share or a file) | ``gui/dataset_validation.py`` |
| the report panel (summary, plots, findings) | ``gui/dataset_report.py`` |

The text report (class counts, token lengths, warnings in words) is computed by the main
window, which knows the model, and handed to ``show_report``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gui import dialogs
from gui.dataset_columns import ColumnPickers
from gui.dataset_loader import DatasetLoader
from gui.dataset_preview import DatasetPreview
from gui.dataset_report import DatasetReportView
from gui.dataset_validation import ValidationChoice
from gui.task_combo import TEXT, TaskCombo


class DatasetTab(QWidget):
    """Signals: ``datasetOpened(path)`` once the table is loaded, ``openFailed(path)`` when it
    cannot be, ``quickChecked()`` once the quick look at a file (``engine.data.check_file``)
    is done, ``settingsChanged()`` when the columns or the validation choice change,
    ``errorOccurred(exception)``."""

    datasetOpened = Signal(str)
    openFailed = Signal(str)
    quickChecked = Signal()
    settingsChanged = Signal()
    errorOccurred = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetTab")

        # ----- top row: the file and its task -----
        self.open_button = QPushButton(self.tr("Open data file…"))
        self.open_button.setObjectName("openDatasetButton")
        self.open_button.setToolTip(
            self.tr("CSV, TSV, JSON, JSON Lines or Parquet, with a text column and a label column.")
        )
        self.open_button.clicked.connect(self.choose_file)
        self.open_folder_button = QPushButton(self.tr("Open folder…"))
        self.open_folder_button.setObjectName("openDatasetFolderButton")
        self.open_folder_button.setToolTip(
            self.tr(
                "A folder of images with one subfolder per class (or train/ and val/ folders "
                "holding them), or a dataset saved by the datasets library."
            )
        )
        self.open_folder_button.clicked.connect(self.choose_folder)
        self.path_label = QLabel(self.tr("No data file yet: open one, or drop it on the window."))
        self.path_label.setObjectName("datasetPathLabel")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.rows_label = QLabel()
        self.rows_label.setObjectName("datasetRowsLabel")
        self.task_combo = TaskCombo()
        self.task_combo.activated.connect(self._task_chosen)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.open_folder_button)
        top.addWidget(self.path_label, 1)
        top.addWidget(self.rows_label)
        top.addWidget(QLabel(self.tr("Task:")))
        top.addWidget(self.task_combo)

        # ----- the nouns -----
        self.preview = DatasetPreview()
        self.columns = ColumnPickers()
        self.columns.changed.connect(self._settings_changed)
        self.validation = ValidationChoice(near=lambda: self.path)
        self.validation.changed.connect(self._settings_changed)
        self.report_view = DatasetReportView()
        self.report_view.shown.connect(self._report_shown)
        self.loader = DatasetLoader(
            preview=self.preview,
            columns=self.columns,
            report=self.report_view,
            rows=self.rows_label,
            where=self.path_label,
            split=lambda: self.validation.split,
            parent=self,
        )
        self.loader.taskChosen.connect(self.set_task)
        for name in ("datasetOpened", "openFailed", "quickChecked", "errorOccurred"):
            getattr(self.loader, name).connect(getattr(self, name))
        # the parts the window, the tests and the screenshot scripts reach by these names
        self.model, self.table = self.preview.model, self.preview.table
        self.entity_preview, self.image_grid = self.preview.entity_preview, self.preview.image_grid
        self.split_spin = self.validation.split_spin

        # ----- assembly: preview and choices above, the report below -----
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.columns)
        side_layout.addWidget(self.validation)
        side_layout.addStretch(1)
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.preview)
        upper.addWidget(side)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("datasetSplitter")
        splitter.addWidget(upper)
        splitter.addWidget(self.report_view)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def ensure_plots(self) -> None:
        """Create the report's plots (importing pyqtgraph); the window calls it after showing."""
        self.report_view.ensure_plots()

    # ----- the task ---------------------------------------------------------------------
    @property
    def task(self) -> str:
        """The task chosen in ``taskCombo`` (a Hugging Face pipeline name)."""
        return self.task_combo.task

    def set_task(self, name: str) -> None:
        """Show ``name`` in ``taskCombo`` and adapt the tab to it (no reload)."""
        self.task_combo.select(name)
        self.preview.show_task(name)
        self.columns.setVisible(name == TEXT)
        self.report_view.set_task(name)
        self.validation.set_task(name)

    def _task_chosen(self, _index: int) -> None:
        path = self.loader.path or self.loader.opening
        if path:
            self.open_file(path, task=self.task)
        else:
            self.set_task(self.task)

    # ----- the file ---------------------------------------------------------------------
    @property
    def path(self) -> str | None:
        """The open data file, once it loaded without error."""
        return self.loader.path

    @property
    def loading(self) -> bool:
        return self.loader.loading

    def choose_file(self) -> None:
        from gui.i18n import file_filter

        start = str(Path(self.path).parent) if self.path else ""
        path = dialogs.open_file(self, self.tr("Open a data file"), file_filter(), start)
        if path:
            self.open_file(path)

    def choose_folder(self) -> None:
        path = dialogs.open_folder(self, self.tr("Open a folder of images"))
        if path:
            self.open_file(path)

    def open_file(self, path: str, task: str | None = None) -> None:
        """Open ``path`` as data for ``task`` (default: detected from its content); see
        ``DatasetLoader.open_file``."""
        self.loader.open_file(path, task)

    def set_validation_file(self, path: str | None) -> None:
        """Validate on ``path`` (``None``: hold out a share of the rows again)."""
        self.validation.set_file(path)

    def _settings_changed(self) -> None:
        if self.path is None:
            return
        self.preview.fit_columns(self.columns.text_combo.currentText())
        self.settingsChanged.emit()

    # ----- what the run needs -------------------------------------------------------------
    def data_settings(self) -> dict[str, Any]:
        """The ``TrainConfig`` fields this tab decides."""
        from engine.errors import DatasetError

        if self.path is None:
            if self.loading:
                raise DatasetError(
                    self.tr("The data file is still loading."),
                    hint=self.tr("Wait a moment and try again."),
                )
            raise DatasetError(
                self.tr("No data file is open."),
                hint=self.tr("Open a CSV, TSV, JSON or Parquet file in the Dataset tab first."),
            )
        text = self.task == TEXT
        return {
            "task": self.task,
            "data": self.path,
            "validation": self.validation.file,
            "text_column": self.columns.text_column if text else None,
            "label_column": self.columns.label_column if text else None,
            "validation_split": self.validation.split,
        }

    # ----- the report (``gui/dataset_report.py`` draws it) ------------------------------------
    @property
    def report(self) -> dict[str, Any] | None:
        return self.report_view.report

    def clear_report(self, message: str) -> None:
        self.report_view.clear_report(message)

    def show_report_pending(self) -> None:
        self.report_view.show_pending()

    def show_report(self, report: dict[str, Any]) -> None:
        """Draw a report's ``to_dict()`` (``DatasetReportView.show_report``)."""
        self.report_view.show_report(report)

    def _report_shown(self, report: dict[str, Any] | None) -> None:
        """Say in the validation box when the data's own validation set is used."""
        source = (report or {}).get("validation_source")
        own = source not in (None, "split", "file") and source != self.validation.file
        self.validation.set_own_validation(str(source) if own else None)
