"""The review view's text: the gold layer as in annotation and, above every line, a lane per reviewer."""

from __future__ import annotations

import re
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QTextCursor
from PySide6.QtWidgets import QTextEdit, QWidget

from .. import review
from .highlighter import SpanHighlighter
from .lane_index import LaneIndex
from .text_view import AnnotationView

LANE_HEIGHT = 3
LANE_GAP = 1
_SPACES = re.compile(r"[ \t\u00a0]+")


class LaneHighlighter(SpanHighlighter):
    """The gold spans as AnnotationView draws them; in blocks with reviewer lanes, white space in
    a taller font (its extra width taken back by letter spacing) so that every line has room above
    its text for the lanes. QPlainTextEdit ignores line-height block formats, so this is the way.

    Lazy like the article view's highlighter: only blocks on screen (and a margin) are formatted.
    A block grows taller when its lanes are formatted, which is harmless off screen because
    QPlainTextEdit scrolls by lines, not pixels; the view formats what comes into view before it
    is painted, and centres again once the blocks around a target are formatted."""

    keeps_line_heights = False  # lane blocks get taller white space

    def __init__(self, view: "ReviewTextView"):
        super().__init__(view)
        self.blocks_formatted = 0  # blocks formatted, with or without gold spans (tests, benchmark)

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        if self.paused:
            return
        view = self._view
        number = self.currentBlock().blockNumber()
        if number not in self.allowed and number not in view._formatted:
            return
        self.blocks_formatted += 1
        super().highlightBlock(text)
        if view.lane_room is None or not view.lanes.bars(number):
            return
        size, spacing = view.lane_room
        for match in _SPACES.finditer(text):
            for i in range(match.start(), match.end()):
                fmt = self.format(i)
                fmt.setFontPointSize(size)
                fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
                fmt.setFontLetterSpacing(spacing)
                self.setFormat(i, 1, fmt)


class ReviewTextView(AnnotationView):
    """The gold layer as an AnnotationView draws it, and a lane per reviewer above each line of
    text (brat and INCEpTION draw annotations above the text too): a bar in the label's colour
    where that reviewer has a span."""

    lanes: LaneIndex | None = None  # until __init__ makes them (Qt asks for repaints before)
    lane_room: tuple[float, float] | None = None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reviewTextView")
        self.highlighter.setDocument(None)
        self.highlighter = LaneHighlighter(self)
        self.lane_count = 0
        self.lane_room: tuple[float, float] | None = None  # (point size, letter spacing) of white space
        self.lanes = LaneIndex(self.map, self._block_starts, (), [], self._color)
        self._item_extent: tuple[int, int] | None = None
        self._edit_target: int | None = None

    def load_review(self, text: str, gold: list, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        """Show ``text`` with the gold spans and the reviewers' lanes; only what is on screen is
        formatted now, the rest as it scrolls into view."""
        self._index_lanes((), [])

        def index() -> None:
            self._index(gold)
            self._index_lanes(reviewers, spans)

        self.overlay = []
        self._load_text(text, index)

    def set_lanes(self, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        self._index_lanes(reviewers, spans)
        self._invalidate(set(self._formatted))
        self.viewport().update()

    def _index_lanes(self, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        self.lane_count = len(reviewers)
        self.lane_room = self._room(self.lane_count) if self.lane_count else None
        self.lanes = LaneIndex(self.map, self._block_starts, reviewers, spans, self._color)

    @property
    def lane_index(self) -> dict[int, list[tuple[int, int, int, QColor]]]:
        """Every block's bars (works out all blocks: for tests, not hot paths)."""
        found = {n: self.lanes.bars(n) for n in range(self.lanes.block_count())}
        return {n: bars for n, bars in found.items() if bars}

    def _format_visible(self, *args) -> None:
        before = len(self._formatted)
        super()._format_visible(*args)
        if len(self._formatted) != before and self.lane_room is not None:
            # QPlainTextEdit works out how far it may scroll from the heights of the last blocks
            # as they were laid out; lanes just formatted made some lines taller, so let it
            # measure again (or the last lines could not be scrolled to).
            layout = self.document().documentLayout()
            layout.documentSizeChanged.emit(layout.documentSize())

    def _needs_format(self, number: int) -> bool:
        return super()._needs_format(number) or (self.lanes is not None and bool(self.lanes.bars(number)))

    def _room(self, lanes: int) -> tuple[float, float]:
        font = self.font()
        base = QFontMetricsF(font)
        wanted = base.ascent() + lanes * (LANE_HEIGHT + LANE_GAP) + 1
        size = font.pointSizeF() * wanted / base.ascent()
        big = QFont(font)
        big.setPointSizeF(size)
        spacing = base.horizontalAdvance(" ") - QFontMetricsF(big).horizontalAdvance(" ")
        return size, spacing

    def show_item(self, extent: tuple[int, int] | None, edit_target: int | None = None) -> None:
        """Outline the current item's extent (and the gold span being edited)."""
        self._item_extent = extent
        self._edit_target = edit_target
        selections = []
        if extent is not None:
            sel = QTextEdit.ExtraSelection()
            qt_start, qt_end = self.map.range_to_qt(*extent)
            cursor = QTextCursor(self.document())
            cursor.setPosition(qt_start)
            cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            fmt = sel.format
            fmt.setBackground(QColor(120, 120, 120, 45))
            sel.format = fmt
            selections.append(sel)
        if edit_target is not None:
            selections.extend(self._selection(edit_target, alpha=190, outline=True))
        self.setExtraSelections(selections)

    def scroll_to_cp(self, cp: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.map.to_qt(cp))
        self.setTextCursor(cursor)
        self.centerCursor()
        # Centring measured the blocks above as they were; formatting their lanes made them
        # taller, so centre once more on the formatted heights.
        self._format_visible()
        self.centerCursor()
        self._format_visible()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.lane_count or not self.lanes:
            return
        painter = QPainter(self.viewport())
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        height = self.viewport().height()
        step = LANE_HEIGHT + LANE_GAP
        band = self.lane_count * step
        glyph_ascent = QFontMetricsF(self.font()).ascent()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > height:
                break
            entries = self.lanes.bars(block.blockNumber())
            if entries and block.isVisible():
                layout = block.layout()
                base = block.position()
                for n in range(layout.lineCount()):
                    line = layout.lineAt(n)
                    a, b = base + line.textStart(), base + line.textStart() + line.textLength()
                    top = geometry.top() + line.y() + line.ascent() - glyph_ascent - band
                    for lane, qs, qe, color in entries:
                        if qs >= b or qe <= a:
                            continue
                        x1 = line.cursorToX(max(qs, a) - base)[0]
                        x2 = line.cursorToX(min(qe, b) - base)[0]
                        painter.fillRect(QRectF(geometry.left() + x1, top + lane * step, max(x2 - x1, 2.0), LANE_HEIGHT), color)
            block = block.next()
        painter.end()

