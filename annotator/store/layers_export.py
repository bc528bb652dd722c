"""Layers read back for export a batch of documents at a time, so that the memory an export takes
does not grow with the project (``LayerIOMixin.annotated_documents`` reads every span of the
project before it yields the first layer)."""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import groupby
from operator import itemgetter
from typing import Iterable, Iterator

from ..model import AnnotatedDocument, Claim, Document, Span
from .results import attrs_from_json as _attrs

_LAYER = itemgetter(0, 1)
BATCH = 200  # documents per round of queries: a few MB of spans at most, and few round trips


def _export_order(row: tuple) -> tuple:
    _id, start, end, label, _attrs_text = row
    return (start, end, label, _id)


def build_layer(document: Document, annotator: str, done: bool, span_rows: list[tuple], claim_rows: list[tuple],
                members: dict[int, list[int]], *, in_order: bool = False) -> AnnotatedDocument:
    """One layer from its rows: spans ``(id, start, end, label, attrs)`` numbered s1, s2, ... in offset
    order, claims ``(id, span_id, note, attrs)`` c1, c2, ... in their statement's order, so that an
    export of the same layer is the same bytes whichever reader built it. ``in_order``: the span
    rows come sorted by (start, end, label, id) already."""
    if not in_order:
        span_rows = sorted(span_rows, key=_export_order)
    local = {row_id: f"s{n}" for n, (row_id, *_rest) in enumerate(span_rows, start=1)}
    spans = [Span(start=s, end=e, label=lab, id=local[i], attrs=_attrs(a)) for i, s, e, lab, a in span_rows]
    position = {row_id: n for n, row_id in enumerate(local)}
    ordered = sorted(claim_rows, key=lambda r: (position.get(r[1], len(position)), r[0]))
    claims = [
        Claim(
            id=f"c{n}",
            span=local.get(span_id),
            members=tuple(local[m] for m in sorted(members.get(claim_id, ()), key=position.__getitem__)),
            note=note,
            attrs=_attrs(attrs),
        )
        for n, (claim_id, span_id, note, attrs) in enumerate(ordered, start=1)
    ]
    return AnnotatedDocument(document, annotator, spans, claims, done)


class LayerExportMixin:
    """``iter_layers``: what ``annotated_documents`` yields, read in batches of documents."""

    def iter_layers(
        self, *, annotator: str | None = None, doc_ids: Iterable[str] | None = None, batch: int = BATCH
    ) -> Iterator[AnnotatedDocument]:
        """Every layer (or one reviewer's), in document order, with spans numbered s1, s2, ... in
        offset order and claims c1, c2, ...: the same values as ``annotated_documents``, but only
        ``batch`` documents' spans and claims are held at a time."""
        wanted = set(doc_ids) if doc_ids is not None else None
        layer_rows = [
            row for row in self.layers()
            if (annotator is None or row[1] == annotator) and (wanted is None or row[0] in wanted)
        ]
        start = 0
        while start < len(layer_rows):
            # A batch ends on a document boundary, so that a document's layers are read together.
            docs: list[str] = []
            end = start
            while end < len(layer_rows) and (len(docs) < batch or layer_rows[end][0] == docs[-1]):
                if not docs or docs[-1] != layer_rows[end][0]:
                    docs.append(layer_rows[end][0])
                end += 1
            yield from self._layers_of(layer_rows[start:end], docs, annotator)
            start = end

    def _layers_of(self, layer_rows: list, docs: list[str], annotator: str | None) -> Iterator[AnnotatedDocument]:
        marks = ", ".join("?" * len(docs))
        who, params = ("", ()) if annotator is None else (" AND annotator = ?", (annotator,))
        # In export order from SQLite (its sort, in C, of one batch; TEXT compares as code points do),
        # each layer's rows together, so that no layer is sorted again here.
        rows = self.db.execute(
            f'SELECT doc_id, annotator, id, start, "end", label, attrs FROM spans WHERE doc_id IN ({marks}){who}'
            ' ORDER BY doc_id, annotator, start, "end", label, id',
            (*docs, *params),
        )
        spans_by_layer = {key: [row[2:] for row in group] for key, group in groupby(rows, key=_LAYER)}
        claims_by_layer: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for row in self.db.execute(
            f"SELECT doc_id, annotator, id, span_id, note, attrs FROM claims WHERE doc_id IN ({marks}){who} ORDER BY id",
            (*docs, *params),
        ):
            claims_by_layer[(row[0], row[1])].append(row[2:])
        members: dict[int, list[int]] = defaultdict(list)
        for claim_id, span_id in self.db.execute(
            f"SELECT m.claim_id, m.span_id FROM claim_members m JOIN claims c ON c.id = m.claim_id"
            f" WHERE c.doc_id IN ({marks})", docs,
        ):
            members[claim_id].append(span_id)
        documents = self._documents(docs)
        for doc_id, layer_annotator, done in layer_rows:
            yield build_layer(
                documents[doc_id], layer_annotator, done, spans_by_layer.pop((doc_id, layer_annotator), []),
                claims_by_layer.pop((doc_id, layer_annotator), []), members, in_order=True,
            )

    def _documents(self, docs: list[str]) -> dict[str, Document]:
        """The batch's documents, one ``Document`` each (shared by its layers)."""
        marks = ", ".join("?" * len(docs))
        return {
            row[0]: Document(id=row[0], title=row[1], text=row[2], source=row[3], meta=json.loads(row[4]))
            for row in self.db.execute(f"SELECT id, title, text, source, meta FROM documents WHERE id IN ({marks})", docs)
        }
