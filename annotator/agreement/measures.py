"""Small statistics, Krippendorff's nominal alpha, and span matching within one document and label."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction

Interval = tuple[int, int]  # (start, end), end-exclusive


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
    return _overlap_matches(set_a, set_b, set_a & set_b)


def _overlap_matches(set_a: set[Interval], set_b: set[Interval], exact: set[Interval]) -> int:
    """``count_overlap_matches`` for two sets and their intersection, already at hand."""
    n = len(exact)
    if n == len(set_a) or n == len(set_b):
        return n
    if len(set_a) == len(set_b) == n + 1:
        # One span left on each side (a moved boundary, the commonest disagreement): the greedy
        # walk would match them exactly when they share a character.
        (a_start, a_end), = set_a - exact
        (b_start, b_end), = set_b - exact
        return n + 1 if min(a_end, b_end) > max(a_start, b_start) else n
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
    # One walk; a unit's square is added when the walk leaves it unhit (no per-unit flags list).
    both = disagreement = 0
    n_a, n_b = len(a), len(b)
    i = j = 0
    a_hit = b_hit = False
    while i < n_a and j < n_b:
        a_start, a_end = a[i]
        b_start, b_end = b[j]
        if a_start < b_end and b_start < a_end:
            both += (a_end if a_end < b_end else b_end) - (a_start if a_start > b_start else b_start)
            disagreement += (a_start - b_start) ** 2 + (a_end - b_end) ** 2
            a_hit = b_hit = True
        if a_end <= b_end:
            if not a_hit:
                disagreement += (a_end - a_start) ** 2
            i += 1
            a_hit = False
        else:
            if not b_hit:
                disagreement += (b_end - b_start) ** 2
            j += 1
            b_hit = False
    if i < n_a:
        if a_hit:
            i += 1
        disagreement += sum((e - s) ** 2 for s, e in a[i:])
    if j < n_b:
        if b_hit:
            j += 1
        disagreement += sum((e - s) ** 2 for s, e in b[j:])
    return both, disagreement
