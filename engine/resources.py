"""Files Strop ships with (the sample dataset, icons, translations), found in ``resources/``.

From a source checkout ``resources/`` sits next to ``engine/``; in an app frozen by
PyInstaller it is unpacked under ``sys._MEIPASS`` (the spec bundles it as ``resources``).
"""

from __future__ import annotations

import sys
from pathlib import Path

SAMPLE_DATASET = ("sample", "sentiment_sentences.csv")
SAMPLE_ATTRIBUTION = ("sample", "ATTRIBUTION.md")


def is_frozen() -> bool:
    """True inside an app built by PyInstaller."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_dir() -> Path:
    """The ``resources/`` folder, frozen or not."""
    if is_frozen():
        return Path(sys._MEIPASS) / "resources"  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A path below ``resources/``, e.g. ``resource_path("icons", "strop.svg")``.

    The path is returned whether or not the file exists, so callers can say which one is missing.
    """
    return resources_dir().joinpath(*parts)


def sample_dataset_path() -> Path:
    """The bundled sample: 3,000 English review sentences labelled positive / negative
    (Kotzias et al., KDD 2015; CC BY 4.0; see ``resources/sample/ATTRIBUTION.md``)."""
    return resource_path(*SAMPLE_DATASET)


def sample_attribution_path() -> Path:
    """The sample dataset's attribution and licence, for Help > About."""
    return resource_path(*SAMPLE_ATTRIBUTION)
