"""The Model tab: which pre-trained model to start from, what it is, and how much to train.

Sources: the starter model (bundled), a folder on this computer, a model already in the
Hugging Face cache, or a hub id downloaded on an explicit click (with a progress bar; an
offline machine gets a plain message, never a timeout). Describing a model reads only its
config and weight headers, off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gui import dialogs
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
    ``infoReady(ModelInfo)``, ``errorOccurred(exception)``."""

    modelChanged = Signal(str)
    strategyChanged = Signal(str)
    infoReady = Signal(object)
    errorOccurred = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelTab")
        self._spec = "starter"
        self._info: Any = None
        self._generation = 0
        self._device_label = self.tr("Automatic")

        # ----- where the model comes from -----
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("modelSourceCombo")
        self.source_combo.addItem(
            self.tr("Starter model: all-MiniLM-L6-v2 (English, small, fast)"), "starter"
        )
        self.source_combo.addItem(self.tr("A model folder on this computer"), "folder")
        self.source_combo.addItem(self.tr("A model in the Hugging Face cache"), "cache")
        self.source_combo.addItem(self.tr("Download from the Hugging Face hub"), "hub")
        self.source_combo.currentIndexChanged.connect(self._source_changed)
        self.pages = QStackedWidget()
        self.pages.setObjectName("modelSourcePages")

        starter = QLabel(
            self.tr(
                "all-MiniLM-L6-v2 comes with Strop: 6 layers, 22.7 million parameters, an English "
                "vocabulary. A good first choice for English text; it trains in minutes on a CPU."
            )
        )
        starter.setWordWrap(True)
        self.pages.addWidget(starter)

        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("modelFolderEdit")
        self.folder_edit.setPlaceholderText(
            self.tr("A folder with config.json, weights and a tokenizer")
        )
        self.folder_edit.returnPressed.connect(self._apply_folder)
        browse = QPushButton(self.tr("Choose folder…"))
        browse.setObjectName("browseModelButton")
        browse.clicked.connect(self.choose_folder)
        folder_page = QWidget()
        row = QHBoxLayout(folder_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        self.pages.addWidget(folder_page)

        self.cache_combo = QComboBox()
        self.cache_combo.setObjectName("cachedModelCombo")
        self.cache_combo.activated.connect(self._apply_cached)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.setObjectName("refreshCacheButton")
        refresh.clicked.connect(self.refresh_cache)
        cache_page = QWidget()
        row = QHBoxLayout(cache_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.cache_combo, 1)
        row.addWidget(refresh)
        self.pages.addWidget(cache_page)

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
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
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

    def set_model(self, spec: str) -> None:
        """Use ``spec`` (``starter``, a folder or a hub id): show its source and describe it."""
        spec = spec.strip() or "starter"
        self._select_source_for(spec)
        self._spec = spec
        self._info = None
        self.modelChanged.emit(spec)
        self.describe()

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

        run_task(
            describe, self._spec, self.pickle_check.isChecked(), self.trust_check.isChecked(),
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
        self.values["max_length"].setText(
            self.tr("{n} tokens").format(n=info.max_positions) if info.max_positions else "?"
        )
        self.values["vocab"].setText(
            self.tr("{n:,} tokens").format(n=info.vocab_size) if info.vocab_size else "?"
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
        from engine.config import Strategy
        from gui.i18n import strategy_description

        text = self.strategy()
        self.layers_spin.setEnabled(text.startswith("top-layers"))
        strategy = Strategy.parse(text)
        self.strategy_text.setText(
            strategy_description(strategy.kind, strategy.layers, strategy.description)
        )
        for i, kind in enumerate(STRATEGIES):  # one sentence on each choice, as its tooltip
            self.strategy_combo.setItemData(
                i,
                strategy_description(kind, self.layers_spin.value()),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.strategyChanged.emit(text)

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
