"""Several reviewers: merging their project files and the agreement command."""

import json
import sqlite3

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.edits import AddSpan, EditLog, RemoveSpan
from annotator.project import open_project

from .conftest import FIXTURES_DIR

BRATIAA = FIXTURES_DIR / "bratiaa" / "example-files" / "example-project"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def reviewer_file(path, name, spans, *, claim=False, done=True, doc_id=None):
    """A reviewer's own project: the seeds under their own ids, some spans on the first one."""
    store = open_project(path, seed=True)
    if doc_id:
        store.db.execute("PRAGMA foreign_keys = OFF")
        store.db.execute("UPDATE documents SET id = ? WHERE position = 0", (doc_id,))
        store.db.execute("PRAGMA foreign_keys = ON")
    first = store.document_ids()[0]
    log = EditLog(store)
    for start, end, label in spans:
        log.do(AddSpan(first, name, start, end, label, new_claim=claim and label == "CLAIM"))
    store.set_done(first, name, done)
    store.close()
    return path


def test_merge_keeps_both_layers_matches_by_text_and_is_idempotent(tmp_path):
    a = reviewer_file(tmp_path / "alice.db", "alice", [(134, 149, "SPEAKER"), (559, 736, "CLAIM")], claim=True)
    b = reviewer_file(tmp_path / "bob.db", "bob", [(134, 149, "SPEAKER")], doc_id="renamed-in-bobs-file")
    lead = tmp_path / "lead.db"
    result = run("merge", a, b, "--into", lead)
    assert result.exit_code == 0, result.stderr
    assert "2 layer(s) added" in result.output
    store = open_project(lead)
    assert store.document_count() == 2  # bob's renamed copy matched by its text
    doc = store.document_ids()[0]
    assert {a for _d, a, _done in store.layers(doc)} == {"alice", "bob"}
    assert len(store.spans(doc, "alice")) == 2 and len(store.claims(doc, "alice")) == 1
    store.close()
    before = sqlite3.connect(lead).execute("SELECT count(*) FROM spans").fetchone()
    again = run("merge", a, b, "--into", lead)
    assert again.exit_code == 0 and "0 layer(s) added, 0 replaced, 2 unchanged" in again.output
    assert sqlite3.connect(lead).execute("SELECT count(*) FROM spans").fetchone() == before


def test_merge_replaces_a_changed_layer_and_keeps_the_old_one_in_history(tmp_path):
    a = reviewer_file(tmp_path / "alice.db", "alice", [(134, 149, "SPEAKER")])
    lead = tmp_path / "lead.db"
    assert run("merge", a, "--into", lead).exit_code == 0
    store = open_project(a)
    doc = store.document_ids()[0]
    log = EditLog(store)
    [span] = store.spans(doc, "alice")
    log.do(RemoveSpan(doc, span.id))
    log.do(AddSpan(doc, "alice", 134, 139, "SPEAKER"))
    store.close()
    result = run("merge", a, "--into", lead)
    assert "1 replaced" in result.output and "alice on" in result.output
    store = open_project(lead)
    assert [(s.start, s.end) for s in store.spans(doc, "alice")] == [(134, 139)]
    [old] = store.layer_history(doc)
    assert [(s["start"], s["end"], s["text"]) for s in old["layer"]["spans"]] == [(134, 149, "Hwang Joon-kook")]
    store.close()


def test_merge_refuses_bad_files_and_changes_nothing(tmp_path):
    lead = tmp_path / "lead.db"
    a = reviewer_file(tmp_path / "alice.db", "alice", [(134, 149, "SPEAKER")])
    run("merge", a, "--into", lead)
    dump_before = "\n".join(sqlite3.connect(lead).iterdump())
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"hello" * 50)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE x (y)")
    conn.commit()
    conn.close()
    newer = reviewer_file(tmp_path / "newer.db", "carol", [(0, 5, "ENTITY")])
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 42")
    conn.close()
    # A file whose "spans" is a view (the schema check runs before any row is read).
    sneaky = reviewer_file(tmp_path / "sneaky.db", "dave", [(0, 5, "ENTITY")])
    conn = sqlite3.connect(sneaky)
    conn.execute("DROP TABLE claim_members")
    conn.execute("CREATE VIEW claim_members AS SELECT 1 AS claim_id, 1 AS span_id")
    conn.commit()
    conn.close()
    for bad, message in [(junk, "not an Annotator project"), (other, "not an Annotator project"),
                         (newer, "newer version"), (sneaky, "no claim_members table"),
                         (tmp_path / "missing.db", "no such project file")]:
        before_bytes = bad.read_bytes() if bad.exists() else None
        result = run("merge", a, bad, "--into", lead)
        assert result.exit_code == 1, (bad, result.output)
        assert message in result.stderr and result.stderr.startswith("error: ")
        if before_bytes is not None:
            assert bad.read_bytes() == before_bytes  # the reviewer's file is never written
    assert "\n".join(sqlite3.connect(lead).iterdump()) == dump_before


def test_agreement_on_the_imported_bratiaa_project_gives_the_reference_figures(tmp_path):
    db = tmp_path / "b.db"
    result = run("import", BRATIAA, "--db", db, "--format", "brat")
    assert result.exit_code == 0, result.stderr
    assert "7 document(s) added" in result.output
    result = run("agreement", "--db", db, "--json")
    report = json.loads(result.output)
    assert report["annotators"] == ["Lisa", "Maria", "Max", "Peter"]
    assert report["overall"]["f1_exact_mean"] == pytest.approx(0.8903501, abs=1e-7)
    assert report["overall"]["f1_exact_sd"] == pytest.approx(0.0526314, abs=1e-7)
    for label, value in {"LOC": 0.8191061, "MISC": 0.84004593, "ORG": 0.9059579, "PER": 0.93782234}.items():
        assert report["per_label"][label]["f1_exact_mean"] == pytest.approx(value, abs=1e-7)
    assert len(report["pairs"]) == 6 and len(report["per_document"]) == 7
    table = run("agreement", "--db", db).output
    assert "0.890" in table and "0.053" in table
    two = json.loads(run("agreement", "--db", db, "--annotators", "Lisa,Max", "--labels", "PER", "--json").output)
    assert two["annotators"] == ["Lisa", "Max"] and list(two["per_label"]) == ["PER"]
    bad = run("agreement", "--db", db, "--annotators", "Lisa,Nobody")
    assert bad.exit_code == 1 and "no reviewer named 'Nobody'" in bad.stderr


def test_agreement_without_overlap_is_null_not_zero(tmp_path):
    a = reviewer_file(tmp_path / "alice.db", "alice", [])
    lead = tmp_path / "lead.db"
    run("merge", a, "--into", lead)
    report = json.loads(run("agreement", "--db", lead, "--json").output)
    assert report["overall"]["f1_exact_mean"] is None
