"""The schema of a project file: migrations, the version this app writes, and the refusal of files
it cannot read (foreign SQLite databases, files from a newer Annotator)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, NamedTuple

from ..errors import StoreError

if TYPE_CHECKING:
    import sqlite_utils

SQLITE_HEADER = b"SQLite format 3\x00"


class _Migration(NamedTuple):
    name: str
    fn: Callable
    transactional: bool


class MigrationSet:
    """sqlite-utils' ``Migrations``, registered and checked without importing sqlite-utils (a
    fifth of the window's start): which migrations a file still needs is one query on the same
    ``_sqlite_migrations`` table; only applying them builds a real ``Migrations`` (same set
    name, same order), so the bookkeeping is sqlite-utils' own, as before."""

    migrations_table = "_sqlite_migrations"

    def __init__(self, name: str):
        self.name = name
        self._migrations: list[_Migration] = []

    def __call__(self, *, name: str | None = None, transactional: bool = True):
        def inner(fn):
            migration = _Migration(name or fn.__name__, fn, transactional)
            if any(m.name == migration.name for m in self._migrations):
                raise ValueError(f"Migration '{migration.name}' is already registered in set '{self.name}'")
            self._migrations.append(migration)
            return fn

        return inner

    def applied_names(self, db) -> list[str]:
        if not db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (self.migrations_table,)
        ).fetchone():
            return []
        return [r[0] for r in db.execute(
            f'SELECT name FROM "{self.migrations_table}" WHERE migration_set = ? ORDER BY rowid', (self.name,)
        )]

    def pending(self, db) -> list[_Migration]:
        applied = set(self.applied_names(db))
        return [m for m in self._migrations if m.name not in applied]

    def apply(self, db) -> None:
        """Apply what is pending, through sqlite-utils (imported here, when a file needs it)."""
        from sqlite_utils.migrations import Migrations

        from .connection import migration_database

        real = Migrations(self.name)
        for m in self._migrations:
            real(name=m.name, transactional=m.transactional)(m.fn)
        real.apply(migration_database(db))


migrations = MigrationSet("annotator")


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


@migrations()
def gui_m006_document_list_index(db: sqlite_utils.Database) -> None:
    # The document list reads ids and titles in position order. Without an index, ORDER BY
    # position reads every row, and position lies after the text in the row: SQLite walks each
    # text's overflow pages to reach it (the whole file, ~850 MB at 100,000 documents). This
    # covering index answers it alone, and max(position) too.
    db.execute("CREATE INDEX IF NOT EXISTS documents_list ON documents(position, id, title)")


@migrations()
def review_claims_span_index(db: sqlite_utils.Database) -> None:
    # Deleting a span checks claims.span_id (ON DELETE CASCADE); without an index that is a scan
    # of every claim in the project per span: replacing 9,000 layers in a merge took minutes.
    db.execute("CREATE INDEX IF NOT EXISTS claims_span ON claims(span_id)")


@migrations()
def suggest_rejections(db: sqlite_utils.Database) -> None:
    # A suggestion a reviewer rejected is remembered per reviewer, by its offsets and label, so the
    # suggesters never offer it to them again (their text is the document's, which never changes).
    db.execute(
        """CREATE TABLE suggest_rejections (
            doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            rejected_at TEXT NOT NULL,
            PRIMARY KEY (doc_id, annotator, start, "end", label),
            CHECK (start >= 0 AND start < "end")
        )"""
    )


@migrations()
def reviewview_span_end_check_by_index(db: sqlite_utils.Database) -> None:
    # The span-end triggers read documents.length, which m005 added after the text in the row:
    # SQLite walks the text's overflow pages to reach it, on every span written (7 ms a span on
    # a 20 MB document: 25 s to accept 4,500 agreed items). A covering index answers them alone.
    db.execute("CREATE INDEX IF NOT EXISTS documents_length ON documents(id, length)")
    for name in ("spans_end_in_text_insert", "spans_end_in_text_update"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute(
        """CREATE TRIGGER spans_end_in_text_insert BEFORE INSERT ON spans
           WHEN NEW."end" > (SELECT length FROM documents INDEXED BY documents_length WHERE id = NEW.doc_id)
           BEGIN SELECT RAISE(ABORT, 'span end is beyond the end of the document text'); END"""
    )
    db.execute(
        """CREATE TRIGGER spans_end_in_text_update BEFORE UPDATE OF start, "end" ON spans
           WHEN NEW."end" > (SELECT length FROM documents INDEXED BY documents_length WHERE id = NEW.doc_id)
           BEGIN SELECT RAISE(ABORT, 'span end is beyond the end of the document text'); END"""
    )


SCHEMA_VERSION = 9  # the number of migrations above; written to PRAGMA user_version

REQUIRED_COLUMNS = {
    "documents": {"id", "title", "text", "source", "meta", "position"},
    "labels": {"name", "color", "shortcut", "description"},
    "layers": {"doc_id", "annotator", "done"},
    "spans": {"id", "doc_id", "annotator", "start", "end", "label", "attrs"},
    "claims": {"id", "doc_id", "annotator", "span_id", "note"},
    "claim_members": {"claim_id", "span_id"},
}


def refuse_foreign_or_newer(db, path: Path) -> None:
    """Raise StoreError unless ``db`` is an Annotator project this version can read. Reads only."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    tables = set(db.table_names())
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: was written by a newer version of Annotator (schema {version}, this app "
            f"knows up to {SCHEMA_VERSION}); update Annotator to open it"
        )
    if tables and MigrationSet.migrations_table not in tables:
        raise StoreError(f"{path}: is a SQLite database but not an Annotator project")
    known = {m.name for m in migrations._migrations}
    # Named columns only: a file from someone else may hold a costly generated column here.
    unknown = [
        name for (name,) in db.execute(
            f'SELECT name FROM "{MigrationSet.migrations_table}" WHERE migration_set = ? ORDER BY rowid',
            [migrations.name],
        ) if name not in known
    ] if MigrationSet.migrations_table in tables else []
    if unknown:
        raise StoreError(
            f"{path}: was written by a newer version of Annotator (it has schema changes "
            f"{', '.join(unknown)}); update Annotator to open it"
        )
