"""The highlighter of the article view: span colours as layout formats, block by block."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextLayout

if TYPE_CHECKING:
    from .text_view import AnnotationView


class SpanHighlighter(QSyntaxHighlighter):
    """Formats a block only when the view asks for it (the block is, or is about to be, on screen).

    Qt runs a highlighter over every block of a new document; formatting all of them would cost
    most of the time of opening a long article, so blocks that were not asked for are left plain
    until they scroll into view.
    """

    lazy = True  # a subclass that must format every block (it changes line heights) sets False
    keeps_line_heights = True  # only colours and underlines: a block can be restyled in place

    def __init__(self, view: "AnnotationView"):
        super().__init__(view.document())
        self._view = view
        self.allowed: set[int] = set()  # block numbers the view asked to format now
        self.paused = False
        self.blocks_highlighted = 0  # how much formatting work was done (tests, benchmark)

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt's name)
        if self.paused:  # a new text is being set: nothing is indexed or on screen yet
            return
        block = self.currentBlock()
        number = block.blockNumber()
        # Qt re-runs highlighters over whole documents at times of its choosing; a block already
        # shown formatted must keep its formats then, so "formatted" blocks always qualify.
        if self.lazy and number not in self.allowed and number not in self._view._formatted:
            return
        for start, length, fmt in self.block_formats(block):
            self.setFormat(start, length, fmt)

    def block_formats(self, block: QTextBlock) -> list[tuple[int, int, QTextCharFormat]]:
        """(start, length, format) in Qt units from the block's start, for the spans in it."""
        entries = self._view.index.entries(block.blockNumber())
        if not entries:
            return []
        self.blocks_highlighted += 1
        block_start = block.position()
        block_len = block.length() - 1  # Qt units, without the block break
        cuts = {0, block_len}
        for placed in entries:
            cuts.add(min(max(placed.qt_start - block_start, 0), block_len))
            cuts.add(min(max(placed.qt_end - block_start, 0), block_len))
        edges = sorted(cuts)
        out = []
        for a, b in zip(edges, edges[1:]):
            covering = [p for p in entries if p.qt_start - block_start < b and p.qt_end - block_start > a]
            if covering:
                out.append((a, b - a, self._view.format_for(covering)))
        return out

    def restyle(self, block: QTextBlock) -> None:
        """Give ``block`` its formats now, straight into its layout (``keeps_line_heights`` only).

        ``rehighlightBlock`` tells Qt the block's whole length changed twice over (as removed and
        as added), so QPlainTextEdit lays the next block out again and repaints its whole viewport
        for a span that covers one word; the caller repaints just the block instead."""
        ranges = []
        for start, length, fmt in self.block_formats(block):
            last = ranges[-1] if ranges else None
            if last is not None and last.format == fmt and last.start + last.length == start:
                last.length += length  # as QSyntaxHighlighter joins equal neighbours
                continue
            r = QTextLayout.FormatRange()
            r.start, r.length, r.format = start, length, fmt
            ranges.append(r)
        block.layout().setFormats(ranges)
