"""The main window's document list: the table and its model, choosing, stepping through,
renaming and reloading documents."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from ..errors import AnnotatorError
from .documents_model import DocumentsModel, StoreSource

# Writing the last document opened waits until the reader stays on one this long: QSettings writes
# its file (two fdatasync calls, 14 ms and more on a busy disk) right after every change.
REMEMBER_AFTER_MS = 1500


class DocumentListMixin:
    """The document list of ``MainWindow``."""

    def _build_document_list(self) -> None:
        self.documents = DocumentsModel(self, review_progress=self._review_progress, rename=self._rename_document)
        self.doc_table = QTableView(self)
        self.doc_table.setObjectName("documentList")
        self.doc_table.setModel(self.documents)
        self.doc_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.doc_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.doc_table.verticalHeader().hide()
        self.doc_table.setWordWrap(False)
        self.doc_table.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self._size_columns()
        self._remember_timer = QTimer(self)
        self._remember_timer.setSingleShot(True)
        self._remember_timer.setInterval(REMEMBER_AFTER_MS)
        self._remember_timer.timeout.connect(self._remember_last_document)

    def _size_columns(self) -> None:
        """Widths from the font, never from the contents: resizing to contents makes Qt measure
        up to 1,000 rows (and work out their adjudication) after every change to any row."""
        header = self.doc_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.doc_table.fontMetrics()
        # Room for the header's margins, from the font's height (what 4 header margins + 8 come
        # to with the usual styles and fonts, 16 px): asking the style from Python builds QStyle's
        # dozen enums, some of hundreds of members, about 10 ms of the window's start.
        pad = metrics.height() + 2
        widest = {1: "00000", 2: "00000", 3: "✓", 4: "000 of 000"}
        for column, sample in widest.items():
            text = max(sample, str(self.documents.headerData(column, Qt.Orientation.Horizontal)), key=metrics.horizontalAdvance)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, metrics.horizontalAdvance(text) + pad)

    def reload_documents(self) -> None:
        # Only the number of documents now; ids, titles and counts are read a page at a time
        # for the rows shown (from an index: no text is read).
        source = StoreSource(self.store, lambda: self.session.reviewer)
        self.documents.set_source(source)
        self._documents_print = source.fingerprint
        # The adjudication column only where there is something to adjudicate: it takes room.
        self.doc_table.setColumnHidden(4, not self.store.has_multi_reviewer_documents())

    def _open_initial_document(self) -> None:
        last = self.settings.last_document(self.store.path)
        row = self.documents.row_of(last) if last else None
        if row is None and self.documents.rowCount() > 0:
            row = 0
        if row is not None:
            self.select_document_row(row)
        else:
            self._update_status()

    def select_document_row(self, row: int) -> None:
        index = self.documents.index(row, 0)
        self.doc_table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )

    def open_document(self, doc_id: str) -> None:
        row = self.documents.row_of(doc_id)
        if row is not None:
            self.select_document_row(row)

    def _reload_current(self) -> None:
        current = self.session.doc_id
        self.session.doc_id = None  # force a full reload of the view
        self.suggestion_worker.forget_project()  # an import or a merge may have tagged strings anywhere
        self.reload_documents()
        if current and self.documents.row_of(current) is not None:
            self.open_document(current)
        elif self.documents.rowCount():
            self.select_document_row(0)
        self._update_status()

    def _rename_document(self, doc_id: str, title: str) -> bool:
        try:
            self.store.set_title(doc_id, title)
        except AnnotatorError as exc:
            self.show_error(str(exc))
            return False
        if doc_id == self.session.doc_id:
            self.setWindowTitle(f"{title} — Annotator — {self.store.path.name}")
            QTimer.singleShot(0, self._update_status)  # after the list row holds the new title
        return True

    def step_document(self, step: int) -> None:
        row = self.documents.row_of(self.session.doc_id) if self.session.doc_id else -1
        target = (row if row is not None else -1) + step
        if 0 <= target < self.documents.rowCount():
            self.select_document_row(target)

    def toggle_done(self) -> None:
        summary = self.documents.summary(self.session.doc_id) if self.session.doc_id else None
        if summary is not None:
            self.session.set_done(not summary.done)

    def done_and_next(self) -> None:
        summary = self.documents.summary(self.session.doc_id) if self.session.doc_id else None
        if summary is not None and not summary.done:
            self.session.set_done(True)
        self.step_document(1)

    def _remember_last_document(self) -> None:
        if self.session.doc_id:
            self.settings.set_last_document(self.store.path, self.session.doc_id)
