"""Krippendorff's unitizing alpha (alpha_U), as DKPro Agreement computes it."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate, combinations

from ..model import Span
from .layers import _intervals_by_label, _units_by_label
from .measures import Interval, compare_units


# ---------------------------------------------------------------------------------------------
# Krippendorff's unitizing alpha (DKPro's KrippendorffAlphaUnitizingAgreement)


@dataclass
class _UnitizingCategory:
    """What alpha_U needs about one category over the whole continuum."""

    observed: int = 0  # sum over reviewer pairs of the pairwise disagreement sums
    lengths: list[int] = field(default_factory=list)  # of all reviewers' units, counted when needed
    gaps: list[int] = field(default_factory=list)  # every reviewer's gaps, across documents
    last_end: dict[int, int] = field(default_factory=dict)  # reviewer -> end of its last unit


class _Unitizing:
    """Accumulates documents laid end to end on one continuum, then computes alpha_U.

    DKPro's formulas, for R reviewers, continuum length L, category c:
      D_o(c) = 2 / (R (R-1) L^2) * sum over reviewer pairs of their disagreement sums
      D_e(c) = 2/L * sum over units u of c [ (N_c - 1)(2l^3 - 3l^2 + l)/3
                                            + l^2 * sum over gaps g >= l of (g - l + 1) ]
               / (R L (R L - 1) - sum over units of l (l - 1))
    with l the unit's length, N_c the number of units of c and the gaps those of every reviewer
    for c. Overall alpha_U = 1 - mean D_o / mean D_e over the categories that have units.
    """

    def __init__(self, n_reviewers: int):
        self.reviewers = n_reviewers
        self.length = 0
        self.documents = 0
        self.categories: dict[str, _UnitizingCategory] = {}

    def add_document(
        self,
        length: int,
        units: Sequence[Mapping[str, list[Interval]]],
        observed: Mapping[str, int] | None = None,
    ) -> None:
        """Append a document to the continuum. ``units[r][label]``: reviewer r's units of that
        label, sorted and non-overlapping. ``observed[label]``: the document's disagreement sums
        over reviewer pairs, if the caller has them already (see compare_units)."""
        if observed is None:
            observed = Counter()
            for a, b in combinations(units, 2):
                for label in a.keys() | b.keys():
                    observed[label] += compare_units(a.get(label, ()), b.get(label, ()))[1]
        for label, disagreement in observed.items():
            self._category(label).observed += disagreement
        for rater, by_label in enumerate(units):
            for label, intervals in by_label.items():
                self._add_units(self._category(label), rater, self.length, intervals)
        self.length += length
        self.documents += 1

    def add_layers(self, length: int, layers: Sequence, observed: Mapping[str, int]) -> None:
        """``add_document`` for layers prepared by ``layers._layer`` (in reviewer order), whose
        unit lengths and inner gaps are already worked out: only each label's first gap, from
        the reviewer's previous unit of it, depends on the continuum."""
        for label, disagreement in observed.items():
            self._category(label).observed += disagreement
        offset = self.length
        for rater, layer in enumerate(layers):
            lengths, gaps = layer.lengths, layer.gaps
            for label, units in layer.units.items():
                category = self._category(label)
                last_ends = category.last_end
                start = offset + units[0][0]
                last_end = last_ends.get(rater, 0)
                if start > last_end:
                    category.gaps.append(start - last_end)
                category.gaps.extend(gaps[label])
                category.lengths.extend(lengths[label])
                last_ends[rater] = offset + units[-1][1]
        self.length += length
        self.documents += 1

    def _category(self, label: str) -> _UnitizingCategory:
        # Not setdefault: that would build a category (a Counter, a list, a dict) on every call.
        category = self.categories.get(label)
        if category is None:
            category = self.categories[label] = _UnitizingCategory()
        return category

    @staticmethod
    def _add_units(category: _UnitizingCategory, rater: int, offset: int, units) -> None:
        last_end = category.last_end.get(rater, 0)
        gaps = category.gaps
        for start, end in units:
            start += offset
            if start > last_end:
                gaps.append(start - last_end)
            last_end = offset + end
        category.lengths.extend([end - start for start, end in units])  # a Counter per call cost more
        category.last_end[rater] = last_end

    def _closing_gaps(self, category: _UnitizingCategory) -> list[int]:
        """Gaps up to the end of the continuum, including those of reviewers with no unit."""
        gaps = list(category.gaps)
        for rater in range(self.reviewers):
            last_end = category.last_end.get(rater, 0)
            if self.length > last_end:
                gaps.append(self.length - last_end)
        return gaps

    def disagreements(self, label: str) -> tuple[Fraction, Fraction] | None:
        """(D_o, D_e) for one category, exact; None if the category has no unit."""
        category = self.categories.get(label)
        if category is None or not category.lengths:
            return None
        unit_lengths = Counter(category.lengths)
        n_r, length = self.reviewers, self.length
        gaps = sorted(self._closing_gaps(category))
        n_gaps = len(gaps)
        # tail[j]: the sum of the j largest gaps (summed in C: 300,000 gaps a category at
        # 10,000 documents x 3 reviewers)
        tail = list(accumulate(reversed(gaps), initial=0))
        n_units = len(category.lengths)
        expected = 0
        squared_lengths = 0
        for l, count in unit_lengths.items():
            k = bisect_left(gaps, l)
            # sum over gaps g >= l of (g - l + 1)
            fitting = tail[n_gaps - k] - (n_gaps - k) * (l - 1)
            # l (l-1) (2l-1) is six times a sum of squares, so the division by 3 is exact.
            expected += count * ((n_units - 1) * (l * (l - 1) * (2 * l - 1) // 3) + l * l * fitting)
            squared_lengths += count * l * (l - 1)
        d_o = Fraction(2 * category.observed, n_r * (n_r - 1) * length * length)
        d_e = Fraction(2 * expected, length * (n_r * length * (n_r * length - 1) - squared_lengths))
        return d_o, d_e

    def alpha(
        self, labels: Iterable[str] | None = None
    ) -> tuple[float | None, dict[str, float | None]]:
        """(overall alpha_U, {label: alpha_U}) over ``labels`` (default: every category seen)."""
        labels = list(self.categories) if labels is None else list(labels)
        if self.reviewers < 2 or self.length == 0:
            return None, {label: None for label in labels}
        per_label: dict[str, float | None] = {}
        sum_o = sum_e = Fraction(0)
        for label in labels:
            pair = self.disagreements(label)
            if pair is None:
                per_label[label] = None
                continue
            d_o, d_e = pair
            per_label[label] = _alpha_from(d_o, d_e)
            sum_o += d_o
            sum_e += d_e
        return _alpha_from(sum_o, sum_e), per_label


def _alpha_from(d_o: Fraction, d_e: Fraction) -> float | None:
    return None if d_e == 0 else float(1 - d_o / d_e)


@dataclass(frozen=True)
class UnitizingAlpha:
    overall: float | None
    per_label: dict[str, float | None]


def krippendorff_alpha_unitizing(
    reviewers: Sequence[Iterable[Span]], length: int, begin: int = 0
) -> UnitizingAlpha:
    """Krippendorff's alpha_U for several reviewers' spans on one continuum [begin, begin+length).

    Each label is a category. Overlapping spans of one label in one reviewer's layer are joined,
    since DKPro requires a reviewer's units of one category not to overlap.
    """
    unitizing = _Unitizing(len(reviewers))
    units = [_units_by_label(_intervals_by_label(spans, shift=begin)) for spans in reviewers]
    unitizing.add_document(length, units)
    overall, per_label = unitizing.alpha(sorted(unitizing.categories))
    return UnitizingAlpha(overall, per_label)
