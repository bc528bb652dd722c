"""The command line: import, export, docs, and one clear error line for every kind of bad input."""

import hashlib
import json
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.figures import read_figure
from annotator.cli import cli
from annotator.project import open_project

from .conftest import SEEDS


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def project_state(path):
    """The logical content of a project file (not its bytes: WAL checkpoints move pages around)."""
    if not path.exists():
        return None
    conn = sqlite3.connect(path)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return hashlib.sha256(dump.encode()).hexdigest()


GOOD = {"id": "d1", "text": "Hwang said 40% came from hacking.", "annotator": "bob",
        "spans": [{"id": "s1", "start": 0, "end": 5, "label": "SPEAKER", "text": "Hwang"}]}


def line(**changes):
    obj = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        if key.startswith("span_"):
            obj["spans"][0][key[5:]] = value
        else:
            obj[key] = value
    return json.dumps(obj)


BAD_INPUTS = {
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "latin1.txt": ("Caf\u00e9 au lait\n".encode("latin-1"), "not valid UTF-8"),
    "empty.txt": (b"", "empty"),
    "blank.jsonl": (b"\n  \n", "empty"),
    "truncated.jsonl": ((line() + "\n" + line()[:40]).encode(), "line 2: not valid JSON"),
    "mismatch.jsonl": (line(span_text="Hwan").encode(), "line 1: span 's1': its text"),
    "out_of_range.jsonl": (line(span_end=500).encode(), "out of range"),
    "negative.jsonl": (line(span_start=-1).encode(), "out of range"),
    "empty_span.jsonl": (line(span_start=3, span_end=3, span_text="").encode(), "less than end"),
    "label_number.jsonl": (line(span_label=7).encode(), "label must be a non-empty string"),
    "label_blank.jsonl": (line(span_label="  ").encode(), "label must be a non-empty string"),
    "not_object.jsonl": (b"[1, 2, 3]\n", "not a JSON object"),
    "no_text.jsonl": (b'{"id": "x"}\n', "cannot tell which JSONL format"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_refused_with_one_line_and_changes_nothing(tmp_path, name):
    content, expected = BAD_INPUTS[name]
    db = tmp_path / "p.annotator.db"
    assert run("import", SEEDS / "000_15135173df733d2c.txt", "--db", db).exit_code == 0
    before = project_state(db)
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run("import", SEEDS / "001_86bcf4922bea323b.txt", bad, "--db", db)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert str(bad) in lines[0] and expected in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert project_state(db) == before  # the good file given with it was not imported either


@pytest.mark.parametrize(
    "content, expected",
    [(b'{"id": "x", "spans": []}\n', "line 1: the line must have 'text' as a string"),
     (b'[1, 2, 3]\n', "line 1: each line must be a JSON object"),
     (b'{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "X"}], "claims": [{"span": "zz"}]}\n',
      "line 1: claim 'c1': its span 'zz' is not a span of this line")],
)
def test_native_format_names_what_is_wrong(tmp_path, content, expected):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    result = run("import", bad, "--db", tmp_path / "p.db", "--format", "jsonl")
    assert result.exit_code == 1 and expected in result.stderr, result.stderr
    assert not (tmp_path / "p.db").exists() or project_state(tmp_path / "p.db") is not None


def test_project_not_sqlite_or_newer_is_refused(tmp_path):
    junk = tmp_path / "junk.annotator.db"
    junk.write_bytes(b"not sqlite" * 100)
    result = run("import", SEEDS / "000_15135173df733d2c.txt", "--db", junk)
    assert result.exit_code == 1 and "not an Annotator project" in result.stderr
    assert junk.read_bytes() == b"not sqlite" * 100

    newer = tmp_path / "newer.annotator.db"
    open_project(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = newer.read_bytes()
    result = run("docs", "--db", newer)
    assert result.exit_code == 1 and "newer version of Annotator" in result.stderr
    assert newer.read_bytes() == before


def test_strict_labels_refuses_unknown_labels(tmp_path):
    db = tmp_path / "p.annotator.db"
    f = tmp_path / "x.jsonl"
    f.write_text(line(span_label="PERSON"), encoding="utf-8")
    result = run("import", f, "--db", db, "--strict-labels")
    assert result.exit_code == 1 and "PERSON" in result.stderr
    result = run("import", f, "--db", db)
    assert result.exit_code == 0 and "new labels added to the scheme: PERSON" in result.output


def test_import_export_round_trip_is_byte_identical(tmp_path):
    db = tmp_path / "p.annotator.db"
    text = "Hwang 😀 said\r\n40% 👩‍👩‍👧 came from 北韩.\u00a0e\u0301!"
    spans = [(0, 5, "SPEAKER"), (6, 7, "ENTITY"), (14, 17, "FIGURE"), (0, 30, "CLAIM")]
    spans.sort(key=lambda s: (s[0], s[1], s[2]))
    # A FIGURE span carries its reading (an import gives one to a span that has none).
    reading = json.dumps({"figure": read_figure("40%").to_dict()}, separators=(",", ":"))
    obj = {
        "id": "doc-1", "title": "A title", "text": text, "meta_json": '{"source":"test"}', "annotator": "bob",
        "spans": [{"id": f"s{n}", "start": a, "end": b, "label": lab, "text": text[a:b],
                   "attrs_json": reading if lab == "FIGURE" else "{}"}
                  for n, (a, b, lab) in enumerate(spans, start=1)],
        "claims": [{"id": "c1", "span": "s2", "members": ["s1", "s3", "s4"], "note": "né", "attrs_json": "{}"}],
    }
    source = tmp_path / "in.jsonl"
    # Exports are compact JSON (no spaces after separators), key order as in DESIGN.md.
    source.write_text(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    assert run("import", source, "--db", db).exit_code == 0
    out = tmp_path / "out.jsonl"
    result = run("export", "--db", db, "--format", "jsonl", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes() == source.read_bytes()
    for record in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
        for span in record["spans"]:
            assert span["text"] == record["text"][span["start"]:span["end"]]


def test_export_picks_a_layer_and_docs_lists_counts(tmp_path):
    db = tmp_path / "p.annotator.db"
    for who in ("alice", "bob"):
        f = tmp_path / f"{who}.jsonl"
        f.write_text(line(annotator=who), encoding="utf-8")
        assert run("import", f, "--db", db).exit_code == 0
    result = run("export", "--db", db, "--annotator", "bob")
    records = [json.loads(x) for x in result.output.splitlines()]
    assert [r["annotator"] for r in records] == ["bob"]
    result = run("export", "--db", db, "--annotator", "carol")
    assert result.exit_code == 1 and "no reviewer named 'carol'" in result.stderr
    result = run("docs", "--db", db, "--json", "--annotator", "alice")
    [doc] = json.loads(result.output)
    assert (doc["id"], doc["spans"], doc["claims"]) == ("d1", 1, 0)
    assert {layer["annotator"] for layer in doc["layers"]} == {"alice", "bob"}


def test_export_is_atomic(tmp_path, monkeypatch):
    db = tmp_path / "p.annotator.db"
    f = tmp_path / "a.jsonl"
    f.write_text(line(), encoding="utf-8")
    run("import", f, "--db", db)
    out = tmp_path / "out.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    import annotator.formats.jsonl as jsonl

    def explode(obj):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(jsonl, "encode", explode)
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "-o", str(out)])
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_real_process_prints_no_traceback(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(bad), "--db", str(tmp_path / "p.db")],
        capture_output=True, text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and "line 1" in proc.stderr and "Traceback" not in proc.stderr


def test_export_falls_back_for_what_orjson_refuses(tmp_path):
    db = tmp_path / "p.annotator.db"
    f = tmp_path / "big.jsonl"
    f.write_text(json.dumps({"id": "d", "text": "abc", "meta": {"n": 2**70}, "annotator": "bob"}), encoding="utf-8")
    assert run("import", f, "--db", db, "--format", "jsonl").exit_code == 0
    out = tmp_path / "out.jsonl"
    assert run("export", "--db", db, "-o", out).exit_code == 0
    assert json.loads(json.loads(out.read_text(encoding="utf-8"))["meta_json"])["n"] == 2**70


def test_unpaired_surrogates_are_refused_with_the_file(tmp_path):
    bad = tmp_path / "surrogate.jsonl"
    bad.write_text('{"text": "a\\ud800b", "annotator": "bob"}\n', encoding="utf-8")
    result = run("import", bad, "--db", tmp_path / "p.db", "--format", "jsonl")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}") and "line 1: the document text holds an unpaired UTF-16 surrogate (\\ud800 at position 1)" in result.stderr


def test_export_of_every_reviewer_leaves_gold_out_and_txt_writes_every_document(tmp_path):
    db = tmp_path / "p.annotator.db"
    for who in ("alice", "gold"):
        f = tmp_path / f"{who}.jsonl"
        f.write_text(line(annotator=who), encoding="utf-8")
        run("import", f, "--db", db, "--format", "jsonl")
    run("import", SEEDS / "000_15135173df733d2c.txt", "--db", db)  # nobody annotated it
    records = [json.loads(x) for x in run("export", "--db", db).output.splitlines()]
    assert [r["annotator"] for r in records] == ["alice"]
    run("export", "--db", db, "--format", "txt", "-o", tmp_path / "texts")
    # (beside the texts, the hidden .annotator-export.json that lets a later export replace them)
    texts = sorted(p.name for p in (tmp_path / "texts").iterdir() if not p.name.startswith("."))
    assert texts == ["000_15135173df733d2c.txt", "d1.txt"]


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "spacy", "conll"])
def test_line_formats_are_read_as_a_stream_with_progress_in_bytes(tmp_path, fmt):
    from annotator import formats
    from annotator.model import AnnotatedDocument, Document, Span
    from annotator.project import read_files

    items = [AnnotatedDocument(Document(id=f"d{n}", title="t", text=f"Kim said {n} ships."), "bob",
                               [Span(0, 3, "PER", id="s1")]) for n in range(3000)]
    path = tmp_path / ("out.conll" if fmt == "conll" else "out.jsonl")
    formats.get(fmt).write(items, path)
    calls = []
    back = read_files([path], format=fmt, annotator="bob", progress=lambda done, total: calls.append((done, total)))
    assert len(back) == 3000 if fmt != "conll" else len(back) >= 1
    size = path.stat().st_size
    byte_calls = [c for c in calls if c[1] == size]
    assert len(byte_calls) >= 1 and all(0 < done <= size for done, _ in byte_calls)
