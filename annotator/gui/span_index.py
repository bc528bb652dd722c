"""Which spans lie in which block of a QTextDocument, worked out only for the blocks asked about.

Opening a long article should cost what is on screen, not what is in the file: the spans are kept
sorted by start (code points), and a block's spans are found by bisecting that list when the block
is first formatted or clicked. Spans longer than ``LONG`` code points are kept apart and checked
for every block, so that one huge span cannot widen every search.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from typing import Iterable

from ..model import Span, SpanRow
from ..offsets import OffsetMap

LONG = 4000  # code points


class PlacedSpan:
    """A span with its Qt positions and the blocks it covers, as the highlighter needs it."""

    __slots__ = ("span", "qt_start", "qt_end", "overlay", "first_block", "last_block")

    def __init__(self, span: Span, qt_start: int, qt_end: int, overlay: bool, first_block: int, last_block: int):
        self.span = span
        self.qt_start = qt_start
        self.qt_end = qt_end
        self.overlay = overlay  # another reviewer's span, drawn faintly and not clickable
        self.first_block = first_block
        self.last_block = last_block


def _text_order(span: Span) -> tuple:
    return span.start, -span.end, str(span.id)


class _Layer:
    """Spans sorted by start, as the store returns them, with tombstones for removed ones."""

    __slots__ = ("spans", "starts", "long", "overlay")

    def __init__(self, spans: list[Span], overlay: bool):
        starts = [s.start for s in spans]
        if any(a > b for a, b in zip(starts, starts[1:])):  # not from the store: sort once
            spans = sorted(spans, key=lambda s: s.start)
            starts = [s.start for s in spans]
        self.spans: list[Span | SpanRow | None] = list(spans)
        self.starts = starts
        self.long = [n for n, s in enumerate(spans) if s.end - s.start > LONG]
        self.overlay = overlay


class SpanIndex:
    def __init__(self, offsets: OffsetMap, block_starts: list[int], spans: Iterable[Span | SpanRow], overlay: Iterable[Span | SpanRow]):
        self._map = offsets
        self._block_starts = block_starts  # Qt position of each block's first character
        self._layers = (_Layer(list(spans), False), _Layer(list(overlay), True))
        self._added: list[Span | SpanRow] = []  # own spans added since: few, scanned in full
        self._removed: set[object] = set()  # ids of own spans removed since
        self._placed: dict[tuple[int, object], PlacedSpan] = {}
        self._blocks: dict[int, list[PlacedSpan]] = {}
        self._own_index: dict[object, Span] | None = None
        self._own_sorted: list[Span] | None = None

    # -- queries -----------------------------------------------------------------------------

    @property
    def own(self) -> dict[object, Span]:
        """Our own spans by id (built on first use: opening a document does not need it)."""
        if self._own_index is None:
            self._own_index = {s.id: s for s in self._layers[0].spans if s is not None}
            for span in self._added:
                self._own_index[span.id] = span
        return self._own_index

    def block_count(self) -> int:
        return len(self._block_starts)

    def own_spans(self) -> list[Span]:
        """Our spans in text order; kept sorted as spans come and go, not re-sorted per call."""
        if self._own_sorted is None:
            spans = [s for s in self._layers[0].spans if s is not None] + self._added
            if self._added:
                spans.sort(key=_text_order)
            self._own_sorted = spans
        return list(self._own_sorted)

    def entries(self, number: int) -> list[PlacedSpan]:
        """The spans (own and overlay) with at least one character in block ``number``."""
        found = self._blocks.get(number)
        if found is not None:
            return found
        starts = self._block_starts
        if not 0 <= number < len(starts):
            return []
        qt_a = starts[number]
        qt_b = starts[number + 1] - 1 if number + 1 < len(starts) else self._map.qt_length
        found = []
        if qt_b > qt_a:
            cp_a = self._map.to_cp(qt_a)
            cp_b = self._map.to_cp(qt_b, round_up=True)
            for layer in self._layers:
                lo = bisect_left(layer.starts, cp_a - LONG)
                hi = bisect_left(layer.starts, cp_b)
                candidates = [layer.spans[n] for n in range(lo, hi)] + [layer.spans[n] for n in layer.long if n < lo]
                for span in candidates:
                    if span is not None and span.end > cp_a and span.start < cp_b:
                        found.append(self._place(span, layer.overlay))
            for span in self._added:
                if span.end > cp_a and span.start < cp_b:
                    found.append(self._place(span, False))
        self._blocks[number] = found
        return found

    def placed(self, span_id: object) -> PlacedSpan | None:
        span = self.own.get(span_id)
        return None if span is None else self._place(span, False)

    def _place(self, span: Span, overlay: bool) -> PlacedSpan:
        key = (overlay, span.id)
        placed = self._placed.get(key)
        if placed is None:
            qs, qe = self._map.range_to_qt(span.start, span.end)
            first = bisect_right(self._block_starts, qs) - 1
            last = first if qe - 1 <= qs else bisect_right(self._block_starts, qe - 1, first) - 1
            placed = self._placed[key] = PlacedSpan(span, qs, qe, overlay, first, last)
        return placed

    # -- changes -----------------------------------------------------------------------------

    def remove(self, span_id: object) -> range:
        """Forget one of our own spans; returns the blocks it was in."""
        span = self.own.pop(span_id, None)
        if span is None:
            return range(0)
        placed = self._place(span, False)
        self._placed.pop((False, span_id), None)
        if span in self._added:
            self._added.remove(span)
        else:
            layer = self._layers[0]
            n = bisect_left(layer.starts, span.start)
            while layer.spans[n] is None or layer.spans[n].id != span_id:
                n += 1
            layer.spans[n] = None  # a tombstone keeps the positions of the others
        if self._own_sorted is not None:
            self._own_sorted.remove(span)
        return self._forget_blocks(placed)

    def add(self, span: Span) -> range:
        """Add one of our own spans; returns the blocks it is in."""
        self.own[span.id] = span
        self._added.append(span)
        if self._own_sorted is not None:
            insort(self._own_sorted, span, key=_text_order)
        return self._forget_blocks(self._place(span, False))

    def _forget_blocks(self, placed: PlacedSpan) -> range:
        blocks = range(placed.first_block, placed.last_block + 1)
        for number in blocks:
            self._blocks.pop(number, None)
        return blocks
