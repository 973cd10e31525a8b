"""Every error Strop raises on purpose, in one tree.

    StropError                  base: a problem the user can act on
    ├── DatasetError            a data file is missing, unreadable or unusable
    ├── ModelLoadError          a model cannot be found, trusted or loaded
    ├── ConfigError             a setting is invalid (bad value, conflicting options)
    ├── CheckpointError         a checkpoint cannot be written or read
    ├── RunFolderError          a run folder is missing, or would be overwritten
    └── TrainingError           the run itself failed (out of memory, non-finite loss)

Each message says what was wrong, where (file, row, column) and what to do. The CLI
prints ``str(error)`` on one line and exits with status 2; the window shows it in words.
"""

from __future__ import annotations


class StropError(Exception):
    """A problem the user can act on. ``hint`` says what to do, when there is a clear step."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} {self.hint}"
        return self.message


class DatasetError(StropError):
    """A data file is missing, unreadable, or cannot be used for classification."""


class ModelLoadError(StropError):
    """A model cannot be found, is not trusted by default, or cannot be loaded."""


class ConfigError(StropError):
    """A setting has an invalid value, or settings conflict."""


class CheckpointError(StropError):
    """A checkpoint could not be written or read."""


class RunFolderError(StropError):
    """A run folder is missing, is not a Strop run, or would be overwritten."""


class TrainingError(StropError):
    """The run failed while training (out of memory, non-finite loss, ...)."""


class OutOfMemoryError(TrainingError):
    """The device ran out of memory. The hint suggests what to change."""
