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
