"""Figure readings in the window: warming the readers up, showing a reading, correcting one.

``annotator.figures`` costs about 0.4 s the first time (importing it builds its number anchors,
the first reading compiles some 30,000 characters of regular expression). The window pays that in
a background thread started just after it is first painted (not sooner: the thread would slow
the first paint), so neither the first FIGURE key press nor the claims panel waits for it;
until the thread is done the panel leaves readings out and fills them in when it is
(``FigureWarmup.ready``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Mapping

from PySide6.QtCore import QObject, QTimer, Signal

from ..model import FIGURE
from .deferred import edits

if TYPE_CHECKING:
    from .figure_dialog import FigureDialog


def __getattr__(name: str):
    if name == "FigureDialog":  # its old home; the dialog's module is imported when first opened
        from .figure_dialog import FigureDialog

        return FigureDialog
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# A phrase that takes the readers through the English and Korean patterns and the date check.
_WARM_TEXT = "around $3 billion, 2억5천만 원, 58 cyberattacks on March 3, 2024"


def figures_ready() -> bool:
    """Whether the readers are loaded, so that reading or describing a figure costs microseconds."""
    return _warmed.is_set()


_warmed = threading.Event()
_started = threading.Lock()  # held once a warm-up thread was started in this process


def _warm() -> None:
    try:
        from ..figures import find_figures, read_figure

        read_figure(_WARM_TEXT)
        find_figures(_WARM_TEXT)
    finally:  # loaded or not, the window stops waiting (a key press would then show the error)
        _warmed.set()


class FigureWarmup(QObject):
    """Loads and compiles the figure readers in a thread (one per process); ``ready`` is emitted on
    the GUI thread when they are loaded. A timer looks for the end rather than the thread emitting,
    so no signal crosses threads to a window that may be closing."""

    ready = Signal()
    POLL_MS = 50

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._check)

    def start(self) -> None:
        if _started.acquire(blocking=False):
            threading.Thread(target=_warm, name="figure-warmup", daemon=True).start()
        self._timer.start()

    def _check(self) -> None:
        if _warmed.is_set():
            self._timer.stop()
            self.ready.emit()


def reading_text(reading: Mapping[str, Any] | None) -> str:
    """What the panel and the tooltip show for a reading: "≈ 3,000,000,000 USD", "✎" when edited."""
    if reading is None or not _warmed.is_set():  # never wait on the warm-up thread's import here
        return ""
    from ..figures import describe

    text = describe(dict(reading))
    return text + ("  ✎" if reading.get("source") == "edited" else "")


class FigureActionsMixin:
    """The main window's figure work: warm-up, the reading shown for a span, the correction dialog."""

    figure_warmup: FigureWarmup | None = None

    def _start_figure_warmup(self) -> None:
        self.figure_warmup = FigureWarmup(self)
        self.figure_warmup.ready.connect(self.panel.readings_ready)
        self.figure_warmup.start()

    def span_reading(self, span_id) -> dict[str, Any] | None:
        """A FIGURE span's ``attrs.figure`` (one row read: the panel asks only for rows it shows)."""
        row = self.store.db.execute("SELECT label, attrs FROM spans WHERE id = ?", (span_id,)).fetchone()
        if row is None or row[0] != FIGURE or '"figure"' not in row[1]:
            return None
        import json

        figure = json.loads(row[1]).get("figure")
        return figure if isinstance(figure, dict) else None

    def _figure_span(self) -> int | None:
        """The FIGURE span an edit of the reading is about: the panel's current row when the panel
        has the focus, else the selected span."""
        candidates = []
        if self.panel.tree.hasFocus():
            candidates.append(self.panel.current_span())
        candidates.append(self.session.selected_span)
        for span_id in candidates:
            if span_id is not None and self.store.span_row(span_id) is not None \
                    and self.store.span_row(span_id).label == FIGURE:
                return span_id
        return None

    def edit_figure_reading(self, span_id=None) -> None:
        span_id = span_id if span_id is not None else self._figure_span()
        if span_id is None:
            self.show_status("Select a FIGURE span (click it, or its row in the claims panel) to edit its reading.")
            return
        from .figure_dialog import FigureDialog

        row = self.store.span_row(span_id)
        dialog = FigureDialog(self.view.text[row.start:row.end], self.span_reading(span_id), self)
        dialog.setModal(True)
        dialog.finished.connect(lambda code: self._figure_dialog_done(dialog, span_id, code))
        self.figure_dialog = dialog  # tests reach it here
        dialog.open()

    def _figure_dialog_done(self, dialog: FigureDialog, span_id, code: int) -> None:
        self.figure_dialog = None
        if code == dialog.DialogCode.Accepted and dialog.result_reading is not None:
            if self._do(edits.SetFigure(self.session.doc_id, span_id, dialog.result_reading)) is not None:
                self.show_status(f"Figure reading: {reading_text(dialog.result_reading)}")
        dialog.deleteLater()
        self.view.setFocus()
