"""The document list: a table model over document ids, whose titles and counts are read a page
at a time for the rows Qt asks about, so that neither start-up nor an edit costs more with
100,000 documents than with two."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Protocol, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer

from ..errors import AnnotatorError
from ..store import DocumentSummary, Store

COLUMNS = ("Title", "Spans", "Claims", "Done", "Adjudicated")
REVIEW_COLUMN = 4
PAGE = 64  # rows read together: a screenful or two
POSITIONS_CHECK_MS = 1000  # after start-up: whether rows can be found by position (StoreSource)
PENDING_CAP = 256  # adjudication counts waiting to be worked out; older requests were scrolled past
Index = QModelIndex | QPersistentModelIndex
_DISPLAY, _EDIT, _TOOLTIP, _USER = (int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole))
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ANSWERED = frozenset((_DISPLAY, _EDIT, _TOOLTIP, _USER, _ALIGNMENT))
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_TITLE_FLAGS = _FLAGS | Qt.ItemFlag.ItemIsEditable


class DocumentSource(Protocol):
    """Where the rows come from, in list order."""

    def count(self) -> int: ...
    def ids(self, offset: int, limit: int) -> list[str]: ...
    def row_of(self, doc_id: str) -> int | None: ...
    def summaries(self, ids: Sequence[str]) -> list[DocumentSummary]: ...


class StoreSource:
    """A project's documents for the reviewer ``reviewer()`` names, read from the store on demand."""

    def __init__(self, store: Store, reviewer: Callable[[], str]):
        self.store = store
        self.reviewer = reviewer
        self.fingerprint: tuple | None = None  # which documents there were when counted
        self._dense: bool | None = None  # positions 0..n-1 (rows are positions); None: not checked yet

    def count(self) -> int:
        self.fingerprint = self.store.documents_fingerprint()
        self._dense = None  # another set of documents: checked again
        return self.fingerprint[0]

    def check_positions(self) -> None:
        """Whether rows can be found by position: one walk of the index (12-30 ms at 100,000
        documents), so the list asks for it once, after start-up, never on a key press or a jump;
        until then rows are counted as before."""
        if self._dense is None:
            try:
                self._dense = self.store.document_positions_dense()
            except AnnotatorError:  # the project was closed (or failed) meanwhile: rows stay counted
                return

    def ids(self, offset: int, limit: int) -> list[str]:
        if offset and self._dense:  # a page far down: no OFFSET walking the rows before it
            return self.store.document_ids_at(offset, limit)
        return self.store.document_order(offset, limit)

    def row_of(self, doc_id: str) -> int | None:
        if self._dense:  # opening a document far down the list costs no count
            return self.store.document_position(doc_id)
        return self.store.document_row(doc_id)

    def summaries(self, ids: Sequence[str]) -> list[DocumentSummary]:
        return self.store.document_summaries_of(self.reviewer(), ids)


class ListSource:
    """Summaries given whole (tests, small lists)."""

    def __init__(self, rows: Sequence[DocumentSummary]):
        self.rows = {r.id: r for r in rows}
        self.order = [r.id for r in rows]
        self.rows_of = {doc_id: n for n, doc_id in enumerate(self.order)}

    def count(self) -> int:
        return len(self.order)

    def ids(self, offset: int, limit: int) -> list[str]:
        return self.order[offset:offset + limit]

    def row_of(self, doc_id: str) -> int | None:
        return self.rows_of.get(doc_id)

    def summaries(self, ids: Sequence[str]) -> list[DocumentSummary]:
        return [self.rows[i] for i in ids if i in self.rows]


class DocumentsModel(QAbstractTableModel):
    """Rows are documents in list order; their ids, titles and counts are read a page at a time
    on first use and kept until ``refresh`` or a reset. The adjudication column is worked out
    only for rows Qt shows, one document per turn of the event loop, so that a screenful of
    ten-reviewer documents never blocks the window."""

    def __init__(
        self,
        parent=None,
        review_progress: Callable[[str], tuple[int, int] | None] | None = None,
        rename: Callable[[str, str], bool] | None = None,
    ):
        super().__init__(parent)
        self._rename = rename  # (doc_id, title) -> stored?
        self._source: DocumentSource = ListSource([])
        self._count = 0
        self._pages: dict[int, list[str]] = {}  # page number -> ids of its rows
        self._row_of: dict[str, int] = {}  # for the pages read so far
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
        """Show exactly these summaries."""
        self.set_source(ListSource(rows))

    def set_source(self, source: DocumentSource) -> None:
        """Show the documents of ``source``; nothing but their number is read now."""
        self.beginResetModel()
        self._source = source
        self._count = source.count()
        self._forget()
        self.endResetModel()
        check = getattr(source, "check_positions", None)
        if check is not None:
            QTimer.singleShot(POSITIONS_CHECK_MS, self, lambda: check() if self._source is source else None)

    def _forget(self) -> None:
        self._pages.clear()
        self._row_of.clear()
        self._summaries.clear()
        self._progress.clear()
        self._pending.clear()

    def update(self, summary: DocumentSummary) -> None:
        row = self.row_of(summary.id)
        if row is None:
            return
        self._summaries[summary.id] = summary
        # The adjudication count is not recounted here: working it out for a long document with
        # several layers takes most of a second, far too long for every key press. It is
        # refreshed when the review view changes gold and whenever the list is reloaded.
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def refresh(self) -> None:
        """Forget every row read so far (another program changed the project, not which
        documents there are): rows on screen are read again when Qt repaints them, the others
        when scrolled to."""
        self._forget()
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(COLUMNS) - 1))

    def _page(self, number: int) -> list[str]:
        ids = self._pages.get(number)
        if ids is None:
            ids = self._pages[number] = self._source.ids(number * PAGE, PAGE)
            self._row_of.update((doc_id, number * PAGE + k) for k, doc_id in enumerate(ids))
        return ids

    def doc_id(self, row: int) -> str | None:
        if not 0 <= row < self._count:
            return None
        ids = self._page(row // PAGE)
        return ids[row % PAGE] if row % PAGE < len(ids) else None

    def row_of(self, doc_id: str) -> int | None:
        row = self._row_of.get(doc_id)
        if row is None:
            row = self._source.row_of(doc_id)
            if row is None or self.doc_id(row) != doc_id:  # reading a page fills _row_of
                return None
        return row

    def summary(self, doc_id: str) -> DocumentSummary | None:
        row = self.row_of(doc_id)
        return None if row is None else self._summary_at(row)

    def _summary_at(self, row: int) -> DocumentSummary | None:
        doc_id = self.doc_id(row)
        if doc_id is None:
            return None
        summary = self._summaries.get(doc_id)
        if summary is None:
            wanted = [i for i in self._page(row // PAGE) if i not in self._summaries]
            for fetched in self._source.summaries(wanted):
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
        row = self._row_of.get(doc_id)  # rows shown were read: their page is known
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
        if self._count:
            self.dataChanged.emit(self.index(0, REVIEW_COLUMN), self.index(self._count - 1, REVIEW_COLUMN))

    # -- Qt's side ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = _DISPLAY):
        # Qt asks seven roles of every cell it paints; the four we answer are plain ints here,
        # since comparing Qt's enums costs more than the rest of the call.
        if role not in _ANSWERED or not index.isValid():
            return None
        row_number = index.row()
        if not 0 <= row_number < self._count:
            return None
        column = index.column()
        if role == _ALIGNMENT:
            return _CENTER if column > 0 else None
        if role == _USER:
            return self.doc_id(row_number)
        row = self._summary_at(row_number)
        if row is None:
            return None
        if role == _DISPLAY:
            if column == REVIEW_COLUMN:
                progress = self._shown_progress(row.id)
                return f"{progress[0]} of {progress[1]}" if progress else ""
            return (row.title, row.spans, row.claims, "✓" if row.done else "")[column]
        if role == _TOOLTIP:
            tip = f"{row.title}\n{row.length:,} characters · {row.spans} spans · {row.claims} claims" + (
                " · done" if row.done else ""
            )
            if column == REVIEW_COLUMN and self.review_progress(row.id):
                decided, total = self.review_progress(row.id)
                tip += f"\nadjudicated {decided} of {total} disagreement items" + (" · review done" if decided == total else "")
            return tip
        if role == _EDIT and column == 0:
            return row.title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _TITLE_FLAGS if index.column() == 0 and self._rename is not None else _FLAGS

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
