"""ONNX export of a trained model, checked against PyTorch before it is shipped.

Every task exports the same way: ``torch.onnx.export(dynamo=True)`` of the model with the
task's example inputs and dynamic axes, then ONNX Runtime runs the task's probe batches and
must reproduce PyTorch's probabilities to ``ONNX_TOLERANCE``, or the file is removed rather
than shipped wrong. What differs by task (the inputs, the probe batches, how logits become
probabilities) comes in as arguments.

Needs ``onnx`` and ``onnxscript`` (``pip install "strop[onnx]"``); without them the export is
skipped with a message saying so. Nothing here raises for an export problem: the
``OnnxOutcome`` says what happened.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ONNX_TOLERANCE = 1e-4
ONNX_FILE = "onnx/model.onnx"


@dataclass(frozen=True)
class OnnxOutcome:
    """What became of the ONNX export. ``status``: ``verified`` (ONNX Runtime reproduces
    PyTorch), ``unverified`` (exported, no ONNX Runtime to check), ``skipped`` or ``failed``
    (no file shipped)."""

    status: str
    message: str
    path: Path | None = None
    max_abs_diff: float | None = None
    texts_checked: int = 0


def missing_onnx_packages() -> list[str]:
    """The packages the ONNX export needs that are not installed."""
    import importlib

    missing = []
    for name in ("onnx", "onnxscript"):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    return missing


@contextlib.contextmanager
def quiet_exporter() -> Iterator[None]:
    names = ("torch.onnx", "torch.export", "torch._dynamo", "onnxscript", "onnx_ir")
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def softmax(logits: Any) -> Any:
    import numpy as np

    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def max_abs_diff(
    onnx_path: Path,
    model: Any,
    batches: Iterable[dict[str, Any]],
    probabilities: Callable[[Any], Any] = softmax,
) -> tuple[float, int]:
    """The largest absolute difference between the probabilities computed by ONNX Runtime
    and by PyTorch over ``batches`` (dicts of torch tensors the model takes), and how many
    examples were compared."""
    import numpy as np
    import onnxruntime as ort
    import torch

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    wanted = [i.name for i in session.get_inputs()]
    worst, seen = 0.0, 0
    for batch in batches:
        with torch.no_grad():
            reference = probabilities(model(**batch).logits.float().numpy())
        logits = session.run(["logits"], {n: batch[n].numpy() for n in wanted})[0]
        worst = max(worst, float(np.abs(probabilities(logits) - reference).max()))
        seen += int(next(iter(batch.values())).shape[0])
    return worst, seen


def export_and_verify(
    model: Any,
    example: dict[str, Any],
    dynamic_axes: dict[str, dict[int, Any]],
    out: Path,
    probe: Callable[[], Iterable[dict[str, Any]]],
    *,
    what: str = "examples",
    probabilities: Callable[[Any], Any] = softmax,
    tolerance: float = ONNX_TOLERANCE,
    compare: Callable[..., tuple[float, int]] | None = None,
) -> OnnxOutcome:
    """Export ``model`` (inputs ``example``, output ``logits``) to ``out`` and check it on the
    batches ``probe()`` yields."""
    missing = missing_onnx_packages()
    if missing:
        return OnnxOutcome(
            "skipped",
            f"skipped: the ONNX exporter needs {' and '.join(missing)} "
            '(install them with: pip install "strop[onnx]").',
        )
    try:
        import torch

        out.parent.mkdir(parents=True, exist_ok=True)
        size = sum(p.numel() * p.element_size() for p in model.parameters())
        with quiet_exporter(), torch.no_grad():
            torch.onnx.export(
                model,
                (),
                str(out),
                kwargs=example,
                input_names=list(example),
                output_names=["logits"],
                dynamic_shapes=dynamic_axes,
                dynamo=True,
                external_data=size > 1_800_000_000,  # ONNX protobufs stop at 2 GB
                verbose=False,
            )
    except Exception as exc:  # noqa: BLE001 - any exporter failure becomes a message
        remove_onnx(out)
        return OnnxOutcome("failed", f"failed: the export did not work ({first_line(exc)}).")
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return OnnxOutcome(
            "unverified",
            f"exported to {ONNX_FILE}, not checked: ONNX Runtime is not installed "
            "(pip install onnxruntime).",
            out,
        )
    compare = compare or max_abs_diff
    error: str | None = None
    try:
        diff, seen = compare(out, model, probe(), probabilities)
    except Exception as exc:  # noqa: BLE001
        diff, seen, error = None, 0, first_line(exc)
    if diff is None or not diff <= tolerance:
        remove_onnx(out)
        why = error or f"its probabilities differ from PyTorch's by up to {diff:.2e}"
        return OnnxOutcome(
            "failed",
            f"failed: ONNX Runtime could not reproduce the model ({why}; the limit is "
            f"{tolerance:.0e}), so no ONNX file is included.",
            None,
            diff,
            seen,
        )
    return OnnxOutcome(
        "verified",
        f"exported to {ONNX_FILE}; ONNX Runtime reproduces the PyTorch probabilities on "
        f"{seen} {what} within {diff:.1e} (limit {tolerance:.0e}).",
        out,
        diff,
        seen,
    )


def remove_onnx(out: Path) -> None:
    """Remove a partial or wrong ONNX export (the file, its external data, an emptied folder)."""
    for path in (out, out.with_name(out.name + ".data")):
        path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        out.parent.rmdir()


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def export_text_model(
    model: Any,
    tokenizer: Any,
    out: Path,
    texts: list[str],
    *,
    max_length: int,
    example: list[str] | None = None,
    tolerance: float = ONNX_TOLERANCE,
) -> OnnxOutcome:
    """Export a model that reads a tokenizer's outputs (``input_ids``, ``attention_mask``
    ...; dynamic batch and length) and check it on ``texts`` in padded batches of 8."""
    import torch

    sample = tokenizer(
        example or ["An example sentence to trace the model with.", "A short one."],
        padding=True,
        return_tensors="pt",
    )
    names = [n for n in tokenizer.model_input_names if n in sample]
    dynamic = torch.export.Dim.DYNAMIC

    def probe() -> Iterator[dict[str, Any]]:
        for start in range(0, len(texts), 8):
            enc = tokenizer(
                texts[start : start + 8],
                truncation=True,
                max_length=max_length,
                padding=True,
                return_tensors="pt",
            )
            yield {n: enc[n] for n in names}

    return export_and_verify(
        model,
        {n: sample[n] for n in names},
        {n: {0: dynamic, 1: dynamic} for n in names},
        out,
        probe,
        what="texts",
        tolerance=tolerance,
    )


def load_text_model(model_dir: Path, auto_class: str) -> tuple[Any, Any, int]:
    """A saved model that reads a tokenizer's outputs, in fp32 for export, its tokenizer and
    the max length it was trained with (``strop.json``, else the model's own limit)."""
    import json

    import torch
    import transformers

    from engine.models import quiet_transformers

    quiet_transformers()
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = (
        getattr(transformers, auto_class)
        .from_pretrained(
            str(model_dir), local_files_only=True, use_safetensors=True, dtype=torch.float32
        )
        .eval()
    )
    meta_file = model_dir / "strop.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    limit = getattr(tokenizer, "model_max_length", 512) or 512
    if limit > 100_000:
        limit = getattr(model.config, "max_position_embeddings", 512) or 512
    return model, tokenizer, int(meta.get("max_length") or min(limit, 512))


def export_saved_text_model(
    model_dir: Path,
    out: Path,
    auto_class: str,
    texts: list[str],
    *,
    example: list[str] | None = None,
) -> OnnxOutcome:
    """``load_text_model`` then ``export_text_model``; a model that does not load is a
    failed outcome, never an exception."""
    try:
        model, tokenizer, max_length = load_text_model(model_dir, auto_class)
    except Exception as exc:  # noqa: BLE001 - reported in the outcome, never raised
        return OnnxOutcome("failed", f"failed: cannot load the model ({first_line(exc)}).")
    return export_text_model(model, tokenizer, out, texts, max_length=max_length, example=example)
