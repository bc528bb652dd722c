"""Disagreement review: diff the reviewers' layers of a document and adjudicate into gold.

Items
    A *span item* is a connected group of spans from different reviewers: two spans of different
    reviewers are joined when they overlap and sit in the same tier (statements, i.e. CLAIM spans,
    form one tier and SPEAKER/FIGURE/ENTITY spans another, so an ENTITY inside a CLAIM is nesting,
    not a disagreement), or when they have exactly the same offsets (a CLAIM/ENTITY label clash).
    Spans of one reviewer are never joined directly, only through another reviewer's spans.
    Its kinds are ``agree`` (every reviewer with a layer on the document has the same spans there)
    or a set of ``label`` (same offsets, different label), ``boundary`` (same label, overlapping,
    different offsets; both when both differ) and ``missing`` (a reviewer has nothing there).

    A *claim item* groups reviewers' claims whose statement spans overlap. Its kinds are
    ``agree``, ``boundary`` (the statements differ), ``members`` (same statement, different
    members) and ``missing``.

    An item's key is its extent (min start, max end) with a tier prefix, stable while its content
    is unchanged; its basis is a digest of the sorted (annotator, start, end, label) tuples (and
    the claims' members for a claim item). A decision is stored in ``review_items`` with the basis;
    when the recomputed basis differs (or the key moved because the extent changed), the item is
    open again and flagged ``changed``. Gold spans made earlier are kept until the lead decides again.

Decisions
    Plain values like ``annotator.edits``: ``apply(store)`` makes the change in one transaction and
    returns the edit that undoes it (always a :class:`GoldSwap` holding exact rows and ids, so a redo
    puts back the same ids). Gold spans and claims are ordinary rows under the annotator ``gold``;
    their provenance lives in ``gold_provenance`` / ``gold_claim_provenance``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

from .errors import EditError
from .model import CLAIM, GOLD, AnnotatedDocument
from .store import Store, now

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


@dataclass(frozen=True)
class RSpan:
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


def load_state(store: Store, doc_id: str) -> DocState:
    text = store.document(doc_id).text
    layer_names = [a for _d, a, _done in store.layers(doc_id)]
    reviewers = tuple(sorted(a for a in layer_names if a != GOLD))
    spans: list[RSpan] = []
    gold: list[RSpan] = []
    by_id: dict[int, RSpan] = {}
    for i, a, s, e, lab in store.db.execute(
        'SELECT id, annotator, start, "end", label FROM spans WHERE doc_id = ? ORDER BY start, "end", label, id',
        (doc_id,),
    ):
        span = RSpan(a, i, s, e, lab)
        by_id[i] = span
        (gold if a == GOLD else spans).append(span)
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


# -- items --------------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def _components(n: int, starts: list[int], ends: list[int], owners: list[str], joinable) -> list[list[int]]:
    """Connected components of the overlap graph (edges only between different owners)."""
    uf = _UnionFind(n)
    active: list[int] = []
    for i in sorted(range(n), key=lambda k: (starts[k], ends[k])):
        s = starts[i]
        active = [j for j in active if ends[j] > s]
        for j in active:
            if owners[j] != owners[i] and joinable(i, j):
                uf.union(i, j)
        active.append(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[uf.find(i)].append(i)
    return list(groups.values())


def _span_kinds(reviewers: tuple[str, ...], versions: dict[str, frozenset[Tup]]) -> frozenset[str]:
    values = [versions[r] for r in reviewers]
    if values and all(v == values[0] for v in values) and values[0]:
        return frozenset({"agree"})
    kinds: set[str] = set()
    for a in reviewers:
        for b in reviewers:
            if a == b:
                continue
            only_b = versions[b] - versions[a]
            for s in versions[a] - versions[b]:
                if any(t[:2] == s[:2] for t in only_b):
                    kinds.add("label")
                elif any(t[2] == s[2] and _overlap(s, t) for t in only_b):
                    kinds.add("boundary")
                elif any(_overlap(s, t) for t in only_b):
                    kinds.update(("label", "boundary"))
                else:
                    kinds.add("missing")
    return frozenset(kinds)


def _claim_kinds(reviewers: tuple[str, ...], versions: dict[str, frozenset]) -> frozenset[str]:
    values = [versions[r] for r in reviewers]
    if values and all(v == values[0] for v in values) and values[0]:
        return frozenset({"agree"})
    kinds: set[str] = set()
    for a in reviewers:
        for b in reviewers:
            if a == b:
                continue
            only_b = versions[b] - versions[a]
            for statement, members in versions[a] - versions[b]:
                if any(t[0] == statement for t in only_b):
                    kinds.add("members")
                elif any(_overlap(statement, t[0]) for t in only_b):
                    kinds.add("boundary")
                    if not any(_overlap(statement, t[0]) and t[1] == members for t in only_b):
                        kinds.add("members")
                else:
                    kinds.add("missing")
    return frozenset(kinds)


def _base_state(kinds: frozenset[str]) -> str:
    if kinds == {"agree"}:
        return AGREED
    if kinds == {"missing"}:
        return INCOMPLETE
    return DISAGREEMENT


def compute_items(state: DocState) -> list[ReviewItem]:
    reviewers = state.reviewers
    items: list[ReviewItem] = []

    spans = state.spans
    if spans:
        by_offsets: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, s in enumerate(spans):
            by_offsets[(s.start, s.end)].append(i)
        tiers = [_tier(s.label) for s in spans]
        groups = _components(
            len(spans), [s.start for s in spans], [s.end for s in spans], [s.annotator for s in spans],
            lambda i, j: tiers[i] == tiers[j] or (spans[i].start == spans[j].start and spans[i].end == spans[j].end),
        )
        for group in groups:
            members = [spans[i] for i in group]
            versions = {r: frozenset(s.tup for s in members if s.annotator == r) for r in reviewers}
            group_tiers = {tiers[i] for i in group}
            prefix = "spans" if group_tiers == {"span"} else "statements" if group_tiers == {"statement"} else "mixed"
            items.append(_make_item(state, "span", prefix, members, (), _span_kinds(reviewers, versions),
                                    sorted((s.annotator, s.start, s.end, s.label) for s in members)))

    claims = state.claims
    if claims:
        groups = _components(
            len(claims), [c.statement[0] for c in claims], [c.statement[1] for c in claims],
            [c.annotator for c in claims], lambda i, j: True,
        )
        for group in groups:
            members = [claims[i] for i in group]
            versions = {r: frozenset(c.shape for c in members if c.annotator == r) for r in reviewers}
            basis = sorted([c.annotator, list(c.statement), [list(m) for m in c.members]] for c in members)
            items.append(_make_item(state, "claim", "claims", (), members, _claim_kinds(reviewers, versions), basis))

    items.sort(key=lambda it: (it.start, -it.end, it.kind, it.key))
    seen: dict[str, int] = {}
    for item in items:  # the same extent twice (one reviewer alone, twice): keep keys unique
        n = seen.get(item.key, 0)
        seen[item.key] = n + 1
        if n:
            item.key = f"{item.key}#{n + 1}"
    _decide_states(state, items)
    return items


def _make_item(state: DocState, kind: str, prefix: str, spans, claims, kinds, basis_payload) -> ReviewItem:
    if kind == "span":
        start, end = min(s.start for s in spans), max(s.end for s in spans)
    else:
        start, end = min(c.statement[0] for c in claims), max(c.statement[1] for c in claims)
    return ReviewItem(
        doc_id=state.doc_id, key=f"{prefix}:{start}-{end}", kind=kind, start=start, end=end,
        reviewers=state.reviewers, spans=tuple(spans), claims=tuple(claims), kinds=kinds,
        basis=_digest(basis_payload),
    )


def _decide_states(state: DocState, items: list[ReviewItem]) -> None:
    keys = {item.key for item in items}
    orphans: list[tuple[str, int, int]] = []  # decisions whose item is gone (its extent changed)
    for key in state.decided:
        if key not in keys:
            extent = key_extent(key)
            if extent:
                orphans.append(extent)
    for item in items:
        row = state.decided.get(item.key)
        if row is not None and row[1] == item.basis:
            item.state, item.decided_by, item.decided_at = row[0], row[2], row[3]
            continue
        item.state = _base_state(item.kinds)
        item.changed = row is not None or any(
            (p == "claims") == (item.kind == "claim") and s < item.end and item.start < e for p, s, e in orphans
        )


def review_items(store: Store, doc_id: str) -> list[ReviewItem]:
    return compute_items(load_state(store, doc_id))


def review_progress(store: Store, doc_id: str) -> tuple[int, int]:
    """(decided, total) items of the document: "adjudicated k of n items"; done when k == n."""
    items = review_items(store, doc_id)
    return sum(not item.is_open for item in items), len(items)


def needs_auto_accept(store: Store, doc_id: str) -> bool:
    """True until the document was first opened for review (its gold layer exists from then on)."""
    return not store.db.execute(
        "SELECT 1 FROM layers WHERE doc_id = ? AND annotator = ?", (doc_id, GOLD)
    ).fetchone()


# -- the gold layer and its provenance ----------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    sources: tuple[str, ...]
    decision: str  # unanimous | adjudicated | edited
    decided_by: str
    decided_at: str
    item_key: str | None = None

    def as_attrs(self) -> dict[str, Any]:
        return {"sources": list(self.sources), "decision": self.decision,
                "decided_by": self.decided_by, "decided_at": self.decided_at}


def span_provenance(store: Store, span_id: int) -> Provenance | None:
    """A gold span's provenance: its gold_provenance row, or (imported gold) what its attrs say."""
    row = store.db.execute(
        "SELECT sources, decision, decided_by, decided_at, item_key FROM gold_provenance WHERE span_id = ?", (span_id,)
    ).fetchone()
    if row is not None:
        return Provenance(tuple(json.loads(row[0])), row[1], row[2], row[3], row[4])
    attrs_row = store.db.execute("SELECT attrs FROM spans WHERE id = ?", (span_id,)).fetchone()
    if attrs_row is None:
        return None
    attrs = json.loads(attrs_row[0])
    if "decision" not in attrs and "sources" not in attrs:
        return None
    return Provenance(tuple(attrs.get("sources") or ()), str(attrs.get("decision", "")),
                      str(attrs.get("decided_by", "")), str(attrs.get("decided_at", "")))


def claim_provenance(store: Store, claim_id: int) -> Provenance | None:
    row = store.db.execute(
        "SELECT sources, decision, decided_by, decided_at FROM gold_claim_provenance WHERE claim_id = ?", (claim_id,)
    ).fetchone()
    return Provenance(tuple(json.loads(row[0])), row[1], row[2], row[3]) if row else None


def gold_export_items(store: Store, doc_ids: Iterable[str] | None = None) -> Iterator[AnnotatedDocument]:
    """The gold layer of each document, each span's attrs carrying its provenance
    (``sources``, ``decision``, ``decided_by``, ``decided_at``).

    The native JSONL writer moves ``attrs["sources"]`` to the span's top-level ``"sources"`` and the
    reader puts it back, so the provenance survives an export and ``annotator import``; gold imported
    that way has its provenance in attrs, which this falls back to.
    """
    for item in store.annotated_documents(annotator=GOLD, doc_ids=doc_ids):
        # annotated_documents numbers spans in this order; walk the same rows to find provenance.
        rows = store.db.execute(
            'SELECT p.sources, p.decision, p.decided_by, p.decided_at FROM spans s'
            " LEFT JOIN gold_provenance p ON p.span_id = s.id WHERE s.doc_id = ? AND s.annotator = ?"
            ' ORDER BY s.start, s."end", s.label, s.id',
            (item.document.id, GOLD),
        ).fetchall()
        if len(rows) != len(item.spans):  # pragma: no cover - the two queries read one snapshot
            raise EditError(f"the gold layer of {item.document.id} changed during the export")
        spans = []
        for span, (sources, decision, by, at) in zip(item.spans, rows):
            attrs = dict(span.attrs)
            if decision is not None:
                attrs.update(sources=json.loads(sources), decision=decision, decided_by=by, decided_at=at)
            spans.append(replace(span, attrs=attrs))
        item.spans = spans
        item.claims = _claims_with_provenance(store, item)
        yield item


def _claims_with_provenance(store: Store, item: AnnotatedDocument) -> list:
    """Put each gold claim's provenance in its attrs, finding it by the claim's statement span."""
    by_statement = {
        (start, end, label): (sources, decision, by, at)
        for start, end, label, sources, decision, by, at in store.db.execute(
            'SELECT s.start, s."end", s.label, p.sources, p.decision, p.decided_by, p.decided_at'
            " FROM claims c JOIN spans s ON s.id = c.span_id JOIN gold_claim_provenance p ON p.claim_id = c.id"
            " WHERE c.doc_id = ? AND c.annotator = ?",
            (item.document.id, GOLD),
        )
    }
    local = {str(span.id): (span.start, span.end, span.label) for span in item.spans}
    claims = []
    for claim in item.claims:
        found = by_statement.get(local.get(str(claim.span)))
        if found is not None:
            sources, decision, by, at = found
            claim = replace(claim, attrs={**claim.attrs, "sources": json.loads(sources), "decision": decision,
                                          "decided_by": by, "decided_at": at})
        claims.append(claim)
    return claims


# -- the one writing edit: swap gold rows, returning the swap that undoes it -----------------------


@dataclass(frozen=True)
class GoldSpanRow:
    id: int | None  # None: a new span (the store picks the id)
    start: int
    end: int
    label: str
    provenance: Provenance | None
    attrs: str = "{}"
    member_of: tuple[int, ...] = ()  # gold claims holding it (when restoring a removed span)


@dataclass(frozen=True)
class GoldClaimRow:
    id: int | None
    span: int | None  # a span id, or -1-k for the k-th span added by the same swap
    members: tuple[int, ...]  # the same references
    provenance: Provenance | None
    note: str = ""


@dataclass(frozen=True)
class ItemRow:
    state: str
    basis: str
    decided_by: str
    decided_at: str


@dataclass(frozen=True)
class GoldSwap:
    """Remove and add gold rows, relabel/re-bound kept spans, set provenance and item decisions.

    ``apply`` returns the swap that restores exactly what was there (same ids).
    """

    doc_id: str
    text: str = "review decision"
    remove_claims: tuple[int, ...] = ()
    remove_spans: tuple[int, ...] = ()
    add_spans: tuple[GoldSpanRow, ...] = ()
    add_claims: tuple[GoldClaimRow, ...] = ()
    updates: tuple[tuple[int, int, int, str], ...] = ()  # (span id, start, end, label) of kept spans
    provenance: tuple[tuple[int, Provenance | None], ...] = ()  # of kept spans
    items: tuple[tuple[str, ItemRow | None], ...] = ()

    @property
    def description(self) -> str:
        return self.text

    def apply(self, store: Store) -> "GoldSwap":
        db = store.db
        with store.atomic():
            store._touch_layer(self.doc_id, GOLD)
            led = {r[0] for sid in self.remove_spans for r in db.execute("SELECT id FROM claims WHERE span_id = ?", (sid,))}
            old_claims = []
            for claim_id in sorted(set(self.remove_claims) | led):
                old_claims.append(_snapshot_claim(store, claim_id))
                db.execute("DELETE FROM claims WHERE id = ?", (claim_id,))
            old_spans = []
            for span_id in self.remove_spans:
                old_spans.append(_snapshot_span(store, span_id))
                db.execute("DELETE FROM spans WHERE id = ?", (span_id,))
            length, labels = _limits(store, self.doc_id)
            new_span_ids = [_insert_gold_span(store, self.doc_id, row, length, labels) for row in self.add_spans]

            def ref(r: int | None) -> int | None:
                return new_span_ids[-1 - r] if r is not None and r < 0 else r

            old_updates = []
            for span_id, start, end, label in self.updates:
                row = db.execute('SELECT start, "end", label FROM spans WHERE id = ?', (span_id,)).fetchone()
                if row is None:
                    raise EditError("the gold span to edit no longer exists")
                problem = _check(start, end, label, length, labels)
                if problem:
                    raise EditError(problem)
                old_updates.append((span_id, *row))
                db.execute('UPDATE spans SET start = ?, "end" = ?, label = ?, updated_at = ? WHERE id = ?',
                           (start, end, label, now(), span_id))
            old_provenance = []
            for span_id, prov in self.provenance:
                old_provenance.append((span_id, _read_provenance(store, span_id)))
                _write_provenance(store, span_id, prov)
            new_claim_ids = []
            for claim in self.add_claims:
                cursor = db.execute(
                    "INSERT INTO claims (id, doc_id, annotator, span_id, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (claim.id, self.doc_id, GOLD, ref(claim.span), claim.note, now()),
                )
                claim_id = cursor.lastrowid
                new_claim_ids.append(claim_id)
                for member in claim.members:
                    db.execute("INSERT OR IGNORE INTO claim_members (claim_id, span_id) VALUES (?, ?)", (claim_id, ref(member)))
                if claim.provenance is not None:
                    db.execute(
                        "INSERT INTO gold_claim_provenance (claim_id, sources, decision, decided_by, decided_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (claim_id, json.dumps(list(claim.provenance.sources)), claim.provenance.decision,
                         claim.provenance.decided_by, claim.provenance.decided_at),
                    )
            for row, span_id in zip(self.add_spans, new_span_ids):
                for claim_id in row.member_of:
                    db.execute("INSERT OR IGNORE INTO claim_members (claim_id, span_id) VALUES (?, ?)", (claim_id, span_id))
            old_items = []
            for key, item_row in self.items:
                current = db.execute(
                    "SELECT state, basis, decided_by, decided_at FROM review_items WHERE doc_id = ? AND item_key = ?",
                    (self.doc_id, key),
                ).fetchone()
                old_items.append((key, ItemRow(*current) if current else None))
                if item_row is None:
                    db.execute("DELETE FROM review_items WHERE doc_id = ? AND item_key = ?", (self.doc_id, key))
                else:
                    db.execute(
                        "INSERT OR REPLACE INTO review_items (doc_id, item_key, state, basis, decided_by, decided_at)"
                        " VALUES (?, ?, ?, ?, ?, ?)",
                        (self.doc_id, key, item_row.state, item_row.basis, item_row.decided_by, item_row.decided_at),
                    )
        return GoldSwap(
            doc_id=self.doc_id, text=self.text,
            remove_claims=tuple(new_claim_ids), remove_spans=tuple(new_span_ids),
            add_spans=tuple(old_spans), add_claims=tuple(old_claims),
            updates=tuple(reversed(old_updates)), provenance=tuple(reversed(old_provenance)),
            items=tuple(reversed(old_items)),
        )


def _limits(store: Store, doc_id: str) -> tuple[int, set[str]]:
    length = store.db.execute("SELECT length FROM documents WHERE id = ?", (doc_id,)).fetchone()
    if length is None:
        raise EditError(f"no document with id {doc_id!r} in the project")
    return length[0], {r[0] for r in store.db.execute("SELECT name FROM labels")}


def _check(start: int, end: int, label: str, length: int, labels: set[str]) -> str | None:
    if not (0 <= start < end <= length):
        return f"offsets [{start}, {end}) are out of range for a text of {length} characters"
    if label not in labels:
        return f"unknown label {label!r}"
    return None


def _insert_gold_span(store: Store, doc_id: str, row: GoldSpanRow, length: int, labels: set[str]) -> int:
    problem = _check(row.start, row.end, row.label, length, labels)
    if problem:
        raise EditError(problem)
    stamp = now()
    cursor = store.db.execute(
        'INSERT INTO spans (id, doc_id, annotator, start, "end", label, attrs, created_at, updated_at)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (row.id, doc_id, GOLD, row.start, row.end, row.label, row.attrs, stamp, stamp),
    )
    span_id = cursor.lastrowid
    if row.provenance is not None:
        _write_provenance(store, span_id, row.provenance)
    return span_id


def _read_provenance(store: Store, span_id: int) -> Provenance | None:
    row = store.db.execute(
        "SELECT sources, decision, decided_by, decided_at, item_key FROM gold_provenance WHERE span_id = ?", (span_id,)
    ).fetchone()
    return Provenance(tuple(json.loads(row[0])), row[1], row[2], row[3], row[4]) if row else None


def _write_provenance(store: Store, span_id: int, prov: Provenance | None) -> None:
    if prov is None:
        store.db.execute("DELETE FROM gold_provenance WHERE span_id = ?", (span_id,))
        return
    store.db.execute(
        "INSERT OR REPLACE INTO gold_provenance (span_id, sources, decision, decided_by, decided_at, item_key)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (span_id, json.dumps(list(prov.sources)), prov.decision, prov.decided_by, prov.decided_at, prov.item_key),
    )


def _snapshot_span(store: Store, span_id: int) -> GoldSpanRow:
    row = store.db.execute('SELECT start, "end", label, attrs FROM spans WHERE id = ?', (span_id,)).fetchone()
    if row is None:
        raise EditError(f"no gold span with id {span_id}")
    member_of = tuple(r[0] for r in store.db.execute("SELECT claim_id FROM claim_members WHERE span_id = ?", (span_id,)))
    return GoldSpanRow(span_id, row[0], row[1], row[2], _read_provenance(store, span_id), row[3], member_of)


def _snapshot_claim(store: Store, claim_id: int) -> GoldClaimRow:
    _doc, _annotator, claim = store.claim(claim_id)
    return GoldClaimRow(claim.id, claim.span_id, tuple(sorted(claim.members)), claim_provenance(store, claim_id), claim.note)


# -- decisions ----------------------------------------------------------------------------------


def _find(state: DocState, items: list[ReviewItem], key: str) -> ReviewItem:
    for item in items:
        if item.key == key:
            return item
    raise EditError("this item changed since the list was shown (a layer was replaced); look at it again")


def _span_decision(state: DocState, tup: Tup, lead: str, stamp: str, key: str | None, edited: bool = False) -> Provenance:
    sources = tuple(state.holders(tup))
    if edited:
        decision = EDITED
    elif state.reviewers and sources == state.reviewers:
        decision = UNANIMOUS
    else:
        decision = ADJUDICATED
    return Provenance(sources, decision, lead, stamp, key)


def item_gold(gold: list[RSpan], item: ReviewItem) -> list[RSpan]:
    """The gold spans that belong to an item: for a span item, those joined to one of its spans by
    the item rule (same tier and overlapping, or the same offsets); for a claim item, the gold
    statements overlapping its reviewers' statements."""
    if item.kind == "claim":
        return [g for g in gold if g.label == CLAIM and any(_overlap(g.tup, c.statement) for c in item.claims)]
    out = []
    for g in gold:
        for s in item.spans:
            if (s.start == g.start and s.end == g.end) or (_tier(s.label) == _tier(g.label) and _overlap(s.tup, g.tup)):
                out.append(g)
                break
    return out


class _Plan:
    """Collects the rows of one GoldSwap, reusing gold spans that already have the wanted tuple."""

    def __init__(self, state: DocState, lead: str):
        self.state = state
        self.lead = lead
        self.stamp = now()
        self.by_tup: dict[Tup, int] = {}
        for g in state.gold:
            self.by_tup.setdefault(g.tup, g.id)
        self.add_spans: list[GoldSpanRow] = []
        self.remove_spans: list[int] = []
        self.remove_claims: list[int] = []
        self.add_claims: list[GoldClaimRow] = []
        self.provenance: list[tuple[int, Provenance | None]] = []
        self.items: list[tuple[str, ItemRow | None]] = []

    def span(self, tup: Tup, key: str | None, *, refresh: bool = True) -> int:
        """A reference to a gold span with ``tup``: an existing one (provenance refreshed) or a new one."""
        found = self.by_tup.get(tup)
        if found is not None:
            if refresh and found >= 0:
                self.provenance.append((found, _span_decision(self.state, tup, self.lead, self.stamp, key)))
            return found
        self.add_spans.append(GoldSpanRow(None, *tup, _span_decision(self.state, tup, self.lead, self.stamp, key)))
        ref = -len(self.add_spans)
        self.by_tup[tup] = ref
        return ref

    def set_spans(self, item: ReviewItem, target: Iterable[Tup]) -> None:
        """Make the item's gold spans exactly ``target``."""
        target = sorted(set(target))
        current = item_gold(self.state.gold, item)
        keep: set[int] = set()
        for tup in target:
            match = next((g for g in current if g.tup == tup and g.id not in keep), None)
            if match is not None:
                keep.add(match.id)
                self.by_tup[tup] = match.id
        for g in current:
            if g.id not in keep:
                self.remove_spans.append(g.id)
                if self.by_tup.get(g.tup) == g.id:
                    del self.by_tup[g.tup]
        for tup in target:
            self.span(tup, item.key)

    def decide(self, item: ReviewItem, state: str) -> None:
        self.items.append((item.key, ItemRow(state, item.basis, self.lead, self.stamp)))

    def swap(self, doc_id: str, text: str, updates=()) -> GoldSwap:
        return GoldSwap(
            doc_id=doc_id, text=text, remove_claims=tuple(self.remove_claims), remove_spans=tuple(self.remove_spans),
            add_spans=tuple(self.add_spans), add_claims=tuple(self.add_claims), updates=tuple(updates),
            provenance=tuple(self.provenance), items=tuple(self.items),
        )

    def gold_claims_in(self, item: ReviewItem) -> list[int]:
        """Gold claims whose statement overlaps the statement of one of the item's claims."""
        statements = [c.statement for c in item.claims]
        out = []
        for claim_id, start, end in self.state.gold_claims:
            if any(_overlap((start, end), s) for s in statements):
                out.append(claim_id)
        return out

    def member(self, tup: Tup, key: str, places: dict[tuple[int, int], list[Tup]]) -> int:
        """A gold span for a claim member. Where gold already has a span at the same offsets under
        another label, the label was decided on the span's own item: use that span rather than
        bring the rejected label back."""
        if tup not in self.by_tup:
            same_place = [self.by_tup[t] for t in places.get(tup[:2], ()) if t in self.by_tup]
            if len(same_place) == 1:
                return same_place[0]
        return self.span(tup, key, refresh=False)

    def _at_place(self) -> dict[tuple[int, int], list[Tup]]:
        places: dict[tuple[int, int], list[Tup]] = {}
        for tup in self.by_tup:
            places.setdefault(tup[:2], []).append(tup)
        return places

    def claim(
        self, statement: Tup, members: Iterable[Tup], sources: Iterable[str], decision: str, key: str,
        item: ReviewItem | None = None,
    ) -> None:
        span_ref = self.span(statement, key, refresh=False)
        places = self._at_place()
        member_refs = tuple(dict.fromkeys(self.member(m, key, places) for m in members if m != statement))
        if item is not None:
            # Members may have been mapped to gold spans decided on their own items: the sources
            # are the reviewers whose claim has exactly the shape that goes to gold.
            tup_of = {ref: tup for tup, ref in self.by_tup.items()}
            final = (statement, tuple(sorted(tup_of[ref] for ref in member_refs)))
            sources = _claim_sources(item, final)
            if decision != EDITED:
                decision = _claim_decision(item, sources)
        for n, row in enumerate(self.add_claims):
            if row.span == span_ref and sorted(row.members) == sorted(member_refs) and row.provenance is not None:
                # Two versions that came out the same in gold are one gold claim with both sources.
                merged = tuple(sorted(set(row.provenance.sources) | set(sources)))
                self.add_claims[n] = replace(row, provenance=replace(row.provenance, sources=merged))
                return
        prov = Provenance(tuple(sorted(sources)), decision, self.lead, self.stamp)
        self.add_claims.append(GoldClaimRow(None, span_ref, member_refs, prov))


def _load_for_decision(store: Store, doc_id: str) -> tuple[DocState, list[ReviewItem]]:
    state = load_state(store, doc_id)
    return state, compute_items(state)


def _load_item(store: Store, doc_id: str, key: str) -> tuple[DocState, ReviewItem]:
    state, items = _load_for_decision(store, doc_id)
    return state, _find(state, items, key)


def _claim_sources(item: ReviewItem, shape: tuple) -> list[str]:
    return [r for r in item.reviewers if shape in item.version(r)]


def _claim_decision(item: ReviewItem, sources: list[str]) -> str:
    return UNANIMOUS if item.reviewers and tuple(sources) == item.reviewers else ADJUDICATED


@dataclass(frozen=True)
class AcceptVersion:
    """Accept reviewer's version of an item (``reviewer=None``: every distinct version, overlaps allowed)."""

    doc_id: str
    item_key: str
    lead: str
    reviewer: str | None = None

    @property
    def description(self) -> str:
        return f"accept {self.reviewer}'s version" if self.reviewer else "accept all versions"

    def apply(self, store: Store) -> GoldSwap:
        with store.atomic():
            state, item = _load_item(store, self.doc_id, self.item_key)
            if self.reviewer is not None and self.reviewer not in item.reviewers:
                raise EditError(f"{self.reviewer} has no layer on this document")
            plan = _Plan(state, self.lead)
            chosen = [item.version(self.reviewer)] if self.reviewer else item.distinct_versions()
            if item.kind == "span":
                target = {tup for version in chosen for tup in version}
                plan.set_spans(item, target)
            else:
                plan.remove_claims.extend(plan.gold_claims_in(item))
                target = {shape for version in chosen for shape in version}
                for statement, members in sorted(target):
                    plan.claim(statement, members, (), ADJUDICATED, item.key, item=item)
            plan.decide(item, ACCEPTED if target else REJECTED)
            return plan.swap(self.doc_id, self.description).apply(store)


@dataclass(frozen=True)
class Reject:
    """Nothing of this item goes to gold (gold spans or claims made for it earlier are removed)."""

    doc_id: str
    item_key: str
    lead: str

    @property
    def description(self) -> str:
        return "reject item"

    def apply(self, store: Store) -> GoldSwap:
        with store.atomic():
            state, item = _load_item(store, self.doc_id, self.item_key)
            plan = _Plan(state, self.lead)
            if item.kind == "span":
                plan.set_spans(item, ())
            else:
                plan.remove_claims.extend(plan.gold_claims_in(item))
            plan.decide(item, REJECTED)
            return plan.swap(self.doc_id, self.description).apply(store)


@dataclass(frozen=True)
class EditGold:
    """The lead's own gold span: re-bound/relabel ``replace`` (a gold span id) or add a new one.

    With ``item_key`` the item is marked accepted.
    """

    doc_id: str
    start: int
    end: int
    label: str
    lead: str
    item_key: str | None = None
    replace: int | None = None

    @property
    def description(self) -> str:
        return f"edit gold {self.label} span"

    def apply(self, store: Store) -> GoldSwap:
        with store.atomic():
            state, items = _load_for_decision(store, self.doc_id)
            plan = _Plan(state, self.lead)
            tup = (self.start, self.end, self.label)
            prov = _span_decision(state, tup, self.lead, plan.stamp, self.item_key, edited=True)
            updates = []
            if self.replace is not None:
                if not any(g.id == self.replace for g in state.gold):
                    raise EditError("the gold span to edit no longer exists")
                updates.append((self.replace, *tup))
                plan.provenance.append((self.replace, prov))
            else:
                plan.add_spans.append(GoldSpanRow(None, *tup, prov))
            if self.item_key is not None:
                item = next((it for it in items if it.key == self.item_key), None)
                if item is not None:
                    plan.decide(item, ACCEPTED)
            return plan.swap(self.doc_id, self.description, updates).apply(store)


@dataclass(frozen=True)
class BuildClaim:
    """A gold claim for a claim item built from the gold spans already accepted: each gold statement
    overlapping the reviewers' statements, with the gold spans overlapping their members."""

    doc_id: str
    item_key: str
    lead: str

    @property
    def description(self) -> str:
        return "build gold claim from gold spans"

    def apply(self, store: Store) -> GoldSwap:
        with store.atomic():
            state, item = _load_item(store, self.doc_id, self.item_key)
            if item.kind != "claim":
                raise EditError("building a gold claim needs a claim item (the ones listed as claims)")
            plan = _Plan(state, self.lead)
            statements = item_gold(state.gold, item)
            if not statements:
                raise EditError("no gold statement (CLAIM span) here yet: accept or edit the statement span first")
            plan.remove_claims.extend(plan.gold_claims_in(item))
            for statement in statements:
                claims = [c for c in item.claims if _overlap(c.statement, statement.tup)]
                wanted = [m for c in claims for m in c.members]
                members = sorted(
                    {g.tup for g in state.gold if g.label != CLAIM and any(_overlap(g.tup, m) for m in wanted)}
                )
                plan.claim(statement.tup, members, (), EDITED, item.key, item=item)
            plan.decide(item, ACCEPTED)
            return plan.swap(self.doc_id, self.description).apply(store)


@dataclass(frozen=True)
class AcceptAgreed:
    """Accept every open item where all reviewers agree (the automatic step on first opening).

    Items decided before, or changed since a decision, are left to the lead. The gold layer is
    created even when nothing is accepted, which records that the document was opened for review.
    """

    doc_id: str
    lead: str

    @property
    def description(self) -> str:
        return "accept agreed items"

    def count(self, store: Store) -> int:
        return sum(1 for item in review_items(store, self.doc_id) if self._wanted(item))

    @staticmethod
    def _wanted(item: ReviewItem) -> bool:
        return item.state == AGREED and not item.changed

    def apply(self, store: Store) -> GoldSwap:
        with store.atomic():
            state, items = _load_for_decision(store, self.doc_id)
            plan = _Plan(state, self.lead)
            chosen = [item for item in items if self._wanted(item)]
            for item in chosen:  # spans first, so that claims find them
                if item.kind == "span":
                    for tup in item.version(item.reviewers[0]):
                        plan.span(tup, item.key)
                    plan.decide(item, ACCEPTED)
            for item in chosen:
                if item.kind == "claim":
                    if plan.gold_claims_in(item):
                        continue
                    for statement, members in item.version(item.reviewers[0]):
                        plan.claim(statement, members, item.reviewers, UNANIMOUS, item.key)
                    plan.decide(item, ACCEPTED)
            text = f"accept {len(plan.items)} agreed item(s)"
            return plan.swap(self.doc_id, text).apply(store)


__all__ = [
    "ReviewItem", "RSpan", "RClaim", "DocState", "Provenance", "GoldSwap", "AcceptVersion", "Reject", "EditGold",
    "BuildClaim", "AcceptAgreed", "review_items", "review_progress", "needs_auto_accept", "gold_export_items",
    "span_provenance", "claim_provenance", "item_gold", "load_state", "compute_items", "key_extent",
    "AGREED", "DISAGREEMENT", "INCOMPLETE", "ACCEPTED", "REJECTED", "UNANIMOUS", "ADJUDICATED", "EDITED", "GOLD",
]

