"""A long article on one line (pasted web text) is shown in display blocks; offsets stay exact."""

import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.model import AnnotatedDocument, Document, Span
from annotator.offsets import LONGEST_LINE, trim_whitespace

SENTENCES = [
    "“The IMF recorded $3 billion in transfers last year 📈,” said Hwang Joon-kook, the ambassador. ",
    "北京的官员表示，这些数字仍在核实之中。",
    "Olena Kovalenko told reporters in Kyiv that 🇺🇦 had seized 1,200 shipments since the review. ",
    "The family 👩‍👩‍👧 was not named. ",
    "Reporters were not allowed into the room during the session. ",
    "Café owners (né\u0301 in Zürich) declined to comment. ",
]
TEXT = "".join(SENTENCES[n * 7 % len(SENTENCES)] for n in range(800))  # ~46,000 code points, one line
DOC = "oneline"


def qt_position(view, cp: int, *, at_end: bool = False) -> int:
    """Where Qt has code point ``cp``, worked out apart from annotator.offsets: UTF-16 units
    before it plus one position per display break before it (or at it, for a range's start)."""
    units = len(view.text[:cp].replace("\r\n", "\n").encode("utf-16-le")) // 2
    return units + sum(1 for p in view.map.breaks if p < cp or (p == cp and not at_end))


def stored_spans(window):
    conn = sqlite3.connect(window.store.path)
    try:
        return conn.execute(
            'SELECT s.start, s."end", s.label, substr(d.text, s.start + 1, s."end" - s.start) FROM spans s'
            " JOIN documents d ON d.id = s.doc_id WHERE s.doc_id = ? ORDER BY s.id", (DOC,)
        ).fetchall()
    finally:
        conn.close()


def open_one_line(window, qtbot, text=TEXT, spans=()):
    store = window.store
    if DOC not in store.document_ids():
        store.import_items([AnnotatedDocument(Document(id=DOC, title="one line", text=text), "alice", spans=list(spans))])
        window.reload_documents()
    window.open_document(DOC)
    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    return window.view


def test_a_long_line_is_shown_in_display_blocks_and_its_text_never_changes(window, qtbot):
    view = open_one_line(window, qtbot)
    assert "\n" not in TEXT and len(TEXT) > 10 * LONGEST_LINE
    assert view.document().blockCount() == len(view.map.breaks) + 1 > 10
    assert view.toPlainText().replace("\n", "") == TEXT
    assert view.text == TEXT == window.store.document(DOC).text
    block = view.document().begin()
    while block.isValid():  # each display block is short enough to lay out at once
        assert block.length() - 1 <= 2 * LONGEST_LINE  # UTF-16 units
        block = block.next()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None)
@given(data=st.data())
def test_select_then_label_key_stores_the_intended_code_points(window, qtbot, data):
    view = open_one_line(window, qtbot)
    breaks = view.map.breaks
    if data.draw(st.booleans()):  # around a display break, where an off-by-one would show
        p = data.draw(st.sampled_from(breaks))
        start = p + data.draw(st.integers(-12, 3))
        end = p + data.draw(st.integers(max(start - p + 1, -3), 30))
    else:
        start = data.draw(st.integers(0, len(TEXT) - 2))
        end = data.draw(st.integers(start + 1, min(len(TEXT), start + 3 * LONGEST_LINE)))
    # Drag-like: the Qt positions a user's selection has; the end of a display block (before its
    # break) and the start of the next one are the same place in the text.
    at_end = data.draw(st.booleans())
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt_position(view, start, at_end=data.draw(st.booleans())))
    cursor.setPosition(qt_position(view, end, at_end=at_end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    want = trim_whitespace(TEXT, start, end)
    before = stored_spans(window)
    qtbot.keyClick(view, Qt.Key.Key_3)
    after = stored_spans(window)
    if want[0] == want[1] or any((s, e) == want for s, e, _l, _t in before):
        return  # only white space, or the same span from an earlier example
    assert after[len(before):] == [(*want, "ENTITY", TEXT[want[0] : want[1]])]
    placed = view.index.placed(window.session.selected_span)
    assert (placed.qt_start, placed.qt_end) == (qt_position(view, want[0]), qt_position(view, want[1], at_end=True))


def test_copy_gives_the_stored_text_without_display_breaks(window, qtbot):
    text = TEXT[:9000] + "\r\n" + TEXT[:9000]
    view = open_one_line(window, qtbot, text)
    assert len(view.map.breaks) >= 4
    start, end = view.map.breaks[0] - 50, view.map.breaks[-1] + 50
    view.select_cp(start, end)
    view.copy()
    assert QApplication.clipboard().text() == text[start:end]
    assert "\r\n" in text[start:end]


def test_a_span_across_a_display_break_is_coloured_on_both_sides(window, qtbot):
    probe = open_one_line(window, qtbot)
    p = probe.map.breaks[3]
    window.store.import_items([AnnotatedDocument(Document(id=DOC, title="one line", text=TEXT), "alice",
                                                 spans=[Span(p - 20, p + 15, "SPEAKER")])])
    window.reload_documents()
    window.open_document("000_15135173df733d2c")
    view = open_one_line(window, qtbot)
    [span_id] = view.index.own
    view.scroll_to_span(span_id)
    qtbot.wait(10)
    before = view.document().findBlock(view.map.to_qt(p - 1))
    after = view.document().findBlock(view.map.to_qt(p))
    assert after.blockNumber() == before.blockNumber() + 1
    [left] = [r for r in before.layout().formats() if r.format.background().color().alpha()]
    [right] = [r for r in after.layout().formats() if r.format.background().color().alpha()]
    assert left.start + left.length == before.length() - 1  # up to the end of the display block
    assert qt_position(view, p - 20) - before.position() == left.start
    assert (right.start, right.length) == (0, qt_position(view, p + 15) - after.position())


def break_with_room_after_it(view) -> int:
    """A display break whose block's last line ends short of the right edge, so that there is
    blank room to click between that line's end and the break."""
    for p in view.map.breaks[1:]:
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.map.to_qt_end(p))
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        if view.cursorRect(cursor).right() + 40 < view.viewport().width():
            return p
    raise AssertionError("every display block's last line fills the width")


def test_clicks_find_spans_in_later_display_blocks_and_nothing_past_a_block_end(window, qtbot):
    probe = open_one_line(window, qtbot)
    p = break_with_room_after_it(probe)
    word_end = TEXT.index(" ", p)
    window.store.import_items([AnnotatedDocument(Document(id=DOC, title="one line", text=TEXT), "alice",
                                                 spans=[Span(p, word_end, "ENTITY")])])
    window.reload_documents()
    window.open_document("000_15135173df733d2c")
    view = open_one_line(window, qtbot)
    [span_id] = view.index.own
    view.scroll_to_span(span_id)
    window.session.select_span(None)
    rect = view.cursorRect(QTextCursor(view.document().findBlock(view.map.to_qt(p))))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 3, rect.center().y()))
    assert window.session.selected_span == span_id
    # Right of the last line of the block before: the inserted break, not the span's first letter.
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.map.to_qt_end(p))
    end_rect = view.cursorRect(cursor)
    assert end_rect.right() + 12 < view.viewport().width()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(end_rect.right() + 10, end_rect.center().y()))
    assert window.session.selected_span is None


def test_scrolling_to_the_end_formats_the_last_display_block(window, qtbot):
    last = len(TEXT) - 30
    view = open_one_line(window, qtbot, spans=[Span(5, 20, "ENTITY"), Span(last, last + 10, "FIGURE")])
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: bool(view.document().lastBlock().layout().formats()))
    assert view.highlighter.blocks_highlighted < 10  # only what was on screen


def test_the_review_view_shows_long_lines_in_display_blocks_with_lanes_in_the_right_blocks(qtbot):
    from annotator.gui.review_window import ReviewTextView
    from annotator.offsets import OffsetMap
    from annotator.review import RSpan

    view = ReviewTextView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    p = OffsetMap(TEXT, split_long_lines=True).breaks[2]
    across = RSpan("bob", 1, p - 10, p + 10, "ENTITY")
    view.load_review(TEXT, [Span(p - 10, p + 10, "ENTITY", id=7)], ("alice", "bob"), [across])
    assert view.document().blockCount() == len(view.map.breaks) + 1 > 10
    assert view.toPlainText().replace("\n", "") == TEXT
    before = view.document().findBlock(view.map.to_qt(p - 1)).blockNumber()
    assert sorted(n for n, lanes in view.lane_index.items() if lanes) == [before, before + 1]
    view.select_cp(p - 10, p + 10)
    assert view.selection_cp() == (p - 10, p + 10)


COPY_THEN_EXIT = """
import sys
from PySide6.QtWidgets import QApplication
from annotator.gui.text_view import AnnotationView
app = QApplication([])
view = AnnotationView()
view.load(sys.argv[1], [])
view.select_cp(0, 20)
view.copy()
assert QApplication.clipboard().text() == sys.argv[1][:20]
"""


def test_copying_then_quitting_ends_the_process_cleanly(tmp_path):
    # Qt deletes the mime data a copy makes; one made by Python was deleted twice at exit (a crash).
    import os
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", COPY_THEN_EXIT, TEXT[:9000]], capture_output=True, text=True,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=60)
    assert result.returncode == 0, (result.returncode, result.stderr[-500:])
