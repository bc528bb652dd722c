"""The document list: a table model over document summaries, refreshed row by row."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..store import DocumentSummary

COLUMNS = ("Title", "Spans", "Claims", "Done")
Index = QModelIndex | QPersistentModelIndex


class DocumentsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[DocumentSummary] = []
        self._row_of: dict[str, int] = {}

    def reset(self, rows: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._row_of = {r.id: n for n, r in enumerate(self._rows)}
        self.endResetModel()

    def update(self, summary: DocumentSummary) -> None:
        row = self._row_of.get(summary.id)
        if row is None:
            return
        self._rows[row] = summary
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def doc_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_of(self, doc_id: str) -> int | None:
        return self._row_of.get(doc_id)

    def summary(self, doc_id: str) -> DocumentSummary | None:
        row = self._row_of.get(doc_id)
        return None if row is None else self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, row.spans, row.claims, "✓" if row.done else "")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.title}\n{row.length:,} characters · {row.spans} spans · {row.claims} claims" + (
                " · done" if row.done else ""
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None
