"""The engine is plain Python: importing any of its modules never loads Qt, pyqtgraph or the
``gui`` package, and never loads torch, transformers or datasets (they load on first use, so
the window can appear before them)."""

from __future__ import annotations

import functools
import json
import pkgutil
import subprocess
import sys

import engine
from tests.conftest import ROOT

_SCRIPT = """
import importlib, json, pkgutil, sys
import engine
names = sorted(m.name for m in pkgutil.iter_modules(engine.__path__))
for name in names:
    importlib.import_module("engine." + name)
loaded = sorted(sys.modules)
print(json.dumps({"modules": names, "loaded": loaded}))
"""


@functools.lru_cache(maxsize=1)
def _import_every_engine_module() -> dict[str, list[str]]:
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _top_level(loaded: list[str]) -> set[str]:
    return {name.split(".", 1)[0] for name in loaded}


def test_every_engine_module_is_imported() -> None:
    expected = {m.name for m in pkgutil.iter_modules(engine.__path__)}
    result = _import_every_engine_module()
    assert set(result["modules"]) == expected
    assert {"cli", "training", "data", "models", "checkpoint"} <= expected


def test_engine_never_imports_qt_pyqtgraph_or_gui() -> None:
    top = _top_level(_import_every_engine_module()["loaded"])
    forbidden = {"PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "gui"}
    assert not (top & forbidden), f"engine modules imported {sorted(top & forbidden)}"


def test_engine_imports_heavy_libraries_lazily() -> None:
    top = _top_level(_import_every_engine_module()["loaded"])
    heavy = {"torch", "transformers", "datasets", "accelerate", "sklearn"}
    assert not (top & heavy), f"importing engine modules loaded {sorted(top & heavy)}"
