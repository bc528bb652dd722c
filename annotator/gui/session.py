"""What the window works on: the project, the reviewer, the open document, the undo history.

Every annotation change goes through ``Session.do`` and every view refreshes from the one
``changed`` signal, which names the document that changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoGroup, QUndoStack

from ..errors import AnnotatorError
from ..store import Store
from .commands import EditCommand

if TYPE_CHECKING:
    from ..edits import Edit

# SQLite's page cache for the window's connection, in KiB (the default is 2 MiB). Every span write
# reads documents.length, which lies after the text in the row: in a 20 MB article SQLite walks
# some 5,000 overflow pages to get there, from the file when they do not fit (~20 ms, three times
# per key press), from memory when the open article's pages stay cached (~0.2 ms).
PAGE_CACHE_KIB = 64 * 1024


class Session(QObject):
    # doc_id whose annotations changed, and the ids of the spans added, changed or removed
    # (a frozenset; claims and notes may have changed whatever it holds).
    changed = Signal(str, object)
    saved = Signal()  # a change was committed to the project file
    failed = Signal(str)  # a change could not be made; the message is for the user
    current_claim_changed = Signal(object)  # claim id or None
    selected_span_changed = Signal(object)  # span id or None

    def __init__(self, store: Store, reviewer: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        store.db.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")  # pages are only held once read
        self.reviewer = reviewer
        self.doc_id: str | None = None
        self.current_claim: int | None = None
        self.selected_span: int | None = None
        self.undo_group = QUndoGroup(self)
        self._stacks: dict[tuple[str, str], QUndoStack] = {}

    # -- what is open ------------------------------------------------------------------------

    def open_document(self, doc_id: str) -> None:
        self.doc_id = doc_id
        key = (doc_id, self.reviewer)
        stack = self._stacks.get(key)
        if stack is None:
            stack = self._stacks[key] = QUndoStack(self.undo_group)
        self.undo_group.setActiveStack(stack)
        self.set_current_claim(None)
        self.select_span(None)

    def forget_history(self, doc_id: str, reviewer: str) -> None:
        stack = self._stacks.get((doc_id, reviewer))
        if stack is not None:
            stack.clear()

    def set_reviewer(self, reviewer: str) -> None:
        self.reviewer = reviewer
        if self.doc_id is not None:
            self.open_document(self.doc_id)

    def set_current_claim(self, claim_id: int | None) -> None:
        if claim_id != self.current_claim:
            self.current_claim = claim_id
            self.current_claim_changed.emit(claim_id)

    def select_span(self, span_id: int | None) -> None:
        if span_id != self.selected_span:
            self.selected_span = span_id
            self.selected_span_changed.emit(span_id)

    # -- changes -----------------------------------------------------------------------------

    def do(self, edit: Edit) -> Edit | None:
        """Apply ``edit`` now and record it for undo; on failure tell the user, change nothing."""
        try:
            inverse = edit.apply(self.store)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
            return None
        stack = self.undo_group.activeStack()
        stack.push(EditCommand(self, inverse, edit.description))
        self._after_change(edit.doc_id, edit.touched_spans | inverse.touched_spans)
        return inverse

    def apply_from_history(self, edit: Edit) -> Edit | None:
        try:
            following = edit.apply(self.store)
        except AnnotatorError as exc:
            # The file no longer matches the history (disk full, file replaced): keep the file as
            # the truth and drop the history rather than replay steps against the wrong state.
            self.failed.emit(f"{exc}\nThe undo history of this document was cleared.")
            stack = self.undo_group.activeStack()
            if stack is not None:
                from PySide6.QtCore import QTimer

                QTimer.singleShot(0, stack.clear)
            return None
        self._after_change(edit.doc_id, edit.touched_spans | following.touched_spans)
        return following

    def _forget_missing(self) -> None:
        """After undo/redo the selected span or current claim may be gone."""
        if self.selected_span is not None:
            if not self.store.db.execute("SELECT 1 FROM spans WHERE id = ?", (self.selected_span,)).fetchone():
                self.select_span(None)
        if self.current_claim is not None:
            if not self.store.db.execute("SELECT 1 FROM claims WHERE id = ?", (self.current_claim,)).fetchone():
                self.set_current_claim(None)

    def _after_change(self, doc_id: str, touched: frozenset = frozenset()) -> None:
        self._forget_missing()
        self.changed.emit(doc_id, touched)
        self.saved.emit()

    def set_done(self, done: bool) -> None:
        if self.doc_id is None:
            return
        try:
            self.store.set_done(self.doc_id, self.reviewer, done)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
            return
        self._after_change(self.doc_id)
