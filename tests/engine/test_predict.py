"""Prediction with a trained model: texts, files, evaluation."""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest

from engine.errors import ConfigError, DatasetError, ModelLoadError
from engine.predict import Predictor, evaluate, resolve_model_dir
from tests.conftest import write_sentiment_csv
from tests.engine.conftest import TrainedRun


@pytest.fixture(scope="module")
def predictor(trained_run: TrainedRun) -> Predictor:
    return Predictor(trained_run.run_dir, device="cpu")


def test_run_folder_or_model_folder(trained_run: TrainedRun) -> None:
    assert resolve_model_dir(trained_run.run_dir) == trained_run.run_dir / "model"
    assert resolve_model_dir(trained_run.run_dir / "model") == trained_run.run_dir / "model"


def test_predict_texts(predictor: Predictor) -> None:
    assert predictor.labels == ["negative", "positive"]
    assert predictor.max_length == predictor.meta["max_length"]
    texts = [
        "the food was not great but the service was excellent and nice",
        "awful",
        "good film",
        "",
    ]
    preds = predictor.predict(texts, batch_size=2)
    assert [p.text for p in preds] == texts  # order kept although batched by length
    for p in preds:
        assert set(p.scores) == {"negative", "positive"}
        assert sum(p.scores.values()) == pytest.approx(1.0, abs=1e-5)
        assert p.label == max(p.scores, key=p.scores.get)
        assert all(type(v) is float for v in p.scores.values())
    assert (preds[1].label, preds[2].label) == ("negative", "positive")
    single = predictor.predict("awful")
    assert len(single) == 1 and single[0].label == "negative"
    assert single[0].to_dict() == {"text": "awful", "label": "negative", "scores": single[0].scores}


def test_bf16_predicts_what_fp32_predicts(trained_run: TrainedRun) -> None:
    from engine.device import cpu_supports_bf16

    texts = ["good film", "awful", "the food was not great", "excellent service", "bad"] * 4
    fp32 = Predictor(trained_run.run_dir, device="cpu", precision="fp32")
    bf16 = Predictor(trained_run.run_dir, device="cpu", precision="bf16")
    auto = Predictor(trained_run.run_dir, device="cpu")
    assert fp32.precision == "fp32" and bf16.precision == "bf16"
    assert auto.precision == ("bf16" if cpu_supports_bf16() else "fp32")
    for a, b in zip(fp32.predict(texts), bf16.predict(texts), strict=True):
        assert a.label == b.label
        assert max(abs(a.scores[k] - b.scores[k]) for k in a.scores) < 0.02
        assert sum(b.scores.values()) == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(ConfigError, match="precision"):
        Predictor(trained_run.run_dir, device="cpu", precision="fp8")


def test_batches_follow_a_token_budget(
    trained_run: TrainedRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.predict

    fp32 = Predictor(trained_run.run_dir, device="cpu", precision="fp32")
    texts = [("good film " * n).strip() for n in (1, 9, 2, 30, 1, 5)] + ["awful"] * 5
    sizes: list[int] = []
    original = fp32._probabilities
    monkeypatch.setattr(
        fp32,
        "_probabilities",
        lambda batch, *rest: sizes.append(len(batch)) or original(batch, *rest),
    )
    assert fp32.batch_tokens == engine.predict.FP32_CPU_BATCH_TOKENS
    bf16 = Predictor(trained_run.run_dir, device="cpu", precision="bf16")
    assert bf16.batch_tokens == engine.predict.BATCH_TOKENS
    monkeypatch.setattr(fp32, "batch_tokens", 40)
    batched = fp32.predict(texts)
    assert sum(sizes) == len(texts) and max(sizes) > 1 and len(sizes) > 2  # split by length
    one_by_one = [fp32.predict(t)[0] for t in texts]
    for a, b in zip(batched, one_by_one, strict=True):
        assert a.text == b.text and a.label == b.label
        assert a.scores == pytest.approx(b.scores, abs=1e-5)


def test_batches_are_grouped_by_tokens_not_characters(
    trained_run: TrainedRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = Predictor(trained_run.run_dir, device="cpu", precision="fp32", runtime="torch")
    # as long in characters, not in tokens: spaces make words, and words make tokens
    texts = ["good film " * n for n in (1, 6, 2, 9, 3)] + ["goodfilm" * n for n in (9, 2, 6)]
    texts += ["g o o d f i l m s a r e f u n"] * 3

    def tokens(text: str) -> int:
        return len(p.tokenizer(text, truncation=True, max_length=p.max_length)["input_ids"])

    assert [len(row) for row in p._encode(texts)["input_ids"]] == [tokens(t) for t in texts]
    seen: list[list[int]] = []
    original = p._probabilities
    monkeypatch.setattr(
        p,
        "_probabilities",
        lambda batch, *rest: seen.append([tokens(t) for t in batch]) or original(batch, *rest),
    )
    monkeypatch.setattr(p, "batch_tokens", 30)
    p.predict(texts)
    assert len(seen) > 2 and sum(map(len, seen)) == len(texts)
    for before, after in zip(seen, seen[1:], strict=False):
        assert max(before) <= min(after)  # in order of tokens, batch after batch


def test_a_call_tokenizes_its_texts_once_and_pads_each_batch_from_that(
    trained_run: TrainedRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = Predictor(trained_run.run_dir, device="cpu", precision="fp32", runtime="torch")
    texts = ["good film " * n for n in (1, 6, 2, 9, 3, 12, 1, 4)] + ["", "awful"]
    one_by_one = [p.predict(t)[0] for t in texts]  # each tokenized as it runs
    tokenizer = type(p.tokenizer)
    calls: list[int] = []
    real = tokenizer.__call__
    monkeypatch.setattr(
        tokenizer, "__call__", lambda self, text, **kw: calls.append(1) or real(self, text, **kw)
    )
    monkeypatch.setattr(p, "batch_tokens", 30)
    batched = p.predict(texts)
    assert len(calls) == 1  # the counting pass; each batch padded from it
    for a, b in zip(batched, one_by_one, strict=True):
        assert a.label == b.label
        assert a.scores == pytest.approx(b.scores, abs=1e-6)


def test_one_text_runs_on_one_thread_and_leaves_the_setting(predictor: Predictor) -> None:
    import torch

    seen: list[int] = []
    hook = predictor.model.register_forward_hook(lambda *_: seen.append(torch.get_num_threads()))
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        predictor.predict("good film")
        predictor.predict(["good film " * 20] * 64)
        predictor.predict(["good film", "awful", "bad", "good"])  # small, but a batch
        assert seen[:2] == [1, 2] and set(seen[2:]) == {2} and torch.get_num_threads() == 2
    finally:
        hook.remove()
        torch.set_num_threads(before)


def test_a_huge_text_is_predicted_quickly(predictor: Predictor) -> None:
    import time

    started = time.monotonic()
    (pred,) = predictor.predict(["good film " * 2_000_000])
    assert time.monotonic() - started < 5 and pred.label == "positive"


def test_predict_file(predictor: Predictor, tmp_path: Path) -> None:
    data = write_sentiment_csv(tmp_path / "texts.csv", rows=50, seed=9)
    out = tmp_path / "out.csv"
    seen = []
    written = predictor.predict_file(
        data, out, batch_size=8, progress=lambda n, total: seen.append((n, total))
    )
    assert written == 50 and seen[-1] == (50, 50)
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["text", "label", "p_negative", "p_positive"]
    with open(data, encoding="utf-8", newline="") as f:
        truth = [r["label"] for r in csv.DictReader(f)]
    accuracy = sum(r["label"] == t for r, t in zip(rows, truth, strict=True)) / 50
    assert accuracy >= 0.8
    assert not list(tmp_path.glob("*.part"))


def test_predict_file_errors(predictor: Predictor, tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not found"):
        predictor.predict_file(tmp_path / "missing.csv", tmp_path / "out.csv")
    data = write_sentiment_csv(tmp_path / "texts.csv", rows=10)
    with pytest.raises(DatasetError, match="cannot write"):
        predictor.predict_file(data, tmp_path / "no_such_dir" / "out.csv")
    stop = threading.Event()
    stop.set()
    assert predictor.predict_file(data, tmp_path / "stopped.csv", stop=stop) == 0


def test_evaluate(trained_run: TrainedRun, tmp_path: Path) -> None:
    data = write_sentiment_csv(tmp_path / "test.csv", rows=40, seed=11)
    metrics = evaluate(trained_run.run_dir, data, device="cpu")
    assert metrics["accuracy"] >= 0.8 and metrics["num_examples"] == 40
    assert sum(map(sum, metrics["confusion_matrix"])) == 40
    other = tmp_path / "other.csv"
    other.write_text("text,label\ngood,positive\nmeh,neutral\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="'neutral'"):
        evaluate(trained_run.run_dir, other, device="cpu")


def test_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError):
        Predictor(tmp_path, device="cpu")
