"""Exports read by the tools that consume them (issue 9.5): the doccano form from the command line,
Parquet through pyarrow and pandas, a spaCy DocBin for ``spacy train``."""

import json

import pytest
from click.testing import CliRunner

from annotator.cli import cli

CLAIMED = {
    "id": "d1", "title": "t", "text": "Hwang said 40% came from hacking.", "annotator": "bob",
    "meta": {"source": "a.txt"},
    "spans": [{"id": "s1", "start": 0, "end": 5, "label": "SPEAKER", "text": "Hwang"},
              {"id": "s2", "start": 11, "end": 14, "label": "FIGURE", "text": "40%"},
              {"id": "s3", "start": 11, "end": 32, "label": "CLAIM", "text": "40% came from hacking"}],
    "claims": [{"id": "c1", "span": "s3", "members": ["s1", "s2"], "note": ""}],
}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(CLAIMED) + "\n", encoding="utf-8")
    path = tmp_path / "p.annotator.db"
    assert run("import", source, "--db", path).exit_code == 0
    return path


@pytest.mark.parametrize("form, keys", [("label", {"label"}), ("relation", {"entities", "relations"})])
def test_doccano_form_from_the_command_line(db, tmp_path, form, keys):
    out = tmp_path / "d.jsonl"
    result = run("export", "--db", db, "--format", "doccano", "--doccano-form", form, "-o", out)
    assert result.exit_code == 0
    line = json.loads(out.read_text(encoding="utf-8"))
    assert keys <= set(line) and not ({"label", "entities"} - keys) & set(line)
    if form == "label":
        assert "leaves out 1 claim(s) and 1 CLAIM span(s)" in result.stderr


def test_doccano_form_with_another_format_is_refused(db, tmp_path):
    result = run("export", "--db", db, "--format", "jsonl", "--doccano-form", "label", "-o", tmp_path / "x.jsonl")
    assert result.exit_code == 1 and "takes no 'form' option" in result.stderr
    assert not (tmp_path / "x.jsonl").exists()


# --------------------------------------------------------------------------- Parquet

def _documents_of_differing_meta(tmp_path):
    """Two documents whose meta differ in type (2024 / "2024") and shape, spans without attrs, one
    with nested attrs, and a third document with no meta and no spans at all (issue 9.5)."""
    first = {**CLAIMED, "meta": {"source": "a.txt", "year": 2024, "tags": ["x"]}}
    first["spans"] = [dict(first["spans"][0], attrs={"relations": [{"type": "r", "target": {"id": "s2"}}]}),
                      *first["spans"][1:]]
    second = {"id": "d2", "text": "Kim said no.", "annotator": "bob", "meta": {"year": "2024", "source": 7},
              "spans": [{"id": "s1", "start": 0, "end": 3, "label": "SPEAKER", "text": "Kim"}]}
    third = {"id": "d3", "text": "Nothing here.", "annotator": "bob", "spans": []}
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(x) + "\n" for x in (first, second, third)), encoding="utf-8")
    path = tmp_path / "meta.annotator.db"
    assert run("import", source, "--db", path).exit_code == 0
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "spacy"])
def test_exports_go_to_parquet_with_pyarrow_and_pandas_as_they_are(tmp_path, fmt):
    pa_json = pytest.importorskip("pyarrow.json")
    pq = pytest.importorskip("pyarrow.parquet")
    pd = pytest.importorskip("pandas")
    db = _documents_of_differing_meta(tmp_path)
    out = tmp_path / f"{fmt}.jsonl"
    assert run("export", "--db", db, "--format", fmt, "-o", out).exit_code == 0

    table = pa_json.read_json(out)  # what datasets.load_dataset("json") runs first
    pq.write_table(table, tmp_path / "arrow.parquet")
    pd.read_json(out, lines=True).to_parquet(tmp_path / "pandas.parquet")
    for name in ("arrow.parquet", "pandas.parquet"):
        rows = pq.read_table(tmp_path / name).to_pylist()
        metas = {row["id"]: json.loads(row["meta_json"]) for row in rows}
        assert metas["d1"]["year"] == 2024 and metas["d2"]["year"] == "2024" and metas["d3"] == {}
    if fmt == "jsonl":
        spans = pq.read_table(tmp_path / "arrow.parquet").to_pylist()[0]["spans"]
        assert json.loads(spans[0]["attrs_json"])["relations"][0]["type"] == "r"


def test_native_export_has_no_objects_a_columnar_reader_would_type(tmp_path):
    db = _documents_of_differing_meta(tmp_path)
    out = tmp_path / "x.jsonl"
    assert run("export", "--db", db, "-o", out).exit_code == 0
    for record in map(json.loads, out.read_text(encoding="utf-8").splitlines()):
        assert isinstance(record["meta_json"], str) and "meta" not in record
        for part in record["spans"] + record["claims"]:
            assert isinstance(part["attrs_json"], str) and "attrs" not in part


def test_version_1_lines_still_read_and_come_back_as_version_2(tmp_path):
    db = _documents_of_differing_meta(tmp_path)  # imported from version-1 lines
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run("export", "--db", db, "-o", first).exit_code == 0
    again = tmp_path / "again.annotator.db"
    assert run("import", first, "--db", again).exit_code == 0
    assert run("export", "--db", again, "-o", second).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("line, words", [
    ({"text": "abc", "meta": {}, "meta_json": "{}"}, "both 'meta' and 'meta_json'"),
    ({"text": "abc", "meta_json": {"a": 1}}, "must be a string"),
    ({"text": "abc", "meta_json": "[1]"}, "must hold a JSON object"),
    ({"text": "abc", "meta_json": "{nope"}, "is not a JSON object"),
    ({"text": "abc", "spans": [{"start": 0, "end": 1, "label": "A", "attrs_json": "3"}]}, "span 's1': 'attrs_json'"),
])
def test_bad_json_strings_are_refused_naming_the_line(tmp_path, line, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = run("import", path, "--format", "jsonl", "--db", tmp_path / "p.annotator.db")
    assert result.exit_code == 1 and "line 1" in result.stderr and words in result.stderr, result.stderr


def test_version_1_shape_is_what_broke_parquet(tmp_path):
    # the reproduction of issue 9.5: empty attrs are a struct with no fields, and meta types clash
    pa_json = pytest.importorskip("pyarrow.json")
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    lines = [{"id": "a", "meta": {"year": 2024}, "spans": [{"start": 0, "end": 1, "attrs": {}}]},
             {"id": "b", "meta": {"year": "2024"}, "spans": []}]
    path = tmp_path / "v1.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    with pytest.raises(pa.ArrowInvalid, match="changed from number to string"):
        pa_json.read_json(path)
    with pytest.raises(pa.ArrowInvalid):
        pd.read_json(path, lines=True).to_parquet(tmp_path / "x.parquet")
    path.write_text(json.dumps(lines[0]) + "\n", encoding="utf-8")
    with pytest.raises(pa.ArrowNotImplementedError, match="with no child field"):
        pq.write_table(pa_json.read_json(path), tmp_path / "y.parquet")


# --------------------------------------------------------------------------- spaCy DocBin

def _docbin(path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("xx").vocab))


def test_docbin_has_every_span_for_spancat_and_filtered_ents_for_ner(db, tmp_path):
    pytest.importorskip("spacy")
    out = tmp_path / "train.spacy"
    result = run("export", "--db", db, "--format", "spacy-docbin", "-o", out)
    assert result.exit_code == 0, result.stderr
    [doc] = _docbin(out)
    assert sorted((s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]) == [
        (0, 5, "SPEAKER"), (11, 14, "FIGURE"), (11, 32, "CLAIM")]
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(0, 5, "SPEAKER"), (11, 32, "CLAIM")]
    assert "ner: 1 overlapping span(s) left out of doc.ents by spacy.util.filter_spans (FIGURE 1)" in result.stderr
    assert doc.user_data["annotator"] == "bob" and doc.user_data["doc_id"] == "d1"
    assert "1 claim(s) not carried" in result.stderr


def test_docbin_lists_spans_off_spacys_tokens_and_never_moves_them(tmp_path):
    pytest.importorskip("spacy")
    from annotator.formats import spacy_docbin
    from annotator.model import AnnotatedDocument, Document, Span

    item = AnnotatedDocument(Document(id="d", title="t", text="Hwang said no.", meta={"lang": "en"}), "ann",
                             [Span(0, 5, "SPEAKER", "s1"), Span(1, 5, "ENTITY", "s2")])
    report = spacy_docbin.write([item], tmp_path / "x.spacy")
    assert report.spans == 1 and len(report.skipped) == 1 and "'wang'" in report.skipped[0]
    [doc] = _docbin(tmp_path / "x.spacy")
    assert [(s.start_char, s.end_char) for s in doc.spans["sc"]] == [(0, 5)]


def test_docbin_takes_one_layer_per_document(tmp_path):
    pytest.importorskip("spacy")
    from annotator.errors import AnnotatorError
    from annotator.formats import spacy_docbin
    from annotator.model import GOLD, AnnotatedDocument, Document, Span

    doc = Document(id="d", title="t", text="Kim said no.")
    layers = [AnnotatedDocument(doc, name, [Span(0, 3, "SPEAKER", "s1")]) for name in ("alice", "bob")]
    with pytest.raises(AnnotatorError, match="pass --gold or --annotator NAME"):
        spacy_docbin.write(layers, tmp_path / "x.spacy")
    assert not (tmp_path / "x.spacy").exists()
    gold = AnnotatedDocument(doc, GOLD, [Span(4, 8, "ENTITY", "s1")])
    spacy_docbin.write(layers + [gold], tmp_path / "x.spacy")
    [back] = _docbin(tmp_path / "x.spacy")
    assert back.user_data["annotator"] == GOLD and [s.label_ for s in back.spans["sc"]] == ["ENTITY"]


def test_docbin_without_spacy_says_how_to_install_it(db, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy then raises ImportError
    result = run("export", "--db", db, "--format", "spacy-docbin", "-o", tmp_path / "x.spacy")
    assert result.exit_code == 1 and "pip install 'annotator[spacy]'" in result.stderr
    assert not (tmp_path / "x.spacy").exists()


def test_docbin_is_not_read_back(tmp_path):
    path = tmp_path / "x.spacy"
    path.write_bytes(b"\x00")
    result = run("import", path, "--db", tmp_path / "p.annotator.db")
    assert result.exit_code == 1 and "not read back" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("pipe", ["spancat", "ner"])
def test_spacy_train_takes_the_docbin(db, tmp_path, pipe):
    pytest.importorskip("spacy")
    import subprocess
    import sys

    data = tmp_path / "train.spacy"
    assert run("export", "--db", db, "--format", "spacy-docbin", "-o", data).exit_code == 0
    config = tmp_path / "config.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "xx",
                    "--pipeline", pipe, "--optimize", "efficiency"], check=True, capture_output=True)
    done = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(config), "--output", str(tmp_path / "model"),
         "--paths.train", str(data), "--paths.dev", str(data), "--training.max_steps", "2",
         "--training.eval_frequency", "1"],
        capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (tmp_path / "model" / "model-last").is_dir()
