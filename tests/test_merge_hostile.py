"""Reviewer files as hostile input: read from a private copy, never written, never trusted.

Every reproduction of issue 8 is kept here. The tests run as root, where chmod alone stops no
write, so "the reviewer's folder is never written" is checked by comparing every file in it
(names, mtimes, bytes) before and after, and the read-only folder itself is made real in a
subprocess that has dropped root's permission override.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from annotator import reviewer_copy
from annotator.project import open_project

from .hostile import (
    SPANS, assert_refused, edit, first_doc, folder_state, make_reviewer, run, run_subprocess, span_rows,
)


def wal_reviewer(folder: Path, staging: Path) -> Path:
    """alice.db in ``folder`` with 2 spans in the main file and 2 more only in its -wal, as a
    reviewer's app leaves it while running (or after a crash)."""
    staging.mkdir()
    source = make_reviewer(staging / "alice.db", "alice", SPANS[:2])
    store = open_project(source)
    store.db.execute("PRAGMA wal_autocheckpoint = 0")
    doc = store.document_ids()[0]
    for start, end, label in SPANS[2:]:
        store.add_span(doc, "alice", start, end, label)
    folder.mkdir()
    for suffix in ("", "-wal"):  # copied while the writer is open: the -wal holds the newest spans
        shutil.copyfile(f"{source}{suffix}", folder / f"alice.db{suffix}")
    store.close()
    target = folder / "alice.db"
    # The premise: the main file alone (what immutable=1 reads) has only the first 2 spans.
    conn = sqlite3.connect(f"file:{target}?immutable=1", uri=True)
    assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 2
    conn.close()
    return target


def test_wal_in_a_read_only_folder_merges_all_four_spans_and_writes_nothing(tmp_path):
    alice = wal_reviewer(tmp_path / "reviewer", tmp_path / "staging")
    lead = tmp_path / "lead" / "lead.db"
    lead.parent.mkdir()
    before = folder_state(alice.parent)
    os.chmod(alice.parent, 0o555)
    try:
        status, out, err, _peak = run_subprocess("merge", alice, "--into", lead, honour_permissions=True)
    finally:
        os.chmod(alice.parent, 0o755)
    assert status == 0, err
    assert "1 layer(s) added" in out
    assert [r[:3] for r in span_rows(lead, "alice")] == sorted(SPANS)
    assert folder_state(alice.parent) == before


def test_merge_creates_no_wal_or_shm_beside_the_reviewer_file(tmp_path):
    folder = tmp_path / "reviewer"
    folder.mkdir()
    alice = make_reviewer(folder / "alice.db")
    with_wal = wal_reviewer(tmp_path / "reviewer2", tmp_path / "staging")
    for path in (alice, with_wal):
        before = folder_state(path.parent)
        result = run("merge", path, "--into", tmp_path / "lead.db")
        assert result.exit_code == 0, result.output
        assert folder_state(path.parent) == before  # no -wal, no -shm, not a byte changed
    assert len(span_rows(tmp_path / "lead.db", "alice")) == 4


def test_a_hot_journal_is_rolled_back_on_the_copy(tmp_path):
    staging = tmp_path / "staging"
    staging.mkdir()
    source = make_reviewer(staging / "alice.db", "alice", SPANS[:1])
    edit(source, "PRAGMA journal_mode = DELETE")
    conn = sqlite3.connect(source, isolation_level=None)
    conn.execute("PRAGMA cache_size = 1")  # spill: uncommitted pages reach the main file
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("DELETE FROM spans")
    conn.execute("CREATE TABLE filler (x)")
    conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
                 " INSERT INTO filler SELECT randomblob(500) FROM n")
    folder = tmp_path / "reviewer"
    folder.mkdir()
    for suffix in ("", "-journal"):  # as a crash mid-transaction leaves them
        shutil.copyfile(f"{source}{suffix}", folder / f"alice.db{suffix}")
    conn.execute("ROLLBACK")
    conn.close()
    alice = folder / "alice.db"
    before = folder_state(folder)
    result = run("merge", alice, "--into", tmp_path / "lead.db")
    assert result.exit_code == 0, result.output
    assert [r[:3] for r in span_rows(tmp_path / "lead.db", "alice")] == SPANS[:1]  # the committed state
    assert folder_state(folder) == before  # rolled back on the copy, the journal left alone


def gold_reviewer(path: Path) -> Path:
    """A reviewer file whose gold layer claims to be unanimous among alice and bob."""
    make_reviewer(path, "alice", SPANS[:1])
    store = open_project(path)
    doc = store.document_ids()[0]
    forged = {"decision": "unanimous", "sources": ["alice", "bob"], "decided_by": "lead", "colour": "kept"}
    span_id = store.add_span(doc, "gold", 30, 40, "FIGURE", attrs=forged)
    store.db.execute("INSERT INTO gold_provenance (span_id, sources, decision, decided_by, decided_at)"
                     " VALUES (?, '[\"alice\", \"bob\"]', 'unanimous', 'lead', '2026-01-01')", (span_id,))
    store.close()
    return path


def test_a_reviewer_gold_layer_is_kept_as_a_layer_named_after_the_file_never_as_gold(tmp_path):
    lead = tmp_path / "lead.db"
    store = open_project(lead, seed=True)
    doc = store.document_ids()[0]
    store.add_span(doc, "gold", 134, 149, "SPEAKER")
    store.close()
    gold_before = span_rows(lead, "gold")
    alice = gold_reviewer(tmp_path / "alice.annotator.db")
    result = run("merge", alice, "--into", lead)
    assert result.exit_code == 0, result.output
    assert "gold@alice.annotator.db" in result.output and "not as gold" in result.output
    assert span_rows(lead, "gold") == gold_before
    [(start, end, label, attrs)] = span_rows(lead, "gold@alice.annotator.db")
    assert (start, end, label) == (30, 40, "FIGURE")
    kept = json.loads(attrs)
    assert set(kept) == {"colour", "figure"}  # provenance stripped, other attrs kept
    assert kept["colour"] == "kept" and kept["figure"]["source"] == "auto"  # given when the span was made
    conn = sqlite3.connect(lead)
    assert conn.execute("SELECT count(*) FROM gold_provenance").fetchone()[0] == 0
    conn.close()
    again = run("merge", alice, "--into", lead)
    assert "0 layer(s) added, 0 replaced, 2 unchanged" in again.output


def test_a_gold_layer_clashing_with_its_renamed_name_is_refused(tmp_path):
    lead = tmp_path / "lead.db"
    alice = gold_reviewer(tmp_path / "alice.db")
    store = open_project(alice)
    store.add_span(store.document_ids()[0], "gold@alice.db", 0, 5, "ENTITY")
    store.close()
    assert_refused(run("merge", alice, "--into", lead), alice, "both a gold layer and a layer named 'gold@alice.db'")


GIANT = "zeroblob(900 * 1024 * 1024)"  # 900 MB the moment anything reads it, in a file of a few KB


@pytest.mark.parametrize("statement", [
    f"ALTER TABLE _sqlite_migrations ADD COLUMN junk BLOB GENERATED ALWAYS AS ({GIANT}) VIRTUAL",
    f"ALTER TABLE spans ADD COLUMN junk BLOB GENERATED ALWAYS AS ({GIANT}) VIRTUAL",
    f"ALTER TABLE documents ADD COLUMN junk BLOB GENERATED ALWAYS AS ({GIANT}) VIRTUAL",
])
def test_a_generated_giant_column_nobody_needs_is_never_computed(tmp_path, statement):
    alice = make_reviewer(tmp_path / "alice.db")
    edit(alice, statement)
    assert alice.stat().st_size < 1024 * 1024
    status, out, err, peak_kib = run_subprocess("merge", alice, "--into", tmp_path / "lead.db")
    assert status == 0, err
    assert "1 layer(s) added" in out
    assert peak_kib < 300 * 1024, f"peak {peak_kib} KiB"


@pytest.mark.parametrize("statements, column", [
    (["ALTER TABLE _sqlite_migrations RENAME TO old",
      f"CREATE TABLE _sqlite_migrations (migration_set TEXT, name BLOB GENERATED ALWAYS AS ({GIANT}) VIRTUAL, applied_at TEXT)",
      "INSERT INTO _sqlite_migrations (migration_set, applied_at) SELECT migration_set, applied_at FROM old",
      "DROP TABLE old"], "_sqlite_migrations.name"),
    (["DROP TABLE claim_members",
      f"CREATE TABLE claim_members (claim_id INTEGER, span_id BLOB GENERATED ALWAYS AS ({GIANT}) VIRTUAL)",
      "INSERT INTO claim_members (claim_id) VALUES (1)"], "claim_members.span_id"),
])
def test_a_needed_column_that_is_generated_is_refused_without_computing_it(tmp_path, statements, column):
    alice = make_reviewer(tmp_path / "alice.db")
    edit(alice, *statements)
    status, _out, err, peak_kib = run_subprocess("merge", alice, "--into", tmp_path / "lead.db")
    assert status == 1 and err == f"error: {alice}: is not an Annotator project ({column} is a generated column)"
    assert peak_kib < 300 * 1024, f"peak {peak_kib} KiB"


def test_a_value_over_the_size_cap_is_refused_inside_sqlite(tmp_path, monkeypatch):
    from annotator import untrusted

    monkeypatch.setattr(untrusted, "VALUE_CAP", 1024 * 1024)  # a 65 MB fixture would be slow to write
    alice = make_reviewer(tmp_path / "alice.db")
    edit(alice, "UPDATE spans SET attrs = '{\"a\": \"' || hex(zeroblob(600000)) || '\"}'")
    assert_refused(run("merge", alice, "--into", tmp_path / "lead.db"), alice,
                   "a value in its spans table is larger than 1 MiB", "refused")


def test_a_file_over_the_copy_cap_is_refused_before_a_byte_is_copied(tmp_path):
    huge = tmp_path / "huge.db"
    with open(huge, "wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: costs no disk
    assert_refused(run("merge", huge, "--into", tmp_path / "lead.db"), huge, "is larger than 2 GiB")


def test_a_fifo_or_a_device_is_refused_without_being_opened(tmp_path):
    fifo = tmp_path / "fifo.db"
    os.mkfifo(fifo)
    alice = make_reviewer(tmp_path / "alice.db")
    os.mkfifo(f"{alice}-wal")
    bob = make_reviewer(tmp_path / "bob.db", "bob")
    os.symlink("/dev/zero", f"{bob}-wal")
    # In a subprocess with a timeout: opening a FIFO would block the test forever.
    for path, shown in [(fifo, fifo), (alice, f"{alice}-wal"), (bob, f"{bob}-wal")]:
        status, _out, err, _peak = run_subprocess("merge", path, "--into", tmp_path / "lead.db", timeout=120)
        assert status == 1 and err == f"error: {shown}: is not a regular file (a pipe, device or socket), not a project file"


def test_a_trigger_in_the_reviewer_file_never_runs(tmp_path):
    (tmp_path / "reviewer").mkdir()
    alice = make_reviewer(tmp_path / "reviewer" / "alice.db")
    statements = ["CREATE TABLE pwned (what TEXT)"]
    for table in ("documents", "layers", "spans", "claims", "claim_members", "labels", "_sqlite_migrations"):
        for event in ("INSERT", "UPDATE", "DELETE"):
            statements.append(f"CREATE TRIGGER t_{table}_{event} BEFORE {event} ON {table} BEGIN "
                              f"INSERT INTO pwned VALUES ('{table} {event}'); SELECT RAISE(ABORT, 'a trigger ran'); END")
    statements.append("CREATE VIEW v AS SELECT RAISE(ABORT, 'a view ran')")
    edit(alice, *statements)
    before = folder_state(alice.parent)
    lead = tmp_path / "lead.db"
    result = run("merge", alice, "--into", lead)
    assert result.exit_code == 0, result.output
    assert folder_state(alice.parent) == before
    conn = sqlite3.connect(lead)
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name IN ('pwned', 'v') OR name LIKE 't!_%' ESCAPE '!'"
                        ).fetchone()[0] == 0  # nothing of the reviewer's schema comes along
    conn.close()
    conn = sqlite3.connect(f"file:{alice}?immutable=1", uri=True)
    assert conn.execute("SELECT count(*) FROM pwned").fetchone()[0] == 0
    conn.close()


def test_an_id_shaped_like_a_path_stays_a_plain_value(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    alice = make_reviewer(work / "alice.db")
    doc = first_doc(alice)
    edit(alice, "PRAGMA foreign_keys = OFF", *(f"UPDATE {table} SET {column} = '../../../pwned' WHERE {column} = '{doc}'"
                                                for table, column in [("documents", "id"), ("layers", "doc_id"),
                                                                      ("spans", "doc_id")]))
    around = {p: sorted(x.name for x in p.iterdir()) for p in (tmp_path, tmp_path.parent)}
    lead = work / "lead.db"
    result = run("merge", alice, "--into", lead)
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(lead)
    assert conn.execute("SELECT count(*) FROM spans WHERE doc_id = '../../../pwned'").fetchone()[0] == 2
    conn.close()
    assert {p: sorted(x.name for x in p.iterdir()) for p in around} == around


def merge_without_plain_reads(monkeypatch, reviewer, lead, *, spans):
    """Merge a file this process has open: it must be copied through SQLite, never read plainly."""
    def no_plain_reads(*_args):
        raise AssertionError("a live database file was read with plain file reads")

    monkeypatch.setattr(reviewer_copy, "_plain_copy", no_plain_reads)
    result = run("merge", reviewer, "--into", lead)
    assert result.exit_code == 0, result.output
    assert len(span_rows(lead, "alice")) == spans


def test_a_file_open_in_this_process_is_copied_through_sqlite_not_read_beside_its_locks(tmp_path, monkeypatch):
    alice = make_reviewer(tmp_path / "alice.db")
    live = open_project(alice)
    live.db.execute("PRAGMA wal_autocheckpoint = 0")
    doc = live.document_ids()[0]
    for start, end, label in SPANS[2:]:
        live.add_span(doc, "alice", start, end, label)
    try:
        merge_without_plain_reads(monkeypatch, alice, tmp_path / "lead.db", spans=4)
        live.add_span(doc, "alice", 50, 60, "ENTITY")  # the live store still works
    finally:
        live.close()


def test_a_file_open_in_another_thread_of_this_process_is_copied_through_its_connection(tmp_path, monkeypatch):
    alice = make_reviewer(tmp_path / "alice.db")
    holder = {}
    thread = threading.Thread(target=lambda: holder.setdefault("store", open_project(alice)))
    thread.start()
    thread.join()
    live = holder["store"]

    try:
        merge_without_plain_reads(monkeypatch, alice, tmp_path / "lead.db", spans=2)
    finally:
        live.close()


def test_the_private_copy_is_0700_and_deleted_afterwards_even_on_a_refusal(tmp_path, monkeypatch):
    made = []
    real_mkdtemp = reviewer_copy.tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        folder = real_mkdtemp(*args, **kwargs)
        made.append((folder, os.stat(folder).st_mode & 0o777))
        return folder

    monkeypatch.setattr(reviewer_copy.tempfile, "mkdtemp", recording_mkdtemp)
    good = make_reviewer(tmp_path / "good.db")
    bad = make_reviewer(tmp_path / "bad.db", "bob")
    edit(bad, "UPDATE layers SET done = 'no'")
    assert run("merge", good, "--into", tmp_path / "lead.db").exit_code == 0
    assert_refused(run("merge", bad, "--into", tmp_path / "lead.db"), bad, "done must be 0 or 1, not 'no'")
    assert len(made) == 2 and all(mode == 0o700 for _folder, mode in made)
    assert not any(os.path.exists(folder) for folder, _mode in made)
