"""One reviewer's spans in one document as the measures take them, and one pair's tallies."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..model import Span
from .measures import Interval, _merge_overlapping, compare_units, count_overlap_matches


# ---------------------------------------------------------------------------------------------
# Layers: one reviewer's spans in one document


def _intervals_by_label(
    spans: Iterable[Span], labels: frozenset[str] | None = None, shift: int = 0
) -> dict[str, list[Interval]]:
    """Distinct (start, end) per label, sorted; spans outside ``labels`` dropped."""
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


def _layer(spans: Iterable[Span], labels: frozenset[str] | None) -> _Layer:
    by_label = _intervals_by_label(spans, labels)
    return _Layer(by_label, _units_by_label(by_label))


# ---------------------------------------------------------------------------------------------
# Per pair of reviewers


# Per-label tallies for one reviewer pair, in this order.
_EXACT, _SIZE_A, _SIZE_B, _OVERLAP, _COVER_A, _COVER_B, _COVER_BOTH = range(7)


def _tally(a: _Layer, b: _Layer, label: str) -> tuple[list[int], int]:
    """The pair's tallies for one label in one document, and its alpha_U disagreement sum."""
    spans_a = a.spans.get(label, [])
    spans_b = b.spans.get(label, [])
    units_a = a.units.get(label, [])
    units_b = b.units.get(label, [])
    exact = len(set(spans_a).intersection(spans_b))
    overlap = count_overlap_matches(spans_a, spans_b) if spans_a and spans_b else 0
    both, disagreement = compare_units(units_a, units_b)
    cover_a = sum(e - s for s, e in units_a)
    cover_b = sum(e - s for s, e in units_b)
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
