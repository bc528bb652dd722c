"""The gold layer's provenance, and the gold layer exported with it."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator

from ..errors import EditError
from ..model import GOLD, AnnotatedDocument
from ..store import Store



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
