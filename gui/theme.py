"""One look for the window, its dialogs and its plots: style, light or dark palette, icon.

The window follows the system's light or dark palette (Fusion style, which honours a
palette on every platform); the settings dialog can force light or dark. Plot colours are
derived from the current ``QPalette`` here and nowhere else: ``style_plot()`` colours a
pyqtgraph ``PlotWidget`` and re-colours it whenever its palette changes, so switching
between light and dark takes effect at once, plots included.

Nothing here imports pyqtgraph at module level: the window must appear before it loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from engine.resources import resource_path

THEME_KEY = "ui/theme"
#: The choices offered in the settings dialog.
THEMES = ("system", "light", "dark")
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup


# ----- palettes ---------------------------------------------------------------------------
def is_dark(palette: QPalette | None = None) -> bool:
    """True when the palette draws light text on a dark window."""
    palette = palette if palette is not None else QGuiApplication.palette()
    window = palette.color(_Role.Window)
    text = palette.color(_Role.WindowText)
    return window.lightness() < text.lightness()


def _palette(
    colours: dict[QPalette.ColorRole, str], disabled: dict[QPalette.ColorRole, str]
) -> QPalette:
    palette = QPalette()
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    for role, value in disabled.items():
        palette.setColor(_Group.Disabled, role, QColor(value))
    return palette


def dark_palette() -> QPalette:
    """A dark palette for Fusion (neutral greys, a blue highlight)."""
    return _palette(
        {
            _Role.Window: "#2d2d30",
            _Role.WindowText: "#e6e6e6",
            _Role.Base: "#1e1e1f",
            _Role.AlternateBase: "#28282b",
            _Role.ToolTipBase: "#3a3a3d",
            _Role.ToolTipText: "#e6e6e6",
            _Role.PlaceholderText: "#8c8c8c",
            _Role.Text: "#e6e6e6",
            _Role.Button: "#37373a",
            _Role.ButtonText: "#e6e6e6",
            _Role.BrightText: "#ff6b6b",
            _Role.Light: "#4a4a4e",
            _Role.Midlight: "#3c3c40",
            _Role.Mid: "#2a2a2d",
            _Role.Dark: "#19191a",
            _Role.Shadow: "#000000",
            _Role.Highlight: "#3a78d4",
            _Role.HighlightedText: "#ffffff",
            _Role.Link: "#74b4ff",
            _Role.LinkVisited: "#b48cff",
        },
        {
            _Role.WindowText: "#7d7d7d",
            _Role.Text: "#7d7d7d",
            _Role.ButtonText: "#7d7d7d",
            _Role.Highlight: "#4a4a4e",
            _Role.HighlightedText: "#9a9a9a",
        },
    )


def light_palette() -> QPalette:
    """Fusion's light palette (what Qt uses on a light system), forced."""
    return _palette(
        {
            _Role.Window: "#efefef",
            _Role.WindowText: "#000000",
            _Role.Base: "#ffffff",
            _Role.AlternateBase: "#f7f7f7",
            _Role.ToolTipBase: "#ffffdc",
            _Role.ToolTipText: "#000000",
            _Role.PlaceholderText: "#7f7f7f",
            _Role.Text: "#000000",
            _Role.Button: "#efefef",
            _Role.ButtonText: "#000000",
            _Role.BrightText: "#ffffff",
            _Role.Light: "#ffffff",
            _Role.Midlight: "#cacaca",
            _Role.Mid: "#b8b8b8",
            _Role.Dark: "#9f9f9f",
            _Role.Shadow: "#767676",
            _Role.Highlight: "#308cc6",
            _Role.HighlightedText: "#ffffff",
            _Role.Link: "#0000ff",
            _Role.LinkVisited: "#ff00ff",
        },
        {
            _Role.WindowText: "#bebebe",
            _Role.Text: "#bebebe",
            _Role.ButtonText: "#bebebe",
            _Role.Highlight: "#919191",
        },
    )


def read_theme(settings: QSettings) -> str:
    value = str(settings.value(THEME_KEY, "system") or "system")
    return value if value in THEMES else "system"


def apply_theme(app: QApplication, theme: str = "system") -> None:
    """Fusion style with the system's palette (``system``), or a forced light or dark one.

    Takes effect at once: widgets repaint, and plots re-colour through ``style_plot``.
    """
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    if theme == "dark":
        app.setPalette(dark_palette())
    elif theme == "light":
        app.setPalette(light_palette())
    else:
        app.setPalette(QPalette())  # no roles set: back to what the platform gives


def setup_theme(app: QApplication, settings: QSettings) -> str:
    """Apply the saved theme and the app icon at start-up; returns the theme applied."""
    theme = read_theme(settings)
    apply_theme(app, theme)
    app.setWindowIcon(app_icon())
    return theme


def app_icon() -> QIcon:
    """The app icon, every PNG size from ``resources/icons/`` (empty if none is there)."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"strop-{size}.png")
        if path.is_file():
            icon.addFile(str(path))
    return icon


# ----- plot colours -------------------------------------------------------------------------
@dataclass(frozen=True)
class PlotColours:
    """The colours of every plot, for one palette."""

    background: QColor
    foreground: QColor
    grid_alpha: float
    dark: bool

    def rgb(self, colour: QColor) -> tuple[int, int, int]:
        return (colour.red(), colour.green(), colour.blue())


def plot_colours(palette: QPalette | None = None) -> PlotColours:
    """Plot background (the palette's ``Base``: the same as tables and text boxes) and
    axis/text colour (``Text``), from ``palette`` or the application's."""
    palette = palette if palette is not None else QGuiApplication.palette()
    dark = is_dark(palette)
    return PlotColours(
        background=QColor(palette.color(_Role.Base)),
        foreground=QColor(palette.color(_Role.Text)),
        grid_alpha=0.25 if dark else 0.2,
        dark=dark,
    )


def confusion_cell_colours(
    correct: bool, share: float, count: int, palette: QPalette | None = None
) -> tuple[QColor, QColor | None]:
    """Background and text colour of one confusion-matrix cell (``None``: the palette's).

    Green on the diagonal, red off it, stronger for a larger share of the true class;
    blended over the palette's base, so it reads on light and dark backgrounds alike.
    """
    palette = palette if palette is not None else QGuiApplication.palette()
    dark = is_dark(palette)
    colour = QColor(*((44, 160, 44) if correct else (214, 39, 40)))
    colour.setAlphaF(0.0 if not count else (0.2 if dark else 0.15) + 0.7 * share)
    text = QColor("white") if share > 0.6 and count and not dark else None
    return colour, text


def warning_text_colour(palette: QPalette | None = None) -> QColor:
    """A red for warning text that reads on the palette's window colour."""
    return QColor("#ff8080") if is_dark(palette) else QColor("#a01010")


class _PlotRestyler(QObject):
    """Re-colours a plot when its palette changes (light <-> dark)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.PaletteChange and isinstance(watched, QWidget):
            _colour_plot(watched)
        return False


_restyler: _PlotRestyler | None = None


def style_plot(plot: Any, title: str = "") -> None:
    """Colour a pyqtgraph ``PlotWidget`` from its palette, now and after every palette change."""
    global _restyler
    plot.setProperty("stropPlotTitle", title)
    _colour_plot(plot)
    if _restyler is None:
        _restyler = _PlotRestyler()
    plot.installEventFilter(_restyler)


def _colour_plot(plot: Any) -> None:
    import pyqtgraph as pg

    colours = plot_colours(plot.palette())
    foreground = colours.foreground
    plot.setBackground(colours.background)
    item = plot.getPlotItem()
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(foreground, width=1))
        axis.setTextPen(pg.mkPen(foreground))  # also the axis label's colour
    item.showGrid(x=True, y=True, alpha=colours.grid_alpha)
    title = plot.property("stropPlotTitle")
    if title:
        item.setTitle(title, color=foreground.name(), size="10pt")
    legend = item.legend
    if legend is not None:
        legend.setLabelTextColor(foreground)
