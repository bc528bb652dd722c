"""Following changes other programs make to the open project: the command line, a script, or
another copy of the app.

SQLite's ``PRAGMA data_version`` changes when another connection commits; this process has one
connection per file, so a change means another process wrote. It is polled a few times a
second (a few microseconds each) and the window then reloads only what changed.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ..errors import AnnotatorError
from ..store import Store

POLL_MS = 250  # well within the promised second, and nothing measurable in CPU


class ProjectWatcher(QObject):
    changed_elsewhere = Signal()

    def __init__(self, store: Store, parent: QObject | None = None, interval_ms: int = POLL_MS):
        super().__init__(parent)
        self.store = store
        self._version = store.data_version()
        self._timer = QTimer(self)
        self._timer.setObjectName("projectWatcherTimer")
        self._timer.timeout.connect(self.poll)
        self._timer.start(interval_ms)

    def poll(self) -> None:
        try:
            # Never wait: a worker thread holding the connection (an import) must not freeze the UI.
            version = self.store.data_version(wait=False)
        except Exception:  # the connection is closed (the window is going away): nothing to follow
            self._timer.stop()
            return
        if version is None or version == self._version:
            return
        self._version = version
        self.changed_elsewhere.emit()

    def stop(self) -> None:
        self._timer.stop()


class ExternalChangesMixin:
    """``MainWindow``'s reaction to another program's commit: labels, the document list and the
    open document are reloaded where they differ; caret, scroll and selection stay."""

    def _watch_project(self) -> None:
        self.watcher = ProjectWatcher(self.store, self)
        self.watcher.changed_elsewhere.connect(self.reload_changed_elsewhere)
        self._layer_print: tuple | None = None
        self._documents_print: tuple | None = None  # set by reload_documents

    def _remember_layer(self) -> None:
        doc_id = self.session.doc_id
        self._layer_print = None if doc_id is None else self._fingerprint(doc_id)

    def _fingerprint(self, doc_id: str) -> tuple:
        own = self.store.layer_fingerprint(doc_id, self.session.reviewer)
        other = self.overlay_reviewer
        return own, (self.store.layer_fingerprint(doc_id, other) if other else None)

    def reload_changed_elsewhere(self) -> None:
        try:
            self._reload_changed_elsewhere()
        except AnnotatorError as exc:
            self.show_error(f"The project changed on disk and could not be reloaded: {exc}")

    def _reload_changed_elsewhere(self) -> None:
        scheme = self.store.label_scheme()
        if scheme.names() != self.scheme.names():
            self._labels_changed()
        if self.store.documents_fingerprint() != self._documents_print:
            self._reload_current()  # documents came or went: rebuild the list, keep the open one
            self._remember_layer()
            self.show_status("Reloaded: another program changed this project")
            return
        # Not every summary is compared (100,000 of them): the rows read so far are forgotten and
        # read again when shown, which for a change elsewhere is a screenful, not the project.
        self.documents.refresh()
        doc_id = self.session.doc_id
        if doc_id is None:
            return
        fingerprint = self._fingerprint(doc_id)
        if fingerprint == self._layer_print:
            return
        self._layer_print = fingerprint
        self.view.set_spans(self.store.span_rows(doc_id, self.session.reviewer), self._overlay_spans(doc_id))
        self.suggestion_worker.forget_project()  # the other program may have tagged strings elsewhere too
        self.suggestions_stale()
        self.session._forget_missing()
        self._refresh_panel()
        self._refresh_marks()
        summary = self.documents.summary(doc_id)
        self.done_action.setChecked(bool(summary and summary.done))
        self._update_status()
        self.show_status("Updated: another program changed this document")
