"""The claims panel: each claim with its statement and members, then the spans in no claim.

A tree view over ``ClaimsModel`` (``claims_model.py``), a small item model that holds ids and
computes text only for the rows Qt asks about, so a document with thousands of claims and tens of
thousands of spans opens at once.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QMenu, QVBoxLayout, QWidget

from ..model import FIGURE, LabelScheme, Span, SpanRow
from ..store import StoredClaim
from .claims_model import BATCH, CLAIM_ROLE, EXPAND_ALL_UP_TO, SPAN_ROLE, ClaimsModel  # noqa: F401 (BATCH: tests)
from .claims_tree import ClaimsTree

class ClaimsPanel(QWidget):
    claim_selected = Signal(object)  # claim id
    span_selected = Signal(object)  # span id
    detach_requested = Signal(object, object)  # claim id, span id
    attach_requested = Signal(object)  # claim id: attach the selected span to it
    note_edited = Signal(object, str)  # claim id, note
    figure_edit_requested = Signal(object)  # span id of a FIGURE span

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("claimsPanel")
        self.setMinimumWidth(240)  # below this the member texts shrink to nothing
        self.model = ClaimsModel(self)
        self.tree = ClaimsTree(self)
        self.tree.setObjectName("claimsTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)  # lets Qt skip measuring rows it does not show
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Not ResizeToContents: that asks every row of a long document for its size.
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.tree.header().resizeSection(1, 84)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.note_label = QLabel("Note on the current claim:", self)
        self.note = QLineEdit(self)
        self.note.setObjectName("claimNote")
        self.note.setPlaceholderText("Select a claim to write a note")
        self.note.setEnabled(False)
        self.note.editingFinished.connect(self._note_finished)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)
        self.detach_action = QAction("Detach from claim", self)
        self.detach_action.setShortcut(QKeySequence("Shift+A"))
        self.detach_action.triggered.connect(self._detach_current)
        self._current_claim: int | None = None
        self._filling = False

    # -- content -----------------------------------------------------------------------------

    def show_layer(self, text: str, spans: list[Span | SpanRow], claims: list[StoredClaim], scheme: LabelScheme) -> None:
        expanded = self._expanded_claims()
        self._filling = True
        try:
            self.model.reset(text, spans, claims, scheme)
            self.model.current_claim = self._current_claim
            groups = self.model.groups
            if len(claims) <= EXPAND_ALL_UP_TO:
                wanted = range(len(groups))
            else:
                wanted = [r for r, g in enumerate(groups[: self.model.rowCount()])
                          if g.claim is not None and g.claim.id in expanded]
            for row in wanted:
                group = groups[row]
                # the spans in no claim are opened only when there are few of them
                if group.claim is not None or len(group.members) <= 200:
                    self.tree.setExpanded(self.model.index(row, 0), True)
        finally:
            self._filling = False
        self.set_current_claim(self._current_claim)

    def update_layer(self, text: str, spans: list[Span | SpanRow], claims: list[StoredClaim], scheme: LabelScheme,
                     touched: frozenset) -> None:
        """The same layer after an edit that touched ``touched`` spans: only the rows that differ
        change (rows open or closed and the scroll position stay), else it is shown again."""
        self._filling = True  # a removed current row moves the tree's current index: not the user's choice
        try:
            patched = self.model.patch(text, spans, claims, scheme, touched)
        finally:
            self._filling = False
        if not patched:
            self.show_layer(text, spans, claims, scheme)
            return
        self.set_current_claim(self._current_claim)

    def _expanded_claims(self) -> set[int]:
        if len(self.model.groups) > EXPAND_ALL_UP_TO * 4:  # asking each row costs; keep the current one open
            return set()
        return {g.claim.id for r, g in enumerate(self.model.groups[: self.model.rowCount()])
                if g.claim is not None and self.tree.isExpanded(self.model.index(r, 0))}

    def commit_note(self) -> None:
        """Save what is typed in the note field before the field shows another claim's note."""
        if self.note.isEnabled() and self._current_claim is not None:
            self._note_finished()

    def set_current_claim(self, claim_id: int | None) -> None:
        if claim_id != self._current_claim:
            self.commit_note()
        self._current_claim = claim_id
        self.model.set_current_claim(claim_id)
        group = next((g for g in self.model.groups if g.claim is not None and g.claim.id == claim_id), None)
        self.note.blockSignals(True)
        self.note.setEnabled(group is not None)
        note = group.claim.note if group else ""
        if self.note.text() != note:  # setText repaints the field even when nothing changes
            self.note.setText(note)
        self.note.blockSignals(False)
        row = self.model.claim_row(claim_id) if claim_id is not None else None
        if row is not None:
            self.tree.setExpanded(self.model.index(row, 0), True)

    def claim_ids(self) -> list[int]:
        return [g.claim.id for g in self.model.groups if g.claim is not None]

    def claim_row_texts(self, row: int) -> tuple[str, list[str]]:
        """What a row shows: the claim's title and its members' texts (for tests and tooltips)."""
        self.model.load_through(row)
        top = self.model.index(row, 0)
        children = [self.model.index(k, 0, top).data() for k in range(self.model.rowCount(top))]
        return top.data(), children

    def readings_ready(self) -> None:
        """The figure readers are loaded: paint the rows again, now with their readings."""
        self.tree.viewport().update()

    def current_span(self) -> int | None:
        index = self.tree.currentIndex()
        return index.siblingAtColumn(0).data(SPAN_ROLE) if index.isValid() else None

    def current_member(self) -> tuple[int, int] | None:
        """(claim id, span id) of the member row that has the focus in the tree, if any."""
        index = self.tree.currentIndex()
        if not index.isValid() or not index.parent().isValid():
            return None
        claim_id = index.data(CLAIM_ROLE)
        span_id = index.siblingAtColumn(0).data(SPAN_ROLE)
        return (claim_id, span_id) if claim_id is not None and span_id is not None else None

    def select_item_for(self, claim_id: int | None, span_id: int | None) -> None:
        """Move the tree's current row to the given claim or member without emitting signals."""
        target = QModelIndex()
        for row, group in enumerate(self.model.groups):
            if span_id is None and (group.claim is None or group.claim.id != claim_id):
                continue
            if span_id is not None and not (
                (group.claim is not None and group.claim.span_id == span_id) or span_id in group.members
            ):
                continue
            self.model.load_through(row)
            top = self.model.index(row, 0)
            if span_id is None:
                if claim_id is not None and group.claim is not None and group.claim.id == claim_id:
                    target = top
                    break
                continue
            if group.claim is not None and group.claim.span_id == span_id and claim_id in (None, group.claim.id):
                target = top
                break
            if span_id in group.members and (claim_id is None or (group.claim and group.claim.id == claim_id)):
                target = self.model.index(group.members.index(span_id), 0, top)
                break
        if target.isValid():
            self._filling = True
            try:
                self.tree.setCurrentIndex(target)
                self.tree.scrollTo(target)
            finally:
                self._filling = False

    # -- user actions ------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._filling or not current.isValid():
            return
        current = current.siblingAtColumn(0)
        claim_id = current.data(CLAIM_ROLE)
        span_id = current.data(SPAN_ROLE)
        if not current.parent().isValid():
            if claim_id is not None:
                self.claim_selected.emit(claim_id)
        elif span_id is not None:
            if claim_id is not None:
                self.claim_selected.emit(claim_id)
            self.span_selected.emit(span_id)

    def _detach_current(self) -> None:
        member = self.current_member()
        if member is not None:
            self.detach_requested.emit(*member)

    def _context_menu(self, pos) -> None:
        index = self.tree.indexAt(pos)
        if not index.isValid():
            return
        menu = QMenu(self)
        claim_id = index.data(CLAIM_ROLE)
        if index.parent().isValid() and claim_id is not None:
            self.tree.setCurrentIndex(index)
            menu.addAction(self.detach_action)
        span_id = index.siblingAtColumn(0).data(SPAN_ROLE)
        span = self.model.spans.get(span_id)
        if span is not None and span.label == FIGURE:
            edit = menu.addAction("Edit figure reading…  (Shift+F)")
            edit.triggered.connect(lambda: self.figure_edit_requested.emit(span_id))
        if claim_id is not None:
            attach = menu.addAction("Attach selected span to this claim")
            attach.triggered.connect(lambda: self.attach_requested.emit(claim_id))
        if not menu.isEmpty():
            menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _note_finished(self) -> None:
        if self._current_claim is None:
            return
        group = next((g for g in self.model.groups if g.claim is not None and g.claim.id == self._current_claim), None)
        if group is not None and self.note.text() != group.claim.note:
            self.note_edited.emit(group.claim.id, self.note.text())
