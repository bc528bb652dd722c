"""``annotator docs`` reads the whole project set-wise (issue 10): its counts, layers and review
progress must be what the per-document reads give, for every reviewer asked about."""

from __future__ import annotations

import json

from click.testing import CliRunner

from annotator import review
from annotator.cli import cli
from annotator.cli.listing import listing
from annotator.edits import AddSpan


def _tag(store, doc_id, who, start, end, label="ENTITY", claim=False):
    return AddSpan(doc_id, who, start, end, label, new_claim=claim).apply(store)


def _expected(store, reviewer):
    rows = []
    for summary in store.document_summaries(reviewer):
        layers = [{"annotator": a, "done": done} for _d, a, done in store.layers(summary.id)]
        reviewers = sum(1 for layer in layers if layer["annotator"] != "gold")
        rows.append((summary.id, summary.title, summary.length, summary.spans, summary.claims, summary.done,
                     layers, reviewers, *review.review_progress(store, summary.id)))
    return rows


def test_the_listing_is_what_the_per_document_reads_give(seeded_store, tmp_path):
    store = seeded_store
    first, second = store.document_ids()
    # First document: three reviewers, spans that agree and differ, claims; then decisions.
    for who in ("alice", "bob", "carol"):
        _tag(store, first, who, 0, 5)
        _tag(store, first, who, 10, 40, "CLAIM", claim=True)
    _tag(store, first, "bob", 50, 60)
    _tag(store, first, "carol", 50, 58, "SPEAKER")
    review.AcceptAgreed(first, "lead").apply(store)
    # Second document: one reviewer with spans and a claim, marked done; a stray gold layer.
    _tag(store, second, "alice", 0, 4)
    _tag(store, second, "alice", 5, 30, "CLAIM", claim=True)
    store.set_done(second, "alice", True)
    _tag(store, second, "gold", 0, 4)
    assert any(r[-2] for r in _expected(store, "lead")), "a decision is stored"
    for reviewer in ("alice", "bob", "lead", "gold", "nobody"):
        assert [tuple(r) for r in listing(store, reviewer)] == _expected(store, reviewer), reviewer

    path = str(store.path)
    out = CliRunner().invoke(cli, ["docs", "--db", path, "--annotator", "alice", "--json"])
    assert out.exit_code == 0, out.output
    shown = json.loads(out.output)
    assert [(d["id"], d["spans"], d["claims"], d["done"]) for d in shown] == [(first, 2, 1, False), (second, 2, 1, True)]
    decided, total = review.review_progress(store, first)
    assert shown[0]["review"] == {"decided": decided, "total": total, "done": decided == total}
    assert shown[1]["review"] == {"decided": 0, "total": 3, "done": False}  # one reviewer: never "done"
    assert [layer["annotator"] for layer in shown[1]["layers"]] == ["alice", "gold"]
