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
