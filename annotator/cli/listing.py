"""``docs``: what a project holds."""

from __future__ import annotations

from typing import NamedTuple

import click
import orjson

from ..model import GOLD
from ..store import Store
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
        rows = listing(store, reviewer)
    if as_json:
        _print_json([
            {
                "id": r.id, "title": r.title, "length": r.length, "annotator": reviewer,
                "spans": r.spans, "claims": r.claims, "done": r.done, "layers": r.layers,
                # Adjudication applies where two or more reviewers worked; elsewhere it is not "done".
                "review": {"decided": r.decided, "total": r.total, "done": r.reviewers >= 2 and r.decided == r.total},
            }
            for r in rows
        ])
        return
    click.echo(f"{'id':<28} {'spans':>6} {'claims':>6} {'done':>5} {'adjudicated':>11}  title   (reviewer: {reviewer})")
    for r in rows:
        title = r.title if len(r.title) <= 60 else r.title[:59] + "…"
        review = f"{r.decided} of {r.total}" if r.total else ""
        click.echo(f"{r.id:<28} {r.spans:>6} {r.claims:>6} {'yes' if r.done else '':>5} {review:>11}  {title}")


class Row(NamedTuple):
    id: str
    title: str
    length: int
    spans: int  # the reviewer's
    claims: int
    done: bool
    layers: list[dict]  # every layer of the document: {"annotator", "done"}, by name
    reviewers: int  # layers other than gold
    decided: int  # review items decided, of
    total: int


def listing(store: Store, reviewer: str) -> list[Row]:
    """Every document in list order with ``reviewer``'s counts, its layers and its review progress,
    read set-wise: five queries, each one scan of an index (no text is read, no query per document);
    review items are worked out only where two or more reviewers worked or decisions are stored.

    ``documents.length`` lies after the text in the row, so it comes from the ``(id, length)``
    index and titles from the ``(position, id, title)`` one: read from the rows, it walked every
    text's overflow pages (the whole file)."""
    db = store.db
    lengths = dict(db.execute("SELECT id, length FROM documents INDEXED BY documents_length"))
    # The reviewer's spans, and every reviewer's but gold's (with one reviewer, each is an item).
    spans = {d: (mine, items) for d, mine, items in db.execute(
        "SELECT doc_id, sum(annotator = ?), sum(annotator != ?) FROM spans GROUP BY doc_id", (reviewer, GOLD))}
    # The reviewer's claims, and reviewer claims (not gold's) whose statement is a span of their
    # document (with one reviewer, each is an item too).
    claims = {d: (mine, items) for d, mine, items in db.execute(
        "SELECT c.doc_id, sum(c.annotator = ?), sum(c.annotator != ? AND s.id IS NOT NULL) FROM claims c"
        " LEFT JOIN spans s ON s.id = c.span_id AND s.doc_id = c.doc_id GROUP BY c.doc_id", (reviewer, GOLD))}
    layers: dict[str, list[dict]] = {}
    reviewers: dict[str, int] = {}
    done: dict[str, bool] = {}
    for doc_id, name, is_done in db.execute("SELECT doc_id, annotator, done FROM layers ORDER BY doc_id, annotator"):
        found = layers.get(doc_id)
        if found is None:
            found = layers[doc_id] = []
            reviewers[doc_id] = 0
        found.append({"annotator": name, "done": bool(is_done)})
        if name != GOLD:
            reviewers[doc_id] += 1
        if name == reviewer:
            done[doc_id] = bool(is_done)
    progress = _review_progress(store, [d for d, n in reviewers.items() if n >= 2])
    none = (0, 0)
    rows = []
    for doc_id, title in db.execute("SELECT id, title FROM documents INDEXED BY documents_list ORDER BY position"):
        my_spans, span_items = spans.get(doc_id, none)
        my_claims, claim_items = claims.get(doc_id, none)
        decided, total = progress.get(doc_id) or (0, span_items + claim_items)
        rows.append(Row(doc_id, title, lengths[doc_id], my_spans, my_claims, done.get(doc_id, False),
                        layers.get(doc_id, []), reviewers.get(doc_id, 0), decided, total))
    return rows


def _review_progress(store: Store, multi: list[str]) -> dict[str, tuple[int, int]]:
    """(decided, total) review items, as ``review.review_progress`` counts them, of the documents two
    or more reviewers worked on and of those with decisions stored; ``listing`` counts the others
    from its own reads. With one reviewer no span or claim is matched with another's: every span
    of the reviewer layers is an item of its own, and so is every claim whose statement is a span
    of the document (the gold layer's are not items), and with no decision stored none is decided."""
    wanted = set(multi) | {row[0] for row in store.db.execute("SELECT DISTINCT doc_id FROM review_items")}
    if not wanted:
        return {}
    from ..review import review_progress, review_progress_many  # imported only when needed: 0.1-0.2 s

    if len(wanted) > 200:  # set-wise reads of the whole project pay off over many documents
        return review_progress_many(store, sorted(wanted))
    return {doc_id: review_progress(store, doc_id) for doc_id in wanted}


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
