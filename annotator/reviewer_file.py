"""Read another reviewer's project file, which is someone else's file: untrusted.

Only a private copy is opened (``reviewer_copy``), with ``trusted_schema=OFF``, ``query_only``
and a cap on the size of any one value SQLite may materialise. Its schema is checked before a
row is read: every table we read must be a real table (not a view or a virtual table) whose
needed columns are ordinary ones; a generated or hidden column counts as absent, since reading
it would run the file's own expression. Only SELECTs with explicit column lists run, so none of
its triggers, views or generated columns execute, and every value is type-checked and capped.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Any, Iterator

from . import untrusted as check
from .errors import StoreError
from .model import GOLD, AnnotatedDocument, Claim, Document, Span, check_span
from .reviewer_copy import private_copy
from .store import REQUIRED_COLUMNS, SCHEMA_VERSION, SQLITE_HEADER, migrations

MIGRATIONS_TABLE = "_sqlite_migrations"
MIGRATION_COLUMNS = {"migration_set", "name"}
# What adjudication records about a gold span; from a reviewer's file it would be forged.
PROVENANCE_KEYS = ("sources", "decision", "decided_by", "decided_at", "item_key")
_VIRTUAL = re.compile(r"\s*create\s+virtual\b", re.IGNORECASE)


@dataclass
class ReviewerFile:
    items: list[AnnotatedDocument]
    notes: list[str] = field(default_factory=list)  # what the merge should tell the lead


def read_reviewer_file(path: str | Path) -> list[AnnotatedDocument]:
    """Every layer in the project file at ``path``, validated; the file is never written."""
    return read_reviewer_layers(path).items


def read_reviewer_layers(path: str | Path, shared_texts: dict[str, str] | None = None) -> ReviewerFile:
    """``shared_texts``: texts already read from other files of the same merge, each kept once
    (ten reviewers' files hold the same articles: 70 MB of copies at 10 x 1,000 documents)."""
    shown = str(path)
    with private_copy(path) as copy:
        conn = _open_copy(copy, shown)
        try:
            _check_schema(conn, shown)
            items = _Reader(conn, shown, shared_texts).read()
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(exc, shown)) from None
        finally:
            conn.close()  # before the copy's folder is deleted
    return _gold_as_reviewer_layer(items, Path(path).name, shown)


def _open_copy(copy: Path, shown: str) -> sqlite3.Connection:
    with open(copy, "rb") as handle:  # our own copy: plain reads cannot disturb anyone's locks
        header = handle.read(len(SQLITE_HEADER))
    if not header:
        raise StoreError(f"{shown}: is empty, not an Annotator project")
    if header != SQLITE_HEADER:
        raise StoreError(f"{shown}: is not an Annotator project (not a SQLite database)")
    try:
        # Read-write on the copy only: SQLite must be able to roll back a hot journal and
        # rebuild the WAL index there; query_only keeps every statement we send read-only.
        conn = sqlite3.connect(copy, isolation_level=None)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, check.VALUE_CAP)
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        for pragma in ("trusted_schema = OFF", "query_only = ON", "cell_size_check = ON", "mmap_size = 0"):
            conn.execute(f"PRAGMA {pragma}")
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(exc, shown)) from None
    return conn


def describe_sqlite_error(exc: sqlite3.Error, shown: str, table: str | None = None) -> str:
    message = " ".join(str(exc).split())[:200]
    lowered = message.lower()
    where = f" in its {table} table" if table else ""
    if "too big" in lowered:
        return (f"{shown}: a value{where} is larger than {check.VALUE_CAP // check.MiB} MiB, "
                "more than any real article; refused")
    if "decode" in lowered:  # the message would quote the undecodable bytes: leave them out
        return f"{shown}: text{where} is not valid UTF-8 (the file is damaged)"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{shown}: the file is damaged ({message})"
    return f"{shown}: cannot be read{where} ({message})"


def _tables(conn: sqlite3.Connection) -> dict[str, str]:
    """Lower-cased name -> 'table', 'view' or 'virtual' (SQLite matches names case-blind)."""
    kinds = {}
    for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view')"):
        if isinstance(name, str):
            virtual = kind == "table" and isinstance(sql, str) and _VIRTUAL.match(sql)
            kinds[name.lower()] = "virtual" if virtual else str(kind)
    return kinds


def _check_table(conn: sqlite3.Connection, kinds: dict[str, str], table: str, needed: set[str], shown: str) -> None:
    kind = kinds.get(table)
    if kind != "table":
        what = f"no {table} table" + (f": {table} is a {kind}" if kind else "")
        raise StoreError(f"{shown}: is not an Annotator project ({what})")
    plain, hidden = set(), set()
    # table_xinfo, unlike table_info, lists generated and hidden columns, marked hidden != 0.
    for _cid, column, _type, _notnull, _default, _pk, is_hidden in conn.execute(f'PRAGMA table_xinfo("{table}")'):
        (hidden if is_hidden else plain).add(str(column).lower())
    for column in sorted(needed):
        if column in hidden:
            raise StoreError(f"{shown}: is not an Annotator project ({table}.{column} is a generated column)")
    missing = sorted(c for c in needed if c not in plain)
    if missing:
        raise StoreError(f"{shown}: is not an Annotator project ({table} lacks {', '.join(missing)})")


def _check_schema(conn: sqlite3.Connection, shown: str) -> None:
    """What ``store.refuse_foreign_or_newer`` checks, plus every table's kind and columns."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{shown}: was written by a newer version of Annotator (schema {version}, this app "
            f"knows up to {SCHEMA_VERSION}); update Annotator to open it"
        )
    kinds = _tables(conn)
    if not kinds:
        raise StoreError(f"{shown}: is empty, not an Annotator project")
    if MIGRATIONS_TABLE not in kinds:
        raise StoreError(f"{shown}: is a SQLite database but not an Annotator project")
    _check_table(conn, kinds, MIGRATIONS_TABLE, MIGRATION_COLUMNS, shown)
    known = {m.name for m in migrations._migrations}
    unknown = []
    rows = conn.execute(f'SELECT migration_set, name FROM "{MIGRATIONS_TABLE}" LIMIT {check.ROW_CAP}')
    for migration_set, name in rows:
        if migration_set == "annotator":
            name = check.name(name, f"{shown}: {MIGRATIONS_TABLE}", "a migration name")
            if name not in known and name not in unknown:
                unknown.append(name)
    if unknown:
        raise StoreError(
            f"{shown}: was written by a newer version of Annotator (it has schema changes "
            f"{', '.join(unknown[:10])}); update Annotator to open it"
        )
    for table, columns in REQUIRED_COLUMNS.items():
        _check_table(conn, kinds, table, columns, shown)


_BATCH = 5000


class _Reader:
    def __init__(self, conn: sqlite3.Connection, shown: str, shared_texts: dict[str, str] | None = None):
        self.conn, self.shown = conn, shown
        self.characters = 0
        self.shared_texts = shared_texts

    def rows(self, table: str, columns: tuple[str, ...], order: str = "") -> Iterator[tuple]:
        count = self.conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if count > check.ROW_CAP:
            raise StoreError(f"{self.shown}: its {table} table has {count:,} rows, more than the "
                             f"{check.ROW_CAP:,} a reviewer's file may hold; refused")
        listed = ", ".join(f'"{c}"' for c in columns)
        # Rows passed on a batch at a time (chain runs in C): a generator passing on each row
        # cost more than the checks of the row (146,000 rows in a 10 x 1,000-document merge).
        return chain.from_iterable(self._batches(f'SELECT {listed} FROM "{table}" {order}', table))

    def _batches(self, query: str, table: str) -> Iterator[list[tuple]]:
        try:
            cursor = self.conn.execute(query)
            while batch := cursor.fetchmany(_BATCH):
                yield batch
        except sqlite3.Error as exc:
            raise StoreError(describe_sqlite_error(exc, self.shown, table)) from None

    def spend(self, *values: Any) -> None:
        self.characters += sum(len(v) for v in values if isinstance(v, str))
        if self.characters > check.TEXT_TOTAL_CAP:
            raise StoreError(f"{self.shown}: holds more than {check.TEXT_TOTAL_CAP // check.MiB} MiB of text, "
                             "more than a reviewer's file may hold; refused")

    def read(self) -> list[AnnotatedDocument]:
        documents = self.documents()
        spans, span_layer = self.spans(documents)
        claims = self.claims(documents, spans, span_layer)
        items = []
        seen = set()
        names_ok: set[str] = set()  # each distinct reviewer name is checked once
        for doc_id, annotator, done in self.rows("layers", ("doc_id", "annotator", "done"), "ORDER BY doc_id, annotator"):
            if not isinstance(doc_id, str) or doc_id not in documents:
                raise StoreError(f"{self.shown}: a layer of document {check.show(doc_id)} names a missing document")
            if annotator not in names_ok:
                names_ok.add(check.name(annotator, f"{self.shown}: a layer of document {check.show(doc_id)}",
                                        "its reviewer name"))
            key = (doc_id, annotator)
            if key in seen:
                raise StoreError(f"{self.shown}: layer {annotator!r} of document {doc_id!r} appears twice (the file is damaged)")
            seen.add(key)
            if type(done) is not int or done not in (0, 1):
                check.done_flag(done, f"{self.shown}: layer {annotator!r} of document {doc_id!r}")
            items.append(AnnotatedDocument(documents[doc_id], annotator, spans.pop(key, []), claims.pop(key, []),
                                           bool(done)))
        for key, stray in [*spans.items(), *claims.items()]:
            if stray:
                what = "span" if isinstance(stray[0], Span) else "claim"
                raise StoreError(f"{self.shown}: {what} {stray[0].id} in document {key[0]!r} belongs to no layer "
                                 "(the file is damaged)")
        with_layers = {item.document.id for item in items}
        # Documents nobody annotated yet come along too, without a layer.
        items.extend(AnnotatedDocument(doc, "", is_layer=False) for doc_id, doc in documents.items()
                     if doc_id not in with_layers)
        return items

    def documents(self) -> dict[str, Document]:
        documents: dict[str, Document] = {}
        texts: dict[str, str] = {}
        for doc_id, title, text, source, meta in self.rows(
            "documents", ("id", "title", "text", "source", "meta"), "ORDER BY position"
        ):
            doc_id = check.name(doc_id, f"{self.shown}: a document", "its id", check.ID_CAP)
            where = f"{self.shown}: document {doc_id!r}"
            if doc_id in documents:
                raise StoreError(f"{where} appears twice (the file is damaged)")
            text = check.text(text, where, "its text", check.VALUE_CAP)
            if not text:
                raise StoreError(f"{where} has no text")
            if self.shared_texts is not None:  # an equal text read before: keep that one
                text = self.shared_texts.setdefault(text, text)
            title = check.text(title, where, "its title", check.SHORT_TEXT_CAP)
            source = check.text(source, where, "its source", check.SHORT_TEXT_CAP)
            self.spend(text, title, source, meta)
            doc = Document(id=doc_id, title=title.strip() or doc_id, text=text, source=source,
                           meta=check.json_object(meta, where, "its meta"))
            sha = doc.sha256  # kept on the document: the merge matches it by this
            if sha in texts:
                raise StoreError(f"{where} has the same text as document {texts[sha]!r} (the file is damaged)")
            texts[sha] = doc_id
            documents[doc_id] = doc
        return documents

    def spans(self, documents: dict[str, Document]) -> tuple[dict[tuple, list[Span]], dict[str, tuple]]:
        spans: dict[tuple, list[Span]] = defaultdict(list)
        layer_of: dict[str, tuple] = {}
        lengths = {doc_id: len(doc.text) for doc_id, doc in documents.items()}
        # Reviewer names and labels repeat on every row: each distinct value is checked once.
        names_ok: set[str] = set()
        for span_id, doc_id, annotator, start, end, label, attrs in self.rows(
            "spans", ("id", "doc_id", "annotator", "start", "end", "label", "attrs"), "ORDER BY id"
        ):
            if type(span_id) is not int:
                check.integer(span_id, f"{self.shown}: a span", "its id")
            length = lengths.get(doc_id) if isinstance(doc_id, str) else None
            if length is None:
                raise StoreError(f"{self.shown}: span {span_id} points to a missing document {check.show(doc_id)}")
            if annotator not in names_ok or label not in names_ok:
                where = f"{self.shown}: span {span_id} in document {doc_id!r}"
                names_ok.add(check.name(annotator, where, "its reviewer name"))
                names_ok.add(check.name(label, where, "its label"))
            if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
                problem = check_span(length, start, end, label)
                if problem:
                    raise StoreError(f"{self.shown}: span {span_id} in document {doc_id!r}: {problem}")
            key = str(span_id)
            if key in layer_of:
                raise StoreError(f"{self.shown}: span {span_id} in document {doc_id!r} appears twice (the file is damaged)")
            if attrs == "{}":
                self.characters += 2
                parsed: dict = {}
            else:
                self.spend(attrs)
                parsed = check.json_object(attrs, f"{self.shown}: span {span_id} in document {doc_id!r}", "its attrs")
                if "figure" in parsed:
                    _check_reading(parsed["figure"], f"{self.shown}: span {span_id} in document {doc_id!r}")
            layer = (doc_id, annotator)
            layer_of[key] = layer
            spans[layer].append(Span(start, end, label, id=key, attrs=parsed))
        if self.characters > check.TEXT_TOTAL_CAP:
            self.spend()
        return spans, layer_of

    def claims(self, documents: dict[str, Document], spans: dict, layer_of: dict[str, tuple]) -> dict[tuple, list[Claim]]:
        members: dict[int, list[str]] = defaultdict(list)
        for claim_id, span_id in self.rows("claim_members", ("claim_id", "span_id")):
            if type(claim_id) is not int:
                check.integer(claim_id, f"{self.shown}: a claim member", "its claim id")
            if type(span_id) is not int:
                check.integer(span_id, f"{self.shown}: a member of claim {claim_id}", "its span id")
            listed = members[claim_id]
            if str(span_id) not in listed:
                listed.append(str(span_id))
        claims: dict[tuple, list[Claim]] = defaultdict(list)
        seen: set[int] = set()
        names_ok: set[str] = set()  # each distinct reviewer name is checked once
        no_members: list[str] = []
        for claim_id, doc_id, annotator, span_id, note in self.rows(
            "claims", ("id", "doc_id", "annotator", "span_id", "note"), "ORDER BY id"
        ):
            if type(claim_id) is not int:
                check.integer(claim_id, f"{self.shown}: a claim", "its id")
            if not isinstance(doc_id, str) or doc_id not in documents:
                raise StoreError(f"{self.shown}: claim {claim_id} points to a missing document {check.show(doc_id)}")
            if claim_id in seen:
                raise StoreError(f"{self.shown}: claim {claim_id} in document {doc_id!r} appears twice (the file is damaged)")
            seen.add(claim_id)
            if annotator not in names_ok or not (note == "" or type(note) is str and len(note) <= check.NOTE_CAP):
                where = f"{self.shown}: claim {claim_id} in document {doc_id!r}"
                names_ok.add(check.name(annotator, where, "its reviewer name"))
                note = check.text(note, where, "its note", check.NOTE_CAP)
            elif note:
                check.text(note, f"{self.shown}: claim {claim_id} in document {doc_id!r}", "its note", check.NOTE_CAP)
            if note:
                self.spend(note)
            if span_id is None:
                statement = None
            else:
                if type(span_id) is not int:
                    check.integer(span_id, f"{self.shown}: claim {claim_id} in document {doc_id!r}", "its statement span")
                statement = str(span_id)
            layer = (doc_id, annotator)
            own = members.get(claim_id, no_members)
            if (statement is not None and layer_of.get(statement) != layer) or any(layer_of.get(s) != layer for s in own):
                raise StoreError(f"{self.shown}: claim {claim_id} in document {doc_id!r} refers to spans of another layer")
            if statement is not None and statement in own:
                raise StoreError(f"{self.shown}: claim {claim_id} in document {doc_id!r}: its statement is also one of its members")
            claims[layer].append(Claim(span=statement, members=tuple(own), note=note, id=str(claim_id)))
        return claims


def _gold_as_reviewer_layer(items: list[AnnotatedDocument], file_name: str, shown: str) -> ReviewerFile:
    """A reviewer's ``gold`` is not the lead's: keep it as a layer named after the file."""
    renamed = check.name_like(f"{GOLD}@{file_name}")
    taken = {(item.document.id, item.annotator) for item in items}
    notes, count = [], 0
    for n, item in enumerate(items):
        if item.annotator != GOLD:
            continue
        if (item.document.id, renamed) in taken:
            raise StoreError(f"{shown}: document {item.document.id!r} has both a gold layer and a layer named "
                             f"{renamed!r}; rename one of them")
        strip = lambda attrs: {k: v for k, v in attrs.items() if k not in PROVENANCE_KEYS}  # noqa: E731
        items[n] = replace(item, annotator=renamed, spans=[replace(s, attrs=strip(s.attrs)) for s in item.spans],
                           claims=[replace(c, attrs=strip(c.attrs)) for c in item.claims])
        count += 1
    if count:
        notes.append(f"{shown}: its gold layer ({count} document(s)) was merged as the reviewer layer {renamed!r}, "
                     "not as gold: gold is decided in this project")
    return ReviewerFile(items, notes)


def _check_reading(reading: object, where: str) -> None:
    """A reviewer's figure reading is read as numbers and words by the claims panel and the
    comparison of claims: refused here, naming the span, if it is not one."""
    from .figures.stored import reading_problem

    problem = reading_problem(reading)
    if problem:
        raise StoreError(f"{where}: its figure reading: {problem}")
