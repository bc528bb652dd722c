import sqlite3

import pytest

from annotator.errors import EditError, StoreError
from annotator.labels import load_scheme
from annotator.model import AnnotatedDocument, Claim, Document, Span
from annotator.project import open_project
from annotator.store import SCHEMA_VERSION, Store


def make_doc(text="Hwang said 40% of funds came from hacking.", doc_id="d1"):
    return Document(id=doc_id, title="t", text=text)


def test_new_project_is_wal_with_foreign_keys_and_seeds(project_path):
    store = open_project(project_path, seed=True)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.document_count() == 2
    assert store.label_scheme().names() == ["SPEAKER", "FIGURE", "ENTITY", "CLAIM"]
    store.close()
    again = open_project(project_path, seed=True)  # seeding happens once
    assert again.document_count() == 2
    again.close()


def test_schema_refuses_bad_spans(seeded_store):
    doc_id = seeded_store.document_ids()[0]
    length = len(seeded_store.document(doc_id).text)
    for start, end, label in [(-1, 3, "SPEAKER"), (5, 5, "SPEAKER"), (6, 2, "SPEAKER"),
                              (0, length + 1, "SPEAKER"), (0, 3, "NOPE"), (0, 3, "")]:
        with pytest.raises(EditError):
            seeded_store.add_span(doc_id, "alice", start, end, label)
    # Even raw SQL that bypasses our checks is stopped by the schema.
    with pytest.raises(sqlite3.IntegrityError):
        seeded_store.db.execute(
            "INSERT INTO spans (doc_id, annotator, start, \"end\", label, created_at, updated_at)"
            " VALUES (?, 'alice', 0, ?, 'SPEAKER', '', '')", (doc_id, length + 5))
    assert seeded_store.spans(doc_id, "alice") == []


def test_document_text_never_changes(seeded_store):
    doc_id = seeded_store.document_ids()[0]
    with pytest.raises(sqlite3.IntegrityError):
        seeded_store.db.execute("UPDATE documents SET text = 'x' WHERE id = ?", (doc_id,))


def test_not_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.annotator.db"
    path.write_bytes(b"this is not a database at all\n" * 10)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not an Annotator project"):
        Store(path)
    assert path.read_bytes() == before


def test_other_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not an Annotator project"):
        Store(path)


def test_newer_schema_is_refused(project_path):
    open_project(project_path).close()
    conn = sqlite3.connect(project_path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', 'm999_future', '')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(project_path)
    conn = sqlite3.connect(project_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer version"):
        Store(project_path)


def test_import_is_idempotent_and_keeps_claims(project_path):
    store = open_project(project_path)
    doc = make_doc()
    item = AnnotatedDocument(
        doc, "bob",
        spans=[Span(0, 5, "SPEAKER", id="a"), Span(11, 14, "FIGURE", id="b"), Span(0, 42, "CLAIM", id="c")],
        claims=[Claim(span="c", members=("a", "b"), note="check")],
    )
    first = store.import_items([item])
    second = store.import_items([item])
    assert (first.documents_added, first.spans_added, first.claims_added) == (1, 3, 1)
    assert (second.documents_added, second.spans_added, second.claims_added) == (0, 0, 0)
    [claim] = store.claims("d1", "bob")
    assert claim.note == "check" and len(claim.members) == 2
    assert store.layers() == [("d1", "bob", False)]


def test_import_adds_unknown_labels_or_refuses_when_strict(project_path):
    store = open_project(project_path)
    item = AnnotatedDocument(make_doc(), "bob", spans=[Span(0, 5, "PERSON", id="a")])
    with pytest.raises(EditError, match="PERSON"):
        store.import_items([item], strict_labels=True)
    assert store.document_count() == 0
    result = store.import_items([item])
    assert result.labels_added == ["PERSON"]
    label = store.label_scheme().get("PERSON")
    assert label.shortcut is None and label.color.startswith("#")
    assert label.color not in {lab.color for lab in load_scheme()}


def test_import_is_one_transaction(project_path):
    store = open_project(project_path)
    good = AnnotatedDocument(make_doc(), "bob", spans=[Span(0, 5, "SPEAKER", id="a")])
    bad = AnnotatedDocument(make_doc("short", "d2"), "bob", spans=[Span(0, 50, "SPEAKER", id="a")])
    with pytest.raises(EditError):
        store.import_items([good, bad])
    assert store.document_count() == 0
    assert store.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 0


def test_same_text_is_one_document_whatever_its_id(project_path):
    store = open_project(project_path)
    store.import_items([AnnotatedDocument(make_doc(doc_id="x"), "a", spans=[Span(0, 5, "SPEAKER")])])
    store.import_items([AnnotatedDocument(make_doc(doc_id="y"), "b", spans=[Span(0, 5, "SPEAKER")])])
    store.import_items([AnnotatedDocument(make_doc("other text", doc_id="x"), "b")])
    assert store.document_ids() == ["x", "x-2"]
    assert {a for _d, a, _done in store.layers("x")} == {"a", "b"}


def test_export_numbers_spans_and_keeps_claims(project_path):
    store = open_project(project_path)
    text = "Hwang said 40% of funds came from hacking."
    store.import_items([AnnotatedDocument(
        make_doc(text), "bob",
        spans=[Span(0, 42, "CLAIM", id="c"), Span(11, 14, "FIGURE", id="b"), Span(0, 5, "SPEAKER", id="a")],
        claims=[Claim(span="c", members=("a", "b"))],
    )])
    [item] = list(store.annotated_documents())
    assert [(s.id, s.start, s.end, s.label) for s in item.spans] == [
        ("s1", 0, 5, "SPEAKER"), ("s2", 0, 42, "CLAIM"), ("s3", 11, 14, "FIGURE")]
    assert item.claims == [Claim(span="s2", members=("s1", "s3"), note="", id="c1")]
