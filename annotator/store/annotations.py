"""Spans and claims of one layer: the rows every annotation edit reads and writes."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ..errors import EditError
from ..model import FIGURE, Span, SpanRow, check_span
from .results import StoredClaim, attrs_from_json as _attrs, now


class AnnotationsMixin:
    """Queries and row writes for spans and claims; the public writers wrap theirs in ``atomic()``."""

    def spans(self, doc_id: str, annotator: str) -> list[Span]:
        rows = self.db.execute(
            'SELECT id, start, "end", label, attrs FROM spans WHERE doc_id = ? AND annotator = ?'
            ' ORDER BY start, "end" DESC, id',
            (doc_id, annotator),
        ).fetchall()
        return [Span(s, e, lab, i, {} if a == "{}" else json.loads(a)) for i, s, e, lab, a in rows]

    def find_span(self, doc_id: str, annotator: str, start: int, end: int, label: str) -> int | None:
        row = self.db.execute(
            'SELECT id FROM spans WHERE doc_id = ? AND annotator = ? AND start = ? AND "end" = ? AND label = ?',
            (doc_id, annotator, start, end, label),
        ).fetchone()
        return None if row is None else row[0]

    def span_rows(self, doc_id: str, annotator: str) -> list[SpanRow]:
        """The layer's spans for display, in text order, without their attributes."""
        return list(map(SpanRow._make, self.db.execute(
            'SELECT start, "end", label, id FROM spans WHERE doc_id = ? AND annotator = ? ORDER BY start, "end" DESC, id',
            (doc_id, annotator),
        )))

    def span_row(self, span_id: int) -> SpanRow | None:
        row = self.db.execute('SELECT start, "end", label, id FROM spans WHERE id = ?', (span_id,)).fetchone()
        return None if row is None else SpanRow._make(row)

    def span_text(self, doc_id: str, start: int, end: int) -> str:
        """``text[start:end]`` of a document, cut by SQLite (substr counts code points), so a
        figure reading on a key press does not copy a 20 MB article into Python."""
        row = self.db.execute("SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
                              (start + 1, max(0, end - start), doc_id)).fetchone()
        return "" if row is None else row[0]

    def _set_span_attrs(self, span_id: int, attrs: dict[str, Any]) -> None:
        self.db.execute("UPDATE spans SET attrs = ?, updated_at = ? WHERE id = ?",
                        (json.dumps(attrs, ensure_ascii=False), now(), span_id))

    def _set_span_bounds(self, span_id: int, start: int, end: int) -> None:
        self.db.execute('UPDATE spans SET start = ?, "end" = ?, updated_at = ? WHERE id = ?', (start, end, now(), span_id))

    def span(self, span_id: int) -> tuple[str, str, Span]:
        row = self.db.execute(
            'SELECT doc_id, annotator, id, start, "end", label, attrs FROM spans WHERE id = ?', (span_id,)
        ).fetchone()
        if row is None:
            raise EditError(f"no span with id {span_id}")
        d, a, i, s, e, lab, attrs = row
        return d, a, Span(start=s, end=e, label=lab, id=i, attrs=json.loads(attrs))

    def _check_new_span(self, doc_id: str, start: int, end: int, label: str) -> None:
        length = self.db.execute("SELECT length FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if length is None:
            raise EditError(f"no document with id {doc_id!r} in the project")
        problem = check_span(length[0], start, end, label)
        if problem:
            raise EditError(problem)
        if not self.db.execute("SELECT 1 FROM labels WHERE name = ?", (label,)).fetchone():
            raise EditError(f"unknown label {label!r}; the project's labels are {', '.join(self.label_scheme().names())}")

    def _insert_span(
        self, doc_id: str, annotator: str, start: int, end: int, label: str,
        attrs: dict[str, Any] | None = None, span_id: int | None = None, times: tuple[str, str] | None = None,
    ) -> int:
        self._check_new_span(doc_id, start, end, label)
        self._touch_layer(doc_id, annotator)
        stamp = now()
        created, updated = times or (stamp, stamp)
        cursor = self.db.execute(
            'INSERT INTO spans (id, doc_id, annotator, start, "end", label, attrs, created_at, updated_at)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (span_id, doc_id, annotator, start, end, label, json.dumps(attrs or {}, ensure_ascii=False), created, updated),
        )
        return cursor.lastrowid

    def add_span(
        self, doc_id: str, annotator: str, start: int, end: int, label: str,
        attrs: dict[str, Any] | None = None, span_id: int | None = None,
    ) -> int:
        """A new span; a FIGURE span gets its reading (``attrs.figure``) unless it brings an edited one."""
        with self.atomic():
            return self._insert_span(doc_id, annotator, start, end, label,
                                     self.figure_attrs(doc_id, start, end, label, attrs), span_id)

    def figure_attrs(self, doc_id: str, start: int, end: int, label: str,
                     attrs: dict[str, Any] | None) -> dict[str, Any] | None:
        """``attrs`` as a span of ``label`` over [start, end) should carry them: the automatic
        figure reading on a FIGURE span (an edited one kept), an automatic one dropped elsewhere.
        Other labels return ``attrs`` itself without importing ``annotator.figures``."""
        if label != FIGURE and not (attrs and "figure" in attrs):
            return attrs
        from ..figures import figure_attrs

        return figure_attrs(label, self.span_text(doc_id, start, end) if label == FIGURE else "", attrs)

    def _delete_span(self, span_id: int) -> None:
        self.db.execute("DELETE FROM spans WHERE id = ?", (span_id,))

    def _relabel_span(self, span_id: int, label: str) -> None:
        if not self.db.execute("SELECT 1 FROM labels WHERE name = ?", (label,)).fetchone():
            raise EditError(f"unknown label {label!r}")
        self.db.execute("UPDATE spans SET label = ?, updated_at = ? WHERE id = ?", (label, now(), span_id))

    # -- claims ------------------------------------------------------------------------------

    def claims(self, doc_id: str, annotator: str) -> list[StoredClaim]:
        """The layer's claims in text order of their statements, members in text order."""
        # Walk from the layer's claims (a covering index) to their members and spans by key;
        # starting from the layer's spans would probe claim_members once per span.
        members: dict[int, list[int]] = defaultdict(list)
        for claim_id, span_id in self.db.execute(
            """SELECT m.claim_id, m.span_id FROM claims c JOIN claim_members m ON m.claim_id = c.id
               JOIN spans s ON s.id = m.span_id WHERE c.doc_id = ? AND c.annotator = ?
               ORDER BY m.claim_id, s.start, s."end", s.id""",
            (doc_id, annotator),
        ):
            members[claim_id].append(span_id)
        rows = self.db.execute(
            """SELECT c.id, c.span_id, c.note FROM claims c LEFT JOIN spans s ON s.id = c.span_id
               WHERE c.doc_id = ? AND c.annotator = ? ORDER BY coalesce(s.start, 0), c.id""",
            (doc_id, annotator),
        ).fetchall()
        empty: tuple[int, ...] = ()
        return [StoredClaim(i, span, tuple(members[i]) if i in members else empty, note) for i, span, note in rows]

    def claim(self, claim_id: int) -> tuple[str, str, StoredClaim]:
        row = self.db.execute("SELECT doc_id, annotator, span_id, note FROM claims WHERE id = ?", (claim_id,)).fetchone()
        if row is None:
            raise EditError(f"no claim with id {claim_id}")
        members = tuple(r[0] for r in self.db.execute("SELECT span_id FROM claim_members WHERE claim_id = ?", (claim_id,)))
        return row[0], row[1], StoredClaim(claim_id, row[2], members, row[3])

    def _insert_claim(
        self, doc_id: str, annotator: str, span_id: int | None, note: str = "", claim_id: int | None = None,
        attrs: dict[str, Any] | None = None, created_at: str | None = None,
    ) -> int:
        self._touch_layer(doc_id, annotator)
        cursor = self.db.execute(
            "INSERT INTO claims (id, doc_id, annotator, span_id, note, created_at, attrs) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (claim_id, doc_id, annotator, span_id, note, created_at or now(), json.dumps(attrs or {}, ensure_ascii=False)),
        )
        return cursor.lastrowid

    def _attach(self, claim_id: int, span_id: int) -> None:
        claim = self.db.execute("SELECT doc_id, annotator, span_id FROM claims WHERE id = ?", (claim_id,)).fetchone()
        span = self.db.execute("SELECT doc_id, annotator FROM spans WHERE id = ?", (span_id,)).fetchone()
        if claim is None or span is None:
            raise EditError("the claim or the span no longer exists")
        if tuple(claim[:2]) != tuple(span):
            raise EditError("a claim can only hold spans of the same document and reviewer")
        if claim[2] == span_id:
            raise EditError("a claim's statement cannot also be one of its members")
        self.db.execute("INSERT OR IGNORE INTO claim_members (claim_id, span_id) VALUES (?, ?)", (claim_id, span_id))

    def _detach(self, claim_id: int, span_id: int) -> None:
        self.db.execute("DELETE FROM claim_members WHERE claim_id = ? AND span_id = ?", (claim_id, span_id))

    def _set_note(self, claim_id: int, note: str) -> None:
        self.db.execute("UPDATE claims SET note = ? WHERE id = ?", (note, claim_id))

    def claim_extras(self, claim_id: int) -> tuple[dict[str, Any], str | None]:
        """A claim's attrs and creation time: what undo must put back besides its shape."""
        row = self.db.execute("SELECT attrs, created_at FROM claims WHERE id = ?", (claim_id,)).fetchone()
        return ({}, None) if row is None else (_attrs(row[0]), row[1])

    def span_times(self, span_id: int) -> tuple[str, str] | None:
        return self.db.execute("SELECT created_at, updated_at FROM spans WHERE id = ?", (span_id,)).fetchone()

    def claims_with_member(self, span_id: int) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT claim_id FROM claim_members WHERE span_id = ?", (span_id,))]

    def claims_led_by(self, span_id: int) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM claims WHERE span_id = ?", (span_id,))]

    def layer_fingerprint(self, doc_id: str, annotator: str) -> tuple:
        """A cheap digest of one layer (spans, claims, members, done): when another program
        commits, the window reloads a document only if this changed."""
        spans = self.db.execute(
            'SELECT count(*), total(id), total(start * 3 + "end"), max(updated_at), group_concat(label, ",")'
            " FROM spans WHERE doc_id = ? AND annotator = ?",
            (doc_id, annotator),
        ).fetchone()
        claims = self.db.execute(
            "SELECT count(*), group_concat(id || ':' || coalesce(span_id, '') || ':' || note, '|')"
            " FROM claims WHERE doc_id = ? AND annotator = ?",
            (doc_id, annotator),
        ).fetchone()
        members = self.db.execute(
            "SELECT count(*), total(m.claim_id * 1000003 + m.span_id) FROM claim_members m"
            " JOIN claims c ON c.id = m.claim_id WHERE c.doc_id = ? AND c.annotator = ?",
            (doc_id, annotator),
        ).fetchone()
        done = self.db.execute(
            "SELECT done FROM layers WHERE doc_id = ? AND annotator = ?", (doc_id, annotator)
        ).fetchone()
        return tuple(spans), tuple(claims), tuple(members), done and done[0]
