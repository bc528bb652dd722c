"""Review > Agreement…: how far the reviewers agree, by pair, by label and by document.

The figures come from ``annotator.agreement.compute_agreement``; this module only chooses what to
compare and shows the report. The computation runs in a ``QThread`` that opens its own connection
to the project file (SQLite connections belong to the thread that made them), reports progress to
a bar in the window and stops at the next document when Cancel is pressed. A figure that is
undefined (``None``) reads "n/a" on grey, never 0 or 1.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QDialog, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QProgressBar,
    QPushButton, QSplitter, QTableView, QTableWidget, QVBoxLayout, QWidget,
)

from ..agreement import AgreementReport, report_to_json
from ..atomic import atomic_write
from ..errors import AnnotatorError
from .agreement_panels import LABEL_COLUMNS, DocumentScoresModel, _CheckList, fill_labels, fill_matrix, fmt, fmt_mean_sd
from .agreement_panels import NA_BACKGROUND, NA_FOREGROUND, score_color  # noqa: F401  (for callers of this module)
from .agreement_worker import Request, _AgreementThread, _run_numbers, _start, load_choices


class AgreementWindow(QDialog):
    """Agreement among reviewers. Open it with the project file's path; it reads through its
    own connections. ``document_activated(doc_id)`` asks the main window to open a document."""

    document_activated = Signal(str)
    computed = Signal(object)  # AgreementReport, once the tables show it
    computation_cancelled = Signal()
    computation_failed = Signal(str)

    def __init__(self, store_path: str | Path, parent: QWidget | None = None, *, settings=None):
        super().__init__(parent)
        self.setObjectName("agreementWindow")
        self.setWindowFlag(Qt.WindowType.Window)  # a window of its own, not a modal box
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.store_path = Path(store_path)
        self.settings = settings  # annotator.gui.settings.Settings, for geometry; optional
        self.setWindowTitle(f"Agreement — {self.store_path.name}")
        self.report: AgreementReport | None = None
        self.messages: list[str] = []  # every status and error shown, newest last
        self._titles: dict[str, str] = {}
        self._run = 0  # number of the latest run; older runs' results are ignored
        self._threads: dict[int, _AgreementThread] = {}  # runs not yet ended
        threads = self._threads  # not self: the window is being destroyed when this runs
        self.destroyed.connect(lambda *_: [thread.cancel() for thread in list(threads.values())])
        self._started = False  # a computation has been asked for since the window was made
        self._build()
        self._restore_layout()
        self.reload_choices()
        self._set_busy(False)

    # -- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        self.reviewers = _CheckList("Reviewers", "reviewers", self)
        self.labels = _CheckList("Labels", "labels", self)
        self.documents = _CheckList("Documents", "documents", self, filterable=True)
        self.compute_button = QPushButton("&Compute", self)
        self.compute_button.setObjectName("computeButton")
        self.compute_button.setDefault(True)
        self.compute_button.clicked.connect(self.compute)

        choose = QWidget(self)
        choose_layout = QVBoxLayout(choose)
        choose_layout.setContentsMargins(0, 0, 0, 0)
        choose_layout.addWidget(self.reviewers, 2)
        choose_layout.addWidget(self.labels, 2)
        choose_layout.addWidget(self.documents, 5)
        choose_layout.addWidget(self.compute_button)

        self.overall_label = QLabel(self)
        self.overall_label.setObjectName("agreementOverall")
        self.overall_label.setWordWrap(True)
        self.overall_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.matrix = QTableWidget(self)
        self.matrix.setObjectName("pairMatrix")
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.matrix.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.matrix.setToolTip("Span F1 (exact match) for each pair of reviewers, over the documents both annotated")

        self.label_table = QTableWidget(0, len(LABEL_COLUMNS), self)
        self.label_table.setObjectName("labelTable")
        self.label_table.setHorizontalHeaderLabels(list(LABEL_COLUMNS))
        self.label_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.label_table.verticalHeader().hide()
        header = self.label_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.document_model = DocumentScoresModel(self)
        self.document_table = QTableView(self)
        self.document_table.setObjectName("documentScores")
        self.document_table.setModel(self.document_model)
        self.document_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.document_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.document_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.document_table.verticalHeader().hide()
        self.document_table.setWordWrap(False)
        doc_header = self.document_table.horizontalHeader()
        doc_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(DocumentScoresModel.COLUMNS)):
            doc_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.document_table.doubleClicked.connect(self._on_document_double_clicked)

        def boxed(title: str, widget: QWidget) -> QGroupBox:
            box = QGroupBox(title, self)
            layout = QVBoxLayout(box)
            layout.addWidget(widget)
            return box

        top = QSplitter(Qt.Orientation.Horizontal, self)
        top.setObjectName("agreementTopSplitter")
        top.addWidget(boxed("Reviewer pairs: span F1, exact", self.matrix))
        top.addWidget(boxed("Labels", self.label_table))
        self.results_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.results_splitter.setObjectName("agreementResultsSplitter")
        self.results_splitter.addWidget(top)
        self.results_splitter.addWidget(boxed("Documents, worst first (double-click to open)", self.document_table))
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 3)
        top.setSizes([300, 480])
        self._top_splitter = top

        results = QWidget(self)
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.overall_label)
        results_layout.addWidget(self.results_splitter, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("agreementSplitter")
        self.splitter.addWidget(choose)
        self.splitter.addWidget(results)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([260, 780])

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("agreementProgress")
        self.progress_bar.setFormat("%v / %m documents")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("agreementStatus")
        self.copy_button = QPushButton("Copy as JSON", self)
        self.copy_button.setObjectName("copyJsonButton")
        self.copy_button.clicked.connect(self.copy_json)
        self.save_button = QPushButton("Save JSON…", self)
        self.save_button.setObjectName("saveJsonButton")
        self.save_button.clicked.connect(self._save_dialog)
        close_button = QPushButton("Close", self)
        close_button.setAutoDefault(False)
        close_button.clicked.connect(self.close)
        for button in (self.cancel_button, self.copy_button, self.save_button):
            button.setAutoDefault(False)

        bottom = QHBoxLayout()
        bottom.addWidget(self.progress_bar, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.status_label, 2)
        bottom.addWidget(self.copy_button)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)
        self.resize(1100, 720)

    def _restore_layout(self) -> None:
        if self.settings is None:
            return
        state = self.settings.geometry("agreementWindow")
        if state is not None:
            self.restoreGeometry(state)
        for splitter in (self.splitter, self.results_splitter, self._top_splitter):
            state = self.settings.geometry(splitter.objectName())
            if state is not None:
                splitter.restoreState(state)

    def _save_layout(self) -> None:
        if self.settings is None:
            return
        self.settings.set_geometry("agreementWindow", self.saveGeometry())
        for splitter in (self.splitter, self.results_splitter, self._top_splitter):
            self.settings.set_geometry(splitter.objectName(), splitter.saveState())
        self.settings.sync()

    # -- choices -----------------------------------------------------------------------------

    def reload_choices(self) -> None:
        """Read the reviewers, labels and documents again (after an import, say); entries already
        listed keep their check state, new ones are checked."""
        try:
            choices = load_choices(self.store_path)
        except AnnotatorError as exc:
            self.show_error(f"Cannot read the project: {exc}")
            return
        self._titles = dict(choices.documents)
        self.reviewers.fill([(name, name) for name in choices.reviewers])
        self.labels.fill([(name, name) for name in choices.labels])
        self.documents.fill([(doc_id, title or doc_id) for doc_id, title in choices.documents])

    def request(self) -> Request:
        """What the checked boxes ask for."""
        return Request(
            annotators=self.reviewers.checked(),
            labels=None if self.labels.all_checked() else self.labels.checked(),
            doc_ids=None if self.documents.all_checked() else self.documents.checked(),
        )

    # -- running -----------------------------------------------------------------------------

    def is_computing(self) -> bool:
        return self._run in self._threads and not self._threads[self._run].is_cancelled()

    @Slot()
    def compute(self) -> None:
        """Start a computation over the checked choices; one still running is cancelled."""
        self._started = True
        for thread in self._threads.values():
            thread.cancel()
        self._run = next(_run_numbers)
        request = self.request()
        thread = _AgreementThread(self.store_path, request, self._run)
        thread.progressed.connect(self._on_progress)
        thread.succeeded.connect(self._on_succeeded)
        thread.was_cancelled.connect(self._on_cancelled)
        thread.failed.connect(self._on_failed)
        thread.ended.connect(self._reap)
        self._threads[self._run] = thread
        self.progress_bar.setRange(0, 0)  # busy until the layers are loaded
        self._set_busy(True)
        self._status("Computing…")
        _start(thread)

    @Slot()
    def cancel(self) -> None:
        """Stop the running computation at the next document; the figures shown stay."""
        thread = self._threads.get(self._run)
        if thread is None or thread.is_cancelled():
            return
        thread.cancel()
        self.cancel_button.setEnabled(False)
        self._status("Cancelling…")

    def _set_busy(self, busy: bool) -> None:
        self.progress_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        has_report = self.report is not None
        self.copy_button.setEnabled(has_report)
        self.save_button.setEnabled(has_report)

    @Slot(int, int, int)
    def _on_progress(self, run: int, done: int, total: int) -> None:
        if run != self._run:
            return
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)

    @Slot(int, object)
    def _on_succeeded(self, run: int, report: AgreementReport) -> None:
        if run != self._run:
            return
        self.report = report
        self._show_report(report)
        self._set_busy(False)
        self._status(self._summary_status(report))
        self.computed.emit(report)

    @Slot(int)
    def _on_cancelled(self, run: int) -> None:
        if run != self._run:
            return  # replaced by a newer run: nothing to say
        self._set_busy(False)
        kept = "; the figures shown are from the previous computation" if self.report is not None else ""
        self._status(f"Cancelled{kept}.")
        self.computation_cancelled.emit()

    @Slot(int, str)
    def _on_failed(self, run: int, message: str) -> None:
        if run != self._run:
            return
        self._set_busy(False)
        self._status("Agreement could not be computed.")
        self.show_error(f"Agreement could not be computed: {message}")
        self.computation_failed.emit(message)

    @Slot(int)
    def _reap(self, run: int) -> None:
        self._threads.pop(run, None)  # the reaper keeps the thread object until it has stopped

    def _stop_all(self) -> None:
        """Cancel every run and wait for it (a moment: the work stops at the next document)."""
        for thread in list(self._threads.values()):
            thread.cancel()
        for thread in list(self._threads.values()):
            thread.wait()
        self._threads.clear()
        if self.progress_bar.isVisible():
            self._set_busy(False)

    # -- showing the report ------------------------------------------------------------------

    def _show_report(self, report: AgreementReport) -> None:
        fill_matrix(self.matrix, report)
        fill_labels(self.label_table, report)
        self.document_model.reset(report.per_document, self._titles)
        self.overall_label.setText(
            f"Overall: span F1 exact {fmt_mean_sd(report.f1_exact_mean, report.f1_exact_sd)}"
            f" · F1 overlap {fmt(report.f1_overlap_mean)}"
            f" · Krippendorff's α_U {fmt(report.alpha_u)}"
        )
        self.overall_label.setToolTip(
            f"α_U is computed over the {report.alpha_u_documents} document(s) that every chosen reviewer annotated"
        )

    def _summary_status(self, report: AgreementReport) -> str:
        n_docs = len(report.per_document)
        text = (
            f"{n_docs} document(s), {len(report.annotators)} reviewer(s), {len(report.labels)} label(s)"
        )
        if len(report.annotators) < 2:
            text += " — choose at least two reviewers to compare"
        return text

    # -- the per-document list ---------------------------------------------------------------

    def _on_document_double_clicked(self, index: QModelIndex) -> None:
        doc_id = self.document_model.doc_id(index.row())
        if doc_id is not None:
            self.document_activated.emit(doc_id)

    # -- JSON --------------------------------------------------------------------------------

    def report_json(self) -> str | None:
        if self.report is None:
            return None
        return json.dumps(report_to_json(self.report), ensure_ascii=False, indent=2) + "\n"

    @Slot()
    def copy_json(self) -> None:
        text = self.report_json()
        if text is None:
            return
        QGuiApplication.clipboard().setText(text)
        self._status("Copied the report as JSON.")

    def _save_dialog(self) -> None:
        if self.report is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, "Save agreement report", "agreement.json", "JSON (*.json)")
        if path:
            self.save_json(path)

    def save_json(self, path: str | Path) -> bool:
        text = self.report_json()
        if text is None:
            return False
        try:
            with atomic_write(path) as handle:
                handle.write(text)
        except OSError as exc:
            self.show_error(f"Cannot save {path}: {exc.strerror or exc}")
            return False
        self._status(f"Saved the report to {Path(path).name}.")
        return True

    # -- messages and lifetime ---------------------------------------------------------------

    def _status(self, text: str) -> None:
        self.messages.append(text)
        self.status_label.setText(text)

    def show_error(self, text: str) -> None:
        self.messages.append(text)
        box = QMessageBox(QMessageBox.Icon.Warning, "Agreement", text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("errorBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # non-blocking

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if event.spontaneous():  # restored from minimised: nothing new to compute
            return
        if self._started:  # opened again after being closed: the project may have changed
            self.reload_choices()
        self.compute()  # on open, with everything (or what was checked before) chosen

    def done(self, result: int) -> None:
        # Closing (the Close button, Escape, the title bar) ends any computation.
        self._stop_all()
        self._save_layout()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._stop_all()
        super().closeEvent(event)
