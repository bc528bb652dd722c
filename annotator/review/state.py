"""What the review of one document reads: item states, the reviewers' spans and claims, and
the decisions stored for it (``load_state``)."""

from __future__ import annotations

import gc
import hashlib
import json
import re
from contextlib import contextmanager
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..model import CLAIM, GOLD
from ..store import Store

# Item states, as INCEpTION colours them.
AGREED = "agreed"  # every reviewer agrees, not yet accepted
DISAGREEMENT = "disagreement"
INCOMPLETE = "incomplete"  # only "missing": some reviewers have nothing there
ACCEPTED = "accepted"
REJECTED = "rejected"
DECIDED_STATES = (ACCEPTED, REJECTED)

UNANIMOUS, ADJUDICATED, EDITED = "unanimous", "adjudicated", "edited"

Tup = tuple[int, int, str]  # (start, end, label)


def _tier(label: str) -> str:
    return "statement" if label == CLAIM else "span"


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()[:20]


_KEY_EXTENT = re.compile(r"^(\w+):(\d+)-(\d+)")


def key_extent(key: str) -> tuple[str, int, int] | None:
    """(prefix, start, end) of an item key, or None for a key this version did not write."""
    m = _KEY_EXTENT.match(key)
    return (m.group(1), int(m.group(2)), int(m.group(3))) if m else None


# -- reading what the reviewers did -------------------------------------------------------------


class RSpan(NamedTuple):
    """One reviewer's (or gold's) span. A named tuple, not a frozen dataclass: a long document's
    review reads tens of thousands, and a frozen dataclass takes several times longer to make."""

    annotator: str
    id: int
    start: int
    end: int
    label: str

    @property
    def tup(self) -> Tup:
        return (self.start, self.end, self.label)


@dataclass(frozen=True)
class RClaim:
    annotator: str
    id: int
    statement: Tup
    members: tuple[Tup, ...]  # sorted
    note: str = ""

    @property
    def shape(self) -> tuple[Tup, tuple[Tup, ...]]:
        return (self.statement, self.members)


@dataclass
class ReviewItem:
    doc_id: str
    key: str
    kind: str  # "span" or "claim"
    start: int
    end: int
    reviewers: tuple[str, ...]  # every reviewer with a layer on the document, numbered 1.. in this order
    spans: tuple[RSpan, ...] = ()
    claims: tuple[RClaim, ...] = ()
    kinds: frozenset[str] = frozenset()
    basis: str = ""
    state: str = DISAGREEMENT
    changed: bool = False  # decided once, but the reviewers' spans changed since
    decided_by: str | None = None
    decided_at: str | None = None

    @property
    def is_open(self) -> bool:
        return self.state not in DECIDED_STATES

    def version(self, reviewer: str) -> tuple:
        """Reviewer's version: sorted span tuples (span item) or claim shapes (claim item)."""
        if self.kind == "claim":
            return tuple(sorted(c.shape for c in self.claims if c.annotator == reviewer))
        return tuple(sorted({s.tup for s in self.spans if s.annotator == reviewer}))

    def versions(self) -> dict[str, tuple]:
        return {r: self.version(r) for r in self.reviewers}

    def distinct_versions(self) -> list[tuple]:
        seen: list[tuple] = []
        for r in self.reviewers:
            v = self.version(r)
            if v and v not in seen:
                seen.append(v)
        return seen

    @property
    def kind_text(self) -> str:
        return "+".join(k for k in ("agree", "label", "boundary", "members", "missing") if k in self.kinds)


@dataclass
class DocState:
    """Everything the review of one document reads, loaded with a handful of queries."""

    doc_id: str
    text: str
    reviewers: tuple[str, ...]
    spans: list[RSpan]
    claims: list[RClaim]
    gold: list[RSpan]
    decided: dict[str, tuple[str, str, str, str]]  # key -> (state, basis, decided_by, decided_at)
    has_gold_layer: bool
    gold_claims: list[tuple[int, int, int]] = field(default_factory=list)  # (claim id, statement start, end)
    _holders: dict[Tup, list[str]] | None = field(default=None, repr=False)

    def holders(self, tup: Tup) -> list[str]:
        """Reviewers whose layer has exactly this span (the provenance ``sources``)."""
        if self._holders is None:
            index: dict[Tup, set[str]] = defaultdict(set)
            for s in self.spans:
                index[s.tup].add(s.annotator)
            self._holders = {t: sorted(a) for t, a in index.items()}
        return self._holders.get(tup, [])


@contextmanager
def gc_paused():
    """No cyclic garbage collection inside: reading and grouping a long document's spans makes
    tens of thousands of small objects, none of them garbage, and the collector would walk them
    all again and again (a third of the time of opening a 10,000-span document for review)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_state(store: Store, doc_id: str) -> DocState:
    with gc_paused():
        return _load_state(store, doc_id)


def _load_state(store: Store, doc_id: str) -> DocState:
    text = store.document(doc_id).text
    layer_names = [a for _d, a, _done in store.layers(doc_id)]
    reviewers = tuple(sorted(a for a in layer_names if a != GOLD))
    everyone = list(map(RSpan._make, store.db.execute(
        'SELECT annotator, id, start, "end", label FROM spans WHERE doc_id = ? ORDER BY start, "end", label, id',
        (doc_id,),
    )))
    # Comprehensions, not one loop appending to three places: 40,000 spans in a long document.
    by_id: dict[int, RSpan] = {span[1]: span for span in everyone}
    spans: list[RSpan] = [span for span in everyone if span[0] != GOLD]
    gold: list[RSpan] = [span for span in everyone if span[0] == GOLD] if len(spans) < len(everyone) else []
    members: dict[int, list[int]] = defaultdict(list)
    for claim_id, span_id in store.db.execute(
        "SELECT m.claim_id, m.span_id FROM claim_members m JOIN claims c ON c.id = m.claim_id WHERE c.doc_id = ?",
        (doc_id,),
    ):
        members[claim_id].append(span_id)
    claims: list[RClaim] = []
    for claim_id, a, span_id, note in store.db.execute(
        "SELECT id, annotator, span_id, note FROM claims WHERE doc_id = ? AND annotator != ? ORDER BY id", (doc_id, GOLD)
    ):
        statement = by_id.get(span_id)
        if statement is None:  # a claim with no statement cannot be matched by its statement
            continue
        tups = tuple(sorted(by_id[m].tup for m in members.get(claim_id, ()) if m in by_id))
        claims.append(RClaim(a, claim_id, statement.tup, tups, note))
    decided = {
        key: (state, basis, by, at)
        for key, state, basis, by, at in store.db.execute(
            "SELECT item_key, state, basis, decided_by, decided_at FROM review_items WHERE doc_id = ?", (doc_id,)
        )
    }
    gold_claims = [
        (claim_id, by_id[span_id].start, by_id[span_id].end)
        for claim_id, span_id in store.db.execute(
            "SELECT id, span_id FROM claims WHERE doc_id = ? AND annotator = ?", (doc_id, GOLD)
        )
        if span_id in by_id
    ]
    return DocState(doc_id, text, reviewers, spans, claims, gold, decided, GOLD in layer_names, gold_claims)


def reload_gold(store: Store, state: DocState) -> DocState:
    """``state`` with its gold layer and decisions read again, the reviewers' layers kept: what a
    decision changes, without reading every reviewer's span again."""
    doc_id = state.doc_id
    db = store.db
    gold = [
        RSpan(GOLD, i, s, e, lab)
        for i, s, e, lab in db.execute(
            'SELECT id, start, "end", label FROM spans WHERE doc_id = ? AND annotator = ? ORDER BY start, "end", label, id',
            (doc_id, GOLD),
        )
    ]
    by_id = {g.id: g for g in gold}
    decided = {
        key: (st, basis, by, at)
        for key, st, basis, by, at in db.execute(
            "SELECT item_key, state, basis, decided_by, decided_at FROM review_items WHERE doc_id = ?", (doc_id,)
        )
    }
    gold_claims = [
        (claim_id, by_id[span_id].start, by_id[span_id].end)
        for claim_id, span_id in db.execute("SELECT id, span_id FROM claims WHERE doc_id = ? AND annotator = ?", (doc_id, GOLD))
        if span_id in by_id
    ]
    has_gold = db.execute("SELECT 1 FROM layers WHERE doc_id = ? AND annotator = ?", (doc_id, GOLD)).fetchone() is not None
    return DocState(doc_id, state.text, state.reviewers, state.spans, state.claims, gold, decided, has_gold, gold_claims)
