"""How far the review of a document is: (decided, total) items, cheaply.

The document list asks for it for every row on screen, and ``annotator docs`` for every document.
Until the lead decides something on a document, no item is decided and the total is the number of
items, which is the number of connected groups of the reviewers' spans and claims: those are
counted from a light read (offsets, labels, owners), without building items, their kinds or their
digests. A document with decisions is worked out in full, as the review view does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..model import GOLD
from ..store import Store
from .items import _components, review_items
from .state import _tier


def _span_groups(rows: list[tuple[str, int, int, str]]) -> int:
    if not rows:
        return 0
    tiers = [_tier(label) for _a, _s, _e, label in rows]
    starts = [s for _a, s, _e, _l in rows]
    ends = [e for _a, _s, e, _l in rows]
    return len(_components(
        len(rows), starts, ends, [a for a, _s, _e, _l in rows],
        lambda i, j: tiers[i] == tiers[j] or (starts[i] == starts[j] and ends[i] == ends[j]),
    ))


def _claim_groups(rows: list[tuple[str, int, int]]) -> int:
    if not rows:
        return 0
    return len(_components(len(rows), [s for _a, s, _e in rows], [e for _a, _s, e in rows],
                           [a for a, _s, _e in rows], None))


def _full(store: Store, doc_id: str) -> tuple[int, int]:
    items = review_items(store, doc_id)
    return sum(not item.is_open for item in items), len(items)


def review_progress(store: Store, doc_id: str) -> tuple[int, int]:
    """(decided, total) items of the document: "adjudicated k of n items"; done when k == n."""
    db = store.db
    if db.execute("SELECT 1 FROM review_items WHERE doc_id = ? LIMIT 1", (doc_id,)).fetchone():
        return _full(store, doc_id)
    spans = db.execute(
        'SELECT annotator, start, "end", label FROM spans WHERE doc_id = ? AND annotator != ?', (doc_id, GOLD)
    ).fetchall()
    claims = db.execute(
        'SELECT c.annotator, s.start, s."end" FROM claims c JOIN spans s ON s.id = c.span_id'
        " WHERE c.doc_id = ? AND c.annotator != ?", (doc_id, GOLD)
    ).fetchall()
    return 0, _span_groups(spans) + _claim_groups(claims)


def review_progress_many(store: Store, doc_ids: Iterable[str] | None = None) -> dict[str, tuple[int, int]]:
    """``review_progress`` of many documents (default: all), read set-wise: three queries for the
    documents no decision was made on, instead of several per document."""
    db = store.db
    wanted = list(doc_ids) if doc_ids is not None else store.document_ids()
    chosen = set(wanted)
    decided_docs = {d for (d,) in db.execute("SELECT DISTINCT doc_id FROM review_items")}
    spans: dict[str, list] = defaultdict(list)
    for doc_id, *row in db.execute('SELECT doc_id, annotator, start, "end", label FROM spans WHERE annotator != ?', (GOLD,)):
        if doc_id in chosen and doc_id not in decided_docs:
            spans[doc_id].append(tuple(row))
    claims: dict[str, list] = defaultdict(list)
    for doc_id, *row in db.execute(
        'SELECT c.doc_id, c.annotator, s.start, s."end" FROM claims c JOIN spans s ON s.id = c.span_id WHERE c.annotator != ?',
        (GOLD,),
    ):
        if doc_id in chosen and doc_id not in decided_docs:
            claims[doc_id].append(tuple(row))
    return {
        d: _full(store, d) if d in decided_docs else (0, _span_groups(spans.get(d, [])) + _claim_groups(claims.get(d, [])))
        for d in wanted
    }
