"""The Runs tab's table: one row per past run (``RunsTableModel`` over
``engine.runs.list_runs()``), with the helpers that name, date, score and colour a run."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QIcon, QPixmap

from engine.models import display_name
from gui.i18n import run_state_text
from gui.results_view import duration

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
DISMISSED_KEY = "runs/dismissed_resume"
EXPORT_DIR_KEY = "runs/export_dir"

#: One colour per run when several are overlaid (the tab10 palette: readable on light and
#: dark backgrounds, distinguishable by most colour-blind readers for the first few).
RUN_COLOURS = (
    (31, 119, 180),
    (230, 120, 20),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)
STATE_COLOURS = {
    "failed": (214, 39, 40),
    "interrupted": (230, 120, 20),
    "stopped": (127, 127, 127),
    "running": (31, 119, 180),
    "preparing": (31, 119, 180),
    "stopping": (31, 119, 180),
}


def when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def curve_names(infos: list[Any]) -> list[str]:
    """Legend names of overlaid runs: the start (with the date when they span days), the
    strategy, and the model when they differ in it; the run folder's name where two would
    still read the same (runs started in the same second)."""
    days = {datetime.fromtimestamp(info.created).date() for info in infos}
    models = {info.model for info in infos}
    names = []
    for info in infos:
        start = datetime.fromtimestamp(info.created)
        name = start.strftime("%m-%d %H:%M:%S" if len(days) > 1 else "%H:%M:%S")
        name += f" · {info.strategy or 'full'}"
        if len(models) > 1:
            name += f" · {display_name(info.model)}"
        names.append(name)
    return [
        f"{name} · {info.path.name}" if names.count(name) > 1 else name
        for name, info in zip(names, infos, strict=True)
    ]


def history_series(folder: Any) -> dict[str, tuple[Any, Any]]:
    """A run folder's curves (``RunFolder.curves``) as (steps, values) numpy arrays."""
    import numpy as np

    return {
        key: (np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64))
        for key, (xs, ys) in folder.curves.items()
    }


def run_score(info: Any) -> tuple[float | None, str]:
    """A run's score on its task's main metric and the metric's name (``RunInfo`` reads
    them once, off the GUI thread, with the listing)."""
    return info.score, info.main_metric


def swatch(rgb: tuple[int, int, int], size: int = 12) -> QIcon:
    """A square of colour that keeps its colour in a selected row (a plain ``QColor``
    decoration is tinted by the selection)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(*rgb))
    icon = QIcon()
    for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
        icon.addPixmap(pixmap, mode)
    return icon


# ----- the table ------------------------------------------------------------------------
class RunsTableModel(QAbstractTableModel):
    """One row per ``RunInfo``; ``SORT_ROLE`` gives each cell's sort key."""

    COLUMNS = (  # translated in headerData; marked for lupdate
        QT_TRANSLATE_NOOP("RunsTableModel", "When"),
        QT_TRANSLATE_NOOP("RunsTableModel", "Dataset"),
        QT_TRANSLATE_NOOP("RunsTableModel", "Model"),
        QT_TRANSLATE_NOOP("RunsTableModel", "Strategy"),
        QT_TRANSLATE_NOOP("RunsTableModel", "Status"),
        QT_TRANSLATE_NOOP("RunsTableModel", "Best accuracy"),
        QT_TRANSLATE_NOOP("RunsTableModel", "Score"),
        QT_TRANSLATE_NOOP("RunsTableModel", "Duration"),
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: list[Any] = []
        self._colours: dict[Path, QIcon] = {}
        self._scores: dict[Path, tuple[float | None, str]] = {}

    def set_colours(self, colours: dict[Path, tuple[int, int, int]]) -> None:
        """Curve colours of overlaid runs, shown as a swatch in their first cell."""
        self._colours = {path: swatch(rgb) for path, rgb in colours.items()}
        if self._runs:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(len(self._runs) - 1, 0),
                [Qt.ItemDataRole.DecorationRole],
            )

    def set_runs(self, runs: list[Any]) -> None:
        self.beginResetModel()
        self._runs = list(runs)
        self._scores = {info.path: run_score(info) for info in self._runs}
        self.endResetModel()

    def score(self, info: Any) -> tuple[float | None, str]:
        """The run's main-metric score and the metric's name (``run_score``)."""
        found = self._scores.get(info.path)
        return found if found is not None else run_score(info)

    @property
    def runs(self) -> list[Any]:
        return list(self._runs)

    def run(self, row: int) -> Any:
        return self._runs[row]

    def row_of(self, path: str | Path) -> int:
        target = Path(path)
        for i, info in enumerate(self._runs):
            if info.path == target:
                return i
        return -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def _text(self, info: Any, column: int) -> str:
        if column == 0:
            return when(info.created)
        if column == 1:
            return Path(info.dataset).name if info.dataset else "?"
        if column == 2:
            return display_name(info.model)
        if column == 3:
            return info.strategy or "full"
        if column == 4:
            return run_state_text(info.state.value)
        if column == 5:
            return f"{info.accuracy:.1%}" if info.accuracy is not None else "–"
        if column == 6:
            value, _metric = self.score(info)
            return f"{value:.3f}" if value is not None else "–"
        return duration(info.duration) if info.duration is not None else "–"

    def _sort_key(self, info: Any, column: int) -> Any:
        if column == 0:
            return info.created
        if column == 5:
            return -1.0 if info.accuracy is None else float(info.accuracy)
        if column == 6:
            value, _metric = self.score(info)
            return -1.0 if value is None else float(value)
        if column == 7:
            return -1.0 if info.duration is None else float(info.duration)
        return self._text(info, column).lower()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._runs):
            return None
        info = self._runs[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(info, column)
        if role == SORT_ROLE:
            return self._sort_key(info, column)
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._colours.get(info.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1:
                return info.dataset
            if column == 2:
                return info.model
            if column == 4 and info.resumable:
                return self.tr("Can be resumed from step {step}").format(step=info.last_step)
            if column == 6:
                return self.tr("The task's main metric: {metric}").format(
                    metric=self.score(info)[1]
                )
            return str(info.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 5:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            colour = STATE_COLOURS.get(info.state.value)
            return QColor(*colour) if colour else None
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return self.tr(self.COLUMNS[section]) if 0 <= section < len(self.COLUMNS) else None
