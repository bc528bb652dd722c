"""Review items and progress on a seeded multi-reviewer project are what the code before the
rewrite computed (tests/fixtures/scale/), and the cheap progress agrees with the full one."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator import review
from annotator.store import Store

from .conftest import FIXTURES_DIR
from .scale_project import build

ITEMS = json.loads((FIXTURES_DIR / "scale" / "review_items_before.json").read_text())
PROGRESS = json.loads((FIXTURES_DIR / "scale" / "review_progress_before.json").read_text())


def _reviewed(tmp_path):
    path = build(tmp_path / "p.annotator.db")
    store = Store(path)
    for doc_id in store.document_ids()[::3]:  # as when the fixtures were saved
        review.AcceptAgreed(doc_id, "lead").apply(store)
    return store


def test_review_items_and_progress_are_unchanged(tmp_path):
    with _reviewed(tmp_path) as store:
        items = {
            doc_id: [[it.key, it.kind, it.start, it.end, sorted(it.kinds), it.basis, it.state, it.changed,
                      list(it.reviewers)] for it in review.review_items(store, doc_id)]
            for doc_id in store.document_ids()
        }
        assert items == ITEMS
        progress = {d: list(review.review_progress(store, d)) for d in store.document_ids()}
        assert progress == PROGRESS
        assert {d: list(p) for d, p in review.review_progress_many(store).items()} == PROGRESS


def test_cheap_progress_equals_counting_the_items(tmp_path):
    with _reviewed(tmp_path) as store:
        for doc_id in store.document_ids():
            items = review.review_items(store, doc_id)
            expected = (sum(not item.is_open for item in items), len(items))
            assert review.review_progress(store, doc_id) == expected
        # a decision on an undecided document moves it off the cheap path, and the count follows
        doc_id = next(d for d in store.document_ids()
                      if review.review_progress(store, d)[0] == 0 and review.review_progress(store, d)[1])
        item = review.review_items(store, doc_id)[0]
        review.Reject(doc_id, item.key, "lead").apply(store)
        assert review.review_progress(store, doc_id)[0] == 1
        assert review.review_progress_many(store, [doc_id]) == {doc_id: review.review_progress(store, doc_id)}


def _reference_components(n, starts, ends, owners, joinable):
    """Components by the definition: an edge between overlapping spans of different owners that
    ``joinable`` accepts (None: always), found by a search from each index in turn."""
    seen, groups = set(), []
    for root in range(n):
        if root in seen:
            continue
        seen.add(root)
        group, todo = [], [root]
        while todo:
            i = todo.pop()
            group.append(i)
            for j in range(n):
                if (j not in seen and owners[i] != owners[j] and starts[i] < ends[j] and starts[j] < ends[i]
                        and (joinable is None or joinable(i, j))):
                    seen.add(j)
                    todo.append(j)
        groups.append(sorted(group))
    return groups


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 6), st.sampled_from("abc"), st.booleans()),
                max_size=25),
       st.booleans(), st.booleans())
def test_components_equal_the_definition(rows, in_order, always):
    """The runs (one span; one extent from several owners; anything else swept) give the
    components of the plain definition, in the same order, sorted input or not."""
    from annotator.review.items import _components

    spans = [(s, s + length, owner, tier) for s, length, owner, tier in rows]
    if in_order:
        spans.sort()
    starts = [s for s, _e, _o, _t in spans]
    ends = [e for _s, e, _o, _t in spans]
    owners = [o for _s, _e, o, _t in spans]
    tiers = [t for _s, _e, _o, t in spans]
    joinable = None if always else (
        lambda i, j: tiers[i] == tiers[j] or (starts[i] == starts[j] and ends[i] == ends[j]))
    assert _components(len(spans), starts, ends, owners, joinable) == _reference_components(
        len(spans), starts, ends, owners, joinable)
