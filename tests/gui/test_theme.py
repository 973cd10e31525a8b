"""One look: Fusion with the system's, or a forced light or dark, palette; plots coloured from
the palette (and re-coloured when it changes); confusion-matrix colours; the app icon."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from gui import theme


@pytest.fixture
def restore_palette(qapp: QApplication) -> Any:
    yield qapp
    theme.apply_theme(qapp, "system")
    qapp.processEvents()


def _axis_colours(plot: Any) -> tuple[QColor, QColor, QColor]:
    axis = plot.getPlotItem().getAxis("left")
    return plot.backgroundBrush().color(), axis.pen().color(), axis.textPen().color()


def test_a_dark_palette_gives_dark_plots_with_light_axes(qtbot: Any, restore_palette: Any) -> None:
    from gui.plots import themed_plot

    theme.apply_theme(restore_palette, "dark")
    assert theme.is_dark()
    plot = themed_plot("darkPlot", title="Loss")
    qtbot.addWidget(plot)
    background, pen, text = _axis_colours(plot)
    assert background.lightness() < 60
    assert pen.lightness() > 180 and text.lightness() > 180
    assert plot.getPlotItem().titleLabel.text == "Loss"


def test_plots_follow_a_palette_change_at_once(qtbot: Any, restore_palette: Any) -> None:
    from gui.plots import themed_plot

    theme.apply_theme(restore_palette, "light")
    plot = themed_plot("switchingPlot", title="Accuracy")
    qtbot.addWidget(plot)
    plot.getPlotItem().addLegend()
    background, pen, _ = _axis_colours(plot)
    assert background.lightness() > 200 and pen.lightness() < 80
    theme.apply_theme(restore_palette, "dark")
    qtbot.waitUntil(lambda: _axis_colours(plot)[0].lightness() < 60, timeout=2000)
    assert _axis_colours(plot)[1].lightness() > 180
    legend = plot.getPlotItem().legend
    assert QColor(legend.opts["labelTextColor"]).lightness() > 180


def test_every_plot_of_the_window_is_themed(
    qtbot: Any, restore_palette: Any, fake_dialogs: Any
) -> None:
    import pyqtgraph as pg

    from gui.main_window import MainWindow

    theme.apply_theme(restore_palette, "dark")
    window = MainWindow()
    qtbot.addWidget(window)
    window.dataset_tab.ensure_plots()
    window.training_tab.ensure_plots()
    plots = window.findChildren(pg.PlotWidget)
    assert len(plots) >= 4
    for plot in plots:
        background, pen, _ = _axis_colours(plot)
        assert background.lightness() < 60, plot.objectName()
        assert pen.lightness() > 180, plot.objectName()


def test_light_and_dark_palettes() -> None:
    assert theme.is_dark(theme.dark_palette())
    assert not theme.is_dark(theme.light_palette())
    dark = theme.plot_colours(theme.dark_palette())
    light = theme.plot_colours(theme.light_palette())
    assert dark.dark and not light.dark
    assert dark.background.lightness() < dark.foreground.lightness()
    assert light.background.lightness() > light.foreground.lightness()


def test_the_system_theme_drops_a_forced_palette(restore_palette: QApplication) -> None:
    app = restore_palette
    theme.apply_theme(app, "system")
    system_window = app.palette().color(QPalette.ColorRole.Window)
    theme.apply_theme(app, "dark")
    assert app.palette().color(QPalette.ColorRole.Window) != system_window
    theme.apply_theme(app, "system")
    assert app.palette().color(QPalette.ColorRole.Window) == system_window
    assert app.style().name().lower() == "fusion"


def test_confusion_cells_read_in_both_themes() -> None:
    for palette in (theme.light_palette(), theme.dark_palette()):
        good, _ = theme.confusion_cell_colours(True, 0.9, 90, palette)
        bad, _ = theme.confusion_cell_colours(False, 0.1, 10, palette)
        assert good.green() > good.red() and bad.red() > bad.green()
        assert good.alphaF() > bad.alphaF() > 0
        empty, text = theme.confusion_cell_colours(False, 0.0, 0, palette)
        assert empty.alphaF() == 0 and text is None
    _, light_text = theme.confusion_cell_colours(True, 0.9, 90, theme.light_palette())
    _, dark_text = theme.confusion_cell_colours(True, 0.9, 90, theme.dark_palette())
    assert light_text == QColor("white")  # white on a strong green
    assert dark_text is None  # the dark palette's light text already reads


def test_the_training_tab_colours_its_confusion_matrix_from_the_theme(
    qtbot: Any, restore_palette: Any
) -> None:
    from gui.training_tab import TrainingTab

    theme.apply_theme(restore_palette, "dark")
    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab.show_results(
        {
            "accuracy": 0.9,
            "macro_f1": 0.9,
            "labels": ["a", "b"],
            "confusion_matrix": [[9, 1], [1, 9]],
            "per_class": {},
        }
    )
    table = tab.confusion_table
    diagonal = table.item(0, 0).background().color()
    expected, _ = theme.confusion_cell_colours(True, 0.9, 9, table.palette())
    assert diagonal == expected


def test_the_app_icon_has_every_size() -> None:
    icon = theme.app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes


def test_setup_applies_the_saved_theme_and_the_icon(
    tmp_path: Path, restore_palette: QApplication
) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert theme.read_theme(settings) == "system"
    settings.setValue(theme.THEME_KEY, "dark")
    assert theme.setup_theme(restore_palette, settings) == "dark"
    assert theme.is_dark(restore_palette.palette())
    assert not restore_palette.windowIcon().isNull()
    settings.setValue(theme.THEME_KEY, "purple")
    assert theme.read_theme(settings) == "system"


def test_warning_text_reads_in_both_themes() -> None:
    light = theme.warning_text_colour(theme.light_palette())
    dark = theme.warning_text_colour(theme.dark_palette())
    assert light.lightness() < 100 < dark.lightness()
