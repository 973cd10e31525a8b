"""First imports of the heavy libraries, one thread at a time.

transformers (and huggingface_hub) resolve most of their names lazily, and torch,
transformers and datasets import each other. Two threads importing them for the first time
at once can each hold one half of a circular import; Python then hands one thread a
half-initialised module, and it fails with ``ImportError: cannot import name
'AutoModelForSequenceClassification' from 'transformers'`` (three threads doing the imports
the window's start-up tasks do: 5 failures in 5 tries here). The window starts several
background tasks at once (devices, model, data report, the Trainer's warm-up), so it
installs ``serialize_heavy_imports()``: the first import statement that needs any of those
libraries imports everything Strop uses of them (``WARM``) while holding one process-wide
lock, and every other thread's heavy import waits for it. Later statements that would still
import or resolve something take the lock too; those that find everything in place (all of
them, after start-up) take none.

The lock is taken before Python's own per-module import locks (in ``__import__``), so it
cannot deadlock with them.
"""

from __future__ import annotations

import builtins
import sys
import threading
from typing import Any

#: Top-level packages whose first import is serialised.
HEAVY = frozenset(
    {
        "accelerate",
        "datasets",
        "huggingface_hub",
        "safetensors",
        "sklearn",
        "tokenizers",
        "torch",
        "transformers",
    }
)

#: What Strop uses of them, imported (and resolved) in one go by the first thread that needs
#: any: other threads then find every name in place, so no lazy lookup of theirs (an import
#: statement, or a library reading ``sys.modules["transformers"].X``) races with an import.
WARM = (
    ("torch", ()),
    ("safetensors.torch", ()),
    ("huggingface_hub", ("scan_cache_dir", "snapshot_download", "hf_hub_download", "HfApi")),
    (
        "transformers",
        (
            "AutoConfig",
            "AutoModelForSequenceClassification",
            "AutoTokenizer",
            "DataCollatorWithPadding",
            "EarlyStoppingCallback",
            "PreTrainedModel",
            "PreTrainedTokenizerBase",
            "Trainer",
            "TrainerCallback",
            "TrainingArguments",
        ),
    ),
    ("transformers.models.auto.modeling_auto", ()),
    ("transformers.trainer", ()),
    ("transformers.trainer_callback", ()),
    ("transformers.trainer_pt_utils", ()),
    ("transformers.trainer_utils", ()),
    ("transformers.utils.logging", ()),
    ("datasets", ()),
    ("sklearn.metrics", ()),
)

_WARM_NAMES = frozenset((module, name) for module, names in WARM for name in names)

_lock = threading.RLock()
_original_import = builtins.__import__
_warmed = False


def _warm() -> None:
    """Import ``WARM`` once (the caller holds the lock). A missing library is skipped: the
    statement that needs it raises its own ImportError."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    for name, names in WARM:
        try:
            _original_import(name, None, None, names or None, 0)
        except Exception:  # noqa: BLE001 - optional, or broken: the real import will say
            continue


def _ready(name: str, fromlist: Any) -> bool:
    """True when importing ``name`` (and ``fromlist`` from it) has nothing left to do."""
    module = sys.modules.get(name)
    if module is None:
        return False
    spec = getattr(module, "__spec__", None)
    if spec is not None and getattr(spec, "_initializing", False):
        return False  # another thread is importing it right now
    if fromlist:
        names = vars(module)
        for item in fromlist:
            if item == "*" or item in names or f"{name}.{item}" in sys.modules:
                continue
            if _warmed and (name, item) in _WARM_NAMES:
                continue  # its module came in with the warm-up: resolving it imports nothing
            return False  # a lazy name (transformers keeps them out of the module's dict)
    return True


def _import(
    name: str,
    globals: Any = None,  # noqa: A002 - __import__'s own signature
    locals: Any = None,  # noqa: A002
    fromlist: Any = (),
    level: int = 0,
) -> Any:
    if level == 0 and name.partition(".")[0] in HEAVY and not _ready(name, fromlist):
        with _lock:
            _warm()
            return _original_import(name, globals, locals, fromlist, level)
    return _original_import(name, globals, locals, fromlist, level)


def serialize_heavy_imports() -> None:
    """Install the import guard (idempotent). For programs that import from several threads."""
    if builtins.__import__ is not _import:
        builtins.__import__ = _import


def installed() -> bool:
    return builtins.__import__ is _import
