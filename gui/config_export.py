"""Export run config: the Training tab's choices as a JSON file that runs unchanged from the
command line, and the commands that run it (one process, torchrun, accelerate)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from gui import dialogs


def export_commands(config_path: str, nproc: int = 2) -> dict[str, str]:
    """The commands that run an exported config headless (``engine.launch`` when present)."""
    try:
        from engine.launch import launch_commands
    except ImportError:
        return {"single": f"python main.py train --config {config_path}"}
    return dict(launch_commands(config_path, nproc))


def write_config(config: Any, path: str) -> Any:
    """Write the run config for a headless run; returns what was written."""
    try:
        from engine.launch import export_config
    except ImportError:
        exported = config.validate().with_absolute_paths()
        exported.save(path)
        return exported
    return export_config(config, path)


def export_run_config(parent: QWidget, config: Any, gpus: int) -> str | None:
    """Ask where, write ``config`` (validated) there and show the commands that run it on
    ``max(2, gpus)`` processes; returns the path, or None when the person cancelled.
    Raises the ``ConfigError`` that names the file when it cannot be written."""
    path = dialogs.save_file(
        parent,
        QCoreApplication.translate("ConfigExport", "Export run config"),
        QCoreApplication.translate("ConfigExport", "Run config (*.json)"),
        "run.json",
    )
    if not path:
        return None
    write_config(config, path)
    commands = export_commands(path, max(2, gpus))
    names = {
        "single": QCoreApplication.translate("ConfigExport", "One process:"),
        "torchrun": QCoreApplication.translate(
            "ConfigExport", "Several processes or GPUs with torchrun:"
        ),
        "accelerate": QCoreApplication.translate("ConfigExport", "With accelerate:"),
    }
    text = "\n\n".join(f"# {names.get(k, k)}\n{v}" for k, v in commands.items())
    dialogs.show_text(
        parent,
        QCoreApplication.translate("ConfigExport", "Run config exported"),
        QCoreApplication.translate(
            "ConfigExport", "Saved {path}. Run it without the window, from the project folder:"
        ).format(path=path),
        text,
    )
    return path
