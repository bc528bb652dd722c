"""Suggestions in the main window (issue 11, section 2): shown apart from spans, stepped through,
accepted and rejected from the keyboard, undone; driven through the real widgets, checked in the
project file."""

import json
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.suggest import Suggester

from .conftest import SEED0, focused

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def settle(window, qtbot):
    qtbot.waitUntil(lambda: not window.suggestions_pending(), timeout=20000)


def rows(window):
    """alice's spans as a restart would read them: (start, end, label, attrs) by their own connection."""
    conn = sqlite3.connect(window.store.path)
    try:
        found = conn.execute('SELECT id, start, "end", label, attrs FROM spans WHERE annotator = ? ORDER BY id',
                             ("alice",)).fetchall()
    finally:
        conn.close()
    return [(i, s, e, label, json.loads(attrs)) for i, s, e, label, attrs in found]


def select(window, phrase, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = window.view.text.index(phrase, start + 1)
    window.view.select_cp(start, start + len(phrase))
    return start, start + len(phrase)


def caret_on(window, suggestion):
    """A click on the suggestion: the caret there, nothing selected."""
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(window.view.document())
    cursor.setPosition(window.view.map.to_qt(suggestion.start))
    window.view.setTextCursor(cursor)


def offered(window, text, label=None):
    return next(s for s in window.suggested if s.text == text and (label is None or s.label == label))


@pytest.fixture
def active(window, qtbot):
    settle(focused(window, qtbot, warm=True), qtbot)
    return window


def test_suggestions_are_shown_apart_and_are_not_spans(active, qtbot):
    suggested = active.suggested
    expected = Suggester(active.store, "alice").suggest(SEED0)
    assert suggested == expected and len(suggested) == 18
    assert rows(active) == [] and active.view.own_spans() == []  # nothing stored, nothing drawn as a span
    active.view.viewport().repaint()
    assert active.suggestion_layer.painted >= 1
    [first] = [s for s in suggested if s.text == "around $3 billion"]
    rects = active.suggestion_layer.rects(*active.view.map.range_to_qt(first.start, first.end))
    assert rects and all(r.width() > 0 and r.height() > 0 for r in rects)
    assert "18 suggestions left" in active.suggestion_label.text()


def test_next_and_previous_select_the_suggestion(active, qtbot):
    items = active.suggested
    press(qtbot, Qt.Key.Key_N)
    assert active.current_suggestion == items[0]
    assert active.view.selection_cp() == (items[0].start, items[0].end)
    press(qtbot, Qt.Key.Key_N)
    assert active.current_suggestion == items[1]
    press(qtbot, Qt.Key.Key_N, SHIFT)
    press(qtbot, Qt.Key.Key_N, SHIFT)
    assert active.current_suggestion == items[-1]  # wraps round
    assert active.view.selection_cp() == (items[-1].start, items[-1].end)
    rect = active.view.cursorRect()
    assert active.view.viewport().rect().contains(rect.center())  # scrolled there


def test_accept_makes_an_ordinary_span_and_undo_redo(active, qtbot):
    press(qtbot, Qt.Key.Key_N)
    first, second = active.suggested[:2]
    press(qtbot, Qt.Key.Key_Y)
    [(span_id, start, end, label, attrs)] = rows(active)
    assert (start, end, label) == first.key() and attrs == {"origin": "suggest/speakers"}
    assert active.current_suggestion == second  # went on to the next
    assert [(s.start, s.end, s.label) for s in active.view.own_spans()] == [first.key()]
    settle(active, qtbot)
    assert first not in active.suggested and len(active.suggested) == 17
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert rows(active) == []
    settle(active, qtbot)
    assert first in active.suggested
    press(qtbot, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [r[0] for r in rows(active)] == [span_id]  # the same row back


def test_accepting_a_figure_keeps_its_reading(active, qtbot):
    figure = offered(active, "around $3 billion")
    caret_on(active, figure)
    press(qtbot, Qt.Key.Key_Y)
    [(_id, start, end, label, attrs)] = rows(active)
    assert (start, end, label) == figure.key()
    assert attrs["origin"] == "suggest/figures"
    assert attrs["figure"]["value"] == 3000000000 and attrs["figure"]["unit"] == "USD"
    assert attrs["figure"]["qualifier"] == "approximately"


def test_reject_is_remembered_and_undone(active, qtbot):
    press(qtbot, Qt.Key.Key_N)
    first = active.current_suggestion
    press(qtbot, Qt.Key.Key_X)
    assert active.store.rejections(SEED0, "alice") == {first.key()}
    assert rows(active) == []
    settle(active, qtbot)
    assert first not in active.suggested
    assert first not in Suggester(active.store, "alice").suggest(SEED0)  # not offered again, anywhere
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert active.store.rejections(SEED0, "alice") == set()
    settle(active, qtbot)
    assert first in active.suggested


def test_accept_all_of_a_label_is_one_undo_step(active, qtbot):
    caret_on(active, offered(active, "40%"))
    press(qtbot, Qt.Key.Key_Y, SHIFT)
    figures = [r for r in rows(active) if r[3] == "FIGURE"]
    assert len(figures) == 8 and len(rows(active)) == 8
    assert all(r[4]["origin"] == "suggest/figures" and "figure" in r[4] for r in figures)
    settle(active, qtbot)
    assert not [s for s in active.suggested if s.label == "FIGURE"]
    assert active.current_suggestion is not None and active.current_suggestion.label == "SPEAKER"
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert rows(active) == []


def test_accept_all_from_the_menu(active, qtbot):
    [action] = [a for a in active.accept_label_menu.actions() if a.text() == "SPEAKER"]
    action.trigger()
    assert {r[3] for r in rows(active)} == {"SPEAKER"} and len(rows(active)) == 10


def test_accepted_suggestion_joins_the_current_claim(active, qtbot):
    select(active, "state-sponsored hacking activities fund 40% of the country’s weapons")
    press(qtbot, Qt.Key.Key_4)
    claim_id = active.session.current_claim
    assert claim_id is not None
    settle(active, qtbot)
    caret_on(active, offered(active, "40%"))
    press(qtbot, Qt.Key.Key_Y)
    [figure] = [r for r in rows(active) if r[3] == "FIGURE"]
    [claim] = active.store.claims(SEED0, "alice")
    assert claim.id == claim_id and claim.members == (figure[0],)
    # With no current claim (Escape), an accepted suggestion joins nothing.
    press(qtbot, Qt.Key.Key_Escape)
    settle(active, qtbot)
    caret_on(active, offered(active, "58 cyberattacks"))
    press(qtbot, Qt.Key.Key_Y)
    [claim] = active.store.claims(SEED0, "alice")
    assert claim.members == (figure[0],)


def test_hide_toggle_is_remembered(active, qtbot, seeded_store):
    press(qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    assert not active.show_suggestions_action.isChecked()
    active.view.viewport().repaint()
    assert active.suggestion_layer.painted == 0
    assert active.suggestion_label.text() == "Suggestions hidden"
    press(qtbot, Qt.Key.Key_N)
    assert active.current_suggestion is None and "hidden" in active.messages[-1]
    active.settings.sync()
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings

    assert Settings().show_suggestions is False
    again = MainWindow(seeded_store, "alice", Settings())
    qtbot.addWidget(again)
    assert not again.show_suggestions_action.isChecked()
    again.close()
    press(qtbot, Qt.Key.Key_S, CTRL | SHIFT)
    settle(active, qtbot)
    assert len(active.suggested) == 18 and Settings().show_suggestions is True
    active.set_suggestions_visible(False)  # from code, not the action: the action follows
    assert not active.show_suggestions_action.isChecked() and not active.suggestions_pending()


def test_a_tagged_string_is_suggested_elsewhere_at_once(active, qtbot):
    import re

    whole = [m.start() for m in re.finditer(r"(?<!\w)North Korea(?!\w)", active.view.text)]
    start = whole[0]
    active.view.select_cp(start, start + len("North Korea"))
    press(qtbot, Qt.Key.Key_3)
    settle(active, qtbot)
    more = [s for s in active.suggested if s.text == "North Korea"]
    assert [s.start for s in more] == whole[1:] and {(s.label, s.source) for s in more} == {("ENTITY", "strings")}
    caret_on(active, more[0])
    press(qtbot, Qt.Key.Key_Y, SHIFT)
    assert len([r for r in rows(active) if r[3] == "ENTITY"]) == len(whole)
    # Accepted spans do not teach the matcher: the one tagged by hand is what it learnt from.
    assert [r[4] for r in rows(active) if r[3] == "ENTITY"].count({}) == 1


def test_a_new_document_gets_its_own_suggestions(active, qtbot):
    active.step_document(1)
    qtbot.waitUntil(lambda: active.session.doc_id != SEED0)
    settle(active, qtbot)
    assert active.suggested and all(s.doc == active.session.doc_id for s in active.suggested)
    assert active.suggested == Suggester(active.store, "alice").suggest(active.session.doc_id)


def test_strings_tagged_elsewhere_in_the_project_come_after_a_pause(qtbot, seeded_store):
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings

    other = "001_86bcf4922bea323b"
    text = seeded_store.document(other).text
    start = text.index("North Korea")
    seeded_store.add_span(other, "bob", start, start + len("North Korea"), "ENTITY")
    win = MainWindow(seeded_store, "alice", Settings())
    qtbot.addWidget(win)
    win.show()
    assert win.session.doc_id == SEED0
    settle(win, qtbot)
    assert not [s for s in win.suggested if s.source == "strings"]  # the project is read only after a pause
    qtbot.waitUntil(lambda: "alice" in win._project_reviewers, timeout=10000)  # the pause timer
    settle(win, qtbot)
    learnt = [s for s in win.suggested if s.source == "strings"]
    assert learnt and {(s.text, s.label) for s in learnt} == {("North Korea", "ENTITY")}
    assert win.suggested == Suggester(seeded_store, "alice").suggest(SEED0)
    win.close()
