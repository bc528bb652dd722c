"""``detect`` (for ``--format auto``) and the registry."""

import json
from pathlib import Path

import pytest

from .conftest import FIXTURES_DIR
from annotator.errors import InputError
from annotator.formats import FORMATS, detect, get
from annotator.model import AnnotatedDocument, Document, Span

FIXTURES = FIXTURES_DIR


def test_registry_lists_every_format():
    assert set(FORMATS) == {"jsonl", "txt", "doccano", "spacy", "spacy-docbin", "label-studio", "brat", "conll"}
    for name, module in FORMATS.items():
        assert module.NAME == name and module.DESCRIPTION and callable(module.read) and callable(module.write)


@pytest.mark.parametrize(
    "path, name",
    [
        ("doccano/data_export_sequence_labeling_example.jsonl", "doccano"),
        ("doccano/data_export_relation_extraction_example.jsonl", "doccano"),  # pretty-printed
        ("doccano/data_import_relation_extraction_example.jsonl", "doccano"),
        ("doccano/data_import_sequence_labeling_example.conll", "conll"),
        ("brat/example-data/tutorials/news", "brat"),
        ("brat/example-data/tutorials/news/000-introduction.ann", "brat"),
        ("brat/example-data/tutorials/news/000-introduction.txt", "txt"),
        ("bratiaa/example-files/example-project", "brat"),
    ],
)
def test_fixtures(path, name):
    assert detect(FIXTURES / path) == name


def test_written_files_are_detected_as_what_wrote_them(tmp_path):
    item = AnnotatedDocument(Document(id="d", title="t", text="Kim said no."), "alice", [Span(0, 3, "SPEAKER", "s1")])
    for name, filename in [("jsonl", "a.jsonl"), ("doccano", "b.jsonl"), ("spacy", "c.jsonl"),
                           ("label-studio", "d.json"), ("conll", "e.conll"), ("brat", "f")]:
        get(name).write([item], tmp_path / filename)
        assert detect(tmp_path / filename) == name


@pytest.mark.parametrize(
    "obj, name",
    [
        ({"text": "a", "spans": [{"start": 0, "end": 1, "label": "X"}]}, "jsonl"),
        ({"text": "a", "spans": [], "_annotator_id": "ds-anna", "answer": "accept"}, "spacy"),
        ({"text": "a", "entities": [[0, 1, "X"]]}, "doccano"),
    ],
)
def test_sniffing_jsonl(tmp_path, obj, name):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps(obj) + "\n", encoding="utf-8")
    assert detect(path) == name


@pytest.mark.parametrize(
    "content, words",
    [
        ('{"text": "a"}\n', "cannot tell"),
        ('{"text": "a", "tokens": [], "label": [[0, 1, "X"]]}\n', "several formats"),
        ("[1]\n", "not a JSON object"),
    ],
)
def test_ambiguous_or_unknown_jsonl_is_refused(tmp_path, content, words):
    path = tmp_path / "x.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        detect(path)
    assert words in info.value.reason and info.value.path == str(path)


def test_unknown_extension(tmp_path):
    with pytest.raises(InputError, match="pass --format"):
        detect(tmp_path / "x.docx")
