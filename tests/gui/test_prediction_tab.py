"""The Prediction tab: the latest run by default, one text (button, Ctrl+Enter, as you
type), a bar per class, a whole file to CSV, and plain words when there is no model."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from engine.paths import runs_dir

LABELS = ["negative", "positive"]


def make_run(tiny_model: Path, name: str = "20250101-120000-reviews") -> Path:
    """A finished run folder (as ``engine.training`` leaves it) holding the tiny model."""
    run = runs_dir() / name
    model = run / "model"
    shutil.copytree(tiny_model, model)
    config = json.loads((model / "config.json").read_text())
    config["id2label"] = {str(i): label for i, label in enumerate(LABELS)}
    config["label2id"] = {label: i for i, label in enumerate(LABELS)}
    (model / "config.json").write_text(json.dumps(config))
    (model / "strop.json").write_text(
        json.dumps({"labels": LABELS, "max_length": 32, "base_model_name": "tiny-bert"})
    )
    (run / "config.json").write_text(json.dumps({"data": "reviews.csv", "model": "tiny"}))
    (run / "status.json").write_text(json.dumps({"state": "finished", "started": 1.0}))
    return run


def test_predicts_a_sentence_with_the_latest_run(
    qtbot: Any, make_window: Any, tiny_model: Path
) -> None:
    run = make_run(tiny_model)
    window = make_window()
    tab = window.prediction_tab
    qtbot.waitUntil(lambda: tab.model_path is not None, timeout=10_000)
    assert Path(tab.model_path) == run / "model"
    assert "tiny-bert" in tab.model_info.text()
    tab.live_check.setChecked(False)
    tab.input.setPlainText("a great film and very good service")
    with qtbot.waitSignal(tab.predicted, timeout=60_000):
        qtbot.keyClick(tab.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    label = window.findChild(type(tab.result_label), "predictionLabel")
    assert any(label.text().startswith(name) for name in LABELS)
    bars = tab.probabilities()
    assert set(bars) == set(LABELS)
    assert abs(sum(bars.values()) - 1.0) < 0.01
    assert label.text().startswith(max(bars, key=bars.get))
    predictor = tab.predictor
    with qtbot.waitSignal(tab.predicted, timeout=60_000):
        tab.predict_button.click()
    assert tab.predictor is predictor  # loaded once, reused


def test_prediction_as_you_type_is_debounced(
    qtbot: Any, make_window: Any, tiny_model: Path
) -> None:
    make_run(tiny_model)
    window = make_window()
    tab = window.prediction_tab
    qtbot.waitUntil(lambda: tab.model_path is not None, timeout=10_000)
    seen: list[Any] = []
    tab.predicted.connect(seen.append)
    for word in ("bad", " awful", " terrible", " movie"):
        tab.input.insertPlainText(word)  # quicker than the 300 ms pause
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    qtbot.wait(2 * 300)  # nothing more may come: the edits were coalesced
    assert len(seen) == 1
    assert seen[0].text == "bad awful terrible movie"


def test_predicting_a_file_writes_a_csv_with_progress(
    qtbot: Any, make_window: Any, tiny_model: Path, tmp_path: Path, fake_dialogs: Any
) -> None:
    make_run(tiny_model)
    window = make_window()
    tab = window.prediction_tab
    qtbot.waitUntil(lambda: tab.model_path is not None, timeout=10_000)
    source = tmp_path / "texts.csv"
    source.write_text("text\n" + "\n".join(f"good film {i}" for i in range(300)) + "\n")
    out = tmp_path / "out.csv"
    fake_dialogs.open_file_result = str(source)
    fake_dialogs.save_file_result = str(out)
    with qtbot.waitSignal(tab.fileDone, timeout=60_000) as blocker:
        tab.file_button.click()
    assert blocker.args == [300]
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["text", "label", "p_negative", "p_positive"]
    assert len(rows) == 301
    assert tab.file_progress.value() == tab.file_progress.maximum() == 300
    assert "300 predictions" in tab.file_status.text()
    qtbot.waitUntil(lambda: not tab.busy, timeout=10_000)
    assert tab.file_button.isEnabled() and not tab.cancel_file_button.isEnabled()


def test_without_a_model_predict_says_what_to_do(qtbot: Any, window: Any) -> None:
    tab = window.prediction_tab
    qtbot.waitUntil(lambda: tab.model_combo.count() == 0 and not tab.busy, timeout=10_000)
    tab.input.setPlainText("hello")
    tab.predict_button.click()
    assert "No trained model" in window.banner.message


def test_any_model_folder_can_be_chosen(
    qtbot: Any, window: Any, tiny_model: Path, fake_dialogs: Any
) -> None:
    tab = window.prediction_tab
    fake_dialogs.open_folder_result = str(tiny_model)
    tab.findChild(type(tab.predict_button), "predictBrowseModelButton").click()
    assert tab.model_path == str(tiny_model)
    tab.input.setPlainText("good")
    with qtbot.waitSignal(tab.predicted, timeout=60_000):
        tab.predict_button.click()
    assert tab.result_label.text().startswith("LABEL_")
