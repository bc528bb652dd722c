"""The review view: walk through the places where reviewers disagree and build the gold layer.

Left, the disagreement items coloured by state (as INCEpTION does). Centre, the document with the
gold layer drawn as in annotation (backgrounds, CLAIM underlined) and, under every line, one lane
per reviewer: a bar in the label's colour where that reviewer has a span. Right, the current
item: each reviewer's version side by side (numbered: the key that accepts it) and the gold one.

Keys: ``N``/``P`` next/previous open item, ``1``..``9`` accept reviewer k's version, ``A`` accept
every distinct version, ``R`` reject, ``E`` edit the gold span by hand (select, then a label key),
``B`` build a claim item's gold claim from the gold spans, ``Ctrl+Z``/``Ctrl+Shift+Z`` undo/redo.
Decisions are the plain edits of :mod:`annotator.review`, wrapped by ``EditCommand``.

The items list (:mod:`.review_items_model`), the text view with its lanes (:mod:`.review_text_view`),
the versions panel (:mod:`.review_versions`), the menus (:mod:`.review_actions`) and the hand-edit
mode (:mod:`.review_edit_mode`) live in modules of their own; the widget classes are re-exported
here so that code importing them from this module keeps working.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from .. import review
from ..errors import AnnotatorError
from ..model import GOLD
from ..store import Store
from .commands import EditCommand
from .review_actions import ReviewActionsMixin
from .review_edit_mode import HandEditMixin
from .review_items_model import ItemsModel
from .review_text_view import ReviewTextView
from .review_versions import VersionsPanel

REVIEWER_COLORS = ("#7c3aed", "#0891b2", "#c2410c", "#4d7c0f", "#be185d", "#1d4ed8", "#a16207", "#0f766e", "#9f1239")


class ReviewWindow(ReviewActionsMixin, HandEditMixin, QMainWindow):
    """Adjudicate one document. Every change is committed at once and is undoable."""

    changed = Signal(str)  # doc_id whose gold layer or review decisions changed
    auto_accept_changed = Signal(bool)

    def __init__(self, store: Store, doc_id: str, lead_name: str, parent: QWidget | None = None, *, auto_accept: bool = True):
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.store = store
        self.doc_id = doc_id
        self.lead = lead_name
        self.auto_accept = auto_accept
        self.scheme = store.label_scheme()
        self.document = store.document(doc_id)
        self.undo_stack = QUndoStack(self)
        self.items: list[review.ReviewItem] = []
        self.current_key: str | None = None
        self.edit_mode = False
        self.edit_target: int | None = None  # gold span id the E key is editing
        self.gold: list = []
        self.messages: list[str] = []
        self.auto_accepted = 0
        self._build()
        self._build_actions()
        self.setWindowTitle(f"Review: {self.document.title} — Annotator")
        self.resize(1360, 820)
        self._open()

    # -- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        self.model = ItemsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("reviewItems")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Fixed widths: ResizeToContents would read every row of a long list on each reset.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((44, 112, 150)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)

        self.view = ReviewTextView(self)
        self.view.set_scheme(self.scheme)
        self.view.span_clicked.connect(self._on_span_clicked)
        self.legend = QLabel(self)
        self.legend.setObjectName("laneLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        center = QWidget(self)
        layout = QVBoxLayout(center)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.view, 1)

        self.panel = VersionsPanel(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("reviewSplitter")
        for widget in (self.table, center, self.panel):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([380, 600, 380])
        self.setCentralWidget(self.splitter)

        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("reviewProgress")
        self.mode_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.mode_label)
        self.statusBar().addPermanentWidget(self.progress_label)

    # -- opening and refreshing ----------------------------------------------------------------

    def _open(self) -> None:
        # The items are computed once: the automatic accept computes them and hands them back
        # with their new states; otherwise they are computed here.
        state = items = None
        if self.auto_accept and review.needs_auto_accept(self.store, self.doc_id):
            wanted = review.AcceptAgreed(self.doc_id, self.lead)
            try:
                inverse, state, items = wanted.apply_and_read(self.store)
            except AnnotatorError as exc:
                self.show_status(f"Not done: {exc}")
            else:
                self.auto_accepted = sum(1 for _k, row in inverse.items if row is None)
                if self.auto_accepted:
                    self.undo_stack.push(EditCommand(self, inverse, inverse.description))
        if state is None:
            state = review.load_state(self.store, self.doc_id)
            items = review.compute_items(state)
        self.view.load_review(self.document.text, self.store.span_rows(self.doc_id, GOLD), state.reviewers, state.spans)
        self.reviewers = state.reviewers
        self.colors = {r: REVIEWER_COLORS[k % len(REVIEWER_COLORS)] for k, r in enumerate(state.reviewers)}
        self.legend.setText(
            "Gold: coloured backgrounds (CLAIM underlined). Lanes above each line, top to bottom: "
            + ", ".join(f"<b>{k}</b>&nbsp;<span style='color:{self.colors[r]}'>{html.escape(r)}</span>"
                        for k, r in enumerate(state.reviewers, start=1))
            + " (bar colour = label)."
        )
        self._set_items(items, state.gold)
        first_open = next((row for row, item in enumerate(self.items) if item.is_open), 0 if self.items else None)
        if first_open is not None:
            self.select_row(first_open)
        if self.auto_accepted:
            self.show_status(f"{self.auto_accepted} agreed item(s) were accepted into gold automatically.")
        self._update_summary()

    def refresh(self, *, lanes: bool = False) -> None:
        """Re-read items and gold after a change (or an undo) and keep the current item;
        ``lanes`` redraws the reviewers' lanes too (their spans changed elsewhere)."""
        state = review.load_state(self.store, self.doc_id)
        self.view.set_spans(self.store.span_rows(self.doc_id, GOLD))
        if lanes or state.reviewers != self.reviewers:
            self.reviewers = state.reviewers
            self.view.set_lanes(state.reviewers, state.spans)
        current = self.current_item
        self._set_items(review.compute_items(state), state.gold)
        row = self.model.row_of(self.current_key)
        if row is None and current is not None:  # the key moved: nearest item by position
            row = next((r for r, it in enumerate(self.items) if it.end > current.start), len(self.items) - 1)
        if row is not None and row >= 0:
            self.select_row(row)
        else:
            self._show_current()
        self._update_summary()

    def follow_changes_elsewhere(self) -> None:
        """Another program (a merge from the command line, another copy of the app) committed."""
        if self.edit_mode:
            return  # never pull the text from under a hand edit; the next decision re-reads
        self.refresh(lanes=True)
        self.show_status("Updated: another program changed this project")

    def _set_items(self, items: list[review.ReviewItem], gold) -> None:
        self.items = items
        self.gold = gold
        self.model.reset(items, self.document.text)

    @property
    def current_item(self) -> review.ReviewItem | None:
        row = self.model.row_of(self.current_key)
        return self.items[row] if row is not None else None

    def select_row(self, row: int) -> None:
        if not (0 <= row < len(self.items)):
            return
        self.current_key = self.items[row].key
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self._show_current(scroll=True)

    def _on_row(self, current, _previous) -> None:
        if current.isValid() and 0 <= current.row() < len(self.items):
            if self.items[current.row()].key != self.current_key:
                self.current_key = self.items[current.row()].key
                self._leave_edit()
                self._show_current(scroll=True)

    def _show_current(self, scroll: bool = False) -> None:
        item = self.current_item
        row = self.model.row_of(self.current_key)
        self.panel.show_item(item, (row or 0) + 1, len(self.items), self.document.text, self.scheme, self.gold,
                             self.colors, self._gold_claims(item) if item is not None and item.kind == "claim" else None)
        self.view.show_item((item.start, item.end) if item else None, self.edit_target)
        if scroll and item is not None:
            self.view.scroll_to_cp(item.start)
            self.view.clear_selection()

    def _gold_claims(self, item: review.ReviewItem) -> list[tuple]:
        """The gold claims of a claim item, shaped like a reviewer's version."""
        statements = {g.id: g.tup for g in review.item_gold(self.gold, item)}
        tups = {g.id: g.tup for g in self.gold}
        return [
            (statements[c.span_id], tuple(sorted(tups[m] for m in c.members if m in tups)))
            for c in self.store.claims(self.doc_id, GOLD) if c.span_id in statements
        ]

    def _update_summary(self) -> None:
        decided = sum(not it.is_open for it in self.items)
        self.progress_label.setText(f"Adjudicated {decided} of {len(self.items)} items")
        parts = [f"Adjudicated {decided} of {len(self.items)} items"]
        if self.auto_accepted:
            parts.append(f"{self.auto_accepted} accepted automatically")
        changed = sum(it.changed for it in self.items)
        if changed:
            parts.append(f"{changed} changed since decided")
        self.summary_label.setText(" · ".join(parts))
        self.mode_label.setText("EDIT: select the gold span's text, then a label key (Esc cancels)" if self.edit_mode else "")

    # -- navigation ----------------------------------------------------------------------------

    def step(self, direction: int) -> None:
        """Next/previous open item (accepted and rejected ones are skipped)."""
        self._leave_edit()
        row = self.model.row_of(self.current_key)
        start = row if row is not None else (-1 if direction > 0 else len(self.items))
        r = start + direction
        while 0 <= r < len(self.items):
            if self.items[r].is_open:
                self.select_row(r)
                return
            r += direction
        self.show_status("No more open items in this direction." if any(it.is_open for it in self.items)
                         else "Every item is decided: the document is adjudicated.")

    def _advance(self) -> None:
        """After a decision, move to the next open item (wrapping), if any."""
        item = self.current_item
        if item is not None and item.is_open:
            return
        row = self.model.row_of(self.current_key) or 0
        order = list(range(row + 1, len(self.items))) + list(range(0, row))
        for r in order:
            if self.items[r].is_open:
                self.select_row(r)
                return
        self.show_status("Every item is decided: the document is adjudicated.")

    # -- decisions -----------------------------------------------------------------------------

    def _key(self, key: str) -> None:
        """Digits accept a reviewer's version, E starts an edit; in edit mode label keys label."""
        if self.edit_mode:
            label = self._label_for_key(key)
            if label is not None:
                self.edit_label(label)
                return
        if key.isdigit():
            self.accept_reviewer(int(key))
        elif key == "E":
            self.start_edit()
        else:
            self.show_status(f"{key} is a label key: press E first to edit the gold span by hand.")

    def accept_reviewer(self, k: int) -> None:
        item = self.current_item
        if item is None:
            return
        if not (1 <= k <= len(item.reviewers)):
            self.show_status(f"There is no reviewer {k} on this document (reviewers: {len(item.reviewers)}).")
            return
        self._decide(review.AcceptVersion(self.doc_id, item.key, self.lead, item.reviewers[k - 1]))

    def accept_all(self) -> None:
        self._leave_edit()
        item = self.current_item
        if item is not None:
            self._decide(review.AcceptVersion(self.doc_id, item.key, self.lead, None))

    def reject(self) -> None:
        self._leave_edit()
        item = self.current_item
        if item is not None:
            self._decide(review.Reject(self.doc_id, item.key, self.lead))

    def build_claim(self) -> None:
        self._leave_edit()
        item = self.current_item
        if item is not None:
            self._decide(review.BuildClaim(self.doc_id, item.key, self.lead))

    def accept_agreed(self) -> None:
        inverse = self.do(review.AcceptAgreed(self.doc_id, self.lead))
        if inverse is not None:
            n = sum(1 for _k, row in inverse.items if row is None)
            self.show_status(f"{n} agreed item(s) accepted.")

    def _decide(self, edit) -> None:
        if self.do(edit) is not None:
            self._advance()

    # -- applying edits ------------------------------------------------------------------------

    def _apply(self, edit):
        try:
            return edit.apply(self.store)
        except AnnotatorError as exc:
            self.show_status(f"Not done: {exc}")
            return None

    def do(self, edit):
        """Apply a decision now and record its inverse for undo; refresh the view."""
        inverse = self._apply(edit)
        if inverse is None:
            return None
        self.undo_stack.push(EditCommand(self, inverse, edit.description))
        self.refresh()
        self.changed.emit(self.doc_id)
        return inverse

    def apply_from_history(self, edit):
        """Called by EditCommand on undo/redo."""
        following = self._apply(edit)
        if following is None:
            # The file no longer matches the history: keep the file as the truth, drop the history.
            QTimer.singleShot(0, self.undo_stack.clear)
            return None
        self.refresh()
        self.changed.emit(self.doc_id)
        return following

    # -- messages ------------------------------------------------------------------------------

    def show_status(self, text: str) -> None:
        self.messages.append(text)
        self.statusBar().showMessage(text, 8000)


__all__ = ["ReviewWindow", "ItemsModel", "ReviewTextView", "VersionsPanel"]
