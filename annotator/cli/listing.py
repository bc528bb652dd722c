"""``docs``: what a project holds."""

from __future__ import annotations

from collections import defaultdict

import click
import orjson

from ..model import GOLD
from ..store import DocumentSummary, Store
from . import default_reviewer
from .options import json_option, open_for_reading, project_option
from .report import print_json


@click.command()
@project_option(writes=False)
@click.option("--annotator", default=None, help="Count this reviewer's layer (default: your login name).")
@json_option("the list")
def docs(db: str | None, annotator: str | None, as_json: bool) -> None:
    """List the project's documents with their span and claim counts."""
    reviewer = annotator or default_reviewer()
    with open_for_reading(db) as store:
        rows = summaries(store, reviewer)
        by_doc: dict[str, list[dict]] = defaultdict(list)
        for doc_id, name, done in store.layers():
            by_doc[doc_id].append({"annotator": name, "done": done})
        reviewed = review_counts(store, by_doc)
    if as_json:
        _print_json([
            {
                "id": r.id, "title": r.title, "length": r.length, "annotator": reviewer,
                "spans": r.spans, "claims": r.claims, "done": r.done, "layers": by_doc.get(r.id, []),
                # Adjudication applies where two or more reviewers worked; elsewhere it is not "done".
                "review": {"decided": reviewed[r.id][0], "total": reviewed[r.id][1],
                           "done": _reviewers(by_doc.get(r.id, [])) >= 2 and reviewed[r.id][0] == reviewed[r.id][1]},
            }
            for r in rows
        ])
        return
    click.echo(f"{'id':<28} {'spans':>6} {'claims':>6} {'done':>5} {'adjudicated':>11}  title   (reviewer: {reviewer})")
    for r in rows:
        title = r.title if len(r.title) <= 60 else r.title[:59] + "…"
        decided, total = reviewed[r.id]
        review = f"{decided} of {total}" if total else ""
        click.echo(f"{r.id:<28} {r.spans:>6} {r.claims:>6} {'yes' if r.done else '':>5} {review:>11}  {title}")


def summaries(store: Store, reviewer: str) -> list[DocumentSummary]:
    """``store.document_summaries(reviewer)`` in four set-wise queries (counts grouped once, not
    three correlated look-ups per document)."""
    spans = dict(store.db.execute(
        "SELECT doc_id, count(*) FROM spans WHERE annotator = ? GROUP BY doc_id", (reviewer,)).fetchall())
    claims = dict(store.db.execute(
        "SELECT doc_id, count(*) FROM claims WHERE annotator = ? GROUP BY doc_id", (reviewer,)).fetchall())
    done = dict(store.db.execute("SELECT doc_id, done FROM layers WHERE annotator = ?", (reviewer,)).fetchall())
    return [
        DocumentSummary(i, t, n, spans.get(i, 0), claims.get(i, 0), bool(done.get(i, 0)))
        for i, t, n in store.db.execute("SELECT id, title, length FROM documents ORDER BY position")
    ]


def review_counts(store: Store, by_doc: dict[str, list[dict]]) -> dict[str, tuple[int, int]]:
    """(decided, total) review items per document, as ``review.review_progress`` counts them.

    Only documents with two or more reviewer layers (or decisions stored) need the review items
    computed. With one reviewer no span or claim is matched with another's: every span of the
    reviewer layers is an item of its own, and so is every claim whose statement is a span of the
    document (the gold layer's are not items), and with no decision stored none is decided.
    """
    decided_docs = {row[0] for row in store.db.execute("SELECT DISTINCT doc_id FROM review_items")}
    spans = dict(store.db.execute(
        "SELECT doc_id, count(*) FROM spans WHERE annotator != ? GROUP BY doc_id", (GOLD,)).fetchall())
    claims = dict(store.db.execute(
        "SELECT c.doc_id, count(*) FROM claims c JOIN spans s ON s.id = c.span_id AND s.doc_id = c.doc_id"
        " WHERE c.annotator != ? GROUP BY c.doc_id", (GOLD,)).fetchall())
    counts: dict[str, tuple[int, int]] = {}
    for (doc_id,) in store.db.execute("SELECT id FROM documents"):
        if _reviewers(by_doc.get(doc_id, [])) >= 2 or doc_id in decided_docs:
            from ..review import review_progress  # imported only when needed: 0.1-0.2 s of start-up

            counts[doc_id] = review_progress(store, doc_id)
        else:
            counts[doc_id] = (0, spans.get(doc_id, 0) + claims.get(doc_id, 0))
    return counts


def _print_json(payload: list[dict]) -> None:
    """``print_json``'s output, byte for byte (two-space indent, text unescaped), encoded by orjson:
    the standard library's indenting encoder is pure Python, most of the command's time at
    100,000 documents. The payload holds only strings, integers, booleans, lists and objects."""
    try:
        text = orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:
        print_json(payload)
        return
    click.echo(text)


def _reviewers(layers: list[dict]) -> int:
    return sum(1 for layer in layers if layer["annotator"] != GOLD)
