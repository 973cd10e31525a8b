"""First imports of the heavy libraries, done once, in one thread, before any task uses them.

torch, transformers, datasets and pandas import each other, and transformers (like
huggingface_hub) resolves most of its names lazily, on first attribute access. Two threads
doing either for the first time at once can each hold one half of a circular import; Python
then hands one thread a half-initialised module (``cannot import name
'AutoModelForSequenceClassification' from 'transformers'``, ``partially initialized module
'torch' has no attribute 'Tensor'``). The window runs several background tasks at once, so one
mechanism keeps them apart, with no list of names to keep up to date:

1. ``ensure_warm()`` imports the heavy *packages* (``PACKAGES``) in the first thread that needs
   any, holding ``LOCK``; every other task waits for it before it starts.
2. It then routes every later lazy name lookup of transformers (``transformers.X``, an import
   statement or a library reading an attribute) through the same ``LOCK``: a name that no one
   listed (a new task's model class, an image processor) is resolved by one thread at a time.
   A resolved name is set on the module, so the lock is taken once per name.

``_LazyModule.__getattr__`` is private to transformers; ``pyproject.toml`` pins transformers
below its next major version and ``tests/engine/test_imports.py`` checks the hook is still
there.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

#: The packages imported in one go by the first thread that needs any of them.
PACKAGES = (
    "torch",
    "safetensors.torch",
    "huggingface_hub",
    "transformers",
    "transformers.modeling_utils",
    "transformers.trainer",
    "datasets",
    "sklearn.metrics",
    "pandas",
    "pyarrow",
)

LOCK = threading.RLock()
_warmed = False


def ensure_warm() -> None:
    """Import ``PACKAGES`` once and serialise transformers' lazy lookups; concurrent callers
    wait until it is done. A library that is missing or broken is skipped: the statement
    that needs it raises its own error."""
    global _warmed
    if _warmed:
        return
    with LOCK:
        if _warmed:
            return
        for name in PACKAGES:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - optional, or broken: the real import will say
                continue
        serialise_lazy_lookups()
        _warmed = True


def serialise_lazy_lookups() -> bool:
    """Route transformers' lazy name lookups through ``LOCK`` (once). False if transformers
    is not installed or no longer has the hook."""
    try:
        from transformers.utils import import_utils
    except Exception:  # noqa: BLE001
        return False
    lazy = getattr(import_utils, "_LazyModule", None)
    if lazy is None or not hasattr(lazy, "__getattr__"):
        return False
    if getattr(lazy, "_strop_serialised", False):
        return True
    resolve = lazy.__getattr__

    def locked(self: Any, name: str) -> Any:
        with LOCK:
            return resolve(self, name)

    lazy.__getattr__ = locked
    lazy._strop_serialised = True
    return True


def warmed() -> bool:
    return _warmed
