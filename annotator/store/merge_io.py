"""Merging other reviewers' layers into the project, with the replaced ones kept in ``layer_history``.

The cost is linear in what is merged plus what the merged reviewers already have here: the
stored layers of each reviewer in the batch are read once, set-wise (three queries), and compared
by their content key with the incoming ones; only the layers that differ are archived and
rewritten. New rows are written in bulk with ids chosen here: inside the transaction, which holds
the write lock, no one else can take them, and ``AUTOINCREMENT`` moves on past them, so ids are
still never reused.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ..errors import EditError
from ..model import GOLD, AnnotatedDocument, Label
from .results import ImportResult, MergeResult, attrs_from_json as _attrs, now, refuse_bad_span

LayerKey = tuple  # (sorted span tuples, sorted claim tuples, done)
_HISTORY_BATCH = 500


def _claim_sort_key(claim: tuple) -> tuple:
    # A claim without a statement (None) sorts first instead of failing to compare with a tuple.
    statement, members, note = claim
    return (statement is not None, statement or (), members, note)


def _canonical(attrs: dict) -> str:
    return json.dumps(attrs, sort_keys=True) if attrs else "{}"  # most spans have none: skip the encoder


def _key(spans: list[tuple], claims: list[tuple], done: bool) -> LayerKey:
    return sorted(spans), sorted(claims, key=_claim_sort_key), bool(done)


def layer_key(item: AnnotatedDocument) -> LayerKey:
    """What makes two layers the same, whatever their ids: spans (with attrs), claims (by their
    spans' offsets and labels, and their notes) and done."""
    key_of = {str(s.id): (s.start, s.end, s.label) for s in item.spans}
    spans = [(s.start, s.end, s.label, _canonical(s.attrs)) for s in item.spans]
    claims = [
        (key_of.get(str(c.span)) if c.span is not None else None,
         tuple(sorted(key_of[str(m)] for m in c.members)), c.note)
        for c in item.claims
    ]
    return _key(spans, claims, item.done)


class _Stored:
    """One reviewer's layers in this project, read set-wise: rows per document."""

    def __init__(self, store: Any, annotator: str, doc_ids: set[str]):
        db = store.db
        self.done = {
            d: bool(done) for d, done in db.execute(
                "SELECT doc_id, done FROM layers WHERE annotator = ?", (annotator,)
            ) if d in doc_ids
        }
        # Through the layers, so that the (doc_id, annotator) indexes serve: there is none on
        # the annotator alone, and a scan of every reviewer's rows per reviewer grows with all.
        self.spans: dict[str, list[tuple]] = defaultdict(list)
        done, spans = self.done, self.spans
        for row in db.execute(
            'SELECT s.doc_id, s.id, s.start, s."end", s.label, s.attrs FROM layers l'
            " JOIN spans s ON s.doc_id = l.doc_id AND s.annotator = l.annotator WHERE l.annotator = ?", (annotator,)
        ):
            if row[0] in done:  # a slice, not star-unpacking into a list and back: 100,000 rows per reviewer
                spans[row[0]].append(row[1:])
        self.claims: dict[str, list[tuple]] = defaultdict(list)
        self.members: dict[int, list[int]] = defaultdict(list)
        for row in db.execute(
            "SELECT c.doc_id, c.id, c.span_id, c.note, c.attrs FROM layers l"
            " JOIN claims c ON c.doc_id = l.doc_id AND c.annotator = l.annotator WHERE l.annotator = ? ORDER BY c.id",
            (annotator,),
        ):
            if row[0] in done:
                self.claims[row[0]].append(row[1:])
        if self.claims:
            for claim_id, span_id in db.execute(
                "SELECT m.claim_id, m.span_id FROM layers l JOIN claims c ON c.doc_id = l.doc_id AND c.annotator = l.annotator"
                " JOIN claim_members m ON m.claim_id = c.id WHERE l.annotator = ?",
                (annotator,),
            ):
                self.members[claim_id].append(span_id)

    def key(self, doc_id: str) -> LayerKey:
        rows = self.spans.get(doc_id, [])
        tup = {i: (s, e, lab) for i, s, e, lab, _a in rows}
        spans = [(s, e, lab, "{}" if a == "{}" else _canonical(json.loads(a))) for _i, s, e, lab, a in rows]
        claims = [
            (tup.get(span_id) if span_id is not None else None,
             tuple(sorted(tup[m] for m in self.members.get(claim_id, ()))), note)
            for claim_id, span_id, note, _a in self.claims.get(doc_id, [])
        ]
        return _key(spans, claims, self.done[doc_id])

    def history_object(self, doc_id: str, title: str, text: str, meta: dict, annotator: str) -> dict[str, Any]:
        """What the layer history keeps of a replaced layer: ``jsonl.to_object`` of the layer as
        ``annotated_documents`` gives it (local ids s1, c1 in export order), built from the rows
        without a Span or Claim per row."""
        rows = sorted(self.spans.get(doc_id, []), key=lambda r: (r[1], r[2], r[3], r[0]))
        local: dict[int, str] = {}
        spans = []
        for n, (row_id, start, end, label, attrs_json) in enumerate(rows, start=1):
            local[row_id] = span_id = f"s{n}"
            attrs = _attrs(attrs_json)
            sources = attrs.pop("sources", None)
            entry = {"id": span_id, "start": start, "end": end, "label": label, "text": text[start:end], "attrs": attrs}
            if sources is not None:
                entry["sources"] = sources
            spans.append(entry)
        position = {row_id: n for n, row_id in enumerate(local)}
        claims = []
        for n, (claim_id, span_id, note, attrs_json) in enumerate(
            sorted(self.claims.get(doc_id, []), key=lambda r: (position.get(r[1], len(position)), r[0])), start=1
        ):
            claim: dict[str, Any] = {
                "id": f"c{n}", "span": local.get(span_id),
                "members": [local[m] for m in sorted(self.members.get(claim_id, ()), key=position.__getitem__)],
                "note": note,
            }
            attrs = _attrs(attrs_json)
            if attrs:
                claim["attrs"] = attrs
            claims.append(claim)
        obj: dict[str, Any] = {"id": doc_id, "title": title, "text": text, "meta": meta, "annotator": annotator,
                               "spans": spans, "claims": claims}
        if self.done[doc_id]:
            obj["done"] = True
        return obj


class MergeMixin:
    """Merge of other reviewers' layers."""

    def merge_layers(self, items: list[AnnotatedDocument], *, source: str = "") -> MergeResult:
        """Bring other reviewers' layers in, in one transaction; merging twice equals once.

        Documents are matched by the SHA-256 of their text. A layer this project lacks is added;
        an identical one is skipped; a different one replaces ours, and ours is kept in
        ``layer_history`` so that nothing is lost.
        """
        from ..labels import color_for_new_label

        result = MergeResult()
        scheme = self.label_scheme()
        unknown = sorted({s.label for item in items for s in item.spans if s.label not in scheme})
        with self.atomic():
            if unknown:
                taken = [label.color for label in scheme]
                new = []
                for name in unknown:
                    taken.append(color_for_new_label(name, taken))
                    new.append(Label(name=name, color=taken[-1], description="added by merge"))
                self._add_labels(new)
                result.labels_added = unknown
            labels = set(self.label_scheme().names())
            position = self._next_position()  # once: a max() per new document made the merge quadratic
            placed: list[tuple[str, AnnotatedDocument]] = []
            # The documents already here, found by one query instead of one per document.
            stored_ids = dict(self.db.execute(
                "SELECT sha256, id FROM documents WHERE sha256 IN (SELECT value FROM json_each(?))",
                (json.dumps([item.document.sha256 for item in items]),),
            ))
            for item in items:
                doc_id = stored_ids.get(item.document.sha256)
                added = doc_id is None
                if added:
                    doc_id, added = self._insert_document(item.document, position)
                    stored_ids[item.document.sha256] = doc_id
                position += int(added)
                result.documents_added += int(added)
                if item.is_layer:
                    placed.append((doc_id, item))
            by_annotator: dict[str, set[str]] = defaultdict(set)
            for doc_id, item in placed:
                by_annotator[item.annotator].add(doc_id)
            stored = {a: _Stored(self, a, doc_ids) for a, doc_ids in by_annotator.items()}
            reason = f"replaced by merge of {source}".strip()
            writer = _Writer(self, labels)
            archive: list[tuple[str, AnnotatedDocument, _Stored]] = []
            seen: set[tuple[str, str]] = set()
            for doc_id, item in placed:
                key = (doc_id, item.annotator)
                if key in seen:  # a reviewer file cannot hold this (its reader refuses two equal texts)
                    raise EditError(f"layer {item.annotator!r} of document {doc_id!r} is given twice")
                seen.add(key)
                have = stored[item.annotator]
                if doc_id in have.done:
                    if have.key(doc_id) == layer_key(item):
                        result.unchanged.append(key)
                        continue
                    result.replaced.append(key)
                    if item.annotator == GOLD:  # its rows are rewritten right away, below
                        self._archive_layers([(doc_id, item, have)], reason)
                    else:
                        archive.append((doc_id, item, have))
                else:
                    result.added.append(key)
                if item.annotator == GOLD:  # gold provenance rows: the general path
                    self._import_layer(doc_id, item, ImportResult())
                    self.db.execute("UPDATE layers SET done = ? WHERE doc_id = ? AND annotator = ?",
                                    (int(item.done), *key))
                else:
                    writer.add(doc_id, item)
            self._archive_layers(archive, reason)  # before the new rows go in
            writer.flush()
        return result

    def _archive_layers(self, layers: list[tuple[str, AnnotatedDocument, _Stored]], reason: str) -> None:
        """Keep each stored layer in ``layer_history`` as an export would write it, then delete its
        rows: a handful of statements for all of them."""
        from ..formats.jsonl import encode

        if not layers:
            return
        # Only the fields that may differ from the incoming document (matched by its text's SHA-256).
        fields = {
            doc_id: (title, source, meta) for doc_id, title, source, meta in self.db.execute(
                "SELECT id, title, source, meta FROM documents WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted({doc_id for doc_id, _item, _have in layers})),),
            )
        }
        stamp = now()
        conn = self.db.conn
        keys = [(doc_id, item.annotator) for doc_id, item, _have in layers]
        with self.lock:
            # Written a few hundred at a time: each keeps its document's whole text, and holding
            # them all (70 MB for 9,000 layers of 3-8 KB articles) raised the merge's peak memory.
            for first in range(0, len(layers), _HISTORY_BATCH):
                history = []
                for doc_id, item, have in layers[first:first + _HISTORY_BATCH]:
                    title, _source, meta = fields[doc_id]
                    current = have.history_object(doc_id, title, item.document.text, json.loads(meta), item.annotator)
                    history.append((doc_id, item.annotator, stamp, reason, encode(current).decode("utf-8")))
                conn.executemany(
                    "INSERT INTO layer_history (doc_id, annotator, replaced_at, reason, layer) VALUES (?, ?, ?, ?, ?)",
                    history,
                )
            # One statement per table, not one per layer: each statement that may abort keeps a
            # statement journal, and one per layer copied the same index pages again and again.
            listed = json.dumps(keys, ensure_ascii=False)
            for table in ("claims", "spans"):
                conn.execute(f"DELETE FROM {table} WHERE (doc_id, annotator) IN"
                             " (SELECT value ->> 0, value ->> 1 FROM json_each(?))", (listed,))


class _Writer:
    """Collects the rows of the layers being written and inserts them in bulk."""

    def __init__(self, store: Any, labels: set[str]):
        self.store, self.labels = store, labels
        self.next_span = self._next_id("spans")
        self.next_claim = self._next_id("claims")
        self.stamp = now()
        self.annotators: set[str] = set()
        self.layers: list[tuple] = []
        self.spans: list[tuple] = []
        self.claims: list[tuple] = []
        self.members: list[tuple] = []

    def _next_id(self, table: str) -> int:
        db = self.store.db
        seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        top = db.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
        return max(seq[0] if seq else 0, top or 0) + 1

    def add(self, doc_id: str, item: AnnotatedDocument) -> None:
        """One layer (none of its rows stored): spans checked as an import checks them."""
        annotator, stamp = item.annotator, self.stamp
        self.annotators.add(annotator)
        self.layers.append((doc_id, annotator, int(item.done), stamp))
        length = len(item.document.text)
        row_of: dict[tuple, int] = {}
        id_map: dict[str, int] = {}
        labels = self.labels
        for span in item.spans:
            start, end, label = span.start, span.end, span.label
            refuse_bad_span(item.document.id, length, start, end, label, labels)
            key = (start, end, label)
            row = row_of.get(key)
            if row is None:  # the same span twice in a layer is stored once, as an import does
                row = row_of[key] = self.next_span
                self.next_span += 1
                self.spans.append((row, doc_id, annotator, start, end, label,
                                   json.dumps(span.attrs, ensure_ascii=False) if span.attrs else "{}"))
            id_map[str(span.id)] = row

        def row_id(ref: object) -> int:
            try:
                return id_map[str(ref)]
            except KeyError:
                raise EditError(f"document {item.document.id!r}: a claim refers to span {ref!r}, which it lacks") from None

        for claim in item.claims:
            statement = row_id(claim.span) if claim.span is not None else None
            claim_id = self.next_claim
            self.next_claim += 1
            self.claims.append((claim_id, doc_id, annotator, statement, claim.note, stamp,
                                json.dumps(claim.attrs or {}, ensure_ascii=False)))
            for member in sorted({row_id(m) for m in claim.members}):
                if member == statement:
                    raise EditError("a claim's statement cannot also be one of its members")
                self.members.append((claim_id, member))

    def flush(self) -> None:
        conn = self.store.db.conn
        for annotator in sorted(self.annotators):
            self.store._ensure_annotator(annotator)
        with self.store.lock:
            conn.executemany(
                "INSERT INTO layers (doc_id, annotator, done, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (doc_id, annotator) DO UPDATE SET done = excluded.done, updated_at = excluded.updated_at",
                self.layers,
            )
            # One statement for all spans, not one per span: the span-end trigger makes every
            # statement keep a statement journal, and one per row copied the pages each row
            # touched (1.9 of a 10 x 1,000-document merge's 4.3 s CPU); the trigger still runs
            # for every row.
            conn.execute(
                'INSERT INTO spans (id, doc_id, annotator, start, "end", label, attrs, created_at, updated_at)'
                " SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6,"
                " ?2, ?2 FROM json_each(?1)", (json.dumps(self.spans, ensure_ascii=False), self.stamp),
            )
            conn.executemany(
                "INSERT INTO claims (id, doc_id, annotator, span_id, note, created_at, attrs) VALUES (?, ?, ?, ?, ?, ?, ?)",
                self.claims,
            )
            conn.executemany("INSERT INTO claim_members (claim_id, span_id) VALUES (?, ?)", self.members)
