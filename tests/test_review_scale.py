"""Review items and progress on a seeded multi-reviewer project are what the code before the
rewrite computed (tests/fixtures/scale/), and the cheap progress agrees with the full one."""

from __future__ import annotations

import json

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
