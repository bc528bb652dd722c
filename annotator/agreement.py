"""Agreement between reviewers' span layers. Pure functions, standard library only, no Qt.

Measures and the references they are checked against (tests/test_agreement.py):

- Span F1, exact: a match is a span identical in (start, end, label). Counts are summed over
  documents per reviewer pair, then F1 is averaged over pairs, as bratiaa's instance-based F1 does
  (kldtz/bratiaa, ``F1Agreement``). Like bratiaa, a layer is a *set*: identical spans repeated in
  one layer count once.
- Span F1, overlap: a match is a one-to-one pairing of same-label spans that share at least one
  character, chosen greedily by largest overlap.
- Cohen's kappa per label over characters: each character is in or out of the label's spans.
- Krippendorff's unitizing alpha (alpha_U) as DKPro Agreement's
  ``KrippendorffAlphaUnitizingAgreement`` computes it (the engine INCEpTION uses).
- Krippendorff's nominal alpha over a reviewers x items matrix with missing values.

A figure that is undefined (nothing annotated, 0/0, a single category, fewer than two
reviewers) is ``None``, never 1.0 or 0: an agreement of "n/a" must not read as perfect or as nil.

Offsets are code points, end-exclusive, as everywhere in the program (annotator.model).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Any

from annotator.model import Span

Interval = tuple[int, int]  # (start, end), end-exclusive


class AgreementCancelled(Exception):
    """Raised by compute_agreement when its ``cancelled()`` callback returns True."""


# ---------------------------------------------------------------------------------------------
# Small statistics


def f1_score(matched: int, size_a: int, size_b: int) -> float | None:
    """F1 = 2M / (|A| + |B|); None when both sides are empty."""
    total = size_a + size_b
    return 2 * matched / total if total else None


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the defined values; None if there are none."""
    defined = [v for v in values if v is not None]
    return math.fsum(defined) / len(defined) if defined else None


def population_sd(values: Iterable[float | None]) -> float | None:
    """Population standard deviation of the defined values (numpy's default, which bratiaa uses)."""
    defined = [v for v in values if v is not None]
    if not defined:
        return None
    centre = math.fsum(defined) / len(defined)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in defined) / len(defined))


def kappa_from_coverage(n: int, covered_a: int, covered_b: int, covered_both: int) -> float | None:
    """Cohen's kappa for two binary labellings of ``n`` items, given how many items each marked
    and how many both marked. Exact integer arithmetic up to the final division."""
    agreed = covered_both + (n - covered_a - covered_b + covered_both)
    chance = covered_a * covered_b + (n - covered_a) * (n - covered_b)  # p_e * n^2
    denominator = n * n - chance
    if denominator == 0:  # both labellings constant and equal (or n == 0): kappa is 0/0
        return None
    return (n * agreed - chance) / denominator


# ---------------------------------------------------------------------------------------------
# Krippendorff's nominal alpha


def krippendorff_alpha_nominal(matrix: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data: rows are reviewers, columns are items, None is a
    missing value. Items with fewer than two values are not pairable and are ignored.

    None when there are fewer than two reviewers, no pairable item, or a single value in all the
    pairable items (expected disagreement 0).
    """
    if len(matrix) < 2:
        return None
    widths = {len(row) for row in matrix}
    if len(widths) > 1:
        raise ValueError("every reviewer's row must have one entry per item")
    n_items = widths.pop()
    value_totals: Counter[Hashable] = Counter()
    coinciding = Fraction(0)  # sum over values c of o_cc, the coincidence matrix's diagonal
    for item in range(n_items):
        counts = Counter(row[item] for row in matrix if row[item] is not None)
        pairable = sum(counts.values())
        if pairable < 2:
            continue
        value_totals.update(counts)
        coinciding += Fraction(sum(k * (k - 1) for k in counts.values()), pairable - 1)
    n = sum(value_totals.values())
    expected = n * n - sum(k * k for k in value_totals.values())
    if expected == 0:
        return None
    return float(1 - (n - 1) * (n - coinciding) / expected)


# ---------------------------------------------------------------------------------------------
# Span matching within one document, one label


def count_overlap_matches(a: Sequence[Interval], b: Sequence[Interval]) -> int:
    """One-to-one matches between two sets of same-label intervals that share at least one
    character, chosen greedily by largest overlap. Repeated intervals count once.

    Identical intervals are matched first: no pair involving either can overlap more, so the
    greedy order takes them anyway, and setting them aside keeps the search small. Ties among the
    rest are broken by the pair's sorted intervals, which does not depend on which reviewer is A,
    so the count is symmetric.
    """
    set_a, set_b = set(a), set(b)
    exact = set_a & set_b
    if len(exact) == len(set_a) or len(exact) == len(set_b):
        return len(exact)
    rest_a = sorted(set_a - exact)
    rest_b = sorted(set_b - exact)
    candidates = _overlapping_pairs(rest_a, rest_b)
    candidates.sort()
    used_a: set[Interval] = set()
    used_b: set[Interval] = set()
    for _, _, _, span_a, span_b in candidates:
        if span_a not in used_a and span_b not in used_b:
            used_a.add(span_a)
            used_b.add(span_b)
    return len(exact) + len(used_a)


def _overlapping_pairs(a: list[Interval], b: list[Interval]) -> list[tuple]:
    """(-overlap, first, second, span_a, span_b) for every overlapping pair; a and b sorted."""
    if not a or not b:
        return []
    b_starts = [start for start, _ in b]
    reach = []  # reach[k]: the furthest end among b[:k+1], to stop scanning back early
    furthest = 0
    for _, end in b:
        furthest = max(furthest, end)
        reach.append(furthest)
    pairs = []
    for span_a in a:
        a_start, a_end = span_a
        k = bisect_left(b_starts, a_end) - 1
        while k >= 0 and reach[k] > a_start:
            span_b = b[k]
            overlap = min(a_end, span_b[1]) - max(a_start, span_b[0])
            if overlap > 0:
                first, second = (span_a, span_b) if span_a <= span_b else (span_b, span_a)
                pairs.append((-overlap, first, second, span_a, span_b))
            k -= 1
    return pairs


def _merge_overlapping(intervals: list[Interval]) -> list[Interval]:
    """Join intervals (sorted) that share characters. Touching intervals stay apart: alpha_U
    treats two adjacent units as two units."""
    merged = [intervals[0]]
    for start, end in intervals[1:]:
        last_start, last_end = merged[-1]
        if start < last_end:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def compare_units(a: Sequence[Interval], b: Sequence[Interval]) -> tuple[int, int]:
    """For two reviewers' units of one category (each sorted, non-overlapping), return the number
    of characters both cover and the pair's alpha_U observed-disagreement sum.

    The disagreement sum is what DKPro's segment walk adds up: for two overlapping units
    (b1 - b2)^2 + (e1 - e2)^2, and for a unit the other reviewer left entirely in a gap (that is,
    it overlaps none of the other's units) its length squared.
    """
    both = 0
    disagreement = 0
    a_hit = [False] * len(a)
    b_hit = [False] * len(b)
    i = j = 0
    while i < len(a) and j < len(b):
        a_start, a_end = a[i]
        b_start, b_end = b[j]
        if a_start < b_end and b_start < a_end:
            both += min(a_end, b_end) - max(a_start, b_start)
            disagreement += (a_start - b_start) ** 2 + (a_end - b_end) ** 2
            a_hit[i] = b_hit[j] = True
        if a_end <= b_end:
            i += 1
        else:
            j += 1
    disagreement += sum((e - s) ** 2 for (s, e), hit in zip(a, a_hit) if not hit)
    disagreement += sum((e - s) ** 2 for (s, e), hit in zip(b, b_hit) if not hit)
    return both, disagreement


# ---------------------------------------------------------------------------------------------
# Krippendorff's unitizing alpha (DKPro's KrippendorffAlphaUnitizingAgreement)


@dataclass
class _UnitizingCategory:
    """What alpha_U needs about one category over the whole continuum."""

    observed: int = 0  # sum over reviewer pairs of the pairwise disagreement sums
    unit_lengths: Counter = field(default_factory=Counter)  # over all reviewers' units
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
            self.categories.setdefault(label, _UnitizingCategory()).observed += disagreement
        for rater, by_label in enumerate(units):
            for label, intervals in by_label.items():
                category = self.categories.setdefault(label, _UnitizingCategory())
                self._add_units(category, rater, self.length, intervals)
        self.length += length
        self.documents += 1

    @staticmethod
    def _add_units(category: _UnitizingCategory, rater: int, offset: int, units) -> None:
        last_end = category.last_end.get(rater, 0)
        for start, end in units:
            if offset + start > last_end:
                category.gaps.append(offset + start - last_end)
            last_end = offset + end
            category.unit_lengths[end - start] += 1
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
        if category is None or not category.unit_lengths:
            return None
        n_r, length = self.reviewers, self.length
        gaps = sorted(self._closing_gaps(category))
        suffix = [0] * (len(gaps) + 1)  # suffix[k]: sum of (g + 1) over gaps[k:]
        for k in range(len(gaps) - 1, -1, -1):
            suffix[k] = suffix[k + 1] + gaps[k] + 1
        n_units = sum(category.unit_lengths.values())
        expected = 0
        squared_lengths = 0
        for l, count in category.unit_lengths.items():
            k = bisect_left(gaps, l)
            fitting = suffix[k] - (len(gaps) - k) * l  # sum over gaps g >= l of (g - l + 1)
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


# ---------------------------------------------------------------------------------------------
# The report


@dataclass(frozen=True)
class LabelScores:
    f1_exact: float | None
    f1_overlap: float | None
    kappa: float | None


@dataclass(frozen=True)
class PairScores:
    a: str
    b: str
    documents: int  # documents where both have a layer
    f1_exact: float | None
    f1_overlap: float | None
    per_label: dict[str, LabelScores]


@dataclass(frozen=True)
class LabelSummary:
    f1_exact_mean: float | None
    f1_exact_sd: float | None
    f1_overlap_mean: float | None
    kappa_mean: float | None
    alpha_u: float | None


@dataclass(frozen=True)
class DocumentScores:
    doc: Hashable
    f1_exact_mean: float | None
    f1_exact_sd: float | None
    f1_overlap_mean: float | None
    n_annotators: int  # reviewers with a layer in this document


@dataclass(frozen=True)
class AgreementReport:
    annotators: list[str]
    labels: list[str]
    pairs: list[PairScores]
    per_label: dict[str, LabelSummary]
    per_document: list[DocumentScores]  # worst first, undefined last
    f1_exact_mean: float | None
    f1_exact_sd: float | None
    f1_overlap_mean: float | None
    alpha_u: float | None
    # alpha_U has no notion of a missing layer, so it is computed over the documents where every
    # reviewer has one; this says how many those were.
    alpha_u_documents: int


def compute_agreement(
    layers: Mapping[Hashable, Mapping[str, Iterable[Span]]],
    doc_lengths: Mapping[Hashable, int],
    annotators: Iterable[str] | None = None,
    labels: Iterable[str] | None = None,
    progress: Callable[[int, int], Any] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AgreementReport:
    """Agreement among reviewers over documents.

    ``layers[doc][reviewer]`` is that reviewer's spans in the document; a reviewer missing from a
    document's mapping has no layer there and is left out of that document's figures (an empty
    list means the reviewer marked nothing). ``annotators`` and ``labels`` restrict the study;
    by default every reviewer and label present is used. Documents are laid on alpha_U's
    continuum in the mapping's order.

    ``progress(done, total)`` is called after each document; ``cancelled()`` is polled before
    each document and aborts with AgreementCancelled when it returns True.
    """
    label_filter = frozenset(labels) if labels is not None else None
    reviewers = _select_reviewers(layers, annotators)
    pairs = list(combinations(reviewers, 2))
    pair_totals = {pair: _PairTotals() for pair in pairs}
    unitizing = _Unitizing(len(reviewers))
    documents: list[DocumentScores] = []
    seen_labels: set[str] = set()

    total = len(layers)
    for done, (doc, doc_layers) in enumerate(layers.items(), start=1):
        if cancelled is not None and cancelled():
            raise AgreementCancelled()
        present = [r for r in reviewers if r in doc_layers]
        if present:
            length = _document_length(doc_lengths, doc)
            prepared = {r: _layer(doc_layers[r], label_filter) for r in present}
            for layer in prepared.values():
                seen_labels.update(layer.spans)
            observed: Counter[str] = Counter()
            pair_scores = _add_document(prepared, length, pair_totals, observed)
            if len(present) == len(reviewers) >= 2:
                units = [prepared[reviewer].units for reviewer in reviewers]
                unitizing.add_document(length, units, observed)
            documents.append(_document_scores(doc, len(present), pair_scores))
        else:
            documents.append(DocumentScores(doc, None, None, None, 0))
        if progress is not None:
            progress(done, total)

    report_labels = sorted(label_filter if label_filter is not None else seen_labels)
    pair_scores = [_pair_scores(a, b, pair_totals[a, b], report_labels) for a, b in pairs]
    alpha_overall, alpha_per_label = unitizing.alpha(report_labels)
    per_label = {
        label: _label_summary(label, pair_scores, alpha_per_label[label]) for label in report_labels
    }
    exact = [pair.f1_exact for pair in pair_scores]
    return AgreementReport(
        annotators=list(reviewers),
        labels=report_labels,
        pairs=pair_scores,
        per_label=per_label,
        per_document=_worst_first(documents),
        f1_exact_mean=mean(exact),
        f1_exact_sd=population_sd(exact),
        f1_overlap_mean=mean(pair.f1_overlap for pair in pair_scores),
        alpha_u=alpha_overall,
        alpha_u_documents=unitizing.documents,
    )


def _select_reviewers(layers, annotators: Iterable[str] | None) -> list[str]:
    if annotators is not None:
        return list(dict.fromkeys(annotators))
    return sorted({reviewer for doc_layers in layers.values() for reviewer in doc_layers})


def _document_length(doc_lengths: Mapping[Hashable, int], doc: Hashable) -> int:
    try:
        return doc_lengths[doc]
    except KeyError:
        raise ValueError(f"no text length given for document {doc!r}") from None


def _add_document(
    prepared: dict[str, _Layer],
    length: int,
    pair_totals: dict[tuple[str, str], _PairTotals],
    observed: Counter[str],
) -> list[tuple[int, int, int]]:
    """Add one document's tallies to every pair present, and its alpha_U disagreement sums to
    ``observed``; return each such pair's (exact matches, overlap matches, |A| + |B|)."""
    scores = []
    for (a, b), totals in pair_totals.items():
        if a not in prepared or b not in prepared:
            continue
        layer_a, layer_b = prepared[a], prepared[b]
        totals.documents += 1
        totals.characters += length
        exact = overlap = size = 0
        for label in layer_a.spans.keys() | layer_b.spans.keys():
            tallies, disagreement = _tally(layer_a, layer_b, label)
            totals.add(label, tallies)
            observed[label] += disagreement
            exact += tallies[_EXACT]
            overlap += tallies[_OVERLAP]
            size += tallies[_SIZE_A] + tallies[_SIZE_B]
        scores.append((exact, overlap, size))
    return scores


def _document_scores(
    doc: Hashable, n_present: int, pair_scores: list[tuple[int, int, int]]
) -> DocumentScores:
    exact = [2 * m / size if size else None for m, _, size in pair_scores]
    overlap = [2 * m / size if size else None for _, m, size in pair_scores]
    return DocumentScores(doc, mean(exact), population_sd(exact), mean(overlap), n_present)


def _pair_scores(a: str, b: str, totals: _PairTotals, labels: list[str]) -> PairScores:
    size_a, size_b = totals.summed(_SIZE_A), totals.summed(_SIZE_B)
    per_label = {}
    for label in labels:
        t = totals.per_label.get(label, [0] * 7)
        per_label[label] = LabelScores(
            f1_exact=f1_score(t[_EXACT], t[_SIZE_A], t[_SIZE_B]),
            f1_overlap=f1_score(t[_OVERLAP], t[_SIZE_A], t[_SIZE_B]),
            kappa=kappa_from_coverage(totals.characters, t[_COVER_A], t[_COVER_B], t[_COVER_BOTH]),
        )
    return PairScores(
        a=a,
        b=b,
        documents=totals.documents,
        f1_exact=f1_score(totals.summed(_EXACT), size_a, size_b),
        f1_overlap=f1_score(totals.summed(_OVERLAP), size_a, size_b),
        per_label=per_label,
    )


def _label_summary(label: str, pairs: list[PairScores], alpha_u: float | None) -> LabelSummary:
    exact = [pair.per_label[label].f1_exact for pair in pairs]
    return LabelSummary(
        f1_exact_mean=mean(exact),
        f1_exact_sd=population_sd(exact),
        f1_overlap_mean=mean(pair.per_label[label].f1_overlap for pair in pairs),
        kappa_mean=mean(pair.per_label[label].kappa for pair in pairs),
        alpha_u=alpha_u,
    )


def _worst_first(documents: list[DocumentScores]) -> list[DocumentScores]:
    undefined_last = lambda d: (d.f1_exact_mean is None, d.f1_exact_mean or 0.0)  # noqa: E731
    return sorted(documents, key=undefined_last)


# ---------------------------------------------------------------------------------------------
# Output


def report_to_json(report: AgreementReport) -> dict[str, Any]:
    """The report as JSON-ready values; undefined figures are None (JSON null)."""
    return {
        "annotators": list(report.annotators),
        "pairs": [
            {
                "a": pair.a,
                "b": pair.b,
                "f1_exact": pair.f1_exact,
                "f1_overlap": pair.f1_overlap,
                "per_label": {
                    label: {"f1_exact": s.f1_exact, "f1_overlap": s.f1_overlap, "kappa": s.kappa}
                    for label, s in pair.per_label.items()
                },
            }
            for pair in report.pairs
        ],
        "per_label": {
            label: {
                "f1_exact_mean": s.f1_exact_mean,
                "f1_exact_sd": s.f1_exact_sd,
                "f1_overlap_mean": s.f1_overlap_mean,
                "kappa_mean": s.kappa_mean,
                "alpha_u": s.alpha_u,
            }
            for label, s in report.per_label.items()
        },
        "per_document": [
            {
                "doc": d.doc,
                "f1_exact_mean": d.f1_exact_mean,
                "f1_overlap_mean": d.f1_overlap_mean,
                "n_annotators": d.n_annotators,
            }
            for d in report.per_document
        ],
        "overall": {
            "f1_exact_mean": report.f1_exact_mean,
            "f1_exact_sd": report.f1_exact_sd,
            "f1_overlap_mean": report.f1_overlap_mean,
            "alpha_u": report.alpha_u,
        },
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _documents(count: int) -> str:
    return f"{count} document" if count == 1 else f"{count} documents"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]
    line = lambda cells: "  ".join(  # noqa: E731
        cell.ljust(w) if k == 0 else cell.rjust(w) for k, (cell, w) in enumerate(zip(cells, widths))
    )
    return [line(headers), "  ".join("-" * w for w in widths), *map(line, rows or [["(none)"]])]


def format_table(report: AgreementReport) -> str:
    """A plain-text summary: pairs, labels, overall. Undefined figures read "n/a"."""
    out = [f"Reviewers: {', '.join(report.annotators) or '(none)'}", "", "Pairs"]
    out += _table(
        ["A", "B", "docs", "F1 exact", "F1 overlap"],
        [
            [p.a, p.b, str(p.documents), _fmt(p.f1_exact), _fmt(p.f1_overlap)]
            for p in report.pairs
        ],
    )
    out += ["", "Labels"]
    out += _table(
        ["Label", "F1 exact", "SD", "F1 overlap", "kappa", "alpha_U"],
        [
            [
                label,
                _fmt(s.f1_exact_mean),
                _fmt(s.f1_exact_sd),
                _fmt(s.f1_overlap_mean),
                _fmt(s.kappa_mean),
                _fmt(s.alpha_u),
            ]
            for label, s in report.per_label.items()
        ],
    )
    out += [
        "",
        "Overall",
        f"  F1 exact:   {_fmt(report.f1_exact_mean)} (SD {_fmt(report.f1_exact_sd)})",
        f"  F1 overlap: {_fmt(report.f1_overlap_mean)}",
        f"  alpha_U:    {_fmt(report.alpha_u)} (over the {_documents(report.alpha_u_documents)} "
        "every reviewer annotated)",
    ]
    return "\n".join(out)
