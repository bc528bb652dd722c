"""Code point <-> Qt position mapping, checked against a real QTextDocument."""

import re
from bisect import bisect_right

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.offsets import DISPLAY_BLOCK, LONGEST_LINE, OffsetMap, trim_whitespace

from .strategies import long_line_text, text_and_range, tricky_text


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


# -- display blocks: long lines cut for the view, the text itself never changed -------------------

SMALL = {"block": 6, "longest": 15}  # code points: the texts Hypothesis draws have many cuts


def qt_selected(text, m, start, end):
    """What Qt shows for text[start:end]: a U+2029 for each line break and each display break."""
    cuts = [start, *[p for p in m.breaks if start < p < end], end]
    shown = "\u2029".join(text[a:b] for a, b in zip(cuts, cuts[1:]))
    return shown.replace("\r\n", "\u2029").replace("\n", "\u2029").replace("\r", "\u2029")


def test_short_lines_are_never_cut():
    text = ("A paragraph of ordinary length. " * 30 + "\n\n") * 20
    m = OffsetMap(text, split_long_lines=True)
    assert m.breaks == [] and m.display_text(text) is text


def test_one_long_line_is_cut_after_sentence_ends():
    text = "".join(f"Sentence {n} is here, said Hwang. " for n in range(2000))
    m = OffsetMap(text, split_long_lines=True)
    assert m.breaks, "a 70,000 character line must be cut"
    assert all(text[p - 2 : p] == ". " for p in m.breaks)
    lengths = [b - a for a, b in zip([0, *m.breaks], [*m.breaks, len(text)])]
    assert max(lengths) <= LONGEST_LINE and min(lengths[:-1]) >= DISPLAY_BLOCK
    assert m.display_text(text).replace("\n", "") == text


def test_a_run_without_spaces_is_cut_between_grapheme_clusters():
    text = "北" * 5000 + "👩‍👩‍👧" * 1000 + "🇰🇷" * 2000 + "e\u0301" * 3000
    m = OffsetMap(text, split_long_lines=True)
    assert len(m.breaks) >= 4
    for p in m.breaks:
        assert text[p] not in "\u200d\u0301" and text[p - 1] != "\u200d"
        if "\U0001f1e6" <= text[p] <= "\U0001f1ff":
            assert (p - text.index("🇰🇷")) % 2 == 0  # never between the two halves of a flag


@given(long_line_text)
def test_display_breaks_round_trip_every_code_point(text):
    m = OffsetMap(text, split_long_lines=True, **SMALL)
    shown = re.split("\r\n|\r|\n", m.display_text(text))
    assert max(len(piece) for piece in shown) <= SMALL["longest"]  # every long line was cut ...
    lines = re.split("\r\n|\r|\n", text)
    assert len(shown) - len(lines) == len(m.breaks)  # ... and only long lines were
    assert sum(max(0, len(line) - 1) // SMALL["longest"] for line in lines) <= len(m.breaks)
    starts = [0, *(found.end() for found in re.finditer("\r\n|\r|\n", text))]
    for p in m.breaks:
        k = bisect_right(starts, p) - 1  # the line p is in
        assert len(lines[k]) > SMALL["longest"] and starts[k] < p < starts[k] + len(lines[k])
    for cp in range(len(text) + 1):
        if cp > 0 and text[cp - 1 : cp + 1] == "\r\n":
            continue
        assert m.to_cp(m.to_qt(cp)) == cp
        assert m.to_cp(m.to_qt_end(cp)) == cp
        assert m.to_qt_end(cp) <= m.to_qt(cp) <= m.to_qt_end(cp) + 1
    for k, p in enumerate(m.breaks):  # both sides of an inserted break are the same code point
        assert m.is_display_break(m.to_qt_end(p)) and not m.is_display_break(m.to_qt(p))
        assert m.to_cp(m.to_qt_end(p)) == m.to_cp(m.to_qt(p)) == p


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150, deadline=None)
@given(text=long_line_text, data=st.data())
def test_display_breaks_match_qt_document(qapp, text, data):
    from PySide6.QtGui import QTextCursor, QTextDocument

    m = OffsetMap(text, split_long_lines=True, **SMALL)
    doc = QTextDocument()
    doc.setPlainText(m.display_text(text))
    assert doc.characterCount() - 1 == m.qt_length
    assert doc.blockCount() == text.count("\n") + text.count("\r") - text.count("\r\n") + len(m.breaks) + 1
    for p in m.breaks:  # every inserted break starts a block, exactly there
        assert doc.findBlock(m.to_qt(p)).position() == m.to_qt(p)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if text[start - 1 : start + 1] == "\r\n" or text[end - 1 : end + 1] == "\r\n":
        return  # a range that splits \r\n has no exact Qt counterpart
    cursor = QTextCursor(doc)
    qt_start, qt_end = m.range_to_qt(start, end)
    cursor.setPosition(qt_start)
    cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == qt_selected(text, m, start, end)
    assert m.range_to_cp(cursor.selectionStart(), cursor.selectionEnd()) == (start, end)
    # A selection that a user drags from or to either side of a display break means the same.
    for p in (p for p in m.breaks if p < end):
        assert m.range_to_cp(m.to_qt_end(p), qt_end) == m.range_to_cp(m.to_qt(p), qt_end)
