"""The main window: document list, article view and claims panel, driven from the keyboard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
)

from .. import edits, formats, project
from ..errors import AnnotatorError
from ..model import CLAIM, GOLD, Label
from ..offsets import trim_whitespace
from ..store import Store
from .background import BackgroundTask
from .claims_panel import ClaimsPanel
from .documents_model import DocumentsModel
from .export_dialog import FOLDER_FORMATS, ExportDialog
from .session import Session
from .settings import Settings
from .text_view import AnnotationView


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class MainWindow(QMainWindow):
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
        self._build_widgets()
        self._build_actions()
        self._build_status_bar()
        self._connect()
        self._restore_layout()
        self.reload_documents()
        self._open_initial_document()

    # -- construction ------------------------------------------------------------------------

    def _build_widgets(self) -> None:
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
        self.doc_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3, 4):
            self.doc_table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view = AnnotationView(self)
        self.view.set_scheme(self.scheme)
        self.panel = ClaimsPanel(self)
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

    def _action(self, text: str, slot, shortcuts=(), tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&Import…", self._import_dialog, [QKeySequence.StandardKey.Open], "Import documents and annotations"))
        file_menu.addAction(self._action("Import &brat folder…", self._import_folder_dialog, [], "Import a brat standoff folder"))
        file_menu.addAction(self._action("&Merge reviewer files…", self._merge_dialog, [], "Bring in other reviewers' project files"))
        file_menu.addAction(self._action("&Export gold dataset…", self._export_dialog, ["Ctrl+E"], "Write the dataset in a format of your choice"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Switch reviewer…", self._switch_reviewer_dialog, ["Ctrl+Shift+R"]))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, [QKeySequence.StandardKey.Quit]))

        edit_menu = bar.addMenu("&Edit")
        group = self.session.undo_group
        self.undo_action = group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
            edit_menu.addAction(action)

        annotate = self.annotate_menu = bar.addMenu("&Annotate")
        self.toolbar = QToolBar("Labels", self)
        self.toolbar.setObjectName("labelToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        self.label_actions: dict[str, QAction] = {}
        for label in self.scheme:
            self._add_label_action(label, annotate)
        annotate.addSeparator()
        self.delete_action = self._action("&Delete span", self.delete_selected_span, ["Delete", "Backspace"])
        self.attach_action = self._action("&Attach span to current claim", self.attach_selected_span, ["A"])
        self.detach_action = self._action("Detac&h span from current claim", self.detach_selected_span, ["Shift+A"])
        self.next_claim_action = self._action("&Next claim", lambda: self.step_claim(1), ["]", "Alt+Down"])
        self.prev_claim_action = self._action("&Previous claim", lambda: self.step_claim(-1), ["[", "Alt+Up"])
        self.clear_claim_action = self._action("&Clear current claim", self.clear_current, ["Escape"])
        for action in (self.delete_action, self.attach_action, self.detach_action, None,
                       self.next_claim_action, self.prev_claim_action, self.clear_claim_action):
            annotate.addSeparator() if action is None else annotate.addAction(action)

        view_menu = bar.addMenu("&View")
        self.overlay_action = self._action("Show another reviewer's spans…", self._overlay_dialog, ["Ctrl+Shift+O"])
        view_menu.addAction(self.overlay_action)
        view_menu.addAction(self._action("Hide the other reviewer's spans", lambda: self.set_overlay(None)))

        documents_menu = bar.addMenu("&Document")
        self.done_action = self._action("Mark &done", self.toggle_done, ["Ctrl+D"])
        self.done_action.setCheckable(True)
        documents_menu.addAction(self.done_action)
        documents_menu.addAction(self._action("Done and &next", self.done_and_next, ["Ctrl+Return"]))
        documents_menu.addAction(self._action("Next document", lambda: self.step_document(1), ["Ctrl+PgDown"]))
        documents_menu.addAction(self._action("Previous document", lambda: self.step_document(-1), ["Ctrl+PgUp"]))

        self.review_menu = bar.addMenu("&Review")
        self.review_menu.addAction(self._action("Review &disagreements…", self.open_review, ["Ctrl+R"],
                                                "Walk through where reviewers disagree and build the gold layer"))
        self.agreement_action = self._action("&Agreement…", self.show_agreement, ["Ctrl+Shift+G"],
                                             "How far the reviewers agree: by pair, label and document")
        self.review_menu.addAction(self.agreement_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self._show_shortcuts, ["F1"]))

    def _add_label_action(self, label: Label, menu) -> None:
        keys = [k for k in (label.shortcut, label.alt_shortcut) if k]
        shown = " / ".join(keys)
        action = self._action(
            f"{label.name}" + (f"  [{shown}]" if shown else ""),
            lambda _checked=False, name=label.name: self.apply_label(name),
            keys,
            label.description,
        )
        action.setIcon(_swatch(label.color))
        action.setToolTip(f"{label.name} ({shown or 'no key'}): {label.description}")
        self.label_actions[label.name] = action
        menu.addAction(action)
        self.toolbar.addAction(action)

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

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        # Everything else is already committed; a note still being typed is saved now.
        self.panel.commit_note()
        self.settings.set_geometry("mainWindow", self.saveGeometry())
        self.settings.set_geometry("mainSplitter", self.splitter.saveState())
        if self.session.doc_id:
            self.settings.set_last_document(self.store.path, self.session.doc_id)
        self.settings.sync()
        if self.agreement_window is not None:
            self.agreement_window.close()  # stops its worker thread so the app can quit
        for task in list(self._tasks):
            task.finish_now()  # a running import or merge rolls back; an export completes or is removed
        super().closeEvent(event)

    # -- documents ---------------------------------------------------------------------------

    def reload_documents(self) -> None:
        self.documents.reset(self.store.document_summaries(self.session.reviewer))
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

    def _on_document_row(self, current, _previous) -> None:
        doc_id = self.documents.doc_id(current.row())
        if doc_id is None or doc_id == self.session.doc_id:
            return
        self.panel.commit_note()  # a note being typed belongs to the document being left
        self.session.open_document(doc_id)
        doc = self.store.document(doc_id)
        self.view.load(doc.text, self.store.span_rows(doc_id, self.session.reviewer), self._overlay_spans(doc_id))
        self._refresh_panel()
        self.done_action.setChecked(bool(self.documents.summary(doc_id) and self.documents.summary(doc_id).done))
        self.settings.set_last_document(self.store.path, doc_id)
        self.setWindowTitle(f"{doc.title} — Annotator — {self.store.path.name}")
        self.view.setFocus()
        self._update_status()

    def _overlay_spans(self, doc_id: str) -> list:
        other = self.overlay_reviewer
        if not other or other == self.session.reviewer:
            return []
        return self.store.span_rows(doc_id, other)

    # -- reviewers ---------------------------------------------------------------------------

    def _reload_current(self) -> None:
        current = self.session.doc_id
        self.session.doc_id = None  # force a full reload of the view
        self.reload_documents()
        if current and self.documents.row_of(current) is not None:
            self.open_document(current)
        elif self.documents.rowCount():
            self.select_document_row(0)
        self._update_status()

    def switch_reviewer(self, name: str) -> None:
        name = name.strip()
        if not name or name == self.session.reviewer:
            return
        if name == GOLD:
            self.show_error("'gold' is the adjudicated layer; it is built in Review > Review disagreements.")
            return
        self.session.set_reviewer(name)
        if self.overlay_reviewer == name:
            self.overlay_reviewer = None  # one's own spans are not an overlay
        self._reload_current()
        self.show_status(f"Now annotating as {name}")

    def _switch_reviewer_dialog(self) -> None:
        names = [n for n in self.store.annotators() if n != GOLD]
        if self.session.reviewer not in names:
            names.insert(0, self.session.reviewer)
        name, ok = QInputDialog.getItem(self, "Switch reviewer", "Annotate as (pick or type a new name):",
                                        names, names.index(self.session.reviewer), True)
        if ok:
            self.switch_reviewer(name)

    def set_overlay(self, name: str | None) -> None:
        """Show another reviewer's spans faintly under this reviewer's own (None hides them)."""
        if name is not None and name == self.session.reviewer:
            self.show_status(f"{name} is the reviewer annotating now; pick another reviewer to compare.")
            return
        self.overlay_reviewer = name
        if self.session.doc_id:
            self.view.set_spans(self.store.span_rows(self.session.doc_id, self.session.reviewer), self._overlay_spans(self.session.doc_id))
        self.show_status(f"Showing {name}'s spans as dotted underlines" if name else "Other reviewer's spans hidden")

    def _overlay_dialog(self) -> None:
        names = [n for n in self.store.annotators() if n != self.session.reviewer]
        if not names:
            self.show_status("No other reviewer has annotated in this project yet.")
            return
        name, ok = QInputDialog.getItem(self, "Show another reviewer", "Reviewer:", names, 0, False)
        if ok:
            self.set_overlay(name)

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
        summary = next(iter(self.store.document_summaries(self.session.reviewer, doc_id)), None)
        if summary is not None:
            self.documents.update(summary)
        if doc_id != self.session.doc_id:
            return
        if touched is None:
            self.view.set_spans(self.store.span_rows(doc_id, self.session.reviewer), self._overlay_spans(doc_id))
        elif touched:
            self.view.update_spans({span_id: self.store.span_row(span_id) for span_id in touched})
        self._refresh_panel()
        self.done_action.setChecked(bool(summary and summary.done))
        self._update_status()

    def _refresh_panel(self) -> None:
        s = self.session
        if s.doc_id is None:
            return
        spans = self.view.own_spans()
        self._claims = self.store.claims(s.doc_id, s.reviewer)
        self.panel.show_layer(self.view.text, spans, self._claims, self.scheme)
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

    # -- review ------------------------------------------------------------------------------

    def _review_progress(self, doc_id: str):
        from ..review import review_progress

        reviewers = {a for _d, a, _done in self.store.layers(doc_id) if a != GOLD}
        return review_progress(self.store, doc_id) if len(reviewers) >= 2 else None

    def open_review(self):
        """The adjudication view for the open document; the lead is the current reviewer."""
        from .review_window import ReviewWindow

        if self.session.doc_id is None:
            return None
        reviewers = {a for _d, a, _done in self.store.layers(self.session.doc_id) if a != GOLD}
        if len(reviewers) < 2:
            self.show_status("Reviewing needs at least two reviewers' layers on this document (File > Merge reviewer files).")
            return None
        window = ReviewWindow(self.store, self.session.doc_id, self.session.reviewer, self,
                              auto_accept=self.settings.auto_accept)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.changed.connect(lambda _doc: self.documents.forget_review_progress())
        self.documents.forget_review_progress()  # opening may have accepted agreed items already
        window.auto_accept_changed.connect(self.settings.set_auto_accept)
        window.show()
        return window

    def show_agreement(self):
        from .agreement_window import AgreementWindow

        window = self.agreement_window
        if window is None:
            window = AgreementWindow(self.store.path, self, settings=self.settings)
            window.document_activated.connect(self._open_from_agreement)
            self.agreement_window = window
        window.show()  # computes on every opening
        window.raise_()
        window.activateWindow()
        return window

    def _open_from_agreement(self, doc_id: str) -> None:
        self.open_document(doc_id)
        self.raise_()
        self.activateWindow()

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

    # -- import and export -------------------------------------------------------------------

    def _import_dialog(self) -> None:
        filters = ["All supported files (*.txt *.jsonl *.ndjson *.json *.ann *.conll *.conll03 *.iob *.iob2 *.bio *.tsv)"]
        names = ["auto"]
        for name, module in formats.FORMATS.items():
            filters.append(f"{module.DESCRIPTION} ({' '.join('*' + e for e in module.EXTENSIONS)})")
            names.append(name)
        paths, chosen = QFileDialog.getOpenFileNames(self, "Import documents", "", ";;".join(filters))
        if paths:
            self.import_paths(paths, format=names[filters.index(chosen)] if chosen in filters else "auto")

    def _import_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a brat folder (reviewer sub-folders become layers)")
        if folder:
            self.import_paths([folder], format="brat")

    def _start(self, task: BackgroundTask) -> BackgroundTask:
        self._tasks.append(task)
        forget = lambda *_args: self._tasks.remove(task) if task in self._tasks else None  # noqa: E731
        task.done.connect(forget)
        task.error.connect(forget)
        task.start()
        return task

    def import_paths(self, paths: list[str], *, format: str = "auto") -> BackgroundTask:
        reviewer = self.session.reviewer
        db_path = self.store.path

        def work(progress):
            with Store(db_path) as store:
                return project.import_files(store, paths, format=format, annotator=reviewer, progress=progress)

        task = BackgroundTask(self, "Importing…", work)
        task.done.connect(self._imported)
        task.error.connect(lambda message: self.show_error(f"Import refused: {message}"))
        return self._start(task)

    def _imported(self, result) -> None:
        self.scheme = self.store.label_scheme()
        self.view.set_scheme(self.scheme)
        for label in self.scheme:
            if label.name not in self.label_actions:
                self._add_label_action(label, self.annotate_menu)
        self._reload_current()  # the import may have added spans to the open document
        self.show_status(f"Imported: {result.summary()}")
        if result.warnings:
            shown = "\n".join(result.warnings[:15])
            more = f"\n… and {len(result.warnings) - 15} more" if len(result.warnings) > 15 else ""
            self.show_info(f"Imported: {result.summary()}\n\nNotes from the reader:\n{shown}{more}")

    def _export_dialog(self) -> None:
        reviewers = [n for n in self.store.annotators() if n != GOLD]
        has_gold = GOLD in self.store.annotators()
        dialog = ExportDialog(reviewers, self.session.reviewer, has_gold, self)
        if dialog.exec() != ExportDialog.DialogCode.Accepted:
            return
        fmt, layer = dialog.format(), dialog.layer()
        if fmt in FOLDER_FORMATS:
            path = QFileDialog.getExistingDirectory(self, "Export into folder")
        else:
            module = formats.get(fmt)
            suffix = module.EXTENSIONS[0]
            path, _filter = QFileDialog.getSaveFileName(
                self, "Export", f"dataset{suffix}", f"{module.DESCRIPTION} (*{suffix})"
            )
        if path:
            self.export_to(path, format=fmt, annotator=layer)

    def merge_paths(self, paths: list[str]) -> BackgroundTask:
        db_path = self.store.path

        def work(progress):
            from ..merge import merge_files

            with Store(db_path) as store:
                result = merge_files(store, paths)
            progress(1, 1)
            return result

        task = BackgroundTask(self, "Merging reviewer files…", work)
        task.done.connect(self._merged)
        task.error.connect(lambda message: self.show_error(f"Merge refused, nothing changed: {message}"))
        return self._start(task)

    def _merged(self, result) -> None:
        # A replaced layer is not what its undo history was recorded against: replaying it would
        # bring back rows of the old layer beside the merged ones.
        for doc_id, reviewer in result.replaced:
            self.session.forget_history(doc_id, reviewer)
        self.scheme = self.store.label_scheme()
        self.view.set_scheme(self.scheme)
        self._reload_current()
        self.show_info(f"Merged: {result.summary()}")

    def _merge_dialog(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, "Merge reviewer files", "", "Annotator projects (*.annotator.db *.db *.sqlite);;All files (*)"
        )
        if paths:
            self.merge_paths(paths)

    def export_to(self, path: str, *, format: str = "jsonl", annotator: str | None = None) -> BackgroundTask:
        db_path = self.store.path

        def work(progress):
            with Store(db_path) as store:
                report = project.export(store, path, format=format, annotator=annotator)
            progress(1, 1)
            return report

        def done(report) -> None:
            text = (f"Exported {report.documents} document layer(s), {report.spans} spans, "
                    f"{report.claims} claims to {Path(path).name}")
            left_out = report.warnings + report.skipped
            if left_out:
                self.show_info(text + f"\n\n{len(left_out)} note(s) from the {format} writer:\n" + "\n".join(left_out[:15]))
            self.show_status(text)

        task = BackgroundTask(self, "Exporting…", work)
        task.done.connect(done)
        task.error.connect(lambda message: self.show_error(f"Export failed: {message}"))
        return self._start(task)

