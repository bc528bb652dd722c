"""The project file: one SQLite database holding documents, the label scheme and every layer.

Every write is one transaction (``with self.atomic():``), the journal is WAL, and foreign keys are
on for every connection, so an acknowledged change survives a crash or a kill. A file written by
a newer version of the app is refused rather than half-understood.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils
from sqlite_utils.migrations import Migrations

from .errors import EditError, StoreError
from .model import (
    CLAIM,
    GOLD,
    SpanRow,
    AnnotatedDocument,
    Claim,
    Document,
    Label,
    LabelScheme,
    Span,
    check_span,
    text_sha256,
)

SQLITE_HEADER = b"SQLite format 3\x00"

migrations = Migrations("annotator")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    for statement in (
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            sha256 TEXT NOT NULL UNIQUE,
            meta TEXT NOT NULL DEFAULT '{}',
            position INTEGER NOT NULL,
            imported_at TEXT NOT NULL
        )""",
        # The text of an imported document never changes: spans point into it by offset.
        """CREATE TRIGGER documents_text_is_immutable BEFORE UPDATE OF text ON documents
           BEGIN SELECT RAISE(ABORT, 'the text of a document never changes'); END""",
        """CREATE TABLE annotators (name TEXT PRIMARY KEY, created_at TEXT NOT NULL)""",
        """CREATE TABLE labels (
            name TEXT PRIMARY KEY CHECK (length(trim(name)) > 0),
            color TEXT NOT NULL,
            shortcut TEXT,
            alt_shortcut TEXT,
            description TEXT NOT NULL DEFAULT '',
            style TEXT NOT NULL DEFAULT 'background',
            position INTEGER NOT NULL
        )""",
        # A layer is one reviewer's work on one document; it exists once they have worked on it,
        # even with no spans, so that "marked nothing" differs from "never saw it".
        """CREATE TABLE layers (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            done INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, annotator)
        )""",
        """CREATE TABLE spans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL REFERENCES labels(name) ON UPDATE CASCADE,
            attrs TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            CHECK (start >= 0 AND start < "end")
        )""",
        "CREATE INDEX spans_doc_annotator ON spans(doc_id, annotator)",
        # end <= len(text) needs the document row, which a CHECK cannot see; SQLite's length()
        # counts characters (code points) of TEXT, the same unit as our offsets.
        """CREATE TRIGGER spans_end_in_text_insert BEFORE INSERT ON spans
           WHEN NEW."end" > (SELECT length(text) FROM documents WHERE id = NEW.doc_id)
           BEGIN SELECT RAISE(ABORT, 'span end is beyond the end of the document text'); END""",
        """CREATE TRIGGER spans_end_in_text_update BEFORE UPDATE OF start, "end" ON spans
           WHEN NEW."end" > (SELECT length(text) FROM documents WHERE id = NEW.doc_id)
           BEGIN SELECT RAISE(ABORT, 'span end is beyond the end of the document text'); END""",
        """CREATE TABLE claims (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL REFERENCES annotators(name),
            span_id INTEGER REFERENCES spans(id) ON DELETE CASCADE,
            note TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX claims_doc_annotator ON claims(doc_id, annotator)",
        """CREATE TABLE claim_members (
            claim_id INTEGER NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
            span_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            PRIMARY KEY (claim_id, span_id)
        )""",
        "CREATE INDEX claim_members_span ON claim_members(span_id)",
    ):
        db.execute(statement)


@migrations()
def m002_layer_history(db: sqlite_utils.Database) -> None:
    # When a merged reviewer file replaces a layer, the replaced layer is kept here (as a native
    # JSONL object) so that nothing is ever lost.
    db.execute(
        """CREATE TABLE layer_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            replaced_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            layer TEXT NOT NULL
        )"""
    )


@migrations()
def m003_adjudication(db: sqlite_utils.Database) -> None:
    # Gold spans and claims live in spans/claims under the reserved annotator "gold"; these tables
    # say where each came from and what the lead decided about each disagreement item.
    for statement in (
        """CREATE TABLE gold_provenance (
            span_id INTEGER PRIMARY KEY REFERENCES spans(id) ON DELETE CASCADE,
            sources TEXT NOT NULL DEFAULT '[]',
            decision TEXT NOT NULL CHECK (decision IN ('unanimous', 'adjudicated', 'edited')),
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            item_key TEXT
        )""",
        """CREATE TABLE gold_claim_provenance (
            claim_id INTEGER PRIMARY KEY REFERENCES claims(id) ON DELETE CASCADE,
            sources TEXT NOT NULL DEFAULT '[]',
            decision TEXT NOT NULL CHECK (decision IN ('unanimous', 'adjudicated', 'edited')),
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL
        )""",
        # One row per disagreement item decided. basis is a digest of the reviewers' spans the
        # decision was made on: when a merge changes them, the item opens again.
        """CREATE TABLE review_items (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('accepted', 'rejected')),
            basis TEXT NOT NULL,
            decided_by TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, item_key)
        )""",
    ):
        db.execute(statement)


@migrations()
def m004_claim_attrs(db: sqlite_utils.Database) -> None:
    # Claims carry attributes as spans do (gold claims keep their provenance there on export).
    db.execute("ALTER TABLE claims ADD COLUMN attrs TEXT NOT NULL DEFAULT '{}'")


@migrations()
def m005_document_length(db: sqlite_utils.Database) -> None:
    # The text never changes, so its length (code points) is stored once: checking a span's end
    # no longer reads a whole (possibly megabytes long) text on every insert.
    db.execute("ALTER TABLE documents ADD COLUMN length INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE documents SET length = length(text)")
    for name in ("spans_end_in_text_insert", "spans_end_in_text_update"):
        db.execute(f"DROP TRIGGER {name}")
    db.execute(
        """CREATE TRIGGER spans_end_in_text_insert BEFORE INSERT ON spans
           WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.doc_id)
           BEGIN SELECT RAISE(ABORT, 'span end is beyond the end of the document text'); END"""
    )
    db.execute(
        """CREATE TRIGGER spans_end_in_text_update BEFORE UPDATE OF start, "end" ON spans
           WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.doc_id)
           BEGIN SELECT RAISE(ABORT, 'span end is beyond the end of the document text'); END"""
    )
    db.execute(
        """CREATE TRIGGER documents_length_matches_text BEFORE INSERT ON documents
           WHEN NEW.length != length(NEW.text)
           BEGIN SELECT RAISE(ABORT, 'document length does not match its text'); END"""
    )


SCHEMA_VERSION = 5  # the number of migrations above; written to PRAGMA user_version

REQUIRED_COLUMNS = {
    "documents": {"id", "title", "text", "source", "meta", "position"},
    "labels": {"name", "color", "shortcut", "description"},
    "layers": {"doc_id", "annotator", "done"},
    "spans": {"id", "doc_id", "annotator", "start", "end", "label", "attrs"},
    "claims": {"id", "doc_id", "annotator", "span_id", "note"},
    "claim_members": {"claim_id", "span_id"},
}


def refuse_foreign_or_newer(db: sqlite_utils.Database, path: Path) -> None:
    """Raise StoreError unless ``db`` is an Annotator project this version can read. Reads only."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = set(db.table_names())
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: was written by a newer version of Annotator (schema {version}, this app "
            f"knows up to {SCHEMA_VERSION}); update Annotator to open it"
        )
    if tables and Migrations.migrations_table not in tables:
        raise StoreError(f"{path}: is a SQLite database but not an Annotator project")
    known = {m.name for m in migrations._migrations}
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        raise StoreError(
            f"{path}: was written by a newer version of Annotator (it has schema changes "
            f"{', '.join(unknown)}); update Annotator to open it"
        )


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    title: str
    length: int
    spans: int
    claims: int
    done: bool


@dataclass(frozen=True)
class StoredClaim:
    id: int
    span_id: int | None
    members: tuple[int, ...]
    note: str


@dataclass
class MergeResult:
    documents_added: int = 0
    added: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    labels_added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the merge did differently from asked (one line each)

    def summary(self) -> str:
        text = (
            f"{len(self.added)} layer(s) added, {len(self.replaced)} replaced, {len(self.unchanged)} unchanged; "
            f"{self.documents_added} new document(s)"
        )
        if self.replaced:
            text += "\nreplaced (the old versions are kept in the project's layer history): " + ", ".join(
                f"{who} on {doc}" for doc, who in self.replaced
            )
        if self.labels_added:
            text += f"\nnew labels added to the scheme: {', '.join(self.labels_added)}"
        return "\n".join([text, *self.notes])


@dataclass
class ImportResult:
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    claims_added: int = 0
    labels_added: list[str] | None = None
    layers: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.documents_added} document(s) added"]
        if self.documents_existing:
            parts.append(f"{self.documents_existing} already in the project")
        parts.append(f"{self.spans_added} span(s) and {self.claims_added} claim(s) added")
        if self.spans_existing:
            parts.append(f"{self.spans_existing} span(s) were already there")
        text = ", ".join(parts)
        if self.labels_added:
            text += f"; new labels added to the scheme: {', '.join(self.labels_added)}"
        return text


def check_file_kind(path: Path, *, create: bool) -> None:
    """Refuse folders, unreadable files and files that are not SQLite, before opening them."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a project file")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no such project file")
        if not path.parent.exists():
            raise StoreError(f"{path}: the folder {path.parent} does not exist")
        return
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the project file ({exc.strerror})") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path}: is not an Annotator project (not a SQLite database)")


def _export_order(row: tuple) -> tuple:
    _id, start, end, label, _attrs_text = row
    return start, end, label, _id


def _attrs(stored: str) -> dict[str, Any]:
    return {} if stored == "{}" else json.loads(stored)  # most spans have none: skip the parser


def _layer_key(item: AnnotatedDocument) -> tuple:
    """What makes two layers the same, whatever their ids: spans, claims (by their spans), done."""
    key_of = {str(s.id): (s.start, s.end, s.label) for s in item.spans}
    spans = sorted((s.start, s.end, s.label, json.dumps(s.attrs, sort_keys=True)) for s in item.spans)
    claims = sorted(
        (key_of.get(str(c.span)), tuple(sorted(key_of[str(m)] for m in c.members)), c.note)
        for c in item.claims
    )
    return spans, claims, bool(item.done)


def _describe_sqlite_error(exc: sqlite3.Error, path: Path) -> str:
    message = str(exc)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"{path}: the project file is locked by another program; close it and try again"
    if "full" in lowered:
        return f"{path}: the disk is full; free some space, nothing was written"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{path}: the project file is damaged ({message})"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path}: the project file is read-only"
    if "unable to open" in lowered:
        return f"{path}: cannot open the project file ({message})"
    return f"{path}: {message}"


class Store:
    """A project file on disk. Create it with a path; outstanding migrations run on open."""

    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        self._check_file_kind(create)
        try:
            conn = sqlite3.connect(str(self.path), timeout=5.0)
            self.db = sqlite_utils.Database(conn, execute_plugins=False)
            self._refuse_foreign_or_newer()  # before anything writes to the file
            self._configure()
            self._migrate()
        except sqlite3.Error as exc:
            with contextlib.suppress(Exception):
                conn.close()
            raise StoreError(_describe_sqlite_error(exc, self.path)) from None

    # -- opening -----------------------------------------------------------------------------

    def _check_file_kind(self, create: bool) -> None:
        check_file_kind(self.path, create=create)

    def _configure(self) -> None:
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 5000")
        if self.db.journal_mode != "wal":
            self.db.enable_wal()
        # WAL with synchronous=FULL: a commit that returned is on disk, even across power loss.
        self.db.execute("PRAGMA synchronous = FULL")

    def _refuse_foreign_or_newer(self) -> None:
        refuse_foreign_or_newer(self.db, self.path)

    def _migrate(self) -> None:
        if migrations.pending(self.db):
            migrations.apply(self.db)
            self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One transaction; SQLite errors become StoreError/EditError with a readable message."""
        try:
            with self.db.atomic():
                yield
        except sqlite3.IntegrityError as exc:
            raise EditError(f"the change was refused: {exc}") from None
        except sqlite3.Error as exc:
            raise StoreError(_describe_sqlite_error(exc, self.path)) from None

    def integrity_ok(self) -> bool:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- labels ------------------------------------------------------------------------------

    def label_scheme(self) -> LabelScheme:
        rows = self.db.execute(
            "SELECT name, color, shortcut, alt_shortcut, description, style FROM labels ORDER BY position"
        ).fetchall()
        return LabelScheme([Label(n, c, s, d or "", st, a) for n, c, s, a, d, st in rows])

    def _add_labels(self, labels: Iterable[Label]) -> None:
        position = self.db.execute("SELECT coalesce(max(position), -1) FROM labels").fetchone()[0]
        for label in labels:
            position += 1
            self.db.execute(
                "INSERT INTO labels (name, color, shortcut, alt_shortcut, description, style, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (label.name, label.color, label.shortcut, label.alt_shortcut, label.description, label.style, position),
            )

    def add_labels(self, labels: Iterable[Label]) -> None:
        with self.atomic():
            self._add_labels(labels)

    # -- documents ---------------------------------------------------------------------------

    def document_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def document(self, doc_id: str) -> Document:
        row = self.db.execute(
            "SELECT id, title, text, source, meta FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise EditError(f"no document with id {doc_id!r} in the project")
        return Document(id=row[0], title=row[1], text=row[2], source=row[3], meta=json.loads(row[4]))

    def set_title(self, doc_id: str, title: str) -> None:
        """Rename a document (its title is ours to change; its text never is)."""
        title = " ".join(title.split())
        if not title:
            raise EditError("a document title cannot be empty")
        with self.atomic():
            if self.db.execute("UPDATE documents SET title = ? WHERE id = ?", (title, doc_id)).rowcount != 1:
                raise EditError(f"no document with id {doc_id!r} in the project")

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY position")]

    def document_summaries(self, annotator: str, doc_id: str | None = None) -> list[DocumentSummary]:
        """Counts per document for one reviewer: every document, or just ``doc_id``."""
        rows = self.db.execute(
            """SELECT d.id, d.title, d.length,
                      (SELECT count(*) FROM spans s WHERE s.doc_id = d.id AND s.annotator = :a),
                      (SELECT count(*) FROM claims c WHERE c.doc_id = d.id AND c.annotator = :a),
                      coalesce((SELECT done FROM layers l WHERE l.doc_id = d.id AND l.annotator = :a), 0)
               FROM documents d WHERE :d IS NULL OR d.id = :d ORDER BY d.position""",
            {"a": annotator, "d": doc_id},
        ).fetchall()
        return [DocumentSummary(i, t, n, s, c, bool(done)) for i, t, n, s, c, done in rows]

    def _insert_document(self, doc: Document, position: int | None = None) -> tuple[str, bool]:
        """Insert ``doc`` unless a document with the same text exists; return (stored id, added)."""
        sha = doc.sha256
        existing = self.db.execute("SELECT id FROM documents WHERE sha256 = ?", (sha,)).fetchone()
        if existing:
            return existing[0], False
        doc_id, suffix = doc.id, 2
        # A different text under the same id: keep both, apart (every probe uses the primary key).
        while self.db.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone():
            doc_id = f"{doc.id}-{suffix}"
            suffix += 1
        if position is None:
            position = self._next_position()
        self.db.execute(
            "INSERT INTO documents (id, title, text, source, sha256, meta, position, imported_at, length)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (doc_id, doc.title, doc.text, doc.source, sha, json.dumps(doc.meta, ensure_ascii=False), position, now(),
             len(doc.text)),
        )
        return doc_id, True

    def _next_position(self) -> int:
        return self.db.execute("SELECT coalesce(max(position), -1) + 1 FROM documents").fetchone()[0]

    # -- annotators and layers ---------------------------------------------------------------

    def _ensure_annotator(self, name: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", (name, now()))

    def _touch_layer(self, doc_id: str, annotator: str) -> None:
        self._ensure_annotator(annotator)
        self.db.execute(
            "INSERT INTO layers (doc_id, annotator, done, updated_at) VALUES (?, ?, 0, ?)"
            " ON CONFLICT (doc_id, annotator) DO UPDATE SET updated_at = excluded.updated_at",
            (doc_id, annotator, now()),
        )

    def annotators(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM annotators ORDER BY name")]

    def layers(self, doc_id: str | None = None) -> list[tuple[str, str, bool]]:
        sql = "SELECT l.doc_id, l.annotator, l.done FROM layers l JOIN documents d ON d.id = l.doc_id"
        params: tuple = ()
        if doc_id is not None:
            sql += " WHERE l.doc_id = ?"
            params = (doc_id,)
        sql += " ORDER BY d.position, l.annotator"
        return [(d, a, bool(done)) for d, a, done in self.db.execute(sql, params)]

    def has_multi_reviewer_documents(self) -> bool:
        return self.db.execute(
            "SELECT 1 FROM layers WHERE annotator != 'gold' GROUP BY doc_id HAVING count(*) >= 2 LIMIT 1"
        ).fetchone() is not None

    def set_done(self, doc_id: str, annotator: str, done: bool) -> None:
        with self.atomic():
            self._touch_layer(doc_id, annotator)
            self.db.execute(
                "UPDATE layers SET done = ? WHERE doc_id = ? AND annotator = ?", (int(done), doc_id, annotator)
            )

    # -- spans -------------------------------------------------------------------------------

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
        with self.atomic():
            return self._insert_span(doc_id, annotator, start, end, label, attrs, span_id)

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

    # -- import and export -------------------------------------------------------------------

    def import_items(
        self,
        items: list[AnnotatedDocument],
        *,
        strict_labels: bool = False,
        new_label_color: "Any" = None,
        progress: "Any" = None,
    ) -> ImportResult:
        """Store documents and their layers in one transaction: all of it, or nothing.

        Documents are matched by the SHA-256 of their text. Spans already in a layer (same
        offsets and label) are not added twice, so importing a file twice equals importing it once.
        """
        from .labels import color_for_new_label

        result = ImportResult(labels_added=[])
        scheme = self.label_scheme()
        unknown: list[str] = []
        for item in items:
            for span in item.spans:
                if span.label not in scheme and span.label not in unknown:
                    unknown.append(span.label)
        if unknown and strict_labels:
            raise EditError(f"labels not in the project's scheme: {', '.join(unknown)} (import refused)")
        with self.atomic():
            if unknown:
                taken = [label.color for label in scheme]
                new = []
                for name in unknown:
                    color = (new_label_color or color_for_new_label)(name, taken)
                    taken.append(color)
                    new.append(Label(name=name, color=color, description="added on import"))
                self._add_labels(new)
                result.labels_added = unknown
            seen: set[str] = set()
            position = self._next_position()
            labels = set(self.label_scheme().names())
            for number, item in enumerate(items, start=1):
                if progress is not None and (number % 200 == 0 or number == len(items)):
                    progress(number, len(items))  # may raise to cancel: the transaction rolls back
                doc_id, added = self._insert_document(item.document, position)
                position += int(added)
                if doc_id not in seen:
                    seen.add(doc_id)
                    if added:
                        result.documents_added += 1
                    else:
                        result.documents_existing += 1
                if item.is_layer or item.spans or item.claims:
                    self._import_layer(doc_id, item, result, labels)
        return result

    def _import_layer(
        self, doc_id: str, item: AnnotatedDocument, result: ImportResult, labels: set[str] | None = None
    ) -> None:
        """Add one reviewer's layer: spans checked here in Python, then written in bulk."""
        annotator = item.annotator
        self._touch_layer(doc_id, annotator)
        result.layers += 1
        labels = labels if labels is not None else set(self.label_scheme().names())
        length = len(item.document.text)
        existing = {
            (s, e, lab): i
            for i, s, e, lab in self.db.execute(
                'SELECT id, start, "end", label FROM spans WHERE doc_id = ? AND annotator = ?', (doc_id, annotator)
            )
        }
        stamp = now()
        new_rows = []
        for span in item.spans:
            problem = check_span(length, span.start, span.end, span.label)
            if problem:
                raise EditError(f"document {item.document.id!r}: {problem}")
            if span.label not in labels:
                raise EditError(f"document {item.document.id!r}: unknown label {span.label!r}")
            key = (span.start, span.end, span.label)
            if key in existing:
                result.spans_existing += 1
                continue
            existing[key] = None  # placeholder until the row id is known
            new_rows.append((doc_id, annotator, span.start, span.end, span.label,
                             json.dumps(span.attrs, ensure_ascii=False) if span.attrs else "{}", stamp, stamp))
        insert = ('INSERT INTO spans (doc_id, annotator, start, "end", label, attrs, created_at, updated_at)'
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        if item.claims or annotator == GOLD:
            for row in new_rows:  # claims and gold provenance need the new row ids
                existing[(row[2], row[3], row[4])] = self.db.execute(insert, row).lastrowid
        else:
            self.db.conn.executemany(insert, new_rows)
        result.spans_added += len(new_rows)
        if item.claims or annotator == GOLD:
            id_map = {str(span.id): existing[(span.start, span.end, span.label)] for span in item.spans}
            if annotator == GOLD:
                self._import_gold_provenance(item, id_map)
            self._import_claims(doc_id, item, id_map, result)
        if item.done:
            self.db.execute("UPDATE layers SET done = 1 WHERE doc_id = ? AND annotator = ?", (doc_id, annotator))

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

    def _import_claims(self, doc_id: str, item: AnnotatedDocument, id_map: dict[str, int], result: ImportResult) -> None:
        led = {r[0]: r[1] for r in self.db.execute(
            "SELECT span_id, id FROM claims WHERE doc_id = ? AND annotator = ? AND span_id IS NOT NULL",
            (doc_id, item.annotator),
        )}
        for claim in item.claims:
            statement = id_map.get(str(claim.span)) if claim.span is not None else None
            claim_id = led.get(statement) if statement is not None else None
            if claim_id is None:
                claim_id = self._insert_claim(doc_id, item.annotator, statement, claim.note, attrs=claim.attrs)
                if statement is not None:
                    led[statement] = claim_id
                result.claims_added += 1
            for member in claim.members:
                self._attach(claim_id, id_map[str(member)])
            a = claim.attrs
            if item.annotator == GOLD and a.get("decision") in ("unanimous", "adjudicated", "edited"):
                self.db.execute(
                    "INSERT OR IGNORE INTO gold_claim_provenance (claim_id, sources, decision, decided_by, decided_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (claim_id, json.dumps(a.get("sources") or []), a["decision"],
                     str(a.get("decided_by", "")), str(a.get("decided_at", ""))),
                )

    def merge_layers(self, items: list[AnnotatedDocument], *, source: str = "") -> "MergeResult":
        """Bring other reviewers' layers in, in one transaction; merging twice equals once.

        Documents are matched by the SHA-256 of their text. A layer this project lacks is added;
        an identical one is skipped; a different one replaces ours, and ours is kept in
        ``layer_history`` so that nothing is lost.
        """
        from .labels import color_for_new_label

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
            for item in items:
                doc_id, added = self._insert_document(item.document)
                result.documents_added += int(added)
                if not item.is_layer:
                    continue
                key = (doc_id, item.annotator)
                if self.db.execute(
                    "SELECT 1 FROM layers WHERE doc_id = ? AND annotator = ?", key
                ).fetchone():
                    current = next(self.annotated_documents(annotator=item.annotator, doc_ids=[doc_id]))
                    if _layer_key(current) == _layer_key(item):
                        result.unchanged.append(key)
                        continue
                    self._archive_layer(current, doc_id, f"replaced by merge of {source}".strip())
                    result.replaced.append(key)
                else:
                    result.added.append(key)
                self._import_layer(doc_id, item, ImportResult())
                self.db.execute(
                    "UPDATE layers SET done = ? WHERE doc_id = ? AND annotator = ?", (int(item.done), *key)
                )
        return result

    def _archive_layer(self, current: AnnotatedDocument, doc_id: str, reason: str) -> None:
        from .formats.jsonl import to_object

        self.db.execute(
            "INSERT INTO layer_history (doc_id, annotator, replaced_at, reason, layer) VALUES (?, ?, ?, ?, ?)",
            (doc_id, current.annotator, now(), reason, json.dumps(to_object(current), ensure_ascii=False)),
        )
        self.db.execute("DELETE FROM claims WHERE doc_id = ? AND annotator = ?", (doc_id, current.annotator))
        self.db.execute("DELETE FROM spans WHERE doc_id = ? AND annotator = ?", (doc_id, current.annotator))

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
            rows = spans_by_layer.get((doc_id, layer_annotator), [])
            rows.sort(key=_export_order)
            local = {row_id: f"s{n}" for n, (row_id, *_rest) in enumerate(rows, start=1)}
            spans = [
                Span(start=s, end=e, label=lab, id=local[i], attrs=_attrs(a)) for i, s, e, lab, a in rows
            ]
            position = {row_id: n for n, row_id in enumerate(local)}
            claim_rows = sorted(
                claims_by_layer.get((doc_id, layer_annotator), []),
                key=lambda r: (position.get(r[1], len(position)), r[0]),
            )
            claims = [
                Claim(
                    id=f"c{n}",
                    span=local.get(span_id),
                    members=tuple(local[m] for m in sorted(members.get(claim_id, ()), key=position.__getitem__)),
                    note=note,
                    attrs=_attrs(attrs),
                )
                for n, (claim_id, span_id, note, attrs) in enumerate(claim_rows, start=1)
            ]
            yield AnnotatedDocument(current_doc, layer_annotator, spans, claims, done)


__all__ = ["Store", "DocumentSummary", "StoredClaim", "ImportResult", "CLAIM", "text_sha256"]
