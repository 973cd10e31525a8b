"""Opening a data file: which reads run, in what order, and which results still count.

Opening is quick steps off the GUI thread, each shown as soon as it arrives: the task
detected from the content (a few kilobytes); then, per task, a text table's quick check
(``engine.data.check_file``: type, encoding, quoting, row count) and first rows
(``read_preview``, instant even for millions of rows) before the whole table memory-mapped
(``load_and_detect``), which waits for the heavy imports; a named-entity file's first
sentences and the report that needs no model; an image folder's listing, then its report.
Every open is a new *generation*: a result from a file opened since is dropped, and a file's
problem is reported once even when two reads find it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from gui.dataset_columns import ColumnPickers
from gui.dataset_preview import DatasetPreview
from gui.dataset_reading import (
    PREVIEW_ROWS,
    detect_task,
    image_counts,
    load_and_detect,
    load_image_report,
    load_token_preview,
)
from gui.dataset_report import DatasetReportView
from gui.image_grid import list_images
from gui.task_combo import IMAGE, TEXT, TOKEN
from gui.worker import run_task


class DatasetLoader(QObject):
    """Opens files into the Dataset tab's views (``preview``, ``columns``, ``report``, the
    ``rows`` and ``where`` labels); ``split()`` is the share held out for validation.

    Signals, which the tab passes on as its own: ``taskChosen(name)`` as a file starts to
    open as a task, ``datasetOpened(path)``, ``openFailed(path)``, ``quickChecked()`` once the
    first quick look is done, ``errorOccurred(exception)``."""

    taskChosen = Signal(str)
    datasetOpened = Signal(str)
    openFailed = Signal(str)
    quickChecked = Signal()
    errorOccurred = Signal(object)

    def __init__(
        self,
        *,
        preview: DatasetPreview,
        columns: ColumnPickers,
        report: DatasetReportView,
        rows: QLabel,
        where: QLabel,
        split: Callable[[], float],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.preview, self.columns, self.report = preview, columns, report
        self.rows, self.where, self.split = rows, where, split
        self.path: str | None = None  # the open file, once it loaded without error
        self.opening: str | None = None  # the file asked for last, loaded or not
        self.loading = False
        self._generation = 0
        self._failed_generation = -1  # the file whose problem is shown (not shown twice)
        self._counted = False  # the quick check counted the open file's rows

    def open_file(self, path: str, task: str | None = None) -> None:
        """Open ``path`` as data for ``task`` (default: the task detected from its content,
        off the GUI thread in a few milliseconds). Text: the first rows at once, then the whole
        table in the background; named entities: the first sentences with their entities;
        images: the thumbnail grid, listed at once and decoded as they come into view."""
        self._generation += 1
        generation = self._generation
        self.path = None
        self.opening = path
        self.loading = True
        self._counted = False
        self._empty()
        self.report.clear_report(self.tr("Reading the file…"))
        self.where.setText(path)
        self.where.setToolTip(path)
        self.rows.setText(self.tr("reading…"))
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

    def _empty(self) -> None:
        self.preview.clear()
        self.columns.fill([], None)

    def _open_as(self, path: str, task: str, generation: int) -> None:
        self.taskChosen.emit(task)
        if task == TOKEN:
            self._open_tokens(path, generation)
        elif task == IMAGE:
            self._open_images(path, generation)
        else:
            self._open_table(path, generation)

    def _first_look(
        self, fn: Callable[..., Any], path: str, generation: int, *args: Any, **on: Any
    ) -> None:
        """Run ``fn(path, *args)`` at once; its failure is the file's problem, and its end
        is the quick look the window waits for before its own background work."""
        run_task(
            fn,
            path,
            *args,
            on_error=partial(self._open_failed, path, generation),
            on_finished=self.quickChecked.emit,
            owner=self,
            light=True,
            **on,
        )

    def _open_failed(self, path: str, generation: int, exc: BaseException) -> None:
        if generation != self._generation or generation == self._failed_generation:
            return  # a newer file, or this problem was shown already by the quick check
        self._failed_generation = generation
        self.loading = False
        self.path = None
        self._empty()
        self.rows.setText("")
        self.where.setText(self.tr("Could not open {path}").format(path=path))
        self.report.clear_report(self.tr("No report: the file could not be read."))
        self.openFailed.emit(path)
        self.errorOccurred.emit(exc)

    def _opened(self, path: str) -> None:
        self.loading = False
        self.path = path
        self.datasetOpened.emit(path)

    def _open_tokens(self, path: str, generation: int) -> None:
        def loaded(result: dict[str, Any]) -> None:
            if generation != self._generation:
                return
            self.preview.show_sentences(result)
            report = result["report"]
            self.rows.setText(
                self.tr("{n:,} sentences").format(
                    n=report["train_sentences"] + report["validation_sentences"]
                )
            )
            self.report.show_report(report)
            self._opened(path)

        self._first_look(load_token_preview, path, generation, self.split(), on_result=loaded)

    def _open_images(self, path: str, generation: int) -> None:
        def listed(items: list[tuple[str, str, str]]) -> None:
            if generation != self._generation:
                return
            self.preview.image_grid.set_images(items)
            self.rows.setText(self.tr("{n:,} images").format(n=len(items)))
            self.report.show_report(image_counts(items, path))
            self._opened(path)
            run_task(
                load_image_report,
                path,
                self.split(),
                on_result=reported,
                on_error=report_failed,
                owner=self,
                light=True,
            )

        def reported(report: dict[str, Any]) -> None:
            if generation == self._generation and self.path == path:
                self.report.show_report(report)

        def report_failed(exc: BaseException) -> None:
            # the thumbnails stay: the problem (one class, no images...) is said above them
            if generation == self._generation:
                self.report.clear_report(self.tr("No report: see the message above."))
                self.errorOccurred.emit(exc)

        self._first_look(list_images, path, generation, on_result=listed)

    def _open_table(self, path: str, generation: int) -> None:
        model = self.preview.model

        def preview_ready(result: tuple[list[str], list[list[str]]]) -> None:
            if generation != self._generation or model.is_complete or not self.loading:
                return
            columns, rows = result
            model.set_preview(columns, rows)
            if not self._counted:
                self.rows.setText(self.tr("first {n} rows (loading all…)").format(n=len(rows)))
            self.columns.fill(columns, None)

        def loaded(result: tuple[Any, Any]) -> None:
            if generation != self._generation or generation == self._failed_generation:
                return
            ds, guess = result
            self.loading = False
            self.path = path
            model.set_dataset(ds)
            self.rows.setText(self.tr("{n:,} rows").format(n=ds.num_rows))
            self.columns.fill(list(ds.column_names), guess)
            self.preview.fit_columns(guess.text if guess is not None else None)
            self.datasetOpened.emit(path)

        def checked(facts: Any) -> None:
            if generation != self._generation or not self.loading:
                return
            if facts.rows is not None:  # counted: say so now, the table follows
                self._counted = True
                self.rows.setText(self.tr("{n:,} rows").format(n=facts.rows))

        from engine.data import check_file, read_preview

        def preview_failed(exc: BaseException) -> None:
            # check_file or load_table reports the problem in full; wait for them.
            pass

        # What needs no model (type, encoding, quoting, columns) is known in well under a
        # second, before the heavy libraries have loaded: say it now, not when they have.
        self._first_look(check_file, path, generation, on_result=checked)
        run_task(
            read_preview,
            path,
            PREVIEW_ROWS,
            on_result=preview_ready,
            on_error=preview_failed,
            owner=self,
            light=True,  # the first rows at once, without waiting for torch to import
        )
        run_task(
            load_and_detect,
            path,
            on_result=loaded,
            on_error=partial(self._open_failed, path, generation),
            owner=self,
        )
