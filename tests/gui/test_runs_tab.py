"""The Runs tab: the table of past runs, curves and results of one, overlaid curves of two,
delete (asks; refuses a run that is training), resume of an interrupted run (from the
table and from the banner at launch), predict with a run, and export off the GUI thread."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QPushButton

from engine.runs import read_metrics_log
from tests.conftest import write_sentiment_csv

TIMEOUT = 60_000


@dataclass
class BuiltRuns:
    finished: Path
    stopped: Path  # stopped at step 5 with a checkpoint (checkpoint-5) and a model


@pytest.fixture(scope="session")
def built_runs(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> BuiltRuns:
    """Two short runs of the tiny model (about 4 s each): one finished, one stopped."""
    import torch

    from engine.config import TrainConfig
    from engine.events import StepLogged
    from engine.training import train

    root = tmp_path_factory.mktemp("runs_tab")
    data = write_sentiment_csv(root / "sentiment.csv", rows=120)
    settings: dict[str, Any] = {
        "data": str(data),
        "model": str(tiny_model),
        "epochs": 1,
        "batch_size": 16,
        "learning_rate": 2e-3,
        "device": "cpu",
        "precision": "fp32",
        "logging_steps": 1,
        "eval_steps": 3,
        "save_steps": 3,
        "seed": 7,
    }
    stop = threading.Event()

    def stop_at_four(event: Any) -> None:
        if isinstance(event, StepLogged) and event.step >= 4:
            stop.set()

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        finished = train(TrainConfig(**settings, max_steps=6, output=str(root / "a-finished")))
        stopped = train(
            TrainConfig(**settings, max_steps=40, output=str(root / "b-stopped")),
            stop_at_four,
            stop,
        )
    finally:
        torch.set_num_threads(threads)
    assert finished.state.value == "finished" and stopped.state.value == "stopped"
    return BuiltRuns(finished.run_dir, stopped.run_dir)


@dataclass
class Runs:
    finished: Path
    stopped: Path


@pytest.fixture
def runs(built_runs: BuiltRuns, strop_home: Path) -> Runs:
    """The two runs, copied into this test's runs folder (the window lists them)."""
    from engine.paths import runs_dir

    root = runs_dir()
    root.mkdir(parents=True, exist_ok=True)
    finished = Path(shutil.copytree(built_runs.finished, root / "20250101-100000-finished"))
    stopped = Path(shutil.copytree(built_runs.stopped, root / "20250102-100000-stopped"))
    return Runs(finished, stopped)


def set_status(run_dir: Path, **fields: Any) -> None:
    path = run_dir / "status.json"
    status = json.loads(path.read_text(encoding="utf-8"))
    status.update(fields)
    path.write_text(json.dumps(status), encoding="utf-8")


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def listed(qtbot: Any, window: Any, rows: int) -> Any:
    tab = window.runs_tab
    qtbot.waitUntil(lambda: not tab.listing and tab.model.rowCount() == rows, timeout=TIMEOUT)
    return tab


def row_of(tab: Any, path: Path) -> int:
    return next(i for i in range(tab.proxy.rowCount()) if tab.proxy_run(i).path == path)


def cell(tab: Any, path: Path, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return tab.proxy.index(row_of(tab, path), column).data(role)


def button(window: Any, name: str) -> QPushButton:
    found = window.findChild(QPushButton, name)
    assert found is not None, name
    return found


def test_the_table_lists_every_run_with_its_status(
    qtbot: Any, runs: Runs, make_window: Any
) -> None:
    window = make_window()
    tabs = window.tabs
    assert [tabs.widget(i).objectName() for i in range(tabs.count())] == [
        "datasetTab",
        "modelTab",
        "trainingTab",
        "predictionTab",
        "runsTab",
    ]
    tab = listed(qtbot, window, 2)
    assert tab.table.objectName() == "runsTable"
    headers = [tab.proxy.headerData(c, Qt.Orientation.Horizontal) for c in range(8)]
    assert headers == [
        "When",
        "Dataset",
        "Model",
        "Strategy",
        "Status",
        "Best accuracy",
        "Score",
        "Duration",
    ]
    assert cell(tab, runs.finished, 4) == "finished"
    assert cell(tab, runs.stopped, 4) == "stopped"
    metrics = json.loads((runs.finished / "metrics.json").read_text(encoding="utf-8"))
    assert cell(tab, runs.finished, 5) == f"{metrics['accuracy']:.1%}"
    assert cell(tab, runs.finished, 6) == f"{metrics['macro_f1']:.3f}"
    assert cell(tab, runs.finished, 1) == "sentiment.csv"
    assert cell(tab, runs.finished, 2) == "tiny-bert"
    assert cell(tab, runs.finished, 3) == "full"
    assert cell(tab, runs.finished, 7).endswith(" s")
    # newest first, and the newest is selected
    assert tab.proxy_run(0).path == runs.stopped
    assert [info.path for info in tab.selected_runs()] == [runs.stopped]
    assert not window.runs_tab.resume_banner.isVisible()  # nothing was interrupted


def test_selecting_a_run_redraws_its_curves_and_results(
    qtbot: Any, runs: Runs, make_window: Any
) -> None:
    window = make_window()
    tab = listed(qtbot, window, 2)
    tab.select_runs([str(runs.finished)])
    records = read_metrics_log(runs.finished)
    train_steps = [r["step"] for r in records if r["type"] == "train"]
    eval_accuracy = [r["accuracy"] for r in records if r["type"] == "eval"]
    curves = {item.name(): item for item in tab.loss_plot.getPlotItem().listDataItems()}
    assert set(curves) == {"training loss", "validation loss"}
    x, y = curves["training loss"].getData()
    assert list(x) == train_steps and len(y) == len(train_steps)
    scores = {item.name(): item for item in tab.metric_plot.getPlotItem().listDataItems()}
    assert list(scores["accuracy"].getData()[1]) == pytest.approx(eval_accuracy)
    # its metrics and confusion matrix, drawn by the Training tab's results code
    metrics = json.loads((runs.finished / "metrics.json").read_text(encoding="utf-8"))
    results = tab.results
    assert "Accuracy" in results.metrics_label.text()
    assert results.confusion_table.rowCount() == 2 == results.confusion_table.columnCount()
    total = sum(int(results.confusion_table.item(i, j).text()) for i in range(2) for j in range(2))
    assert total == metrics["num_examples"]
    assert results.per_class_table.item(0, 0).text() == "negative"
    # a finished run: predict and export, nothing to resume
    assert not button(window, "resumeRunButton").isEnabled()
    assert button(window, "predictWithRunButton").isEnabled()
    assert button(window, "exportRunButton").isEnabled()
    # the stopped run: resumable, and its curves replace the others
    tab.select_runs([str(runs.stopped)])
    assert button(window, "resumeRunButton").isEnabled()
    x, _y = tab.loss_plot.getPlotItem().listDataItems()[0].getData()
    assert list(x) == [r["step"] for r in read_metrics_log(runs.stopped) if r["type"] == "train"]
    assert "did not finish" in results.metrics_label.text()
    assert results.confusion_table.rowCount() == 0
    assert "step 5" in tab.details.text()


def test_two_selected_runs_overlay_their_curves(qtbot: Any, runs: Runs, make_window: Any) -> None:
    window = make_window()
    tab = listed(qtbot, window, 2)
    tab.select_runs([str(runs.finished), str(runs.stopped)])
    loss_items = tab.loss_plot.getPlotItem().listDataItems()
    metric_items = tab.metric_plot.getPlotItem().listDataItems()
    assert len(loss_items) == 2 and len(metric_items) == 2
    colours = {item.opts["pen"].color().name() for item in loss_items}
    assert len(colours) == 2  # one colour per run
    by_steps = {len(item.getData()[0]): item for item in loss_items}
    for run in (runs.finished, runs.stopped):
        steps = [r["step"] for r in read_metrics_log(run) if r["type"] == "train"]
        assert list(by_steps[len(steps)].getData()[0]) == steps
    legend = tab.loss_plot.getPlotItem().legend
    names = sorted(label.text for _sample, label in legend.items)
    assert len(names) == 2 and names[0] != names[1]
    # the rows carry their curve's colour, also while selected
    swatches = {
        cell(tab, run, 0, Qt.ItemDataRole.DecorationRole)
        .pixmap(12, 12, QIcon.Mode.Selected)
        .toImage()
        .pixelColor(6, 6)
        .name()
        for run in (runs.finished, runs.stopped)
    }
    assert swatches == colours
    assert tab.results.isHidden()  # no one confusion matrix: the plots take the room
    # actions on one run are off; delete stays on
    assert not button(window, "exportRunButton").isEnabled()
    assert not button(window, "resumeRunButton").isEnabled()
    assert button(window, "deleteRunButton").isEnabled()
    # back to one run: its own four curves, no swatches
    tab.select_runs([str(runs.finished)])
    assert len(tab.loss_plot.getPlotItem().listDataItems()) == 2
    assert not tab.results.isHidden()
    assert cell(tab, runs.stopped, 0, Qt.ItemDataRole.DecorationRole) is None


def test_delete_asks_then_removes_and_refuses_a_training_run(
    qtbot: Any, runs: Runs, make_window: Any, fake_dialogs: Any
) -> None:
    window = make_window()
    tab = listed(qtbot, window, 2)
    tab.select_runs([str(runs.finished)])
    fake_dialogs.answer = False
    button(window, "deleteRunButton").click()
    assert fake_dialogs.names().count("ask") == 1
    assert runs.finished.is_dir()
    fake_dialogs.answer = True
    button(window, "deleteRunButton").click()
    assert fake_dialogs.names().count("ask") == 2
    assert not runs.finished.exists()
    tab = listed(qtbot, window, 1)
    assert tab.proxy_run(0).path == runs.stopped

    # a run whose process is alive (here: this one) is training: never deleted
    set_status(runs.stopped, state="running", pid=os.getpid())
    tab.refresh()
    qtbot.waitUntil(lambda: not tab.listing, timeout=TIMEOUT)
    assert cell(tab, runs.stopped, 4) == "running"
    tab.select_runs([str(runs.stopped)])
    assert not button(window, "resumeRunButton").isEnabled()
    button(window, "deleteRunButton").click()
    assert fake_dialogs.names().count("ask") == 2  # not even asked
    assert runs.stopped.is_dir()
    assert "training now" in window.banner.message


def test_an_interrupted_run_is_offered_at_launch_and_resumes_in_the_training_tab(
    qtbot: Any, runs: Runs, make_window: Any
) -> None:
    from engine.events import RunStarted

    set_status(runs.stopped, state="running", pid=dead_pid())  # the process died mid-run
    window = make_window()
    tab = listed(qtbot, window, 2)
    assert cell(tab, runs.stopped, 4) == "interrupted"
    tab.select_runs([str(runs.stopped)])
    assert button(window, "resumeRunButton").isEnabled()
    banner = tab.resume_banner
    qtbot.waitUntil(banner.isVisible, timeout=TIMEOUT)
    assert banner.run_dir == str(runs.stopped)
    assert "step 5" in banner.text.text()

    events: list[Any] = []
    button(window, "resumeBannerButton").click()
    training = window.training_tab
    assert training.is_running, window.banner.message
    training.worker.event.connect(events.append)
    assert window.tabs.currentWidget() is training
    assert not banner.isVisible()
    qtbot.waitUntil(lambda: any(isinstance(e, RunStarted) for e in events), timeout=TIMEOUT)
    started = next(e for e in events if isinstance(e, RunStarted))
    assert started.resumed_from_step == 5
    assert Path(started.run_dir) == runs.stopped
    # while it trains, the run cannot be resumed twice or deleted
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: not tab.listing, timeout=TIMEOUT)
    tab.select_runs([str(runs.stopped)])
    assert not button(window, "resumeRunButton").isEnabled()
    training.request_stop()
    qtbot.waitUntil(lambda: not training.is_running, timeout=TIMEOUT)

    # the table follows: the run is no longer interrupted. On an idle machine the tiny
    # model's remaining 35 steps can end before the stop arrives: then it is finished.
    def no_longer_interrupted() -> None:
        state = cell(tab, runs.stopped, 4)
        assert state in ("stopped", "finished"), state

    qtbot.waitUntil(no_longer_interrupted, timeout=TIMEOUT)


def test_a_dismissed_offer_is_not_made_again(qtbot: Any, runs: Runs, make_window: Any) -> None:
    set_status(runs.stopped, state="running", pid=dead_pid())
    first = make_window()
    qtbot.waitUntil(first.runs_tab.resume_banner.isVisible, timeout=TIMEOUT)
    button(first, "resumeBannerDismissButton").click()
    assert not first.runs_tab.resume_banner.isVisible()
    first.close()
    second = make_window()
    listed(qtbot, second, 2)
    assert not second.runs_tab.resume_banner.isVisible()


def test_predict_with_a_run_selects_its_model(qtbot: Any, runs: Runs, make_window: Any) -> None:
    window = make_window()
    tab = listed(qtbot, window, 2)
    tab.select_runs([str(runs.finished)])
    button(window, "predictWithRunButton").click()
    assert window.tabs.currentWidget() is window.prediction_tab
    model = runs.finished / "model"
    qtbot.waitUntil(
        lambda: (
            window.prediction_tab.model_path is not None
            and Path(window.prediction_tab.model_path) == model
        ),
        timeout=TIMEOUT,
    )
    button(window, "openSelectedRunFolderButton").click()


def test_export_writes_a_folder_off_the_gui_thread(
    qtbot: Any,
    runs: Runs,
    make_window: Any,
    fake_dialogs: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gui import dialogs
    from gui.export_dialog import ExportOptions

    dest = tmp_path / "exports" / "sentiment-model"
    asked: list[tuple[Any, ...]] = []

    def export_options(*args: Any) -> ExportOptions:
        asked.append(args)
        return ExportOptions(dest=str(dest), make_zip=True, onnx=False)

    monkeypatch.setattr(dialogs, "export_options", export_options)
    window = make_window()
    tab = listed(qtbot, window, 2)
    tab.select_runs([str(runs.finished)])
    steps: list[tuple[int, int, str]] = []
    tab.exportProgress.connect(lambda d, t, m: steps.append((d, t, m)))
    with qtbot.waitSignal(tab.exported, timeout=TIMEOUT) as blocker:
        button(window, "exportRunButton").click()
        assert tab.exporting and not button(window, "exportRunButton").isEnabled()
    result = blocker.args[0]
    assert asked and asked[0][1] == runs.finished.name
    assert result.path == dest
    for name in ("README.md", "labels.json", "config.json", "model.safetensors", "predict.py"):
        assert (dest / name).is_file(), name
    assert dest.with_name(dest.name + ".zip").is_file()
    assert steps and steps[0][0] == 0 and steps[-1][1] == len(steps)
    qtbot.waitUntil(lambda: not tab.exporting, timeout=TIMEOUT)
    assert str(dest) in tab.export_status.text()
    assert button(window, "exportRunButton").isEnabled()

    # exporting again to the same folder: the engine refuses, the banner says why
    button(window, "exportRunButton").click()
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=TIMEOUT)
    assert "already exists" in window.banner.message
    qtbot.waitUntil(lambda: not tab.exporting, timeout=TIMEOUT)


def test_runs_started_in_the_same_second_get_distinct_legend_names(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from gui.runs_tab import curve_names

    def info(name: str, model: str = "starter") -> SimpleNamespace:
        return SimpleNamespace(
            path=tmp_path / name, created=1_790_000_000.0, model=model, strategy="full"
        )

    names = curve_names([info("20261128-223244-a"), info("20261128-223244-b")])
    assert len(set(names)) == 2 and all("· full" in n for n in names)
    assert names[0].endswith("20261128-223244-a")
    # Distinct already: no folder names added.
    distinct = curve_names([info("a"), info("b", model="other")])
    assert not any(n.endswith((" · a", " · b")) for n in distinct)


def test_a_past_run_has_the_error_analysis_coaching_and_main_metric(
    qtbot: Any, runs: Runs, make_window: Any
) -> None:
    from PySide6.QtWidgets import QLabel, QTableWidget

    window = make_window()
    tab = listed(qtbot, window, 2)
    metrics = json.loads((runs.finished / "metrics.json").read_text(encoding="utf-8"))
    # the score column: the task's main metric, named in the tooltip
    assert cell(tab, runs.finished, 6) == f"{metrics['score']:.3f}"
    assert metrics["main_metric"] in cell(tab, runs.finished, 6, Qt.ItemDataRole.ToolTipRole)
    tab.select_runs([str(runs.finished)])
    results = tab.results
    # the baseline card: the engine fitted one before the fine-tune
    assert "baseline" in results.baseline_label.text()
    coaching = tab.findChild(QLabel, "runCoachingLabel")
    assert coaching is results.coaching_label
    predictions = [
        json.loads(line)
        for line in (runs.finished / "validation_predictions.jsonl").read_text().splitlines()
    ]
    labels = metrics["labels"]
    matrix = metrics["confusion_matrix"]
    i, j = next((i, j) for i in range(2) for j in range(2) if matrix[i][j])
    confusion = tab.findChild(QTableWidget, "runConfusionTable")
    confusion.cellClicked.emit(i, j)
    table = tab.findChild(QTableWidget, "runMisclassifiedTable")
    assert table is results.misclassified_table
    expected = [p for p in predictions if p["label"] == labels[i] and p["predicted"] == labels[j]]
    assert table.rowCount() == matrix[i][j] == len(expected)
    assert {table.item(r, 0).text() for r in range(table.rowCount())} == {
        p["text"] for p in expected
    }


def test_retrain_opens_the_corrected_copy_and_starts_when_loaded(
    qtbot: Any, runs: Runs, make_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    tab = listed(qtbot, window, 2)
    opened: list[str] = []
    started: list[bool] = []
    monkeypatch.setattr(window.dataset_tab, "open_file", opened.append)
    monkeypatch.setattr(window.training_tab, "start", lambda: started.append(True))
    tab.retrainRequested.emit("/data/corrected/reviews.csv")
    assert opened == ["/data/corrected/reviews.csv"] and started == [True]
    window.training_tab.results.retrainRequested.emit("/data/corrected/other.csv")
    assert opened[-1] == "/data/corrected/other.csv" and len(started) == 2
