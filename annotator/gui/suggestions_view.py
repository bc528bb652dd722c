"""Suggestions drawn over the article view: a dotted outline in the label's colour, never a fill
(spans are fills and underlines), the current suggestion's outline dashed and thicker.

A transparent widget laid over the view's viewport paints them; it is a child of the view, not of
the viewport, because scrolling moves the viewport's children with the text. Only suggestions in
the visible stretch are drawn (found by bisection over their Qt positions), from the text layout
Qt already made, so a 1 MB article with thousands of suggestions paints as fast as a short one.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ..suggest import Suggestion

if TYPE_CHECKING:
    from .text_view import AnnotationView


class SuggestionLayer(QWidget):
    """What the view shows of the suggestions; ``suggestions`` in text order with their Qt ranges."""

    def __init__(self, view: "AnnotationView"):
        super().__init__(view)
        self.setObjectName("suggestionLayer")
        self._view = view
        self.suggestions: list[Suggestion] = []
        self.qt_ranges: list[tuple[int, int]] = []
        self._qt_starts: list[int] = []
        self.current: Suggestion | None = None
        self.painted = 0  # outlines drawn by the last paint (tests)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.viewport().installEventFilter(self)
        view.updateRequest.connect(lambda *_args: self.update())
        self._fit()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show):
            self._fit()
        return False

    def _fit(self) -> None:
        self.setGeometry(self._view.viewport().geometry())

    def show_suggestions(self, suggestions: list[Suggestion], current: Suggestion | None) -> None:
        view_map = self._view.map
        self.suggestions = list(suggestions)
        self.qt_ranges = [view_map.range_to_qt(s.start, s.end) for s in self.suggestions]
        self._qt_starts = [a for a, _b in self.qt_ranges]
        self.current = current
        self.update()

    def set_current(self, current: Suggestion | None) -> None:
        self.current = current
        self.update()

    def _visible_qt(self) -> tuple[int, int]:
        view = self._view
        block = view.firstVisibleBlock()
        first = block.position() if block.isValid() else 0
        viewport = view.viewport()
        last = view.cursorForPosition(QPoint(viewport.width(), viewport.height())).position()
        end_block = view.document().findBlock(last)
        return first, end_block.position() + end_block.length() if end_block.isValid() else last + 1

    def paintEvent(self, _event) -> None:  # noqa: N802
        self.painted = 0
        if not self.suggestions or not self.isVisible():
            return
        first, last = self._visible_qt()
        # Suggestions of one label do not overlap, but different labels may: start a little before.
        index = max(0, bisect.bisect_left(self._qt_starts, first) - 8)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        scheme = self._view.scheme
        try:
            for k in range(index, len(self.suggestions)):
                qt_start, qt_end = self.qt_ranges[k]
                if qt_start > last:
                    break
                if qt_end < first:
                    continue
                suggestion = self.suggestions[k]
                label = scheme.get(suggestion.label)
                colour = QColor(label.color if label else "#888888")
                is_current = self.current is not None and suggestion.key() == self.current.key()
                pen = QPen(colour, 2.0 if is_current else 1.5)
                pen.setStyle(Qt.PenStyle.DashLine if is_current else Qt.PenStyle.DotLine)
                painter.setPen(pen)
                for rect in self.rects(qt_start, qt_end):
                    painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
                    self.painted += 1
        finally:
            painter.end()

    def rects(self, qt_start: int, qt_end: int) -> list[QRectF]:
        """The rectangles, one per line, that [qt_start, qt_end) covers on screen (viewport points)."""
        view = self._view
        out: list[QRectF] = []
        block = view.document().findBlock(qt_start)
        offset = view.contentOffset()
        while block.isValid() and block.position() < qt_end:
            layout = block.layout()
            if layout is not None and layout.lineCount() and block.isVisible():
                top_left = view.blockBoundingGeometry(block).translated(offset).topLeft()
                a = max(qt_start - block.position(), 0)
                b = min(qt_end - block.position(), block.length() - 1)
                for n in range(layout.lineCount()):
                    line = layout.lineAt(n)
                    lo, hi = line.textStart(), line.textStart() + line.textLength()
                    s, e = max(a, lo), min(b, hi)
                    if s >= e:
                        continue
                    x1, x2 = line.cursorToX(s)[0], line.cursorToX(e)[0]
                    out.append(QRectF(top_left.x() + x1, top_left.y() + line.y(), max(x2 - x1, 2.0),
                                      line.height()))
            block = block.next()
        return out
