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
