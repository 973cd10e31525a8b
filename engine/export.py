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

What depends on the task (the pipeline snippet, the data and evaluation sections of the card,
``predict.py``, the ONNX inputs) comes from the run's task (``Task.card_sections``,
``Task.predict_script``, ``Task.export_onnx``); the card's frame is the template
``resources/export/model_card.md`` with its metadata written by ``huggingface_hub``'s
``ModelCardData``. The ONNX export is checked against PyTorch (``engine.onnx_export``).

The folder is built in ``<dest>.part`` and renamed into place at the end, so an export that
fails half-way never leaves a folder that looks complete.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from engine import runs
from engine.errors import RunFolderError
from engine.onnx_export import ONNX_FILE, OnnxOutcome
from engine.onnx_runtime import CACHE_FILES

__all__ = ["ONNX_FILE", "ExportResult", "OnnxOutcome", "Run", "export_run", "model_card"]

STARTER_HUB_ID = "sentence-transformers/all-MiniLM-L6-v2"
# Files of a run's model/ folder that a portable export leaves out: the Trainer's pickled
# arguments are needed by nothing and a pickle is not something to hand on; prediction's
# cached ONNX file (engine.onnx_runtime) is replaced by the export's own, checked one.
SKIPPED_MODEL_FILES = {"training_args.bin", *CACHE_FILES}

Progress = Callable[[int, int, str], None]
"""``progress(done, total, message)``: step ``done`` of ``total`` is starting."""


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
class Run:
    path: Path
    model_dir: Path
    meta: dict[str, Any]
    config: dict[str, Any]
    metrics: dict[str, Any]
    report: dict[str, Any]
    labels: dict[str, Any]
    status: dict[str, Any]


def _read_run(run_dir: str | os.PathLike[str]) -> Run:
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

    return Run(
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
    from engine import tasks
    from engine.onnx_export import missing_onnx_packages
    from engine.resources import resource_path

    run = _read_run(run_dir)
    task = tasks.for_model(run.model_dir)
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
        shutil.copyfile(resource_path("export", task.predict_script), stage / "predict.py")
        if onnx:
            missing = missing_onnx_packages()
            report(
                f"Skipping ONNX (no {' and '.join(missing)})"
                if missing
                else "Exporting to ONNX and checking it with ONNX Runtime"
            )
            outcome = task.export_onnx(stage, stage / ONNX_FILE, run)
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


def data_texts(run: Run, limit: int = 32) -> list[str]:
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


# ----- model card -------------------------------------------------------------------------
def cell(value: Any) -> str:
    """A value for a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def num(value: Any, digits: int = 4) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else "-"


def hub_id(spec: str) -> str | None:
    if spec == "starter":
        return STARTER_HUB_ID
    if re.fullmatch(r"[\w.-]+/[\w.-]+", spec) and not Path(spec).exists():
        return spec
    return None


def label_evaluation(metrics: dict[str, Any], labels: list[str], noun: str) -> list[str]:
    """The card's evaluation for one label per example (texts, images): the overall
    figures, a row per class and the confusion matrix, as Markdown lines."""
    out = [
        f"On {metrics.get('num_examples', 0):,} validation {noun}:",
        "",
        "| accuracy | macro precision | macro recall | macro F1 | validation loss |",
        "|---:|---:|---:|---:|---:|",
        f"| {num(metrics.get('accuracy'))} | {num(metrics.get('macro_precision'))} | "
        f"{num(metrics.get('macro_recall'))} | {num(metrics.get('macro_f1'))} | "
        f"{num(metrics.get('eval_loss'))} |",
        "",
        "| class | precision | recall | F1 | support |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, row in (metrics.get("per_class") or {}).items():
        out.append(
            f"| {cell(label)} | {num(row.get('precision'))} | {num(row.get('recall'))} | "
            f"{num(row.get('f1'))} | {row.get('support', '-')} |"
        )
    matrix = metrics.get("confusion_matrix")
    names = metrics.get("labels") or labels
    if matrix:
        out += [
            "",
            "Confusion matrix (rows: true class, columns: predicted class):",
            "",
            "| true \\ predicted | " + " | ".join(cell(n) for n in names) + " |",
            "|---|" + "---:|" * len(names),
        ]
        for label, row in zip(names, matrix, strict=False):
            out.append(f"| {cell(label)} | " + " | ".join(str(v) for v in row) + " |")
    return out


def base_model_name(run: Run) -> tuple[str, str | None]:
    """The base model as the card names it (never a local path), and its hub id if any."""
    spec = str(run.meta.get("base_model") or run.config.get("model") or "?")
    name = str(run.meta.get("base_model_name") or spec)
    if Path(name).is_absolute():  # a local folder: its name, not the user's paths
        name = Path(name).name
    hub = run.meta.get("base_hub_id") or hub_id(spec)
    return name, hub


def trained_on(run: Run) -> str:
    """The day the run ended, as the card's summary says it."""
    stamp = run.status.get("ended") or run.status.get("updated") or run.path.stat().st_mtime
    return datetime.fromtimestamp(float(stamp)).strftime("%Y-%m-%d")


def class_summary(
    labels: list[str], noun: str, base: str, hub: str | None, data: str, run: Run
) -> str:
    """The card's first sentence for a task that sorts examples into classes."""
    shown = ", ".join(f"`{label}`" for label in labels[:20]) + (", ..." if len(labels) > 20 else "")
    return (
        f"Sorts {noun} into {len(labels)} classes ({shown}). Fine-tuned from **{base}**"
        + (f" (`{hub}`)" if hub and hub not in base else "")
        + f" on `{data}` with Strop on {trained_on(run)}."
    )


def calibration_note(metrics: dict[str, Any]) -> list[str]:
    """The card's sentence on calibration, when the run calibrated its probabilities."""
    calibration = metrics.get("calibration") or {}
    if not calibration.get("temperature"):
        return []
    return [
        "",
        f"The probabilities are calibrated: the classifier's last layer was divided by the "
        f"temperature {calibration['temperature']:.3f} fitted on half the validation set "
        f"(expected calibration error {calibration.get('ece', 0):.3f} before, "
        f"{calibration.get('ece_after', 0):.3f} after, on the other half), so `pipeline`, "
        "ONNX Runtime and `predict.py` all give the calibrated probabilities.",
    ]


def onnx_tokenizer_usage(example: str) -> list[str]:
    """The card's recipe for running a tokenizer model's ONNX file (``example``: the
    tokenizer call on a first input)."""
    return [
        "```python",
        "import numpy as np, onnxruntime as ort",
        "from transformers import AutoTokenizer",
        "",
        'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
        f'session = ort.InferenceSession("path/to/this/folder/{ONNX_FILE}")',
        f"enc = {example}",
        "names = [i.name for i in session.get_inputs()]",
        'logits = session.run(["logits"], {n: enc[n] for n in names})[0]',
        "probabilities = np.exp(logits - logits.max(-1, keepdims=True))",
        "probabilities /= probabilities.sum(-1, keepdims=True)",
        "```",
    ]


def validation_origin(report: dict[str, Any], held_out: str) -> str:
    """Where the validation set came from, for the card: its own file's name, else
    ``held_out`` (how the task holds a share of the training file out)."""
    source = report.get("validation_source")
    return f"(from `{Path(str(source)).name}`)" if source else f"({held_out})"


def data_name(run: Run) -> str:
    return Path(str(run.config.get("data") or run.report.get("source") or "?")).name


def model_card(run: Run, labels: list[str], onnx: OnnxOutcome) -> str:
    """The exported folder's ``README.md``: the template filled with the task's sections."""
    from string import Template

    from huggingface_hub import ModelCardData

    from engine import tasks
    from engine.resources import resource_path

    task = tasks.for_model(run.model_dir)
    meta, config, metrics = run.meta, run.config, run.metrics
    base, hub = base_model_name(run)
    card_data = ModelCardData(
        library_name="transformers",
        pipeline_tag=task.name,
        base_model=hub,
        tags=[task.name, "strop"],
    )
    parts = task.card_sections(run, labels, onnx)
    settings = [
        ("task", task.name),
        ("base model", base + (f" (`{hub}`)" if hub and hub not in base else "")),
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
        ("epochs trained", num(metrics.get("epoch"), 2)),
        (
            "training time",
            f"{metrics['train_seconds']:.0f} s" if metrics.get("train_seconds") else None,
        ),
    ]
    limits = [
        *parts.get("limits", []),
        "It learns the patterns, and the biases, of its training data and base model. Do not "
        "use it alone for decisions about people (hiring, credit, health, legal matters, "
        "moderation) without human review.",
        "The base model's licence applies to this model"
        + (" (all-MiniLM-L6-v2: Apache 2.0)." if meta.get("base_model") == "starter" else "."),
    ]
    files = [
        "`config.json`, `model.safetensors` and the processor's files: the model in Hugging Face "
        "format; `strop.json`: its task, labels and base model as Strop records them.",
        "`labels.json`: the label map (`id2label`, `label2id`).",
        "`metrics.json`: the validation metrics; `training_config.json`: the run's settings.",
        f"`predict.py`: {parts.get('predict_help', 'predictions from the command line')}.",
    ]
    if onnx.path is not None:
        files.append(f"`{ONNX_FILE}`: the model in ONNX format.")
    template = Template(resource_path("export", "model_card.md").read_text(encoding="utf-8"))
    return template.substitute(
        front_matter=f"---\n{card_data.to_yaml()}\n---\n",
        title=f"{run.path.name}: a {task.title.lower()} model fine-tuned with Strop",
        summary=parts.get("summary", ""),
        usage=parts.get("usage", ""),
        onnx=onnx.message,
        data=parts.get("data", f"`{data_name(run)}`."),
        settings="\n".join(f"| {name} | {cell(v)} |" for name, v in settings if v is not None),
        evaluation=parts.get("evaluation", "")
        or "The run has no final metrics (it was stopped before its last evaluation).",
        limits="\n".join(f"- {line}" for line in limits),
        files="\n".join(f"- {line}" for line in files),
    )
