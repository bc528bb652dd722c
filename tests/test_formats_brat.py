"""brat standoff: brat's news tutorial, bratiaa's four-reviewer project, CRLF, claims, bad input."""

import collections
import re
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import FIXTURES_DIR
from annotator.errors import InputError
from annotator.formats import brat
from annotator.model import AnnotatedDocument, Claim, Document, Span

NEWS = FIXTURES_DIR / "brat/example-data/tutorials/news"
PROJECT = FIXTURES_DIR / "bratiaa/example-files/example-project"


def read(path):
    return brat.read(path, default_annotator="me")


def count_t_types(folder):
    """A separate, simple count: the type of every T line of every .ann file."""
    counts = collections.Counter()
    for ann in folder.glob("*.ann"):
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                fields = line.split("\t")[1].split(" ")
                counts[fields[0]] += len(fields[1:]) // 2 if ";" not in line else 1
    return counts


def key(item):
    return (item.annotator, item.document.id, item.document.text,
            [(s.id, s.start, s.end, s.label, s.attrs) for s in item.spans], item.claims)


def test_news_tutorial_imports_all_documents_and_entities():
    items = read(NEWS)
    assert len(items) == 13
    assert {i.annotator for i in items} == {"me"}
    counts = collections.Counter(s.label for i in items for s in i.spans)
    assert counts == count_t_types(NEWS)
    for item in items:
        text = item.document.text
        ann = (NEWS / f"{item.document.id}.ann").read_text(encoding="utf-8")
        for line in ann.splitlines():
            if line.startswith("T"):
                tid, data, span_text = line.split("\t")
                _, start, end = data.split(" ")
                [span] = [s for s in item.spans if s.id == tid]
                assert (span.start, span.end) == (int(start), int(end))
                assert span.text_in(text) == span_text


def test_news_tutorial_keeps_relations_events_attributes_notes():
    items = {i.document.id: i for i in read(NEWS)}
    intro = {s.id: s for s in items["000-introduction"].spans}
    assert intro["T2"].attrs["note"] == "100000000 USD"
    assert intro["T4"].attrs["attributes"] == {"Mention": "Name", "Individual": True}
    assert intro["T4"].attrs["relations"][0]["type"] == "Family"
    assert intro["T4"].attrs["relations"][0]["target"]["id"] == "T5"
    assert intro["T5"].attrs["normalizations"] == [
        {"type": "Reference", "ref": "Wikipedia:64488", "text": "Carlos Salinas de Gortari"}]
    [event] = intro["T3"].attrs["events"]
    assert event["id"] == "E1" and event["attributes"] == {"Confidence": "High"}
    assert [a["role"] for a in event["args"]] == ["Giver-Arg", "Money-Arg", "Beneficiary-Arg", "Recipient-Arg"]
    notes = {s.id: s for s in items["110-note_annotation"].spans}
    assert notes["T6"].attrs["relations"][0]["note"].startswith("Should this be marked?")
    alias = {s.id: s for s in items["060-relation_annotation"].spans}
    assert [m["id"] for m in alias["T3"].attrs["equivs"][0]["members"]] == ["T3", "T4", "T5"]


def test_bratiaa_project_is_one_layer_per_reviewer():
    items = read(PROJECT)
    assert len(items) == 28
    layers = collections.defaultdict(set)
    for item in items:
        layers[item.annotator].add(item.document.id)
    assert sorted(layers) == ["Lisa", "Maria", "Max", "Peter"]
    assert all(len(docs) == 7 for docs in layers.values())
    for name in layers:
        counts = collections.Counter(s.label for i in items if i.annotator == name for s in i.spans)
        assert counts == count_t_types(PROJECT / name)
    # the same article has the same text (and so the same sha256) in every reviewer's folder
    by_doc = collections.defaultdict(set)
    for item in items:
        by_doc[item.document.id].add(item.document.sha256)
    assert all(len(hashes) == 1 for hashes in by_doc.values())


@pytest.mark.parametrize("fixture", [NEWS, PROJECT])
def test_fixture_to_native_and_back_is_equivalent(tmp_path, fixture):
    first = read(fixture)
    report = brat.write(first, tmp_path)
    assert report.skipped == [] and report.documents == len(first)
    second = read(tmp_path)
    if fixture == NEWS:  # written into a sub-folder named after the (default) reviewer
        assert {i.annotator for i in second} == {"me"}
    assert sorted(map(key, first), key=repr) == sorted(map(key, second), key=repr)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    for section in ("[entities]", "[relations]", "[events]", "[attributes]"):
        assert section in conf


def test_single_ann_or_txt_path(tmp_path):
    [item] = read(NEWS / "000-introduction.ann")
    [same] = read(NEWS / "000-introduction.txt")
    assert key(item) == key(same)


TEXT = "Hwang Joon-kook said\r\n3.5 million 👩‍👩‍👧 fled Seoul 🇰🇷.\r\n習近平說 café."


def claim_layer():
    text = TEXT
    speaker = Span(0, 15, "SPEAKER", "s1")
    figure = Span(text.index("3.5"), text.index("3.5") + 11, "FIGURE", "s2")
    seoul = Span(text.index("Seoul"), text.index("Seoul") + 5, "ENTITY", "s3")
    claim = Span(6, text.index("🇰🇷") + 2, "CLAIM", "s4")  # crosses a \r\n
    doc = Document(id="nk-1", title="Hwang", text=text, source="nk-1.txt", meta={"source": "nk-1.txt"})
    return AnnotatedDocument(doc, "alice", [speaker, figure, seoul, claim],
                             [Claim(span="s4", members=("s1", "s2", "s3"), note="check the figure", id="c1")])


def test_claims_crlf_and_emoji_round_trip(tmp_path):
    item = claim_layer()
    report = brat.write([item], tmp_path)
    assert (report.spans, report.claims, report.skipped) == (4, 1, [])
    ann = (tmp_path / "alice" / "nk-1.ann").read_text(encoding="utf-8")
    assert (tmp_path / "alice" / "nk-1.txt").read_bytes() == TEXT.encode("utf-8")
    # brat counts \r\n as one character: "3.5" is at 21 for brat, 22 for Python
    assert TEXT.index("3.5") == 22
    assert "T2\tFIGURE 21 32\t3.5 million" in ann
    # the claim crosses a line break: written as two fragments, joined back on reading
    assert re.search(r"T4\tCLAIM 6 20;21 \d+\tJoon-kook said 3.5 million", ann)
    assert re.search(r"R\d+\tSPEAKER Arg1:T4 Arg2:T1", ann)
    assert "AnnotatorNotes R" in ann and "check the figure" in ann
    [back] = read(tmp_path)
    assert back.annotator == "alice" and back.document.text == TEXT
    assert [(s.start, s.end, s.label) for s in back.spans] == [(s.start, s.end, s.label) for s in item.spans]
    [claim] = back.claims
    assert claim.span == "T4" and claim.members == ("T1", "T2", "T3") and claim.note == "check the figure"
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    assert "SPEAKER\tArg1:CLAIM, Arg2:SPEAKER" in conf


def test_offsets_counting_crlf_as_two_are_accepted_with_a_warning(tmp_path):
    (tmp_path / "d.txt").write_bytes(b"ab\r\ncd")
    (tmp_path / "d.ann").write_text("T1\tX 4 6\tcd\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="two characters"):
        [item] = read(tmp_path)
    assert item.spans[0].text_in(item.document.text) == "cd"
    (tmp_path / "d.ann").write_text("T1\tX 3 5\tcd\n", encoding="utf-8")  # brat's own convention
    [item] = read(tmp_path)
    assert (item.spans[0].start, item.spans[0].end) == (4, 6)


def test_discontinuous_span_becomes_fragments_with_a_group(tmp_path):
    (tmp_path / "d.txt").write_text("North and South Korea", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tLOC 0 5;16 21\tNorth Korea\nA1\tReal T1\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="discontinuous"):
        [item] = read(tmp_path)
    assert [(s.id, s.start, s.end, s.attrs.get("group")) for s in item.spans] == [
        ("T1", 0, 5, "T1"), ("T1:2", 16, 21, "T1")]
    out = tmp_path / "out"
    brat.write([item], out)
    assert "T1\tLOC 0 5;16 21\tNorth Korea" in (out / "me" / "d.ann").read_text(encoding="utf-8")


def test_claim_from_an_event(tmp_path):
    (tmp_path / "d.txt").write_text("Kim said 5 died", encoding="utf-8")
    (tmp_path / "d.ann").write_text(
        "T1\tSPEAKER 0 3\tKim\nT2\tCLAIM 9 15\t5 died\nT3\tFIGURE 9 10\t5\nE1\tCLAIM:T2 Speaker:T1 Figure:T3\n",
        encoding="utf-8")
    [item] = read(tmp_path)
    assert [(c.span, c.members) for c in item.claims] == [("T2", ("T1", "T3"))]


def test_unwritable_spans_are_reported(tmp_path):
    doc = Document(id="d", title="t", text="ab\r\ncd\n")
    item = AnnotatedDocument(doc, "x", [Span(0, 3, "X", "a"), Span(5, 7, "Y", "b"), Span(0, 2, "TWO WORDS", "c"),
                                        Span(4, 6, "OK", "d")])
    report = brat.write([item], tmp_path)
    assert report.spans == 1 and len(report.skipped) == 3


@pytest.mark.parametrize(
    "ann, line, words",
    [
        ("T1\tX 0 2\tab\nT2\tX 0 9\tab\n", 2, "out of range"),
        ("T1\tX 2 2\t\n", 1, "less than"),
        ("T1\tX 0 2\tab\nT2\tX 0 2\tzz\n", 2, "differs"),
        ("T1\tX 0 2\tab\nT1\tY 0 2\tab\n", 2, "twice"),
        ("T1\tX 0 two\tab\n", 1, "START END"),
        ("T1 X 0 2 ab\n", 1, "tab"),
        ("T1\tX 0 2\tab\nR1\tRel Arg1:T1 Arg2:T9\t\n", 2, "T9"),
        ("T1\tX 0 2\tab\nA1\tNeg T7\n", 2, "T7"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path, ann, line, words):
    (tmp_path / "d.txt").write_text("ab cd", encoding="utf-8")
    (tmp_path / "d.ann").write_text(ann, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(tmp_path)
    assert info.value.path == str(tmp_path / "d.ann") and info.value.line == line
    assert words in info.value.reason


def test_missing_txt_and_empty_folder(tmp_path):
    with pytest.raises(InputError, match="no brat .ann"):
        read(tmp_path)
    (tmp_path / "d.ann").write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="missing"):
        read(tmp_path)


PIECES = st.sampled_from(["a", "B", "é", "e\u0301", " ", "\r\n", "\n", ".", "習", "👩‍👩‍👧", "🇰🇷", "👍🏽", "\t"])


@settings(max_examples=50, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=25).map("".join).filter(str.strip), st.data())
def test_property_written_spans_round_trip_exactly(tmp_path_factory, text, data):
    spans = []
    for index in range(data.draw(st.integers(0, 5))):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, "ENTITY", f"s{index}"))
    item = AnnotatedDocument(Document(id="d", title="t", text=text), "zoe", spans)
    out = tmp_path_factory.mktemp("p")
    report = brat.write([item], out)
    assert report.spans + len(report.skipped) == len(spans)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        [back] = read(out)
    assert back.document.text == text
    got = sorted((s.start, s.end) for s in back.spans)
    wanted = sorted((s.start, s.end) for s in spans)
    assert set(got) <= set(wanted)
    assert len(got) == report.spans
