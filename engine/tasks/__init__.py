"""The registry of tasks: which tasks exist, which one a data file or a model folder is for.

``get(name)`` returns a task by its Hugging Face pipeline name; ``detect(path)`` asks every
task how sure it is that the data is its own and picks the surest (a tie or no match is a
clear error that names ``--task``); ``for_model(folder)`` reads the task a saved model was
trained for (Strop's ``strop.json``, else ``config.json``'s ``architectures``).

The built-in tasks are imported the first time the registry is used, so importing this
package stays cheap (no torch).
"""

from __future__ import annotations

import importlib
import json
import os
from pathlib import Path

from engine.errors import ConfigError, DatasetError, ModelLoadError
from engine.tasks.base import Prepared, Task, TaskData

__all__ = [
    "DEFAULT_TASK",
    "Prepared",
    "Task",
    "TaskData",
    "all_tasks",
    "detect",
    "for_model",
    "get",
    "names",
    "register",
    "unregister",
]

DEFAULT_TASK = "text-classification"
_BUILTIN = (
    "engine.tasks.text_classification",
    "engine.tasks.token_classification",
    "engine.tasks.image_classification",
)
_REGISTRY: dict[str, Task] = {}
_loaded = False


def register(task: Task) -> Task:
    """Add a task (a later one with the same name replaces the earlier)."""
    _REGISTRY[task.name] = task
    return task


def unregister(name: str) -> None:
    _REGISTRY.pop(name, None)


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _BUILTIN:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # the module exists but something it needs does not
                raise


def all_tasks() -> list[Task]:
    _load_builtin()
    return list(_REGISTRY.values())


def names() -> list[str]:
    return [t.name for t in all_tasks()]


def get(name: str | None) -> Task:
    """The task called ``name`` (``None``: text classification)."""
    _load_builtin()
    key = (name or DEFAULT_TASK).strip().lower()
    if key not in _REGISTRY:
        raise ConfigError(
            f"Unknown task {name!r}.", hint=f"Use one of: {', '.join(sorted(_REGISTRY))}."
        )
    return _REGISTRY[key]


#: Below this, a task does not claim the data.
_CLAIM = 0.2


def scores(path: str | os.PathLike[str]) -> dict[str, float]:
    """Every task's confidence that ``path`` holds its data, surest first."""
    p = Path(path).expanduser()
    found = {t.name: _confidence(t, p) for t in all_tasks()}
    return dict(sorted(found.items(), key=lambda kv: -kv[1]))


def _confidence(task: Task, path: Path) -> float:
    """A task's claim on ``path``; a detector that trips on odd content (an unclosed quote, a
    binary file) claims nothing: the task that reads the file says what is wrong with it."""
    try:
        return float(task.detect(path))
    except Exception:  # noqa: BLE001
        return 0.0


def detect(path: str | os.PathLike[str]) -> Task:
    """The task whose data ``path`` holds. Raises ``DatasetError`` when no task or two
    tasks claim it equally (``--task`` then decides)."""
    p = Path(path).expanduser()
    if not p.exists():
        raise DatasetError(f"{p}: file not found.", hint="Check the path and try again.")
    ranked = list(scores(p).items())
    choices = ", ".join(names())
    if not ranked or ranked[0][1] < _CLAIM:
        raise DatasetError(
            f"{p}: cannot tell what kind of data this is.",
            hint=f"Name the task with --task ({choices}), or check the file's format.",
        )
    if len(ranked) > 1 and abs(ranked[0][1] - ranked[1][1]) < 1e-9:
        raise DatasetError(
            f"{p}: this could be data for {ranked[0][0]} or {ranked[1][0]}.",
            hint=f"Name the task with --task ({choices}).",
        )
    return get(ranked[0][0])


def for_model(model_dir: str | os.PathLike[str]) -> Task:
    """The task a saved model folder was trained for."""
    folder = Path(model_dir).expanduser()
    meta = folder / "strop.json"
    if meta.is_file():
        try:
            name = json.loads(meta.read_text(encoding="utf-8")).get("task")
        except (OSError, ValueError, AttributeError):
            name = None
        if name:
            return get(name)
    config = folder / "config.json"
    if config.is_file():
        try:
            data = json.loads(config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ModelLoadError(f"{config}: not valid JSON.") from None
        archs = [str(a) for a in data.get("architectures") or []]
        if data.get("model_type") == "timm_wrapper":
            archs.append("TimmWrapperForImageClassification")
        for task in all_tasks():
            if any(a.endswith(s) for a in archs for s in task.architecture_suffixes):
                return task
    return get(DEFAULT_TASK)
