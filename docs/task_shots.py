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

from shots import DOCS, open_window, save, settle, shared_datasets, start_app, wait

SENTENCE = "The food was cold and the waiter never came back, but the dessert was lovely."
ENTITIES = "Anna flew from London to New York to meet the Google team on Monday."


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

    app, settings = start_app("strop-task-shots-")
    shared = shared_datasets()

    if "dataset-token" in wanted:
        window = open_window(settings, dataset=str(shared / "wnut17" / "train.conll"))
        tab = window.dataset_tab
        wait(app, lambda: bool(tab.entity_preview.spans), 60, "the entity preview")
        wait(
            app,
            lambda: (tab.report or {}).get("long_share") is not None or window.banner.isVisible(),
            180,
            "the report with the model's tokenizer",
        )
        settle(app, 0.8)
        save(window, DOCS / "screenshot-dataset-token.png")
        window.close()

    if "dataset-images" in wanted:
        window = open_window(settings, dataset=str(shared / "flowers5"))
        tab = window.dataset_tab
        wait(app, lambda: tab.image_grid.grid_model.cached >= 20, 60, "the thumbnails")
        wait(app, lambda: "sizes" in (tab.report or {}), 120, "the image report")
        settle(app, 0.8)
        save(window, DOCS / "screenshot-dataset-images.png")
        window.close()

    def predict_shot(name: str, model: str, text: str) -> None:
        window = open_window(settings, dataset=str(shared / "uci_sentiment_sentences" / "all.csv"))
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
        settle(app, 0.8)
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
