"""Export a finished run as a portable folder (and optionally a zip) to take away.

The folder is laid out like a Hugging Face model repository, so ``from_pretrained``,
``transformers.pipeline`` and the hub all take it as is::

    README.md            model card: base model, data, settings, metrics, intended use
    config.json, model.safetensors, tokenizer files, strop.json     the model (HF format)
    labels.json          the label map (id <-> label)
    metrics.json         validation metrics of the run
    training_config.json the run's settings (file paths reduced to file names)
    predict.py           ``python predict.py "some text"``: predictions as JSON lines
    onnx/model.onnx      the same classifier for ONNX Runtime (outputs logits)

The ONNX export needs ``onnx`` and ``onnxscript`` (``pip install "strop[onnx]"``); without
them it is skipped with a message saying so. Where ``onnxruntime`` is installed the export
is checked: ONNX Runtime must reproduce the PyTorch probabilities to ``ONNX_TOLERANCE``, or
the ONNX file is left out rather than shipped wrong.

The folder is built in ``<dest>.part`` and renamed into place at the end, so an export that
fails half-way never leaves a folder that looks complete.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from engine import runs
from engine.errors import RunFolderError

ONNX_TOLERANCE = 1e-4
ONNX_FILE = "onnx/model.onnx"
STARTER_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
# Files of a run's model/ folder that a portable export leaves out: the Trainer's pickled
# arguments are needed by nothing and a pickle is not something to hand on.
SKIPPED_MODEL_FILES = {"training_args.bin"}

Progress = Callable[[int, int, str], None]
"""``progress(done, total, message)``: step ``done`` of ``total`` is starting."""

# Texts the ONNX check always runs, besides up to 32 from the run's own data: short, long,
# non-ASCII and empty, in batches, so padding and truncation are exercised.
PROBE_TEXTS = (
    "",
    "ok",
    "This is absolutely wonderful, I loved every minute of it.",
    "Terrible. It broke after two days and support never answered.",
    "The delivery was on time but the food was cold and the portions were small.",
    "Qualité médiocre, je ne recommande pas.",
    "服务很好，送餐也很快。",
    "not bad at all " * 40,
)


@dataclass(frozen=True)
class OnnxOutcome:
    """What became of the ONNX export.

    ``status``: ``verified`` (ONNX Runtime matches PyTorch within the tolerance),
    ``unverified`` (exported, but ONNX Runtime is not installed to check it), ``skipped``
    (not asked for, or the exporter packages are missing) or ``failed`` (the export or the
    check failed; no ONNX file is written).
    """

    status: str
    message: str
    path: Path | None = None
    max_abs_diff: float | None = None
    texts_checked: int = 0


@dataclass(frozen=True)
class ExportResult:
    path: Path
    onnx: OnnxOutcome
    zip_path: Path | None = None
    files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Exported to {self.path}"]
        if self.zip_path:
            lines.append(f"Zip: {self.zip_path}")
        lines.append(f"ONNX: {self.onnx.message}")
        return "\n".join(lines)


# ----- the run ----------------------------------------------------------------------------
@dataclass
class _Run:
    path: Path
    model_dir: Path
    meta: dict[str, Any]
    config: dict[str, Any]
    metrics: dict[str, Any]
    report: dict[str, Any]
    labels: dict[str, Any]
    status: dict[str, Any]


def _read_run(run_dir: str | os.PathLike[str]) -> _Run:
    path = Path(run_dir).expanduser()
    if path.name == runs.MODEL and (path / "strop.json").is_file():
        path = path.parent  # given the run's model/ folder: export its run
    if not path.is_dir():
        raise RunFolderError(f"{path}: no such run folder.")
    model_dir = path / runs.MODEL
    if not (model_dir / "config.json").is_file():
        raise RunFolderError(
            f"{path}: the run has no trained model to export (no {runs.MODEL}/ folder).",
            hint="Export a finished run, or resume this one and let it finish.",
        )

    def read(p: Path) -> dict[str, Any]:
        data = runs.read_json(p)
        return data if isinstance(data, dict) else {}

    return _Run(
        path=path,
        model_dir=model_dir,
        meta=read(model_dir / "strop.json"),
        config=read(path / runs.CONFIG),
        metrics=read(path / runs.METRICS),
        report=read(path / runs.REPORT),
        labels=read(path / runs.LABELS),
        status=runs.read_status(path),
    )


def _model_labels(model_dir: Path) -> list[str]:
    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    id2label = config.get("id2label") or {}
    count = int(config.get("num_labels") or len(id2label))
    return [str(id2label.get(str(i), id2label.get(i, f"LABEL_{i}"))) for i in range(count)]


def _portable_config(config: dict[str, Any]) -> dict[str, Any]:
    """The run config with local file paths reduced to file names."""
    out = dict(config)
    for key in ("data", "validation", "output"):
        if out.get(key):
            out[key] = Path(str(out[key])).name
    if out.get("model") and Path(str(out["model"])).is_absolute():
        out["model"] = Path(str(out["model"])).name
    return out


def _check_dest(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise RunFolderError(
            f"{dest}: already exists and is not empty; Strop never overwrites an export.",
            hint="Choose a new folder name.",
        )


# ----- export -----------------------------------------------------------------------------
def export_run(
    run_dir: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    *,
    onnx: bool = True,
    make_zip: bool = False,
    progress: Progress | None = None,
) -> ExportResult:
    """Export the finished run in ``run_dir`` to the new folder ``dest`` (and ``dest.zip``).

    Raises ``RunFolderError`` for a run without a trained model, or when ``dest`` (or the
    zip) already exists. ONNX problems never raise: they are reported in ``result.onnx``.
    """
    run = _read_run(run_dir)
    dest = Path(dest).expanduser().absolute()
    _check_dest(dest)
    zip_path = dest.with_name(dest.name + ".zip") if make_zip else None
    if zip_path is not None and zip_path.exists():
        raise RunFolderError(f"{zip_path}: already exists.", hint="Choose a new name.")
    total = 4 + int(onnx) + int(make_zip)
    step = 0

    def report(message: str) -> None:
        nonlocal step
        if progress is not None:
            progress(step, total, message)
        step += 1

    stage = dest.with_name(dest.name + ".part")
    if stage.exists():
        shutil.rmtree(stage)
    stage.parent.mkdir(parents=True, exist_ok=True)
    try:
        report("Copying the model")
        _copy_model(run.model_dir, stage)
        labels = _model_labels(stage)
        report("Writing the label map and settings")
        runs.write_json(
            stage / "labels.json",
            {
                "labels": labels,
                "id2label": {str(i): label for i, label in enumerate(labels)},
                "label2id": {label: i for i, label in enumerate(labels)},
                "text_column": run.labels.get("text_column") or run.meta.get("text_column"),
                "label_column": run.labels.get("label_column") or run.meta.get("label_column"),
            },
        )
        if run.metrics:
            runs.write_json(stage / "metrics.json", run.metrics)
        if run.config:
            runs.write_json(stage / "training_config.json", _portable_config(run.config))
        (stage / "predict.py").write_text(PREDICT_SCRIPT, encoding="utf-8")
        if onnx:
            missing = missing_onnx_packages()
            report(
                f"Skipping ONNX (no {' and '.join(missing)})"
                if missing
                else "Exporting to ONNX and checking it with ONNX Runtime"
            )
            outcome = export_onnx(stage, stage / ONNX_FILE, texts=_data_texts(run))
        else:
            outcome = OnnxOutcome("skipped", "not requested.")
        report("Writing the model card")
        (stage / "README.md").write_text(model_card(run, labels, outcome), encoding="utf-8")
        report("Finishing")
        if dest.exists():
            dest.rmdir()  # empty (checked above)
        os.replace(stage, dest)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    if outcome.path is not None:
        outcome = OnnxOutcome(
            outcome.status,
            outcome.message,
            dest / ONNX_FILE,
            outcome.max_abs_diff,
            outcome.texts_checked,
        )
    if zip_path is not None:
        report("Writing the zip")
        _write_zip(dest, zip_path)
    files = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    return ExportResult(path=dest, onnx=outcome, zip_path=zip_path, files=files)


def _copy_model(model_dir: Path, target: Path) -> None:
    for src in sorted(model_dir.rglob("*")):
        rel = src.relative_to(model_dir)
        if src.is_dir() or rel.name in SKIPPED_MODEL_FILES or rel.name.endswith(".tmp"):
            continue
        out = target / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out)  # not the run's permissions: the export is to share


def _write_zip(folder: Path, zip_path: Path) -> None:
    part = zip_path.with_name(zip_path.name + ".part")
    try:
        archive = shutil.make_archive(
            str(part), "zip", root_dir=str(folder.parent), base_dir=folder.name
        )
        os.replace(archive, zip_path)
    except OSError as exc:
        Path(str(part) + ".zip").unlink(missing_ok=True)
        raise RunFolderError(f"{zip_path}: cannot write the zip ({exc.strerror or exc}).") from None


def _data_texts(run: _Run, limit: int = 32) -> list[str]:
    """Up to ``limit`` texts of the run's own data, when the file is still there."""
    data = run.config.get("validation") or run.config.get("data")
    column = run.labels.get("text_column") or run.meta.get("text_column")
    if not data or not Path(str(data)).exists():
        return []
    try:
        from engine.data import read_texts

        ds, column = read_texts(str(data), column)
        return [str(t or "") for t in ds.select(range(min(limit, ds.num_rows)))[column]]
    except Exception:  # noqa: BLE001 - the probe texts alone still check the export
        return []


# ----- ONNX -------------------------------------------------------------------------------
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
def _quiet_exporter() -> Iterator[None]:
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


def _load(model_dir: Path) -> tuple[Any, Any, int]:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from engine.models import quiet_transformers

    quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModelForSequenceClassification.from_pretrained(
        str(model_dir), local_files_only=True, use_safetensors=True, dtype=torch.float32
    ).eval()
    meta = runs.read_json(model_dir / "strop.json") or {}
    limit = getattr(tokenizer, "model_max_length", 512) or 512
    if limit > 100_000:
        limit = getattr(model.config, "max_position_embeddings", 512) or 512
    max_length = int(meta.get("max_length") or min(limit, 512))
    return model, tokenizer, max_length


def export_onnx(
    model_dir: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    texts: Sequence[str] = (),
    tolerance: float = ONNX_TOLERANCE,
) -> OnnxOutcome:
    """Export a classifier folder to ONNX (inputs: the tokenizer's ids and masks, dynamic
    batch and length; output: ``logits``) and check it against PyTorch where ONNX Runtime is
    installed. Never raises for an export problem: the outcome says what happened."""
    missing = missing_onnx_packages()
    if missing:
        return OnnxOutcome(
            "skipped",
            f"skipped: the ONNX exporter needs {' and '.join(missing)} "
            '(install them with: pip install "strop[onnx]").',
        )
    out = Path(out)
    try:
        import torch

        model, tokenizer, max_length = _load(Path(model_dir))
        example = tokenizer(
            ["An example sentence to trace the model with.", "A short one."],
            padding=True,
            return_tensors="pt",
        )
        names = [n for n in tokenizer.model_input_names if n in example]
        dynamic = torch.export.Dim.DYNAMIC
        out.parent.mkdir(parents=True, exist_ok=True)
        size = sum(p.numel() * p.element_size() for p in model.parameters())
        with _quiet_exporter(), torch.no_grad():
            torch.onnx.export(
                model,
                (),
                str(out),
                kwargs={n: example[n] for n in names},
                input_names=names,
                output_names=["logits"],
                dynamic_shapes={n: {0: dynamic, 1: dynamic} for n in names},
                dynamo=True,
                external_data=size > 1_800_000_000,  # ONNX protobufs stop at 2 GB
                verbose=False,
            )
    except Exception as exc:  # noqa: BLE001 - any exporter failure becomes a message
        _remove_onnx(out)
        return OnnxOutcome("failed", f"failed: the export did not work ({_first_line(exc)}).")

    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return OnnxOutcome(
            "unverified",
            f"exported to {ONNX_FILE}, not checked: ONNX Runtime is not installed "
            "(pip install onnxruntime).",
            out,
        )
    probe = [*PROBE_TEXTS, *texts]
    error: str | None = None
    try:
        diff = onnx_max_abs_diff(out, model, tokenizer, probe, max_length=max_length)
    except Exception as exc:  # noqa: BLE001
        diff, error = None, _first_line(exc)
    if diff is None or not diff <= tolerance:
        _remove_onnx(out)
        why = error or f"its probabilities differ from PyTorch's by up to {diff:.2e}"
        return OnnxOutcome(
            "failed",
            f"failed: ONNX Runtime could not reproduce the model ({why}; the limit is "
            f"{tolerance:.0e}), so no ONNX file is included.",
            None,
            diff,
            len(probe),
        )
    return OnnxOutcome(
        "verified",
        f"exported to {ONNX_FILE}; ONNX Runtime reproduces the PyTorch probabilities on "
        f"{len(probe)} texts within {diff:.1e} (limit {tolerance:.0e}).",
        out,
        diff,
        len(probe),
    )


def onnx_max_abs_diff(
    onnx_path: Path,
    model: Any,
    tokenizer: Any,
    texts: Sequence[str],
    *,
    max_length: int,
    batch_size: int = 8,
) -> float:
    """The largest absolute difference between the class probabilities computed by ONNX
    Runtime and by PyTorch, over ``texts`` in padded batches."""
    import numpy as np
    import onnxruntime as ort
    import torch

    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    wanted = [i.name for i in session.get_inputs()]
    worst = 0.0
    for start in range(0, len(texts), batch_size):
        batch = list(texts[start : start + batch_size])
        enc = tokenizer(
            batch, truncation=True, max_length=max_length, padding=True, return_tensors="pt"
        )
        with torch.no_grad():
            reference = torch.softmax(model(**enc).logits.float(), dim=-1).numpy()
        logits = session.run(["logits"], {n: enc[n].numpy() for n in wanted})[0]
        shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probs = shifted / shifted.sum(axis=-1, keepdims=True)
        worst = max(worst, float(np.abs(probs - reference).max()))
    return worst


def _remove_onnx(out: Path) -> None:
    """Remove a partial or wrong ONNX export (the file, its external data, an emptied folder)."""
    for path in (out, out.with_name(out.name + ".data")):
        path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        out.parent.rmdir()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


# ----- model card -------------------------------------------------------------------------
def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _num(value: Any, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else "-"


def _hub_id(spec: str) -> str | None:
    if spec == "starter":
        return STARTER_HUB_ID
    if re.fullmatch(r"[\w.-]+/[\w.-]+", spec) and not Path(spec).exists():
        return spec
    return None


def model_card(run: _Run, labels: list[str], onnx: OnnxOutcome) -> str:
    """The exported folder's ``README.md``."""
    meta, config, metrics, report = run.meta, run.config, run.metrics, run.report
    spec = str(meta.get("base_model") or config.get("model") or "?")
    base_name = str(meta.get("base_model_name") or spec)
    if Path(base_name).is_absolute():  # a local folder: its name, not the user's paths
        base_name = Path(base_name).name
    hub = _hub_id(spec)
    data_name = Path(str(config.get("data") or report.get("source") or "?")).name
    title = f"{run.path.name}: a text classifier fine-tuned with Strop"
    front = ["---", "library_name: transformers", "pipeline_tag: text-classification"]
    if hub:
        front.append(f"base_model: {hub}")
    front += ["tags:", "- text-classification", "- strop", "---", ""]
    out = [*front, f"# {title}", ""]
    out.append(
        f"Sorts texts into {len(labels)} classes ({', '.join(f'`{label}`' for label in labels[:20])}"
        f"{', ...' if len(labels) > 20 else ''}). Fine-tuned from **{base_name}**"
        + (f" (`{hub}`)" if hub and hub not in base_name else "")
        + f" on `{data_name}` with Strop on "
        + datetime.fromtimestamp(
            float(run.status.get("ended") or run.status.get("updated") or run.path.stat().st_mtime)
        ).strftime("%Y-%m-%d")
        + "."
    )
    out += ["", "## Use it", "", "```bash", 'python predict.py "first text" "second text"', "```"]
    out += [
        "",
        "prints one JSON line per text with the top label and a probability for every class. "
        "In Python (needs `transformers` and `torch`):",
        "",
        "```python",
        "from transformers import pipeline",
        "",
        'classify = pipeline("text-classification", model="path/to/this/folder", top_k=None)',
        'print(classify(["first text"], truncation=True'
        + (f", max_length={meta['max_length']}" if meta.get("max_length") else "")
        + "))",
        "```",
    ]
    if onnx.path is not None:
        out += [
            "",
            f"`{ONNX_FILE}` is the same classifier for ONNX Runtime (no PyTorch needed); it "
            "takes the tokenizer's outputs and returns `logits` (apply a softmax for "
            "probabilities):",
            "",
            "```python",
            "import numpy as np, onnxruntime as ort",
            "from transformers import AutoTokenizer",
            "",
            'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
            f'session = ort.InferenceSession("path/to/this/folder/{ONNX_FILE}")',
            'enc = tokenizer(["first text"], truncation=True, padding=True, return_tensors="np")',
            "names = [i.name for i in session.get_inputs()]",
            'logits = session.run(["logits"], {n: enc[n] for n in names})[0]',
            "```",
        ]
    out += ["", f"ONNX: {onnx.message}"]

    # --- data
    out += ["", "## Training data", ""]
    if report:
        val_src = report.get("validation_source")
        out.append(
            f"`{data_name}`: {report.get('train_rows', 0):,} training rows and "
            f"{report.get('validation_rows', 0):,} validation rows "
            + (
                f"(from `{Path(str(val_src)).name}`)."
                if val_src
                else "(a stratified split held out from the same file)."
            )
            + f" Text column `{report.get('text_column')}`, label column "
            f"`{report.get('label_column')}`."
        )
        out += ["", "| class | training rows | validation rows |", "|---|---:|---:|"]
        train_counts = report.get("train_counts") or {}
        val_counts = report.get("validation_counts") or {}
        for label in labels:
            out.append(
                f"| {_cell(label)} | {train_counts.get(label, 0):,} | {val_counts.get(label, 0):,} |"
            )
        p = report.get("token_percentiles") or {}
        out += [
            "",
            f"Tokens per text: median {p.get('p50', '?')}, 95th percentile {p.get('p95', '?')}, "
            f"longest {p.get('max', '?')}. Maximum length {report.get('max_length', '?')} tokens "
            f"(cuts {report.get('truncated_share', 0):.1%} of texts). Unknown-token share "
            f"{report.get('unk_share', 0):.1%}.",
        ]
        notes = [w for w in report.get("warnings") or [] if w.get("level") != "info"]
        if notes:
            out += ["", "The dataset report noted:", ""]
            out += [f"- {w.get('message', '')}" for w in notes]
    else:
        out.append(f"`{data_name}` (the run has no dataset report).")

    # --- settings
    out += ["", "## Training settings", "", "| setting | value |", "|---|---|"]
    settings = [
        ("base model", f"{base_name}" + (f" (`{hub}`)" if hub and hub not in base_name else "")),
        ("fine-tuning strategy", config.get("strategy") or meta.get("strategy")),
        ("epochs", config.get("epochs")),
        ("max steps", config.get("max_steps")),
        ("batch size", config.get("batch_size")),
        ("gradient accumulation", config.get("gradient_accumulation")),
        ("learning rate", config.get("learning_rate")),
        ("warmup ratio", config.get("warmup_ratio")),
        ("weight decay", config.get("weight_decay")),
        ("max length (tokens)", config.get("max_length") or meta.get("max_length")),
        ("early-stopping patience", config.get("early_stopping_patience")),
        ("seed", config.get("seed")),
        ("device / precision", f"{metrics.get('device', '?')} / {metrics.get('precision', '?')}"),
        ("steps trained", metrics.get("step")),
        ("epochs trained", _num(metrics.get("epoch"), 2)),
        (
            "training time",
            f"{metrics['train_seconds']:.0f} s" if metrics.get("train_seconds") else None,
        ),
    ]
    out += [f"| {name} | {_cell(value)} |" for name, value in settings if value is not None]

    # --- metrics
    out += ["", "## Evaluation", ""]
    if metrics:
        out += [
            f"On {metrics.get('num_examples', 0):,} validation texts:",
            "",
            "| accuracy | macro precision | macro recall | macro F1 | validation loss |",
            "|---:|---:|---:|---:|---:|",
            f"| {_num(metrics.get('accuracy'))} | {_num(metrics.get('macro_precision'))} | "
            f"{_num(metrics.get('macro_recall'))} | {_num(metrics.get('macro_f1'))} | "
            f"{_num(metrics.get('eval_loss'))} |",
            "",
            "| class | precision | recall | F1 | support |",
            "|---|---:|---:|---:|---:|",
        ]
        for label, row in (metrics.get("per_class") or {}).items():
            out.append(
                f"| {_cell(label)} | {_num(row.get('precision'))} | {_num(row.get('recall'))} | "
                f"{_num(row.get('f1'))} | {row.get('support', '-')} |"
            )
        matrix = metrics.get("confusion_matrix")
        names = metrics.get("labels") or labels
        if matrix:
            out += [
                "",
                "Confusion matrix (rows: true class, columns: predicted class):",
                "",
                "| true \\ predicted | " + " | ".join(_cell(n) for n in names) + " |",
                "|---|" + "---:|" * len(names),
            ]
            for name, row in zip(names, matrix, strict=False):
                out.append(f"| {_cell(name)} | " + " | ".join(str(v) for v in row) + " |")
    else:
        out.append("The run has no final metrics (it was stopped before its last evaluation).")

    # --- intended use
    out += ["", "## Intended use and limits", ""]
    out.append(
        f"- Intended for sorting texts like those in `{data_name}` into the classes above. "
        "It always answers with one of these classes, even for a text that fits none of them; "
        "a low top probability is a sign of such a text."
    )
    if report.get("validation_source"):
        out.append(
            "- The figures come from a separate validation file; texts from other sources, "
            "periods or writers may be classified less well."
        )
    else:
        out.append(
            "- The figures come from validation rows held out from the training file itself, "
            "so they are likely optimistic for texts from other sources, periods or writers. "
            "Check it on data of your own before relying on it."
        )
    if metrics.get("num_examples") and metrics["num_examples"] < 200:
        out.append(
            f"- Only {metrics['num_examples']} validation texts: the figures above are rough."
        )
    if report.get("rare_classes"):
        rare = ", ".join(f"`{c}`" for c in report["rare_classes"][:10])
        out.append(f"- Classes with very few training examples ({rare}) are unreliable.")
    if (report.get("unk_share") or 0) > 0.05:
        out.append(
            f"- The base model's vocabulary did not cover {report['unk_share']:.0%} of the "
            "training tokens (likely another language or script); accuracy on such text is limited."
        )
    if (report.get("truncated_share") or 0) > 0:
        out.append(
            f"- Texts longer than {report.get('max_length')} tokens are cut; only their "
            "beginning is read."
        )
    out.append(
        "- It learns the patterns, and the biases, of its training data and base model. Do not "
        "use it alone for decisions about people (hiring, credit, health, legal matters, "
        "moderation) without human review."
    )
    out.append(
        "- The base model's licence applies to this model"
        + (" (all-MiniLM-L6-v2: Apache 2.0)." if spec == "starter" else ".")
    )

    # --- files
    out += [
        "",
        "## Files",
        "",
        "- `config.json`, `model.safetensors`, tokenizer files: the model in Hugging Face format;",
        "  `strop.json`: its labels, maximum length and base model as Strop records them.",
        "- `labels.json`: the label map (`id2label`, `label2id`).",
        "- `metrics.json`: the validation metrics; `training_config.json`: the run's settings.",
        "- `predict.py`: predictions for texts given on the command line (or one per line on stdin).",
    ]
    if onnx.path is not None:
        out.append(f"- `{ONNX_FILE}`: the classifier in ONNX format.")
    return "\n".join(out) + "\n"


PREDICT_SCRIPT = '''\
"""Predict with this exported classifier.

    python predict.py "first text" "second text"
    python predict.py < texts.txt          (one text per line)

Prints one JSON object per text: the top label and a probability for every class.
Needs Python 3.10+ with transformers and torch (pip install transformers torch).
"""

import json
import sys
from pathlib import Path

from transformers import pipeline

HERE = Path(__file__).resolve().parent


def main(texts: list[str]) -> int:
    if not texts and not sys.stdin.isatty():
        texts = [line.rstrip("\\n") for line in sys.stdin if line.strip()]
    if not texts:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    meta_file = HERE / "strop.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    classify = pipeline("text-classification", model=str(HERE), top_k=None)
    results = classify(texts, truncation=True, max_length=meta.get("max_length") or 512)
    for text, scores in zip(texts, results):
        best = max(scores, key=lambda s: s["score"])
        probabilities = {s["label"]: round(s["score"], 6) for s in scores}
        print(json.dumps({"text": text, "label": best["label"], "scores": probabilities},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
'''
