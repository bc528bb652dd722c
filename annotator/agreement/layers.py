"""One reviewer's spans in one document as the measures take them, and one pair's tallies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..model import Span
from .measures import Interval, _merge_overlapping, _overlap_matches, compare_units


# ---------------------------------------------------------------------------------------------
# Layers: one reviewer's spans in one document


class LayerIntervals(dict):
    """A layer read set-wise (``agreement_inputs``): label -> set of (start, end). Given in place
    of a list of spans, it is taken as it is; ``len`` is the number of distinct spans."""

    def __len__(self) -> int:
        return sum(len(v) for v in self.values())

    def __bool__(self) -> bool:
        return any(self.values())


def _intervals_by_label(
    spans: Iterable[Span], labels: frozenset[str] | None = None, shift: int = 0
) -> dict[str, list[Interval]]:
    """Distinct (start, end) per label, sorted; spans outside ``labels`` dropped."""
    if isinstance(spans, LayerIntervals):
        return {label: sorted((s - shift, e - shift) for s, e in intervals) if shift else sorted(intervals)
                for label, intervals in spans.items() if intervals and (labels is None or label in labels)}
    grouped: dict[str, set[Interval]] = {}
    for span in spans:
        if labels is None or span.label in labels:
            grouped.setdefault(span.label, set()).add((span.start - shift, span.end - shift))
    return {label: sorted(intervals) for label, intervals in grouped.items()}


def _units_by_label(intervals: Mapping[str, list[Interval]]) -> dict[str, list[Interval]]:
    """Character units per label: non-empty intervals with overlaps joined."""
    units = {}
    for label, spans in intervals.items():
        spans = [span for span in spans if span[1] > span[0]]
        if spans:
            units[label] = _merge_overlapping(spans)
    return units


@dataclass
class _Layer:
    spans: dict[str, list[Interval]]  # distinct spans per label: what F1 counts
    units: dict[str, list[Interval]]  # overlap-joined spans per label: what covers characters
    cover: dict[str, int] = field(default_factory=dict)  # characters the units cover, per label
    sets: dict[str, set[Interval]] = field(default_factory=dict)  # spans per label as a set


def _layer(spans: Iterable[Span], labels: frozenset[str] | None) -> _Layer:
    if isinstance(spans, LayerIntervals):
        return _layer_of_intervals(spans, labels)
    by_label = _intervals_by_label(spans, labels)
    units = _units_by_label(by_label)
    return _Layer(by_label, units, {label: sum(e - s for s, e in u) for label, u in units.items()},
                  {label: set(intervals) for label, intervals in by_label.items()})


def _layer_of_intervals(layer: LayerIntervals, labels: frozenset[str] | None) -> _Layer:
    """``_layer`` for a layer read set-wise, in one pass per label: 30,000 layers at 10,000
    documents x 3 reviewers, where the general path's separate passes (sort, filter, join, sum)
    were a third of the computation."""
    by_label, units, cover, sets = {}, {}, {}, {}
    for label, intervals in layer.items():
        if not intervals or (labels is not None and label not in labels):
            continue
        ordered = sorted(intervals)
        by_label[label] = ordered
        sets[label] = intervals
        joined: list[Interval] = []
        covered = 0
        last_start = last_end = -1
        for start, end in ordered:
            if end <= start:  # an empty span covers nothing (the database refuses them anyway)
                continue
            if start < last_end:  # shares characters with the unit being built: join them
                if end > last_end:
                    covered += end - last_end
                    last_end = end
                    joined[-1] = (last_start, end)
            else:
                last_start, last_end = start, end
                joined.append((start, end))
                covered += end - start
        if joined:
            units[label] = joined
            cover[label] = covered
    return _Layer(by_label, units, cover, sets)


# ---------------------------------------------------------------------------------------------
# Per pair of reviewers


# Per-label tallies for one reviewer pair, in this order.
_EXACT, _SIZE_A, _SIZE_B, _OVERLAP, _COVER_A, _COVER_B, _COVER_BOTH = range(7)


def _tally(a: _Layer, b: _Layer, label: str) -> tuple[list[int], int]:
    """The pair's tallies for one label in one document, and its alpha_U disagreement sum."""
    set_a = a.sets.get(label)
    set_b = b.sets.get(label)
    cover_a = a.cover.get(label, 0)
    # Most pairs agree on most labels, and a label one of them lacks needs no matching: both
    # are answered without the general walk (same figures: tests/test_agreement_scale.py).
    if set_a == set_b:
        n = len(set_a) if set_a else 0
        return [n, n, n, n, cover_a, cover_a, cover_a], 0
    cover_b = b.cover.get(label, 0)
    if not set_a or not set_b:
        units = a.units.get(label, ()) or b.units.get(label, ())
        return ([0, len(set_a or ()), len(set_b or ()), 0, cover_a, cover_b, 0],
                sum((e - s) ** 2 for s, e in units))
    exact = set_a & set_b
    overlap = _overlap_matches(set_a, set_b, exact)
    both, disagreement = compare_units(a.units.get(label, []), b.units.get(label, []))
    return [len(exact), len(set_a), len(set_b), overlap, cover_a, cover_b, both], disagreement


@dataclass
class _PairTotals:
    documents: int = 0
    characters: int = 0
    per_label: dict[str, list[int]] = field(default_factory=dict)
    # Tallies per label as documents add them, summed by ``fold``: one append per label and
    # document instead of a new list of sums each time.
    pending: dict[str, list[list[int]]] = field(default_factory=dict)

    def add(self, label: str, tallies: list[int]) -> None:
        rows = self.pending.get(label)
        if rows is None:
            self.pending[label] = [tallies]
        else:
            rows.append(tallies)

    def fold(self) -> None:
        for label, rows in self.pending.items():
            summed = [sum(column) for column in zip(*rows)]
            before = self.per_label.get(label)
            self.per_label[label] = summed if before is None else [x + y for x, y in zip(before, summed)]
        self.pending = {}

    def summed(self, index: int) -> int:
        return sum(totals[index] for totals in self.per_label.values())
