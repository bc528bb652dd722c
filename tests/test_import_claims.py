"""Claims on import: a claim is its statement, members and note (issue 8: two claims on one
statement were merged into one, and a claim with no statement was added again on each import)."""

import json

from annotator.project import import_files, open_project

TEXT = "Kim said exports rose 4.3% in May. Lee said 3.9%."
SPANS = [
    {"id": "s1", "start": 0, "end": 3, "label": "SPEAKER", "text": "Kim"},
    {"id": "s2", "start": 22, "end": 26, "label": "FIGURE", "text": "4.3%"},
    {"id": "s3", "start": 0, "end": 34, "label": "CLAIM", "text": TEXT[:34]},
    {"id": "s4", "start": 44, "end": 48, "label": "FIGURE", "text": "3.9%"},
]


def write(path, claims):
    record = {"id": "d1", "text": TEXT, "annotator": "ann", "spans": SPANS, "claims": claims}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def claims(store):
    rows = store.db.execute("SELECT id, span_id, note FROM claims ORDER BY id").fetchall()
    return [(span is not None, note, sorted(m for (m,) in store.db.execute(
        "SELECT span_id FROM claim_members WHERE claim_id = ?", (i,)))) for i, span, note in rows]


def test_two_claims_on_one_statement_stay_two_with_both_notes(tmp_path):
    source = write(tmp_path / "a.jsonl", [
        {"id": "c1", "span": "s3", "members": ["s1", "s2"], "note": "as reported"},
        {"id": "c2", "span": "s3", "members": ["s1"], "note": "the speaker's own figure"},
    ])
    store = open_project(tmp_path / "p.annotator.db")
    result = import_files(store, [source], format="jsonl", annotator="x")
    assert result.claims_added == 2
    notes = sorted(note for _has, note, _m in claims(store))
    assert notes == ["as reported", "the speaker's own figure"]
    store.close()


def test_importing_the_same_claims_again_adds_none_statement_or_not(tmp_path):
    source = write(tmp_path / "a.jsonl", [
        {"id": "c1", "span": None, "members": ["s4"], "note": "no statement tagged"},
        {"id": "c2", "span": "s3", "members": ["s1", "s2"], "note": ""},
        {"id": "c3", "span": "s3", "members": ["s1", "s2"], "note": ""},  # a true duplicate is kept
    ])
    store = open_project(tmp_path / "p.annotator.db")
    first = import_files(store, [source], format="jsonl", annotator="x")
    before = claims(store)
    again = import_files(store, [source], format="jsonl", annotator="x")
    assert first.claims_added == 3 and again.claims_added == 0
    assert claims(store) == before and len(before) == 3
    store.close()


def test_a_refusal_at_the_store_names_the_file(tmp_path):
    from annotator.errors import InputError
    from annotator.model import AnnotatedDocument, Document, Span
    from annotator.project import store_items

    store = open_project(tmp_path / "p.annotator.db")
    item = AnnotatedDocument(Document("d1", "d1", "short"), "x", [Span(0, 50, "SPEAKER", "s1")])
    source = tmp_path / "from-elsewhere.jsonl"
    try:
        store_items(store, [item], {id(item): source})
    except InputError as exc:
        assert str(exc).startswith(f"{source}: document 'd1'")
    else:
        raise AssertionError("an out-of-range span was stored")
    assert store.document_count() == 0
    store.close()


def test_strict_labels_names_the_file_and_document(tmp_path):
    from click.testing import CliRunner

    from annotator.cli import cli

    record = {"id": "d1", "text": TEXT, "annotator": "ann",
              "spans": [{"id": "s1", "start": 0, "end": 3, "label": "PERSON", "text": "Kim"}]}
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(source), "--db", str(tmp_path / "p.db"), "--strict-labels"])
    assert result.exit_code == 1
    assert f"error: {source}: document 'd1': label 'PERSON' is not in the project's scheme" in result.output


def test_text_that_cannot_be_stored_is_refused_in_words(tmp_path):
    import pytest

    from annotator.errors import EditError

    store = open_project(tmp_path / "p.annotator.db", seed=True)
    with pytest.raises(EditError, match="not Unicode"):
        store.set_title(store.document_ids()[0], "bad \ud800 title")
    store.close()
