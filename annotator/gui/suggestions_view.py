"""Suggestions drawn over the article view: a dotted outline in the label's colour, never a fill
(spans are fills and underlines), the current suggestion's outline dashed and thicker.

They are painted on the viewport right after the text, in the same paint pass and clipped to its
region (``AnnotationView.paint_over``): a widget laid over the viewport would repaint the whole
viewport under it on every update, a key press's repaint included. Only suggestions in the
stretch being painted are drawn (found by bisection over their Qt positions), from the text layout
Qt already made, so a 1 MB article with thousands of suggestions paints as fast as a short one.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap


if TYPE_CHECKING:
    from ..suggest import Suggestion
    from .text_view import AnnotationView


class SuggestionLayer:
    """What the view shows of the suggestions; ``suggestions`` in text order with their Qt ranges."""

    def __init__(self, view: "AnnotationView"):
        self._view = view
        self.visible = True
        self.suggestions: list[Suggestion] = []
        self.qt_ranges: list[tuple[int, int]] = []
        self._qt_starts: list[int] = []
        self.current: Suggestion | None = None
        self.painted = 0  # outlines drawn into the screen's pixmap when it was last made (tests)
        self._shapes: dict[int, list] = {}  # suggestion index -> its outline relative to its blocks
        self._layout_key: tuple | None = None
        self._generation = 0  # bumped whenever the suggestions or their shapes change
        self._screen_key: tuple | None = None
        self._screen: QPixmap | None = None
        self._bounds = QRect()  # where the outlines are, grown by the pens' width
        view.paint_over = self.paint

    def update(self) -> None:
        self._view.viewport().update()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (as a widget's)
        self.visible = visible
        self.update()

    def isVisible(self) -> bool:  # noqa: N802
        return self.visible

    def show_suggestions(self, suggestions: list[Suggestion], current: Suggestion | None) -> None:
        view_map = self._view.map
        self.suggestions = list(suggestions)
        self.qt_ranges = [view_map.range_to_qt(s.start, s.end) for s in self.suggestions]
        self._qt_starts = [a for a, _b in self.qt_ranges]
        self._shapes = {}
        self._generation += 1
        self.current = current
        self.update()

    def set_current(self, current: Suggestion | None) -> None:
        self.current = current
        self.update()

    def _painted_qt(self, rect) -> tuple[int, int]:
        """The Qt positions the viewport rectangle ``rect`` can show (whole blocks)."""
        view = self._view
        first = view.cursorForPosition(QPoint(0, rect.top())).block().position()
        last = view.cursorForPosition(QPoint(rect.right(), rect.bottom())).position()
        end_block = view.document().findBlock(last)
        return first, end_block.position() + end_block.length() if end_block.isValid() else last + 1

    def paint(self, event) -> None:
        if not self.suggestions or not self.visible:
            self.painted = 0
            return
        view = self._view
        layout_key = (view.viewport().width(), view.font().key())
        if layout_key != self._layout_key:  # line breaks moved: every outline is measured again
            self._layout_key = layout_key
            self._shapes.clear()
            self._generation += 1
        offset = view.contentOffset()
        first_block = view.firstVisibleBlock().blockNumber()
        # What the whole viewport shows is drawn once into a transparent pixmap and kept while
        # nothing scrolls, relayouts or changes: a key press's repaint copies the part it needs
        # (drawing dotted outlines costs ~1 ms per hundred, copying them a tenth of that).
        viewport = view.viewport()
        ratio = viewport.devicePixelRatioF()
        screen_key = (layout_key, viewport.height(), ratio, offset.x(), offset.y(), first_block, self._generation,
                      self.current.key() if self.current is not None else None)
        if screen_key != self._screen_key or self._screen is None:
            self.painted = 0
            outlines = self._outlines(viewport.rect(), offset)
            self._screen = self._render(outlines, viewport.size(), ratio)
            self._bounds = _bounds(outlines)
            self._screen_key = screen_key
        painter = QPainter(viewport)
        try:
            part = event.rect().intersected(self._bounds)  # only where outlines are
            if not part.isEmpty():
                painter.drawPixmap(part, self._screen, QRectF(part.x() * ratio, part.y() * ratio,
                                                              part.width() * ratio, part.height() * ratio).toRect())
        finally:
            painter.end()

    def _outlines(self, area, offset) -> dict[tuple[str, bool], list[QRectF]]:
        """The outlines the viewport rectangle ``area`` shows, by pen (label, current)."""
        view = self._view
        first, last = self._painted_qt(area)
        # Suggestions of one label do not overlap, but different labels may: start a little before.
        index = max(0, bisect.bisect_left(self._qt_starts, first) - 8)
        current = self.current.key() if self.current is not None else None
        by_pen: dict[tuple[str, bool], list[QRectF]] = {}
        tops: dict[int, QPointF | None] = {}  # block number -> its top left on screen, once per paint
        document = view.document()
        for k in range(index, len(self.suggestions)):
            qt_start, qt_end = self.qt_ranges[k]
            if qt_start > last:
                break
            if qt_end < first:
                continue
            shape = self._shapes.get(k)
            if shape is None:
                shape = self._shape(qt_start, qt_end)
                if shape is None:
                    continue  # not laid out yet: it is not on screen
                self._shapes[k] = shape
            suggestion = self.suggestions[k]
            rects = by_pen.setdefault((suggestion.label, suggestion.key() == current), [])
            for number, rect in shape:
                if number not in tops:
                    block = document.findBlockByNumber(number)
                    tops[number] = view.blockBoundingGeometry(block).translated(offset).topLeft() \
                        if block.isVisible() else None
                top = tops[number]
                if top is not None:
                    rects.append(rect.translated(top))
        return by_pen

    def _render(self, by_pen: dict[tuple[str, bool], list[QRectF]], size, ratio: float) -> QPixmap:
        pixmap = QPixmap(max(1, round(size.width() * ratio)), max(1, round(size.height() * ratio)))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        scheme = self._view.scheme
        painter = QPainter(pixmap)
        try:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for (label, is_current), rects in by_pen.items():
                found = scheme.get(label)
                pen = QPen(QColor(found.color if found else "#888888"), 3 if is_current else 2)
                pen.setStyle(Qt.PenStyle.DashLine if is_current else Qt.PenStyle.DotLine)
                painter.setPen(pen)
                painter.drawRects(rects)
                self.painted += len(rects)
        finally:
            painter.end()
        return pixmap

    def _shape(self, qt_start: int, qt_end: int) -> list[tuple[int, QRectF]] | None:
        """[qt_start, qt_end) as rectangles, one per line, each relative to its block's top left
        (so scrolling and re-highlighting keep them valid; a new width does not). None while a
        block it covers is not laid out."""
        out: list[tuple[int, QRectF]] = []
        block = self._view.document().findBlock(qt_start)
        while block.isValid() and block.position() < qt_end:
            layout = block.layout()
            if layout is None or not layout.lineCount():
                return None
            a = max(qt_start - block.position(), 0)
            b = min(qt_end - block.position(), block.length() - 1)
            line = layout.lineForTextPosition(a)
            n = line.lineNumber() if line.isValid() else layout.lineCount()
            while n < layout.lineCount():
                line = layout.lineAt(n)
                lo = line.textStart()
                if lo >= b:
                    break
                s, e = max(a, lo), min(b, lo + line.textLength())
                if s < e:
                    x1, x2 = line.cursorToX(s)[0], line.cursorToX(e)[0]
                    out.append((block.blockNumber(), QRectF(x1, line.y(), max(x2 - x1, 2.0), line.height() - 1)))
                n += 1
            block = block.next()
        return out

    def rects(self, qt_start: int, qt_end: int) -> list[QRectF]:
        """The rectangles on screen (viewport points) that [qt_start, qt_end) covers (tests)."""
        view = self._view
        out = []
        for number, rect in self._shape(qt_start, qt_end) or []:
            block = view.document().findBlockByNumber(number)
            out.append(rect.translated(view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft()))
        return out



def _bounds(by_pen: dict[tuple[str, bool], list[QRectF]], margin: int = 3) -> QRect:
    """The rectangle holding every outline, grown by the pens' width."""
    rects = [r for group in by_pen.values() for r in group]
    if not rects:
        return QRect()
    left, top = min(r.left() for r in rects), min(r.top() for r in rects)
    right, bottom = max(r.right() for r in rects), max(r.bottom() for r in rects)
    return QRect(int(left) - margin, int(top) - margin, int(right - left) + 2 * margin + 2,
                 int(bottom - top) + 2 * margin + 2)
