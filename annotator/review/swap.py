"""The one writing edit of the review: swap gold rows, returning the swap that undoes it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..errors import EditError
from ..model import FIGURE, GOLD
from ..store import Store, now
from .gold import Provenance, claim_provenance



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
    # (span id, start, end, label) of kept spans; inverses add the attrs JSON to put back exactly
    updates: tuple[tuple, ...] = ()
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
            new_span_ids = _insert_gold_spans(store, self.doc_id, self.add_spans, length, labels)

            def ref(r: int | None) -> int | None:
                return new_span_ids[-1 - r] if r is not None and r < 0 else r

            old_updates = []
            for span_id, start, end, label, *exact in self.updates:
                row = db.execute('SELECT start, "end", label, attrs FROM spans WHERE id = ?', (span_id,)).fetchone()
                if row is None:
                    raise EditError("the gold span to edit no longer exists")
                problem = _check(start, end, label, length, labels)
                if problem:
                    raise EditError(problem)
                old_updates.append((span_id, *row))
                # Re-bound or relabelled, a FIGURE span's automatic reading is read again (an
                # edited one stays); undo and redo put back the exact attrs instead.
                attrs = exact[0] if exact else _figure_json(store, self.doc_id, start, end, label, row[3])
                db.execute('UPDATE spans SET start = ?, "end" = ?, label = ?, attrs = ?, updated_at = ? WHERE id = ?',
                           (start, end, label, attrs, now(), span_id))
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
            old_items = self._write_items(store)
        return GoldSwap(
            doc_id=self.doc_id, text=self.text,
            remove_claims=tuple(new_claim_ids), remove_spans=tuple(new_span_ids),
            add_spans=tuple(old_spans), add_claims=tuple(old_claims),
            updates=tuple(reversed(old_updates)), provenance=tuple(reversed(old_provenance)),
            items=tuple(reversed(old_items)),
        )


    def _write_items(self, store: Store) -> list[tuple[str, ItemRow | None]]:
        """Write the item decisions in bulk (the first opening accepts thousands); returns each
        key's row as it was before its write, in order, as writing them one by one would."""
        if not self.items:
            return []
        current = {
            key: ItemRow(*row) for key, *row in store.db.execute(
                "SELECT item_key, state, basis, decided_by, decided_at FROM review_items WHERE doc_id = ?", (self.doc_id,)
            )
        }
        old_items = []
        for key, item_row in self.items:
            old_items.append((key, current.get(key)))
            current[key] = item_row
        final = {key: current[key] for key, _row in self.items}  # a key written twice: its last row
        conn = store.db.conn
        conn.executemany("DELETE FROM review_items WHERE doc_id = ? AND item_key = ?",
                         [(self.doc_id, key) for key, row in final.items() if row is None])
        conn.executemany(
            "INSERT OR REPLACE INTO review_items (doc_id, item_key, state, basis, decided_by, decided_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(self.doc_id, key, row.state, row.basis, row.decided_by, row.decided_at)
             for key, row in final.items() if row is not None],
        )
        return old_items


def _insert_gold_spans(store: Store, doc_id: str, rows: tuple[GoldSpanRow, ...], length: int, labels: set[str]) -> list[int]:
    """Insert gold spans in bulk, returning their ids. A new row's id is chosen here as SQLite's
    AUTOINCREMENT would choose it (after every id ever used), inside the caller's transaction, so
    that one statement writes them all; a restored row keeps the id it had."""
    if not rows:
        return []
    for row in rows:
        problem = _check(row.start, row.end, row.label, length, labels)
        if problem:
            raise EditError(problem)
    db = store.db
    seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'spans'").fetchone()
    top = db.execute("SELECT max(id) FROM spans").fetchone()[0]
    next_id = max(seq[0] if seq else 0, top or 0, *(row.id for row in rows if row.id is not None)) + 1
    ids = []
    for row in rows:
        if row.id is None:
            ids.append(next_id)
            next_id += 1
        else:
            ids.append(row.id)
    stamp = now()
    conn = db.conn
    figures = _GoldFigures(store, doc_id)
    conn.executemany(
        'INSERT INTO spans (id, doc_id, annotator, start, "end", label, attrs, created_at, updated_at)'
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(span_id, doc_id, GOLD, row.start, row.end, row.label, figures.attrs(row), stamp, stamp)
         for span_id, row in zip(ids, rows)],
    )
    conn.executemany(
        "INSERT OR REPLACE INTO gold_provenance (span_id, sources, decision, decided_by, decided_at, item_key)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(span_id, json.dumps(list(p.sources)), p.decision, p.decided_by, p.decided_at, p.item_key)
         for span_id, row in zip(ids, rows) if (p := row.provenance) is not None],
    )
    return ids


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


def _figure_json(store: Store, doc_id: str, start: int, end: int, label: str, attrs: str) -> str:
    """A gold span's attrs JSON with the figure reading its label and text call for."""
    if label != FIGURE and '"figure"' not in attrs:
        return attrs
    before = json.loads(attrs)
    after = store.figure_attrs(doc_id, start, end, label, before)
    return attrs if after == before else json.dumps(after, ensure_ascii=False)


class _GoldFigures:
    """New gold FIGURE spans' attrs for one bulk insert: a reviewer's edited reading of the same
    span travels into gold (the first of the span's sources that has one, in their order);
    otherwise the automatic reading of the text. A restored span (an id: undo, redo) keeps
    exactly the attrs it had.

    What that needs is read once for all the rows: the reviewers' FIGURE spans of the document
    (one query; one per gold span scanned all the document's spans each time) and its text
    (sliced here; SQLite's substr read the whole text for every span). The first opening of a
    1 MB document with 10,000 spans x 3 reviewers spent 16 s of its 19 s there."""

    def __init__(self, store: Store, doc_id: str):
        self.store = store
        self.doc_id = doc_id
        self._edited: dict[tuple[int, int], dict[str, dict]] | None = None
        self._text: str | None = None
        self._done: dict[tuple[str, str], str] = {}  # (span text, attrs JSON) -> attrs JSON: a pure function

    def _edited_readings(self) -> dict[tuple[int, int], dict[str, dict]]:
        if self._edited is None:
            self._edited = {}
            # In (annotator, id) order, as the per-span query came: a reviewer's last one counts.
            for annotator, start, end, text in self.store.db.execute(
                'SELECT annotator, start, "end", attrs FROM spans WHERE doc_id = ? AND label = ? AND annotator != ?'
                " ORDER BY annotator, id", (self.doc_id, FIGURE, GOLD),
            ):
                figure = json.loads(text).get("figure")
                if isinstance(figure, dict) and figure.get("source") == "edited":
                    self._edited.setdefault((start, end), {})[annotator] = figure
        return self._edited

    def _span_text(self, start: int, end: int) -> str:
        if self._text is None:
            row = self.store.db.execute("SELECT text FROM documents WHERE id = ?", (self.doc_id,)).fetchone()
            self._text = "" if row is None else row[0]
        return self._text[start:end]

    def attrs(self, row: GoldSpanRow) -> str:
        if row.label != FIGURE or row.id is not None:
            return row.attrs
        from ..figures import figure_attrs

        attrs = json.loads(row.attrs)
        if not isinstance(attrs.get("figure"), dict) or attrs["figure"].get("source") != "edited":
            readings = self._edited_readings().get((row.start, row.end), {})
            order = [*(row.provenance.sources if row.provenance else ()), *sorted(readings)]
            chosen = next((readings[who] for who in order if who in readings), None)
            if chosen is not None:
                attrs["figure"] = chosen
        # Store.figure_attrs on a FIGURE span, with its text cut here
        key = (self._span_text(row.start, row.end), json.dumps(attrs, ensure_ascii=False))
        done = self._done.get(key)
        if done is None:
            done = self._done[key] = json.dumps(figure_attrs(FIGURE, key[0], attrs), ensure_ascii=False)
        return done


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
