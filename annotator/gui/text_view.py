"""The article view: a read-only QPlainTextEdit coloured by a QSyntaxHighlighter.

Span colours live in the layout (the highlighter's formats), not in the document: no undo
entries, overlaps can be drawn, and only blocks Qt lays out get formatted. The highlighter reads
a per-block index of spans kept in Qt positions; code point <-> Qt conversion happens here, at the
view's edge, through ``annotator.offsets``. Transient marks (the selected span, the current
claim) are ExtraSelections over a handful of spans; formats and marks are drawn by the
``SpanDrawing`` mixin (``span_drawing.py``).

A line longer than a few thousand characters (pasted web text can be 20 MB on one line) is shown
as several display blocks: Qt lays out and highlights a block whole. The offset map knows where
it inserted those breaks; the copied text is cut from the stored text, so it never has them.
"""

from __future__ import annotations


from PySide6.QtCore import QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QToolTip, QWidget

from ..model import LabelScheme, Span, SpanRow
from ..offsets import OffsetMap
from .highlighter import SpanHighlighter
from .span_drawing import SpanDrawing
from .span_index import PlacedSpan, SpanIndex

class AnnotationView(SpanDrawing, QPlainTextEdit):
    """Shows one document; reports selections in code points; never edits the text."""

    span_clicked = Signal(object)  # span id
    blank_clicked = Signal()  # a click (or a drag that selected nothing) where no span is
    SELECT_MENU_LIMIT = 12
    MARGIN_BLOCKS = 8  # blocks formatted beyond the visible ones, so a small scroll shows colour at once

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("annotationView")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        self.text = ""
        self.map = OffsetMap("")
        self.scheme = LabelScheme()
        self.overlay: list[Span] = []
        self.span_note = None  # span id -> a line for its tooltip (a figure's reading), set by the window
        self.paint_over = None  # called with each paint event after the text is drawn (suggestions)
        self._block_starts: list[int] = [0]
        self.index = SpanIndex(self.map, self._block_starts, [], [])
        self._formatted: set[int] = set()  # blocks whose formats are current
        self._loading = False
        self._formatting = False
        self._repainting_all = False
        self._format_cache: dict[tuple, QTextCharFormat] = {}
        self._marks: tuple[object | None, tuple] = (None, ())
        self.highlighter = SpanHighlighter(self)
        self._press_pos: QPoint | None = None
        self.updateRequest.connect(self._format_visible)

    # -- content -----------------------------------------------------------------------------

    def set_scheme(self, scheme: LabelScheme) -> None:
        self.scheme = scheme
        self._format_cache.clear()
        self._invalidate_all()

    def load(self, text: str, spans: list[Span | SpanRow], overlay: list[Span | SpanRow] | None = None) -> None:
        """Show ``text`` with ``spans`` (and another reviewer's ``overlay``, faintly)."""
        self.overlay = list(overlay or [])
        self._load_text(text, lambda: self._index(spans))

    def _load_text(self, text: str, index) -> None:
        """Show ``text``; ``index`` indexes what is drawn once the blocks are known."""
        self._marks = (None, ())
        self.setExtraSelections([])
        self.highlighter.allowed = set()
        self._formatted = set()
        self.index = SpanIndex(self.map, [0], [], [])
        self._loading = True  # setPlainText asks for repaints before the spans are indexed
        self.highlighter.paused = True
        try:
            self._show_text(text)
            self._block_starts = self._read_block_starts()
            index()
        finally:
            self._loading = False
            self.highlighter.paused = False
        self._repainting_all = True  # a new text repaints the whole viewport anyway
        try:
            self._format_visible()
        finally:
            self._repainting_all = False

    def _show_text(self, text: str) -> None:
        self.text = text
        self.map = OffsetMap(text, split_long_lines=True)
        self.setPlainText(self.map.display_text(text))

    def set_spans(self, spans: list[Span | SpanRow], overlay: list[Span | SpanRow] | None = None) -> None:
        """Replace every span shown (and the overlay, when given)."""
        if overlay is not None:
            self.overlay = list(overlay)
        self._index(spans)
        self._invalidate(set(self._formatted))

    def update_spans(self, changes: dict[object, Span | SpanRow | None]) -> None:
        """Add, change or remove (``None``) the given spans; only their blocks are re-formatted."""
        dirty: set[int] = set()
        for span_id, span in changes.items():
            dirty.update(self.index.remove(span_id))
            if span is not None:
                dirty.update(self.index.add(span))
        if not self.highlighter.keeps_line_heights:
            self._invalidate(dirty)
            return
        # Formatted blocks get their new formats at once and only their own rectangles repainted
        # (rehighlightBlock would repaint the whole viewport); the others when they come into view.
        doc = self.document()
        for number in sorted(dirty & self._formatted):
            block = doc.findBlockByNumber(number)
            self.highlighter.restyle(block)
            self._repaint_block(block)

    @property
    def placed(self) -> dict[object, PlacedSpan]:
        """Every span of the reviewer shown, placed (builds them all: for tests, not hot paths)."""
        return {span_id: self.index.placed(span_id) for span_id in self.index.own}

    @property
    def block_index(self) -> dict[int, list[PlacedSpan]]:
        """Every block's spans (works out all blocks: for tests, not hot paths)."""
        found = {n: self.index.entries(n) for n in range(self.index.block_count())}
        return {n: entries for n, entries in found.items() if entries}

    def own_spans(self) -> list[Span]:
        return self.index.own_spans()

    def _read_block_starts(self) -> list[int]:
        starts = []
        block = self.document().begin()
        while block.isValid():
            starts.append(block.position())
            block = block.next()
        return starts or [0]

    def _index(self, spans: list[Span]) -> None:
        self.index = SpanIndex(self.map, self._block_starts, spans, self.overlay)

    # -- formatting only what is seen --------------------------------------------------------

    def visible_blocks(self) -> range:
        block = self.firstVisibleBlock()
        if not block.isValid():
            return range(0)
        first = block.blockNumber()
        bottom = self.viewport().height()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        last = first
        while block.isValid() and top <= bottom:
            last = block.blockNumber()
            top += self.blockBoundingRect(block).height()
            block = block.next()
        count = len(self._block_starts)
        return range(max(0, first - self.MARGIN_BLOCKS), min(count, last + 1 + self.MARGIN_BLOCKS))

    def _format_visible(self, *_args) -> None:
        # Formatting a block relayouts it, which asks for repaints, which lands here again.
        if self._loading or self._formatting:
            return
        self._formatting = True
        try:
            doc = self.document()
            while True:  # formatting can change line heights and so what is visible
                pending = [n for n in self.visible_blocks() if n not in self._formatted]
                if not pending:
                    break
                self.highlighter.allowed = set(pending)
                for number in pending:
                    self._formatted.add(number)
                    block = doc.findBlockByNumber(number)
                    # A block with no spans that was never formatted has nothing to clear.
                    if block.isValid() and (self._needs_format(number) or block.layout().formats()):
                        self._format_block(block)
        finally:
            self.highlighter.allowed = set()
            self._formatting = False

    def _format_block(self, block) -> None:
        if not self.highlighter.keeps_line_heights:
            self.highlighter.rehighlightBlock(block)
            return
        # Straight into the layout, and only the block repainted: rehighlightBlock would lay the
        # next block out again and repaint the whole viewport for each block formatted.
        self.highlighter.restyle(block)
        if not self._repainting_all:
            self._repaint_block(block)

    def _repaint_block(self, block) -> None:
        rect = self.blockBoundingGeometry(block).translated(self.contentOffset())
        self.viewport().update(0, int(rect.top()) - 1, self.viewport().width(), int(rect.height()) + 3)

    def _needs_format(self, number: int) -> bool:
        """Whether block ``number`` has anything to format (a subclass may draw more than spans)."""
        return bool(self.index.entries(number))

    def _invalidate(self, blocks: set[int]) -> None:
        self._formatted -= blocks
        self._format_visible()

    def _invalidate_all(self) -> None:
        self._formatted = set()
        self._format_visible()

    def scroll_to_span(self, span_id: object) -> None:
        placed = self.index.placed(span_id)
        if placed is None:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(placed.qt_start)
        # Put the cursor there without selecting, so the next Shift+arrow starts at the span.
        self.setTextCursor(cursor)
        self.centerCursor()

    # -- selections in code points -----------------------------------------------------------

    def selection_cp(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.map.range_to_cp(cursor.selectionStart(), cursor.selectionEnd())

    def select_cp(self, start: int, end: int) -> None:
        """Select [start, end) given in code points, as a user dragging over it would."""
        qt_start, qt_end = self.map.range_to_qt(start, end)
        cursor = QTextCursor(self.document())
        cursor.setPosition(qt_start)
        cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.setTextCursor(cursor)

    def cp_at(self, pos: QPoint) -> int | None:
        """Code point under the viewport point ``pos`` (the character, not the gap)."""
        cursor = self.cursorForPosition(pos)
        qt = cursor.position()
        rect = self.cursorRect(cursor)
        if pos.x() < rect.left() and qt > 0:  # cursorForPosition rounds to the nearer gap
            qt -= 1
        if self.map.is_display_break(qt):  # past the end of a display block: no character there
            return None
        cp = self.map.to_cp(qt)
        return cp if cp < len(self.text) else None

    def spans_at(self, cp: int) -> list[Span]:
        qt = self.map.to_qt(cp)
        block = self.document().findBlock(qt).blockNumber()
        hits = [p.span for p in self.index.entries(block) if not p.overlay and p.span.start <= cp < p.span.end]
        return sorted(hits, key=lambda s: (s.end - s.start, s.start))

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 (Qt's name)
        """Copy (and drag) the stored text of the selection: no display breaks, and line breaks
        as the article has them (Qt would give one U+2029 for each)."""
        # Made by Qt, not by us: Qt deletes what this returns, and a QMimeData built in Python
        # would be deleted a second time by Python at exit (a crash as the process ends).
        mime = super().createMimeDataFromSelection()
        selection = self.selection_cp()
        if selection is not None:
            mime.text()  # Qt fills in its formats lazily, on the first read: let it, then replace them
            for kind in mime.formats():  # Qt's rich and plain text hold the display breaks
                mime.removeFormat(kind)
            mime.setText(self.text[selection[0] : selection[1]])
        return mime

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.paint_over is not None:
            self.paint_over(event)

    # -- mouse -------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        self._press_pos = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        pos = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        if self._press_pos is not None and (pos - self._press_pos).manhattanLength() > 4:
            self.blank_clicked.emit()  # a drag that selected nothing must not leave a span selected
            return
        cp = self.cp_at(pos)
        hits = self.spans_at(cp) if cp is not None else []
        if not hits:
            self.blank_clicked.emit()
        elif len(hits) == 1:
            self.span_clicked.emit(hits[0].id)
        elif hits:
            chosen = self.choose_span(hits, self.viewport().mapToGlobal(pos))
            if chosen is not None:
                self.span_clicked.emit(chosen.id)

    def choose_span(self, hits: list[Span], global_pos: QPoint) -> Span | None:
        """Overlapping spans under the cursor: let the user pick one from a menu."""
        menu = QMenu(self)
        menu.setObjectName("overlapMenu")
        for span in hits[: self.SELECT_MENU_LIMIT]:
            snippet = " ".join(self.text[span.start : span.end].split())
            if len(snippet) > 50:
                snippet = snippet[:49] + "…"
            action = menu.addAction(f"{span.label}: {snippet}")
            action.setData(span.id)
        picked = menu.exec(global_pos)
        if picked is None:
            return None
        return next((s for s in hits if s.id == picked.data()), None)

    def event(self, event) -> bool:  # noqa: D102
        if event.type() == event.Type.ToolTip:
            cp = self.cp_at(self.viewport().mapFromGlobal(event.globalPos()))
            hits = self.spans_at(cp) if cp is not None else []
            if hits:
                note = self.span_note or (lambda _id: "")
                lines = [s.label + (f": {n}" if (n := note(s.id)) else "") for s in hits]
                QToolTip.showText(event.globalPos(), "\n".join(lines), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)
