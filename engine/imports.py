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

The warm-up also keeps the window answering while it runs (``bench/startup.py`` measures the
stalls of the window's thread). Two things held the interpreter lock for 0.1-0.9 s at a time:

- the cyclic garbage collector, which the imports' millions of new objects trigger again and
  again, each full collection walking every object alive (0.14-0.51 s each, five of them,
  traced to no particular module): it is paused during the imports, and what they created
  is then frozen out of its reach (``gc.freeze``: module-level objects are never garbage);
- the dynamic loader mapping and relocating torch's 430 MB library and pyarrow's (0.55-0.9 s
  and 0.1 s): ``preload_libraries`` has the C library's ``dlopen`` load them first, called
  through ``ctypes``, which releases the lock for the call; the import then finds them loaded.

A window can also keep the warm-up off its own start-up work (``hold``, ``release``): while its
thread paints, fills tables and builds plots, every call from Qt into Python waits for the
interpreter lock, up to the 5 ms switch interval each time another thread runs Python, so
work of 0.05 s took 0.1-0.3 s beside the warm-up. ``ensure_warm`` waits while a hold is on;
a hold lapses ``HOLD_LIMIT_S`` after it was taken (one never released costs that, once).

``_LazyModule.__getattr__`` is private to transformers; ``pyproject.toml`` pins transformers
below its next major version and ``tests/engine/test_imports.py`` checks the hook is still
there.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import sys
import threading
import time
from pathlib import Path
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

#: Big shared libraries of ``PACKAGES`` (package, file-name patterns, dependencies first) that
#: the dynamic loader takes long to map and relocate. Only a speed hint: a library missing
#: here is loaded by its import as before, under the interpreter lock.
NATIVE_LIBRARIES = (
    ("torch", ("lib/libc10.*", "lib/libtorch_cpu.*", "lib/libtorch.*", "lib/libtorch_python.*")),
    ("pyarrow", ("libarrow.*", "libarrow_compute.*")),
)

LOCK = threading.RLock()
_warmed = False
#: The longest a ``hold`` keeps ``ensure_warm`` waiting, in seconds from the last ``hold``.
HOLD_LIMIT_S = 3.0
_holds = 0
_deadline = 0.0
_holds_lock = threading.Lock()
_free = threading.Event()
_free.set()
#: Wall-clock start and end (``time.time()``) of ``preload_libraries``' loading, once done.
preload_span: tuple[float, float] | None = None


def ensure_warm() -> None:
    """Import ``PACKAGES`` once and serialise transformers' lazy lookups; concurrent callers
    wait until it is done. A library that is missing or broken is skipped: the statement
    that needs it raises its own error."""
    global _warmed
    if _warmed:
        return
    wait_while_held()
    with LOCK:
        if _warmed:
            return
        preload_libraries()
        collecting = gc.isenabled()
        gc.disable()
        try:
            for name in PACKAGES:
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001 - optional, or broken: the real import will say
                    continue
        finally:
            gc.freeze()
            if collecting:
                gc.enable()
        serialise_lazy_lookups()
        _warmed = True


def hold() -> None:
    """Keep ``ensure_warm`` from starting until ``release``; holds nest. A hold is a lease: it
    lapses ``HOLD_LIMIT_S`` after the last ``hold`` call, released or not."""
    global _holds, _deadline
    with _holds_lock:
        _holds += 1
        _deadline = time.monotonic() + HOLD_LIMIT_S
        _free.clear()


def release() -> None:
    """End one ``hold``; the warm-up goes on when none is left. An extra call does nothing."""
    global _holds
    with _holds_lock:
        _holds = max(0, _holds - 1)
        if _holds == 0:
            _free.set()


def release_all() -> None:
    """End every ``hold`` (the window closing before its start-up work is done)."""
    global _holds
    with _holds_lock:
        _holds = 0
        _free.set()


def wait_while_held() -> bool:
    """Wait until no ``hold`` is on or the holds have lapsed; False if they lapsed."""
    if _free.wait(max(0.0, _deadline - time.monotonic())):
        return True
    release_all()
    return False


def preload_libraries() -> list[str]:
    """Load ``NATIVE_LIBRARIES`` with the interpreter lock released; the loaded paths.

    An import loads an extension's libraries while holding the lock; ``dlopen`` called as a
    foreign function through ``ctypes`` does not. Loaded ``RTLD_LOCAL``, as the import would.
    Linux and macOS only (on Windows torch loads its DLLs through ``ctypes`` already); any
    failure just leaves the library to its import."""
    if sys.platform not in ("linux", "darwin") or getattr(sys, "frozen", False):
        # a frozen app may keep a second copy of a library beside the one its package's
        # extension links to; loading the wrong one first would load both (not checked
        # in a PyInstaller build yet, so the bundle loads its libraries as it always did)
        return []
    import ctypes
    import os

    try:
        dlopen = ctypes.CDLL(None).dlopen
    except (OSError, AttributeError):
        return []
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    global preload_span
    started = time.time()
    loaded: list[str] = []
    for package, patterns in NATIVE_LIBRARIES:
        if package in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.submodule_search_locations:
            continue
        folder = Path(next(iter(spec.submodule_search_locations)))
        for pattern in patterns:
            for path in sorted(folder.glob(pattern)):
                if path.suffix not in (".so", ".dylib") and ".so." not in path.name:
                    continue
                if dlopen(os.fsencode(path), os.RTLD_NOW | os.RTLD_LOCAL):
                    loaded.append(str(path))
    if loaded:
        preload_span = (started, time.time())
    return loaded


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
