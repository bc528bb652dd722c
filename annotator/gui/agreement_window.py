"""Review > Agreement…: how far the reviewers agree, by pair, by label and by document.

The figures come from ``annotator.agreement.compute_agreement``; this module only chooses what to
compare and shows the report. The computation runs in a ``QThread`` that opens its own connection
to the project file (SQLite connections belong to the thread that made them), reports progress to
a bar in the window and stops at the next document when Cancel is pressed. A figure that is
undefined (``None``) reads "n/a" on grey, never 0 or 1.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QCloseEvent, QColor, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .. import project
from ..agreement import AgreementCancelled, AgreementReport, DocumentScores, compute_agreement, report_to_json
from ..atomic import atomic_write
from ..errors import AnnotatorError
from ..model import GOLD
from ..store import Store

NA = "n/a"
NA_BACKGROUND = QColor("#e4e4e4")
NA_FOREGROUND = QColor("#7a7a7a")
SCORE_FOREGROUND = QColor("#111111")  # dark text on the light score colours, whatever the theme
Index = QModelIndex | QPersistentModelIndex


# ---------------------------------------------------------------------------------------------
# Formatting


def fmt(value: float | None) -> str:
    return NA if value is None else f"{value:.3f}"


def fmt_mean_sd(mean: float | None, sd: float | None) -> str:
    if mean is None:
        return NA
    return fmt(mean) if sd is None else f"{mean:.3f} ± {sd:.3f}"


def score_color(value: float) -> QColor:
    """Red at 0, yellow at 0.5, green at 1 (values outside [0, 1] are clamped), kept light so
    that dark text stays readable."""
    clamped = min(1.0, max(0.0, value))
    return QColor.fromHsvF(clamped / 3.0, 0.55, 0.97)  # hue 0° (red) .. 60° (yellow) .. 120° (green)


def _figure_item(value: float | None, text: str | None = None, *, colour: bool = False) -> QTableWidgetItem:
    """A read-only cell for a figure; ``value`` is kept under UserRole (None when undefined)."""
    item = QTableWidgetItem(fmt(value) if text is None else text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    item.setData(Qt.ItemDataRole.UserRole, value)
    if value is None:
        item.setBackground(QBrush(NA_BACKGROUND))
        item.setForeground(QBrush(NA_FOREGROUND))
    elif colour:
        item.setBackground(QBrush(score_color(value)))
        item.setForeground(QBrush(SCORE_FOREGROUND))
    return item


# ---------------------------------------------------------------------------------------------
# What can be chosen, read once from the project file


@dataclass(frozen=True)
class Choices:
    reviewers: list[str]
    labels: list[str]  # labels used in reviewers' layers, in the scheme's order
    documents: list[tuple[str, str]]  # (id, title) of documents with a reviewer layer, in project order


def load_choices(store_path: Path) -> Choices:
    """Reviewers, labels and documents that take part in agreement (the gold layer left out)."""
    with Store(store_path, create=False) as store:
        db = store.db
        reviewers = [r[0] for r in db.execute(
            "SELECT DISTINCT annotator FROM layers WHERE annotator != ? ORDER BY annotator", (GOLD,)
        )]
        labels = [r[0] for r in db.execute(
            "SELECT s.label FROM spans s LEFT JOIN labels l ON l.name = s.label WHERE s.annotator != ?"
            " GROUP BY s.label ORDER BY min(coalesce(l.position, 1e9)), s.label",
            (GOLD,),
        )]
        documents = [(r[0], r[1]) for r in db.execute(
            "SELECT d.id, d.title FROM documents d WHERE EXISTS"
            " (SELECT 1 FROM layers l WHERE l.doc_id = d.id AND l.annotator != ?) ORDER BY d.position",
            (GOLD,),
        )]
    return Choices(reviewers, labels, documents)


@dataclass(frozen=True)
class Request:
    """One computation's choice; None means "all" (compute_agreement's defaults)."""

    annotators: list[str]
    labels: list[str] | None
    doc_ids: list[str] | None


# ---------------------------------------------------------------------------------------------
# The worker thread


class _AgreementThread(QThread):
    """Loads the layers through its own Store and computes the report. Every signal carries the
    run's number so that the window can ignore the results of a run it has replaced."""

    progressed = Signal(int, int, int)  # run, done, total
    succeeded = Signal(int, object)  # run, AgreementReport
    was_cancelled = Signal(int)
    failed = Signal(int, str)
    ended = Signal(int)  # last thing run() does, after one of the three above

    def __init__(self, store_path: Path, request: Request, run: int):
        super().__init__()  # no parent: the window may be destroyed before the thread ends
        self.store_path = store_path
        self.request = request
        self.run_number = run
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:  # in the worker thread
        run = self.run_number
        last_emit = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last_emit
            now = time.monotonic()
            if done == total or now - last_emit >= 0.05:  # at most ~20 updates a second
                last_emit = now
                self.progressed.emit(run, done, total)

        try:
            with Store(self.store_path, create=False) as store:
                layers, lengths = project.agreement_inputs(store, self.request.doc_ids)
            self.progressed.emit(run, 0, len(layers))
            report = compute_agreement(
                layers,
                lengths,
                annotators=self.request.annotators,
                labels=self.request.labels,
                progress=progress,
                cancelled=self._cancel.is_set,
            )
        except AgreementCancelled:
            self.was_cancelled.emit(run)
        except AnnotatorError as exc:
            self.failed.emit(run, str(exc))
        except Exception as exc:  # a bug: shown to the user rather than lost in a thread
            self.failed.emit(run, f"unexpected {type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(run, report)
        finally:
            self.ended.emit(run)


_run_numbers = itertools.count(1)


class _Reaper(QObject):
    """Holds every worker thread until it has ended, whatever becomes of the window that started
    it (a QThread destroyed while running aborts the process), and stops them all when the
    application quits."""

    def __init__(self) -> None:
        app = QCoreApplication.instance()
        super().__init__(app)
        self._threads: dict[int, _AgreementThread] = {}
        app.aboutToQuit.connect(self.stop_all)

    def keep(self, thread: _AgreementThread) -> None:
        self._threads[thread.run_number] = thread
        thread.ended.connect(self._release)

    @Slot(int)
    def _release(self, run: int) -> None:
        # Every signal the thread emitted was posted before "ended", so all have been delivered.
        thread = self._threads.pop(run, None)
        if thread is not None:
            thread.wait()  # run() has returned; this only lets the thread wind down

    @Slot()
    def stop_all(self) -> None:
        for thread in self._threads.values():
            thread.cancel()
        for thread in self._threads.values():
            thread.wait()
        self._threads.clear()


_reaper: _Reaper | None = None


def _start(thread: _AgreementThread) -> None:
    global _reaper
    if _reaper is None:
        _reaper = _Reaper()
    _reaper.keep(thread)
    thread.start()


# ---------------------------------------------------------------------------------------------
# The per-document table


class DocumentScoresModel(QAbstractTableModel):
    """Documents in the report's order (worst first, undefined last); UserRole is the doc id."""

    COLUMNS = ("Document", "F1 exact", "SD", "F1 overlap", "Reviewers")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[DocumentScores] = []
        self._titles: dict[str, str] = {}

    def reset(self, rows: list[DocumentScores], titles: dict[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._titles = dict(titles)
        self.endResetModel()

    def doc_id(self, row: int) -> str | None:
        return str(self._rows[row].doc) if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def _value(self, row: DocumentScores, column: int) -> float | None:
        return (None, row.f1_exact_mean, row.f1_exact_sd, row.f1_overlap_mean, None)[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        doc_id = str(row.doc)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return self._titles.get(doc_id, doc_id)
            if column == 4:
                return str(row.n_annotators)
            return fmt(self._value(row, column))
        if role == Qt.ItemDataRole.UserRole:
            return doc_id
        if role == Qt.ItemDataRole.ToolTipRole:
            title = self._titles.get(doc_id, doc_id)
            return (
                f"{title}\n{doc_id}\nF1 exact {fmt_mean_sd(row.f1_exact_mean, row.f1_exact_sd)}"
                f" · F1 overlap {fmt(row.f1_overlap_mean)} · {row.n_annotators} reviewer(s)"
                "\nDouble-click to open it"
            )
        if column in (1, 2, 3):
            value = self._value(row, column)
            if role == Qt.ItemDataRole.BackgroundRole:
                if value is None:
                    return QBrush(NA_BACKGROUND)
                return QBrush(score_color(value)) if column == 1 else None
            if role == Qt.ItemDataRole.ForegroundRole:
                if value is None:
                    return QBrush(NA_FOREGROUND)
                return QBrush(SCORE_FOREGROUND) if column == 1 else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None


# ---------------------------------------------------------------------------------------------
# The window


LABEL_COLUMNS = ("Label", "F1 exact (mean ± SD)", "F1 overlap", "Cohen's κ", "Krippendorff's α_U")


class _CheckList(QGroupBox):
    """A titled checkable list with All / None buttons (and a filter box for long lists)."""

    def __init__(self, title: str, name: str, parent: QWidget, *, filterable: bool = False):
        super().__init__(title, parent)
        self.list = QListWidget(self)
        self.list.setObjectName(f"{name}List")
        self.list.setUniformItemSizes(True)
        layout = QVBoxLayout(self)
        self.filter: QLineEdit | None = None
        if filterable:
            self.filter = QLineEdit(self)
            self.filter.setObjectName(f"{name}Filter")
            self.filter.setPlaceholderText("Filter…")
            self.filter.setClearButtonEnabled(True)
            self.filter.textChanged.connect(self._apply_filter)
            layout.addWidget(self.filter)
        layout.addWidget(self.list)
        buttons = QHBoxLayout()
        self.all_button = QPushButton("All", self)
        self.all_button.setObjectName(f"{name}All")
        self.none_button = QPushButton("None", self)
        self.none_button.setObjectName(f"{name}None")
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def fill(self, entries: list[tuple[str, str]]) -> None:
        """(key, text) per entry; keeps the check state of keys already listed, checks new ones."""
        previous = {key: self.list.item(row).checkState() for row in range(self.list.count())
                    if (key := self.list.item(row).data(Qt.ItemDataRole.UserRole)) is not None}
        self.list.clear()
        for key, text in entries:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            if text != key:
                item.setToolTip(key)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(previous.get(key, Qt.CheckState.Checked))
            self.list.addItem(item)
        if self.filter is not None:
            self._apply_filter(self.filter.text())

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(row) for row in range(self.list.count())]

    def keys(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.items()]

    def checked(self) -> list[str]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.items()
                if item.checkState() == Qt.CheckState.Checked]

    def all_checked(self) -> bool:
        return all(item.checkState() == Qt.CheckState.Checked for item in self.items())

    def set_checked(self, keys) -> None:
        wanted = set(keys)
        for item in self.items():
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def set_all(self, on: bool) -> None:
        """Check or uncheck every entry the filter shows."""
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for item in self.items():
            if not item.isHidden():
                item.setCheckState(state)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for item in self.items():
            key = str(item.data(Qt.ItemDataRole.UserRole))
            item.setHidden(bool(needle) and needle not in item.text().casefold() and needle not in key.casefold())


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
        self._fill_matrix(report)
        self._fill_labels(report)
        self.document_model.reset(report.per_document, self._titles)
        self.overall_label.setText(
            f"Overall: span F1 exact {fmt_mean_sd(report.f1_exact_mean, report.f1_exact_sd)}"
            f" · F1 overlap {fmt(report.f1_overlap_mean)}"
            f" · Krippendorff's α_U {fmt(report.alpha_u)}"
        )
        self.overall_label.setToolTip(
            f"α_U is computed over the {report.alpha_u_documents} document(s) that every chosen reviewer annotated"
        )

    def _fill_matrix(self, report: AgreementReport) -> None:
        names = list(report.annotators)
        self.matrix.clear()
        self.matrix.setRowCount(len(names))
        self.matrix.setColumnCount(len(names))
        self.matrix.setHorizontalHeaderLabels(names)
        self.matrix.setVerticalHeaderLabels(names)
        position = {name: k for k, name in enumerate(names)}
        for k in range(len(names)):
            item = QTableWidgetItem("—")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setForeground(QBrush(NA_FOREGROUND))
            self.matrix.setItem(k, k, item)
        for pair in report.pairs:
            tip = (
                f"{pair.a} × {pair.b}: F1 exact {fmt(pair.f1_exact)}, F1 overlap {fmt(pair.f1_overlap)}"
                f", over {pair.documents} document(s) both annotated"
            )
            if pair.f1_exact is None:
                tip += "\nn/a: nothing to compare (no shared document, or neither marked anything)"
            for row, column in ((pair.a, pair.b), (pair.b, pair.a)):
                item = _figure_item(pair.f1_exact, colour=True)
                item.setToolTip(tip)
                self.matrix.setItem(position[row], position[column], item)

    def _fill_labels(self, report: AgreementReport) -> None:
        self.label_table.clearContents()
        self.label_table.setRowCount(len(report.per_label))
        for row, (label, s) in enumerate(report.per_label.items()):
            name = QTableWidgetItem(label)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.label_table.setItem(row, 0, name)
            exact = _figure_item(s.f1_exact_mean, fmt_mean_sd(s.f1_exact_mean, s.f1_exact_sd), colour=True)
            exact.setToolTip(f"{label}: mean and SD of span F1 (exact) over reviewer pairs")
            self.label_table.setItem(row, 1, exact)
            self.label_table.setItem(row, 2, _figure_item(s.f1_overlap_mean))
            self.label_table.setItem(row, 3, _figure_item(s.kappa_mean))
            self.label_table.setItem(row, 4, _figure_item(s.alpha_u))

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
