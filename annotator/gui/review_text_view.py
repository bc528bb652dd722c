"""The review view's text: the gold layer as in annotation and, above every line, a lane per reviewer."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QTextCursor
from PySide6.QtWidgets import QTextEdit, QWidget

from .. import review
from .highlighter import SpanHighlighter
from .text_view import AnnotationView

LANE_HEIGHT = 3
LANE_GAP = 1
_SPACES = re.compile(r"[ \t\u00a0]+")


class LaneHighlighter(SpanHighlighter):
    """The gold spans as AnnotationView draws them; in blocks with reviewer lanes, white space in
    a taller font (its extra width taken back by letter spacing) so that every line has room above
    its text for the lanes. QPlainTextEdit ignores line-height block formats, so this is the way."""

    lazy = False  # lanes change line heights: every block must be formatted for the layout

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        super().highlightBlock(text)
        view = self._view
        if view.lane_room is None or self.currentBlock().blockNumber() not in view.lane_index:
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

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reviewTextView")
        self.highlighter.setDocument(None)
        self.highlighter = LaneHighlighter(self)
        self.lane_count = 0
        self.lane_room: tuple[float, float] | None = None  # (point size, letter spacing) of white space
        self.lane_index: dict[int, list[tuple[int, int, int, QColor]]] = {}  # block -> (lane, qt start, qt end, colour)
        self._item_extent: tuple[int, int] | None = None
        self._edit_target: int | None = None

    def load_review(self, text: str, gold: list, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        """Show ``text`` with the gold spans and the reviewers' lanes, formatted in one pass."""
        self._marks = (None, ())
        self.setExtraSelections([])
        self.highlighter.setDocument(None)
        self._show_text(text)
        self._block_starts = self._read_block_starts()
        self._index(gold)
        self._index_lanes(reviewers, spans)
        self.highlighter.setDocument(self.document())
        # The lane highlighter formats every block itself (lanes change line heights, so the
        # whole layout must know them); nothing is left for the lazy pass of AnnotationView.
        self._formatted = set(range(len(self._block_starts)))

    def set_lanes(self, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        self._index_lanes(reviewers, spans)
        self.highlighter.rehighlight()
        self.viewport().update()

    def _index_lanes(self, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        lane_of = {name: k for k, name in enumerate(reviewers)}
        self.lane_count = len(reviewers)
        self.lane_room = self._room(self.lane_count) if self.lane_count else None
        range_to_qt = self.map.range_to_qt
        colors: dict[str, QColor] = {}
        index: dict[int, list] = defaultdict(list)
        for span in spans:
            lane = lane_of.get(span.annotator)
            if lane is None:
                continue
            color = colors.get(span.label)
            if color is None:
                color = colors[span.label] = QColor(self._color(span.label))
            qs, qe = range_to_qt(span.start, span.end)
            first = bisect_right(self._block_starts, qs) - 1
            last = first if qe - 1 <= qs else bisect_right(self._block_starts, qe - 1) - 1
            for number in range(first, last + 1):
                index[number].append((lane, qs, qe, color))
        self.lane_index = dict(index)

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

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.lane_count or not self.lane_index:
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
            entries = self.lane_index.get(block.blockNumber())
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

