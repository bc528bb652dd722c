"""Agreement read set-wise and computed with its fast paths gives the figures of the per-document
code: the reports below were saved (tests/fixtures/scale/) before the rewrite."""

from __future__ import annotations

import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import project
from annotator.agreement import agreement_inputs, compare_units, compute_agreement, report_to_json
from annotator.store import Store

from .conftest import FIXTURES_DIR
from .scale_project import build

BEFORE = json.loads((FIXTURES_DIR / "scale" / "agreement_before.json").read_text())


def _json(report) -> dict:
    return json.loads(json.dumps(report_to_json(report)))


def test_reports_equal_the_ones_computed_before_the_rewrite(tmp_path):
    path = build(tmp_path / "p.annotator.db")
    with Store(path) as store:
        layers, lengths = agreement_inputs(store)
        assert _json(compute_agreement(layers, lengths)) == BEFORE["all"]
        some = compute_agreement(layers, lengths, annotators=["ben", "dev"], labels=["CLAIM", "ENTITY"])
        assert _json(some) == BEFORE["some"]
        # and the same as the per-layer reading of spans (Span objects) still gives
        old_layers, old_lengths = project.agreement_inputs(store)
        assert list(old_layers) == list(layers) and old_lengths == lengths
        assert _json(compute_agreement(old_layers, old_lengths)) == BEFORE["all"]


def test_a_document_subset_and_a_layer_with_no_spans(tmp_path):
    path = build(tmp_path / "p.annotator.db", n_docs=12, seed=3)
    with Store(path) as store:
        wanted = store.document_ids()[2:7]
        layers, lengths = agreement_inputs(store, wanted)
        old_layers, old_lengths = project.agreement_inputs(store, wanted)
        assert set(layers) <= set(wanted) and list(layers) == list(old_layers)
        assert _json(compute_agreement(layers, lengths)) == _json(compute_agreement(old_layers, old_lengths))
        empty = [(d, a) for d, by in old_layers.items() for a, spans in by.items() if not spans]
        for d, a in empty:
            assert not layers[d][a] and len(layers[d][a]) == 0


def _reference_compare_units(a, b):
    """compare_units as it was written before (a flag per unit), the reference for the one-walk version."""
    both = disagreement = 0
    a_hit, b_hit = [False] * len(a), [False] * len(b)
    i = j = 0
    while i < len(a) and j < len(b):
        (a_start, a_end), (b_start, b_end) = a[i], b[j]
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


def _units(rng_seed: int, n: int) -> list[tuple[int, int]]:
    rng = random.Random(rng_seed)
    out, pos = [], 0
    for _ in range(n):
        pos += rng.randint(0, 6)
        length = rng.randint(1, 8)
        out.append((pos, pos + length))
        pos += length
    return out


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 8), st.integers(0, 8))
def test_compare_units_equals_the_reference(seed_a, seed_b, n_a, n_b):
    a, b = _units(seed_a, n_a), _units(seed_b, n_b)
    assert compare_units(a, b) == _reference_compare_units(a, b)
    assert compare_units(a, a) == (sum(e - s for s, e in a), 0)


# The fast paths of the per-pair tallies (one span left on each side) and of alpha_U (unit
# lengths and gaps worked out with the units) against plain definitions.


def _greedy_reference(a, b):
    """One-to-one overlap matches as defined: identical spans first, then every overlapping pair
    of the rest, largest overlap first (ties by the pair's sorted intervals)."""
    exact = set(a) & set(b)
    set_a, set_b = set(a) - exact, set(b) - exact
    pairs = []
    for x in set_a:
        for y in set_b:
            overlap = min(x[1], y[1]) - max(x[0], y[0])
            if overlap > 0:
                pairs.append((-overlap, min(x, y), max(x, y), x, y))
    used_a, used_b = set(), set()
    for *_, x, y in sorted(pairs):
        if x not in used_a and y not in used_b:
            used_a.add(x)
            used_b.add(y)
    return len(exact) + len(used_a)


def _random_spans(rng: random.Random, n: int, length: int = 60) -> list[tuple[int, int]]:
    out = []
    for _ in range(n):
        start = rng.randrange(length - 1)
        out.append((start, rng.randint(start + 1, min(length, start + 15))))
    return out


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 10**6), st.integers(0, 5), st.integers(0, 5), st.booleans())
def test_overlap_matches_equal_the_greedy_definition(seed, n_shared, n_other, moved_one):
    from annotator.agreement import count_overlap_matches

    rng = random.Random(seed)
    shared = _random_spans(rng, n_shared)
    a = shared + _random_spans(rng, n_other)
    # one span left on each side is the fast path: a moved boundary, or a span just touching
    moved = [rng.choice([(s, e + 1), (e, e + 3), (s + 1, e + 1)]) for s, e in a[-1:]]
    b = shared + (moved if moved_one else _random_spans(rng, n_other))
    assert count_overlap_matches(a, b) == _greedy_reference(a, b) == count_overlap_matches(b, a)


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 4), st.integers(1, 4))
def test_alpha_u_over_documents_equals_one_continuum(seed, n_reviewers, n_docs):
    """compute_agreement lays documents end to end with the prepared layers' gaps and lengths;
    krippendorff_alpha_unitizing does it from the spans on one continuum (overlapping spans of a
    label joined in both)."""
    from annotator.agreement import krippendorff_alpha_unitizing
    from annotator.model import Span

    rng = random.Random(seed)
    reviewers = [f"r{i}" for i in range(n_reviewers)]
    labels = ("A", "B", "C")
    layers, lengths, continuum = {}, {}, [[] for _ in reviewers]
    offset = 0
    for d in range(n_docs):
        length = 60 + rng.randrange(40)
        lengths[f"d{d}"] = length
        draft = [Span(s, e, rng.choice(labels)) for s, e in _random_spans(rng, rng.randrange(8), length)]
        layers[f"d{d}"] = {}
        for r, name in enumerate(reviewers):
            spans = [s for s in draft if rng.random() < 0.8]
            spans += [Span(s, e, rng.choice(labels)) for s, e in _random_spans(rng, rng.randrange(3), length)]
            layers[f"d{d}"][name] = spans
            continuum[r] += [Span(s.start + offset, s.end + offset, s.label) for s in spans]
        offset += length
    report = compute_agreement(layers, lengths, annotators=reviewers)
    expected = krippendorff_alpha_unitizing(continuum, offset)
    assert report.alpha_u == expected.overall
    for label in report.labels:
        assert report.per_label[label].alpha_u == expected.per_label.get(label)


def test_report_json_text_is_what_json_dumps_writes(tmp_path):
    """The agreement command's JSON, its per-document objects written directly: the same text as
    ``json.dumps(..., ensure_ascii=False, indent=2)`` for string, integer and odd document ids,
    undefined figures, and no documents at all."""
    from annotator.agreement import report_json_text
    from annotator.model import Span

    def same(report):
        assert report_json_text(report) == json.dumps(report_to_json(report), ensure_ascii=False, indent=2)

    path = build(tmp_path / "p.annotator.db", n_docs=12, seed=5)
    with Store(path) as store:
        layers, lengths = agreement_inputs(store)
    same(compute_agreement(layers, lengths))
    same(compute_agreement({}, {}))
    odd = {'d "ü"\n\\': {"a": [Span(0, 3, "X")], "b": [Span(0, 3, "X")]}, 7: {"a": [], "b": []},
           None: {"a": [Span(1, 2, "Y")]}, ("t", 1): {"a": [Span(0, 1, "X")], "b": []}}
    lengths = {doc: 10 for doc in odd}
    same(compute_agreement(odd, lengths))  # a tuple id: the standard library writes it all
    del odd[("t", 1)]
    same(compute_agreement(odd, lengths))
