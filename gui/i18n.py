"""The interface's language: English or Simplified Chinese, through Qt's translation system.

Every user-visible string in ``gui/`` goes through ``tr()`` (or ``QCoreApplication.translate``);
``resources/translations/strop_<lang>.ts`` holds the translations (edit with Qt Linguist or
by hand) and ``strop_<lang>.qm`` is what the app loads. ``resources/translations/update.py``
re-extracts the strings and recompiles. The language follows the system locale unless the
settings dialog chose one; it is installed before the window is built and changes on the
next start (every widget sets its text once, when it is built).

Chinese text needs a font with Han glyphs: ``apply_fonts`` adds the best Simplified Chinese
family installed to the application font (first in a Chinese interface, as a fallback
otherwise, so Chinese data and class names render in tables and plots in any language).

Some texts come from the engine, which never imports Qt: phase messages, strategy
descriptions, run states. They are translated here by their key.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QSettings,
    QTranslator,
)
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from engine.resources import resource_path

log = logging.getLogger(__name__)

LANGUAGE_KEY = "ui/language"
#: The choices in the settings dialog: follow the system, or one of the languages.
CHOICES = ("system", "en", "zh_CN")
#: The languages the interface is written or translated in (``en`` is the source).
LANGUAGES = ("en", "zh_CN")
#: Each language's name in itself (never translated: a reader looks for their own language).
NATIVE_NAMES = {"en": "English", "zh_CN": "简体中文"}
CATALOG = "strop"

#: Families known to draw Simplified Chinese well, best first (Windows, macOS, Linux).
CJK_FAMILIES = (
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "SimHei",
    "SimSun",
)

_installed: list[QTranslator] = []
_qm_data: dict[int, bytes] = {}
_language = "en"
_base_font: QFont | None = None


# ----- which language ----------------------------------------------------------------------
def translations_dir() -> Path:
    """Where the ``.ts`` sources and compiled ``.qm`` files live (bundled with the app)."""
    return resource_path("translations")


def qm_path(language: str) -> Path:
    return translations_dir() / f"{CATALOG}_{language}.qm"


def read_language(settings: QSettings) -> str:
    """The saved choice: ``system``, ``en`` or ``zh_CN``."""
    value = str(settings.value(LANGUAGE_KEY, "system") or "system")
    return value if value in CHOICES else "system"


def write_language(settings: QSettings, choice: str) -> None:
    if choice not in CHOICES:
        raise ValueError(f"unknown language choice {choice!r}; expected one of {CHOICES}")
    settings.setValue(LANGUAGE_KEY, choice)


def system_language(locale: QLocale | None = None) -> str:
    """The first of the system's preferred UI languages that Strop speaks (else English).

    Qt lists a locale's languages from the most to the least specific (``zh-Hant-TW``,
    ``zh-TW``, ``zh-Hant``, ``zh``): a Traditional Chinese system reaches the plain ``zh``
    and gets Simplified Chinese, closer to its reader than English (the settings dialog
    offers English).
    """
    locale = locale if locale is not None else QLocale.system()
    for name in locale.uiLanguages():
        lang = name.replace("_", "-").split("-")[0].lower()
        if lang == "en":
            return "en"
        if lang == "zh":
            return "zh_CN"
    return "en"


def resolve_language(choice: str, locale: QLocale | None = None) -> str:
    """``en`` or ``zh_CN`` for a settings choice (``system`` follows the locale)."""
    return (
        system_language(locale) if choice == "system" else (choice if choice in LANGUAGES else "en")
    )


def current_language() -> str:
    """The language installed by ``install_translators`` (``en`` before)."""
    return _language


# ----- translators --------------------------------------------------------------------------
def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install Strop's translation and Qt's own (standard buttons, dialogs) for ``language``.

    Replaces any installed before. English needs none. A missing ``.qm`` is logged and the
    interface stays English: a translation must never stop the app.
    """
    global _language
    remove_translators(app)
    _language = "en"
    if language == "en":
        return []
    ours = QTranslator(app)
    # Read into memory: QTranslator.load(path) maps the file, and a .qm rewritten while the
    # app runs (an update, update.py) would turn later lookups into garbage or English.
    try:
        data = qm_path(language).read_bytes()
    except OSError:
        data = b""
    if not data or not ours.load(data):
        log.warning(
            "no translation for %s at %s; the interface stays English", language, qm_path(language)
        )
        return []
    _qm_data[id(ours)] = data  # Qt reads the bytes in place: keep them alive with it
    app.installTranslator(ours)
    _installed.append(ours)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", qt_dir):
        app.installTranslator(qt)
        _installed.append(qt)
    _language = language
    return list(_installed)


def remove_translators(app: QCoreApplication) -> None:
    global _language
    while _installed:
        translator = _installed.pop()
        app.removeTranslator(translator)
        translator.deleteLater()
        _qm_data.pop(id(translator), None)
    _language = "en"


# ----- fonts ----------------------------------------------------------------------------------
def cjk_font_family() -> str | None:
    """The best installed family for Simplified Chinese, or None when there is none."""
    installed = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if not installed:
        return None
    by_name = {name.lower(): name for name in installed}
    for family in CJK_FAMILIES:
        if family.lower() in by_name:
            return by_name[family.lower()]

    def rank(name: str) -> tuple[int, str]:
        lower = name.lower()
        other_script = any(tag in lower for tag in (" jp", " kr", " tc", " hk", "japan", "korea"))
        return (2 * other_script + ("mono" in lower or "serif" in lower), name)

    return min(installed, key=rank)


def apply_fonts(app: QGuiApplication, language: str) -> str | None:
    """Make the application font draw Chinese: the CJK family first in a Chinese interface,
    a fallback after the usual family otherwise. Returns the CJK family used, if any."""
    global _base_font
    if _base_font is None:
        _base_font = QFont(app.font())
    family = cjk_font_family()
    font = QFont(_base_font)
    if family is not None:
        base = list(_base_font.families()) or [_base_font.family()]
        base = [f for f in base if f != family]
        families = [family, *base] if language == "zh_CN" else [*base, family]
        font.setFamilies(families)
    elif language == "zh_CN":
        log.warning("no font with Simplified Chinese glyphs is installed; Chinese may not render")
    app.setFont(font)
    return family


def setup_language(app: QGuiApplication, settings: QSettings) -> str:
    """At start-up, before any window: the saved or system language, its translators and
    fonts. Returns the language installed (``en`` or ``zh_CN``)."""
    language = resolve_language(read_language(settings))
    install_translators(app, language)
    language = current_language()
    apply_fonts(app, language)
    return language


# ----- texts that come from the engine -------------------------------------------------------
def phase_text(phase: str, message: str) -> str:
    """A ``PhaseChanged`` event in the interface's language (by its key; else its message)."""
    texts = {
        "data": QCoreApplication.translate("Engine", "Loading the data"),
        "model": QCoreApplication.translate("Engine", "Loading the model"),
        "report": QCoreApplication.translate("Engine", "Measuring the data"),
        "tokenize": QCoreApplication.translate("Engine", "Preparing the examples"),
        "baseline": QCoreApplication.translate("Engine", "Fitting the baseline"),
        "build": QCoreApplication.translate("Engine", "Building the model"),
        "evaluate": QCoreApplication.translate("Engine", "Evaluating the best model"),
    }
    return texts.get(phase, message)


def strategy_description(
    kind: str, layers: int = 0, default: str = "", images: bool = False
) -> str:
    """One sentence on a fine-tuning strategy (``full``, ``top-layers``, ``head``); with
    ``images``, as it applies to an image model (stages, no word embeddings)."""
    if images and kind == "full":
        return QCoreApplication.translate(
            "Engine",
            "Train every weight of the network: the most to gain on photos unlike ImageNet's, "
            "and the slowest.",
        )
    if images and kind == "top-layers":
        return QCoreApplication.translate(
            "Engine",
            "Train only the top {n} stage(s) of the network and the classifier: faster and "
            "lighter, and the most accurate on a few hundred photos.",
        ).format(n=layers)
    if kind == "full":
        return QCoreApplication.translate(
            "Engine",
            "Train the whole model (with the automatic learning rate, all but the "
            "word-embedding table of a text model): the most accurate, and the slowest.",
        )
    if kind == "top-layers":
        return QCoreApplication.translate(
            "Engine",
            "Train only the top {n} encoder layer(s) and the classifier: faster and lighter, "
            "close to full accuracy on small datasets.",
        ).format(n=layers)
    if kind == "head":
        return QCoreApplication.translate(
            "Engine",
            "Train only the classifier on top of frozen features: fastest, least memory, "
            "usually the least accurate.",
        )
    return default


def run_state_text(state: str) -> str:
    """A ``RunState`` value (``finished``, ``stopped``...) in the interface's language."""
    texts = {
        "idle": QCoreApplication.translate("Engine", "idle"),
        "preparing": QCoreApplication.translate("Engine", "preparing"),
        "running": QCoreApplication.translate("Engine", "running"),
        "stopping": QCoreApplication.translate("Engine", "stopping"),
        "finished": QCoreApplication.translate("Engine", "finished"),
        "stopped": QCoreApplication.translate("Engine", "stopped"),
        "failed": QCoreApplication.translate("Engine", "failed"),
        "interrupted": QCoreApplication.translate("Engine", "interrupted"),
    }
    return texts.get(state, state)


def file_filter() -> str:
    """The open-file filter for data files, its name translated, its patterns the engine's."""
    from engine.data import FILE_FILTER

    patterns = FILE_FILTER[FILE_FILTER.index("(") :] if "(" in FILE_FILTER else ""
    name = QCoreApplication.translate("Engine", "Data files")
    return f"{name} {patterns}".strip()


# ----- the dataset report's warnings ----------------------------------------------------------
#: English templates of the engine's findings by code: the report's warnings
#: (``engine.report.MESSAGES``) and the data issues it passes on
#: (``engine.data.ISSUE_MESSAGES``). They are the translation sources; a test checks that
#: each equals the engine's, so a changed engine sentence cannot keep a stale translation.
_WARNINGS = {
    "vocabulary_cjk": QT_TRANSLATE_NOOP(
        "Engine",
        "{model} does not know {share:.0%} of this data's tokens (they become [UNK]): the text "
        "looks Chinese, Japanese or Korean, and the model's vocabulary is English. Choose a "
        "model that covers the language, such as {models}.",
    ),
    "vocabulary": QT_TRANSLATE_NOOP(
        "Engine",
        "{model} does not know {share:.0%} of this data's tokens (they become [UNK]): Choose a "
        "model that covers the language, such as {models}.",
    ),
    "imbalanced": QT_TRANSLATE_NOOP(
        "Engine",
        "The classes are imbalanced: {big!r} has {n_big:,} examples, {small!r} only "
        "{n_small:,}. Accuracy can look good while the small class is missed: watch macro F1.",
    ),
    "rare_classes": QT_TRANSLATE_NOOP(
        "Engine",
        "{n} class(es) have fewer than {threshold} training examples ({names}): add examples, "
        "or expect them to be missed.",
    ),
    "empty_texts": QT_TRANSLATE_NOOP(
        "Engine", "{n:,} row(s) with an empty or blank text were skipped."
    ),
    "missing_labels": QT_TRANSLATE_NOOP("Engine", "{n:,} row(s) without a label were skipped."),
    "duplicates": QT_TRANSLATE_NOOP("Engine", "{n:,} training row(s) repeat a text seen earlier."),
    "conflicting_labels": QT_TRANSLATE_NOOP(
        "Engine",
        "{n:,} text(s) appear with different labels: the model cannot get both right. "
        "Check those rows.",
    ),
    "overlap": QT_TRANSLATE_NOOP(
        "Engine",
        "{n:,} validation text(s) also appear in the training data: validation scores will "
        "look better than they are.",
    ),
    "truncation": QT_TRANSLATE_NOOP(
        "Engine",
        "The max length of {n} tokens cuts {share:.0%} of texts: raise it (slower) if their "
        "ends matter.",
    ),
    "small": QT_TRANSLATE_NOOP(
        "Engine", "Only {n} training rows: results will vary a lot from run to run."
    ),
    "columns_detected": QT_TRANSLATE_NOOP(
        "Engine", "Using column {text!r} as the text and {label!r} as the label."
    ),
    "validation_skipped": QT_TRANSLATE_NOOP(
        "Engine", "Skipped {n} unusable row(s) in the validation file."
    ),
    "singleton_classes": QT_TRANSLATE_NOOP(
        "Engine",
        "{n} class(es) have a single training example ({names}): the model can hardly learn them.",
    ),
}


def warning_text(warning: dict[str, Any]) -> str:
    """A report warning in the interface's language, from its code and parameters.

    A code this window does not know, or a warning saved before findings had parameters,
    shows the engine's English message: better untranslated than wrong.
    """
    from engine.findings import fill
    from engine.report import message_key

    code = str(warning.get("code", ""))
    params = warning.get("params") or {}
    template = _WARNINGS.get(message_key(code, params)) if params else None
    if template is None:
        return str(warning.get("message", ""))
    return fill(QCoreApplication.translate("Engine", template), params)


def export_step_text(message: str) -> str:
    """A step of ``engine.export`` (its progress message) in the interface's language."""
    texts = {
        "Copying the model": QCoreApplication.translate("Engine", "Copying the model"),
        "Writing the label map and settings": QCoreApplication.translate(
            "Engine", "Writing the label map and settings"
        ),
        "Writing the model card": QCoreApplication.translate("Engine", "Writing the model card"),
        "Finishing": QCoreApplication.translate("Engine", "Finishing"),
        "Writing the zip": QCoreApplication.translate("Engine", "Writing the zip"),
    }
    return texts.get(message, message)


def device_text(device: Any) -> str:
    """An ``engine.device.DeviceInfo`` in the interface's language (its label otherwise)."""
    key, name = device.key, getattr(device, "name", "")
    if key == "cpu" and name and device.cores:
        text = QCoreApplication.translate("Engine", "CPU: {name} ({n} cores)")
        return text.format(name=name, n=device.cores)
    if key.startswith("cuda") and name and device.memory_bytes:
        index = key.split(":", 1)[1] if ":" in key else "0"
        text = QCoreApplication.translate("Engine", "GPU {i}: {name} ({gib:.0f} GiB)")
        return text.format(i=index, name=name, gib=device.memory_bytes / 2**30)
    if key == "mps":
        return QCoreApplication.translate("Engine", "Apple GPU (MPS)")
    return str(device.label)
