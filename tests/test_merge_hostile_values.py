"""Reviewer files whose schema or values are wrong: each is refused with one line naming the file
(and the row), exit status 1, and the lead's project exactly as it was."""

from __future__ import annotations

import pytest

from .hostile import assert_refused, dump, edit, make_reviewer, run

DEEP = 100_000


@pytest.fixture
def lead(tmp_path):
    lead = tmp_path / "lead.db"
    first = make_reviewer(tmp_path / "first.db", "zoe")
    assert run("merge", first, "--into", lead).exit_code == 0
    before = dump(lead)
    yield lead
    assert dump(lead) == before  # every case in this file leaves the project unchanged


def refuse(tmp_path, lead, statements, *phrases, name="alice"):
    path = make_reviewer(tmp_path / f"{name}.db", name)
    # A hostile author is not bound by our constraints and triggers: lift them first.
    edit(path, "PRAGMA foreign_keys = OFF", "PRAGMA ignore_check_constraints = ON",
         *(f"DROP TRIGGER {t}" for t in ("documents_text_is_immutable", "spans_end_in_text_update",
                                          "documents_length_matches_text")), *statements)
    assert_refused(run("merge", path, "--into", lead), path, *phrases)


@pytest.mark.parametrize("value", ["'false'", "'no'", "'yes'", "2", "-1", "0.5", "x'01'"])
def test_done_must_be_0_or_1(tmp_path, lead, value):
    refuse(tmp_path, lead, [f"UPDATE layers SET done = {value}"], "layer 'alice' of document", "done must be 0 or 1")


def test_nested_json_100k_deep_in_meta_is_refused_naming_the_document(tmp_path, lead):
    deep = '{"a": ' * DEEP + "1" + "}" * DEEP
    refuse(tmp_path, lead, [f"UPDATE documents SET meta = '{deep}'"],
           "document '000_15135173df733d2c': its meta is nested deeper than 64 levels")


def test_nested_json_100k_deep_in_attrs_is_refused_naming_the_span(tmp_path, lead):
    deep = '{"a": ' + "[" * DEEP + "]" * DEEP + "}"
    refuse(tmp_path, lead, [f"UPDATE spans SET attrs = '{deep}' WHERE id = 2"],
           "span 2 in document '000_15135173df733d2c': its attrs is nested deeper than 64 levels")


def test_json_just_over_the_depth_cap_is_refused_too(tmp_path, lead):
    deep = "[" * 70 + "]" * 70
    refuse(tmp_path, lead, [f"""UPDATE spans SET attrs = '{{"a": {deep}}}'"""], "span 1", "nested deeper than 64")


@pytest.mark.parametrize("attrs, phrase", [
    ("not json", "its attrs is not valid JSON"),
    ("[1, 2]", "its attrs must be a JSON object"),
    ('{"a": NaN}', "its attrs is not valid JSON"),
    ('{"a": 1e999}', "a number too large"),
    ('{"a": "\\ud800"}', "lone surrogate"),
])
def test_bad_attrs_are_refused(tmp_path, lead, attrs, phrase):
    refuse(tmp_path, lead, [f"UPDATE spans SET attrs = '{attrs}' WHERE id = 1"], "span 1", phrase)


@pytest.mark.parametrize("statement, phrase", [
    ("UPDATE spans SET start = 'zero' WHERE id = 1", "span 1 in document '000_15135173df733d2c': start must be an integer"),
    ("UPDATE spans SET \"end\" = 5.5 WHERE id = 1", "end must be an integer"),
    ("UPDATE spans SET \"end\" = 999999 WHERE id = 1", "out of range"),
    ("UPDATE spans SET label = '' WHERE id = 1", "its label is empty"),
    ("UPDATE spans SET label = x'00' WHERE id = 1", "its label must be text, not a blob of 1 bytes"),
    ("UPDATE spans SET annotator = 'al' || char(10) || 'ice' WHERE id = 1", "contains a control character"),
    ("INSERT INTO claim_members VALUES ('x', 1)", "a claim member: its claim id must be an integer, not 'x'"),
    ("UPDATE spans SET doc_id = 'nowhere' WHERE id = 1", "span 1 points to a missing document 'nowhere'"),
    ("UPDATE spans SET annotator = 'mallory' WHERE id = 1", "span 1 in document '000_15135173df733d2c' belongs to no layer"),
    ("UPDATE documents SET text = x'41' WHERE position = 0", "its text must be text, not a blob"),
    ("UPDATE documents SET text = '' WHERE position = 1", "has no text"),
    ("UPDATE documents SET title = x'00' WHERE position = 0", "its title must be text, not a blob of 1 bytes"),
    ("UPDATE documents SET meta = '[]' WHERE position = 0", "its meta must be a JSON object"),
    ("UPDATE documents SET text = (SELECT text FROM documents WHERE position = 0) WHERE position = 1",
     "has the same text as document"),
    ("UPDATE layers SET annotator = '   '", "its reviewer name is empty"),
    ("INSERT INTO claims (id, doc_id, annotator, span_id, note, created_at) SELECT 7, doc_id, 'alice', 1, x'00', ''"
     " FROM layers WHERE annotator = 'alice'", "claim 7 in document '000_15135173df733d2c': its note must be text"),
    ("INSERT INTO claim_members VALUES (1, 'one')", "a member of claim 1: its span id must be an integer"),
])
def test_values_of_the_wrong_type_or_shape_are_refused_naming_the_row(tmp_path, lead, statement, phrase):
    refuse(tmp_path, lead, [statement], phrase)


def test_a_claim_whose_statement_is_also_a_member_is_refused_by_the_reader(tmp_path, lead):
    refuse(tmp_path, lead, [
        "INSERT INTO claims (id, doc_id, annotator, span_id, note, created_at) SELECT 7, doc_id, 'alice', 1, '', ''"
        " FROM layers WHERE annotator = 'alice'",
        "INSERT INTO claim_members VALUES (7, 1)",
    ], "claim 7 in document '000_15135173df733d2c': its statement is also one of its members")


def test_invalid_utf8_text_is_refused_without_quoting_it(tmp_path, lead):
    refuse(tmp_path, lead, ["UPDATE documents SET title = CAST(x'ff41' AS TEXT) WHERE position = 0"],
           "text in its documents table is not valid UTF-8")


@pytest.mark.parametrize("statements, phrase", [
    (["DROP TABLE spans", "CREATE VIEW spans AS SELECT 1 AS id, '' AS doc_id, '' AS annotator, 0 AS start,"
      " 1 AS \"end\", 'X' AS label, '{}' AS attrs"], "no spans table: spans is a view"),
    (["DROP TABLE claim_members", "CREATE VIRTUAL TABLE claim_members USING fts5(claim_id, span_id)"],
     "no claim_members table: claim_members is a virtual"),
    (["DROP TABLE _sqlite_migrations", "CREATE VIEW _sqlite_migrations AS SELECT 'annotator' AS migration_set, "
      "'m001_initial' AS name"], "no _sqlite_migrations table: _sqlite_migrations is a view"),
    (["ALTER TABLE layers RENAME COLUMN done TO finished"], "layers lacks done"),
    (["INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', 'm999_future', '')"],
     "newer version of Annotator (it has schema changes m999_future)"),
    (["INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('annotator', x'00', '')"],
     "a migration name must be text"),
])
def test_schema_tricks_are_refused_before_a_row_is_read(tmp_path, lead, statements, phrase):
    refuse(tmp_path, lead, statements, phrase)


@pytest.mark.parametrize("reading, phrase", [
    ('{"value": "lots", "interval": [1, 2]}', "its value must be a number"),
    ('{"value": 5, "interval": [9, 1]}', "upside down"),
    ('{"value": 5, "interval": [4, 6], "qualifier": "DROP TABLE"}', "qualifier must be one of"),
    ('"three billion"', "it must be an object"),
])
def test_a_figure_reading_that_is_not_one_is_refused_naming_the_span(tmp_path, lead, reading, phrase):
    refuse(tmp_path, lead, [f"""UPDATE spans SET attrs = '{{"figure": {reading}}}' WHERE id = 2"""],
           "span 2 in document", "its figure reading", phrase)
