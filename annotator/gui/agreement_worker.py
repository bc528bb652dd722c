"""The agreement window's work off the UI thread: what can be chosen, and the computation in a
``QThread`` that reports progress and stops at the next document when cancelled."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from .. import agreement
from ..agreement import AgreementCancelled, compute_agreement
from ..errors import AnnotatorError
from ..model import GOLD
from ..store import Store


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
                layers, lengths = agreement.agreement_inputs(store, self.request.doc_ids)
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
