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

from ..model import GOLD
from .decisions import AcceptAgreed, AcceptVersion, BuildClaim, EditGold, Reject, item_gold
from .gold import Provenance, claim_provenance, gold_export_items, span_provenance
from .items import compute_items, needs_auto_accept, review_items
from .progress import review_progress, review_progress_many
from .state import (
    ACCEPTED, ADJUDICATED, AGREED, DECIDED_STATES, DISAGREEMENT, EDITED, INCOMPLETE, REJECTED, UNANIMOUS, DocState,
    RClaim, ReviewItem, RSpan, key_extent, load_state,
)
from .swap import GoldClaimRow, GoldSpanRow, GoldSwap, ItemRow


__all__ = [
    "ReviewItem", "RSpan", "RClaim", "DocState", "Provenance", "GoldSwap", "AcceptVersion", "Reject", "EditGold",
    "BuildClaim", "AcceptAgreed", "review_items", "review_progress", "review_progress_many", "needs_auto_accept",
    "gold_export_items",
    "span_provenance", "claim_provenance", "item_gold", "load_state", "compute_items", "key_extent",
    "AGREED", "DISAGREEMENT", "INCOMPLETE", "ACCEPTED", "REJECTED", "UNANIMOUS", "ADJUDICATED", "EDITED", "GOLD",
    "DECIDED_STATES", "GoldSpanRow", "GoldClaimRow", "ItemRow",
]

