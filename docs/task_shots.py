"""Screenshots of the Dataset and Prediction tabs for each task, for the README.

    python docs/task_shots.py --text-model DIR [--token-model DIR] [--only NAME...]

Offscreen, in a temporary ``STROP_HOME``: the Dataset tab with named-entity data (wnut17)
and with images (flowers5), from ``../shared/datasets``; the Prediction tab's explanation
of a sentence (a text-classification model folder) and the entities of a sentence (a
token-classification model folder). Writes ``docs/screenshot-dataset-token.png``,
``-dataset-images.png``, ``-explanation.png``, ``-entities.png`` and (with an image model)
``-image.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from shots import DOCS, ROOT, SIZE, save, wait


def shared_datasets() -> Path:
    """``shared/datasets`` beside the checkout, or beside the folder holding it (a worktree)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        if (base / "shared" / "datasets").is_dir():
            return base / "shared" / "datasets"
    raise SystemExit("no shared/datasets folder next to the checkout")


SENTENCE = "The food was cold and the waiter never came back, but the dessert was lovely."
ENTITIES = "Anna flew from London to New York to meet the Google team on Monday."


def settle(app: object, seconds: float = 0.8) -> None:
    """Let the layouts catch up with the last texts before a grab."""
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text-model", help="a text-classification model or run folder")
    parser.add_argument("--token-model", help="a token-classification model or run folder")
    parser.add_argument("--image-model", help="an image-classification model or run folder")
    parser.add_argument(
        "--only", nargs="*", help="dataset-token dataset-images explanation entities"
    )
    args = parser.parse_args()
    wanted = set(
        args.only or ["dataset-token", "dataset-images", "explanation", "entities", "image"]
    )

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("STROP_HOME", tempfile.mkdtemp(prefix="strop-task-shots-"))
    from PySide6.QtWidgets import QApplication

    from gui import app as gui_app

    gui_app._setup_environment()
    app = QApplication([sys.argv[0]])
    app.setApplicationName("Strop")
    app.setOrganizationName("Strop")
    from gui import i18n, theme
    from gui.main_window import MainWindow
    from gui.settings import make_settings

    settings = make_settings()
    i18n.setup_language(app, settings)
    theme.setup_theme(app, settings)
    shared = shared_datasets()

    def window_with(dataset: str | None) -> MainWindow:
        window = MainWindow(settings)
        window.resize(*SIZE)
        window.show()
        window.start(dataset=dataset)
        return window

    if "dataset-token" in wanted:
        window = window_with(str(shared / "wnut17" / "train.conll"))
        tab = window.dataset_tab
        wait(app, lambda: bool(tab.entity_preview.spans), 60, "the entity preview")
        wait(
            app,
            lambda: (tab.report or {}).get("long_share") is not None or window.banner.isVisible(),
            180,
            "the report with the model's tokenizer",
        )
        settle(app)
        save(window, DOCS / "screenshot-dataset-token.png")
        window.close()

    if "dataset-images" in wanted:
        window = window_with(str(shared / "flowers5"))
        tab = window.dataset_tab
        wait(app, lambda: tab.image_grid.grid_model.cached >= 20, 60, "the thumbnails")
        wait(app, lambda: "sizes" in (tab.report or {}), 120, "the image report")
        settle(app)
        save(window, DOCS / "screenshot-dataset-images.png")
        window.close()

    def predict_shot(name: str, model: str, text: str) -> None:
        window = window_with(str(shared / "uci_sentiment_sentences" / "all.csv"))
        window.tabs.setCurrentWidget(window.prediction_tab)
        tab = window.prediction_tab
        tab.add_model(model)
        tab.live_check.setChecked(False)
        seen: list[object] = []
        (tab.explained if name == "explanation" else tab.predicted).connect(seen.append)
        if name == "image":
            tab.image_area.set_image(text)  # predicts at once
        else:
            tab.input.setPlainText(text)
            tab.predict_now()
        wait(app, lambda: bool(seen), 180, f"the {name}")
        wait(app, lambda: not tab.busy, 30, "the prediction to finish")
        settle(app)
        save(window, DOCS / f"screenshot-{name}.png")
        window.close()

    if "explanation" in wanted and args.text_model:
        predict_shot("explanation", args.text_model, SENTENCE)
    if "entities" in wanted and args.token_model:
        predict_shot("entities", args.token_model, ENTITIES)
    if "image" in wanted and args.image_model:
        daisy = sorted((shared / "flowers5" / "val" / "daisy").iterdir())[0]
        predict_shot("image", args.image_model, str(daisy))
    from gui.worker import wait_for_threads

    wait_for_threads(60_000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
