"""Strop's training engine: plain Python, no Qt.

Importing this package is cheap: torch, transformers and datasets load only when a
function that needs them is called, so the window can appear before they are imported.

Modules, one concept each:

- ``errors``: the error tree (``StropError`` and its children).
- ``config``: ``TrainConfig``, every setting of a run, round-tripping through JSON.
- ``events``: the frozen dataclasses a run emits, and ``RunState``.
- ``data``: loading tables, detecting columns, the label map and the split.
- ``report``: the dataset report.
- ``models``: resolving, describing and building models; fine-tuning strategies.
- ``device``: picking a device and precision.
- ``training``: ``train()``, on ``transformers.Trainer``.
- ``checkpoint``: atomic checkpoints and the resume scanner.
- ``runs``: run folders, ``metrics.jsonl``, the list of past runs.
- ``metrics``: accuracy, macro F1, per-class figures, confusion matrix.
- ``predict``: ``Predictor`` for one text or a whole file.
- ``cli``: the headless command line.
"""

import os as _os

__version__ = "0.1.0"

# CPU threads that wait for work sleep instead of spinning. A spinning OpenMP team turns
# any other busy thread (the window's, another program's) into stalls at every barrier:
# on a loaded 2-core machine a training step took 15-25x longer spinning than sleeping
# (bench/RESULTS.md). Read by the OpenMP runtime when torch loads, so it is set here,
# before any engine module imports torch; a value the user set is kept.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
