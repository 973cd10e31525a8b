"""The Dataset tab: open a file, see its rows, choose the columns, read the report.

Opening is two quick steps off the GUI thread: the first rows (``read_preview``, instant
even for millions of rows), then the whole table memory-mapped (``load_table``) with the
columns detected. The report (class counts, token lengths, warnings in words) is computed
by the main window, which knows the model, and handed to ``show_report``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui import dialogs
from gui.highlight_view import HighlightView
from gui.image_grid import ImageGrid, list_images
from gui.table_model import DataTableModel
from gui.worker import run_task

PREVIEW_ROWS = 200
PREVIEW_SENTENCES = 150
TEXT, TOKEN, IMAGE = "text-classification", "token-classification", "image-classification"


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
        self._path: str | None = None
        self._generation = 0
        self._failed_generation = -1  # the file whose problem is shown (not shown twice)
        self._counted = False  # the quick check counted the open file's rows
        self._loading = False
        self._report: dict[str, Any] | None = None
        self._filling = False

        # ----- top row: the file -----
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
        self.task_combo = QComboBox()
        self.task_combo.setObjectName("taskCombo")
        self.task_combo.setToolTip(
            self.tr("What to teach the model; detected from the data, yours to change.")
        )
        for name, title in self._task_titles().items():
            self.task_combo.addItem(title, name)
        self.task_combo.activated.connect(self._task_chosen)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.open_folder_button)
        top.addWidget(self.path_label, 1)
        top.addWidget(self.rows_label)
        top.addWidget(QLabel(self.tr("Task:")))
        top.addWidget(self.task_combo)

        # ----- the preview table -----
        self.model = DataTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("datasetPreviewTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.horizontalHeader().setDefaultSectionSize(120)

        # ----- named entities: sentences with their entities highlighted -----
        self.entity_preview = HighlightView()
        self.entity_preview.setObjectName("entityPreview")
        # ----- images: a thumbnail grid per class, decoded lazily -----
        self.image_grid = ImageGrid()
        self.preview_stack = QStackedWidget()
        self.preview_stack.setObjectName("datasetPreviewStack")
        for page in (self.table, self.entity_preview, self.image_grid):
            self.preview_stack.addWidget(page)

        # ----- columns -----
        self.text_combo = QComboBox()
        self.text_combo.setObjectName("textColumnCombo")
        self.text_combo.setToolTip(self.tr("The column holding the texts to classify."))
        self.label_combo = QComboBox()
        self.label_combo.setObjectName("labelColumnCombo")
        self.label_combo.setToolTip(self.tr("The column holding each text's class (its label)."))
        for combo in (self.text_combo, self.label_combo):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
            combo.currentIndexChanged.connect(self._columns_changed)
        columns_box = self.columns_box = QGroupBox(self.tr("Columns"))
        columns_form = QFormLayout(columns_box)
        columns_form.addRow(self.tr("Text:"), self.text_combo)
        columns_form.addRow(self.tr("Label:"), self.label_combo)

        # ----- validation -----
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
                "The share of rows kept aside (per class) to measure the model on texts it "
                "never trained on."
            )
        )
        self.validation_edit = QLineEdit()
        self.validation_edit.setObjectName("validationFileEdit")
        self.validation_edit.setReadOnly(True)
        self.validation_edit.setPlaceholderText(self.tr("No file chosen"))
        self.validation_button = QPushButton(self.tr("Choose…"))
        self.validation_button.setObjectName("browseValidationButton")
        self.validation_button.clicked.connect(self.choose_validation_file)
        validation_box = QGroupBox(self.tr("Validation"))
        vgrid = QGridLayout(validation_box)
        vgrid.addWidget(self.split_radio, 0, 0)
        vgrid.addWidget(self.split_spin, 0, 1, 1, 2)
        vgrid.addWidget(self.file_radio, 1, 0)
        vgrid.addWidget(self.validation_edit, 2, 0, 1, 2)
        vgrid.addWidget(self.validation_button, 2, 2)
        self._split_timer = QTimer(self)
        self._split_timer.setSingleShot(True)
        self._split_timer.setInterval(400)
        self._split_timer.timeout.connect(self._columns_changed)
        self.split_spin.valueChanged.connect(lambda _v: self._split_timer.start())
        self.split_radio.toggled.connect(self._validation_mode_changed)

        # ----- the report -----
        self.report_status = QLabel(self.tr("The report appears here once a file is open."))
        self.report_status.setObjectName("reportStatusLabel")
        self.report_status.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("reportSummaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.class_plot: Any = None  # pyqtgraph loads after the window is shown
        self.length_plot: Any = None
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("reportWarningsLabel")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setTextFormat(Qt.TextFormat.RichText)
        self.warnings_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        plots = self._plots_layout = QHBoxLayout()
        report_box = QGroupBox(self.tr("What is in this data"))
        report_layout = QVBoxLayout(report_box)
        report_layout.addWidget(self.report_status)
        report_layout.addWidget(self.summary_label)
        report_layout.addLayout(plots, 1)
        warnings_scroll = QScrollArea()
        warnings_scroll.setWidgetResizable(True)
        warnings_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        warnings_scroll.setWidget(self.warnings_label)
        warnings_scroll.setMinimumHeight(60)
        report_layout.addWidget(warnings_scroll)

        # ----- assembly -----
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(columns_box)
        side_layout.addWidget(validation_box)
        side_layout.addStretch(1)
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(self.preview_stack)
        upper.addWidget(side)
        upper.setStretchFactor(0, 3)
        upper.setStretchFactor(1, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("datasetSplitter")
        splitter.addWidget(upper)
        splitter.addWidget(report_box)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._validation_mode_changed()

    def ensure_plots(self) -> None:
        """Create the plots (importing pyqtgraph) once; the window calls it after showing."""
        if self.class_plot is not None:
            return
        from gui.plots import themed_plot

        self.class_plot = themed_plot("classCountsPlot", title=self.tr("Examples per class"))
        self.length_plot = themed_plot("tokenLengthsPlot", title=self.tr("Text length (tokens)"))
        for plot in (self.class_plot, self.length_plot):
            plot.getPlotItem().setMouseEnabled(x=False, y=False)
            self._plots_layout.addWidget(plot)
        self.length_plot.setVisible(self.task == TEXT)

    # ----- the task ---------------------------------------------------------------------
    def _task_titles(self) -> dict[str, str]:
        return {
            TEXT: self.tr("Text classification"),
            TOKEN: self.tr("Named entities (token classification)"),
            IMAGE: self.tr("Image classification"),
        }

    @property
    def task(self) -> str:
        """The task chosen in ``taskCombo`` (a Hugging Face pipeline name)."""
        return str(self.task_combo.currentData() or TEXT)

    def set_task(self, name: str) -> None:
        """Show ``name`` in ``taskCombo`` and adapt the tab to it (no reload)."""
        index = self.task_combo.findData(name)
        if index < 0:  # a task this window has no title for: its name will do
            self.task_combo.addItem(name, name)
            index = self.task_combo.count() - 1
        self.task_combo.setCurrentIndex(index)
        page = {TOKEN: self.entity_preview, IMAGE: self.image_grid}.get(name, self.table)
        self.preview_stack.setCurrentWidget(page)
        self.columns_box.setVisible(name == TEXT)
        if self.length_plot is not None:
            self.length_plot.setVisible(name == TEXT)

    def _task_chosen(self, _index: int) -> None:
        path = self._path or getattr(self, "_opening", None)
        if path:
            self.open_file(path, task=self.task)
        else:
            self.set_task(self.task)

    # ----- the file ---------------------------------------------------------------------
    @property
    def path(self) -> str | None:
        """The open data file, once it loaded without error."""
        return self._path

    @property
    def loading(self) -> bool:
        return self._loading

    def choose_file(self) -> None:
        from gui.i18n import file_filter

        start = str(Path(self._path).parent) if self._path else ""
        path = dialogs.open_file(self, self.tr("Open a data file"), file_filter(), start)
        if path:
            self.open_file(path)

    def choose_folder(self) -> None:
        path = dialogs.open_folder(self, self.tr("Open a folder of images"))
        if path:
            self.open_file(path)

    def open_file(self, path: str, task: str | None = None) -> None:
        """Open ``path`` as data for ``task`` (default: the task detected from its content,
        off the GUI thread in a few milliseconds). Text: the first rows at once, then the whole
        table in the background; named entities: the first sentences with their entities;
        images: the thumbnail grid, listed at once and decoded as they come into view."""
        self._generation += 1
        generation = self._generation
        self._path = None
        self._opening = path
        self._loading = True
        self._counted = False
        self._report = None
        self.model.clear()
        self.entity_preview.clear()
        self.image_grid.clear()
        self._fill_columns([], None)
        self.clear_report(self.tr("Reading the file…"))
        self.path_label.setText(path)
        self.path_label.setToolTip(path)
        self.rows_label.setText(self.tr("reading…"))
        if task is not None:
            self._open_as(path, task, generation)
            return

        def detected(name: str) -> None:
            if generation == self._generation:
                self._open_as(path, name, generation)

        def undetected(_exc: BaseException) -> None:
            # read as a table: its reader says precisely what is wrong with the file
            if generation == self._generation:
                self._open_as(path, TEXT, generation)

        run_task(detect_task, path, on_result=detected, on_error=undetected, owner=self, light=True)

    def _open_as(self, path: str, task: str, generation: int) -> None:
        self.set_task(task)
        if task == TOKEN:
            self._open_tokens(path, generation)
        elif task == IMAGE:
            self._open_images(path, generation)
        else:
            self._open_table(path, generation)

    def _open_failed(self, path: str, generation: int, exc: BaseException) -> None:
        if generation != self._generation or generation == self._failed_generation:
            return  # a newer file, or this problem was shown already by the quick check
        self._failed_generation = generation
        self._loading = False
        self._path = None
        self.model.clear()
        self.entity_preview.clear()
        self.image_grid.clear()
        self._fill_columns([], None)
        self.rows_label.setText("")
        self.path_label.setText(self.tr("Could not open {path}").format(path=path))
        self.clear_report(self.tr("No report: the file could not be read."))
        self.openFailed.emit(path)
        self.errorOccurred.emit(exc)

    def _opened(self, path: str) -> None:
        self._loading = False
        self._path = path
        self.datasetOpened.emit(path)

    def _open_tokens(self, path: str, generation: int) -> None:
        def loaded(result: dict[str, Any]) -> None:
            if generation != self._generation:
                return
            text, entities = join_sentences(result["sentences"])
            self.entity_preview.show_entities(text, entities, result["types"])
            report = result["report"]
            self.rows_label.setText(
                self.tr("{n:,} sentences").format(
                    n=report["train_sentences"] + report["validation_sentences"]
                )
            )
            self.show_report(report)
            self._opened(path)

        run_task(
            load_token_preview,
            path,
            self.split_spin.value() / 100.0,
            on_result=loaded,
            on_error=lambda exc: self._open_failed(path, generation, exc),
            on_finished=self.quickChecked.emit,
            owner=self,
            light=True,
        )

    def _open_images(self, path: str, generation: int) -> None:
        def listed(items: list[tuple[str, str, str]]) -> None:
            if generation != self._generation:
                return
            self.image_grid.set_images(items)
            self.rows_label.setText(self.tr("{n:,} images").format(n=len(items)))
            self.show_report(image_counts(items, path))
            self._opened(path)
            run_task(
                load_image_report,
                path,
                self.split_spin.value() / 100.0,
                on_result=reported,
                on_error=report_failed,
                owner=self,
                light=True,
            )

        def reported(report: dict[str, Any]) -> None:
            if generation == self._generation and self._path == path:
                self.show_report(report)

        def report_failed(exc: BaseException) -> None:
            # the thumbnails stay: the problem (one class, no images...) is said above them
            if generation == self._generation:
                self.clear_report(self.tr("No report: see the message above."))
                self.errorOccurred.emit(exc)

        run_task(
            list_images,
            path,
            on_result=listed,
            on_error=lambda exc: self._open_failed(path, generation, exc),
            on_finished=self.quickChecked.emit,
            owner=self,
            light=True,
        )

    def _open_table(self, path: str, generation: int) -> None:
        def preview_ready(result: tuple[list[str], list[list[str]]]) -> None:
            if generation != self._generation or self.model.is_complete or not self._loading:
                return
            columns, rows = result
            self.model.set_preview(columns, rows)
            if not self._counted:
                self.rows_label.setText(
                    self.tr("first {n} rows (loading all…)").format(n=len(rows))
                )
            self._fill_columns(columns, None)

        def loaded(result: tuple[Any, Any]) -> None:
            if generation != self._generation or generation == self._failed_generation:
                return
            ds, guess = result
            self._loading = False
            self._path = path
            self.model.set_dataset(ds)
            self.rows_label.setText(self.tr("{n:,} rows").format(n=ds.num_rows))
            self._fill_columns(list(ds.column_names), guess)
            self._fit_columns(guess.text if guess is not None else None)
            self.datasetOpened.emit(path)

        def failed(exc: BaseException) -> None:
            self._open_failed(path, generation, exc)

        def checked(facts: Any) -> None:
            if generation != self._generation or not self._loading:
                return
            if facts.rows is not None:  # counted: say so now, the table follows
                self._counted = True
                self.rows_label.setText(self.tr("{n:,} rows").format(n=facts.rows))

        from engine.data import check_file, read_preview

        def preview_failed(exc: BaseException) -> None:
            # check_file or load_table reports the problem in full; wait for them.
            pass

        # What needs no model (type, encoding, quoting, columns) is known in well under a
        # second, before the heavy libraries have loaded: say it now, not when they have.
        run_task(
            check_file,
            path,
            on_result=checked,
            on_error=failed,
            on_finished=self.quickChecked.emit,
            owner=self,
            light=True,
        )
        run_task(
            read_preview,
            path,
            PREVIEW_ROWS,
            on_result=preview_ready,
            on_error=preview_failed,
            owner=self,
            light=True,  # the first rows at once, without waiting for torch to import
        )
        run_task(load_and_detect, path, on_result=loaded, on_error=failed, owner=self)

    def _fit_columns(self, text_column: str | None) -> None:
        """Short columns as wide as their content; the text column takes the rest."""
        columns = self.model.columns
        if not columns:
            return
        header = self.table.horizontalHeader()
        for i, name in enumerate(columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            if name != text_column:
                self.table.resizeColumnToContents(i)
                self.table.setColumnWidth(i, min(self.table.columnWidth(i), 260))
        if text_column in columns:  # it follows the window's width; hover a cell for all of it
            header.setSectionResizeMode(columns.index(text_column), QHeaderView.ResizeMode.Stretch)

    def _fill_columns(self, columns: list[str], guess: Any) -> None:
        self._filling = True
        try:
            previous = (self.text_combo.currentText(), self.label_combo.currentText())
            for combo in (self.text_combo, self.label_combo):
                combo.clear()
                combo.addItems(columns)
            if guess is not None:
                self.text_combo.setCurrentText(guess.text)
                self.label_combo.setCurrentText(guess.label)
            elif columns:
                if previous[0] in columns and previous[1] in columns:
                    self.text_combo.setCurrentText(previous[0])
                    self.label_combo.setCurrentText(previous[1])
                elif len(columns) > 1:
                    self.label_combo.setCurrentIndex(1)
        finally:
            self._filling = False

    def _columns_changed(self) -> None:
        if self._filling or self._path is None:
            return
        self._fit_columns(self.text_combo.currentText())
        self.settingsChanged.emit()

    # ----- validation -----------------------------------------------------------------
    def choose_validation_file(self) -> None:
        from gui.i18n import file_filter

        start = str(Path(self._path).parent) if self._path else ""
        path = dialogs.open_file(self, self.tr("Choose a validation file"), file_filter(), start)
        if path:
            self.set_validation_file(path)

    def set_validation_file(self, path: str | None) -> None:
        self.validation_edit.setText(path or "")
        if path:
            self.file_radio.setChecked(True)
        else:
            self.split_radio.setChecked(True)
        self._validation_mode_changed()
        self._columns_changed()

    def _validation_mode_changed(self) -> None:
        split = self.split_radio.isChecked()
        self.split_spin.setEnabled(split)
        self.validation_edit.setEnabled(not split)
        if not split and not self.validation_edit.text():
            return  # wait for a file to be chosen
        self._columns_changed()

    # ----- what the run needs -------------------------------------------------------------
    def data_settings(self) -> dict[str, Any]:
        """The ``TrainConfig`` fields this tab decides."""
        from engine.errors import DatasetError

        if self._path is None:
            if self._loading:
                raise DatasetError(
                    self.tr("The data file is still loading."),
                    hint=self.tr("Wait a moment and try again."),
                )
            raise DatasetError(
                self.tr("No data file is open."),
                hint=self.tr("Open a CSV, TSV, JSON or Parquet file in the Dataset tab first."),
            )
        validation = self.validation_edit.text() or None
        use_file = self.file_radio.isChecked() and validation
        text = self.task == TEXT
        return {
            "task": self.task,
            "data": self._path,
            "validation": validation if use_file else None,
            "text_column": (self.text_combo.currentText() or None) if text else None,
            "label_column": (self.label_combo.currentText() or None) if text else None,
            "validation_split": self.split_spin.value() / 100.0,
        }

    # ----- the report -----------------------------------------------------------------------
    @property
    def report(self) -> dict[str, Any] | None:
        return self._report

    def clear_report(self, message: str) -> None:
        self._report = None
        self.report_status.setText(message)
        self.report_status.show()
        self.summary_label.clear()
        self.warnings_label.clear()
        if self.class_plot is not None:
            self.class_plot.getPlotItem().clear()
            self.length_plot.getPlotItem().clear()

    def show_report_pending(self) -> None:
        self.report_status.setText(self.tr("Measuring the data with the model's tokenizer…"))
        self.report_status.show()

    def show_report(self, report: dict[str, Any]) -> None:
        """Draw a report's ``to_dict()``: a ``DatasetReport`` (text), a ``TokenReport``
        (named entities: ``entity_counts``) or an image report (``findings`` and counts)."""
        self.ensure_plots()
        if "entity_counts" in report:
            self._show_token_report(report)
            return
        if "findings" in report and "text_column" not in report:
            self._show_image_report(report)
            return
        self._report = report
        self.report_status.hide()
        self.summary_label.setText(self._summary_html(report))
        self._counts_title(self.tr("Examples per class"))
        self._draw_counts(report)
        self._draw_lengths(report)
        self.warnings_label.setText(self._warnings_html(report))

    def _show_token_report(self, r: dict[str, Any]) -> None:
        from gui.findings_text import findings_html

        self._report = r
        self.report_status.hide()
        counts = r["entity_counts"]
        train, val = counts.get("train", {}), counts.get("validation", {})
        kinds = sorted(set(train) | set(val))
        p = r.get("length_percentiles") or {}
        lines = [
            self.tr(
                "<b>{train:,}</b> training sentences, <b>{val:,}</b> validation sentences; "
                "<b>{n}</b> entity types; {format}, tags in {scheme} (read as IOB2)."
            ).format(
                train=r["train_sentences"],
                val=r["validation_sentences"],
                n=len(kinds),
                format=r.get("format", ""),
                scheme=r.get("scheme", ""),
            )
        ]
        if p:
            lines.append(
                self.tr("Words per sentence: median {p50}, 90% under {p90}, longest {max}.").format(
                    p50=p.get("p50", 0), p90=p.get("p90", 0), max=p.get("max", 0)
                )
            )
        if kinds:
            lines.append(
                self.tr("Entities per type (training / validation): {counts}.").format(
                    counts=", ".join(
                        f"{_escape(k)} {train.get(k, 0):,} / {val.get(k, 0):,}" for k in kinds
                    )
                )
            )
        self.summary_label.setText("<br>".join(lines))
        self._counts_title(self.tr("Entities per type"))
        self._draw_counts({"labels": kinds, "train_counts": train, "validation_counts": val})
        self.length_plot.getPlotItem().clear()
        findings = list(r.get("findings", []))
        html = findings_html(findings, self.tr("✔ Nothing to worry about in this data."))
        examples = self._scheme_examples(r.get("scheme_errors") or {})
        self.warnings_label.setText(html + examples)

    def _scheme_examples(self, errors: dict[str, Any]) -> str:
        parts = []
        for entry in errors.values():
            for example in entry.get("examples", [])[:3]:
                pairs = " ".join(
                    f"{_escape(t)}/<b>{_escape(g)}</b>"
                    for t, g in zip(example["tokens"], example["tags"], strict=False)
                )
                where = self.tr("line or record {n}").format(n=example["record"])
                parts.append(f"<li>{where}: {pairs}</li>")
        if not parts:
            return ""
        return (
            "<p>"
            + self.tr("Examples of tag-scheme errors:")
            + "</p><ul>"
            + "".join(parts)
            + "</ul>"
        )

    def _show_image_report(self, r: dict[str, Any]) -> None:
        from gui.findings_text import findings_html

        self._report = r
        self.report_status.hide()
        counts = r.get("counts") or {}
        train = r.get("train_counts") or counts.get("train") or {}
        val = r.get("validation_counts") or counts.get("validation") or {}
        labels = list(r.get("labels") or sorted(set(train) | set(val)))
        text = self.tr(
            "<b>{train:,}</b> training images, <b>{val:,}</b> validation images; "
            "<b>{n}</b> classes."
        ).format(train=sum(train.values()), val=sum(val.values()), n=len(labels))
        sizes = r.get("sizes") or {}
        if "width" in sizes and "height" in sizes:
            text += "<br>" + self.tr(
                "Image sizes (a sample of {n:,}): median {w:.0f}×{h:.0f} pixels, smallest side "
                "{small}, largest side {large}."
            ).format(
                n=sizes.get("sampled", 0),
                w=sizes["width"]["median"],
                h=sizes["height"]["median"],
                small=min(sizes["width"]["min"], sizes["height"]["min"]),
                large=max(sizes["width"]["max"], sizes["height"]["max"]),
            )
        self.summary_label.setText(text)
        self._counts_title(self.tr("Images per class"))
        self._draw_counts({"labels": labels, "train_counts": train, "validation_counts": val})
        self.length_plot.getPlotItem().clear()
        if r.get("preliminary"):
            self.warnings_label.setText(self.tr("Checking the images (sizes, duplicates)…"))
        else:
            self.warnings_label.setText(
                findings_html(
                    list(r.get("findings", [])), self.tr("✔ Nothing to worry about in this data.")
                )
            )

    def _summary_html(self, r: dict[str, Any]) -> str:
        held = (
            self.tr("from {file}").format(file=Path(str(r["validation_source"])).name)
            if r.get("validation_source")
            else self.tr("held out, stratified")
        )
        p = r.get("token_percentiles", {})
        lines = [
            self.tr(
                "<b>{train:,}</b> training rows, <b>{val:,}</b> validation rows ({held}); "
                "<b>{n}</b> classes; text column <i>{text}</i>, label column <i>{label}</i>."
            ).format(
                train=r["train_rows"],
                val=r["validation_rows"],
                held=held,
                n=len(r["labels"]),
                text=r["text_column"],
                label=r["label_column"],
            ),
            self.tr(
                "Tokens per text: median {p50}, 95% under {p95}, longest {max}. "
                "Max length {ml} cuts {cut:.1%} of texts."
            ).format(
                p50=p.get("p50", 0),
                p95=p.get("p95", 0),
                max=p.get("max", 0),
                ml=r["max_length"],
                cut=r["truncated_share"],
            ),
        ]
        return "<br>".join(lines)

    def _warnings_html(self, r: dict[str, Any]) -> str:
        from gui.findings_text import findings_html
        from gui.i18n import warning_text

        return findings_html(
            list(r.get("warnings", [])),
            self.tr("✔ Nothing to worry about in this data."),
            warning_text,
            default_level="info",
        )

    def _counts_title(self, title: str) -> None:
        from gui.theme import style_plot

        if self.class_plot.property("stropPlotTitle") != title:
            style_plot(self.class_plot, title)

    def _draw_counts(self, r: dict[str, Any]) -> None:
        import numpy as np
        import pyqtgraph as pg

        from gui.plots import BLUE, ORANGE, text_colour

        plot = self.class_plot.getPlotItem()
        plot.clear()
        labels = list(r["labels"])
        train = np.array([r["train_counts"].get(label, 0) for label in labels], dtype=float)
        val = np.array([r["validation_counts"].get(label, 0) for label in labels], dtype=float)
        x = np.arange(len(labels), dtype=float)
        plot.addLegend(offset=(-5, 5), labelTextColor=text_colour(self), brush=None)
        plot.addItem(
            pg.BarGraphItem(
                x=x - 0.2,
                height=train,
                width=0.4,
                brush=pg.mkBrush(*BLUE),
                pen=None,
                name=self.tr("training"),
            )  # fmt: skip
        )
        plot.addItem(
            pg.BarGraphItem(
                x=x + 0.2,
                height=val,
                width=0.4,
                brush=pg.mkBrush(*ORANGE),
                pen=None,
                name=self.tr("validation"),
            )  # fmt: skip
        )
        step = max(1, int(np.ceil(len(labels) / 12)))
        ticks = [(float(i), _short(labels[i])) for i in range(0, len(labels), step)]
        plot.getAxis("bottom").setTicks([ticks, []])
        plot.setXRange(-0.7, len(labels) - 0.3, padding=0)
        plot.setYRange(0, max(1.0, float(train.max(initial=0))) * 1.15, padding=0)

    def _draw_lengths(self, r: dict[str, Any]) -> None:
        import numpy as np
        import pyqtgraph as pg

        from gui.plots import BLUE, GREY, text_colour

        plot = self.length_plot.getPlotItem()
        plot.clear()
        lengths = np.asarray(r.get("token_lengths_sample", []), dtype=float)
        if lengths.size == 0:
            return
        top = max(float(lengths.max()), float(r["max_length"])) + 1
        bins = np.linspace(0, top, min(40, max(5, int(top))) + 1)
        counts, edges = np.histogram(lengths, bins=bins)
        plot.plot(
            edges, counts, stepMode="center", fillLevel=0, brush=pg.mkBrush(*BLUE, 160),
            pen=pg.mkPen(BLUE, width=1),
        )  # fmt: skip
        line = pg.InfiniteLine(
            pos=float(r["max_length"]),
            angle=90,
            pen=pg.mkPen(GREY, width=1, style=Qt.PenStyle.DashLine),
            label=self.tr("max length {n}").format(n=r["max_length"]),
            labelOpts={"position": 0.85, "color": text_colour(self), "anchors": [(1, 0), (1, 0)]},
        )
        plot.addItem(line)
        plot.setXRange(0, top, padding=0.02)
        plot.setYRange(0, max(1.0, float(counts.max(initial=0))) * 1.1, padding=0)


def _short(label: str, width: int = 14) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
