"""First imports of the heavy libraries, one thread at a time.

transformers (and huggingface_hub) resolve most of their names lazily, and torch,
transformers and datasets import each other. Two threads importing them for the first time
at once can each hold one half of a circular import; Python then hands one thread a
half-initialised module, and it fails with ``ImportError: cannot import name
'AutoModelForSequenceClassification' from 'transformers'`` (three threads doing the imports
the window's start-up tasks do: 5 failures in 5 tries here). The window starts several
background tasks at once (devices, model, data report, the Trainer's warm-up), so it
installs ``serialize_heavy_imports()``: an import statement that would import or resolve
something of those libraries holds one process-wide lock while it does. Statements that
find everything already imported (all of them, soon after start-up) take no lock.

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

_lock = threading.RLock()
_original_import = builtins.__import__


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
            if item != "*" and item not in names and f"{name}.{item}" not in sys.modules:
                return False  # a lazy name not resolved yet
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
            return _original_import(name, globals, locals, fromlist, level)
    return _original_import(name, globals, locals, fromlist, level)


def serialize_heavy_imports() -> None:
    """Install the import guard (idempotent). For programs that import from several threads."""
    if builtins.__import__ is not _import:
        builtins.__import__ = _import


def installed() -> bool:
    return builtins.__import__ is _import
