"""The Model tab: which pre-trained model to start from, what it is, and how much to train.

Below the choice, evidence for it: Compare (``gui.compare_view``) tries models and
strategies briefly on the open data and recommends one; the catalogue
(``gui.catalogue_view``) lists well-known models ranked for the data's language; Import
copies a model made on another computer. The data's language is detected in the background
when data open, and the chosen model's vocabulary fit (with the baseline's score when it
does not fit) whenever data or model change: Start asks before a mismatched run
(``gui.language_dialog``).

Sources: the starter model (bundled), a folder on this computer, a model already in the
Hugging Face cache, or a hub id downloaded on an explicit click (with a progress bar; an
offline machine gets a plain message, never a timeout). Describing a model reads only its
config and weight headers, off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui import dialogs
from gui.catalogue_view import CatalogueView
from gui.compare_view import CompareView
from gui.layouts import row_widget
from gui.widgets import named, push_button
from gui.worker import run_task

SOURCES = ("starter", "folder", "cache", "hub")
STRATEGIES = ("full", "top-layers", "head")


def describe(spec: str, allow_pickle: bool, trust_remote_code: bool) -> Any:
    """Resolve a model spec (offline) and describe it: a ``ModelInfo``."""
    from engine.models import describe_model, resolve_model

    source = resolve_model(spec, allow_pickle=allow_pickle, trust_remote_code=trust_remote_code)
    return describe_model(source)


def download(repo_id: str, progress: Any = None) -> str:
    """Download a hub model on the user's request; a plain error when there is no network."""
    import socket

    from PySide6.QtCore import QCoreApplication

    from engine.errors import ModelLoadError
    from engine.models import download_model

    try:
        socket.create_connection(("huggingface.co", 443), timeout=3).close()
    except OSError:
        raise ModelLoadError(
            QCoreApplication.translate(
                "ModelTab",
                "Cannot download '{repo}': this computer cannot reach huggingface.co (offline).",
            ).format(repo=repo_id),
            hint=QCoreApplication.translate(
                "ModelTab",
                "Connect to the internet and try again, or choose a model folder on this computer.",
            ),
        ) from None
    download_model(repo_id, progress=progress)
    return repo_id


class ModelTab(QWidget):
    """Signals: ``modelChanged(spec)`` when a model is chosen, ``strategyChanged(text)``,
    ``infoReady(ModelInfo)``, ``errorOccurred(exception)``, ``languageDetected(code)``,
    ``languageChecked(LanguageCheck)`` (the model's fit to the data),
    ``candidateChosen(model, strategy)`` (Use on a compared row), ``modelImported(path)``."""

    modelChanged = Signal(str)
    strategyChanged = Signal(str)
    infoReady = Signal(object)
    errorOccurred = Signal(object)
    languageDetected = Signal(str)
    languageChecked = Signal(object)
    candidateChosen = Signal(str, str)
    modelImported = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelTab")
        self._spec = "starter"
        self._starter_spec = "starter"  # the starter of the data's task (set_task)
        self._task = "text-classification"
        self._info: Any = None
        self._generation = 0
        self._device_label = self.tr("Automatic")
        self._data_provider: Callable[[], dict[str, Any]] | None = None
        self._language: str | None = None
        self._language_generation = 0
        self._check_generation = 0
        self._check: Any = None
        self._check_key: tuple[Any, ...] | None = None

        # ----- where the model comes from -----
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("modelSourceCombo")
        self.source_combo.addItem("", "starter")  # named for the task: set_task
        self.source_combo.addItem(self.tr("A model folder on this computer"), "folder")
        self.source_combo.addItem(self.tr("A model in the Hugging Face cache"), "cache")
        self.source_combo.addItem(self.tr("Download from the Hugging Face hub"), "hub")
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        self.pages = QStackedWidget()
        self.pages.setObjectName("modelSourcePages")

        self.starter_label = QLabel()
        self.starter_label.setObjectName("starterModelLabel")
        self.starter_label.setWordWrap(True)
        self.pages.addWidget(self.starter_label)

        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("modelFolderEdit")
        self.folder_edit.setPlaceholderText(
            self.tr("A folder with config.json, weights and a tokenizer")
        )
        self.folder_edit.returnPressed.connect(self._apply_folder)
        browse = push_button(self.tr("Choose folder…"), "browseModelButton", self.choose_folder)
        self.pages.addWidget(row_widget((self.folder_edit, 1), browse))

        self.cache_combo = named(QComboBox(), "cachedModelCombo")
        self.cache_combo.activated.connect(self._apply_cached)
        refresh = push_button(self.tr("Refresh"), "refreshCacheButton", self.refresh_cache)
        self.pages.addWidget(row_widget((self.cache_combo, 1), refresh))

        self.hub_edit = QLineEdit()
        self.hub_edit.setObjectName("hubIdEdit")
        self.hub_edit.setPlaceholderText(self.tr("for example distilbert-base-uncased or org/name"))
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setObjectName("downloadModelButton")
        self.download_button.clicked.connect(self.start_download)
        self.download_progress = QProgressBar()
        self.download_progress.setObjectName("downloadProgressBar")
        self.download_progress.setFormat(self.tr("%v / %m MB"))
        self.download_progress.hide()
        hub_page = QWidget()
        hub_layout = QVBoxLayout(hub_page)
        hub_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.hub_edit, 1)
        row.addWidget(self.download_button)
        hub_layout.addLayout(row)
        hub_layout.addWidget(self.download_progress)
        note = QLabel(
            self.tr(
                "Strop works offline. It goes online only when you press Download, and "
                "fetches only safetensors weights, the config and the tokenizer."
            )
        )
        note.setWordWrap(True)
        hub_layout.addWidget(note)
        self.pages.addWidget(hub_page)

        source_box = QGroupBox(self.tr("Start from"))
        source_layout = QVBoxLayout(source_box)
        source_layout.addWidget(self.source_combo)
        source_layout.addWidget(self.pages)

        # ----- what was loaded -----
        self.info_status = QLabel()
        self.info_status.setObjectName("modelInfoStatus")
        self.info_status.setWordWrap(True)
        self.values: dict[str, QLabel] = {}
        info_box = QGroupBox(self.tr("The model"))
        form = QFormLayout(info_box)
        form.addRow(self.info_status)
        for key, title in (
            ("name", self.tr("Name:")),
            ("architecture", self.tr("Architecture:")),
            ("parameters", self.tr("Parameters:")),
            ("layers", self.tr("Layers:")),
            ("max_length", self.tr("Max length:")),
            ("vocab", self.tr("Vocabulary:")),
            ("device", self.tr("Device:")),
        ):
            value = QLabel("–")
            value.setObjectName(f"model{key.title().replace('_', '')}Value")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[key] = value
            form.addRow(title, value)
        self.fit_label = QLabel("–")
        self.fit_label.setObjectName("languageFitLabel")
        self.fit_label.setWordWrap(True)
        form.addRow(self.tr("Your data:"), self.fit_label)

        # ----- strategy -----
        self.strategy_combo = QComboBox()
        self.strategy_combo.setObjectName("strategyCombo")
        self.strategy_combo.addItem(self.tr("Full fine-tuning"), "full")
        self.strategy_combo.addItem(self.tr("Top layers only"), "top-layers")
        self.strategy_combo.addItem(self.tr("Classifier head only"), "head")
        self.layers_spin = QSpinBox()
        self.layers_spin.setObjectName("topLayersSpin")
        self.layers_spin.setRange(1, 48)
        self.layers_spin.setValue(2)
        self.layers_spin.setPrefix(self.tr("top "))
        self.layers_spin.setSuffix(self.tr(" layer(s)"))
        self.strategy_text = QLabel()
        self.strategy_text.setObjectName("strategyDescriptionLabel")
        self.strategy_text.setWordWrap(True)
        self.strategy_combo.currentIndexChanged.connect(self._strategy_changed)
        self.layers_spin.valueChanged.connect(self._strategy_changed)
        strategy_box = QGroupBox(self.tr("How much of the model to train"))
        strategy_layout = QVBoxLayout(strategy_box)
        row = QHBoxLayout()
        row.addWidget(self.strategy_combo, 1)
        row.addWidget(self.layers_spin)
        strategy_layout.addLayout(row)
        strategy_layout.addWidget(self.strategy_text)

        # ----- safety -----
        self.trust_check = QCheckBox(
            self.tr("Allow the model's own Python code (trust_remote_code)")
        )
        self.trust_check.setObjectName("trustRemoteCodeCheck")
        self.pickle_check = QCheckBox(self.tr("Allow pickled weights (pytorch_model.bin)"))
        self.pickle_check.setObjectName("allowPickleCheck")
        self.safety_text = QLabel(
            self.tr(
                "Both are off by default. Code shipped inside a model folder, and pickled weight "
                "files, can do anything your user account can: allow them only for models whose "
                "author you trust. Pickled weights are then loaded with torch.load(weights_only=True)."
            )
        )
        self.safety_text.setObjectName("safetyWarningLabel")
        self.safety_text.setWordWrap(True)
        for check in (self.trust_check, self.pickle_check):
            check.toggled.connect(self._safety_changed)
        safety_box = QGroupBox(self.tr("Safety"))
        safety_layout = QVBoxLayout(safety_box)
        safety_layout.addWidget(self.trust_check)
        safety_layout.addWidget(self.pickle_check)
        safety_layout.addWidget(self.safety_text)

        left = QVBoxLayout()
        left.addWidget(source_box)
        left.addWidget(strategy_box)
        left.addWidget(safety_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(info_box)
        right.addStretch(1)
        # ----- evidence: compare, catalogue, import -----
        self.compare_view = CompareView()
        self.catalogue_view = CatalogueView()
        self.choice_tabs = QTabWidget()
        self.choice_tabs.setObjectName("modelChoiceTabs")
        self.choice_tabs.addTab(self.compare_view, self.tr("Compare on my data"))
        self.choice_tabs.addTab(self.catalogue_view, self.tr("Catalogue"))
        self.import_menu = QMenu(self.tr("Import model"), self)
        self.import_menu.setObjectName("importModelMenu")
        self.import_folder_action = QAction(self.tr("Import a model folder…"), self)
        self.import_folder_action.setObjectName("importModelFolderAction")
        self.import_folder_action.triggered.connect(self.choose_import_folder)
        self.import_zip_action = QAction(self.tr("Import a model .zip…"), self)
        self.import_zip_action.setObjectName("importModelZipAction")
        self.import_zip_action.triggered.connect(self.choose_import_zip)
        self.import_menu.addAction(self.import_folder_action)
        self.import_menu.addAction(self.import_zip_action)
        self.catalogue_view.import_button.setMenu(self.import_menu)
        self.compare_view.import_button.setMenu(self.import_menu)
        self.compare_view.candidateChosen.connect(self.use_candidate)
        self.compare_view.showCatalogue.connect(lambda: self.show_catalogue())
        self.compare_view.errorOccurred.connect(self.errorOccurred.emit)
        self.catalogue_view.useModel.connect(self.set_model)
        self.catalogue_view.downloadModel.connect(self.download_hub_model)
        self.catalogue_view.errorOccurred.connect(self.errorOccurred.emit)
        self.catalogue_view.importRequested.connect(self.choose_import)
        self.compare_view.importRequested.connect(self.choose_import)
        self.set_task("text-classification")  # the starter's name, until data says otherwise

        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.choice_tabs, 1)
        self._strategy_changed()
        self._safety_changed()

    # ----- choosing ---------------------------------------------------------------------
    @property
    def spec(self) -> str:
        """What ``TrainConfig.model`` gets: ``starter``, a folder, or a hub id."""
        return self._spec

    @property
    def info(self) -> Any:
        """The ``ModelInfo`` of the current model, once described."""
        return self._info

    def _source_kind(self) -> str:
        return str(self.source_combo.currentData())

    def _source_changed(self) -> None:
        kind = self._source_kind()
        self.pages.setCurrentIndex(SOURCES.index(kind))
        if kind == "starter":
            self.set_model("starter")
        elif kind == "cache" and self.cache_combo.count() == 0:
            self.refresh_cache()

    def choose_folder(self) -> None:
        path = dialogs.open_folder(self, self.tr("Choose a model folder"), self.folder_edit.text())
        if path:
            self.folder_edit.setText(path)
            self._apply_folder()

    def _apply_folder(self) -> None:
        text = self.folder_edit.text().strip()
        if text:
            self.set_model(text)

    def _apply_cached(self) -> None:
        repo = self.cache_combo.currentText()
        if repo:
            self.set_model(repo)

    def refresh_cache(self) -> None:
        from engine.models import list_cached_models

        def filled(repos: list[str]) -> None:
            current = self.cache_combo.currentText()
            self.cache_combo.clear()
            self.cache_combo.addItems(repos)
            if not repos:
                self.cache_combo.setPlaceholderText(self.tr("No models in the Hugging Face cache"))
            elif current in repos:
                self.cache_combo.setCurrentText(current)

        run_task(list_cached_models, on_result=filled, on_error=self.errorOccurred.emit, owner=self)

    def set_task(self, task: str) -> None:
        """Name and describe the starter that a run of ``task`` uses (each task has its
        own); Compare only for text classification."""
        from engine import tasks

        try:
            starter = tasks.get(task).starter_model
        except Exception:  # noqa: BLE001 - a task not in this build: the text starter
            starter = "starter"
        self.compare_view.set_task(task)
        if task != self._task:
            self._task = task
            self._describe_strategy()
        if starter != self._starter_spec:
            self._starter_spec = starter
            if self._spec == "starter":
                self.describe()  # the other starter's facts
        if task == "image-classification":
            item = self.tr("Starter model: EfficientNet-Lite0 (photos, small, fast)")
            about = self.tr(
                "EfficientNet-Lite0 comes with Strop: 4.7 million parameters, pre-trained on "
                "ImageNet's photos. A good first choice for sorting photos; its default run "
                "trains in minutes on a CPU."
            )
        else:
            item = self.tr("Starter model: all-MiniLM-L6-v2 (English, small, fast)")
            about = self.tr(
                "all-MiniLM-L6-v2 comes with Strop: 6 layers, 22.7 million parameters, an English "
                "vocabulary. A good first choice for English text; it trains in minutes on a CPU."
            )
        self.source_combo.setItemText(self.source_combo.findData("starter"), item)
        self.starter_label.setText(about)

    def set_model(self, spec: str) -> None:
        """Use ``spec`` (``starter``, a folder or a hub id): show its source and describe it."""
        spec = spec.strip() or "starter"
        self._select_source_for(spec)
        self._spec = spec
        self._info = None
        self.modelChanged.emit(spec)
        self.describe()
        self.refresh_language_check()

    def _select_source_for(self, spec: str) -> None:
        from pathlib import Path

        if spec == "starter":
            kind = "starter"
        elif Path(spec).expanduser().exists():
            kind = "folder"
            self.folder_edit.setText(spec)
        else:
            kind = "cache"
            if self.cache_combo.findText(spec) < 0:
                self.cache_combo.addItem(spec)
            self.cache_combo.setCurrentText(spec)
        self.source_combo.blockSignals(True)
        self.source_combo.setCurrentIndex(SOURCES.index(kind))
        self.source_combo.blockSignals(False)
        self.pages.setCurrentIndex(SOURCES.index(kind))

    def describe(self) -> None:
        self._generation += 1
        generation = self._generation
        self.info_status.setText(self.tr("Reading the model…"))
        for value in self.values.values():
            value.setText("–")

        def done(info: Any) -> None:
            if generation == self._generation:
                self.show_info(info)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.info_status.setText(
                    self.tr("This model cannot be used: see the message above.")
                )
                self.errorOccurred.emit(exc)

        # "starter" is the task's own starter (the image one converts once, at first use)
        spec = self._starter_spec if self._spec == "starter" else self._spec
        run_task(
            describe, spec, self.pickle_check.isChecked(), self.trust_check.isChecked(),
            on_result=done, on_error=failed, owner=self,
        )  # fmt: skip

    def show_info(self, info: Any) -> None:
        self._info = info
        self.info_status.setText(self.tr("Ready."))
        params = (
            self.tr("{m:.1f} million").format(m=info.parameters / 1e6) if info.parameters else "?"
        )
        self.values["name"].setText(str(info.name))
        self.values["architecture"].setText(f"{info.architecture} ({info.model_type})")
        self.values["parameters"].setText(params)
        self.values["layers"].setText(str(info.layers or "?"))
        # neither applies to an image model: a dash, not an unknown
        unknown = "?" if info.max_positions or info.vocab_size else "–"
        self.values["max_length"].setText(
            self.tr("{n} tokens").format(n=info.max_positions) if info.max_positions else unknown
        )
        self.values["vocab"].setText(
            self.tr("{n:,} tokens").format(n=info.vocab_size) if info.vocab_size else unknown
        )
        self.values["device"].setText(self._device_label)
        if info.layers:
            self.layers_spin.setMaximum(int(info.layers))
        self.infoReady.emit(info)

    def set_device_label(self, label: str) -> None:
        self._device_label = label
        self.values["device"].setText(label)

    # ----- download -----------------------------------------------------------------------
    def start_download(self) -> None:
        repo = self.hub_edit.text().strip()
        if not repo:
            from engine.errors import ModelLoadError

            self.errorOccurred.emit(
                ModelLoadError(self.tr("Type a model id to download, such as org/name."))
            )
            return
        self.download_button.setEnabled(False)
        self.download_progress.setRange(0, 0)
        self.download_progress.show()

        def progress(done: int, total: int) -> None:  # bytes; the bar counts megabytes
            self.download_progress.setRange(0, max(1, round(total / 1e6)))
            self.download_progress.setValue(round(done / 1e6))

        def done(repo_id: str) -> None:
            self.refresh_cache()
            self.catalogue_view.refresh()
            self.set_model(repo_id)

        def finished() -> None:
            self.download_button.setEnabled(True)
            self.download_progress.hide()

        run_task(
            download, repo, on_result=done, on_error=self.errorOccurred.emit,
            on_progress=progress, on_finished=finished, owner=self,
        )  # fmt: skip

    # ----- strategy and safety ------------------------------------------------------------
    def strategy(self) -> str:
        kind = str(self.strategy_combo.currentData())
        return f"top-layers:{self.layers_spin.value()}" if kind == "top-layers" else kind

    def set_strategy(self, text: str) -> None:
        from engine.config import Strategy

        try:
            strategy = Strategy.parse(text)
        except Exception:  # noqa: BLE001 - a stale setting: keep the default
            return
        self.strategy_combo.setCurrentIndex(STRATEGIES.index(strategy.kind))
        if strategy.kind == "top-layers":
            self.layers_spin.setValue(strategy.layers)

    def _strategy_changed(self) -> None:
        text = self.strategy()
        self.layers_spin.setEnabled(text.startswith("top-layers"))
        self._describe_strategy()
        self.strategyChanged.emit(text)

    def _describe_strategy(self) -> None:
        """The chosen strategy in a sentence, and each choice's as its tooltip, in the words
        of the task's model (an image model's top layers are its stages)."""
        from engine.config import Strategy
        from gui.i18n import strategy_description

        images = self._task == "image-classification"
        self.layers_spin.setSuffix(self.tr(" stage(s)") if images else self.tr(" layer(s)"))
        strategy = Strategy.parse(self.strategy())
        self.strategy_text.setText(
            strategy_description(strategy.kind, strategy.layers, strategy.description, images)
        )
        for i, kind in enumerate(STRATEGIES):  # one sentence on each choice, as its tooltip
            self.strategy_combo.setItemData(
                i,
                strategy_description(kind, self.layers_spin.value(), images=images),
                Qt.ItemDataRole.ToolTipRole,
            )

    def _safety_changed(self) -> None:
        from gui.theme import warning_text_colour

        risky = self.trust_check.isChecked() or self.pickle_check.isChecked()
        colour = warning_text_colour(self.palette()).name()
        self.safety_text.setStyleSheet(f"color: {colour}; font-weight: bold;" if risky else "")

    def model_settings(self) -> dict[str, Any]:
        """The ``TrainConfig`` fields this tab decides."""
        return {
            "model": self._spec,
            "strategy": self.strategy(),
            "trust_remote_code": self.trust_check.isChecked(),
            "allow_pickle": self.pickle_check.isChecked(),
        }

    # ----- the data's language, and the model's fit to it ---------------------------------
    def set_data_provider(self, provider: Callable[[], dict[str, Any]]) -> None:
        """``provider()`` gives the open data's settings (``data``, ``validation``, columns;
        ``DatasetTab.data_settings``); it raises when no data is open."""
        self._data_provider = provider
        self.compare_view.set_data_provider(provider)

    def _data_settings(self) -> dict[str, Any] | None:
        """The open text-classification data's settings, or None: no data open, or another
        task's (a folder of photos or a CoNLL file is not a table of texts to read)."""
        if self._data_provider is None:
            return None
        try:
            settings = self._data_provider()
        except Exception:  # noqa: BLE001 - no data open (yet): nothing to check
            return None
        if settings.get("task", "text-classification") != "text-classification":
            return None
        return settings

    @property
    def language(self) -> str | None:
        """The open data's language (ISO 639-1), once detected."""
        return self._language

    def data_changed(self, *_: Any) -> None:
        """Data opened or its columns changed: detect its language in the background, rank
        the catalogue for it, and check the model's fit again."""
        from engine.compare import detect_data_language

        settings = self._data_settings()
        if settings is None:  # none open, or not texts: nothing measured applies any more
            self._language_generation += 1  # a detection or check still running is stale
            self._check_generation += 1
            self._language, self._check, self._check_key = None, None, None
            self.fit_label.setText("–")
            self.fit_label.setStyleSheet("")
            return
        self._language_generation += 1
        generation = self._language_generation

        def detected(code: str) -> None:
            if generation != self._language_generation:
                return
            self._language = code
            self.compare_view.set_language(code)
            self.catalogue_view.set_language(code)
            self.languageDetected.emit(code)

        run_task(
            detect_data_language, settings["data"], settings.get("text_column"),
            on_result=detected, on_error=lambda _exc: None, owner=self,
        )  # fmt: skip
        self.refresh_language_check()

    def _check_key_for(self, settings: dict[str, Any]) -> tuple[Any, ...]:
        return (
            settings["data"], settings.get("validation"), settings.get("text_column"),
            settings.get("label_column"), self._spec, self.pickle_check.isChecked(),
        )  # fmt: skip

    def _check_options(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {
            "validation": settings.get("validation"),
            "text_column": settings.get("text_column"),
            "label_column": settings.get("label_column"),
            "allow_pickle": self.pickle_check.isChecked(),
            "trust_remote_code": self.trust_check.isChecked(),
        }

    def refresh_language_check(self) -> None:
        """Measure the model's vocabulary fit to the data in the background (and, when it
        does not fit, the baseline's score); ``languageChecked`` says when it is known."""
        from engine.compare import check_language

        settings = self._data_settings()
        if settings is None:
            return
        self._check_generation += 1
        generation = self._check_generation
        key = self._check_key_for(settings)
        self.fit_label.setText(self.tr("Checking how this model reads your data…"))

        def checked(check: Any) -> None:
            if generation == self._check_generation:
                self._set_check(key, check)

        def failed(_exc: BaseException) -> None:  # data or model errors are shown elsewhere
            if generation == self._check_generation:
                self.fit_label.setText("–")

        run_task(
            check_language, settings["data"], self._spec, **self._check_options(settings),
            on_result=checked, on_error=failed, owner=self,
        )  # fmt: skip

    def _set_check(self, key: tuple[Any, ...], check: Any) -> None:
        from gui.theme import warning_text_colour

        self._check, self._check_key = check, key
        if check.mismatch:
            self.fit_label.setText(
                self.tr("does not fit: {share:.0%} unknown tokens for '{language}' text.").format(
                    share=check.fit.unknown_share, language=check.language
                )
                if not check.fit.byte_level
                else self.tr("does not fit: read as bytes, not words ('{language}').").format(
                    language=check.language
                )
            )
            colour = warning_text_colour(self.palette()).name()
            self.fit_label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        else:
            self.fit_label.setText(
                self.tr("'{language}' text, {share:.1%} unknown tokens: fits.").format(
                    language=check.language, share=check.fit.unknown_share
                )
            )
            self.fit_label.setStyleSheet("")
        self.languageChecked.emit(check)

    def language_check_now(self) -> Any:
        """The model's fit to the open data, for Start: the background result when it is
        for the current choices, else measured now (without the baseline, which follows in
        the background). ``None`` without data, or when data or model cannot be read."""
        from engine.compare import check_language

        settings = self._data_settings()
        if settings is None:
            return None
        key = self._check_key_for(settings)
        if self._check is not None and self._check_key == key:
            return self._check
        try:
            check = check_language(
                settings["data"], self._spec, with_baseline=False,
                **self._check_options(settings),
            )  # fmt: skip
        except Exception:  # noqa: BLE001 - the run reports data and model errors itself
            return None
        if check.mismatch:
            self.refresh_language_check()  # the baseline's score, for the dialog
        return check

    # ----- compare, catalogue, import -------------------------------------------------------
    def use_candidate(self, model: str, strategy: str) -> None:
        """Use a compared candidate: its model and strategy here, its strategy in the
        Training tab (through ``strategyChanged``)."""
        self.set_strategy(strategy)
        if model != self._spec:
            self.set_model(model)
        self.candidateChosen.emit(model, strategy)

    def show_catalogue(self, select: str | None = None) -> None:
        self.choice_tabs.setCurrentWidget(self.catalogue_view)
        if select:
            self.catalogue_view.select_id(select)

    def download_hub_model(self, repo_id: str) -> None:
        """Download a catalogue model through the hub page's Download."""
        self.source_combo.setCurrentIndex(SOURCES.index("hub"))
        self.hub_edit.setText(repo_id)
        self.start_download()

    def choose_import(self) -> None:
        """Offer folder or .zip (the menu of the Import buttons)."""
        self.import_menu.popup(QCursor.pos())

    def choose_import_folder(self) -> None:
        path = dialogs.open_folder(self, self.tr("Import a model folder"))
        if path:
            self.import_model(path)

    def choose_import_zip(self) -> None:
        path = dialogs.open_file(
            self, self.tr("Import a model .zip"), self.tr("Zip archives (*.zip)")
        )
        if path:
            self.import_model(path)

    def import_model(self, path: str) -> None:
        """Copy a model folder or .zip into Strop's models in the background, then list and
        select it."""
        from engine.model_import import import_model

        self.info_status.setText(self.tr("Importing {path}…").format(path=path))

        def progress(done: int, total: int) -> None:
            self.info_status.setText(
                self.tr("Importing: {done:,.0f} of {total:,.0f} MB").format(
                    done=done / 1e6, total=total / 1e6
                )
            )

        def imported(dest: Any) -> None:
            self.refresh_cache()
            self.catalogue_view.refresh()
            self.modelImported.emit(str(dest))
            self.set_model(str(dest))

        def failed(exc: BaseException) -> None:
            self.info_status.setText(self.tr("Nothing was imported: see the message above."))
            self.errorOccurred.emit(exc)

        run_task(
            import_model, path, allow_pickle=self.pickle_check.isChecked(),
            on_result=imported, on_error=failed, on_progress=progress, owner=self,
        )  # fmt: skip
