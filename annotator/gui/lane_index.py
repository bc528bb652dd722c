"""Which reviewers' spans lie in which block of the review view, worked out for the blocks asked about.

The lanes of a long document must cost what is on screen, as the gold layer's colours do
(:mod:`.span_index`): the spans are kept sorted by start (code points) and a block's bars are
found by bisecting that list the first time the block is formatted or painted. Spans longer than
``LONG`` code points are kept apart and checked for every block.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Callable, Iterable

from PySide6.QtGui import QColor

from ..offsets import OffsetMap
from .span_index import LONG

Bar = tuple[int, int, int, QColor]  # (lane, Qt start, Qt end, colour)


class LaneIndex:
    def __init__(self, offsets: OffsetMap, block_starts: list[int], reviewers: tuple[str, ...],
                 spans: Iterable, color_of: Callable[[str], str]):
        self._map = offsets
        self._block_starts = block_starts
        self._color_of = color_of
        self._colors: dict[str, QColor] = {}
        lane_of = {name: k for k, name in enumerate(reviewers)}
        # (start, end, original order, lane, label): the original order is the drawing order.
        kept = sorted(
            (s.start, s.end, n, lane_of[s.annotator], s.label) for n, s in enumerate(spans) if s.annotator in lane_of
        )
        self._spans = kept
        self._starts = [k[0] for k in kept]
        self._long = [n for n, k in enumerate(kept) if k[1] - k[0] > LONG]
        self._blocks: dict[int, list[Bar]] = {}

    def __bool__(self) -> bool:
        return bool(self._spans)

    def block_count(self) -> int:
        return len(self._block_starts)

    def bars(self, number: int) -> list[Bar]:
        """The bars of block ``number``: every span whose Qt range has a character in it (a
        span of no width counts in the block where it starts)."""
        found = self._blocks.get(number)
        if found is not None:
            return found
        starts = self._block_starts
        found = []
        if 0 <= number < len(starts) and self._spans:
            qt_a = starts[number]
            qt_next = starts[number + 1] if number + 1 < len(starts) else self._map.qt_length + 1
            cp_a = self._map.to_cp(qt_a)
            cp_b = self._map.to_cp(qt_next, round_up=True)
            lo = bisect_left(self._starts, cp_a - LONG - 1)
            hi = bisect_right(self._starts, cp_b + 1)
            candidates = list(range(lo, hi)) + [n for n in self._long if n < lo]
            hits = []
            range_to_qt = self._map.range_to_qt
            for n in candidates:
                start, end, order, lane, label = self._spans[n]
                qs, qe = range_to_qt(start, end)
                # The blocks a span is drawn in: from the one holding its first character to the
                # one holding its last.
                if qs >= qt_next or (qe - 1 if qe - 1 > qs else qs) < qt_a:
                    continue
                hits.append((order, (lane, qs, qe, self._color(label))))
            hits.sort(key=lambda h: h[0])
            found = [bar for _order, bar in hits]
        self._blocks[number] = found
        return found

    def _color(self, label: str) -> QColor:
        color = self._colors.get(label)
        if color is None:
            color = self._colors[label] = QColor(self._color_of(label))
        return color
