"""Screenshots of the Model tab's Compare panel and catalogue, for the README.

    python docs/screenshot_compare.py [--data FILE] [--budget 120] [--home /tmp/compareview]

Opens the window offscreen with the starter model and ``--data`` (default: the Chinese
waimai reviews, where no model on this computer reads the language and the baseline should
win), presses Compare with ``--budget`` seconds and waits for it (a real comparison: the
starter is trained briefly with each strategy), then saves ``docs/screenshot-compare.png``
and ``docs/screenshot-catalogue.png`` (the catalogue ranked for the data's language).
"""

from __future__ import annotations

import argparse
import os
import sys

from shots import DOCS, SHARED, close, open_window, save, settle, start_app, wait

DATA = SHARED / "waimai_10k" / "all.csv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA))
    parser.add_argument("--budget", type=int, default=120)
    parser.add_argument("--home", default="/tmp/compareview")
    args = parser.parse_args()
    os.environ["STROP_HOME"] = args.home
    app, settings = start_app(prepare=lambda s: s.setValue("firstRun/hintDismissed", True))
    window = open_window(settings, model="starter")
    tab = window.model_tab
    wait(app, lambda: tab.info is not None, 120, "the model description")
    window.open_dataset(args.data)
    wait(app, lambda: window.dataset_tab.report is not None, 300, "the dataset report")
    wait(app, lambda: tab.language is not None, 60, "the data's language")
    window.tabs.setCurrentWidget(tab)

    def shot(name: str) -> None:
        settle(app)
        save(window, DOCS / f"screenshot-{name}.png")

    view = tab.compare_view
    view.budget_spin.setValue(args.budget)
    done: list[object] = []
    view.finished.connect(done.append)
    view.compare_button.click()
    wait(app, lambda: bool(done), args.budget + 240, "the comparison")
    shot("compare")
    catalogue = tab.catalogue_view
    tab.show_catalogue()
    wait(app, lambda: bool(catalogue.rows), 60, "the catalogue")
    catalogue.table.selectRow(0)
    shot("catalogue")
    close(app, window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
