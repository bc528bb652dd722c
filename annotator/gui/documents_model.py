"""The document list: a table model over document summaries, refreshed row by row."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..store import DocumentSummary

COLUMNS = ("Title", "Spans", "Claims", "Done", "Adjudicated")
REVIEW_COLUMN = 4
Index = QModelIndex | QPersistentModelIndex


class DocumentsModel(QAbstractTableModel):
    """Rows hold summaries; the adjudication column is worked out only for rows Qt shows."""

    def __init__(
        self,
        parent=None,
        review_progress: Callable[[str], tuple[int, int] | None] | None = None,
        rename: Callable[[str, str], bool] | None = None,
    ):
        super().__init__(parent)
        self._rename = rename  # (doc_id, title) -> stored?
        self._rows: list[DocumentSummary] = []
        self._row_of: dict[str, int] = {}
        self._review_progress = review_progress
        self._progress: dict[str, tuple[int, int] | None] = {}

    def reset(self, rows: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._progress.clear()
        self._rows = list(rows)
        self._row_of = {r.id: n for n, r in enumerate(self._rows)}
        self.endResetModel()

    def update(self, summary: DocumentSummary) -> None:
        row = self._row_of.get(summary.id)
        if row is None:
            return
        self._rows[row] = summary
        # The adjudication count is not recounted here: working it out for a long document with
        # several layers takes most of a second, far too long for every key press. It is
        # refreshed when the review view changes gold and whenever the list is reloaded.
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def review_progress(self, doc_id: str) -> tuple[int, int] | None:
        """(decided, total) disagreement items, or None where fewer than two reviewers worked."""
        if self._review_progress is None:
            return None
        if doc_id not in self._progress:
            self._progress[doc_id] = self._review_progress(doc_id)
        return self._progress[doc_id]

    def forget_review_progress(self) -> None:
        self._progress.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, REVIEW_COLUMN), self.index(len(self._rows) - 1, REVIEW_COLUMN))

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
            if column == REVIEW_COLUMN:
                progress = self.review_progress(row.id)
                return f"{progress[0]} of {progress[1]}" if progress else ""
            return (row.title, row.spans, row.claims, "✓" if row.done else "")[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{row.title}\n{row.length:,} characters · {row.spans} spans · {row.claims} claims" + (
                " · done" if row.done else ""
            )
            if column == REVIEW_COLUMN and self.review_progress(row.id):
                decided, total = self.review_progress(row.id)
                tip += f"\nadjudicated {decided} of {total} disagreement items" + (" · review done" if decided == total else "")
            return tip
        if role == Qt.ItemDataRole.EditRole and column == 0:
            return row.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0 and self._rename is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 0 or self._rename is None:
            return False
        row = self._rows[index.row()]
        title = " ".join(str(value).split())
        if not title or title == row.title or not self._rename(row.id, title):
            return False
        self._rows[index.row()] = replace(row, title=title)
        self.dataChanged.emit(index, index)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None
