"""How the article view draws spans: one character format per stretch of covering spans (the
highlighter puts them into the layout), and ExtraSelections for the selected span and the current
claim. A mixin of ``AnnotationView`` (``text_view.py``), which holds the scheme, the span index and
the format cache these read."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from .span_index import PlacedSpan

BACKGROUND_ALPHA = 80  # of 255: light enough to read through on light and dark palettes
NESTED_ALPHA = 130
SELECTED_ALPHA = 190


def _with_alpha(color: str, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


class SpanDrawing:
    """Formats and marks of spans; needs ``scheme``, ``index``, ``_format_cache`` and ``_marks``."""

    def format_for(self, covering: list[PlacedSpan]) -> QTextCharFormat:
        """One character format for a stretch covered by ``covering`` spans.

        The innermost background-style span gives the background (stronger when nested); an
        underline-style span (CLAIM), or else the next enclosing span, gives the underline, so
        an ENTITY inside a SPEAKER inside a CLAIM shows all three.
        """
        ordered = sorted(covering, key=lambda p: (p.qt_end - p.qt_start, p.span.label))
        overlays = [p for p in ordered if p.overlay]
        ordered = [p for p in ordered if not p.overlay]
        backgrounds = [p for p in ordered if self._style(p.span.label) == "background"]
        underlines = [p for p in ordered if self._style(p.span.label) == "underline"]
        key = (
            tuple(p.span.label for p in backgrounds[:2]),
            tuple(p.span.label for p in underlines[:1]),
            tuple(p.span.label for p in overlays[:1]),
        )
        cached = self._format_cache.get(key)
        if cached is not None:
            return cached
        fmt = QTextCharFormat()
        if backgrounds:
            alpha = NESTED_ALPHA if len(backgrounds) > 1 else BACKGROUND_ALPHA
            fmt.setBackground(_with_alpha(self._color(backgrounds[0].span.label), alpha))
        if underlines:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(QColor(self._color(underlines[0].span.label)))
            fmt.setFontUnderline(True)
        elif len(backgrounds) > 1:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(QColor(self._color(backgrounds[1].span.label)))
        elif overlays:
            # The other reviewer's span: a dotted underline in its label's colour, so it never
            # hides this reviewer's own colours.
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
            fmt.setUnderlineColor(QColor(self._color(overlays[0].span.label)))
        self._format_cache[key] = fmt
        return fmt

    def _style(self, label: str) -> str:
        found = self.scheme.get(label)
        return found.style if found else "background"

    def _color(self, label: str) -> str:
        found = self.scheme.get(label)
        return found.color if found else "#888888"

    def mark(self, selected: object | None, lit: tuple = ()) -> None:
        """Show ``selected`` span strongly and the ``lit`` spans (the current claim) lightly.

        Later selections paint over earlier ones, so a selected statement (underline style)
        goes first, lightly, and the members inside it stay visible on top.
        """
        if self._marks == (selected, tuple(lit)):
            return
        self._marks = (selected, tuple(lit))
        placed = self.index.placed(selected) if selected is not None else None
        statement_selected = placed is not None and self._style(placed.span.label) == "underline"
        selections = []
        if statement_selected:
            selections.extend(self._selection(selected, alpha=BACKGROUND_ALPHA))
        for span_id in lit:
            member = self.index.placed(span_id)
            if span_id != selected and member is not None and self._style(member.span.label) != "underline":
                selections.extend(self._selection(span_id, alpha=NESTED_ALPHA))
        if selected is not None and not statement_selected:
            selections.extend(self._selection(selected, alpha=SELECTED_ALPHA, outline=True))
        self.setExtraSelections(selections)

    def _selection(self, span_id: object, *, alpha: int, outline: bool = False) -> list[QTextEdit.ExtraSelection]:
        placed = self.index.placed(span_id)
        if placed is None:
            return []
        sel = QTextEdit.ExtraSelection()
        cursor = QTextCursor(self.document())
        cursor.setPosition(placed.qt_start)
        cursor.setPosition(placed.qt_end, QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(_with_alpha(self._color(placed.span.label), alpha))
        if outline:
            text_color = self.palette().color(QPalette.ColorRole.Text)
            fmt.setForeground(text_color)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(text_color)
        sel.format = fmt
        return [sel]
