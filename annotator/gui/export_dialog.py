"""Choose what to export: the format and which layer (one reviewer, every reviewer, gold)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from .. import formats
from ..model import GOLD

ALL_REVIEWERS = "All reviewers"

# Formats that write a folder of files rather than one file.
FOLDER_FORMATS = {"brat", "txt"}


class ExportDialog(QDialog):
    def __init__(self, reviewers: list[str], current: str, has_gold: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export")
        self.format_box = QComboBox(self)
        for name, module in formats.FORMATS.items():
            self.format_box.addItem(module.DESCRIPTION, name)
        self.layer_box = QComboBox(self)
        if has_gold:
            self.layer_box.addItem("Gold (adjudicated)", GOLD)
        self.layer_box.addItem(ALL_REVIEWERS, None)
        for name in reviewers:
            self.layer_box.addItem(f"Reviewer: {name}", name)
        self.layer_box.setCurrentIndex(0)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.format_box.currentIndexChanged.connect(self._explain)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Format:", self.format_box)
        form.addRow("Layer:", self.layer_box)
        form.addRow(self.note)
        form.addRow(buttons)
        self._explain()

    def _explain(self) -> None:
        name = self.format()
        where = "a folder" if name in FOLDER_FORMATS else "one file"
        self.note.setText(f"Writes {where}. Formats that cannot carry something (claims, overlaps) say what was left out.")

    def format(self) -> str:
        return self.format_box.currentData()

    def layer(self) -> str | None:
        return self.layer_box.currentData()
