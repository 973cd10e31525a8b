"""The settings dialog (File > Settings…): the interface language and the light or dark look.

The look changes at once. The language changes the next time Strop starts: every widget
sets its text once, when it is built, and rebuilding the window mid-session would lose what
the user was doing (a run, a half-typed sentence); the dialog says so.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from gui import i18n, theme


class SettingsDialog(QDialog):
    """``languageCombo`` (System / English / 简体中文) and ``themeCombo`` (System / Light /
    Dark). ``apply()`` saves both and applies the look; ``edit_settings`` runs it modally."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self._settings = settings

        system = i18n.NATIVE_NAMES[i18n.system_language()]
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem(
            self.tr("System ({language})").format(language=system), "system"
        )
        for code in i18n.LANGUAGES:
            self.language_combo.addItem(i18n.NATIVE_NAMES[code], code)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(i18n.read_language(settings)))
        )
        self.language_note = QLabel()
        self.language_note.setObjectName("languageNoteLabel")
        self.language_note.setWordWrap(True)
        self.language_combo.currentIndexChanged.connect(self._language_changed)

        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("themeCombo")
        for text, key in (
            (self.tr("System"), "system"),
            (self.tr("Light"), "light"),
            (self.tr("Dark"), "dark"),
        ):
            self.theme_combo.addItem(text, key)
        self.theme_combo.setCurrentIndex(
            max(0, self.theme_combo.findData(theme.read_theme(settings)))
        )
        self.theme_combo.setToolTip(self.tr("System follows your computer's light or dark mode."))

        form = QFormLayout()
        form.addRow(self.tr("Language:"), self.language_combo)
        form.addRow("", self.language_note)
        form.addRow(self.tr("Appearance:"), self.theme_combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setObjectName("settingsButtons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._language_changed()

    def language_choice(self) -> str:
        return str(self.language_combo.currentData())

    def theme_choice(self) -> str:
        return str(self.theme_combo.currentData())

    def needs_restart(self) -> bool:
        """True when the chosen language is not the one the window is showing."""
        return i18n.resolve_language(self.language_choice()) != i18n.current_language()

    def _language_changed(self) -> None:
        text = self.tr("A new language applies the next time Strop starts.")
        if self.needs_restart():
            text = f"<b>{text}</b>"
        self.language_note.setText(text)

    def apply(self) -> bool:
        """Save the choices and apply the look; True when the language waits for a restart."""
        i18n.write_language(self._settings, self.language_choice())
        self._settings.setValue(theme.THEME_KEY, self.theme_choice())
        self._settings.sync()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, self.theme_choice())
        return self.needs_restart()


def edit_settings(parent: QWidget | None, settings: QSettings) -> bool:
    """Show the dialog; on OK save and apply. True when a restart is needed for the language."""
    dialog = SettingsDialog(settings, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        return dialog.apply()
    finally:
        dialog.deleteLater()
