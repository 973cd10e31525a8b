"""ONNX Runtime for file prediction: same predictions as PyTorch, cached per model folder,
PyTorch whenever anything is wrong."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from engine import onnx_runtime, predict
from engine.onnx_runtime import CACHE_FILE, PREDICT_TOLERANCE, STAMP_FILE
from engine.predict import Predictor
from tests.engine.conftest import TrainedRun

pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")

TEXTS = [
    "the food was not great but the service was excellent and nice",
    "awful",
    "good film",
    "",
    "bad bad bad",
    "excellent service",
] * 6


@pytest.fixture
def model_dir(trained_run: TrainedRun, tmp_path: Path) -> Path:
    """A copy of the trained model: the tests write the ONNX file into it."""
    return Path(shutil.copytree(trained_run.run_dir / "model", tmp_path / "model"))


def write_texts(path: Path, texts: list[str]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text"])
        writer.writerows([t] for t in texts)
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def assert_same_predictions(want: list[Any], got: list[Any]) -> None:
    """The same labels, probabilities within ``PREDICT_TOLERANCE`` of each other."""
    for a, b in zip(want, got, strict=True):
        assert a.label == b.label
        assert max(abs(a.scores[k] - b.scores[k]) for k in a.scores) <= PREDICT_TOLERANCE


def test_a_file_on_onnx_runtime_predicts_what_pytorch_predicts(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(predict, "ONNX_BUILD_ROWS", 10)
    source = write_texts(tmp_path / "in.csv", TEXTS)
    reference = Predictor(model_dir, device="cpu", precision="fp32", runtime="torch")
    fast = Predictor(model_dir, device="cpu", precision="fp32")
    assert fast.runtime == "torch"  # nothing made yet
    reference.predict_file(source, tmp_path / "torch.csv")
    fast.predict_file(source, tmp_path / "onnx.csv")
    assert fast.runtime == "onnx", fast.runtime_note
    assert "ONNX Runtime" in fast.runtime_note
    assert (model_dir / CACHE_FILE).is_file() and (model_dir / STAMP_FILE).is_file()
    assert reference.runtime == "torch" and not reference.use_onnx(TEXTS)

    want, got = read_rows(tmp_path / "torch.csv"), read_rows(tmp_path / "onnx.csv")
    assert [r["label"] for r in got] == [r["label"] for r in want]
    for a, b in zip(want, got, strict=True):
        for key in ("p_negative", "p_positive"):
            assert abs(float(a[key]) - float(b[key])) <= 2e-6  # 6 decimals written
    # unrounded: probabilities within 1e-5 of PyTorch's, the same labels
    assert_same_predictions(reference.predict(TEXTS), fast.predict(TEXTS))


def test_the_file_is_made_once_then_reused(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(predict, "ONNX_BUILD_ROWS", 10)
    source = write_texts(tmp_path / "in.csv", TEXTS)
    Predictor(model_dir, device="cpu", precision="fp32").predict_file(source, tmp_path / "a.csv")
    made = (model_dir / CACHE_FILE).stat().st_mtime_ns

    def no_export(*args: object, **kwargs: object) -> None:
        raise AssertionError("exported again")

    monkeypatch.setattr("engine.onnx_export.export_text_model", no_export)
    again = Predictor(model_dir, device="cpu", precision="fp32")
    again.predict_file(source, tmp_path / "b.csv")
    assert again.runtime == "onnx" and (model_dir / CACHE_FILE).stat().st_mtime_ns == made
    # a plain list of many texts opens the file made before, without building one
    monkeypatch.setattr(predict, "ONNX_OPEN_TEXTS", 8)
    listed = Predictor(model_dir, device="cpu", precision="fp32")
    listed.predict(TEXTS)
    assert listed.runtime == "onnx"


def stamp(model_dir: Path) -> dict[str, object]:
    return json.loads((model_dir / STAMP_FILE).read_text(encoding="utf-8"))


def test_a_bert_classifier_gets_the_first_token_graph(model_dir: Path) -> None:
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS, build=True), p.runtime_note
    assert stamp(model_dir)["graph"] == "last layer for the first token"
    reference = Predictor(model_dir, device="cpu", precision="fp32", runtime="torch")
    assert_same_predictions(reference.predict(TEXTS), p.predict(TEXTS))


def graph_ops(model_dir: Path) -> set[str]:
    import onnx

    return {n.op_type for n in onnx.load(str(model_dir / CACHE_FILE)).graph.node}


def test_the_file_has_the_plain_attention_and_the_model_keeps_its_own(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.model.config._attn_implementation == "sdpa"  # transformers' default
    assert p.use_onnx(TEXTS, build=True), p.runtime_note
    assert p.model.config._attn_implementation == "sdpa"  # switched back after the export
    assert "IsNaN" not in graph_ops(model_dir)
    reference = Predictor(model_dir, device="cpu", precision="fp32", runtime="torch")
    assert_same_predictions(reference.predict(TEXTS), p.predict(TEXTS))
    # what the switch leaves out: PyTorch's fused attention guards fully masked rows
    fused_dir = Path(shutil.copytree(model_dir, tmp_path / "fused"))
    onnx_runtime.remove_cache(fused_dir)
    monkeypatch.setattr(onnx_runtime, "eager_attention", lambda model: contextlib.nullcontext())
    assert Predictor(fused_dir, device="cpu", precision="fp32").use_onnx(TEXTS, build=True)
    assert "IsNaN" in graph_ops(fused_dir)


def test_eager_attention_switches_back_and_leaves_a_model_that_cannot_alone() -> None:
    class Model:
        def __init__(self, fails: bool) -> None:
            self.config = SimpleNamespace(_attn_implementation="sdpa")
            self.fails = fails

        def set_attn_implementation(self, name: str) -> None:
            if self.fails:
                raise ValueError("not supported")
            self.config._attn_implementation = name

    model = Model(fails=False)
    with pytest.raises(RuntimeError), onnx_runtime.eager_attention(model):
        assert model.config._attn_implementation == "eager"
        raise RuntimeError("the export failed")
    assert model.config._attn_implementation == "sdpa"
    stuck = Model(fails=True)
    with onnx_runtime.eager_attention(stuck):
        assert stuck.config._attn_implementation == "sdpa"
    with onnx_runtime.eager_attention(object()):  # no such switch at all
        pass


def test_sessions_leave_out_the_fusions_that_made_prediction_slower(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import onnx
    import onnxruntime as ort

    # the file as exported: with its biases folded into the products, no BiasGelu can form
    monkeypatch.setattr(onnx_runtime, "fold_biases", lambda path, out: 0)
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS, build=True), p.runtime_note
    real = ort.InferenceSession
    graphs: list[Path] = []

    def saving(path: str, options: ort.SessionOptions, **kwargs: object) -> object:
        graphs.append(tmp_path / f"optimised-{len(graphs)}.onnx")
        options.optimized_model_filepath = str(graphs[-1])
        return real(path, options, **kwargs)

    monkeypatch.setattr(ort, "InferenceSession", saving)
    onnx_runtime.open_session(model_dir / CACHE_FILE, 1)
    monkeypatch.setattr(onnx_runtime, "SLOWER_FUSIONS", ())
    onnx_runtime.open_session(model_dir / CACHE_FILE, 1)

    def ops(path: Path) -> set[str]:
        return {node.op_type for node in onnx.load(str(path), load_external_data=False).graph.node}

    # ONNX Runtime ignores names it does not know: the graph it ran says what it left out
    assert not {"SkipLayerNormalization", "BiasGelu"} & ops(graphs[0])
    assert {"SkipLayerNormalization", "BiasGelu"} <= ops(graphs[1])


def linear_layers_graph(path: Path) -> Path:
    """Two linear layers as the exporter writes them: ``Add(MatMul(x, W), b)`` on a
    (batch, tokens, 4) input, one with the bias first, and one on a rank-2 input."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weights = {
        "w1": rng.normal(size=(4, 3)), "b1": rng.normal(size=3),
        "w2": rng.normal(size=(3, 2)), "b2": rng.normal(size=2),
        "w3": rng.normal(size=(4, 5)), "b3": rng.normal(size=5),
    }  # fmt: skip
    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["m1"]),
        helper.make_node("Add", ["m1", "b1"], ["h"]),
        helper.make_node("MatMul", ["h", "w2"], ["m2"]),
        helper.make_node("Add", ["b2", "m2"], ["y"]),  # bias first
        helper.make_node("MatMul", ["flat", "w3"], ["m3"]),
        helper.make_node("Add", ["m3", "b3"], ["z"]),  # rank 2: ONNX Runtime's own fusion
    ]
    graph = helper.make_graph(
        nodes,
        "linear",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "tokens", 4]),
            helper.make_tensor_value_info("flat", TensorProto.FLOAT, ["rows", 4]),
        ],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "tokens", 2]),
            helper.make_tensor_value_info("z", TensorProto.FLOAT, ["rows", 5]),
        ],
        [numpy_helper.from_array(v.astype(np.float32), k) for k, v in weights.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    onnx.save(model, str(path))
    return path


def test_fold_biases_puts_each_bias_into_its_product_and_keeps_the_numbers(
    tmp_path: Path,
) -> None:
    import numpy as np
    import onnx
    import onnxruntime as ort

    source = linear_layers_graph(tmp_path / "linear.onnx")
    assert onnx_runtime.fold_biases(source, tmp_path / "folded.onnx") == 2
    ops = [n.op_type for n in onnx.load(str(tmp_path / "folded.onnx")).graph.node]
    assert ops.count("Gemm") == 2 and ops.count("MatMul") == 1 and ops.count("Add") == 1
    rng = np.random.default_rng(1)
    for shape in ((2, 7, 4), (1, 1, 4), (3, 2, 4)):  # any batch and length
        feed = {
            "x": rng.normal(size=shape).astype(np.float32),
            "flat": rng.normal(size=(5, 4)).astype(np.float32),
        }
        want = ort.InferenceSession(str(source)).run(None, feed)
        got = ort.InferenceSession(str(tmp_path / "folded.onnx")).run(None, feed)
        for a, b in zip(want, got, strict=True):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # nothing to fold: nothing written
    assert onnx_runtime.fold_biases(tmp_path / "folded.onnx", tmp_path / "again.onnx") == 0
    assert not (tmp_path / "again.onnx").exists()


def test_the_prediction_file_has_its_biases_folded_and_predicts_the_same(
    model_dir: Path,
) -> None:
    import onnx

    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS, build=True), p.runtime_note
    layers = len(p.model.base_model.encoder.layer)
    # each layer's query, key, value, attention output and two feed-forward products, but
    # the last layer's keys and values, which the first-token graph does not compute
    assert stamp(model_dir)["biases_in_gemm"] == 6 * layers - 2
    ops = [n.op_type for n in onnx.load(str(model_dir / CACHE_FILE)).graph.node]
    assert ops.count("Gemm") >= 6 * layers - 2
    reference = Predictor(model_dir, device="cpu", precision="fp32", runtime="torch")
    assert_same_predictions(reference.predict(TEXTS), p.predict(TEXTS))


def test_a_fold_that_fails_or_disagrees_leaves_the_file_as_exported(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_check = onnx_runtime.check

    def rejects_folded(classifier: onnx_runtime.OnnxClassifier, *args: Any) -> float:
        if classifier.path.name.endswith(".fold.tmp"):
            raise ValueError("ONNX Runtime differs from PyTorch")
        return real_check(classifier, *args)

    monkeypatch.setattr(onnx_runtime, "check", rejects_folded)
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS, build=True), p.runtime_note
    assert stamp(model_dir)["biases_in_gemm"] == 0
    assert sorted(x.name for x in model_dir.glob("strop-predict*")) == sorted(
        onnx_runtime.CACHE_FILES
    )

    def fails(path: Path, out: Path) -> int:
        raise RuntimeError("rewriter broke")

    monkeypatch.setattr(onnx_runtime, "check", real_check)
    monkeypatch.setattr(onnx_runtime, "fold_biases", fails)
    onnx_runtime.remove_cache(model_dir)
    again = Predictor(model_dir, device="cpu", precision="fp32")
    assert again.use_onnx(TEXTS, build=True), again.runtime_note
    assert stamp(model_dir)["biases_in_gemm"] == 0


def test_a_first_token_graph_that_disagrees_gives_way_to_the_whole_model(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.onnx_cls import ClsTop

    class Sharper(ClsTop):
        def forward(self, *args: object, **kwargs: object) -> object:
            out = super().forward(*args, **kwargs)
            out.logits = out.logits * 1.5  # exported and verified as itself, but wrong
            return out

    monkeypatch.setattr(onnx_runtime, "_cls_top", Sharper)
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS, build=True), p.runtime_note
    assert stamp(model_dir)["graph"] == "whole model"
    reference = Predictor(model_dir, device="cpu", precision="fp32", runtime="torch")
    assert [x.label for x in p.predict(TEXTS)] == [x.label for x in reference.predict(TEXTS)]


def test_a_small_file_does_not_make_the_file(model_dir: Path, tmp_path: Path) -> None:
    source = write_texts(tmp_path / "in.csv", TEXTS)  # far below ONNX_BUILD_ROWS
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.predict_file(source, tmp_path / "out.csv") == len(TEXTS)
    assert p.runtime == "torch" and not (model_dir / CACHE_FILE).exists()


def test_new_weights_make_the_file_stale(model_dir: Path) -> None:
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS, build=True)
    weights = model_dir / "model.safetensors"
    st = weights.stat()
    os.utime(weights, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    fresh = Predictor(model_dir, device="cpu", precision="fp32")
    assert not fresh.use_onnx(TEXTS, build=False) and fresh.runtime == "torch"
    assert fresh.use_onnx(TEXTS, build=True) and fresh.runtime == "onnx"


def test_a_file_made_by_an_older_strop_is_made_again(model_dir: Path) -> None:
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS, build=True)
    assert stamp(model_dir)["graph_version"] == onnx_runtime.GRAPH_VERSION
    old = {k: v for k, v in stamp(model_dir).items() if k != "graph_version"}
    (model_dir / STAMP_FILE).write_text(json.dumps(old), encoding="utf-8")  # as version 1 wrote
    fresh = Predictor(model_dir, device="cpu", precision="fp32")
    assert not fresh.use_onnx(TEXTS, build=False) and fresh.runtime == "torch"
    assert fresh.use_onnx(TEXTS, build=True) and fresh.runtime == "onnx"
    assert stamp(model_dir)["graph_version"] == onnx_runtime.GRAPH_VERSION


def test_without_onnxruntime_prediction_stays_on_pytorch(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(predict, "ONNX_BUILD_ROWS", 10)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import fails as if not installed
    source = write_texts(tmp_path / "in.csv", TEXTS)
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.predict_file(source, tmp_path / "out.csv") == len(TEXTS)
    assert p.runtime == "torch" and "onnxruntime is not installed" in p.runtime_note
    assert not (model_dir / CACHE_FILE).exists()
    rows = read_rows(tmp_path / "out.csv")
    assert [r["label"] for r in rows] == [x.label for x in p.predict(TEXTS)]


def test_a_session_that_disagrees_with_pytorch_is_not_used(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = onnx_runtime.OnnxClassifier.logits

    def off(self: onnx_runtime.OnnxClassifier, encoding: dict[str, object]) -> object:
        return real(self, encoding) * 1.5  # sharper: every probability moves

    monkeypatch.setattr(onnx_runtime.OnnxClassifier, "logits", off)
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert not p.use_onnx(TEXTS) and p.runtime == "torch"
    assert "differs from PyTorch" in p.runtime_note
    assert not p.use_onnx(TEXTS)  # tried once per predictor


def test_a_failure_while_predicting_falls_back_to_pytorch(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = Predictor(model_dir, device="cpu", precision="fp32")
    reference = Predictor(model_dir, device="cpu", precision="fp32", runtime="torch")
    expected = [x.label for x in reference.predict(TEXTS)]
    assert p.use_onnx(TEXTS)

    def broken(self: onnx_runtime.OnnxClassifier, encoding: dict[str, object]) -> object:
        raise RuntimeError("session died")

    monkeypatch.setattr(onnx_runtime.OnnxClassifier, "logits", broken)
    assert [x.label for x in p.predict(TEXTS)] == expected
    assert p.runtime == "torch" and "session died" in p.runtime_note


def test_batches_run_at_once_on_one_thread_each_and_predict_the_same(
    model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    reference = Predictor(model_dir, device="cpu", precision="fp32", runtime="torch")
    expected = reference.predict(TEXTS, batch_size=4)
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS)
    assert p._onnx.session.get_session_options().intra_op_num_threads == 1
    p._onnx_workers = 3  # as on a machine with three threads
    seen: set[str] = set()
    run = onnx_runtime.OnnxClassifier.logits

    def spy(self: onnx_runtime.OnnxClassifier, encoding: dict[str, object]) -> object:
        seen.add(threading.current_thread().name)
        return run(self, encoding)

    monkeypatch.setattr(onnx_runtime.OnnxClassifier, "logits", spy)
    got = p.predict(TEXTS, batch_size=4)  # 9 batches
    assert any(name.startswith("strop-predict") for name in seen), seen
    assert [x.text for x in got] == TEXTS
    assert_same_predictions(expected, got)

    # a session failing half-way: the batches left (and the failed one) run on PyTorch
    calls = {"n": 0}

    def dies(self: onnx_runtime.OnnxClassifier, encoding: dict[str, object]) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RuntimeError("session died")
        return run(self, encoding)

    monkeypatch.setattr(onnx_runtime.OnnxClassifier, "logits", dies)
    got = p.predict(TEXTS, batch_size=4)
    assert [x.label for x in got] == [x.label for x in expected]
    assert p.runtime == "torch" and "session died" in p.runtime_note


def test_a_file_reads_its_next_chunk_while_the_last_batches_run(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    monkeypatch.setattr(predict, "FILE_CHUNK_ROWS", 10)
    texts = [f"{t} {i}" for i, t in enumerate(TEXTS)]  # 36 rows: chunks of 10, 10, 10, 6
    source = write_texts(tmp_path / "in.csv", texts)
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.use_onnx(TEXTS, build=True), p.runtime_note
    p._onnx_workers = 2  # as on two cores
    events: list[str] = []
    plan = p._plan
    monkeypatch.setattr(p, "_plan", lambda t, b: events.append(f"read {len(t)}") or plan(t, b))
    written = p.predict_file(
        source, tmp_path / "out.csv", batch_size=2, progress=lambda n, _: events.append(f"{n}")
    )
    assert written == len(texts)
    # each chunk is read and tokenized before the one before it is written
    assert events == ["read 10", "read 10", "10", "read 10", "20", "read 6", "30", "36"]
    rows = read_rows(tmp_path / "out.csv")
    want = p.predict(texts, batch_size=2)
    assert [r["text"] for r in rows] == texts
    assert [r["label"] for r in rows] == [x.label for x in want]

    # stopped after the first chunk: its rows are written, nothing after them
    stop = threading.Event()
    events.clear()
    written = p.predict_file(
        source, tmp_path / "stopped.csv", batch_size=2, stop=stop,
        progress=lambda n, _: stop.set(),
    )  # fmt: skip
    assert written == 10 and [r["text"] for r in read_rows(tmp_path / "stopped.csv")] == texts[:10]
    assert events == ["read 10", "read 10"]  # the next chunk was under way, no more
    assert not [t for t in threading.enumerate() if t.name.startswith("strop-predict")]


def test_prepare_makes_the_file_beside_predictions_and_single_texts_use_it(
    model_dir: Path,
) -> None:
    import threading

    reference = Predictor(model_dir, device="cpu", precision="fp32", runtime="torch")
    expected = {x.text: x for x in reference.predict(TEXTS)}
    p = Predictor(model_dir, device="cpu", precision="fp32")
    assert p.wants_onnx()
    outcome: list[bool] = []
    builder = threading.Thread(target=lambda: outcome.append(p.prepare_onnx(["a sample text"])))
    builder.start()
    while builder.is_alive():  # the window keeps predicting meanwhile
        for x in p.predict(["good film"]):
            assert x.label == expected["good film"].label
    builder.join()
    assert outcome == [True] and p.runtime == "onnx", p.runtime_note
    assert (model_dir / CACHE_FILE).is_file()
    for text in ("awful", "excellent service", ""):
        got = p.predict([text])[0]  # one text: on ONNX Runtime now
        assert got.label == expected[text].label
        assert max(abs(got.scores[k] - expected[text].scores[k]) for k in got.scores) <= 1e-5
    assert not p.wants_onnx() and p.prepare_onnx() is True  # once
    assert Predictor(model_dir, device="cpu", precision="bf16").prepare_onnx() is False


def test_only_fp32_on_a_cpu_and_never_when_asked_for_pytorch(model_dir: Path) -> None:
    assert not Predictor(model_dir, device="cpu", precision="bf16").use_onnx(TEXTS)
    assert not Predictor(model_dir, device="cpu", runtime="torch").use_onnx(TEXTS)
    assert not (model_dir / CACHE_FILE).exists()


def test_probe_texts_span_the_lengths() -> None:
    texts = [("x" * n) for n in range(1, 101)]
    probe = onnx_runtime.probe_texts(texts, count=5)
    assert [len(t) for t in probe[:5]] == [1, 26, 51, 75, 100]  # round(49.5) == 50: index 50
    assert len(onnx_runtime.probe_texts([])) == 2  # the fixed pair still probes


def test_an_export_leaves_the_cached_file_behind(trained_run: TrainedRun, tmp_path: Path) -> None:
    from engine.export import export_run

    run = Path(shutil.copytree(trained_run.run_dir, tmp_path / "run"))
    for name in onnx_runtime.CACHE_FILES:
        (run / "model" / name).write_text("cached", encoding="utf-8")
    result = export_run(run, tmp_path / "out", onnx=False)
    assert not any((result.path / name).exists() for name in onnx_runtime.CACHE_FILES)
    assert (result.path / "model.safetensors").is_file()
