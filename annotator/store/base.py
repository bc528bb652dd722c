"""The core of a project file: opening it (WAL, foreign keys, migrations), transactions, labels,
documents and layers."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Sequence


from ..errors import EditError, StoreError
from ..model import Document, Label, LabelScheme
from . import connection
from .results import DocumentSummary, now
from .schema import SCHEMA_VERSION, migrations, refuse_foreign_or_newer

# One document's title, length and counts for reviewer :a (the caller adds WHERE / ORDER BY).
_SUMMARY_SQL = """SELECT d.id, d.title, d.length,
                      (SELECT count(*) FROM spans s WHERE s.doc_id = d.id AND s.annotator = :a),
                      (SELECT count(*) FROM claims c WHERE c.doc_id = d.id AND c.annotator = :a),
                      coalesce((SELECT done FROM layers l WHERE l.doc_id = d.id AND l.annotator = :a), 0)
               FROM documents d"""


# Counted in the smallest index, (id, length): left to itself SQLite counts the sha256 index, four
# and a half times the pages (2,044 against 459 at 100,000 documents), read from the file at every
# start of the window.
_COUNT_SQL = "SELECT count(*) FROM documents INDEXED BY documents_length"


def _prepare(shared: connection.SharedConnection) -> None:
    """Run once when this process first opens the file: checks, pragmas, migrations."""
    db, path = shared.db, shared.path
    refuse_foreign_or_newer(db, path)  # before anything writes to the file
    db.execute(f"PRAGMA busy_timeout = {int(connection.BUSY_TIMEOUT_S * 1000)}")
    if shared.read_only:
        db.execute("PRAGMA query_only = ON")
        if migrations.pending(db):
            raise StoreError(
                f"{path}: was written by an older Annotator and must be upgraded, which needs write "
                "access; open it once where it can be written"
            )
        return
    db.execute("PRAGMA foreign_keys = ON")
    if db.journal_mode != "wal":
        db.enable_wal()
    # WAL with synchronous=FULL: a commit that returned is on disk, even across power loss.
    db.execute("PRAGMA synchronous = FULL")
    if migrations.pending(db):
        # Two copies opening a new project at once: the second waits, then finds nothing pending.
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            if migrations.pending(db):
                migrations.apply(db)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise


class StoreBase:
    """Opening, transactions, labels, documents and layers; ``Store`` adds spans, claims and layer I/O."""

    def __init__(self, path: str | Path, *, create: bool = True, read_only: bool = False):
        """Open ``path`` (created when missing and ``create``); this process's other handles on
        the same file share one connection. With ``read_only``, a file on read-only media or
        without write permission is opened for reading instead of refused."""
        self.path = Path(path)
        self._shared = connection.attach(self.path, create=create, read_only=read_only, prepare=_prepare)
        self.db = self._shared.db
        self.lock = self._shared.lock
        self._closed = False

    @property
    def read_only(self) -> bool:
        return self._shared.read_only

    def data_version(self, *, wait: bool = True) -> int | None:
        return self._shared.data_version(wait=wait)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            connection.detach(self._shared)

    def __enter__(self) -> "StoreBase":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def page_cache(self, kib: int) -> Iterator[None]:
        """SQLite's page cache raised to ``kib`` for a bulk write (an import, a merge), then put
        back: new rows land all over the indexes, and with the default 2 MB their pages are read
        from the file again and again. Left as it is when it is already that large."""
        before = self.db.execute("PRAGMA cache_size").fetchone()[0]
        if -kib < before < 0 or 0 <= before < kib // 4:  # a positive size counts pages of 4 KiB
            self.db.execute(f"PRAGMA cache_size = -{kib}")
        try:
            yield
        finally:
            self.db.execute(f"PRAGMA cache_size = {before}")

    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """One write transaction, begun IMMEDIATE so that it waits for another program's lock
        (up to the busy timeout) instead of failing when its first read turns into a write;
        nested blocks are savepoints. SQLite errors become StoreError/EditError in words."""
        with self.lock:  # no other thread's statements inside our transaction
            try:
                if self.db.conn.in_transaction:
                    with self.db.atomic():  # a savepoint
                        yield
                else:
                    self.db.conn.execute("BEGIN IMMEDIATE")
                    try:
                        yield
                    except BaseException:
                        if self.db.conn.in_transaction:
                            self.db.conn.execute("ROLLBACK")
                        raise
                    try:
                        self.db.conn.execute("COMMIT")
                    except BaseException:
                        if self.db.conn.in_transaction:
                            self.db.conn.execute("ROLLBACK")
                        raise
            except StoreError:
                raise  # already in words (a statement's error, or a refusal of ours)
            except sqlite3.IntegrityError as exc:
                raise EditError(f"the change was refused: {connection.one_line(str(exc))}") from None
            except UnicodeEncodeError as exc:  # a lone surrogate cannot be stored as UTF-8
                raise EditError(f"the change was refused: it holds text that is not Unicode ({exc.reason})") from None
            except sqlite3.Error as exc:
                raise StoreError(connection.describe_sqlite_error(exc, self.path)) from None

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
            if "\x00" in label.name:
                raise EditError(f"label {label.name!r}: a NUL character is not text")
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
        return self.db.execute(_COUNT_SQL).fetchone()[0]

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
        if doc_id is not None:
            return self.document_summaries_of(annotator, [doc_id])
        rows = self.db.execute(_SUMMARY_SQL + " ORDER BY d.position", {"a": annotator}).fetchall()
        return [DocumentSummary(i, t, n, s, c, bool(done)) for i, t, n, s, c, done in rows]

    def document_summaries_of(self, annotator: str, doc_ids: Sequence[str]) -> list[DocumentSummary]:
        """Counts for the documents ``doc_ids`` (found by primary key, so the cost does not grow
        with the project), in position order; ids not in the project are left out."""
        out: list[DocumentSummary] = []
        ids = list(doc_ids)
        for k in range(0, len(ids), 500):  # well under SQLite's limit on bound parameters
            chunk = ids[k:k + 500]
            marks = ", ".join("?" * len(chunk))
            sql = _SUMMARY_SQL.replace(":a", "?") + f" WHERE d.id IN ({marks}) ORDER BY d.position"
            rows = self.db.execute(sql, [annotator] * 3 + chunk).fetchall()
            out.extend(DocumentSummary(i, t, n, s, c, bool(done)) for i, t, n, s, c, done in rows)
        return out

    def document_order(self, offset: int = 0, limit: int = -1) -> list[str]:
        """Document ids in list order (``limit`` of them from row ``offset``), from the
        ``documents_list`` index alone: no row, and so no text, is read."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM documents ORDER BY position LIMIT ? OFFSET ?", (limit, offset)
        )]

    def document_row(self, doc_id: str) -> int | None:
        """Where ``doc_id`` stands in list order (0 first), or None; counted in the index."""
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM documents WHERE position < d.position) FROM documents d WHERE d.id = ?",
            (doc_id,),
        ).fetchone()
        return None if row is None else row[0]

    def document_positions_dense(self) -> bool:
        """Whether list positions are exactly 0, 1, ..., count - 1, as imports and merges number
        them. Then a document's row is its position and a page of the list is a range of positions,
        found in the ``documents_list`` index without counting every row before it (which is what
        ``document_row`` and ``document_order``'s OFFSET do: milliseconds at 100,000 documents).
        At most one walk of the index (12 ms at 100,000 documents; min and max alone are lookups,
        and ``count(DISTINCT ...)`` would sort in a temporary tree)."""
        n = self.db.execute("SELECT count(*) FROM documents").fetchone()[0]
        if n == 0:
            return True
        low = self.db.execute("SELECT min(position) FROM documents").fetchone()[0]
        high = self.db.execute("SELECT max(position) FROM documents").fetchone()[0]
        if (low, high) != (0, n - 1):
            return False
        distinct = self.db.execute("SELECT count(*) FROM (SELECT position FROM documents GROUP BY position)").fetchone()[0]
        return distinct == n

    def document_ids_at(self, first: int, limit: int) -> list[str]:
        """Ids of the documents at positions ``first`` to ``first + limit - 1``, in order (from
        the index alone); the list's rows when positions are dense."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM documents WHERE position >= ? AND position < ? ORDER BY position", (first, first + limit)
        )]

    def document_position(self, doc_id: str) -> int | None:
        row = self.db.execute("SELECT position FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else row[0]

    def documents_fingerprint(self) -> tuple:
        """Which documents there are, cheaply: documents are only ever added (import, merge), and
        an addition or removal changes the count or the newest row. The count comes first."""
        count = self.db.execute(_COUNT_SQL).fetchone()[0]
        newest = self.db.execute("SELECT rowid, id FROM documents ORDER BY rowid DESC LIMIT 1").fetchone()
        return (count, *(newest or (0, None)))

    def _insert_document(self, doc: Document, position: int | None = None) -> tuple[str, bool]:
        """Insert ``doc`` unless a document with the same text exists; return (stored id, added)."""
        if "\x00" in doc.text:  # SQLite's length() stops at a NUL: the text would not be what we stored
            raise EditError(f"document {doc.id!r}: its text holds a NUL character, which is not text")
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
        # Fewer than two reviewers in the project (the usual case): no need to scan every layer.
        if self.db.execute("SELECT count(*) FROM (SELECT 1 FROM annotators WHERE name != 'gold' LIMIT 2)").fetchone()[0] < 2:
            return False
        return self.db.execute(
            "SELECT 1 FROM layers WHERE annotator != 'gold' GROUP BY doc_id HAVING count(*) >= 2 LIMIT 1"
        ).fetchone() is not None

    def set_done(self, doc_id: str, annotator: str, done: bool) -> None:
        with self.atomic():
            self._touch_layer(doc_id, annotator)
            self.db.execute(
                "UPDATE layers SET done = ? WHERE doc_id = ? AND annotator = ?", (int(done), doc_id, annotator)
            )
