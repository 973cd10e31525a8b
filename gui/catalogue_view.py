"""The Model tab's catalogue: well-known models ranked for the open data's language.

People with Chinese or Greek data cannot be expected to know hub ids. The table lists
``engine.catalogue``'s models, the ones that read the data's language first, and says which
are on this computer: Use (or a double-click) picks one that is here, Download fetches one
that is not (the Model tab's download path), Import copies one made on another computer.
Listing checks the Hugging Face cache and Strop's model folder, off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.worker import run_task


def catalogue_rows(language: str | None) -> list[dict[str, Any]]:
    """``engine.catalogue.list_models`` with ``spec``: what ``--model`` takes for a model on
    this computer (``starter``, its hub id when cached under it, else its folder)."""
    from engine.catalogue import list_models
    from engine.models import cached_snapshot

    rows = list_models(language)
    for row in rows:
        if row["starter"]:
            row["spec"] = "starter"
        elif not row["on_this_computer"]:
            row["spec"] = None
        else:
            row["spec"] = row["id"] if cached_snapshot(row["id"]) else row["path"]
    return rows


class CatalogueView(QWidget):
    """Signals: ``useModel(spec)`` for a model here, ``downloadModel(hub_id)`` for one
    that is not, ``importRequested()``, ``errorOccurred(exception)``, ``listed()``."""

    useModel = Signal(str)
    downloadModel = Signal(str)
    importRequested = Signal()
    errorOccurred = Signal(object)
    listed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("catalogueView")
        self._rows: list[dict[str, Any]] = []
        self._language: str | None = None
        self._generation = 0

        self.language_label = QLabel()
        self.language_label.setObjectName("dataLanguageLabel")
        self.language_label.setWordWrap(True)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("modelCatalogTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Model"),
                self.tr("Languages"),
                self.tr("Parameters"),
                self.tr("Download"),
                self.tr("Licence"),
                self.tr("Speed (CPU)"),
                self.tr("On this computer"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 7):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.activate_selected())

        self.use_button = QPushButton(self.tr("Use"))
        self.use_button.setObjectName("useCatalogModelButton")
        self.use_button.clicked.connect(self.activate_selected)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setObjectName("downloadCatalogModelButton")
        self.download_button.clicked.connect(self.activate_selected)
        self.import_button = QPushButton(self.tr("Import model…"))
        self.import_button.setObjectName("importModelButton")
        self.import_button.setToolTip(
            self.tr("Copy a model folder or .zip made on another computer into Strop's models.")
        )
        self.import_button.clicked.connect(self.importRequested.emit)
        for button in (self.use_button, self.download_button):
            button.setEnabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.download_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.language_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._asked = False  # listed once shown or once the data's language is known
        self._show_language(None)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """List the catalogue when first shown: not at start-up, before the window paints."""
        super().showEvent(event)
        if not self._asked:
            self.refresh()

    @property
    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def set_language(self, language: str | None) -> None:
        """Rank the catalogue for ``language`` (ISO 639-1; ``None``: no data open yet)."""
        self._show_language(language)
        self.refresh()

    def _show_language(self, language: str | None) -> None:
        self._language = language
        if language:
            self.language_label.setText(
                self.tr("Your data is in '{language}': models that read it come first.").format(
                    language=language
                )
            )
        else:
            self.language_label.setText(
                self.tr("Open a data file to rank the models for its language.")
            )

    def refresh(self) -> None:
        """List the catalogue again (after a download or an import)."""
        self._asked = True
        self._generation += 1
        generation = self._generation

        def filled(rows: list[dict[str, Any]]) -> None:
            if generation == self._generation:
                self.show_rows(rows)

        run_task(
            catalogue_rows, self._language, on_result=filled,
            on_error=self.errorOccurred.emit, owner=self, light=True,
        )  # fmt: skip

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self._rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            here = row["on_this_computer"]
            languages = ", ".join(
                self.tr("many") if code == "multi" else code for code in row["languages"]
            )
            cells = [
                row["id"],
                languages,
                self.tr("{m:.0f} M").format(m=row["parameters"] / 1e6),
                self.tr("{mb:,} MB").format(mb=row["download_mb"]),
                row["licence"],
                {"fast": self.tr("fast"), "medium": self.tr("medium"), "slow": self.tr("slow")}[
                    row["speed"]
                ],
                self.tr("yes") if here else self.tr("no"),
            ]
            tip = row.get("note") or ""
            if not row["reads_language"]:
                tip = (tip + "\n" if tip else "") + self.tr("Does not read your data's language.")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                if col in (2, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if not row["reads_language"]:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(r, col, item)
        self._selection_changed()
        self.listed.emit()

    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows()
        return self._rows[rows[0].row()] if rows else None

    def select_id(self, model_id: str) -> None:
        for r, row in enumerate(self._rows):
            if row["id"] == model_id:
                self.table.selectRow(r)
                return

    def _selection_changed(self) -> None:
        row = self.selected()
        self.use_button.setEnabled(bool(row and row["on_this_computer"]))
        self.download_button.setEnabled(bool(row and not row["on_this_computer"]))

    def activate_selected(self) -> None:
        """Use the selected model when it is here, otherwise download it."""
        row = self.selected()
        if row is None:
            return
        if row["on_this_computer"] and row.get("spec"):
            self.useModel.emit(str(row["spec"]))
        else:
            self.downloadModel.emit(row["id"])
