"""The Chinese interface: translations complete and compiled, every gui string through tr(),
the translator installed before the window, fonts that draw Chinese, engine texts by key."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QSettings, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QApplication

from gui import i18n
from tests.conftest import ROOT, write_sentiment_csv

TRANSLATIONS = ROOT / "resources" / "translations"
GUI = ROOT / "gui"


def _update_module() -> Any:
    spec = importlib.util.spec_from_file_location("update_translations", TRANSLATIONS / "update.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


update = _update_module()


# ----- the .ts and .qm files --------------------------------------------------------------
def test_every_ts_has_a_qm_that_matches_it() -> None:
    sources = sorted(TRANSLATIONS.glob("*.ts"))
    assert [p.name for p in sources] == ["strop_zh_CN.ts"]
    for ts in sources:
        qm = ts.with_suffix(".qm")
        assert qm.is_file(), f"{qm.name} missing: run resources/translations/update.py"
        translator = QTranslator()
        assert translator.load(str(qm))
        stale = [
            (context, source)
            for context, source, text in update.messages(ts)
            if text is not None and translator.translate(context, source) != text
        ]
        assert not stale, f"{qm.name} is older than {ts.name}: run update.py ({stale[:3]})"


def test_no_string_is_left_unfinished() -> None:
    ts = TRANSLATIONS / "strop_zh_CN.ts"
    assert len(update.messages(ts)) > 300
    assert update.unfinished(ts) == []
    assert 'type="unfinished"' not in ts.read_text(encoding="utf-8")


#: Sources whose Chinese text rightly has no Han characters (names and formats).
LATIN_IN_CHINESE = {"zip: {path}", "ONNX: {message}"}


def test_translations_keep_every_placeholder_and_accelerator() -> None:
    import string

    fields = string.Formatter()
    for context, source, text in update.messages(TRANSLATIONS / "strop_zh_CN.ts"):
        assert text is not None
        want = sorted(f for _, f, _, _ in fields.parse(source) if f is not None)
        got = sorted(f for _, f, _, _ in fields.parse(text) if f is not None)
        assert got == want, (context, source, text)
        for token in ("%v", "%m"):
            assert (token in source) == (token in text), (context, source, text)
        assert ("&" in source.replace("&amp;", "")) == ("&" in text.replace("&amp;", "")), source
        words = re.sub(r"\{[^}]*\}|<[^>]+>", "", source)
        if re.search("[a-z]{3}", words) and source not in LATIN_IN_CHINESE:
            assert re.search(r"[\u4e00-\u9fff]", text), f"not Chinese: {source!r} -> {text!r}"


def _has_lupdate() -> bool:
    try:
        update.tool("lupdate")
    except SystemExit:
        return False
    return True


@pytest.mark.skipif(not _has_lupdate(), reason="lupdate not available")
def test_every_string_in_gui_is_in_the_ts_and_translated(tmp_path: Path) -> None:
    """Re-extract into a copy: a string added to gui/ without a translation fails here."""
    copy = tmp_path / "strop_zh_CN.ts"
    shutil.copy(TRANSLATIONS / "strop_zh_CN.ts", copy)
    update.extract(copy)
    missing = update.unfinished(copy)
    assert not missing, (
        f"{len(missing)} string(s) in gui/ have no Chinese translation: run "
        f"`python resources/translations/update.py`, translate them in strop_zh_CN.ts, and run "
        f"it again to compile. First ones: {missing[:5]}"
    )


# ----- every user-visible string goes through tr() -------------------------------------------
TEXT_SETTERS = {
    "setText", "setToolTip", "setPlaceholderText", "setWindowTitle", "addTab", "insertTab",
    "setTabText", "setTitle", "setFormat", "setSpecialValueText", "setPrefix", "setSuffix",
    "setStatusTip", "addMenu", "setHorizontalHeaderLabels", "setLabelText", "setWhatsThis",
    "show_info", "QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QGroupBox", "QAction",
    "QMenu", "QToolButton",
}  # fmt: skip
FIRST_ARG_ONLY = {"addItem", "setItemText"}
ALLOWED = {"Strop"}  # the product's name is not translated


def _has_words(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value not in ALLOWED and bool(re.search("[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(v) for v in node.values if isinstance(v, ast.Constant))
    return False


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    return isinstance(node, ast.BinOp) and _literal(node.left) and _literal(node.right)


#: Functions that translate texts marked elsewhere with QT_TRANSLATE_NOOP (lupdate finds those).
TRANSLATES_MARKED_TEXTS = {
    ("i18n.py", "warning_text"),
    ("runs_table.py", "headerData"),
    # the settings' labels and help, extracted from their declaration by update.py
    ("settings_form.py", "translate"),
}


def test_no_user_visible_literal_bypasses_tr() -> None:
    problems = []
    for path in sorted(GUI.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exempt = {
            line
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef) and (path.name, fn.name) in TRANSLATES_MARKED_TEXTS
            for line in range(fn.lineno, (fn.end_lineno or fn.lineno) + 1)
        }
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in exempt:
                continue
            if isinstance(node, ast.Call):
                name = _name(node)
                args = node.args[:1] if name in FIRST_ARG_ONLY else node.args[:2]
                if name in TEXT_SETTERS | FIRST_ARG_ONLY and any(map(_has_words, args)):
                    problems.append(f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}")
                # tr() needs a literal: lupdate cannot extract a variable or an f-string
                if name == "tr" and node.args and not _literal(node.args[0]):
                    problems.append(f"{path.name}:{node.lineno}: tr() of a non-literal")
                if name == "translate" and len(node.args) >= 2 and not _literal(node.args[1]):
                    problems.append(f"{path.name}:{node.lineno}: translate() of a non-literal")
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and _name(inner) in ("tr", "translate"):
                        problems.append(f"{path.name}:{node.lineno}: tr() inside an f-string")
    assert not problems, "\n".join(problems)


# ----- the language and the translator -----------------------------------------------------
@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_CN", "zh_CN"),
        ("zh_SG", "zh_CN"),
        ("zh_TW", "zh_CN"),  # Qt's last fallback for zh-Hant-TW is plain zh
        ("en_US", "en"),
        ("de_DE", "en"),
    ],
)
def test_the_system_locale_picks_the_language(locale: str, expected: str) -> None:
    assert i18n.system_language(QLocale(locale)) == expected


def test_the_choice_overrides_the_system(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    assert i18n.read_language(settings) == "system"
    i18n.write_language(settings, "zh_CN")
    assert i18n.read_language(settings) == "zh_CN"
    assert i18n.resolve_language("zh_CN", QLocale("en_US")) == "zh_CN"
    assert i18n.resolve_language("en", QLocale("zh_CN")) == "en"
    assert i18n.resolve_language("system", QLocale("zh_CN")) == "zh_CN"
    settings.setValue(i18n.LANGUAGE_KEY, "klingon")
    assert i18n.read_language(settings) == "system"
    with pytest.raises(ValueError):
        i18n.write_language(settings, "klingon")


def test_with_the_zh_cn_translator_the_tabs_are_chinese(
    qtbot: Any, chinese: QApplication, fake_dialogs: Any
) -> None:
    from gui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    tabs = window.tabs
    assert [tabs.tabText(i) for i in range(4)] == ["数据集", "模型", "训练", "预测"]
    assert window.training_tab.start_button.text() == "开始训练"
    # Qt's own strings (standard buttons) come from Qt's translation
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


def test_english_needs_no_translator(qapp: QApplication) -> None:
    assert i18n.install_translators(qapp, "en") == []
    assert i18n.current_language() == "en"


def test_a_missing_qm_leaves_the_interface_english(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(i18n, "translations_dir", lambda: tmp_path)
    assert i18n.install_translators(qapp, "zh_CN") == []
    assert i18n.current_language() == "en"


def test_a_qm_rewritten_while_the_app_runs_does_not_break_it(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtCore import QCoreApplication

    qm = tmp_path / "strop_zh_CN.qm"
    shutil.copy(TRANSLATIONS / "strop_zh_CN.qm", qm)
    monkeypatch.setattr(i18n, "translations_dir", lambda: tmp_path)
    try:
        assert i18n.install_translators(qapp, "zh_CN")
        with qm.open("r+b") as f:  # rewritten in place, as a compiler or an update may do
            f.write(b"\0" * qm.stat().st_size)
        assert QCoreApplication.translate("RunControls", "Stop") == "停止"
    finally:
        i18n.remove_translators(qapp)


# ----- fonts -----------------------------------------------------------------------------
def skip_without_cjk_font() -> None:
    # QFontDatabase needs the QApplication: ask inside the test, not at collection
    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        pytest.skip("no font with Chinese glyphs installed (apt-get install fonts-noto-cjk)")


def test_a_chinese_font_comes_first_in_chinese_and_as_fallback_otherwise(
    qapp: QApplication,
) -> None:
    skip_without_cjk_font()
    before = QFont(qapp.font())
    try:
        family = i18n.apply_fonts(qapp, "zh_CN")
        assert family is not None
        assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)
        assert qapp.font().families()[0] == family
        assert " JP" not in family and " KR" not in family  # Simplified, not another CJK
        assert QFontMetrics(QFont(family)).inFontUcs4(ord("训"))
        i18n.apply_fonts(qapp, "en")
        assert qapp.font().families()[-1] == family  # Chinese data still draws
        assert qapp.font().families()[0] != family
    finally:
        qapp.setFont(before)


def test_no_chinese_font_leaves_the_font_alone(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = QFont(qapp.font())
    monkeypatch.setattr(i18n, "cjk_font_family", lambda: None)
    try:
        assert i18n.apply_fonts(qapp, "zh_CN") is None
        assert qapp.font().family() == before.family()
    finally:
        qapp.setFont(before)


# ----- texts from the engine --------------------------------------------------------------
def test_every_phase_the_engine_emits_has_a_translation() -> None:
    source = (ROOT / "engine" / "training.py").read_text(encoding="utf-8")
    phases = set(re.findall(r'PhaseChanged\(\s*"(\w+)"', source))
    assert phases >= {"data", "model", "tokenize"}
    for phase in phases:
        assert i18n.phase_text(phase, "MESSAGE") != "MESSAGE", phase
    assert i18n.phase_text("something-new", "As the engine says") == "As the engine says"


def test_strategy_descriptions_match_the_engine_in_english() -> None:
    from engine.config import Strategy

    for text in ("full", "head", "top-layers:1", "top-layers:3"):
        strategy = Strategy.parse(text)
        assert (
            i18n.strategy_description(strategy.kind, strategy.layers, "?") == strategy.description
        )


def test_every_run_state_has_a_translation(chinese: QApplication) -> None:
    from engine.events import RunState

    for state in RunState:
        assert re.search(r"[\u4e00-\u9fff]", i18n.run_state_text(state.value)), state


def test_the_file_filter_keeps_the_engine_patterns(chinese: QApplication) -> None:
    from engine.data import FILE_FILTER

    text = i18n.file_filter()
    assert text.startswith("数据文件 (")
    assert text.endswith(FILE_FILTER[FILE_FILTER.index("(") :])


@pytest.fixture(scope="module")
def report(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real engine report with many warnings: imbalanced, rare, duplicates, unknown words."""
    from engine.config import TrainConfig
    from engine.training import prepare_run

    folder = tmp_path_factory.mktemp("warnings")
    path = write_sentiment_csv(folder / "data.csv", rows=40)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines += ["good good movie,positive"] * 12  # duplicates, imbalance
    lines += ["good good movie,negative"]  # a conflict
    lines += ["zorblax quuxo frobnicate wibble,rare"] * 3  # a rare class, unknown tokens
    lines += [",positive", "bad film,"]  # an empty text, a missing label
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = TrainConfig(data=str(path), model=str(tiny_model), validation_split=0.2)
    return prepare_run(config).report.to_dict()


def test_report_warnings_in_english_are_the_engines_words(report: dict[str, Any]) -> None:
    codes = {w["code"] for w in report["warnings"]}
    assert {"imbalanced", "rare_classes", "duplicates", "small", "columns_detected"} <= codes
    for warning in report["warnings"]:
        assert warning["params"], warning
        assert i18n.warning_text(warning) == warning["message"]


def test_report_warnings_in_chinese(report: dict[str, Any], chinese: QApplication) -> None:
    for warning in report["warnings"]:
        text = i18n.warning_text(warning)
        assert re.search(r"[\u4e00-\u9fff]", text), (warning, text)
    # translated from the parameters, not the English: a changed message changes nothing
    changed = dict(report["warnings"][0], message="The engine now says this differently.")
    assert i18n.warning_text(changed) == i18n.warning_text(report["warnings"][0])
    unknown = {"code": "new_kind", "level": "info", "message": "Something new.", "params": {"n": 1}}
    assert i18n.warning_text(unknown) == "Something new."
    saved_before_params = {"code": "small", "level": "warning", "message": "Only 3 rows."}
    assert i18n.warning_text(saved_before_params) == "Only 3 rows."


def test_every_engine_finding_has_the_engines_english_template() -> None:
    from engine.data import ISSUE_MESSAGES
    from engine.report import MESSAGES

    engine = {**ISSUE_MESSAGES, **MESSAGES}
    for code, template in i18n._WARNINGS.items():
        assert template == engine[code], code
    passed_on = set(ISSUE_MESSAGES) - {"empty_texts", "missing_labels"}  # the report restates
    assert set(MESSAGES) | passed_on == set(i18n._WARNINGS)


def test_devices_are_named_in_the_interface_language(chinese: Any) -> None:
    from engine.device import DeviceInfo

    cpu = DeviceInfo("cpu", "CPU: AMD EPYC (2 cores)", None, True, "AMD EPYC", 2)
    gpu = DeviceInfo("cuda:1", "GPU 1: NVIDIA H200 (140 GiB)", 140 * 2**30, True, "NVIDIA H200")
    assert i18n.device_text(cpu) == "CPU：AMD EPYC（2 核）"
    assert i18n.device_text(gpu) == "GPU 1：NVIDIA H200（140 GiB）"
    # a device the interface does not know how to name keeps the engine's label
    assert i18n.device_text(DeviceInfo("xpu", "Intel XPU")) == "Intel XPU"


def test_in_english_a_device_reads_as_the_engine_names_it(qapp: Any) -> None:
    from engine.device import available_devices

    cpu = available_devices()[-1]
    assert i18n.device_text(cpu) == cpu.label
