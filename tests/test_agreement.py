"""annotator.agreement against published reference values.

References:
- bratiaa (kldtz/bratiaa): its example project and the figures its own regression test asserts
  (tests/bratiaa/test_agree_regression.py) and its report prints (instance-agreement-report.md).
- Krippendorff (2004: p. 254) and Krippendorff (1995: p. 57) unitizing examples, as DKPro
  Agreement's tests encode them (Krippendorff2004Test, Krippendorff1995Test,
  UnitizingAgreementTest), plus a line-by-line port of DKPro's computation as an oracle.
- Krippendorff's alpha article on Wikipedia (3 coders x 15 units with missing values), whose
  figure fast-krippendorff's test suite also asserts.
- scikit-learn's cohen_kappa_score.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement import (
    AgreementCancelled,
    compute_agreement,
    count_overlap_matches,
    format_table,
    krippendorff_alpha_nominal,
    krippendorff_alpha_unitizing,
    report_to_json,
)
from annotator.model import Span

from .conftest import FIXTURES_DIR

BRATIAA = FIXTURES_DIR / "bratiaa" / "example-files"


def needs_bratiaa(test):
    """The reference figures must be checked wherever the suite runs: no silent skip."""
    return test


# --------------------------------------------------------------------------------------------
# bratiaa's example project


def read_brat_spans(path: Path) -> list[Span]:
    """The text-bound (T) lines of a brat .ann file; discontinuous fragments as separate spans."""
    spans = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            label, offsets = line.split("\t")[1].split(" ", 1)
            for fragment in offsets.split(";"):
                start, end = fragment.split()
                spans.append(Span(int(start), int(end), label))
    return spans


def read_brat_project(root: Path):
    layers, lengths = {}, {}
    for reviewer_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for ann in sorted(reviewer_dir.glob("*.ann")):
            text = ann.with_suffix(".txt").read_text(encoding="utf-8")
            lengths[ann.name] = len(text)
            layers.setdefault(ann.name, {})[reviewer_dir.name] = read_brat_spans(ann)
    return layers, lengths


@pytest.fixture(scope="module")
def bratiaa_report():
    layers, lengths = read_brat_project(BRATIAA / "example-project")
    return compute_agreement(layers, lengths)


@needs_bratiaa
def test_bratiaa_overall_instance_f1(bratiaa_report):
    assert bratiaa_report.annotators == ["Lisa", "Maria", "Max", "Peter"]
    assert bratiaa_report.f1_exact_mean == pytest.approx(0.8903501, abs=1e-6)
    assert bratiaa_report.f1_exact_sd == pytest.approx(0.0526314, abs=1e-6)


@needs_bratiaa
def test_bratiaa_per_label_instance_f1(bratiaa_report):
    means = {"LOC": 0.8191061, "MISC": 0.84004593, "ORG": 0.9059579, "PER": 0.93782234}
    sds = {"LOC": 0.13102913, "MISC": 0.08971284, "ORG": 0.05325575, "PER": 0.03875493}
    assert bratiaa_report.labels == sorted(means)
    for label, summary in bratiaa_report.per_label.items():
        assert summary.f1_exact_mean == pytest.approx(means[label], abs=1e-6)
        assert summary.f1_exact_sd == pytest.approx(sds[label], abs=1e-6)


@needs_bratiaa
def test_bratiaa_per_document_instance_f1(bratiaa_report):
    # bratiaa's regression test, documents in sorted order
    means = [0.79807203, 0.89395898, 0.90550807, 0.90580505, 0.93571596, 0.90673964, 0.87339767]
    sds = [0.1669697, 0.03874385, 0.07164957, 0.03713651, 0.0232565, 0.05167786, 0.06287414]
    by_doc = {d.doc: d for d in bratiaa_report.per_document}
    for doc, expected_mean, expected_sd in zip(sorted(by_doc), means, sds):
        assert by_doc[doc].f1_exact_mean == pytest.approx(expected_mean, abs=1e-6)
        assert by_doc[doc].f1_exact_sd == pytest.approx(expected_sd, abs=1e-6)
        assert by_doc[doc].n_annotators == 4


@needs_bratiaa
def test_bratiaa_printed_report_matches(bratiaa_report):
    """Every row of the report bratiaa printed for the example, to its three decimals."""
    markdown = (BRATIAA / "instance-agreement-report.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s*(\S+)\s*\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|$", markdown, re.M)
    by_doc = {d.doc: d for d in bratiaa_report.per_document}
    checked = 0
    for name, mean, sd in rows:
        if name in by_doc:
            got_mean, got_sd = by_doc[name].f1_exact_mean, by_doc[name].f1_exact_sd
        elif name in bratiaa_report.per_label:
            got_mean = bratiaa_report.per_label[name].f1_exact_mean
            got_sd = bratiaa_report.per_label[name].f1_exact_sd
        else:
            continue
        assert round(got_mean, 3) == float(mean), name
        assert round(got_sd, 3) == float(sd), name
        checked += 1
    assert checked == 7 + 4
    overall = re.search(r"Mean F1: ([\d.]+), SD F1: ([\d.]+)", markdown)
    assert round(bratiaa_report.f1_exact_mean, 3) == float(overall[1])
    assert round(bratiaa_report.f1_exact_sd, 3) == float(overall[2])


@needs_bratiaa
def test_bratiaa_documents_listed_worst_first(bratiaa_report):
    means = [d.f1_exact_mean for d in bratiaa_report.per_document]
    assert means == sorted(means)
    assert bratiaa_report.per_document[0].doc == "esp.train-doc-100.ann"


@needs_bratiaa
def test_bratiaa_example_alpha_u_matches_dkpro_port(bratiaa_report):
    layers, lengths = read_brat_project(BRATIAA / "example-project")
    units, offset = [], 0
    for doc, doc_layers in layers.items():
        for rater, reviewer in enumerate(bratiaa_report.annotators):
            units += [
                (offset + s.start, s.end - s.start, rater, s.label) for s in doc_layers[reviewer]
            ]
        offset += lengths[doc]
    # DKPro needs a reviewer's units of one category not to overlap; this project has none.
    overall, per_label = dkpro_alpha_u(units, 4, 0, offset)
    assert bratiaa_report.alpha_u == pytest.approx(overall, abs=1e-12)
    for label, alpha in per_label.items():
        assert bratiaa_report.per_label[label].alpha_u == pytest.approx(alpha, abs=1e-12)
    assert bratiaa_report.alpha_u_documents == 7


# --------------------------------------------------------------------------------------------
# Krippendorff's unitizing alpha


def krippendorff_2004_example() -> list[list[Span]]:
    """Krippendorff (2004: p. 254): two observers, continuum [150, 450)."""
    return [
        [Span(225, 295, "c"), Span(370, 400, "c"), Span(180, 240, "k"), Span(300, 350, "k")],
        [
            Span(220, 300, "c"),
            Span(355, 375, "c"),
            Span(400, 420, "c"),
            Span(180, 240, "k"),
            Span(300, 350, "k"),
        ],
    ]


def test_alpha_u_krippendorff_2004():
    alpha = krippendorff_alpha_unitizing(krippendorff_2004_example(), length=300, begin=150)
    assert round(alpha.overall, 4) == 0.8587
    assert round(alpha.per_label["c"], 4) == 0.7286
    assert alpha.per_label["k"] == pytest.approx(1.0)


def test_alpha_u_continuum_start_can_be_modelled_as_leading_text():
    as_document = krippendorff_alpha_unitizing(krippendorff_2004_example(), length=450)
    with_begin = krippendorff_alpha_unitizing(krippendorff_2004_example(), length=300, begin=150)
    # Same units, but 150 more characters of gap: expected disagreement changes, so alpha does.
    assert as_document.overall != pytest.approx(with_begin.overall)
    shifted = [
        [Span(s.start - 150, s.end - 150, s.label) for s in spans]
        for spans in krippendorff_2004_example()
    ]
    assert krippendorff_alpha_unitizing(shifted, length=300) == with_begin


def test_alpha_u_dkpro_unitizing_agreement_test():
    # r0: -11111111-    r1: --1-1-1---
    alpha = krippendorff_alpha_unitizing(
        [[Span(1, 9, "A")], [Span(2, 3, "A"), Span(4, 5, "A"), Span(6, 7, "A")]], length=10
    )
    assert round(alpha.per_label["A"], 4) == -0.7003


def test_alpha_u_single_unit_among_three_raters_is_chance_level():
    # DKPro's testSingleAnnotationUnit: observed equals expected disagreement, alpha 0.
    alpha = krippendorff_alpha_unitizing([[Span(0, 1, "X")], [], []], length=20)
    assert alpha.overall == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "label, expected", [("A", 0.553), ("B", -0.926), ("C", 0.679), ("D", 0.066)]
)
def test_alpha_u_krippendorff_1995(label, expected):
    # Krippendorff (1995: p. 57), stretched as DKPro's test does so that the published values,
    # computed for a continuous continuum, apply; DKPro asserts them to within 0.02.
    stretch = 1200000 // 24
    bertha_bill = {
        "A": ([(2, 8), (14, 6)], [(4, 4), (15, 2)]),
        "B": ([(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]),
        "C": ([(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]),
        "D": (
            [(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)],
            [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)],
        ),
    }
    raters = [
        [Span(o * stretch, (o + n) * stretch, label) for o, n in units]
        for units in bertha_bill[label]
    ]
    alpha = krippendorff_alpha_unitizing(raters, length=24 * stretch)
    assert alpha.per_label[label] == pytest.approx(expected, abs=0.02)


def test_alpha_u_undefined_cases():
    assert krippendorff_alpha_unitizing([[], []], length=20).overall is None
    assert krippendorff_alpha_unitizing([[Span(0, 5, "X")]], length=20).overall is None
    assert krippendorff_alpha_unitizing([[Span(0, 5, "X")], []], length=0).overall is None


# A line-by-line port of DKPro's KrippendorffAlphaUnitizingAgreement (its segment walk and gap
# list), slow but literal, to check the faster formulation against.


def _dkpro_next(units, rater, category):
    for unit in units:
        if unit[3] == category and unit[2] == rater:
            return unit
    return None


def _dkpro_distance(o1, l1, c1, o2, l2, c2):
    begin_diff, length_diff = o1 - o2, l1 - l2
    if c1 is not None and c2 is not None and -l1 < begin_diff < l2:
        return begin_diff**2 + (begin_diff + length_diff) ** 2
    if c1 is not None and c2 is None and -length_diff >= begin_diff >= 0:
        return l1 * l1
    if c1 is None and c2 is not None and -length_diff <= begin_diff <= 0:
        return l2 * l2
    return 0


def _dkpro_observed(units, R, B, L, category):
    result = 0
    for r1, r2 in combinations(range(R), 2):
        it1, it2 = iter(units), iter(units)
        next1, next2 = _dkpro_next(it1, r1, category), _dkpro_next(it2, r2, category)
        o1 = o2 = B
        l1 = l2 = 0
        c1 = c2 = None
        pos = B
        while pos < B + L and (next1 is not None or next2 is not None):
            if pos == o1 + l1:
                if next1 is not None and pos == next1[0]:
                    l1, c1 = next1[1], next1[3]
                    next1 = _dkpro_next(it1, r1, category)
                else:
                    l1, c1 = (next1[0] if next1 is not None else B + L) - pos, None
                o1 = pos
            if pos == o2 + l2:
                if next2 is not None and pos == next2[0]:
                    l2, c2 = next2[1], next2[3]
                    next2 = _dkpro_next(it2, r2, category)
                else:
                    l2, c2 = (next2[0] if next2 is not None else B + L) - pos, None
                o2 = pos
            result += _dkpro_distance(o1, l1, c1, o2, l2, c2)
            pos = min(o1 + l1, o2 + l2)
    return Fraction(2 * result, R * (R - 1) * L * L)


def _dkpro_expected(units, R, B, L, category):
    mine = [u for u in units if u[3] == category]
    squared_lengths = sum(u[1] * (u[1] - 1) for u in mine)
    gaps = []
    for r in range(R):
        it = iter(units)
        next_unit = _dkpro_next(it, r, category)
        offset, length, pos = B, 0, B
        while pos < B + L:
            if pos == offset + length:
                if next_unit is not None and pos == next_unit[0]:
                    length = next_unit[1]
                    next_unit = _dkpro_next(it, r, category)
                else:
                    length = (next_unit[0] if next_unit is not None else B + L) - pos
                    gaps.append(length)
                offset = pos
            pos = offset + length
    gaps.sort(reverse=True)
    result = Fraction(0)
    for _, l, _, _ in mine:
        result += Fraction((len(mine) - 1) * (2 * l**3 - 3 * l**2 + l), 3)
        result += l * l * sum(g - l + 1 for g in gaps if g >= l)
    return result * Fraction(2, L) / (R * L * (R * L - 1) - squared_lengths)


def dkpro_alpha_u(units, R, B, L):
    """units: (offset, length, rater, category). Returns (overall, {category: alpha})."""
    units = sorted(units, key=lambda u: u[:3])  # DKPro's TreeSet order
    per_label, sum_o, sum_e = {}, Fraction(0), Fraction(0)
    for category in sorted({u[3] for u in units}):
        d_o = _dkpro_observed(units, R, B, L, category)
        d_e = _dkpro_expected(units, R, B, L, category)
        per_label[category] = None if d_e == 0 else float(1 - d_o / d_e)
        sum_o += d_o
        sum_e += d_e
    return (None if sum_e == 0 else float(1 - sum_o / sum_e)), per_label


@st.composite
def unitizing_studies(draw):
    """2-4 raters, labels X/Y, each rater's units of one label non-overlapping (adjacent ok)."""
    raters = draw(st.integers(2, 4))
    length = draw(st.integers(1, 60))
    layers = []
    for _ in range(raters):
        spans = []
        for label in "XY":
            cuts = sorted(draw(st.sets(st.integers(0, length), max_size=8)))
            pieces = list(zip(cuts, cuts[1:]))
            spans += [Span(s, e, label) for s, e in pieces if draw(st.booleans())]
        layers.append(spans)
    return layers, length


@given(unitizing_studies())
@settings(max_examples=200, deadline=None)
def test_alpha_u_equals_dkpro_port(study):
    layers, length = study
    units = [
        (s.start, s.end - s.start, r, s.label) for r, spans in enumerate(layers) for s in spans
    ]
    overall, per_label = dkpro_alpha_u(units, len(layers), 0, length)
    ours = krippendorff_alpha_unitizing(layers, length)
    if overall is None:
        assert ours.overall is None
    else:
        assert ours.overall == pytest.approx(overall, abs=1e-9)
    assert ours.per_label.keys() == per_label.keys()
    for label, alpha in per_label.items():
        assert (ours.per_label[label] is None) == (alpha is None)
        if alpha is not None:
            assert ours.per_label[label] == pytest.approx(alpha, abs=1e-9)


def test_documents_lie_end_to_end_on_one_continuum():
    rng = random.Random(7)
    layers, lengths, continuum, offset = {}, {}, [[], [], []], 0
    for d in range(4):
        length = rng.randint(30, 80)
        lengths[d] = length
        layers[d] = {}
        for r, name in enumerate("abc"):
            spans = _random_non_overlapping(rng, length, "XY")
            layers[d][name] = spans
            continuum[r] += [Span(s.start + offset, s.end + offset, s.label) for s in spans]
        offset += length
    report = compute_agreement(layers, lengths)
    single = krippendorff_alpha_unitizing(continuum, offset)
    assert report.alpha_u == pytest.approx(single.overall, abs=1e-12)
    assert {k: v.alpha_u for k, v in report.per_label.items()} == pytest.approx(single.per_label)


def _random_non_overlapping(rng: random.Random, length: int, labels: str) -> list[Span]:
    spans = []
    for label in labels:
        cuts = sorted(rng.sample(range(length + 1), 6))
        spans += [Span(s, e, label) for s, e in zip(cuts[::2], cuts[1::2])]
    return spans


def test_alpha_u_joins_a_reviewers_overlapping_spans_of_one_label():
    overlapping = [[Span(0, 6, "X"), Span(4, 10, "X")], [Span(0, 10, "X")]]
    joined = [[Span(0, 10, "X")], [Span(0, 10, "X")]]
    assert krippendorff_alpha_unitizing(overlapping, 20) == krippendorff_alpha_unitizing(joined, 20)


# --------------------------------------------------------------------------------------------
# Krippendorff's nominal alpha

WIKIPEDIA_CODERS = [
    [None, None, None, None, None, 3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3, None, None, None, None, None, None, None],
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]


def test_nominal_alpha_wikipedia_example():
    alpha = krippendorff_alpha_nominal(WIKIPEDIA_CODERS)
    assert round(alpha, 6) == 0.691358
    assert alpha == pytest.approx(56 / 81)


def test_nominal_alpha_string_values():
    # fast-krippendorff's test_string_labels_nominal
    data = [["pos", "neg", "neu", None], ["pos", "neg", "neu", "pos"], ["pos", "neg", "pos", "pos"]]
    assert round(krippendorff_alpha_nominal(data), 6) == 0.722222


def test_nominal_alpha_undefined_cases():
    assert krippendorff_alpha_nominal([[1, 2, 3]]) is None  # one reviewer
    assert krippendorff_alpha_nominal([[1, None], [None, 2]]) is None  # nothing pairable
    assert krippendorff_alpha_nominal([[1, 1], [1, 1]]) is None  # a single value
    assert krippendorff_alpha_nominal([]) is None
    assert krippendorff_alpha_nominal([[1, 2], [1, 2]]) == 1.0
    with pytest.raises(ValueError):
        krippendorff_alpha_nominal([[1, 2], [1]])


# --------------------------------------------------------------------------------------------
# Cohen's kappa over characters


def _characters(spans: list[Span], label: str, length: int) -> list[int]:
    marks = [0] * length
    for span in spans:
        if span.label == label:
            marks[span.start : span.end] = [1] * (span.end - span.start)
    return marks


@pytest.mark.parametrize("seed", range(8))
def test_kappa_equals_sklearn(seed):
    from sklearn.metrics import cohen_kappa_score

    rng = random.Random(seed)
    lengths = {"d1": rng.randint(50, 300), "d2": rng.randint(50, 300)}
    layers = {doc: {r: _random_spans(rng, n) for r in "ab"} for doc, n in lengths.items()}
    report = compute_agreement(layers, lengths)
    for label in report.labels:
        a = [c for doc, n in lengths.items() for c in _characters(layers[doc]["a"], label, n)]
        b = [c for doc, n in lengths.items() for c in _characters(layers[doc]["b"], label, n)]
        expected = cohen_kappa_score(a, b)
        assert report.pairs[0].per_label[label].kappa == pytest.approx(expected, abs=1e-12)
        assert report.per_label[label].kappa_mean == pytest.approx(expected, abs=1e-12)


def _random_spans(rng: random.Random, length: int, count: int = 8) -> list[Span]:
    """Overlapping and duplicate spans included: kappa looks at characters only."""
    spans = []
    for _ in range(count):
        start = rng.randrange(length - 1)
        end = rng.randint(start + 1, min(length, start + 40))
        spans.append(Span(start, end, rng.choice("XYZ")))
    return spans


def test_kappa_counts_only_documents_both_annotated():
    lengths = {"d1": 10, "d2": 1000}
    layers = {
        "d1": {"a": [Span(0, 5, "X")], "b": [Span(0, 4, "X")]},
        "d2": {"a": [Span(0, 500, "X")]},  # b has no layer: d2's characters are not compared
    }
    kappa = compute_agreement(layers, lengths).pairs[0].per_label["X"].kappa
    assert kappa == pytest.approx((10 * 9 - (20 + 30)) / (100 - (20 + 30)))


# --------------------------------------------------------------------------------------------
# compute_agreement: spans, layers, filters


def one_document(*layers_: list[Span], length: int = 100, names: str = "abc"):
    return {"doc": dict(zip(names, layers_))}, {"doc": length}


def test_overlap_matching_is_one_to_one_and_greedy_by_overlap():
    # b's (0, 8) overlaps a's (0, 10) by 8, b's (5, 20) by 5: greedy takes the larger.
    assert count_overlap_matches([(0, 10)], [(0, 8), (5, 20)]) == 1
    # Largest first: (10, 30)-(12, 30) then (0, 12)-(0, 11); one-to-one throughout.
    assert count_overlap_matches([(0, 12), (10, 30)], [(0, 11), (12, 30)]) == 2
    assert count_overlap_matches([(0, 5)], [(5, 9)]) == 0  # touching is not sharing a character


def test_exact_and_overlap_f1_for_one_pair():
    a = [Span(0, 5, "X"), Span(10, 20, "X"), Span(30, 40, "Y")]
    b = [Span(0, 5, "X"), Span(12, 20, "X"), Span(30, 40, "X")]
    pair = compute_agreement(*one_document(a, b)).pairs[0]
    assert pair.f1_exact == pytest.approx(2 * 1 / 6)
    assert pair.f1_overlap == pytest.approx(2 * 2 / 6)  # a different label is no match
    assert pair.per_label["X"].f1_exact == pytest.approx(2 * 1 / 5)
    assert pair.per_label["Y"].f1_exact == 0.0


def test_identical_spans_repeated_in_a_layer_count_once_as_in_bratiaa():
    a = [Span(0, 5, "X"), Span(0, 5, "X")]
    b = [Span(0, 5, "X")]
    assert compute_agreement(*one_document(a, b)).f1_exact_mean == 1.0


def test_reviewer_without_a_layer_is_left_out_of_that_document():
    layers = {
        "d1": {"a": [Span(0, 5, "X")], "b": [Span(0, 5, "X")], "c": [Span(0, 5, "X")]},
        "d2": {"a": [Span(0, 5, "X")], "b": [Span(0, 5, "X")]},  # c has no layer here
    }
    report = compute_agreement(layers, {"d1": 10, "d2": 10})
    pairs = {(p.a, p.b): p for p in report.pairs}
    assert pairs["a", "c"].f1_exact == 1.0
    assert pairs["a", "c"].documents == 1
    assert pairs["a", "b"].documents == 2
    docs = {d.doc: d for d in report.per_document}
    assert docs["d2"].n_annotators == 2
    assert docs["d2"].f1_exact_mean == 1.0
    assert report.alpha_u_documents == 1


def test_empty_layer_is_a_reviewer_who_marked_nothing():
    layers = {"d1": {"a": [Span(0, 5, "X")], "b": [Span(0, 5, "X")], "c": []}}
    report = compute_agreement(layers, {"d1": 10})
    pairs = {(p.a, p.b): p for p in report.pairs}
    assert pairs["a", "c"].f1_exact == 0.0
    assert pairs["a", "c"].per_label["X"].kappa == 0.0
    assert report.per_document[0].n_annotators == 3
    assert report.f1_exact_mean == pytest.approx(1 / 3)


def test_undefined_figures_are_none_not_one_or_zero():
    report = compute_agreement(*one_document([], []))
    assert report.pairs[0].f1_exact is None
    assert report.pairs[0].f1_overlap is None
    assert report.f1_exact_mean is None and report.f1_exact_sd is None
    assert report.alpha_u is None
    assert report.per_document[0].f1_exact_mean is None
    data = report_to_json(report)
    assert data["overall"] == {
        "f1_exact_mean": None,
        "f1_exact_sd": None,
        "f1_overlap_mean": None,
        "alpha_u": None,
    }


def test_fewer_than_two_reviewers_gives_no_figures():
    report = compute_agreement(*one_document([Span(0, 5, "X")]))
    assert report.pairs == []
    assert report.f1_exact_mean is None
    assert report.alpha_u is None
    assert report.per_label["X"].f1_exact_mean is None
    assert report.per_label["X"].kappa_mean is None
    assert report.per_document[0].n_annotators == 1
    assert report.per_document[0].f1_exact_mean is None


def test_label_unused_by_anyone_is_none():
    layers, lengths = one_document([Span(0, 5, "X")], [Span(0, 5, "X")])
    report = compute_agreement(layers, lengths, labels=["X", "Q"])
    assert report.per_label["Q"].f1_exact_mean is None
    assert report.per_label["Q"].kappa_mean is None
    assert report.per_label["Q"].alpha_u is None
    assert report.per_label["X"].f1_exact_mean == 1.0


def test_filters_restrict_reviewers_and_labels():
    a = [Span(0, 5, "X"), Span(10, 15, "Y")]
    b = [Span(0, 5, "X"), Span(10, 16, "Y")]
    c = [Span(50, 60, "X")]
    layers, lengths = one_document(a, b, c)
    report = compute_agreement(layers, lengths, annotators=["a", "b"], labels=["X"])
    assert report.annotators == ["a", "b"]
    assert report.labels == ["X"]
    assert [(p.a, p.b) for p in report.pairs] == [("a", "b")]
    assert report.f1_exact_mean == 1.0
    assert report.alpha_u == pytest.approx(1.0)
    assert compute_agreement(layers, lengths, annotators=["a", "b"]).f1_exact_mean == 0.5


def test_per_document_worst_first_undefined_last():
    layers = {
        "good": {"a": [Span(0, 5, "X")], "b": [Span(0, 5, "X")]},
        "alone": {"a": [Span(0, 5, "X")]},
        "bad": {"a": [Span(0, 5, "X")], "b": [Span(6, 9, "X")]},
        "empty": {"a": [], "b": []},
    }
    report = compute_agreement(layers, dict.fromkeys(layers, 10))
    assert [d.doc for d in report.per_document] == ["bad", "good", "alone", "empty"]


def test_missing_document_length_is_reported():
    with pytest.raises(ValueError, match="doc"):
        compute_agreement({"doc": {"a": [], "b": []}}, {})


def test_progress_and_cancel():
    layers = {d: {"a": [Span(0, 5, "X")], "b": [Span(0, 5, "X")]} for d in range(5)}
    lengths = dict.fromkeys(layers, 10)
    calls = []
    compute_agreement(layers, lengths, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 5) for n in range(1, 6)]
    polls = []
    with pytest.raises(AgreementCancelled):
        compute_agreement(layers, lengths, cancelled=lambda: polls.append(1) or len(polls) > 2)
    assert len(polls) == 3


# --------------------------------------------------------------------------------------------
# Properties


spans_strategy = st.lists(
    st.builds(
        lambda start, width, label: Span(start, start + width, label),
        st.integers(0, 40),
        st.integers(1, 10),
        st.sampled_from("XY"),
    ),
    max_size=8,
)


@given(spans_strategy, spans_strategy)
@settings(max_examples=200, deadline=None)
def test_f1_symmetric_and_bounded(a, b):
    forward = compute_agreement(*one_document(a, b, length=50)).pairs[0]
    backward = compute_agreement(*one_document(b, a, length=50)).pairs[0]
    assert forward.f1_exact == backward.f1_exact
    assert forward.f1_overlap == backward.f1_overlap
    assert forward.per_label == backward.per_label
    if a or b:
        assert 0.0 <= forward.f1_exact <= forward.f1_overlap <= 1.0
    else:
        assert forward.f1_exact is None


@given(spans_strategy.filter(bool))
@settings(max_examples=100, deadline=None)
def test_identical_layers_agree_perfectly(spans):
    report = compute_agreement(*one_document(spans, list(reversed(spans)), length=50))
    assert report.f1_exact_mean == 1.0
    assert report.f1_overlap_mean == 1.0
    for label in report.labels:
        assert report.pairs[0].per_label[label].kappa in (1.0, None)  # None: label covers all
    assert report.alpha_u == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# Output


@needs_bratiaa
def test_report_json_shape(bratiaa_report):
    data = report_to_json(bratiaa_report)
    json.dumps(data, allow_nan=False)
    assert set(data) == {"annotators", "pairs", "per_label", "per_document", "overall"}
    assert set(data["pairs"][0]) == {"a", "b", "f1_exact", "f1_overlap", "per_label"}
    assert set(data["pairs"][0]["per_label"]["PER"]) == {"f1_exact", "f1_overlap", "kappa"}
    assert set(data["per_label"]["PER"]) == {
        "f1_exact_mean",
        "f1_exact_sd",
        "f1_overlap_mean",
        "kappa_mean",
        "alpha_u",
    }
    assert set(data["per_document"][0]) == {
        "doc",
        "f1_exact_mean",
        "f1_overlap_mean",
        "n_annotators",
    }
    assert set(data["overall"]) == {"f1_exact_mean", "f1_exact_sd", "f1_overlap_mean", "alpha_u"}
    assert data["overall"]["f1_exact_mean"] == pytest.approx(0.8903501, abs=1e-6)


def test_format_table_shows_na_for_undefined():
    report = compute_agreement(*one_document([], [Span(0, 5, "X")], []))
    table = format_table(report)
    pair_rows = {tuple(line.split()[:2]): line for line in table.splitlines() if line[:1] in "ab"}
    assert pair_rows["a", "c"].split()[-2:] == ["n/a", "n/a"]  # neither marked anything
    assert pair_rows["a", "b"].split()[-2:] == ["0.000", "0.000"]
    assert "nan" not in table.replace("n/a", "")


def test_agreement_module_imports_no_qt():
    code = (
        "import sys, annotator.agreement; "
        "print(any(name.startswith('PySide6') for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
