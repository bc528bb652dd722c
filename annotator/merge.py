"""Read another reviewer's project file, which is someone else's file: untrusted.

It is opened read-only with ``trusted_schema=OFF`` and its schema is checked before a row is read:
every table we read must be a real table (not a view) with the columns we expect. Only plain
SELECTs on those tables run, so none of its triggers or views execute. Every row is validated as
an import would be.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from .errors import StoreError
from .model import AnnotatedDocument, Claim, Document, Span, check_span
from .store import REQUIRED_COLUMNS, MergeResult, Store, check_file_kind, refuse_foreign_or_newer


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        # A WAL file in a read-only folder cannot be opened read-only; read it as immutable.
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?immutable=1", uri=True)
        conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def _check_schema(conn: sqlite3.Connection, path: Path) -> None:
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
    for table, columns in REQUIRED_COLUMNS.items():
        if kinds.get(table) != "table":
            raise StoreError(f"{path}: is not an Annotator project (no {table} table)")
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if not columns <= have:
            raise StoreError(f"{path}: is not an Annotator project ({table} lacks {', '.join(sorted(columns - have))})")


def read_reviewer_file(path: str | Path) -> list[AnnotatedDocument]:
    """Every layer in the project file at ``path``, validated; the file is never written."""
    path = Path(path)
    check_file_kind(path, create=False)
    try:
        conn = _connect_read_only(path)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open it ({exc})") from None
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        refuse_foreign_or_newer(db, path)
        if not db.table_names():
            raise StoreError(f"{path}: is empty, not an Annotator project")
        _check_schema(conn, path)
        return _read_layers(conn, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: cannot be read ({exc})") from None
    finally:
        conn.close()


def _read_layers(conn: sqlite3.Connection, path: Path) -> list[AnnotatedDocument]:
    documents = {}
    for doc_id, title, text, source, meta in conn.execute(
        "SELECT id, title, text, source, meta FROM documents ORDER BY position"
    ):
        if not isinstance(text, str) or not text:
            raise StoreError(f"{path}: document {doc_id!r} has no text")
        try:
            meta_obj = json.loads(meta) if meta else {}
        except (TypeError, ValueError):
            meta_obj = {}
        documents[doc_id] = Document(id=str(doc_id), title=str(title or doc_id), text=text, source=str(source or ""),
                                     meta=meta_obj if isinstance(meta_obj, dict) else {})
    spans = defaultdict(list)
    for span_id, doc_id, annotator, start, end, label, attrs in conn.execute(
        'SELECT id, doc_id, annotator, start, "end", label, attrs FROM spans ORDER BY id'
    ):
        doc = documents.get(doc_id)
        if doc is None:
            raise StoreError(f"{path}: span {span_id} points to a missing document {doc_id!r}")
        problem = check_span(len(doc.text), start, end, label)
        if problem:
            raise StoreError(f"{path}: span {span_id} in {doc_id!r}: {problem}")
        try:
            attrs_obj = json.loads(attrs) if attrs else {}
        except (TypeError, ValueError):
            attrs_obj = {}
        spans[(doc_id, annotator)].append(Span(start, end, label, id=str(span_id), attrs=attrs_obj if isinstance(attrs_obj, dict) else {}))
    members = defaultdict(list)
    for claim_id, span_id in conn.execute("SELECT claim_id, span_id FROM claim_members"):
        members[claim_id].append(str(span_id))
    claims = defaultdict(list)
    for claim_id, doc_id, annotator, span_id, note in conn.execute(
        "SELECT id, doc_id, annotator, span_id, note FROM claims ORDER BY id"
    ):
        known = {s.id for s in spans[(doc_id, annotator)]}
        statement = None if span_id is None else str(span_id)
        if statement is not None and statement not in known or any(m not in known for m in members[claim_id]):
            raise StoreError(f"{path}: claim {claim_id} in {doc_id!r} refers to spans of another layer")
        claims[(doc_id, annotator)].append(Claim(span=statement, members=tuple(members[claim_id]), note=str(note or ""), id=str(claim_id)))
    items = []
    for doc_id, annotator, done in conn.execute("SELECT doc_id, annotator, done FROM layers ORDER BY doc_id, annotator"):
        if doc_id not in documents or not isinstance(annotator, str) or not annotator.strip():
            raise StoreError(f"{path}: a layer names a missing document or no reviewer")
        key = (doc_id, annotator)
        items.append(AnnotatedDocument(documents[doc_id], annotator, spans[key], claims[key], bool(done)))
    with_layers = {item.document.id for item in items}
    # Documents nobody annotated yet come along too, without a layer.
    items.extend(AnnotatedDocument(doc, "", is_layer=False) for doc_id, doc in documents.items() if doc_id not in with_layers)
    return items


def merge_files(store: Store, paths: list[str | Path]) -> MergeResult:
    """Merge every reviewer file into ``store``: all are read and checked before anything is written."""
    total = MergeResult()
    batches = []
    for path in paths:
        if Path(path).resolve() == store.path.resolve():
            raise StoreError(f"{path}: is the project itself; nothing to merge")
        batches.append((path, read_reviewer_file(path)))
    with store.atomic():  # one transaction for all files; each file's merge is a savepoint in it
        for path, items in batches:
            result = store.merge_layers(items, source=Path(path).name)
            total.documents_added += result.documents_added
            total.added += result.added
            total.replaced += result.replaced
            total.unchanged += result.unchanged
            total.labels_added += [x for x in result.labels_added if x not in total.labels_added]
    return total
