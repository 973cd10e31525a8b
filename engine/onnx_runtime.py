"""ONNX Runtime for predicting texts in fp32, with PyTorch as the fallback.

On a CPU without native bf16 (most laptops) prediction runs in fp32, where ONNX Runtime
ran the starter model's small batches of short texts at 1.1-1.2x PyTorch's texts per
CPU-second, and, one batch per core at once on one-thread calls (``engine.predict``), at
1.5x PyTorch's small batches on two cores; one text in 7 ms against PyTorch's 17
(bench/RESULTS.md, section 11). So ``engine.predict`` runs every prediction on it once the
file is open, and keeps PyTorch for everything that needs gradients (explanations).
Without it (or with anything wrong) prediction runs on PyTorch.

The ONNX file is made once per model folder, on its first large file prediction or when a
window asks for it in the background (``Predictor.prepare_onnx``), with
``engine.onnx_export`` (the same exporter as ``export``), and cached in the folder as
``strop-predict.onnx`` beside a stamp of the weights it came from. A new save of the model
replaces the folder (and with it the file); a stamp that no longer matches the weights, or
a file from an older Strop (``GRAPH_VERSION``), makes it stale. A BERT-style classifier's
file computes the last layer for the first token only (``engine.onnx_cls``: the head reads
nothing else; 1.11-1.17x the texts per second on the starter, and 1.02-1.03x more without
that layer's keys and values), kept only if it matches the model itself; any file is
exported with the model's plain attention (``eager_attention``: 1.01-1.03x), and each linear
layer's bias is then added inside its matrix product (``fold_biases``: 1.02x), kept on the
same condition as the first-token graph.
Every time a session opens, ONNX Runtime must reproduce PyTorch's probabilities on a probe
of real texts within ``PREDICT_TOLERANCE`` and the same labels, or it is not used. Nothing
here raises: a problem is a reason, and prediction stays on PyTorch.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: the cached file and its stamp, in the model folder (``export`` leaves them out)
CACHE_FILE = "strop-predict.onnx"
STAMP_FILE = "strop-predict.json"
CACHE_FILES = (CACHE_FILE, STAMP_FILE)
#: the version of the graph ``_build`` writes, in the stamp: a file made by an older Strop
#: (another graph, slower or wrong) is stale and made again. 2: the first-token graph
#: without the last layer's keys and values (``engine.onnx_cls``); 3: exported with the
#: plain attention (``eager_attention``).
GRAPH_VERSION = 3
#: the largest difference in any probability ONNX Runtime may show against PyTorch
PREDICT_TOLERANCE = 1e-5
#: probe texts checked against PyTorch when a session opens (a few padded batches)
PROBE_TEXTS = 32
SLOWER_FUSIONS = ("SkipLayerNormFusion", "BiasGeluFusion")
"""ONNX Runtime's fusions that made prediction slower, left out of its sessions: each
layer's residual add and layer norm in one kernel, and the feed-forward's bias and GELU in
one. Alternated in one process on 3,000 texts, without them batches ran 1.10x faster on
short questions and 1.05x on SMS, the same labels (bench/RESULTS.md, section 11): measured
on one CPU, not explained (a kernel profile gave the fused and unfused operators about the
same time). With the biases folded into the products (``fold_biases``) no BiasGelu forms,
and the layer norm's fusion still ran 0.93x. Both fusions return by removing their names
here."""

#: files the model's numbers come from: the stamp holds their sizes and modification times
_WEIGHT_FILES = ("config.json", "model.safetensors", "model.safetensors.index.json")


def runtime_missing() -> str | None:
    """Why ONNX Runtime cannot run here (``None``: it can)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        return f"onnxruntime is not installed ({exc})"
    return None


def weights_stamp(model_dir: Path) -> dict[str, list[int]]:
    """Sizes and modification times of the files the model's numbers come from."""
    stamp: dict[str, list[int]] = {}
    for path in [model_dir / n for n in _WEIGHT_FILES] + sorted(model_dir.glob("*.safetensors")):
        if path.is_file():
            st = path.stat()
            stamp[path.name] = [int(st.st_size), int(st.st_mtime_ns)]
    return stamp


def _stamp_matches(model_dir: Path) -> bool:
    try:
        saved = json.loads((model_dir / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(
        saved.get("weights") == weights_stamp(model_dir)
        and saved.get("graph_version") == GRAPH_VERSION
    )


@dataclass
class OnnxClassifier:
    """An ONNX Runtime session over a classifier that takes a tokenizer's outputs."""

    session: Any
    inputs: list[str]
    path: Path

    def logits(self, encoding: dict[str, Any]) -> Any:
        """Logits (numpy, fp32) of a tokenizer's numpy ``encoding``."""
        import numpy as np

        feed = {n: np.asarray(encoding[n], dtype=np.int64) for n in self.inputs}
        return self.session.run(["logits"], feed)[0]


def open_session(path: Path, threads: int) -> OnnxClassifier:
    """An ONNX Runtime session on ``threads`` CPU threads, all graph optimisations but
    ``SLOWER_FUSIONS``. Threads that wait sleep instead of spinning, for the reason
    ``engine/__init__.py`` sets ``OMP_WAIT_POLICY``: on a busy machine a spinning team
    stalls every other thread."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(
        str(path),
        options,
        providers=["CPUExecutionProvider"],
        disabled_optimizers=list(SLOWER_FUSIONS),
    )
    return OnnxClassifier(session, [i.name for i in session.get_inputs()], path)


def fold_biases(path: Path, out: Path) -> int:
    """Write to ``out`` the ONNX file at ``path`` with each linear layer's bias added inside
    its matrix product: ``Add(MatMul(x, W), b)`` with ``x`` of rank 3 or more (batch, tokens,
    features) becomes ``Gemm`` on ``x`` flattened to rank 2, reshaped back. ONNX Runtime
    fuses a bias into its product itself only at rank 2 (``MatMulAddFusion``), so the
    starter's 36 bias additions otherwise each make a pass of their own over the
    activations. Texts per CPU-second: 1.008-1.026x on short questions, 1.019x on SMS, the
    same labels (bench/RESULTS.md, section 11). Returns the number of products rewritten
    (nothing is written when there are none)."""
    import onnx_ir as ir
    from onnx_ir.passes import common
    from onnxscript.rewriter.pattern import MatchResult, RewriteRule

    def target(op: Any, x: Any, w: Any, b: Any) -> Any:
        return op.Add(op.MatMul(x, w), b)

    def condition(context: Any, x: Any, w: Any, b: Any, **_: Any) -> MatchResult:
        result = MatchResult()
        weights, bias = w.const_value, b.const_value
        if weights is None or bias is None or len(weights.shape) != 2:
            return result.fail("not a constant 2-D weight and bias")
        if tuple(bias.shape) != (weights.shape[1],):
            return result.fail("not one bias per output feature")
        if x.shape is None or len(x.shape) < 3:
            return result.fail("an input of rank 2 or unknown (ONNX Runtime fuses rank 2)")
        return result

    def replacement(op: Any, x: Any, w: Any, b: Any) -> Any:
        rows, columns = w.const_value.shape
        flat = op.Reshape(x, op.Constant(value_ints=[-1, rows]))
        shape = op.Concat(op.Shape(x, end=-1), op.Constant(value_ints=[columns]), axis=0)
        return op.Reshape(op.Gemm(flat, w, b), shape)

    model = ir.load(str(path))
    common.ShapeInferencePass()(model)  # the rule reads each input's rank
    count = RewriteRule(target, replacement, condition).apply_to_model(model, commute=True)
    if count:
        # the shapes' constants as initializers, as the exporter leaves its own
        common.LiftConstantsToInitializersPass(lift_all_constants=True, size_limit=0)(model)
        ir.save(model, str(out))
    return int(count)


def probe_texts(texts: Sequence[str], count: int = PROBE_TEXTS) -> list[str]:
    """Up to ``count`` texts spread from the shortest to the longest (padding differs
    most between them), plus a fixed pair so an empty file still probes something."""
    pool = sorted({t for t in texts if isinstance(t, str)}, key=len)
    if len(pool) > count:
        pool = [pool[round(i * (len(pool) - 1) / (count - 1))] for i in range(count)]
    return [*pool, "An example sentence to check the model with.", "Short."]


def check(
    classifier: OnnxClassifier,
    model: Any,
    tokenizer: Any,
    texts: Sequence[str],
    max_length: int,
    tolerance: float = PREDICT_TOLERANCE,
) -> float:
    """The largest probability difference between ONNX Runtime and PyTorch over ``texts``
    in padded batches of 8; raises ``ValueError`` past ``tolerance`` or on another label."""
    import numpy as np
    import torch

    from engine.onnx_export import softmax

    worst = 0.0
    for start in range(0, len(texts), 8):
        enc = tokenizer(
            list(texts[start : start + 8]),
            truncation=True,
            max_length=max_length,
            padding=True,
            return_tensors="pt",
        )
        with torch.inference_mode():
            reference = softmax(model(**enc).logits.float().numpy())
        got = softmax(classifier.logits({k: v.numpy() for k, v in enc.items()}))
        worst = max(worst, float(np.abs(got - reference).max()))
        if not worst <= tolerance or (got.argmax(-1) != reference.argmax(-1)).any():
            raise ValueError(
                f"ONNX Runtime differs from PyTorch by {worst:.1e} (limit {tolerance:.0e})"
            )
    return worst


def load_or_build(
    model_dir: Path,
    model: Any,
    tokenizer: Any,
    texts: Sequence[str],
    *,
    max_length: int,
    threads: int,
    build: bool,
) -> tuple[OnnxClassifier | None, str]:
    """The model folder's checked ONNX Runtime session, exporting the file first when
    ``build`` and there is none (or a stale one). ``(None, why)`` when ONNX Runtime is not
    to be used: not installed, no file and ``build`` false, or any failure."""
    missing = runtime_missing()
    if missing:
        return None, missing
    path = model_dir / CACHE_FILE
    fresh = path.is_file() and _stamp_matches(model_dir)
    if not fresh and not build:
        return None, "no ONNX file made for this model yet"
    probe = probe_texts(texts)
    try:
        if not fresh:
            _build(model_dir, model, tokenizer, probe, max_length)
        classifier = open_session(path, threads)
        diff = check(classifier, model, tokenizer, probe, max_length)
    except Exception as exc:  # noqa: BLE001 - any problem leaves prediction on PyTorch
        from engine.onnx_export import first_line

        return None, f"ONNX Runtime not used: {first_line(exc)}"
    return classifier, f"ONNX Runtime (within {diff:.1e} of PyTorch on {len(probe)} texts)"


def _build(model_dir: Path, model: Any, tokenizer: Any, probe: list[str], max_length: int) -> None:
    """Export into a ``.tmp`` name (invisible to ``export``), then move it into place with
    its stamp; raises on any failure, leaving no file behind. A BERT-style classifier is
    first exported with its last layer computed for the first token only
    (``engine.onnx_cls``), kept only if it matches the model itself on ``probe``; otherwise,
    or for any other model, the model is exported whole, in either case with the model's
    plain ("eager") attention (``eager_attention``). Either graph then has its biases folded
    into its products (``_fold``)."""
    import onnxruntime

    from engine.onnx_export import remove_onnx

    remove_cache(model_dir)
    staged = model_dir / (CACHE_FILE + ".tmp")
    with eager_attention(model):
        outcome, graph = _export(staged, model, tokenizer, probe, max_length)
    if outcome.status != "verified" or outcome.path is None:
        remove_onnx(staged)
        raise RuntimeError(outcome.message)
    if staged.with_name(staged.name + ".data").exists():
        # the file names its external data, so it cannot be renamed: models over 1.8 GB
        # (the exporter's limit for one file) stay on PyTorch
        remove_onnx(staged)
        raise RuntimeError("the model is too large for one ONNX file")
    folded = _fold(staged, model, tokenizer, probe, max_length)
    try:
        os.replace(staged, model_dir / CACHE_FILE)
        stamp = {
            "weights": weights_stamp(model_dir),
            "graph_version": GRAPH_VERSION,
            "onnxruntime": onnxruntime.__version__,
            "max_abs_diff": outcome.max_abs_diff,
            "graph": graph,
            "biases_in_gemm": folded,
        }
        (model_dir / STAMP_FILE).write_text(json.dumps(stamp, indent=2), encoding="utf-8")
    except OSError:
        remove_cache(model_dir)
        raise
    log.info(
        "ONNX file for prediction made in %s (%s, %d biases folded, %s)",
        model_dir, graph, folded, outcome.message,
    )  # fmt: skip


@contextmanager
def eager_attention(model: Any) -> Iterator[None]:
    """``model`` with transformers' plain ("eager") attention while the block runs, then
    its own again. Exported with PyTorch's fused attention (``sdpa``, transformers'
    default), each layer builds its own mask and guards fully masked rows (``Where``,
    ``IsNaN``, ``Slice`` and ``Concat`` in ONNX, 3-4% of ONNX Runtime's kernel time); the
    plain attention adds one mask made once. The same logits; 1.01-1.03x the texts per
    CPU-second (bench/RESULTS.md, section 11). A model that cannot switch stays as it is."""
    setter = getattr(model, "set_attn_implementation", None)
    before = getattr(getattr(model, "config", None), "_attn_implementation", None)
    switched = False
    if callable(setter) and before not in (None, "eager"):
        try:
            setter("eager")
            switched = True
        except Exception as exc:  # noqa: BLE001 - exported with its own attention
            log.info("exported with %s attention (%s)", before, exc)
    try:
        yield
    finally:
        if switched:
            model.set_attn_implementation(before)


def _export(
    staged: Path, model: Any, tokenizer: Any, probe: list[str], max_length: int
) -> tuple[Any, str]:
    """``_build``'s export into ``staged``: the first-token graph where it applies and
    matches the model, else the whole model. The export's outcome and the graph's name."""
    from engine.onnx_export import export_text_model, first_line, remove_onnx

    outcome = None
    graph = "whole model"
    top = _cls_top(model)
    if top is not None:
        outcome = export_text_model(
            top, tokenizer, staged, probe, max_length=max_length, tolerance=PREDICT_TOLERANCE
        )
        try:
            if outcome.status != "verified":
                raise RuntimeError(outcome.message)
            check(open_session(staged, 1), model, tokenizer, probe, max_length)
            graph = "last layer for the first token"
        except Exception as exc:  # noqa: BLE001 - the whole model is exported instead
            log.info("first-token graph not used (%s); exporting the whole model", first_line(exc))
            remove_onnx(staged)
            outcome = None
    if outcome is None:
        outcome = export_text_model(
            model, tokenizer, staged, probe, max_length=max_length, tolerance=PREDICT_TOLERANCE
        )
    return outcome, graph


def _fold(staged: Path, model: Any, tokenizer: Any, probe: list[str], max_length: int) -> int:
    """``fold_biases`` on the staged file, kept only if it still matches the model on
    ``probe``; the number of products folded (0: the file stays as exported)."""
    from engine.onnx_export import first_line

    folded = staged.with_name(CACHE_FILE + ".fold.tmp")
    try:
        count = fold_biases(staged, folded)
        if count:
            check(open_session(folded, 1), model, tokenizer, probe, max_length)
            os.replace(folded, staged)
        return count
    except Exception as exc:  # noqa: BLE001 - the file as exported serves
        log.info("biases not folded into the products (%s)", first_line(exc))
        return 0
    finally:
        folded.unlink(missing_ok=True)


def _cls_top(model: Any) -> Any:
    """``engine.onnx_cls.cls_top`` (a seam for tests)."""
    from engine.onnx_cls import cls_top

    return cls_top(model)


def remove_cache(model_dir: Path) -> None:
    """Remove the cached ONNX file and its stamp."""
    for name in CACHE_FILES:
        (model_dir / name).unlink(missing_ok=True)
