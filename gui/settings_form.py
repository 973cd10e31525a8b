"""The Training tab's settings form, generated from the settings' one declaration
(``engine.config.TrainConfig.settings()``): each setting that names a ``widget`` becomes a
labelled control with that ``objectName``, its range, step, unit and tooltip, and the form
reads and writes ``TrainConfig`` values and the saved ``QSettings`` the same way for all.

Labels and help are the engine's English, translated here in the ``Setting`` context
(``resources/translations/update.py`` extracts them from the declarations).

A task may start from its own defaults (``Task.defaults()``: token classification trains 5
epochs of 32 sentences). As ``engine/cli.py``'s ``config_from_args`` does, they come before
the person's own values: ``apply_task_defaults`` changes only the settings the person has
not set (``own``: edited in the form, or saved with a value other than the shared default),
and a task's defaults are never saved as if the person had chosen them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from gui.settings import read_number


def translate(text: str) -> str:
    return QCoreApplication.translate("Setting", text)


class SciSpinBox(QDoubleSpinBox):
    """A spin box for small positive numbers (learning rates), shown as ``5e-05``.

    Arrows multiply or divide by 2; the minimum (0) shows the special "Auto" text.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)
        self.setRange(0.0, 1.0)

    def textFromValue(self, value: float) -> str:  # noqa: N802
        return f"{value:.3g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> Any:
        stripped = text.strip()
        if stripped == self.specialValueText():
            return QValidator.State.Acceptable, text, pos
        try:
            value = float(stripped)
        except ValueError:
            ok = all(c in "0123456789.eE-+" for c in stripped)
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid), text, pos
        state = (
            QValidator.State.Acceptable
            if self.minimum() <= value <= self.maximum()
            else QValidator.State.Intermediate
        )
        return state, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802
        value = self.value() or 1e-5 / 2
        self.setValue(max(0.0, min(1.0, value * (2.0**steps))))


class SettingsForm(QWidget):
    """One row per declared setting with a widget, in declaration order. Signal:
    ``changed()`` when any value changes (the person's edit or a default applied)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        from engine.config import TrainConfig

        super().__init__(parent)
        self.setObjectName("settingsForm")
        self.declared = [s for s in TrainConfig.settings() if s.widget]
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        #: the settings the person set: a task's defaults never replace them
        self.own: set[str] = set()
        self._task_defaults: dict[str, Any] = {}
        self._applying = False  # values set by the form itself are not the person's
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for s in self.declared:
            widget = self._make(s)
            widget.setObjectName(s.widget)
            widget.setToolTip(translate(s.help))
            label = QLabel(translate(f"{s.label}:"))
            label.setToolTip(widget.toolTip())
            label.setBuddy(widget)
            layout.addRow(label, widget)
            self.widgets[s.name] = widget
            self.labels[s.name] = label
            edited: Any = widget  # a spin box (valueChanged) or a list (currentIndexChanged)
            signal = getattr(edited, "valueChanged", None) or edited.currentIndexChanged
            signal.connect(lambda *_a, name=s.name: self._edited(name))
        self.set_values({s.name: s.default for s in self.declared})

    def _edited(self, name: str) -> None:
        if not self._applying:
            self.own.add(name)
        self.changed.emit()

    def _special_texts(self) -> dict[str, str]:
        """What a spin box shows at its minimum, where that value means something."""
        return {
            "learning_rate": self.tr("Auto"),
            "max_length": self.tr("Auto (from the data)"),
            "max_steps": self.tr("No limit"),
            "early_stopping_patience": self.tr("Off"),
        }

    def _choice_texts(self) -> dict[str, str]:
        return {
            "auto": self.tr("Automatic"),
            "fp32": self.tr("fp32 (full precision)"),
            "bf16": self.tr("bf16 (half memory; recent GPUs and CPUs)"),
            "fp16": self.tr("fp16 (half memory; NVIDIA GPUs)"),
        }

    def _make(self, s: Any) -> QWidget:
        if s.name == "device":  # the Training tab lists the devices it finds
            combo = QComboBox()
            combo.addItem(self.tr("Automatic (the best one here)"), "auto")
            return combo
        if s.choices:
            combo = QComboBox()
            texts = self._choice_texts()
            for choice in s.choices:
                combo.addItem(texts.get(choice, choice), choice)
            return combo
        special = self._special_texts().get(s.name)
        maximum = (s.maximum if s.maximum is not None else 1e9) * s.scale
        if s.name == "learning_rate":
            spin: Any = SciSpinBox()
        elif s.type.startswith("int"):
            spin = QSpinBox()
            spin.setRange(0 if s.auto else int(s.minimum or 0), int(min(maximum, 2**31 - 1)))
            spin.setSingleStep(int(s.step))
        else:
            spin = QDoubleSpinBox()
            spin.setDecimals(s.decimals)
            low = (s.minimum or 0.0) * s.scale
            if s.minimum_exclusive:
                low += 10.0**-s.decimals
            high = maximum - (1 if s.maximum_exclusive else 0)
            spin.setRange(low, high)
            spin.setSingleStep(s.step * s.scale if s.scale != 1 else s.step)
        if s.unit == "%":
            spin.setSuffix(" %")
        if special:
            spin.setSpecialValueText(special)
        return spin

    # ----- values --------------------------------------------------------------------------
    def widget(self, name: str) -> Any:
        return self.widgets[name]

    def values(self) -> dict[str, Any]:
        """The ``TrainConfig`` values the form holds (``None`` where it says Auto)."""
        out: dict[str, Any] = {}
        for s in self.declared:
            w: Any = self.widgets[s.name]
            if isinstance(w, QComboBox):
                out[s.name] = str(w.currentData() or s.default)
                continue
            value = w.value() / s.scale
            if s.auto and w.value() == w.minimum():
                out[s.name] = None
            elif s.type.startswith("int"):
                out[s.name] = int(round(value))
            else:
                out[s.name] = float(value)
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        """Show ``values`` (by ``TrainConfig`` field name) without making them the person's."""
        self._applying = True
        try:
            self._put(values)
        finally:
            self._applying = False

    def _put(self, values: dict[str, Any]) -> None:
        for s in self.declared:
            if s.name not in values:
                continue
            w: Any = self.widgets[s.name]
            value = values[s.name]
            if isinstance(w, QComboBox):
                index = w.findData(str(value))
                if index >= 0:
                    w.setCurrentIndex(index)
                continue
            if value is None:
                w.setValue(w.minimum())
            else:
                shown = float(value) * s.scale
                w.setValue(int(round(shown)) if isinstance(w, QSpinBox) else shown)

    # ----- a task's own defaults --------------------------------------------------------------
    def shared_default(self, name: str) -> Any:
        """The declared default of ``name``, the same for every task."""
        return next(s.default for s in self.declared if s.name == name)

    def apply_task_defaults(self, defaults: dict[str, Any]) -> None:
        """The selected task's ``defaults()`` replace the previous task's (or the shared
        ones) in every setting the person has not set; a setting the previous task chose and
        this one does not goes back to the shared default."""
        previous = self._task_defaults
        self._task_defaults = {k: v for k, v in defaults.items() if k in self.widgets}
        names = (set(previous) | set(self._task_defaults)) - self.own
        self.set_values(
            {n: self._task_defaults.get(n, self.shared_default(n)) for n in sorted(names)}
        )

    # ----- persistence ---------------------------------------------------------------------
    def save(self, settings: QSettings, group: str = "training") -> None:
        """Save the values shown; where a task's default shows, the shared default is saved
        (the task applies its own again when it is chosen)."""
        values = self.values()
        for name in set(self._task_defaults) - self.own:
            values[name] = self.shared_default(name)
        settings.beginGroup(group)
        for key, value in values.items():
            settings.setValue(key, "" if value is None else value)
        settings.endGroup()

    def restore(self, settings: QSettings, group: str = "training") -> dict[str, str]:
        """Apply saved values; returns the saved choices no combo offers yet (a device that
        is listed later)."""
        pending: dict[str, str] = {}
        settings.beginGroup(group)
        try:
            values: dict[str, Any] = {}
            for s in self.declared:
                if not settings.contains(s.name):
                    continue
                raw = settings.value(s.name)
                w = self.widgets[s.name]
                if isinstance(w, QComboBox):
                    if raw and w.findData(str(raw)) < 0:
                        pending[s.name] = str(raw)
                    elif raw:
                        values[s.name] = str(raw)
                elif raw == "":
                    values[s.name] = None
                else:
                    values[s.name] = read_number(settings, s.name, 0.0)
            self.set_values(values)
            # a saved value other than the shared default was the person's choice
            self.own |= {n for n, v in values.items() if v != self.shared_default(n)}
        finally:
            settings.endGroup()
        return pending
