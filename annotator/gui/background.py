"""Run long work (import, export) off the UI thread with a cancellable progress dialog.

The work function gets a ``progress(done, total)`` callback that raises ``Cancelled`` once the
user pressed Cancel; it must open its own database connection (SQLite connections belong to the
thread that made them).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..errors import AnnotatorError


class Cancelled(AnnotatorError):
    def __init__(self) -> None:
        super().__init__("cancelled; nothing was changed")


class _Worker(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[Callable[[int, int], None]], Any]):
        super().__init__()
        self._work = work
        self.cancel_event = threading.Event()

    def run(self) -> None:
        def progress(done: int, total: int) -> None:
            if self.cancel_event.is_set():
                raise Cancelled()
            self.progressed.emit(done, total)

        try:
            result = self._work(progress)
        except AnnotatorError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug, reported in a dialog rather than lost in a thread
            self.failed.emit(f"unexpected {type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)


class BackgroundTask(QObject):
    """One piece of work in a QThread; emits ``done(result)`` or ``error(message)`` on the UI thread."""

    done = Signal(object)
    error = Signal(str)

    def __init__(self, parent: QWidget, label: str, work: Callable[[Callable[[int, int], None]], Any]):
        super().__init__(parent)
        self._thread = QThread(self)
        self._worker = _Worker(work)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._worker.succeeded.connect(self._on_success, Qt.ConnectionType.QueuedConnection)
        self._worker.failed.connect(self._on_failure, Qt.ConnectionType.QueuedConnection)
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setObjectName("progressDialog")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.canceled.connect(self.cancel)

    def cancel(self) -> None:
        self._worker.cancel_event.set()

    def finish_now(self) -> None:
        """Cancel and wait for the thread (the window is closing): nothing is left half-done."""
        self.cancel()
        self._thread.quit()
        self._thread.wait()

    def start(self) -> None:
        self._thread.start()

    def _on_progress(self, done: int, total: int) -> None:
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)

    def _finish(self) -> None:
        self.dialog.reset()
        self.dialog.hide()
        self._thread.quit()
        self._thread.wait()

    def _on_success(self, result: object) -> None:
        self._finish()
        self.done.emit(result)
        self.deleteLater()

    def _on_failure(self, message: str) -> None:
        self._finish()
        self.error.emit(message)
        self.deleteLater()
