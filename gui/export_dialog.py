"""The Export dialog: where to put a finished run's portable folder, and what to add to it.

It only asks; ``gui.runs_tab`` runs ``engine.export.export_run`` off the GUI thread with
the answer. The window reaches it through ``gui.dialogs.export_options`` (the one dialog
seam that tests patch).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ONNX_PACKAGES = ("onnx", "onnxscript")


@dataclass(frozen=True)
class ExportOptions:
    """The user's answer: the new folder to create, and whether to zip it and add ONNX."""

    dest: str
    make_zip: bool = False
    onnx: bool = False


def missing_onnx_packages() -> list[str]:
    """The ONNX exporter's packages that are not installed (found without importing them:
    ``onnxscript`` imports torch, which must not happen on the GUI thread)."""
    return [name for name in ONNX_PACKAGES if importlib.util.find_spec(name) is None]


def free_name(parent: Path, stem: str) -> str:
    """``stem``, or ``stem-2``, ``stem-3``... : a name under ``parent`` that is not taken."""
    name, n = stem, 2
    while (parent / name).exists() or (parent / f"{name}.zip").exists():
        name = f"{stem}-{n}"
        n += 1
    return name


class ExportDialog(QDialog):
    """Asks for the parent folder, the new folder's name, a zip and an ONNX copy."""

    def __init__(self, run_name: str, start: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export {run}").format(run=run_name))
        start_dir = Path(start).expanduser() if start else Path.home()
        intro = QLabel(
            self.tr(
                "A portable folder with the model in Hugging Face format, its label map, a "
                "model card (README.md) and a short predict.py. Anyone with Python and "
                "transformers can use it; Strop is not needed."
            )
        )
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(str(start_dir))
        self.folder_edit.setObjectName("exportFolderEdit")
        browse = QPushButton(self.tr("Choose…"))
        browse.setObjectName("exportBrowseButton")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.name_edit = QLineEdit(free_name(start_dir, f"{run_name}-export"))
        self.name_edit.setObjectName("exportNameEdit")
        self.zip_check = QCheckBox(self.tr("Also make a .zip of the folder"))
        self.zip_check.setObjectName("exportZipCheck")
        self.onnx_check = QCheckBox(self.tr("Add an ONNX copy, checked against PyTorch"))
        self.onnx_check.setObjectName("exportOnnxCheck")
        missing = missing_onnx_packages()
        if missing:
            self.onnx_check.setEnabled(False)
            self.onnx_check.setToolTip(
                self.tr('Needs {packages}: pip install "strop[onnx]"').format(
                    packages=", ".join(missing)
                )
            )
        else:
            self.onnx_check.setChecked(True)
            self.onnx_check.setToolTip(
                self.tr(
                    "For ONNX Runtime (C#, Java, JavaScript, C++...). The export is kept only "
                    "if ONNX Runtime reproduces PyTorch's probabilities. Takes a minute."
                )
            )
        self.problem = QLabel()
        self.problem.setObjectName("exportProblemLabel")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        form.addRow(self.tr("Save in:"), folder_row)
        form.addRow(self.tr("Folder name:"), self.name_edit)
        form.addRow("", self.zip_check)
        form.addRow("", self.onnx_check)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _browse(self) -> None:
        from gui import dialogs

        path = dialogs.open_folder(
            self, self.tr("Export into this folder"), self.folder_edit.text()
        )
        if path:
            self.folder_edit.setText(path)

    def options(self) -> ExportOptions:
        dest = Path(self.folder_edit.text().strip()).expanduser() / self.name_edit.text().strip()
        return ExportOptions(
            dest=str(dest),
            make_zip=self.zip_check.isChecked(),
            onnx=self.onnx_check.isEnabled() and self.onnx_check.isChecked(),
        )

    def check(self) -> str:
        """What is wrong with the answer, in words ("" when it can be exported)."""
        folder = self.folder_edit.text().strip()
        name = self.name_edit.text().strip()
        if not folder:
            return self.tr("Choose a folder to save in.")
        if not name or "/" in name or "\\" in name or name in (".", ".."):
            return self.tr("Give the new folder a name (without slashes).")
        options = self.options()
        dest = Path(options.dest)
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            return self.tr("{path} already exists; Strop never overwrites it.").format(path=dest)
        if options.make_zip and dest.with_name(dest.name + ".zip").exists():
            return self.tr("{path}.zip already exists; choose another name.").format(path=dest)
        return ""

    def _accept(self) -> None:
        problem = self.check()
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, run_name: str, start: str = "") -> ExportOptions | None:
        """Show the dialog; the options, or None when cancelled."""
        dialog = cls(run_name, start, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            return dialog.options()
        finally:
            dialog.deleteLater()
