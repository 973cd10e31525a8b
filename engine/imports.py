"""First imports of the heavy libraries, done once, in one thread, before any task uses them.

transformers (and huggingface_hub) resolve most of their names lazily, and torch,
transformers, datasets and pandas import each other. Two threads importing them for the first
time at once can each hold one half of a circular import; Python then hands one thread a
half-initialised module: ``ImportError: cannot import name 'AutoModelForSequenceClassification'
from 'transformers'``, or ``partially initialized module 'torch' has no attribute 'Tensor'``
(three threads doing what the window's start-up tasks do: 5 failures in 5 tries here; the
frozen app failed even with each import statement locked, through lookups that are not
import statements). The window starts several background tasks at once, so each task that
may touch these libraries first calls ``ensure_warm()``: the first caller imports everything
Strop uses of them (``WARM``) while holding one lock, the others wait for it, and afterwards
the call returns at once.
"""

from __future__ import annotations

import importlib
import threading

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
    ("pandas", ()),
    ("pyarrow", ()),
)

_lock = threading.RLock()
_warmed = False


def ensure_warm() -> None:
    """Import ``WARM`` once; concurrent callers wait until it is done. A library that is
    missing or broken is skipped: the statement that needs it raises its own error."""
    global _warmed
    if _warmed:
        return
    with _lock:
        if _warmed:
            return
        for name, names in WARM:
            try:
                module = importlib.import_module(name)
                for attribute in names:
                    getattr(module, attribute)  # resolve lazy names now, in this thread
            except Exception:  # noqa: BLE001 - optional, or broken: the real import will say
                continue
        _warmed = True


def warmed() -> bool:
    return _warmed
