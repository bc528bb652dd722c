"""Code point <-> Qt position mapping, checked against a real QTextDocument."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.offsets import OffsetMap, trim_whitespace

from .strategies import text_and_range, tricky_text


def test_identity_for_plain_bmp_text():
    m = OffsetMap("plain text\nwith lines")
    assert m.is_identity
    assert [m.to_qt(i) for i in range(5)] == list(range(5))


def test_emoji_takes_two_qt_positions_and_crlf_one():
    text = "a😀b\r\nc"
    m = OffsetMap(text)
    assert [m.to_qt(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 4, 5, 6]
    assert m.qt_length == 6
    assert m.to_cp(2) == 1 and m.to_cp(2, round_up=True) == 2  # inside the surrogate pair
    assert m.to_cp(3) == 2 and m.to_cp(5) == 5 and m.to_cp(4) == 3


@given(tricky_text)
def test_round_trip_every_code_point(text):
    m = OffsetMap(text)
    for cp in range(len(text) + 1):
        if cp > 0 and text[cp - 1 : cp + 1] == "\r\n":
            continue  # between \r and \n there is no Qt position of its own
        assert m.to_cp(m.to_qt(cp)) == cp


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150, deadline=None)
@given(data=text_and_range())
def test_matches_qt_document(qapp, data):
    from PySide6.QtGui import QTextCursor, QTextDocument

    text, start, end = data
    doc = QTextDocument()
    doc.setPlainText(text)
    m = OffsetMap(text)
    assert doc.characterCount() - 1 == m.qt_length
    cursor = QTextCursor(doc)
    cursor.setPosition(m.to_qt(start))
    cursor.setPosition(m.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    # What Qt selected is exactly our substring (Qt shows block breaks as U+2029).
    expected = text[start:end].replace("\r\n", "\u2029").replace("\n", "\u2029").replace("\r", "\u2029")
    if text[start - 1 : start + 1] == "\r\n" or text[end - 1 : end + 1] == "\r\n":
        return  # a range that splits \r\n has no exact Qt counterpart
    assert cursor.selectedText() == expected
    assert m.range_to_cp(cursor.selectionStart(), cursor.selectionEnd()) == (start, end)


@pytest.mark.parametrize(
    "text, span, trimmed",
    [("  Hwang  ", (0, 9), (2, 7)), ("\u00a0x\r\n", (0, 4), (1, 2)), ("   ", (0, 3), (3, 3))],
)
def test_trim_whitespace(text, span, trimmed):
    assert trim_whitespace(text, *span) == trimmed


@given(st.text(max_size=30), st.data())
def test_trim_never_grows_and_lands_on_non_space(text, data):
    if not text:
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start, len(text)))
    a, b = trim_whitespace(text, start, end)
    assert start <= a <= b <= end
    if a < b:
        assert not text[a].isspace() and not text[b - 1].isspace()
