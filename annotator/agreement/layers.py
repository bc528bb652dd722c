"""One reviewer's spans in one document as the measures take them, and one pair's tallies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..model import Span
from .measures import Interval, _merge_overlapping, compare_units, count_overlap_matches


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


def _layer(spans: Iterable[Span], labels: frozenset[str] | None) -> _Layer:
    by_label = _intervals_by_label(spans, labels)
    units = _units_by_label(by_label)
    return _Layer(by_label, units, {label: sum(e - s for s, e in u) for label, u in units.items()})


# ---------------------------------------------------------------------------------------------
# Per pair of reviewers


# Per-label tallies for one reviewer pair, in this order.
_EXACT, _SIZE_A, _SIZE_B, _OVERLAP, _COVER_A, _COVER_B, _COVER_BOTH = range(7)


def _tally(a: _Layer, b: _Layer, label: str) -> tuple[list[int], int]:
    """The pair's tallies for one label in one document, and its alpha_U disagreement sum."""
    spans_a = a.spans.get(label, ())
    spans_b = b.spans.get(label, ())
    cover_a = a.cover.get(label, 0)
    cover_b = b.cover.get(label, 0)
    # Most pairs agree on most labels, and a label one of them lacks needs no matching: both
    # are answered without the general walk (same figures: tests/test_agreement_scale.py).
    if spans_a == spans_b:
        n = len(spans_a)
        return [n, n, n, n, cover_a, cover_a, cover_a], 0
    if not spans_a or not spans_b:
        units = a.units.get(label, ()) or b.units.get(label, ())
        return [0, len(spans_a), len(spans_b), 0, cover_a, cover_b, 0], sum((e - s) ** 2 for s, e in units)
    units_a = a.units.get(label, [])
    units_b = b.units.get(label, [])
    exact = len(set(spans_a).intersection(spans_b))
    overlap = count_overlap_matches(spans_a, spans_b)
    both, disagreement = compare_units(units_a, units_b)
    return [exact, len(spans_a), len(spans_b), overlap, cover_a, cover_b, both], disagreement


@dataclass
class _PairTotals:
    documents: int = 0
    characters: int = 0
    per_label: dict[str, list[int]] = field(default_factory=dict)

    def add(self, label: str, tallies: list[int]) -> None:
        totals = self.per_label.setdefault(label, [0] * 7)
        for k, value in enumerate(tallies):
            totals[k] += value

    def summed(self, index: int) -> int:
        return sum(totals[index] for totals in self.per_label.values())
