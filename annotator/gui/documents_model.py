"""The document list: a table model over document ids, whose titles and counts are read a page
at a time for the rows Qt asks about, so that neither start-up nor an edit costs more with
100,000 documents than with two."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer

from ..store import DocumentSummary

COLUMNS = ("Title", "Spans", "Claims", "Done", "Adjudicated")
REVIEW_COLUMN = 4
PAGE = 64  # rows read together: a screenful or two
PENDING_CAP = 256  # adjudication counts waiting to be worked out; older requests were scrolled past
Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[Sequence[str]], list[DocumentSummary]]


class DocumentsModel(QAbstractTableModel):
    """Rows are document ids; summaries are fetched by page on first use and kept until
    ``refresh``. The adjudication column is worked out only for rows Qt shows, one document per
    turn of the event loop, so that a screenful of ten-reviewer documents never blocks."""

    def __init__(
        self,
        parent=None,
        review_progress: Callable[[str], tuple[int, int] | None] | None = None,
        rename: Callable[[str, str], bool] | None = None,
    ):
        super().__init__(parent)
        self._rename = rename  # (doc_id, title) -> stored?
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        self._fetch: Fetch | None = None
        self._summaries: dict[str, DocumentSummary] = {}
        self._review_progress = review_progress
        self._progress: dict[str, tuple[int, int] | None] = {}
        self._pending: dict[str, None] = {}  # ordered: newest request last
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._work_out_one)

    # -- contents ------------------------------------------------------------------------------

    def reset(self, rows: Sequence[DocumentSummary]) -> None:
        """Show exactly these summaries (nothing is fetched)."""
        self._reset([r.id for r in rows], None)
        self._summaries = {r.id: r for r in rows}

    def reset_ids(self, ids: Sequence[str], fetch: Fetch) -> None:
        """Show these documents in this order; ``fetch(ids)`` gives the summaries of a page."""
        self._reset(list(ids), fetch)

    def _reset(self, ids: list[str], fetch: Fetch | None) -> None:
        self.beginResetModel()
        self._progress.clear()
        self._pending.clear()
        self._summaries = {}
        self._ids = ids
        self._row_of = {doc_id: n for n, doc_id in enumerate(ids)}
        self._fetch = fetch
        self.endResetModel()

    def ids(self) -> list[str]:
        return list(self._ids)

    def update(self, summary: DocumentSummary) -> None:
        row = self._row_of.get(summary.id)
        if row is None:
            return
        self._summaries[summary.id] = summary
        # The adjudication count is not recounted here: working it out for a long document with
        # several layers takes most of a second, far too long for every key press. It is
        # refreshed when the review view changes gold and whenever the list is reloaded.
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def refresh(self) -> None:
        """Forget every summary read so far (another program changed the project): rows on
        screen are read again when Qt repaints them, the others when scrolled to."""
        if self._fetch is None:
            return
        self._summaries.clear()
        self._progress.clear()
        self._pending.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def doc_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, doc_id: str) -> int | None:
        return self._row_of.get(doc_id)

    def summary(self, doc_id: str) -> DocumentSummary | None:
        row = self._row_of.get(doc_id)
        return None if row is None else self._summary_at(row)

    def cached_summaries(self) -> dict[str, DocumentSummary]:
        return dict(self._summaries)

    def _summary_at(self, row: int) -> DocumentSummary | None:
        doc_id = self._ids[row]
        summary = self._summaries.get(doc_id)
        if summary is None and self._fetch is not None:
            first = row - row % PAGE
            page = [i for i in self._ids[first:first + PAGE] if i not in self._summaries]
            for fetched in self._fetch(page):
                self._summaries[fetched.id] = fetched
            summary = self._summaries.get(doc_id)
        return summary

    # -- adjudication ----------------------------------------------------------------------------

    def review_progress(self, doc_id: str) -> tuple[int, int] | None:
        """(decided, total) disagreement items, or None where fewer than two reviewers worked;
        worked out now if not known yet."""
        if self._review_progress is None:
            return None
        if doc_id not in self._progress:
            self._pending.pop(doc_id, None)
            self._progress[doc_id] = self._review_progress(doc_id)
        return self._progress[doc_id]

    def _shown_progress(self, doc_id: str) -> tuple[int, int] | None:
        """What the cell shows now: the count if known, else nothing while it is worked out soon."""
        if self._review_progress is None:
            return None
        if doc_id in self._progress:
            return self._progress[doc_id]
        self._pending.pop(doc_id, None)
        self._pending[doc_id] = None
        while len(self._pending) > PENDING_CAP:
            del self._pending[next(iter(self._pending))]
        if not self._timer.isActive():
            self._timer.start()
        return None

    def _work_out_one(self) -> None:
        if not self._pending:
            return
        doc_id = next(reversed(self._pending))  # the newest request: the rows on screen now
        del self._pending[doc_id]
        row = self._row_of.get(doc_id)
        if row is not None and doc_id not in self._progress:
            self._progress[doc_id] = self._review_progress(doc_id)
            cell = self.index(row, REVIEW_COLUMN)
            self.dataChanged.emit(cell, cell)
        if self._pending:
            self._timer.start()

    def progress_pending(self) -> bool:
        return bool(self._pending)

    def forget_review_progress(self) -> None:
        self._progress.clear()
        self._pending.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, REVIEW_COLUMN), self.index(len(self._ids) - 1, REVIEW_COLUMN))

    # -- Qt's side ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        column = index.column()
        if role == Qt.ItemDataRole.UserRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter) if column > 0 else None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole):
            return None
        row = self._summary_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == REVIEW_COLUMN:
                progress = self._shown_progress(row.id)
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
        row = self._summary_at(index.row())
        if row is None:
            return False
        title = " ".join(str(value).split())
        if not title or title == row.title or not self._rename(row.id, title):
            return False
        self._summaries[row.id] = replace(row, title=title)
        self.dataChanged.emit(index, index)
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None
