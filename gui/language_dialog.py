"""Asking before a run whose model cannot read the data's language.

Fine-tuning the English starter on Chinese reviews trains for minutes on text that is mostly
``[UNK]`` and ends worse than a two-second baseline, with no error. So Start asks first
(``check_language_before_start``): the dialog shows the unknown-token share, the
baseline's score on this data (computed in the background when the model or data changed;
it fills in when ready), and the catalogue's models for the language with their sizes, and
lets the person go on, switch model, or import one.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

GO_ON, SWITCH, IMPORT = "go_on", "switch", "import"


class LanguageMismatchDialog(QDialog):
    """``choice`` after it closes: ``go_on``, ``switch``, ``import`` or ``None`` (closed)."""

    def __init__(self, check: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("languageMismatchDialog")
        self.setWindowTitle(self.tr("This model may not read your data"))
        self.choice: str | None = None
        self.check = check

        fit = check.fit
        if fit.byte_level:
            unit = self.tr("character") if check.language in ("zh", "ja", "th") else self.tr("word")
            pieces = (
                fit.tokens_per_char if check.language in ("zh", "ja", "th") else fit.tokens_per_word
            )
            what = self.tr(
                "The model's byte-level vocabulary splits each {unit} of your data into "
                "{pieces:.1f} pieces: it has seen little '{language}' text."
            ).format(unit=unit, pieces=pieces, language=check.language)
        else:
            what = self.tr(
                "{share:.0%} of the tokens of your data are unknown to this model's vocabulary "
                "([UNK]): it would learn from too little of the text. Your data is in "
                "'{language}'."
            ).format(share=fit.unknown_share, language=check.language)
        self.fit_label = QLabel(what)
        self.fit_label.setObjectName("languageFitText")
        self.fit_label.setWordWrap(True)
        self.baseline_label = QLabel()
        self.baseline_label.setObjectName("languageBaselineText")
        self.baseline_label.setWordWrap(True)
        self.models_label = QLabel()
        self.models_label.setObjectName("languageModelsText")
        self.models_label.setWordWrap(True)
        self.models_label.setTextFormat(Qt.TextFormat.RichText)
        self.set_baseline(check.baseline)
        self._show_models(check.suggestions)

        self.go_on_button = QPushButton(self.tr("Train anyway"))
        self.go_on_button.setObjectName("languageGoOnButton")
        self.switch_button = QPushButton(self.tr("Choose another model"))
        self.switch_button.setObjectName("languageSwitchButton")
        self.import_button = QPushButton(self.tr("Import model…"))
        self.import_button.setObjectName("languageImportButton")
        self.go_on_button.clicked.connect(lambda: self._choose(GO_ON))
        self.switch_button.clicked.connect(lambda: self._choose(SWITCH))
        self.import_button.clicked.connect(lambda: self._choose(IMPORT))
        self.switch_button.setDefault(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        buttons.addWidget(self.go_on_button)
        buttons.addWidget(self.switch_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fit_label)
        layout.addWidget(self.baseline_label)
        layout.addWidget(self.models_label)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def set_baseline(self, baseline: Any) -> None:
        """The baseline's figures, or a note that they are still being computed."""
        if baseline is None or baseline.macro_f1 is None:
            self.baseline_label.setText(
                self.tr("The simple baseline's score on this data is still being computed…")
            )
            return
        self.baseline_label.setText(
            self.tr(
                "For comparison, a simple baseline (TF-IDF + logistic regression) reaches "
                "accuracy {acc:.1%} and macro F1 {f1:.3f} on this data in {s:.1f} s."
            ).format(acc=baseline.accuracy, f1=baseline.macro_f1, s=baseline.seconds)
        )

    def _show_models(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            self.models_label.setText(
                self.tr("The catalogue has no model for this language; import one you have.")
            )
            return
        items = []
        for row in rows[:5]:
            where = (
                self.tr("on this computer")
                if row["on_this_computer"]
                else self.tr("{mb:,} MB download").format(mb=row["download_mb"])
            )
            items.append(
                f"<li><b>{row['id']}</b> - "
                + self.tr("{m:.0f} M parameters").format(m=row["parameters"] / 1e6)
                + f", {where}</li>"
            )
        self.models_label.setText(
            self.tr("Models that read this language:") + "<ul>" + "".join(items) + "</ul>"
        )

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice == GO_ON:
            self.accept()
        else:
            self.reject()


def check_language_before_start(window: Any) -> bool:
    """Called by Start: ``True`` to go on with the run. When the chosen model's vocabulary
    does not fit the open data's language, asks first (``languageMismatchDialog``); Switch
    shows the catalogue (selecting a model for the language that is here), Import opens the
    import chooser; both return ``False``. Any problem reading data or model returns
    ``True``: the run itself reports it in its own words."""
    tab = getattr(window, "model_tab", None)
    if tab is None:  # a Training tab on its own (tests): nothing to check against
        return True
    check = tab.language_check_now()
    if check is None or not check.mismatch:
        return True
    dialog = LanguageMismatchDialog(check, window)
    update = _update_baseline(dialog, check)
    tab.languageChecked.connect(update)
    try:
        dialog.exec()
    finally:
        tab.languageChecked.disconnect(update)
    choice = dialog.choice
    dialog.deleteLater()
    if choice == GO_ON:
        return True
    if choice == SWITCH:
        here = [row for row in check.suggestions if row["on_this_computer"]]
        tab.show_catalogue(select=here[0]["id"] if here else None)
        window.tabs.setCurrentWidget(tab)
    elif choice == IMPORT:
        window.tabs.setCurrentWidget(tab)
        tab.choose_import()
    return False


def _update_baseline(dialog: LanguageMismatchDialog, check: Any) -> Any:
    def update(new: Any) -> None:
        try:
            same = new.language == check.language and new.fit == check.fit
            if same and new.baseline is not None:
                dialog.set_baseline(new.baseline)
        except RuntimeError:  # the dialog is gone
            pass

    return update
