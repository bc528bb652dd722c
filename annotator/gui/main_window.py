"""The main window: document list, article view and claims panel, driven from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter

from ..model import CLAIM
from ..offsets import trim_whitespace
from ..store import Store
from .deferred import edits
from .background import BackgroundTask
from .file_actions import FileActionsMixin
from .menus import MenusMixin
from .project_watcher import ExternalChangesMixin
from .reviewer_actions import ReviewerActionsMixin
from .claims_panel import ClaimsPanel
from .document_list import DocumentListMixin
from .figure_support import FigureActionsMixin, reading_text
from .session import Session
from .settings import Settings
from .suggest_actions import SuggestActionsMixin
from .text_view import AnnotationView


# Just after the first paint rather than on the first event-loop turn, where the figure thread
# (~0.3 s of CPU, mostly holding the GIL) slowed the paint; soon enough to be done before the
# reader's first key press, which otherwise waits for it. A key pressed sooner imports itself.
WARM_UP_AFTER_MS = 100


class MainWindow(DocumentListMixin, ExternalChangesMixin, FileActionsMixin, ReviewerActionsMixin, FigureActionsMixin,
                 SuggestActionsMixin, MenusMixin, QMainWindow):
    def __init__(self, store: Store, reviewer: str, settings: Settings | None = None):
        super().__init__()
        self.setObjectName("mainWindow")
        self.store = store
        self.settings = settings or Settings()
        self.session = Session(store, reviewer, self)
        self.scheme = store.label_scheme()
        self.messages: list[str] = []  # every message shown to the user, newest last
        self.overlay_reviewer: str | None = None  # whose spans are drawn faintly under ours
        self.agreement_window = None  # made on first use, then reused
        self._claims: list = []  # the open layer's claims, as the panel shows them
        self._tasks: list[BackgroundTask] = []  # import/export/merge still running
        self._warm_up_scheduled = False
        self._build_widgets()
        self._build_actions()
        self._build_status_bar()
        self._build_suggestions()
        self._connect()
        self._restore_layout()
        self._watch_project()
        self.reload_documents()
        self._open_initial_document()

    # -- construction ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self._build_document_list()
        self.view = AnnotationView(self)
        self.view.set_scheme(self.scheme)
        self.panel = ClaimsPanel(self)
        self.panel.model.reading_of = self.span_reading
        self.view.span_note = lambda span_id: reading_text(self.span_reading(span_id))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        for widget in (self.doc_table, self.view, self.panel):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.doc_table.setMinimumWidth(180)
        self.splitter.setSizes([300, 640, 400])
        self.setCentralWidget(self.splitter)
        self.resize(1360, 820)

    def _build_status_bar(self) -> None:
        self.reviewer_label = QLabel(self)
        self.document_label = QLabel(self)
        self.saved_label = QLabel("saved", self)
        self.saved_label.setObjectName("savedLabel")
        self.claim_label = QLabel(self)
        bar = self.statusBar()
        bar.addWidget(self.document_label, 1)
        bar.addPermanentWidget(self.claim_label)
        bar.addPermanentWidget(self.reviewer_label)
        bar.addPermanentWidget(self.saved_label)
        self._update_status()

    def _connect(self) -> None:
        s = self.session
        s.changed.connect(self._on_changed)
        s.saved.connect(lambda: self.saved_label.setText("✓ saved"))
        s.failed.connect(self.show_error)
        s.current_claim_changed.connect(self._on_current_claim)
        s.selected_span_changed.connect(lambda _span: self._refresh_marks())
        self.doc_table.selectionModel().currentRowChanged.connect(self._on_document_row)
        self.view.span_clicked.connect(self._on_span_clicked)
        self.view.blank_clicked.connect(lambda: self.session.select_span(None))
        self.view.cursorPositionChanged.connect(self._caret_moved)
        self.panel.claim_selected.connect(self._on_panel_claim)
        self.panel.span_selected.connect(self._on_panel_span)
        self.panel.detach_requested.connect(lambda c, sp: self._do(edits.Detach(s.doc_id, c, sp)))
        self.panel.attach_requested.connect(self._attach_to)
        self.panel.figure_edit_requested.connect(self.edit_figure_reading)
        self.panel.note_edited.connect(lambda c, note: self._do(edits.SetNote(s.doc_id, c, note)))

    def _restore_layout(self) -> None:
        for name, widget in (("mainWindow", self), ("mainSplitter", self.splitter)):
            state = self.settings.geometry(name)
            if state is None:
                continue
            if widget is self:
                self.restoreGeometry(state)
            else:
                self.splitter.restoreState(state)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._warm_up_scheduled:
            self._warm_up_scheduled = True
            QTimer.singleShot(WARM_UP_AFTER_MS, self, self._warm_up)

    def _warm_up(self) -> None:
        """Load what the first key press would otherwise wait for, once the window is on screen:
        the edits module, then the figure readers in a thread of their own."""
        if not self.isVisible():  # closed meanwhile
            return
        edits.preload()
        self._start_figure_warmup()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Everything else is already committed; a note still being typed is saved now.
        self.panel.commit_note()
        self.settings.set_geometry("mainWindow", self.saveGeometry())
        self.settings.set_geometry("mainSplitter", self.splitter.saveState())
        self._remember_timer.stop()
        if self.session.doc_id:
            self.settings.set_last_document(self.store.path, self.session.doc_id)
        self.settings.sync()
        self.watcher.stop()
        self._stop_suggestions()
        if self.agreement_window is not None:
            self.agreement_window.close()  # stops its worker thread so the app can quit
        for task in list(self._tasks):
            task.finish_now()  # a running import or merge rolls back; an export completes or is removed
        super().closeEvent(event)

    # -- documents ---------------------------------------------------------------------------

    def _on_document_row(self, current, _previous) -> None:
        doc_id = self.documents.doc_id(current.row())
        if doc_id is None or doc_id == self.session.doc_id:
            return
        self.panel.commit_note()  # a note being typed belongs to the document being left
        self.session.open_document(doc_id)
        doc = self.store.document(doc_id)
        self.view.load(doc.text, self.store.span_rows(doc_id, self.session.reviewer), self._overlay_spans(doc_id))
        self.suggestions_stale()
        self._refresh_panel()
        self._remember_layer()
        self.done_action.setChecked(bool(self.documents.summary(doc_id) and self.documents.summary(doc_id).done))
        self._remember_timer.start()  # settings.set_last_document, once the reader stays
        self.setWindowTitle(f"{doc.title} — Annotator — {self.store.path.name}")
        self.view.setFocus()
        self._update_status()

    def _overlay_spans(self, doc_id: str) -> list:
        other = self.overlay_reviewer
        if not other or other == self.session.reviewer:
            return []
        return self.store.span_rows(doc_id, other)

    # -- annotation --------------------------------------------------------------------------

    def _do(self, edit) -> edits.Edit | None:
        return self.session.do(edit)

    def apply_label(self, label: str) -> None:
        """The label key: tag the selection, or relabel the selected span."""
        s = self.session
        if s.doc_id is None:
            return
        selection = self.view.selection_cp()
        if selection is not None:
            start, end = trim_whitespace(self.view.text, *selection)
            if start >= end:
                self.show_status("The selection holds only white space; nothing to tag.")
                return
            existing = self.store.find_span(s.doc_id, s.reviewer, start, end, label)
            if existing is not None:
                self.view.clear_selection()
                s.select_span(existing)
                self.show_status(f"Already tagged as {label}; that span is now selected.")
                return
            new_claim = label == CLAIM
            join = None if new_claim else s.current_claim
            inverse = self._do(edits.AddSpan(s.doc_id, s.reviewer, start, end, label, new_claim=new_claim, join_claim=join))
            if inverse is None:
                return
            self.view.clear_selection()
            if new_claim:
                s.set_current_claim(inverse.created_claim)
            s.select_span(inverse.span_id)
            self.saved_label.setText("✓ saved")
            return
        if s.selected_span is not None:
            _doc, _annotator, span = self.store.span(s.selected_span)
            if span.label != label:
                self._do(edits.Relabel(s.doc_id, s.selected_span, label))
                if label == CLAIM:
                    led = self.store.claims_led_by(s.selected_span)
                    if led:
                        s.set_current_claim(led[0])
            return
        self.show_status("Select some text first (mouse or Shift+arrows), then press a label key.")

    def rebound_to_selection(self) -> None:
        """B: the one span of this layer the selection overlaps takes the selection's boundaries
        (a FIGURE span's automatic reading is read again; an edited one stays)."""
        s = self.session
        selection = self.view.selection_cp()
        if s.doc_id is None or selection is None:
            self.show_status("Select the span's new extent (overlapping it), then press B.")
            return
        start, end = trim_whitespace(self.view.text, *selection)
        hits = [sp for sp in self.view.own_spans() if sp.start < end and start < sp.end] if start < end else []
        if len(hits) != 1:
            self.show_status(f"The selection overlaps {len(hits)} spans; select new boundaries overlapping one.")
            return
        if (hits[0].start, hits[0].end) != (start, end) and self._do(edits.Rebound(s.doc_id, hits[0].id, start, end)):
            self.view.clear_selection()
            s.select_span(hits[0].id)

    def delete_selected_span(self) -> None:
        s = self.session
        if s.selected_span is None:
            self.show_status("Click a span first to delete it.")
            return
        self._do(edits.RemoveSpan(s.doc_id, s.selected_span))

    def attach_selected_span(self) -> None:
        self._attach_to(self.session.current_claim)

    def _attach_to(self, claim_id) -> None:
        s = self.session
        if claim_id is None or s.selected_span is None:
            self.show_status("Select a claim and a span to attach.")
            return
        if self._do(edits.Attach(s.doc_id, claim_id, s.selected_span)) is not None:
            s.set_current_claim(claim_id)

    def detach_selected_span(self) -> None:
        s = self.session
        member = self.panel.current_member()
        if self.panel.tree.hasFocus() and member is not None:
            self._do(edits.Detach(s.doc_id, *member))
            return
        if s.current_claim is None or s.selected_span is None:
            self.show_status("Select a member of the current claim to detach it.")
            return
        self._do(edits.Detach(s.doc_id, s.current_claim, s.selected_span))

    def step_claim(self, step: int) -> None:
        ids = self.panel.claim_ids()
        if not ids:
            return
        s = self.session
        index = ids.index(s.current_claim) + step if s.current_claim in ids else (0 if step > 0 else len(ids) - 1)
        index = max(0, min(index, len(ids) - 1))
        self._focus_claim(ids[index])

    def clear_current(self) -> None:
        if self.panel.note.hasFocus():
            self.view.setFocus()  # the note field is about to be disabled: keep the keys in the text
        self.view.clear_selection()
        self.session.select_span(None)
        self.session.set_current_claim(None)

    def _focus_claim(self, claim_id: int) -> None:
        s = self.session
        s.set_current_claim(claim_id)
        _d, _a, claim = self.store.claim(claim_id)
        if claim.span_id is not None:
            s.select_span(claim.span_id)
            self.view.scroll_to_span(claim.span_id)
        self.panel.select_item_for(claim_id, None)

    # -- reactions ---------------------------------------------------------------------------

    def _on_changed(self, doc_id: str, touched) -> None:
        summary = next(iter(self.store.document_summaries_of(self.session.reviewer, [doc_id])), None)
        if summary is not None:
            self.documents.update(summary)
        if doc_id != self.session.doc_id:
            return
        if touched is None:
            self.view.set_spans(self.store.span_rows(doc_id, self.session.reviewer), self._overlay_spans(doc_id))
        elif touched:
            self.view.update_spans({span_id: self.store.span_row(span_id) for span_id in touched})
        self._refresh_panel(touched)
        self.done_action.setChecked(bool(summary and summary.done))
        self._update_status()

    def _refresh_panel(self, touched: frozenset | None = None) -> None:
        """Show the open layer's claims again: after an edit (``touched``, the spans it touched),
        only the rows that changed; else (``None``) the panel is filled anew."""
        s = self.session
        if s.doc_id is None:
            return
        spans = self.view.own_spans()
        self._claims = self.store.claims(s.doc_id, s.reviewer)
        if touched is None:
            self.panel.show_layer(self.view.text, spans, self._claims, self.scheme)
        else:
            self.panel.update_layer(self.view.text, spans, self._claims, self.scheme, touched)
        self._refresh_marks()

    def _refresh_marks(self) -> None:
        s = self.session
        lit: tuple = ()
        if s.current_claim is not None:
            claim = next((c for c in self._claims if c.id == s.current_claim), None)
            if claim is not None:
                lit = tuple(x for x in (claim.span_id, *claim.members) if x is not None)
        self.view.mark(s.selected_span, lit)
        self._update_status()

    def _on_current_claim(self, claim_id) -> None:
        self.panel.set_current_claim(claim_id)
        self._refresh_marks()

    def _on_span_clicked(self, span_id) -> None:
        s = self.session
        s.select_span(span_id)
        led = self.store.claims_led_by(span_id)
        if led:
            s.set_current_claim(led[0])
        self.panel.select_item_for(led[0] if led else None, None if led else span_id)

    def _caret_moved(self) -> None:
        """Moving the caret away from the clicked span (arrows, Shift+arrows) deselects it, so
        that a label key tags what the caret marks rather than a span out of sight."""
        span_id = self.session.selected_span
        placed = self.view.index.placed(span_id) if span_id is not None else None
        if placed is None:
            return
        cursor = self.view.textCursor()
        if cursor.hasSelection() or not placed.qt_start <= cursor.position() <= placed.qt_end:
            self.session.select_span(None)

    def _on_panel_claim(self, claim_id) -> None:
        self._focus_claim(claim_id)

    def _on_panel_span(self, span_id) -> None:
        self.session.select_span(span_id)
        self.view.scroll_to_span(span_id)

    def _update_status(self) -> None:
        s = self.session
        self.reviewer_label.setText(f"Reviewer: {s.reviewer}")
        if s.doc_id is None:
            self.document_label.setText("No document")
        else:
            summary = self.documents.summary(s.doc_id)
            title = summary.title if summary else s.doc_id
            counts = f" · {summary.spans} spans · {summary.claims} claims" if summary else ""
            self.document_label.setText(f"{title}{counts}")
        if s.current_claim is not None and s.current_claim in self.panel.claim_ids():
            number = self.panel.claim_ids().index(s.current_claim) + 1
            self.claim_label.setText(f"Current claim: {number}")
        else:
            self.claim_label.setText("No current claim")

    # -- messages ----------------------------------------------------------------------------

    def show_status(self, text: str) -> None:
        self.messages.append(text)
        self.statusBar().showMessage(text, 5000)

    def show_error(self, text: str) -> None:
        self.messages.append(text)
        self.saved_label.setText("✗ not saved")
        box = QMessageBox(QMessageBox.Icon.Warning, "Annotator", text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal but non-blocking: the event loop (and tests) keep running

    def show_info(self, text: str) -> None:
        self.messages.append(text)
        box = QMessageBox(QMessageBox.Icon.Information, "Annotator", text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("infoBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _show_shortcuts(self) -> None:
        lines = [f"{a.text().split('  [')[0]}: {' / '.join(k.toString() for k in a.shortcuts())}"
                 for a in self.actions() if a.shortcuts()]
        self.show_info("Keyboard shortcuts\n\n" + "\n".join(lines))
