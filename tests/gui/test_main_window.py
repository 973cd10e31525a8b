"""The main window: tabs and stable names, menus, status bar, drag and drop, settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QWidget,
)

from gui.main_window import about_html
from tests.gui.conftest import wait_loaded, wait_report

NAMES = {
    "mainTabs": QTabWidget,
    "datasetTab": QWidget,
    "modelTab": QWidget,
    "trainingTab": QWidget,
    "predictionTab": QWidget,
    "textColumnCombo": QComboBox,
    "labelColumnCombo": QComboBox,
    "datasetPreviewTable": QTableView,
    "epochsSpin": QWidget,
    "batchSizeSpin": QWidget,
    "learningRateSpin": QWidget,
    "startTrainingButton": QPushButton,
    "stopTrainingButton": QPushButton,
    "trainingProgressBar": QProgressBar,
    "lossPlot": pg.PlotWidget,
    "predictInput": QPlainTextEdit,
    "predictButton": QPushButton,
    "predictionLabel": QLabel,
    # and the others a script may need
    "openDatasetButton": QPushButton,
    "resumeTrainingButton": QPushButton,
    "exportConfigButton": QPushButton,
    "openRunFolderButton": QPushButton,
    "validationFileEdit": QWidget,
    "validationSplitSpin": QWidget,
    "maxLengthSpin": QWidget,
    "deviceCombo": QComboBox,
    "precisionCombo": QComboBox,
    "strategyCombo": QComboBox,
    "topLayersSpin": QWidget,
    "modelSourceCombo": QComboBox,
    "predictFileButton": QPushButton,
    "predictModelCombo": QComboBox,
    "errorBanner": QWidget,
}


def test_tabs_in_order_and_every_stable_name(qtbot: Any, window: Any) -> None:
    assert window.objectName() == "MainWindow"
    assert window.windowTitle() == "Strop"
    tabs = window.findChild(QTabWidget, "mainTabs")
    # the four of the journey come first, in this order (later views may follow them)
    assert [tabs.tabText(i) for i in range(4)] == [
        "Dataset",
        "Model",
        "Training",
        "Prediction",
    ]
    assert [tabs.widget(i).objectName() for i in range(4)] == [
        "datasetTab",
        "modelTab",
        "trainingTab",
        "predictionTab",
    ]
    # the plots come a few turns after the first paint, once pyqtgraph is imported
    qtbot.waitUntil(lambda: window.findChild(pg.PlotWidget, "lossPlot") is not None)
    for name, kind in NAMES.items():
        assert window.findChild(kind, name) is not None, name


def test_status_bar_shows_model_and_device(qtbot: Any, window: Any, tiny_model: Path) -> None:
    assert "tiny-bert" in window.status_model.text()
    qtbot.waitUntil(lambda: window.training_tab.device_combo.count() > 1, timeout=60_000)
    assert "CPU" in window.status_device.text()
    qtbot.waitUntil(lambda: window.model_tab.info is not None, timeout=60_000)
    assert (
        window.model_tab.values["architecture"].text().startswith("BertForSequenceClassification")
    )
    assert "CPU" in window.model_tab.values["device"].text()


def test_the_status_bar_names_the_model_the_chosen_task_uses(qtbot: Any, make_window: Any) -> None:
    from PySide6.QtWidgets import QComboBox, QLabel

    window = make_window(model="starter")
    status = window.findChild(QLabel, "statusModel")
    assert status.text() == "Model: all-MiniLM-L6-v2"
    combo = window.dataset_tab.task_combo
    index = combo.findData("image-classification")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # as a person choosing it (no data open: nothing to read)
    assert status.text() == "Model: EfficientNet-Lite0"  # the image starter, not the text one
    source = window.findChild(QComboBox, "modelSourceCombo")  # the Model tab names it too
    assert "EfficientNet-Lite0" in source.itemText(source.findData("starter"))
    assert "EfficientNet-Lite0" in window.findChild(QLabel, "starterModelLabel").text()
    combo.setCurrentIndex(combo.findData("text-classification"))
    assert status.text() == "Model: all-MiniLM-L6-v2"


def test_the_model_named_is_the_one_the_run_resolves(tmp_path: Path) -> None:
    from engine.config import TrainConfig
    from engine.models import display_name as model_name
    from engine.tasks import get

    for task in ("text-classification", "token-classification", "image-classification"):
        config = TrainConfig(task=task, model="starter", device="cpu")
        used = get(task).resolve_defaults(config).model  # what the run loads
        assert model_name("starter", task) == model_name(used, task)
    assert model_name("starter", "image-classification") == "EfficientNet-Lite0"
    assert model_name(str(tmp_path / "my-bert"), "text-classification") == "my-bert"
    assert model_name("google-bert/bert-base-cased", "token-classification") == (
        "google-bert/bert-base-cased"
    )
    assert model_name("starter-image") == "EfficientNet-Lite0"  # a run config's record


def test_about_names_libraries_and_licences(qtbot: Any, window: Any, fake_dialogs: Any) -> None:
    window.about_action.trigger()
    assert fake_dialogs.names() == ["about"]
    text = about_html()
    for name in (
        "PySide6",
        "pyqtgraph",
        "PyTorch",
        "transformers",
        "datasets",
        "accelerate",
        "safetensors",
        "scikit-learn",
        "platformdirs",
        "all-MiniLM-L6-v2",
        "Apache-2.0",
        "CC BY 4.0",
        "Kotzias",
    ):
        assert name in text


def test_open_dataset_from_the_menu_and_the_recent_list(
    qtbot: Any, window: Any, sentiment_csv: Path, fake_dialogs: Any
) -> None:
    fake_dialogs.open_file_result = str(sentiment_csv)
    window.open_action.trigger()
    wait_loaded(qtbot, window)
    assert window.dataset_tab.path == str(sentiment_csv)
    actions = window.recent_menu.actions()
    assert [a.text() for a in actions] == [str(sentiment_csv)]
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    wait_report(qtbot, window)


def test_dropping_a_file_opens_it(qtbot: Any, window: Any, sentiment_csv: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sentiment_csv))])
    event = QDropEvent(
        QPoint(10, 10).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    wait_loaded(qtbot, window)
    assert window.dataset_tab.path == str(sentiment_csv)
    wait_report(qtbot, window)


def test_the_last_dataset_and_model_reopen_at_the_next_launch(
    qtbot: Any, make_window: Any, sentiment_csv: Path, tiny_model: Path
) -> None:
    first = make_window(dataset=str(sentiment_csv))
    wait_loaded(qtbot, first)
    first.move(30, 20)
    first.close()
    saved = first.settings.value("window/geometry")
    assert saved is not None and bytes(saved) == bytes(first.saveGeometry())
    second = make_window(start=False)
    second.start()  # no arguments: what was open last time
    wait_loaded(qtbot, second)
    assert second.dataset_tab.path == str(sentiment_csv)
    assert second.model_tab.spec == str(tiny_model)
    # (offscreen Qt clamps a restored geometry to its 800x600 screen: check it is readable)
    assert second.restoreGeometry(second.settings.value("window/geometry"))
    wait_report(qtbot, second)


def test_settings_live_under_strop_home_in_tests(window: Any, strop_home: Path) -> None:
    assert Path(window.settings.fileName()) == strop_home / "settings.ini"


def test_model_tab_strategy_reaches_the_config(qtbot: Any, window: Any) -> None:
    tab = window.model_tab
    tab.strategy_combo.setCurrentIndex(1)
    tab.layers_spin.setValue(1)
    assert tab.strategy() == "top-layers:1"
    assert "top 1 encoder layer" in tab.strategy_text.text()
    assert "5e-04" in window.training_tab.lr_spin.specialValueText() or "0.0005" in (
        window.training_tab.lr_spin.specialValueText()
    )
    tab.strategy_combo.setCurrentIndex(2)
    assert tab.model_settings()["strategy"] == "head"
    assert not tab.layers_spin.isEnabled()


def test_an_offline_download_says_so_plainly(qtbot: Any, window: Any, monkeypatch: Any) -> None:
    import socket

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", no_network)
    tab = window.model_tab
    tab.source_combo.setCurrentIndex(3)
    tab.hub_edit.setText("org/some-model")
    tab.download_button.click()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=10_000)
    assert "offline" in window.banner.message
    qtbot.waitUntil(lambda: tab.download_button.isEnabled(), timeout=10_000)


def test_a_model_that_needs_remote_code_is_refused_until_allowed(
    qtbot: Any, window: Any, tiny_model: Path, tmp_path: Path
) -> None:
    import json
    import shutil

    folder = tmp_path / "remote-code"
    shutil.copytree(tiny_model, folder)
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {"AutoModel": "modeling.Custom"}
    (folder / "config.json").write_text(json.dumps(config))
    window.model_tab.set_model(str(folder))
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=30_000)
    assert "trust_remote_code" in window.banner.message
    assert window.model_tab.info is None


def test_every_tab_fits_from_the_minimum_window_size(qtbot: Any, window: Any) -> None:
    """No horizontal scroll bar in the Training tab's settings column, no cut plot title."""
    from PySide6.QtWidgets import QScrollArea

    from gui.main_window import MINIMUM_SIZE

    assert (window.minimumWidth(), window.minimumHeight()) == MINIMUM_SIZE
    window.training_tab.ensure_plots()
    for size in (MINIMUM_SIZE, (1366, 768)):
        window.resize(*size)
        window.tabs.setCurrentWidget(window.training_tab)
        qtbot.wait(50)
        settings = window.training_tab.findChild(QScrollArea, "trainingSettingsScroll")
        assert not settings.horizontalScrollBar().isVisible(), size
        for plot in (window.training_tab.loss_plot, window.training_tab.metric_plot):
            title = plot.getPlotItem().titleLabel
            assert title.item.boundingRect().width() <= plot.width(), (size, title.text)


def test_the_task_brings_its_own_strategy_unless_the_person_chose_one(make_window: Any) -> None:
    # as the CLI applies Task.defaults(): a token run trains its top four layers
    from engine.tasks import get

    window = make_window(model="starter")
    combo, model_tab = window.dataset_tab.task_combo, window.model_tab
    token_strategy = get("token-classification").defaults()["strategy"]
    combo.setCurrentIndex(combo.findData("token-classification"))
    assert model_tab.strategy() == token_strategy
    combo.setCurrentIndex(combo.findData("image-classification"))
    assert model_tab.strategy() == get("image-classification").defaults()["strategy"]
    combo.setCurrentIndex(combo.findData("text-classification"))
    assert model_tab.strategy() == "full"
    model_tab.set_strategy("head")  # the person's choice stays
    combo.setCurrentIndex(combo.findData("token-classification"))
    assert model_tab.strategy() == "head"


def test_the_plots_are_built_one_tab_a_turn(qtbot: Any, make_window: Any) -> None:
    """After the warm-up imports pyqtgraph, each tab's plots come in their own event-loop
    turn (``bench/startup.py``: together they stalled the window 0.1-0.23 s)."""
    window = make_window(start=False)
    assert window.dataset_tab.report_view.class_plot is None
    assert window.training_tab.loss_plot is None and window.runs_tab.loss_plot is None
    window._warm_up_progress(1, 2)
    assert window.dataset_tab.report_view.class_plot is not None
    assert window.training_tab.loss_plot is None  # the next turn's
    qtbot.waitUntil(lambda: window.runs_tab.loss_plot is not None, timeout=5_000)
    assert window.training_tab.loss_plot is not None
    assert window.findChild(pg.PlotWidget, "lossPlot") is window.training_tab.loss_plot
