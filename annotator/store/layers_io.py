"""Whole layers in and out: one-transaction import, the layer history, and layers read back for
export (merging other reviewers' layers is in ``merge_io``)."""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from typing import Any, Iterable, Iterator

from ..errors import EditError
from ..model import FIGURE, GOLD, AnnotatedDocument, Claim, Document, Label
from .layers_export import build_layer
from .results import ImportResult, now, refuse_bad_span


def _import_cache_kib() -> int:
    """The import's page cache in KiB: 128 MB, or ``ANNOTATOR_IMPORT_CACHE_KIB`` (the tests measure
    the import's own memory with SQLite's default 2 MB)."""
    try:
        return max(int(os.environ.get("ANNOTATOR_IMPORT_CACHE_KIB", "")), 64)
    except ValueError:
        return 128 * 1024  # pages are only held once read: a small import takes what it reads


IMPORT_CACHE_KIB = _import_cache_kib()


class LayerIOMixin:
    """Import and export of whole layers."""

    def import_items(
        self,
        items: Iterable[AnnotatedDocument],
        *,
        strict_labels: bool = False,
        new_label_color: "Any" = None,
        progress: "Any" = None,
    ) -> ImportResult:
        """Store documents and their layers in one transaction: all of it, or nothing.

        ``items`` may be a generator: each item is checked and stored as it comes, so a large
        file is never held whole, and an error from the generator (a bad line at the end of the
        file) rolls back everything stored before it. Labels the scheme lacks are added as they
        are met (with ``strict_labels``, the first one refuses the import).

        Documents are matched by the SHA-256 of their text. Spans already in a layer (same
        offsets and label) are not added twice, so importing a file twice equals importing it once.
        """
        from ..labels import color_for_new_label

        result = ImportResult(labels_added=[])
        total = len(items) if hasattr(items, "__len__") else None
        with self.atomic(), self._import_cache():
            scheme = self.label_scheme()
            labels = set(scheme.names())
            taken = [label.color for label in scheme]
            seen: set[str] = set()
            position = self._next_position()
            # Layers that cannot hold rows yet (their document was added by this import and the
            # layer not seen before in it) skip the look-up of existing spans and claims.
            fresh: set[tuple[str, str]] = set()
            layers_seen: set[tuple[str, str]] = set()
            reviewers: set[str] = set()
            stamp = now()
            for number, item in enumerate(items, start=1):
                if progress is not None and total and (number % 200 == 0 or number == total):
                    progress(number, total)  # may raise to cancel: the transaction rolls back
                new = [span.label for span in item.spans if span.label not in labels]
                if new:
                    if strict_labels:
                        raise EditError(f"document {item.document.id!r}: label {new[0]!r} is not in the project's "
                                        "scheme (import refused)")
                    added_labels = []
                    for name in dict.fromkeys(new):
                        color = (new_label_color or color_for_new_label)(name, taken)
                        taken.append(color)
                        added_labels.append(Label(name=name, color=color, description="added on import"))
                        labels.add(name)
                        result.labels_added.append(name)
                    self._add_labels(added_labels)
                doc_id, added = self._import_document(item.document, position, stamp)
                position += int(added)
                if doc_id not in seen:
                    seen.add(doc_id)
                    if added:
                        result.documents_added += 1
                    else:
                        result.documents_existing += 1
                if item.is_layer or item.spans or item.claims:
                    key = (doc_id, item.annotator)
                    if added:
                        fresh.add(key)
                    empty = key in fresh and key not in layers_seen
                    layers_seen.add(key)
                    if item.annotator not in reviewers:
                        self._ensure_annotator(item.annotator)
                        reviewers.add(item.annotator)
                    self._import_layer(doc_id, item, result, labels, empty=empty, stamp=stamp)
        return result

    @contextlib.contextmanager
    def _import_cache(self) -> Iterator[None]:
        """A larger page cache for the import (an import of 100,000 documents slowed as the file
        grew: each insert read the text-hash and span index pages from the file again)."""
        try:
            with self.page_cache(IMPORT_CACHE_KIB):
                yield
        finally:
            self._figure_filler = None  # its memo is for one import

    def _import_document(self, doc: Document, position: int, stamp: str) -> tuple[str, bool]:
        """``_insert_document`` for the import: the text's hash and the id probed in one query
        (the common case: a new text under a new id)."""
        if "\x00" in doc.text:  # SQLite's length() stops at a NUL: the text would not be what we stored
            raise EditError(f"document {doc.id!r}: its text holds a NUL character, which is not text")
        sha = doc.sha256
        existing, id_taken = self.db.execute(
            "SELECT (SELECT id FROM documents WHERE sha256 = ?), EXISTS (SELECT 1 FROM documents WHERE id = ?)",
            (sha, doc.id)).fetchone()
        if existing is not None:
            return existing, False
        if id_taken:
            return self._insert_document(doc, position)  # a different text under a taken id: kept apart
        self.db.execute(
            "INSERT INTO documents (id, title, text, source, sha256, meta, position, imported_at, length)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc.id, doc.title, doc.text, doc.source, sha, json.dumps(doc.meta, ensure_ascii=False) if doc.meta else "{}",
             position, stamp, len(doc.text)),
        )
        return doc.id, True

    def _import_layer(
        self, doc_id: str, item: AnnotatedDocument, result: ImportResult, labels: set[str] | None = None,
        *, empty: bool = False, stamp: str | None = None,
    ) -> None:
        """Add one reviewer's layer: spans checked here in Python, then written in bulk. ``empty``
        says the layer is known to hold nothing yet (and its reviewer is known to the project:
        ``import_items`` ensures it once per reviewer)."""
        annotator = item.annotator
        db = self.db
        stamp = stamp or now()
        if empty:
            # A new layer of a new document: nothing to update, no reviewer row to check again.
            db.execute("INSERT INTO layers (doc_id, annotator, done, updated_at) VALUES (?, ?, ?, ?)",
                       (doc_id, annotator, int(bool(item.done)), stamp))
        else:
            self._touch_layer(doc_id, annotator)
        result.layers += 1
        labels = labels if labels is not None else set(self.label_scheme().names())
        length = len(item.document.text)
        existing = {} if empty else {
            (s, e, lab): i
            for i, s, e, lab in db.execute(
                'SELECT id, start, "end", label FROM spans WHERE doc_id = ? AND annotator = ?', (doc_id, annotator)
            )
        }
        new_rows = []
        for span in item.spans:
            start, end, label = span.start, span.end, span.label
            refuse_bad_span(item.document.id, length, start, end, label, labels)
            key = (start, end, label)
            if key in existing:
                result.spans_existing += 1
                continue
            existing[key] = None  # placeholder until the row id is known
            attrs = span.attrs
            if label == FIGURE and not attrs:  # the common case: the reading's JSON, memoised
                attrs_json = self._figure_filler_now().attrs_json(item.document.text[start:end])
            else:
                if label == FIGURE or (attrs and "figure" in attrs):
                    attrs = self._imported_figure(label, item.document.text[start:end], attrs)
                attrs_json = json.dumps(attrs, ensure_ascii=False) if attrs else "{}"
            new_rows.append((doc_id, annotator, start, end, label, attrs_json, stamp, stamp))
        insert = ('INSERT INTO spans (doc_id, annotator, start, "end", label, attrs, created_at, updated_at)'
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        if new_rows:
            db.conn.executemany(insert, new_rows)
        if new_rows and (item.claims or annotator == GOLD):
            # Claims and gold provenance need the new row ids: one look-up of the layer (its
            # offsets and label are unique in it) rather than one INSERT per span.
            existing.update(((s, e, lab), i) for i, s, e, lab in db.execute(
                'SELECT id, start, "end", label FROM spans WHERE doc_id = ? AND annotator = ?', (doc_id, annotator)))
        result.spans_added += len(new_rows)
        if item.claims or annotator == GOLD:
            id_map = {str(span.id): existing[(span.start, span.end, span.label)] for span in item.spans}
            if annotator == GOLD:
                self._import_gold_provenance(item, id_map)
            self._import_claims(doc_id, item, id_map, result, empty=empty, stamp=stamp)
        if item.done and not empty:
            db.execute("UPDATE layers SET done = 1 WHERE doc_id = ? AND annotator = ?", (doc_id, annotator))

    def _imported_figure(self, label: str, text: str, attrs: dict[str, Any]) -> dict[str, Any]:
        """A span's attrs as stored: a FIGURE span without a reading gets the automatic one (as a
        span made in the window does); a reading the file carries is kept, its absent fields null
        (``annotator.formats.item_checks`` refused a malformed one before it got here)."""
        from ..figures.stored import complete, reading_problem

        reading = attrs.get("figure") if attrs else None
        if reading is not None:
            problem = reading_problem(reading)
            if problem:
                raise EditError(f"a figure reading on {text!r:.60}: {problem}")
            return {**attrs, "figure": complete(reading)}
        if label != FIGURE:
            return attrs
        return {**(attrs or {}), "figure": self._figure_filler_now().reading(text)}

    def _figure_filler_now(self) -> Any:
        filler = getattr(self, "_figure_filler", None)
        if filler is None:
            from ..figures.stored import Filler

            filler = self._figure_filler = Filler()
        return filler

    def _import_gold_provenance(self, item: AnnotatedDocument, id_map: dict[str, int]) -> None:
        """Exported gold carries its provenance in attrs; put it back where adjudication keeps it."""
        for span in item.spans:
            a = span.attrs
            if a.get("decision") in ("unanimous", "adjudicated", "edited"):
                self.db.execute(
                    "INSERT OR IGNORE INTO gold_provenance (span_id, sources, decision, decided_by, decided_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (id_map[str(span.id)], json.dumps(a.get("sources") or []), a["decision"],
                     str(a.get("decided_by", "")), str(a.get("decided_at", ""))),
                )

    def _import_claims(self, doc_id: str, item: AnnotatedDocument, id_map: dict[str, int], result: ImportResult,
                       *, empty: bool = False, stamp: str | None = None) -> None:
        """Add the layer's claims that it does not hold yet. A claim is its statement, its members
        and its note: two claims on one statement stay two, and importing a file again (claims
        without a statement too) adds nothing."""
        have: dict[tuple, list[int]] = defaultdict(list)
        members_of: dict[int, set[int]] = defaultdict(set)
        for claim_id, span_id in () if empty else self.db.execute(
            "SELECT m.claim_id, m.span_id FROM claim_members m JOIN claims c ON c.id = m.claim_id"
            " WHERE c.doc_id = ? AND c.annotator = ?", (doc_id, item.annotator),
        ):
            members_of[claim_id].add(span_id)
        for claim_id, span_id, note in () if empty else self.db.execute(
            "SELECT id, span_id, note FROM claims WHERE doc_id = ? AND annotator = ? ORDER BY id", (doc_id, item.annotator)
        ):
            have[(span_id, frozenset(members_of[claim_id]), note)].append(claim_id)

        def row_id(ref: object) -> int:
            try:
                return id_map[str(ref)]
            except KeyError:
                raise EditError(f"document {item.document.id!r}: a claim refers to span {ref!r}, which it lacks") from None

        decided: list[tuple[Claim, int | None]] = []  # each claim and its row id (None: new, not known yet)
        new_rows = []
        new_members = []
        for claim in item.claims:
            statement = row_id(claim.span) if claim.span is not None else None
            members = frozenset(row_id(m) for m in claim.members)
            key = (statement, members, claim.note)
            if have.get(key):
                decided.append((claim, have[key].pop(0)))  # this one is already here: the next equal one is new
                continue
            if statement is not None and statement in members:
                raise EditError(f"document {item.document.id!r}: claim {claim.id!r}: its statement cannot also "
                                "be one of its members")
            decided.append((claim, None))
            new_rows.append((doc_id, item.annotator, statement, claim.note, stamp or now(),
                             json.dumps(claim.attrs, ensure_ascii=False) if claim.attrs else "{}"))
            new_members.append(sorted(members))
        if new_rows:
            # In bulk: the layer is touched already and every id in id_map is a span of this layer
            # (so _insert_claim's and _attach's checks would only repeat themselves). New rows get
            # ids above every earlier one (AUTOINCREMENT), in the order inserted.
            self.db.conn.executemany(
                "INSERT INTO claims (doc_id, annotator, span_id, note, created_at, attrs) VALUES (?, ?, ?, ?, ?, ?)",
                new_rows)
            ids = [r[0] for r in self.db.execute(
                "SELECT id FROM claims WHERE doc_id = ? AND annotator = ? ORDER BY id", (doc_id, item.annotator))]
            added = ids[len(ids) - len(new_rows):]
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO claim_members (claim_id, span_id) VALUES (?, ?)",
                [(claim_id, member) for claim_id, members in zip(added, new_members) for member in members])
            fresh_ids = iter(added)
            decided = [(claim, next(fresh_ids) if claim_id is None else claim_id) for claim, claim_id in decided]
            result.claims_added += len(new_rows)
        if item.annotator == GOLD:
            for claim, claim_id in decided:
                a = claim.attrs
                if a.get("decision") in ("unanimous", "adjudicated", "edited"):
                    self.db.execute(
                        "INSERT OR IGNORE INTO gold_claim_provenance (claim_id, sources, decision, decided_by, decided_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (claim_id, json.dumps(a.get("sources") or []), a["decision"],
                         str(a.get("decided_by", "")), str(a.get("decided_at", ""))),
                    )

    def layer_history(self, doc_id: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT id, doc_id, annotator, replaced_at, reason, layer FROM layer_history"
        rows = self.db.execute(sql + (" WHERE doc_id = ?" if doc_id else "") + " ORDER BY id", (doc_id,) if doc_id else ())
        return [
            {"id": i, "doc_id": d, "annotator": a, "replaced_at": t, "reason": r, "layer": json.loads(layer)}
            for i, d, a, t, r, layer in rows
        ]

    def annotated_documents(
        self, *, annotator: str | None = None, doc_ids: Iterable[str] | None = None
    ) -> Iterator[AnnotatedDocument]:
        """Every layer (or one reviewer's), in document order, with spans numbered s1, s2, ...

        Span and claim ids in the output are the layer's own (``s1``, ``c1``) so that exports are
        stable whatever the row ids in this file are.
        """
        wanted = set(doc_ids) if doc_ids is not None else None
        layer_rows = self.layers()
        spans_by_layer: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        span_sql = 'SELECT doc_id, annotator, id, start, "end", label, attrs FROM spans'
        params: tuple = ()
        if annotator is not None:
            span_sql += " WHERE annotator = ?"
            params = (annotator,)
        # Sorting each layer here is cheaper than SQLite sorting every span of the project at once.
        for row in self.db.execute(span_sql, params):
            spans_by_layer[(row[0], row[1])].append(row[2:])
        claims_by_layer: dict[tuple[str, str], list[tuple]] = defaultdict(list)
        for row in self.db.execute("SELECT doc_id, annotator, id, span_id, note, attrs FROM claims ORDER BY id"):
            claims_by_layer[(row[0], row[1])].append(row[2:])
        members: dict[int, list[int]] = defaultdict(list)
        for claim_id, span_id in self.db.execute("SELECT claim_id, span_id FROM claim_members"):
            members[claim_id].append(span_id)

        current_doc: Document | None = None
        for doc_id, layer_annotator, done in layer_rows:
            if annotator is not None and layer_annotator != annotator:
                continue
            if wanted is not None and doc_id not in wanted:
                continue
            if current_doc is None or current_doc.id != doc_id:
                current_doc = self.document(doc_id)
            yield build_layer(
                current_doc, layer_annotator, done, spans_by_layer.get((doc_id, layer_annotator), []),
                claims_by_layer.get((doc_id, layer_annotator), []), members,
            )
