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


def test_a_text_model_gets_its_onnx_file_in_the_background_real_onnx(
    qtbot: Any, make_window: Any, tiny_model: Path, monkeypatch: Any
) -> None:
    import pytest

    pytest.importorskip("onnxruntime")
    from engine import predict
    from engine.onnx_runtime import CACHE_FILE

    monkeypatch.setattr(predict, "inference_precision", lambda requested, device: "fp32")
    run = make_run(tiny_model)
    window = make_window()
    tab = window.prediction_tab
    qtbot.waitUntil(lambda: tab.model_path is not None, timeout=10_000)
    tab.live_check.setChecked(False)
    tab.input.setPlainText("a great film and very good service")
    with qtbot.waitSignal(tab.predicted, timeout=60_000):
        tab.predict_button.click()
    first = tab.probabilities()
    qtbot.waitUntil(lambda: tab.predictor.runtime == "onnx", timeout=120_000)
    assert (run / "model" / CACHE_FILE).is_file()
    with qtbot.waitSignal(tab.predicted, timeout=60_000):
        tab.predict_button.click()
    again = tab.probabilities()
    assert max(abs(first[k] - again[k]) for k in first) < 0.01  # bars round to percents


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


# ----- by the model's task: explanations, uncertainty, entities, images ------------------------
class FakePredictor:
    """Stands in for ``engine.predict.Predictor``: 'good' texts are confidently positive."""

    def __init__(self, path: Any, **_kwargs: Any) -> None:
        self.labels = LABELS

    def predict(self, texts: list[str], min_confidence: float | None = None) -> list[Any]:
        from engine.predict import Prediction

        out = []
        for text in texts:
            p = 0.9 if "good" in text else 0.55
            uncertain = None if min_confidence is None else p < min_confidence
            out.append(Prediction(text, "positive", {"positive": p, "negative": 1 - p}, uncertain))
        return out


class FakeExplainer:
    """Stands in for ``engine.explain.Explainer``: 'good' speaks for, other words against."""

    def __init__(self, path: Any, **_kwargs: Any) -> None:
        pass

    def explain(self, texts: list[str]) -> list[Any]:
        import re

        from engine.explain import Explanation, Word

        out = []
        for text in texts:
            words = [
                Word(m.group(), m.start(), m.end(), 0.9 if m.group() == "good" else -0.3)
                for m in re.finditer(r"\w+", text)
            ]
            out.append(
                Explanation(text, "positive", {"positive": 0.9}, words, truncated=len(text) > 40)
            )
        return out


def prediction_tab(qtbot: Any, tmp_path: Path, monkeypatch: Any, task: str) -> Any:
    from engine.imports import ensure_warm
    from gui import prediction_tab as module

    ensure_warm()  # as the window does at start: predictions wait for it

    model = tmp_path / "model"
    model.mkdir()
    (model / "strop.json").write_text(json.dumps({"task": task, "labels": LABELS}))
    monkeypatch.setattr(module, "model_task", lambda _path: task)
    tab = module.PredictionTab()
    qtbot.addWidget(tab)
    tab.resize(900, 700)
    tab.show()
    tab.live_check.setChecked(False)
    tab.add_model(str(model))
    return tab


def test_text_models_explain_the_prediction_and_mark_uncertain_ones(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr("engine.predict.Predictor", FakePredictor)
    monkeypatch.setattr("engine.explain.Explainer", FakeExplainer)
    tab = prediction_tab(qtbot, tmp_path, monkeypatch, "text-classification")
    view = tab.findChild(type(tab.explanation_view), "explanationView")
    assert view.isVisible() and not tab.entity_view.isVisible()
    tab.input.setPlainText("a good film")
    with qtbot.waitSignal(tab.explained, timeout=20_000) as blocker:
        tab.predict_button.click()
    assert blocker.args[0]["text"] == "a good film"
    assert tab.result_label.text() == "positive · 90.0%"
    text = view.toPlainText()
    strongest = max(view.spans, key=lambda s: float(s[3]))
    assert text[strongest[0] : strongest[1]] == "good" and strongest[2].startswith("rgba(30")
    # a long text: the explanation says the model read only part of it
    tab.input.setPlainText("a good film " + "and more words " * 5)
    with qtbot.waitSignal(tab.explained, timeout=20_000):
        tab.predict_button.click()
    assert "longer than the model reads" in view.toPlainText()
    # below the threshold, the label says uncertain
    spin = tab.findChild(type(tab.min_confidence_spin), "minConfidenceSpin")
    spin.setValue(70)
    tab.input.setPlainText("a dull film")
    with qtbot.waitSignal(tab.predicted, timeout=20_000) as blocker:
        tab.predict_button.click()
    assert blocker.args[0].uncertain is True
    assert tab.result_label.text().startswith("uncertain")
    qtbot.waitUntil(lambda: not tab.explanation.running, timeout=20_000)


def test_explanations_follow_the_latest_text_without_blocking_predictions(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    import threading

    release = threading.Event()

    class SlowExplainer(FakeExplainer):
        def explain(self, texts: list[str]) -> list[Any]:
            release.wait(10)
            return super().explain(texts)

    monkeypatch.setattr("engine.predict.Predictor", FakePredictor)
    monkeypatch.setattr("engine.explain.Explainer", SlowExplainer)
    tab = prediction_tab(qtbot, tmp_path, monkeypatch, "text-classification")
    seen: list[dict[str, Any]] = []
    tab.explained.connect(seen.append)
    for text in ("good one", "good two", "good three"):
        tab.input.setPlainText(text)
        with qtbot.waitSignal(tab.predicted, timeout=20_000):  # not held up by the explainer
            tab.predict_button.click()
    release.set()
    qtbot.waitUntil(lambda: bool(seen) and not tab.explanation.running, timeout=20_000)
    assert [e["text"] for e in seen] == ["good three"]  # stale texts are never shown


def test_token_models_highlight_entities_with_type_and_confidence(
    qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    class FakeTokenPredictor:
        def __init__(self, path: Any, **_kwargs: Any) -> None:
            pass

        def predict(self, texts: list[str]) -> list[dict[str, Any]]:
            return [
                {
                    "text": t,
                    "entities": [
                        {"text": "Ann", "label": "PER", "start": 0, "end": 3, "score": 0.93}
                    ],
                }
                for t in texts
            ]

    monkeypatch.setattr("engine.token_predict.TokenPredictor", FakeTokenPredictor)
    tab = prediction_tab(qtbot, tmp_path, monkeypatch, "token-classification")
    view = tab.findChild(type(tab.entity_view), "entityView")
    assert view.isVisible() and not tab.explanation_view.isVisible()
    assert not tab.min_confidence_spin.isVisible()
    tab.input.setPlainText("Ann lives in Paris")
    with qtbot.waitSignal(tab.predicted, timeout=20_000):
        tab.predict_button.click()
    assert view.spans[0][:2] == (0, 3)
    assert "PER 93%" in view.toPlainText()
    assert "1 entities: PER" in tab.result_label.text()


def test_image_models_take_an_image_and_show_a_bar_per_class(
    qtbot: Any, tmp_path: Path, monkeypatch: Any, fake_dialogs: Any
) -> None:
    import sys
    import types

    from PySide6.QtGui import QColor, QImage

    class FakeImagePredictor:
        def __init__(self, path: Any, **_kwargs: Any) -> None:
            pass

        def predict(self, paths: list[str]) -> list[dict[str, Any]]:
            return [{"path": p, "label": "cat", "scores": {"cat": 0.8, "dog": 0.2}} for p in paths]

        def predict_folder(self, folder: str, out: str, **kwargs: Any) -> int:
            names = sorted(p.name for p in Path(folder).glob("*.png"))
            Path(out).write_text("path,label\n" + "".join(f"{n},cat\n" for n in names))
            kwargs["progress"](len(names), len(names))
            return len(names)

    fake = types.ModuleType("engine.image_predict")
    fake.ImagePredictor = FakeImagePredictor  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "engine.image_predict", fake)
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("orange"))
    photo = tmp_path / "photo.png"
    image.save(str(photo))
    tab = prediction_tab(qtbot, tmp_path, monkeypatch, "image-classification")
    area = tab.findChild(type(tab.image_area), "imageDropArea")
    assert area.isVisible() and not tab.input.isVisible()
    fake_dialogs.open_file_result = str(photo)
    with qtbot.waitSignal(tab.predicted, timeout=20_000):
        area.choose()
    assert area.picture.pixmap() is not None and not area.picture.pixmap().isNull()
    assert tab.result_label.text() == "cat · 80.0%"
    assert tab.probabilities() == {"cat": 0.8, "dog": 0.2}
    assert "images" in tab.file_button.text()
    # a folder of images to a CSV
    out = tmp_path / "out.csv"
    fake_dialogs.open_folder_result = str(tmp_path)
    fake_dialogs.save_file_result = str(out)
    with qtbot.waitSignal(tab.fileDone, timeout=20_000) as blocker:
        tab.file_button.click()
    assert blocker.args == [1]
    assert out.read_text().splitlines() == ["path,label", "photo.png,cat"]
    qtbot.waitUntil(lambda: not tab.busy, timeout=10_000)
