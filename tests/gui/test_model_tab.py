"""The Model tab's evidence: the data's language ranks the catalogue; Import adds a model."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.engine.test_compare import write_chinese_csv
from tests.gui.conftest import wait_loaded


def test_the_datas_language_ranks_the_catalogue(qtbot: Any, window: Any, tmp_path: Path) -> None:
    tab = window.model_tab
    with qtbot.waitSignal(tab.languageDetected, timeout=60_000) as detected:
        window.open_dataset(str(write_chinese_csv(tmp_path / "zh.csv", rows=40)))
        wait_loaded(qtbot, window)
    assert detected.args == ["zh"] and tab.language == "zh"
    catalogue = tab.catalogue_view
    qtbot.waitUntil(
        lambda: bool(catalogue.rows) and catalogue.rows[0]["id"] == "hfl/rbt3", timeout=20_000
    )


def test_import_a_folder_lists_and_selects_it(
    qtbot: Any, window: Any, fake_dialogs: Any, tiny_model: Path, tmp_path: Path
) -> None:
    tab = window.model_tab
    source = tmp_path / "my-bert"
    shutil.copytree(tiny_model, source)
    fake_dialogs.open_folder_result = str(source)
    file_menu = window.findChild(type(window.recent_menu), "fileMenu")
    assert tab.import_menu.menuAction() in file_menu.actions()
    with qtbot.waitSignal(tab.modelImported, timeout=60_000) as imported:
        tab.import_folder_action.trigger()
    dest = Path(imported.args[0])
    assert dest.name == "my-bert" and (dest / "config.json").is_file()
    assert tab.spec == str(dest)
    assert tab.catalogue_view.import_button.objectName() == "importModelButton"


def test_a_broken_zip_imports_nothing_and_says_why(
    qtbot: Any, window: Any, fake_dialogs: Any, tmp_path: Path
) -> None:
    tab = window.model_tab
    broken = tmp_path / "model.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    fake_dialogs.open_file_result = str(broken)
    spec = tab.spec
    with qtbot.waitSignal(tab.errorOccurred, timeout=30_000) as error:
        tab.import_zip_action.trigger()
    assert "zip" in str(error.args[0]).lower()
    assert tab.spec == spec


def test_no_language_check_for_data_that_is_not_a_table_of_texts(
    qtbot: Any, monkeypatch: Any
) -> None:
    # A CoNLL file or a folder of photos is not read as a text table: no background read
    # that can only fail, and Start asks no language question for it.
    import gui.model_tab as model_tab_module
    from gui.model_tab import ModelTab

    started: list[Any] = []
    monkeypatch.setattr(
        model_tab_module, "run_task", lambda fn, *a, **k: started.append(fn.__name__)
    )
    tab = ModelTab()
    qtbot.addWidget(tab)
    for task in ("token-classification", "image-classification"):
        tab.set_data_provider(lambda task=task: {"task": task, "data": "/data/x"})
        tab.data_changed()
        assert started == [] and tab.fit_label.text() == "–"
        assert tab.language_check_now() is None and tab.language is None
    tab.set_data_provider(lambda: {"task": "text-classification", "data": "/data/x.csv"})
    tab.data_changed()
    assert started == ["detect_data_language", "check_language"]


def test_photo_data_describes_the_image_starter_and_turns_compare_off(
    qtbot: Any, monkeypatch: Any
) -> None:
    """The facts under "The model" are the starter a run of the data's task uses; Compare,
    which tries text models, is off for other data and says where to compare instead."""
    import gui.model_tab as model_tab_module
    from gui.model_tab import ModelTab

    described: list[str] = []
    monkeypatch.setattr(
        model_tab_module,
        "run_task",
        lambda fn, *a, **k: described.append(a[0]) if fn is model_tab_module.describe else None,
    )
    tab = ModelTab()
    qtbot.addWidget(tab)
    compare = tab.compare_view
    assert compare.compare_button.isEnabled()
    tab.set_task("image-classification")
    assert described == ["starter-image"] and tab.spec == "starter"  # the run resolves it
    assert not compare.compare_button.isEnabled() and "Runs tab" in compare.status.text()
    tab.set_strategy("top-layers:2")
    assert "stage(s)" in tab.strategy_text.text() and tab.layers_spin.suffix() == " stage(s)"
    tab.set_task("token-classification")  # the text starter again; Compare stays off
    assert described == ["starter-image", "starter"] and not compare.compare_button.isEnabled()
    assert "encoder layer(s)" in tab.strategy_text.text()
    tab.set_task("text-classification")
    assert described == ["starter-image", "starter"]  # the same starter: not read again
    assert compare.compare_button.isEnabled() and compare.status.text() == ""
    tab.set_model("/elsewhere/my-model")
    tab.set_task("image-classification")  # a model of the person's own: theirs is kept
    assert described[-1] == "/elsewhere/my-model"
