"""spaCy / Prodigy JSONL: token alignment, skipped spans, answers, round trips, bad input."""

import json
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.formats import spacy
from annotator.formats.tokenize import tokenize
from annotator.model import AnnotatedDocument, Claim, Document, Span

TEXT = "Hwang Joon-kook said 3.5 million 👩‍👩‍👧 fled Seoul 🇰🇷.\r\n习近平说 café."


def read(path):
    return spacy.read(path, default_annotator="me")


def triples(item):
    return sorted((s.start, s.end, s.label) for s in item.spans)


def make(spans, text=TEXT, claims=()):
    return AnnotatedDocument(Document(id="d1", title="t", text=text), "alice", list(spans), list(claims))


def test_round_trip_of_aligned_spans_and_report_of_the_rest(tmp_path):
    aligned = [Span(0, 15, "SPEAKER", "s1"), Span(21, 32, "FIGURE", "s2"), Span(33, 38, "ENTITY", "s3"),
               Span(56, 57, "ENTITY", "s4")]
    partial = Span(1, 5, "ENTITY", "s5")  # inside "Hwang"
    item = make(aligned + [partial], claims=[Claim("s1", ("s2",), id="c1")])
    report = spacy.write([item], tmp_path / "out.jsonl")
    assert report.spans == 4 and len(report.skipped) == 1 and "'wang'" in report.skipped[0]
    assert any("1 span(s) do not align" in w for w in report.warnings)
    assert any("claim" in w for w in report.warnings)
    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert line["_annotator_id"] == "alice" and line["answer"] == "accept"
    first = line["spans"][0]
    assert line["tokens"][first["token_start"]]["start"] == first["start"]
    assert line["tokens"][first["token_end"]]["end"] == first["end"]  # token_end is inclusive
    [back] = read(tmp_path / "out.jsonl")
    assert back.annotator == "alice"
    assert back.document.text == TEXT
    assert triples(back) == sorted((s.start, s.end, s.label) for s in aligned)


def test_rejected_and_ignored_tasks_are_skipped_with_a_warning(tmp_path):
    path = tmp_path / "p.jsonl"
    lines = [
        {"text": "Anna met Bob", "spans": [{"start": 0, "end": 4, "label": "PERSON"}], "answer": "accept",
         "_annotator_id": "news-anna"},
        {"text": "No", "spans": [], "answer": "reject"},
        {"text": "Skip", "spans": [], "answer": "ignore"},
        {"text": "Bob", "spans": [{"start": 0, "end": 3, "label": "PERSON", "token_start": 0, "token_end": 0}],
         "tokens": [{"text": "Bob", "start": 0, "end": 3, "id": 0, "ws": False}]},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        items = read(path)
    messages = [str(w.message) for w in caught]
    assert any("line 2" in m and "'reject'" in m for m in messages)
    assert any("line 3" in m and "'ignore'" in m for m in messages)
    assert [i.document.text for i in items] == ["Anna met Bob", "Bob"]
    assert [i.annotator for i in items] == ["news-anna", "me"]


def test_fixture_to_native_and_back(tmp_path):
    item = make([Span(0, 15, "SPEAKER", "s1"), Span(44, 49, "ENTITY", "s2")])
    spacy.write([item], tmp_path / "a.jsonl")
    first = read(tmp_path / "a.jsonl")
    spacy.write(first, tmp_path / "b.jsonl")
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8") == (tmp_path / "b.jsonl").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "obj, words",
    [
        ({"text": "abc", "spans": [{"start": 0, "end": 9, "label": "A"}]}, "out of range"),
        ({"text": "abc", "spans": [{"start": 2, "end": 1, "label": "A"}]}, "less than"),
        ({"text": "abc", "spans": [{"start": 0, "end": 1, "label": " "}]}, "label"),
        ({"text": "abc", "spans": [{"start": 0, "end": 1, "label": "A", "text": "b"}]}, "differs"),
        ({"text": "ab c", "tokens": [{"start": 0, "end": 2, "id": 0}, {"start": 3, "end": 4, "id": 1}],
          "spans": [{"start": 0, "end": 4, "label": "A", "token_start": 0, "token_end": 0}]}, "tokens 0..0"),
        ({"text": "abc", "answer": "maybe"}, "answer"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path, obj, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"text": "fine"}) + "\n" + json.dumps(obj) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert (info.value.path, info.value.line) == (str(path), 2)
    assert words in info.value.reason


def test_truncated_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine"}\n{"text": "cut', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.line == 2 and "JSON" in info.value.reason


PIECES = st.sampled_from(
    ["a", "Bc", "é", "e\u0301", " ", "\r\n", "\n", ".", "3", "习", "👩‍👩‍👧", "🇰🇷", "👍🏽", "-"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=25).map("".join), st.data())
def test_property_aligned_spans_round_trip_and_others_are_reported(tmp_path_factory, text, data):
    tokens = tokenize(text)
    spans = []
    for index in range(data.draw(st.integers(0, 5))):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, "ENTITY", f"s{index}"))
    for index, token in enumerate(tokens[:3]):
        spans.append(Span(token.start, token.end, "FIGURE", f"t{index}"))
    path = tmp_path_factory.mktemp("p") / "x.jsonl"
    report = spacy.write([make(spans, text=text)], path)
    assert report.spans + len(report.skipped) == len(spans)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        [back] = read(path)
    assert back.document.text == text
    for span in back.spans:
        assert (span.start, span.end, span.label) in {(s.start, s.end, s.label) for s in spans}
    for span in spans:
        if span.start in {t.start for t in tokens} and span.end in {t.end for t in tokens}:
            assert (span.start, span.end, span.label) in {(s.start, s.end, s.label) for s in back.spans}
