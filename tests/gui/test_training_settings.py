"""The Training tab's settings column: a task's own defaults (``Task.defaults()``) apply
where the person has not set a value, as the CLI's ``config_from_args`` applies them, and
are never saved as if the person had chosen them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

TEXT, TOKEN = "text-classification", "token-classification"


def make_settings(qtbot: Any) -> Any:
    from gui.training_settings import TrainingSettings

    settings = TrainingSettings()
    qtbot.addWidget(settings)
    return settings


def test_a_token_task_starts_from_its_own_defaults_and_text_from_the_shared_ones(
    qtbot: Any,
) -> None:
    from engine.config import TrainConfig
    from engine.tasks import get

    settings = make_settings(qtbot)
    shared = TrainConfig()
    settings.set_task(TEXT)
    assert settings.values()["epochs"] == shared.epochs
    settings.set_task(TOKEN)
    own = get(TOKEN).defaults()
    assert own, "the token task declares its own defaults"
    values = settings.values()
    shown = {k: v for k, v in own.items() if k in values}  # the strategy: the Model tab's
    assert shown and {k: values[k] for k in shown} == shown  # e.g. batch 16, 2.5 epochs
    assert own["epochs"] != shared.epochs  # so the form's change below shows
    assert settings.form.widget("epochs").value() == own["epochs"]
    settings.set_task(TEXT)  # back: the shared defaults again
    values = settings.values()
    assert values["epochs"] == shared.epochs and values["batch_size"] == shared.batch_size


def test_a_value_the_person_set_stays_when_the_task_changes(qtbot: Any) -> None:
    from engine.tasks import get

    settings = make_settings(qtbot)
    settings.set_task(TEXT)
    settings.form.widget("epochs").setValue(7)  # typed by the person
    settings.set_task(TOKEN)
    values = settings.values()
    assert values["epochs"] == 7  # the person's
    assert values["batch_size"] == get(TOKEN).defaults()["batch_size"]  # the task's
    settings.set_task(TEXT)
    assert settings.values()["epochs"] == 7


def test_a_tasks_defaults_are_saved_as_the_shared_ones_and_saved_choices_stay_the_persons(
    qtbot: Any, tmp_path: Path
) -> None:
    from engine.config import TrainConfig
    from engine.tasks import get

    token_epochs = get(TOKEN).defaults()["epochs"]
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    first = make_settings(qtbot)
    first.form.widget("seed").setValue(7)
    first.set_task(TOKEN)
    first.save(store)
    store.sync()
    store.beginGroup("training")
    assert float(store.value("epochs")) == TrainConfig().epochs  # not the token task's
    store.endGroup()

    second = make_settings(qtbot)
    second.restore(store)
    assert second.values()["seed"] == 7
    second.set_task(TOKEN)
    assert second.values()["epochs"] == token_epochs  # the saved shared default: not a choice
    third = make_settings(qtbot)
    store.setValue("training/batch_size", 8)  # saved by a person who chose 8
    third.restore(store)
    third.set_task(TOKEN)
    assert third.values()["batch_size"] == 8


def test_auto_names_the_learning_rate_the_tasks_run_uses(qtbot: Any) -> None:
    from engine.config import DEFAULT_LEARNING_RATES, TrainConfig
    from engine.tasks import get

    settings = make_settings(qtbot)
    spin = settings.form.widget("learning_rate")
    settings.set_strategy("full")
    settings.set_task(TEXT)
    text_lr = DEFAULT_LEARNING_RATES["full"]
    assert spin.specialValueText() == f"Auto ({text_lr:g} for this strategy)"
    settings.set_task(TOKEN)
    config = TrainConfig(task=TOKEN, strategy="full", device="cpu")
    token_lr = get(TOKEN).resolve_defaults(config).learning_rate
    assert spin.specialValueText() == f"Auto ({token_lr:g} for this strategy)"
    assert token_lr != text_lr
    settings.set_strategy("head")
    assert spin.specialValueText() == "Auto (0.001 for this strategy)"
    settings.set_strategy("top-layers:x")  # being typed: the last text stays
    assert spin.specialValueText() == "Auto (0.001 for this strategy)"
