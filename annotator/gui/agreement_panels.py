"""The agreement window's pieces: figure formatting and colours, the per-document table model,
and the checkable choice lists."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGroupBox, QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from ..agreement import AgreementReport, DocumentScores

NA = "n/a"
NA_BACKGROUND = QColor("#e4e4e4")
NA_FOREGROUND = QColor("#7a7a7a")
SCORE_FOREGROUND = QColor("#111111")  # dark text on the light score colours, whatever the theme
Index = QModelIndex | QPersistentModelIndex


# ---------------------------------------------------------------------------------------------
# Formatting


def fmt(value: float | None) -> str:
    return NA if value is None else f"{value:.3f}"


def fmt_mean_sd(mean: float | None, sd: float | None) -> str:
    if mean is None:
        return NA
    return fmt(mean) if sd is None else f"{mean:.3f} ± {sd:.3f}"


def score_color(value: float) -> QColor:
    """Red at 0, yellow at 0.5, green at 1 (values outside [0, 1] are clamped), kept light so
    that dark text stays readable."""
    clamped = min(1.0, max(0.0, value))
    return QColor.fromHsvF(clamped / 3.0, 0.55, 0.97)  # hue 0° (red) .. 60° (yellow) .. 120° (green)


def _figure_item(value: float | None, text: str | None = None, *, colour: bool = False) -> QTableWidgetItem:
    """A read-only cell for a figure; ``value`` is kept under UserRole (None when undefined)."""
    item = QTableWidgetItem(fmt(value) if text is None else text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    item.setData(Qt.ItemDataRole.UserRole, value)
    if value is None:
        item.setBackground(QBrush(NA_BACKGROUND))
        item.setForeground(QBrush(NA_FOREGROUND))
    elif colour:
        item.setBackground(QBrush(score_color(value)))
        item.setForeground(QBrush(SCORE_FOREGROUND))
    return item


# ---------------------------------------------------------------------------------------------
# The per-document table


class DocumentScoresModel(QAbstractTableModel):
    """Documents in the report's order (worst first, undefined last); UserRole is the doc id."""

    COLUMNS = ("Document", "F1 exact", "SD", "F1 overlap", "Reviewers")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[DocumentScores] = []
        self._titles: dict[str, str] = {}

    def reset(self, rows: list[DocumentScores], titles: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._titles = dict(titles)
        self.endResetModel()

    def doc_id(self, row: int) -> str | None:
        return str(self._rows[row].doc) if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def _value(self, row: DocumentScores, column: int) -> float | None:
        return (None, row.f1_exact_mean, row.f1_exact_sd, row.f1_overlap_mean, None)[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        doc_id = str(row.doc)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._titles.get(doc_id, doc_id)
            if column == 4:
                return str(row.n_annotators)
            return fmt(self._value(row, column))
        if role == Qt.ItemDataRole.UserRole:
            return doc_id
        if role == Qt.ItemDataRole.ToolTipRole:
            title = self._titles.get(doc_id, doc_id)
            return (
                f"{title}\n{doc_id}\nF1 exact {fmt_mean_sd(row.f1_exact_mean, row.f1_exact_sd)}"
                f" · F1 overlap {fmt(row.f1_overlap_mean)} · {row.n_annotators} reviewer(s)"
                "\nDouble-click to open it"
            )
        if column in (1, 2, 3):
            value = self._value(row, column)
            if role == Qt.ItemDataRole.BackgroundRole:
                if value is None:
                    return QBrush(NA_BACKGROUND)
                return QBrush(score_color(value)) if column == 1 else None
            if role == Qt.ItemDataRole.ForegroundRole:
                if value is None:
                    return QBrush(NA_FOREGROUND)
                return QBrush(SCORE_FOREGROUND) if column == 1 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None


# ---------------------------------------------------------------------------------------------
# The window


LABEL_COLUMNS = ("Label", "F1 exact (mean ± SD)", "F1 overlap", "Cohen's κ", "Krippendorff's α_U")


class _CheckList(QGroupBox):
    """A titled checkable list with All / None buttons (and a filter box for long lists)."""

    def __init__(self, title: str, name: str, parent: QWidget, *, filterable: bool = False):
        super().__init__(title, parent)
        self.list = QListWidget(self)
        self.list.setObjectName(f"{name}List")
        self.list.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        self.filter: QLineEdit | None = None
        if filterable:
            self.filter = QLineEdit(self)
            self.filter.setObjectName(f"{name}Filter")
            self.filter.setPlaceholderText("Filter…")
            self.filter.setClearButtonEnabled(True)
            self.filter.textChanged.connect(self._apply_filter)
            layout.addWidget(self.filter)
        layout.addWidget(self.list)
        buttons = QHBoxLayout()
        self.all_button = QPushButton("All", self)
        self.all_button.setObjectName(f"{name}All")
        self.none_button = QPushButton("None", self)
        self.none_button.setObjectName(f"{name}None")
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def fill(self, entries: list[tuple[str, str]]) -> None:
        """(key, text) per entry; keeps the check state of keys already listed, checks new ones."""
        previous = {key: self.list.item(row).checkState() for row in range(self.list.count())
                    if (key := self.list.item(row).data(Qt.ItemDataRole.UserRole)) is not None}
        self.list.clear()
        for key, text in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            if text != key:
                item.setToolTip(key)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(previous.get(key, Qt.CheckState.Checked))
            self.list.addItem(item)
        if self.filter is not None:
            self._apply_filter(self.filter.text())

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(row) for row in range(self.list.count())]

    def keys(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.items()]

    def checked(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.items()
                if item.checkState() == Qt.CheckState.Checked]

    def all_checked(self) -> bool:
        return all(item.checkState() == Qt.CheckState.Checked for item in self.items())

    def set_checked(self, keys) -> None:
        wanted = set(keys)
        for item in self.items():
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def set_all(self, on: bool) -> None:
        """Check or uncheck every entry the filter shows."""
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for item in self.items():
            if not item.isHidden():
                item.setCheckState(state)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for item in self.items():
            key = str(item.data(Qt.ItemDataRole.UserRole))
            item.setHidden(bool(needle) and needle not in item.text().casefold() and needle not in key.casefold())


def fill_matrix(matrix: QTableWidget, report: AgreementReport) -> None:
    """The reviewer-pair matrix of span F1 (exact)."""
    names = list(report.annotators)
    matrix.clear()
    matrix.setRowCount(len(names))
    matrix.setColumnCount(len(names))
    matrix.setHorizontalHeaderLabels(names)
    matrix.setVerticalHeaderLabels(names)
    position = {name: k for k, name in enumerate(names)}
    for k in range(len(names)):
        item = QTableWidgetItem("—")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        item.setForeground(QBrush(NA_FOREGROUND))
        matrix.setItem(k, k, item)
    for pair in report.pairs:
        tip = (
            f"{pair.a} × {pair.b}: F1 exact {fmt(pair.f1_exact)}, F1 overlap {fmt(pair.f1_overlap)}"
            f", over {pair.documents} document(s) both annotated"
        )
        if pair.f1_exact is None:
            tip += "\nn/a: nothing to compare (no shared document, or neither marked anything)"
        for row, column in ((pair.a, pair.b), (pair.b, pair.a)):
            item = _figure_item(pair.f1_exact, colour=True)
            item.setToolTip(tip)
            matrix.setItem(position[row], position[column], item)

def fill_labels(table: QTableWidget, report: AgreementReport) -> None:
    """One row per label: F1 exact (mean ± SD), F1 overlap, κ, α_U."""
    table.clearContents()
    table.setRowCount(len(report.per_label))
    for row, (label, s) in enumerate(report.per_label.items()):
        name = QTableWidgetItem(label)
        name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        table.setItem(row, 0, name)
        exact = _figure_item(s.f1_exact_mean, fmt_mean_sd(s.f1_exact_mean, s.f1_exact_sd), colour=True)
        exact.setToolTip(f"{label}: mean and SD of span F1 (exact) over reviewer pairs")
        table.setItem(row, 1, exact)
        table.setItem(row, 2, _figure_item(s.f1_overlap_mean))
        table.setItem(row, 3, _figure_item(s.kappa_mean))
        table.setItem(row, 4, _figure_item(s.alpha_u))
