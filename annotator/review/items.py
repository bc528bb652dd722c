"""Disagreement items of one document, computed from its ``DocState`` (see the package docstring)."""

from __future__ import annotations

import hashlib
import json
from hashlib import sha256
from collections import defaultdict

from ..model import GOLD
from ..store import Store
from .state import (
    AGREED, DISAGREEMENT, INCOMPLETE, DocState, ReviewItem, Tup, _digest, _overlap, _tier, gc_paused, key_extent,
    load_state,
)


# -- items --------------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, members):
        self.parent = {i: i for i in members}

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
    """Connected components of the overlap graph (edges only between different owners), each in
    index order, ordered by their first index. ``joinable(i, j)`` says whether two overlapping
    spans of different owners join; ``None`` means always; spans of the same extent always do."""
    keys = list(zip(starts, ends))
    if not all(a <= b for a, b in zip(keys, keys[1:])):  # load_state reads them in order
        return _swept(range(n), sorted(range(n), key=keys.__getitem__), starts, ends, owners, joinable)
    # In order, the spans fall into runs that chain by overlap, and no edge leaves a run. Most
    # runs are one span, or the same span from every reviewer (one component without a sweep:
    # spans of one extent join across owners); the others are swept on their own.
    groups: list[list[int]] = []
    i = 0
    while i < n:
        j = i + 1
        run_end = ends[i]
        while j < n and starts[j] < run_end:
            if ends[j] > run_end:
                run_end = ends[j]
            j += 1
        if j - i == 1:
            groups.append([i])
        elif keys[i] == keys[j - 1]:  # in order: one extent all along the run
            if len(set(owners[i:j])) > 1:
                groups.append(list(range(i, j)))
            else:
                groups.extend([k] for k in range(i, j))
        else:
            groups.extend(_swept(range(i, j), range(i, j), starts, ends, owners, joinable))
        i = j
    return groups


def _swept(members, order, starts, ends, owners, joinable) -> list[list[int]]:
    """``_components`` of ``members`` by a sweep in ``order`` (by start) and union-find."""
    uf = _UnionFind(members)
    active: list[int] = []
    for i in order:
        s = starts[i]
        if active:
            active = [j for j in active if ends[j] > s]
            owner = owners[i]
            for j in active:
                if owners[j] != owner and (joinable is None or joinable(i, j)):
                    uf.union(i, j)
        active.append(i)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in members:
        groups[uf.find(i)].append(i)
    return list(groups.values())


_AGREE = frozenset({"agree"})


def _all_agree(reviewers: tuple[str, ...], versions: dict[str, frozenset]) -> bool:
    """Every reviewer has the same non-empty version (the common case, decided without pairs)."""
    values = [versions[r] for r in reviewers]
    return bool(values) and bool(values[0]) and all(v == values[0] for v in values)


def _span_kinds(reviewers: tuple[str, ...], versions: dict[str, frozenset[Tup]]) -> frozenset[str]:
    if _all_agree(reviewers, versions):
        return _AGREE
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
    if _all_agree(reviewers, versions):
        return _AGREE
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
    with gc_paused():
        return _compute_items(state)


def _compute_items(state: DocState) -> list[ReviewItem]:
    reviewers = state.reviewers
    items: list[ReviewItem] = []

    spans = state.spans
    if spans:
        starts = [s.start for s in spans]
        ends = [s.end for s in spans]
        tiers = [_tier(s.label) for s in spans]
        quoted = {x: json.dumps(x) for x in {s.annotator for s in spans} | {s.label for s in spans}}
        groups = _components(
            len(spans), starts, ends, [s.annotator for s in spans],
            lambda i, j: tiers[i] == tiers[j] or (starts[i] == starts[j] and ends[i] == ends[j]),
        )
        n_reviewers = len(reviewers)
        reviewer_set = set(reviewers)
        doc_id = state.doc_id
        for group in groups:
            members = [spans[i] for i in group]
            if len(members) == n_reviewers:
                first = members[0]
                extent = first[2:]
                if all(s[2:] == extent for s in members) and {s[0] for s in members} == reviewer_set:
                    # Every reviewer has this one span, the commonest item: what the general
                    # path below finds for it, without building each reviewer's version. Its
                    # basis rows are the spans in reviewer order (one extent and label).
                    start, end, label = extent
                    prefix = "statements" if tiers[group[0]] == "statement" else "spans"
                    tail = f",{int(start)},{int(end)},{quoted[label]}]"
                    payload = "[" + ",".join([f"[{quoted[a]}{tail}" for a in sorted([s[0] for s in members])]) + "]"
                    items.append(ReviewItem(
                        doc_id, f"{prefix}:{start}-{end}", "span", start, end, reviewers, tuple(members), (), _AGREE,
                        sha256(payload.encode()).hexdigest()[:20],
                    ))
                    continue
            found: dict[str, set[Tup]] = {r: set() for r in reviewers}
            for span in members:
                held = found.get(span.annotator)
                if held is not None:
                    held.add(span.tup)
            versions = {r: frozenset(held) for r, held in found.items()}
            group_tiers = {tiers[i] for i in group}
            prefix = "spans" if group_tiers == {"span"} else "statements" if group_tiers == {"statement"} else "mixed"
            items.append(_make_item(state, "span", prefix, members, (), _span_kinds(reviewers, versions),
                                    None, _span_basis(members, quoted)))

    claims = state.claims
    if claims:
        groups = _components(
            len(claims), [c.statement[0] for c in claims], [c.statement[1] for c in claims],
            [c.annotator for c in claims], None,
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


def _span_basis(members, quoted: dict[str, str]) -> str:
    """The basis of a span item: ``_digest`` of its spans as sorted (annotator, start, end,
    label) rows, with the JSON written directly (the same bytes ``json.dumps`` writes, at a
    fraction of its cost: a long document has thousands of items). ``quoted``: each annotator
    and label as a JSON string."""
    rows = sorted((s.annotator, s.start, s.end, s.label) for s in members)
    payload = "[" + ",".join(f"[{quoted[a]},{int(b)},{int(e)},{quoted[lab]}]" for a, b, e, lab in rows) + "]"
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def _make_item(state: DocState, kind: str, prefix: str, spans, claims, kinds, basis_payload,
               basis: str | None = None) -> ReviewItem:
    if kind == "span":
        start, end = min(s.start for s in spans), max(s.end for s in spans)
    else:
        start, end = min(c.statement[0] for c in claims), max(c.statement[1] for c in claims)
    return ReviewItem(
        doc_id=state.doc_id, key=f"{prefix}:{start}-{end}", kind=kind, start=start, end=end,
        reviewers=state.reviewers, spans=tuple(spans), claims=tuple(claims), kinds=kinds,
        basis=basis if basis is not None else _digest(basis_payload),
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


def redecide(state: DocState, items: list[ReviewItem]) -> list[ReviewItem]:
    """``items`` (computed from the same reviewers' layers) with their states set again from
    ``state``'s decisions: after a decision, without grouping every span again."""
    for item in items:
        item.state, item.changed, item.decided_by, item.decided_at = DISAGREEMENT, False, None, None
    _decide_states(state, items)
    return items


def review_items(store: Store, doc_id: str) -> list[ReviewItem]:
    return compute_items(load_state(store, doc_id))


def needs_auto_accept(store: Store, doc_id: str) -> bool:
    """True until the document was first opened for review (its gold layer exists from then on)."""
    return not store.db.execute(
        "SELECT 1 FROM layers WHERE doc_id = ? AND annotator = ?", (doc_id, GOLD)
    ).fetchone()
