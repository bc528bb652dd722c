"""doccano JSONL: fixtures from doccano's repository, round trips, bad input."""

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import FIXTURES_DIR
from annotator.errors import InputError
from annotator.formats import doccano
from annotator.model import AnnotatedDocument, Claim, Document, Span

FIXTURES = FIXTURES_DIR / "doccano"


def read(path):
    return doccano.read(path, default_annotator="me")


def triples(item):
    return [(s.start, s.end, s.label) for s in item.spans]


def sample():
    text = "Hwang Joon-kook said 3.5 million 👩‍👩‍👧 fled Seoul 🇰🇷.\r\n习近平说 café."
    spans = [
        Span(0, 15, "SPEAKER", "s1"),
        Span(21, 32, "FIGURE", "s2"),
        Span(44, 49, "ENTITY", "s3"),
        Span(21, 53, "CLAIM", "s4"),
        Span(56, 59, "ENTITY", "s5"),
    ]
    claims = [Claim(span="s4", members=("s1", "s2", "s3"), id="c1")]
    doc = Document(id="nk-1", title="Hwang", text=text, source="x", meta={"source": "x"})
    return AnnotatedDocument(document=doc, annotator="alice", spans=spans, claims=claims)


def test_sequence_labelling_export():
    items = read(FIXTURES / "data_export_sequence_labeling_example.jsonl")
    assert [i.document.text for i in items] == ["EU rejects German call to boycott British lamb.", "Peter Blackburn", "President Obama"]
    assert triples(items[0]) == [(0, 2, "ORG"), (11, 17, "MISC")]
    assert triples(items[2]) == [(10, 15, "PERSON")]
    assert all(i.annotator == "me" for i in items)


@pytest.mark.parametrize(
    "name", ["data_export_relation_extraction_example.jsonl", "data_import_relation_extraction_example.jsonl"]
)
def test_relation_extraction_files_keep_relations(name):
    # the export example is pretty-printed over many lines; the import one is one line
    [item] = read(FIXTURES / name)
    assert triples(item) == [(0, 6, "ORG"), (22, 39, "DATE"), (44, 54, "PERSON"), (59, 70, "PERSON")]
    google = item.spans[0]
    assert [(r["type"], r["target"]["label"]) for r in google.attrs["relations"]] == [
        ("foundedAt", "DATE"), ("foundedBy", "PERSON"), ("foundedBy", "PERSON"),
    ]
    assert item.claims == []


def test_missing_text_is_refused_with_its_line():
    with pytest.raises(InputError) as info:
        read(FIXTURES / "data_import_sequence_labeling_example.jsonl")
    assert info.value.line == 3 and "text" in info.value.reason
    assert "data_import_sequence_labeling_example.jsonl" in str(info.value)


def test_duplicate_spans_are_kept_once_with_a_warning():
    with pytest.warns(UserWarning, match="twice"):
        [item] = read(FIXTURES / "data_import_sequence_labeling_example_overlapping.jsonl")
    assert triples(item) == [(0, 1, "LOC")]
    assert item.document.meta == {"wikiPageID": 1}


def test_round_trip_with_claims(tmp_path):
    item = sample()
    report = doccano.write([item], tmp_path / "out.jsonl")
    assert (report.documents, report.spans, report.claims, report.skipped) == (1, 5, 1, [])
    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert "entities" in line and len(line["relations"]) == 3
    assert {r["type"] for r in line["relations"]} == {"SPEAKER", "FIGURE", "ENTITY"}
    [back] = read(tmp_path / "out.jsonl")
    assert back.document == item.document
    assert back.annotator == "alice"
    assert triples(back) == triples(item)
    by_id = {s.id: s for s in back.spans}
    [claim] = back.claims
    assert by_id[claim.span].label == "CLAIM"
    assert sorted(by_id[m].label for m in claim.members) == ["ENTITY", "FIGURE", "SPEAKER"]


def test_label_form_without_relations(tmp_path):
    item = sample()
    item.claims = []
    doccano.write([item], tmp_path / "out.jsonl")
    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert line["label"][0] == [0, 15, "SPEAKER"] and "entities" not in line


def test_fixture_to_native_and_back_is_equivalent(tmp_path):
    for name in ["data_export_sequence_labeling_example.jsonl", "data_import_relation_extraction_example.jsonl"]:
        first = read(FIXTURES / name)
        doccano.write(first, tmp_path / name)
        second = read(tmp_path / name)
        assert [(i.document.text, triples(i), i.claims) for i in first] == [
            (i.document.text, triples(i), i.claims) for i in second
        ]
        assert [[s.attrs for s in i.spans] for i in first] == [[s.attrs for s in i.spans] for i in second]


@pytest.mark.parametrize(
    "content, line, words",
    [
        ('{"text": "abc", "label": [[0, 1, "A"]]}\n{"text": "abc", "label": [[0, ', 2, "JSON"),
        ('{"text": "abc", "label": [[0, 9, "A"]]}\n', 1, "out of range"),
        ('{"text": "abc", "label": []}\n{"text": "abc", "label": [[2, 2, "A"]]}\n', 2, "less than"),
        ('{"text": "abc", "label": [[0, 1, ""]]}\n', 1, "label"),
        ('{"text": "abc", "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "A"}],'
         ' "relations": [{"from_id": 1, "to_id": 7, "type": "x"}]}\n', 1, "7"),
        ('[1, 2]\n', 1, "object"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path, content, line, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.line == line
    assert info.value.path == str(path)
    assert words in info.value.reason


PIECES = st.sampled_from(
    ["a", "B", "é", "e\u0301", " ", "\r\n", "\n", ".", "3", "习", "👩‍👩‍👧", "🇰🇷", "👍🏽", "\u200d"]
)


@st.composite
def documents(draw):
    text = "".join(draw(st.lists(PIECES, min_size=1, max_size=25)))
    n = len(text)
    spans = []
    for index in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(["CLAIM", "SPEAKER", "FIGURE", "ENTITY"]))
        spans.append(Span(start, end, label, f"s{index}"))
    return AnnotatedDocument(Document(id="d", title="t", text=text), "bob", spans)


@settings(max_examples=60, deadline=None)
@given(documents())
def test_property_round_trip_is_exact(tmp_path_factory, item):
    path = tmp_path_factory.mktemp("p") / "x.jsonl"
    doccano.write([item], path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        [back] = read(path)
    assert back.document.text == item.document.text
    assert sorted(set(triples(back))) == sorted(set(triples(item)))
    for span in back.spans:
        assert span.text_in(back.document.text) == item.document.text[span.start : span.end]


def doccano_import(lines, *, allow_overlapping=False, use_relation=False):
    """What doccano's dataset importer does with our lines (backend/data_import: ``Spans.clean``
    drops a span overlapping an earlier one unless the project allows overlapping; ``RelationLabel.
    create`` looks both ends up in ``id_to_span`` and raises KeyError for a dropped one; the
    "JSONL(Relation)" format is offered only in a project with relation labelling on)."""
    stored = []
    for obj in lines:
        if "entities" in obj and not use_relation:
            raise ValueError("JSONL(Relation) needs a project with relation labelling on")
        raw = obj.get("entities") or [{"id": None, "start_offset": a, "end_offset": b, "label": c}
                                      for a, b, c in obj.get("label", [])]
        kept, reach = [], -1
        for entity in sorted(raw, key=lambda e: e["start_offset"]):
            if allow_overlapping or entity["start_offset"] >= reach:
                kept.append(entity)
                reach = max(reach, entity["end_offset"])
        id_to_span = {e["id"]: e for e in kept}
        relations = [(id_to_span[r["from_id"]], id_to_span[r["to_id"]], r["type"]) for r in obj.get("relations", [])]
        stored.append((kept, relations))
    return stored


def test_default_export_fails_in_doccano_with_default_settings(tmp_path):
    # issue 9.5, as reproduced: members nested in their CLAIM are dropped, then a KeyError
    doccano.write([sample()], tmp_path / "out.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    with pytest.raises(KeyError):
        doccano_import(lines, use_relation=True)


def test_relation_form_imports_with_overlapping_and_relation_labelling_on(tmp_path):
    report = doccano.write([sample()], tmp_path / "out.jsonl", form="relation")
    assert any("Allow overlapping spans" in w for w in report.warnings)
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    [(entities, relations)] = doccano_import(lines, allow_overlapping=True, use_relation=True)
    assert len(entities) == 5 and len(relations) == 3
    assert all(isinstance(e["id"], int) for e in entities)
    [back] = read(tmp_path / "out.jsonl")
    assert len(back.claims) == 1 and triples(back) == triples(sample())


def test_label_form_imports_with_default_settings_and_counts_what_it_left_out(tmp_path):
    report = doccano.write([sample()], tmp_path / "out.jsonl", form="label")
    assert any("leaves out 1 claim(s) and 1 CLAIM span(s)" in w for w in report.warnings)
    assert not any("overlap" in w for w in report.warnings)
    assert (report.spans, report.claims) == (4, 0)
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert "entities" not in lines[0] and "relations" not in lines[0]
    [(entities, relations)] = doccano_import(lines)
    assert len(entities) == 4 and relations == []


def test_label_form_counts_overlaps_doccano_would_drop(tmp_path):
    item = sample()
    item.spans.append(Span(0, 5, "ENTITY", "s6"))  # inside the SPEAKER span
    report = doccano.write([item], tmp_path / "out.jsonl", form="label")
    assert any(w.startswith("1 span(s) overlap") for w in report.warnings)


def test_unknown_form_is_refused(tmp_path):
    with pytest.raises(InputError, match="label' or 'relation"):
        doccano.write([sample()], tmp_path / "out.jsonl", form="ner")
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.parametrize("form", ["label", "relation"])
def test_export_reads_the_same_in_whatever_encoding_doccano_guesses(tmp_path, form):
    # doccano 1.8.4 decodes a "JSONL(Relation)" upload in the encoding chardet guesses; checked by
    # hand, a short UTF-8 export came back as Windows-1252 mojibake with its offsets shifted, and
    # the sample's text as Windows-1254, which fails. An ASCII file decodes the same in all of them.
    item = sample()  # its text has an emoji ZWJ sequence, a flag, CJK, é and \r\n
    item.spans.append(Span(0, 5, "ENTITY", "s6"))
    doccano.write([item], tmp_path / "out.jsonl", form=form)
    raw = (tmp_path / "out.jsonl").read_bytes()
    assert raw.isascii()
    for encoding in ("utf-8", "ascii", "windows-1252", "windows-1254", "iso-8859-1"):
        [line] = [json.loads(x) for x in raw.decode(encoding).splitlines()]
        assert line["text"] == item.document.text
        spans = line["entities"] if form == "relation" else [
            {"start_offset": a, "end_offset": b, "label": c} for a, b, c in line["label"]]
        assert {(s["start_offset"], s["end_offset"], s["label"]) for s in spans} == {
            (s.start, s.end, s.label) for s in item.spans if form == "relation" or s.label != "CLAIM"}
        assert line["title"] == "Hwang" and line["annotator"] == "alice"
    [back] = read(tmp_path / "out.jsonl")
    assert back.document.text == item.document.text
