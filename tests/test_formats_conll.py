"""CoNLL IOB2: doccano's CoNLL files, rebuilt text, the write report, bad input."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import FIXTURES_DIR
from annotator.errors import InputError
from annotator.formats import conll
from annotator.formats.tokenize import tokenize
from annotator.model import AnnotatedDocument, Claim, Document, Span

FIXTURES = FIXTURES_DIR / "doccano"


def read(path):
    return conll.read(path, default_annotator="me")


def labelled(item):
    return [(s.text_in(item.document.text), s.label) for s in item.spans]


def test_doccano_example_is_one_document_per_sentence():
    items = read(FIXTURES / "data_import_sequence_labeling_example.conll")
    # the same result doccano's own test expects
    assert [(i.document.text, [(s.start, s.end, s.label) for s in i.spans]) for i in items] == [
        ("JAPAN GET", [(0, 5, "LOC")]), ("Nadim Ladki", [(0, 11, "PER")])]


def test_trailing_blank_lines():
    [item] = read(FIXTURES / "data_import_sequence_labeling_labeling.trailing.conll")
    assert item.document.text == "SOCCER - JAPAN GET LUCKY WIN , CHINA IN SURPRISE DEFEAT ."
    assert labelled(item) == [("JAPAN", "LOC"), ("CHINA", "PER")]


def test_invalid_file_is_refused_with_its_line():
    with pytest.raises(InputError) as info:
        read(FIXTURES / "data_import_sequence_labeling_labeling.invalid.conll")
    assert info.value.line == 1 and "SOCCERO" in info.value.reason
    assert info.value.path.endswith("data_import_sequence_labeling_labeling.invalid.conll")


def test_conll2003_docstart_four_columns_and_iob1(tmp_path):
    path = tmp_path / "eng.conll"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP I-MISC\n\n"
        "Peter NNP B-NP I-PER\nBlackburn NNP I-NP I-PER\n\n-DOCSTART- -X- -X- O\n\nBRUSSELS NNP B-NP I-LOC\n",
        encoding="utf-8")
    first, second = read(path)
    assert first.document.text == "EU rejects German\nPeter Blackburn"
    assert labelled(first) == [("EU", "ORG"), ("German", "MISC"), ("Peter Blackburn", "PER")]
    assert labelled(second) == [("BRUSSELS", "LOC")]


def test_write_reports_what_it_cannot_express(tmp_path):
    text = "Hwang Joon-kook said 3.5 million fled.\nKim agreed."
    spans = [
        Span(0, 15, "SPEAKER", "s1"),  # Hwang Joon - kook: three tokens, aligned
        Span(21, 32, "FIGURE", "s2"),
        Span(0, 38, "CLAIM", "s3"),  # longest: wins over the two above
        Span(1, 5, "ENTITY", "s4"),  # partial token
        Span(33, 43, "ENTITY", "s5"),  # crosses the line break
        Span(39, 42, "SPEAKER", "s6"),
    ]
    item = AnnotatedDocument(Document(id="d", title="t", text=text), "alice", spans, [Claim("s3", ("s1",))])
    report = conll.write([item], tmp_path / "out.conll")
    assert report.spans == 2 and len(report.skipped) == 4
    assert any("4 of 6 span(s) could not be expressed" in w and "2 written" in w for w in report.warnings)
    [back] = read(tmp_path / "out.conll")
    assert back.document.text == "Hwang Joon - kook said 3.5 million fled .\nKim agreed ."
    assert labelled(back) == [("Hwang Joon - kook said 3.5 million fled .", "CLAIM"), ("Kim", "SPEAKER")]


def test_fixture_to_native_and_back_is_equivalent(tmp_path):
    first = read(FIXTURES / "data_import_sequence_labeling_labeling.trailing.conll")
    conll.write(first, tmp_path / "a.conll")
    second = read(tmp_path / "a.conll")
    assert [(i.document.text, labelled(i)) for i in first] == [(i.document.text, labelled(i)) for i in second]


@pytest.mark.parametrize(
    "content, line, words",
    [
        ("EU\tB-ORG\nrejects\n", 2, "token<TAB>tag"),
        ("EU\tB-ORG\nrejects\tX-ORG\n", 2, "IOB"),
        ("EU\tB-\n", 1, "IOB"),
        ("", None, "empty"),
        ("-DOCSTART-\tO\n\n", None, "no tokens"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path, content, line, words):
    path = tmp_path / "bad.conll"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.line == line and info.value.path == str(path)
    assert words in info.value.reason


PIECES = st.sampled_from(["a", "Bc", "é", "e\u0301", " ", "\r\n", "\n", ".", "3", "習", "👩‍👩‍👧", "🇰🇷", "👍🏽"])


@settings(max_examples=50, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=25).map("".join).filter(str.strip), st.data())
def test_property_written_spans_keep_their_tokens_and_labels(tmp_path_factory, text, data):
    tokens = tokenize(text)
    spans = []
    for index in range(data.draw(st.integers(0, 4))):
        first = data.draw(st.integers(0, len(tokens) - 1))
        last = data.draw(st.integers(first, min(first + 2, len(tokens) - 1)))
        spans.append(Span(tokens[first].start, tokens[last].end, data.draw(st.sampled_from(["A", "B"])), f"s{index}"))
    item = AnnotatedDocument(Document(id="d", title="t", text=text), "zoe", spans)
    path = tmp_path_factory.mktemp("p") / "x.conll"
    report = conll.write([item], path)
    assert report.spans + len(report.skipped) == len(spans)
    back = read(path)
    got = [(" ".join(s.text_in(b.document.text).split()), s.label) for b in back for s in b.spans]
    assert len(got) == report.spans
    expected = {(" ".join(t.text for t in tokens if s.start <= t.start and t.end <= s.end), s.label) for s in spans}
    assert set(got) <= expected
