"""The Training tab's settings column: the generated form (``gui/settings_form.py``) in its
"Settings" box, with what the window learns along the way: the devices this computer has
(listed off the GUI thread: it needs torch), the learning rate the chosen strategy starts
from, the max length the data suggests, and the chosen task's own defaults.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QWidget

from gui.layouts import vbox
from gui.settings_form import SettingsForm
from gui.worker import run_task


def task_defaults(task: str) -> dict[str, Any]:
    """``Task.defaults()`` of the task named ``task`` (none for a task this build lacks)."""
    from engine import tasks

    try:
        return dict(tasks.get(task).defaults())
    except Exception:  # noqa: BLE001 - an unknown task starts from the shared defaults
        return {}


def auto_learning_rate(task: str | None, strategy: str) -> float:
    """The learning rate "Auto" stands for: the task's own choice for the strategy
    (``Task.resolve_defaults``: token and image runs have theirs), else the shared one.
    Raises ``ConfigError`` for a strategy that does not parse."""
    from engine import tasks
    from engine.config import DEFAULT_LEARNING_RATES, Strategy, TrainConfig

    shared = DEFAULT_LEARNING_RATES[Strategy.parse(strategy).kind]
    try:
        # device "cpu": resolving "auto" would load torch, and it decides no learning rate
        config = TrainConfig(task=task, strategy=strategy, device="cpu")
        chosen = tasks.get(task or tasks.DEFAULT_TASK).resolve_defaults(config).learning_rate
    except Exception:  # noqa: BLE001 - a task this build lacks: the shared rule
        chosen = None
    return float(chosen or shared)


class TrainingSettings(QGroupBox):
    """Signals: ``changed()`` when any setting changes; ``devicesListed(list)``;
    ``deviceChanged(label)``; ``errorOccurred(exception)``."""

    changed = Signal()
    devicesListed = Signal(list)
    deviceChanged = Signal(str)
    errorOccurred = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Settings"), parent)
        self._wanted_device: str | None = None
        self._strategy = "full"
        self.task: str | None = None
        self.form = SettingsForm()
        self.form.changed.connect(self.changed.emit)
        self.device_combo = self.form.widget("device")
        self.precision_combo = self.form.widget("precision")
        self.device_combo.currentIndexChanged.connect(
            lambda _i: self.deviceChanged.emit(self.device_combo.currentText())
        )
        for combo in (self.device_combo, self.precision_combo):
            # as wide as the column, not as the longest choice (a device name, a precision's
            # explanation): the settings column must fit beside the plots from the window's
            # minimum size up
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
        vbox(self.form, parent=self, margins=None)

    def values(self) -> dict[str, Any]:
        """The ``TrainConfig`` fields these settings decide."""
        return self.form.values()

    def set_task(self, task: str) -> None:
        """The task changed (data opened, or ``taskCombo``): its own defaults, where the
        person has not set a value (``SettingsForm.apply_task_defaults``)."""
        if task != self.task:
            self.task = task
            self.form.apply_task_defaults(task_defaults(task))
            self.set_strategy(self._strategy)

    def set_strategy(self, strategy: str) -> None:
        """Name the learning rate "Auto" stands for with this strategy and task."""
        try:
            lr = auto_learning_rate(self.task, strategy)
        except Exception:  # noqa: BLE001 - a strategy being typed: keep the last text
            return
        self._strategy = strategy
        self.form.widget("learning_rate").setSpecialValueText(
            self.tr("Auto ({lr:g} for this strategy)").format(lr=lr)
        )

    def suggest_max_length(self, suggested: int) -> None:
        """Name the max length "Auto" stands for with this data."""
        self.form.widget("max_length").setSpecialValueText(
            self.tr("Auto ({n} from the data)").format(n=suggested)
        )

    # ----- devices ---------------------------------------------------------------------
    def list_devices(self) -> None:
        """Fill the device picker off the GUI thread (it needs torch)."""
        from engine.device import available_devices

        run_task(
            available_devices,
            on_result=self._devices_ready,
            on_error=self.errorOccurred.emit,
            owner=self,
        )

    def _devices_ready(self, devices: list[Any]) -> None:
        current = self._wanted_device or self.device_combo.currentData()
        self._wanted_device = None
        self.device_combo.blockSignals(True)
        while self.device_combo.count() > 1:
            self.device_combo.removeItem(1)
        from gui.i18n import device_text

        for device in devices:
            self.device_combo.addItem(device_text(device), device.key)
        index = self.device_combo.findData(current)
        self.device_combo.setCurrentIndex(max(0, index))
        self.device_combo.blockSignals(False)
        best = device_text(devices[0]) if devices else ""
        self.device_combo.setItemText(
            0, self.tr("Automatic ({best})").format(best=best) if best else self.tr("Automatic")
        )
        self.devicesListed.emit(devices)
        self.deviceChanged.emit(self.device_combo.currentText())

    def gpu_count(self) -> int:
        """How many GPUs the device picker lists."""
        combo = self.device_combo
        return sum(1 for i in range(combo.count()) if str(combo.itemData(i)).startswith("cuda"))

    # ----- saved settings ----------------------------------------------------------------
    def save(self, settings: QSettings) -> None:
        self.form.save(settings)

    def restore(self, settings: QSettings) -> None:
        pending = self.form.restore(settings)
        if "device" in pending:  # listed once the devices are known
            self._wanted_device = pending["device"]
