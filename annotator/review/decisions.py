"""Decisions as undoable values: each ``apply(store)`` plans a ``GoldSwap`` and applies it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Iterable

from ..errors import EditError
from ..model import CLAIM
from ..store import Store, now
from .gold import Provenance
from .items import compute_items, redecide, review_items
from .state import (
    ACCEPTED, ADJUDICATED, AGREED, EDITED, REJECTED, UNANIMOUS, DocState, ReviewItem, RSpan, Tup, _overlap, _tier,
    load_state, reload_gold,
)
from .swap import GoldClaimRow, GoldSpanRow, GoldSwap, ItemRow


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


class _TupIndex(dict):
    """Gold span references by (start, end, label), that also knows the tuples at each (start,
    end): rebuilding that per claim made accepting a document's agreed claims quadratic."""

    def __init__(self) -> None:
        super().__init__()
        self.places: dict[tuple[int, int], set[Tup]] = defaultdict(set)

    def __setitem__(self, tup: Tup, ref: int) -> None:
        super().__setitem__(tup, ref)
        self.places[tup[:2]].add(tup)

    def __delitem__(self, tup: Tup) -> None:
        super().__delitem__(tup)
        self.places[tup[:2]].discard(tup)

    def setdefault(self, tup: Tup, ref: int) -> int:
        if tup not in self:
            self[tup] = ref
        return self[tup]


class _Plan:
    """Collects the rows of one GoldSwap, reusing gold spans that already have the wanted tuple."""

    def __init__(self, state: DocState, lead: str):
        self.state = state
        self.lead = lead
        self.stamp = now()
        self.by_tup = _TupIndex()
        for g in state.gold:
            self.by_tup.setdefault(g.tup, g.id)
        self.add_spans: list[GoldSpanRow] = []
        self.remove_spans: list[int] = []
        self.remove_claims: list[int] = []
        self.add_claims: list[GoldClaimRow] = []
        # (statement ref, sorted member refs) -> index in add_claims: a claim looked for among
        # those added by a scan of them all made accepting 1,250 claims quadratic
        self._claim_at: dict[tuple, int] = {}
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

    def member(self, tup: Tup, key: str, places: dict[tuple[int, int], set[Tup]], cutoff: int) -> int:
        """A gold span for a claim member. Where gold already has a span at the same offsets under
        another label, the label was decided on the span's own item: use that span rather than
        bring the rejected label back. Spans this claim's own members added (references below
        ``cutoff``) do not count: gold had them neither before nor by a decision."""
        if tup not in self.by_tup:
            same_place = [ref for t in places.get(tup[:2], ()) if (ref := self.by_tup.get(t)) is not None and ref >= cutoff]
            if len(same_place) == 1:
                return same_place[0]
        return self.span(tup, key, refresh=False)

    def _at_place(self) -> dict[tuple[int, int], set[Tup]]:
        return self.by_tup.places

    def claim(
        self, statement: Tup, members: Iterable[Tup], sources: Iterable[str], decision: str, key: str,
        item: ReviewItem | None = None,
    ) -> None:
        span_ref = self.span(statement, key, refresh=False)
        places, cutoff = self._at_place(), -len(self.add_spans)
        member_refs = tuple(dict.fromkeys(self.member(m, key, places, cutoff) for m in members if m != statement))
        if item is not None:
            # Members may have been mapped to gold spans decided on their own items: the sources
            # are the reviewers whose claim has exactly the shape that goes to gold.
            tup_of = {ref: tup for tup, ref in self.by_tup.items()}
            final = (statement, tuple(sorted(tup_of[ref] for ref in member_refs)))
            sources = _claim_sources(item, final)
            if decision != EDITED:
                decision = _claim_decision(item, sources)
        shape = (span_ref, tuple(sorted(member_refs)))
        n = self._claim_at.get(shape)
        if n is not None:
            # Two versions that came out the same in gold are one gold claim with both sources.
            row = self.add_claims[n]
            merged = tuple(sorted(set(row.provenance.sources) | set(sources)))
            self.add_claims[n] = replace(row, provenance=replace(row.provenance, sources=merged))
            return
        prov = Provenance(tuple(sorted(sources)), decision, self.lead, self.stamp)
        self._claim_at[shape] = len(self.add_claims)
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
        return self.apply_and_read(store)[0]

    def apply_and_read(self, store: Store) -> tuple[GoldSwap, DocState, list[ReviewItem]]:
        """Apply, and hand back the document's state and items as they are afterwards, from the
        one computation of the items that the decision needed (the review window's first
        opening shows them: computing them again would double its cost)."""
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
            inverse = plan.swap(self.doc_id, text).apply(store)
            after = reload_gold(store, state)
            return inverse, after, redecide(after, items)
