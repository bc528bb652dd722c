"""Issue 8, point 6: every bad input gets one line ``error: FILE, line N (or id): reason``, exit 1,
the project unchanged; nothing a file holds is dropped or misread without a word.

One test (or parametrised case) per reproduced bug; the fuzzer (test_fuzz_importers.py) covers
the families at large.
"""

import json
import os
import sqlite3

import pytest

from annotator.formats import base, checks

from .conftest import SEEDS
from .test_cli import project_state, run

SEED = SEEDS / "000_15135173df733d2c.txt"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "p.annotator.db"
    assert run("import", SEED, "--db", path).exit_code == 0
    return path


def refused(db, target, expected, *extra):
    """Import ``target`` and check the one-line refusal naming it; the project stays as it was."""
    before = project_state(db)
    result = run("import", *extra, target, "--db", db)
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 1, result.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "unexpected" not in lines[0]
    assert expected in lines[0], lines[0]
    assert project_state(db) == before
    return lines[0]


def spans_of(db, doc_id=None):
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            'SELECT d.id, s.start, s."end", s.label, substr(d.text, s.start + 1, s."end" - s.start) '
            "FROM spans s JOIN documents d ON d.id = s.doc_id ORDER BY s.start").fetchall()
    finally:
        conn.close()
    return [r[1:] for r in rows if doc_id is None or r[0] == doc_id]


# --------------------------------------------------------------------------- data dropped


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n", "mixed"])
def test_conll_line_endings_all_read(tmp_path, ending):
    lines = ["EU\tB-ORG", "rejects\tO", "German\tB-MISC"]
    content = "\r".join(lines[:2]) + "\n" + lines[2] + "\r\n" if ending == "mixed" else ending.join(lines) + ending
    path = tmp_path / "a.conll"
    path.write_bytes(content.encode())
    db = tmp_path / "p.db"
    assert run("import", path, "--db", db).exit_code == 0
    assert spans_of(db) == [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German")]


def test_brat_ann_with_cr_only_line_endings_keeps_every_line(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "x.txt").write_text("Hwang said 40 percent.", encoding="utf-8")
    (folder / "x.ann").write_bytes(b"T1\tSPEAKER 0 5\tHwang\rT2\tFIGURE 11 13\t40\rT3\tENTITY 0 5\tHwang\r")
    db = tmp_path / "p.db"
    assert run("import", folder, "--db", db).exit_code == 0
    assert sorted(spans_of(db)) == [(0, 5, "ENTITY", "Hwang"), (0, 5, "SPEAKER", "Hwang"), (11, 13, "FIGURE", "40")]


def test_label_studio_region_without_start_is_refused(db, tmp_path):
    tasks = [{"data": {"text": "Hwang said"}, "annotations": [
        {"result": [{"id": "r1", "type": "labels", "value": {"end": 5, "labels": ["SPEAKER"]}}]}]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    refused(db, path, f"{path}, line 1: the task, annotation 1, region 'r1': the region has no 'start'")


def test_json_min_list_with_one_odd_entry_is_refused_not_moved_to_meta(db, tmp_path):
    rows = [{"text": "Hwang said", "label": [{"start": 0, "end": 5, "labels": ["SPEAKER"]}, "odd"]}]
    path = tmp_path / "min.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    refused(db, path, "label 2: every entry of 'label' must be a region")


def test_brat_text_column_must_equal_the_document_text(db, tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "x.txt").write_text("Hwang said 40 percent.", encoding="utf-8")
    (folder / "x.ann").write_text("T1\tFIGURE 11 13\t40\nT2\tSPEAKER 0 5\tHwang Joon-kook\n", encoding="utf-8")
    refused(db, folder, f"{folder / 'x.ann'}, line 2: T2: its text 'Hwang Joon-kook' differs from the .txt")


def test_brat_crlf_text_still_counts_brat_s_way(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "x.txt").write_bytes(b"Intro\r\nHwang said.")
    (folder / "x.ann").write_bytes(b"T1\tSPEAKER 6 11\tHwang\n")  # brat: \r\n is one character
    db = tmp_path / "p.db"
    assert run("import", folder, "--db", db).exit_code == 0
    assert spans_of(db) == [(7, 12, "SPEAKER", "Hwang")]


# --------------------------------------------------------------------------- wrong values


@pytest.mark.parametrize("done", ['"false"', '"no"', '"true"', "2", "null", "[]", "{}", "0.0"])
def test_done_must_be_a_boolean(db, tmp_path, done):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "d1", "text": "Hwang said", "annotator": "bob", "spans": [], "done": %s}\n' % done, encoding="utf-8")
    if done == "null":  # absent in effect: not done
        assert run("import", path, "--db", db).exit_code == 0
        return
    refused(db, path, f"{path}, line 1: 'done' must be true or false")


@pytest.mark.parametrize("done, stored", [("true", 1), ("false", 0), ("1", 1), ("0", 0)])
def test_done_booleans_and_0_1_are_read(tmp_path, done, stored):
    path = tmp_path / "d.jsonl"
    path.write_text('{"id": "d1", "text": "Hwang said", "annotator": "bob", "spans": [], "done": %s}\n' % done, encoding="utf-8")
    db = tmp_path / "p.db"
    assert run("import", path, "--db", db).exit_code == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT done FROM layers").fetchall() == [(stored,)]
    conn.close()


def test_label_studio_was_cancelled_must_be_a_boolean(db, tmp_path):
    tasks = [{"data": {"text": "Hwang said"}, "annotations": [{"was_cancelled": "false", "result": []}]}]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    refused(db, path, "'was_cancelled' must be true or false")


# --------------------------------------------------------------------------- no "unexpected"

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("name, content, fmt", [
    ("deep.jsonl", '{"text": "abc", "meta": %s}' % DEEP, "jsonl"),
    ("deep_auto.jsonl", '{"text": "abc", "meta": %s}' % DEEP, "auto"),
    ("deep.json", DEEP, "label-studio"),
    ("deep_task.json", '[{"data": {"text": "abc"}, "meta": {"x": %s}}]' % DEEP, "label-studio"),
    ("deep_doccano.jsonl", '{"text": "abc",\n "x": %s}' % DEEP, "doccano"),
    ("deep_spacy.jsonl", '{"text": "abc", "x": %s}' % DEEP, "spacy"),
])
def test_json_nested_100k_deep_is_refused(db, tmp_path, name, content, fmt):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    refused(db, path, "nested more than 64 levels deep", "--format", fmt)


def test_json_nested_65_deep_is_refused_and_64_accepted(db, tmp_path):
    def line(depth):  # the record is level 1, meta level 2
        return '{"text": "abc", "annotator": "a", "spans": [], "meta": {"k": %s}}\n' % ("[" * (depth - 2) + "]" * (depth - 2))

    path = tmp_path / "d.jsonl"
    path.write_text(line(65), encoding="utf-8")
    refused(db, path, "nests lists and objects more than 64 levels deep")
    path.write_text(line(64), encoding="utf-8")
    assert run("import", path, "--db", db).exit_code == 0
    out = tmp_path / "out.jsonl"
    assert run("export", "--db", db, "-o", out).exit_code == 0  # what we accept, orjson can write


@pytest.mark.parametrize("record, expected", [
    ('{"id": "\\ud800", "text": "abc"}', "'id' holds an unpaired UTF-16 surrogate"),
    ('{"text": "abc", "title": "T\\udfff"}', "'title' holds an unpaired UTF-16 surrogate"),
    ('{"text": "abc", "meta": {"k\\ud800": 1}}', "'meta' has a key 'k\\ud800'"),
    ('{"text": "abc", "meta": {"k": ["\\udc00"]}}', "'meta.k[0]' holds an unpaired"),
    ('{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "X", "attrs": {"a": "\\udc00"}}]}',
     "'spans[0].attrs.a' holds"),
    ('{"text": "abc", "annotator": "b\\ud800"}', "'annotator' holds"),
    ('{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "\\ud800"}]}', "'spans[0].label' holds"),
    ('{"text": "ab\\u0000c"}', "the document text holds a NUL character"),
    ('{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "\\u0000X"}]}', "holds a NUL character"),
    ('{"text": "abc", "meta": {"n": NaN}}', "NaN is not a JSON number"),
    ('{"text": "abc", "meta": {"n": 1e999}}', "1e999 is too large (it reads as infinity)"),
    ('{"text": "abc", "meta": {"n": 1%s}}' % ("0" * 5000), "a number with more than 4,300 digits"),
])
def test_strings_and_numbers_that_cannot_be_stored_are_refused(db, tmp_path, record, expected):
    path = tmp_path / "s.jsonl"
    path.write_text(record + "\n", encoding="utf-8")
    refused(db, path, f"{path}, line 1: ", "--format", "jsonl")
    refused(db, path, expected, "--format", "jsonl")


def test_file_name_that_is_not_utf8_is_refused(db, tmp_path):
    path = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(path, "wb") as handle:
        handle.write(b"Some text.")
    line = refused(db, os.fsdecode(path), "the file name is not valid UTF-8 (byte 0xe9)")
    assert "caf\\xe9.txt" in line


def test_brat_sub_folder_that_is_not_utf8_is_refused(db, tmp_path):
    folder = tmp_path / "b"
    sub = os.path.join(os.fsencode(folder), b"al\xffce")
    os.makedirs(sub)
    with open(os.path.join(sub, b"x.txt"), "wb") as handle:
        handle.write(b"Hwang said")
    with open(os.path.join(sub, b"x.ann"), "wb") as handle:
        handle.write(b"T1\tSPEAKER 0 5\tHwang\n")
    refused(db, folder, "the file name is not valid UTF-8 (byte 0xff)")


@pytest.mark.parametrize("span, expected", [
    ({"token_start": [0], "token_end": 0}, "'token_start' and 'token_end' must both be integers"),
    ({"token_start": 0, "token_end": {"a": 1}}, "must both be integers"),
    ({"token_start": 0}, "must both be integers"),
    ({"id": [1]}, "span 1: 'id' must be a string or an integer, not a list"),
    ({"start": 0.0}, "start must be an integer"),
    ({"start": True}, "start must be an integer"),
])
def test_spacy_wrong_types_are_refused(db, tmp_path, span, expected):
    obj = {"text": "Hwang said", "tokens": [{"start": 0, "end": 5, "id": 0}, {"start": 6, "end": 10, "id": 1}],
           "spans": [{"start": 0, "end": 5, "label": "SPEAKER", **span}]}
    path = tmp_path / "sp.jsonl"
    path.write_text(json.dumps(obj) + "\n", encoding="utf-8")
    refused(db, path, expected, "--format", "spacy")


@pytest.mark.parametrize("fmt, record, expected", [
    ("jsonl", {"text": "a", "meta": []}, "'meta' must be an object, not a list"),
    ("jsonl", {"text": "a", "spans": {}}, "'spans' must be a list"),
    ("jsonl", {"text": "a", "id": 1.5}, "'id' must be a string or an integer"),
    ("jsonl", {"text": "a", "title": 3}, "'title' must be a string"),
    ("jsonl", {"text": "a", "claims": [{"note": 0}]}, "'note' must be a string"),
    ("jsonl", {"text": "ab", "spans": [{"start": 0, "end": 1, "label": "X", "sources": "bob"}]},
     "'sources' must be a list"),
    ("doccano", {"text": "a", "id": {"x": 1}}, "'id' must be a string or an integer, not an object"),
    ("doccano", {"text": "a", "title": ["t"]}, "'title' must be a string"),
    ("doccano", {"text": "ab", "entities": [{"id": [1], "start_offset": 0, "end_offset": 1, "label": "X"}]},
     "'id' must be a string or an integer"),
    ("spacy", {"text": "a", "meta": "m"}, "'meta' must be an object"),
])
def test_wrong_types_are_refused(db, tmp_path, fmt, record, expected):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    refused(db, path, f"{path}, line 1: ", "--format", fmt)
    refused(db, path, expected, "--format", fmt)


@pytest.mark.parametrize("task, expected", [
    ({"data": {"text": "a"}, "meta": []}, "'meta' must be an object"),
    ({"data": {"text": "a", "title": 5}}, "'title' must be a string"),
    ({"data": {"text": "a"}, "annotations": {}}, "'annotations' must be a list"),
    ({"data": {"text": "a"}, "annotations": [{"completed_by": [1], "result": []}]}, "the reviewer must be"),
    ({"data": {"text": "ab"}, "annotations": [{"result": [{"type": "labels", "id": "r", "value": {
        "start": True, "end": 1, "labels": ["X"], "text": "b"}}]}]}, "start must be an integer"),
])
def test_label_studio_wrong_types_are_refused(db, tmp_path, task, expected):
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    refused(db, path, expected)


# --------------------------------------------------------------------------- files that are not files


def test_fifo_is_refused_without_blocking(db, tmp_path):
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading the usual way would block forever
    refused(db, fifo, f"{fifo}: is a FIFO (named pipe), not a regular file")
    refused(db, fifo, "is a FIFO", "--format", "jsonl")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(db, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    refused(db, device, f"{device}: is a character device, not a regular file", "--format", "txt")


def test_fifo_inside_a_brat_folder_is_refused(db, tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "x.txt").write_text("Hwang said", encoding="utf-8")
    os.mkfifo(folder / "x.ann")
    refused(db, folder, "x.ann: is a FIFO")


def test_file_over_the_size_cap_is_refused_before_reading(db, tmp_path):
    big = tmp_path / "big.jsonl"
    with open(big, "wb") as handle:  # sparse: no disk space used, but stat says 513 MiB
        handle.truncate(checks.MAX_FILE_BYTES + 1)
    refused(db, big, "files over 512 MiB are not read", "--format", "jsonl")


def test_line_over_the_line_cap_is_refused(db, tmp_path, monkeypatch):
    monkeypatch.setattr(base, "MAX_LINE_BYTES", 1000)
    monkeypatch.setattr(base, "_CHUNK", 64)  # the cap holds across chunk boundaries
    path = tmp_path / "long.jsonl"
    path.write_text('{"text": "short", "annotator": "a"}\n{"text": "%s"}\n' % ("x" * 2000), encoding="utf-8")
    refused(db, path, f"{path}, line 2: the line is longer than", "--format", "jsonl")


def test_lines_split_across_chunks_read_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(base, "_CHUNK", 3)
    path = tmp_path / "a.txt"
    path.write_bytes(b"ab\r\ncd\re\n\r\nf\r")
    assert list(base.read_lines(path)) == [(1, "ab"), (2, "cd"), (3, "e"), (4, ""), (5, "f")]


def test_symlink_out_of_a_brat_folder_is_refused(db, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("Hwang said", encoding="utf-8")
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "x.txt").symlink_to(outside)
    (folder / "x.ann").write_text("T1\tSPEAKER 0 5\tHwang\n", encoding="utf-8")
    refused(db, folder, "x.txt: is a symbolic link to outside the folder being imported")


def test_symlink_inside_a_brat_folder_is_followed(tmp_path):
    folder = tmp_path / "b"
    (folder / "alice").mkdir(parents=True)
    (folder / "alice" / "x.txt").write_text("Hwang said", encoding="utf-8")
    (folder / "alice" / "x.ann").write_text("T1\tSPEAKER 0 5\tHwang\n", encoding="utf-8")
    (folder / "bob").symlink_to(folder / "alice")
    db = tmp_path / "p.db"
    assert run("import", folder, "--db", db).exit_code == 0
    assert len(spans_of(db)) == 2  # one layer each


def test_brat_folder_over_the_entry_cap_is_refused(db, tmp_path, monkeypatch):
    monkeypatch.setattr(checks, "MAX_FOLDER_ENTRIES", 3)
    folder = tmp_path / "b"
    folder.mkdir()
    for n in range(2):
        (folder / f"{n}.txt").write_text("Hwang said", encoding="utf-8")
        (folder / f"{n}.ann").write_text("", encoding="utf-8")
    refused(db, folder, "the folder holds more than 3 entries")


@pytest.mark.parametrize("name, content, fmt", [
    ("empty.json", "[]", "label-studio"),  # found by the fuzzer: the message named no file
    ("rejected.jsonl", '{"text": "a", "answer": "reject"}\n', "spacy"),
])
def test_a_file_with_no_documents_is_named(db, tmp_path, name, content, fmt):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    refused(db, path, f"{path}: no documents found in the file", "--format", fmt)
