"""Figure readings in the window (issue 11): made on the FIGURE key, shown in the claims panel and
the tooltip, corrected through the panel's editor, undone and redone; driven through the real widgets."""

import json
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator import edits
from annotator.gui.figure_support import FigureDialog

from .conftest import SEED0, focused

PHRASE = "around $3 billion"


def stored_figure(window):
    """attrs.figure of alice's FIGURE spans, read through a connection of its own (what a restart sees)."""
    conn = sqlite3.connect(window.store.path)
    try:
        rows = conn.execute("SELECT attrs FROM spans WHERE annotator = 'alice' AND label = 'FIGURE'").fetchall()
    finally:
        conn.close()
    return [json.loads(r[0]).get("figure") for r in rows]


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget() or window.view, key, modifier)


def select(window, phrase):
    start = window.view.text.index(phrase)
    window.view.select_cp(start, start + len(phrase))
    return start, start + len(phrase)


@pytest.fixture
def active(window, qtbot):
    return focused(window, qtbot, warm=True)  # the warm-up thread, started when the window showed


def panel_texts(window):
    model = window.panel.model
    texts = []
    for row in range(model.rowCount()):
        top = model.index(row, 0)
        texts.append(top.data())
        texts.extend(model.index(k, 0, top).data() for k in range(model.rowCount(top)))
    return texts


def figure_tooltip(window, span_id):
    return window.view.span_note(span_id)


def edit_through_dialog(window, qtbot, **fields):
    press(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(window, "figure_dialog", None), FigureDialog))
    dialog = window.figure_dialog
    for name, value in fields.items():
        widget = getattr(dialog, name)
        if hasattr(widget, "setCurrentText"):
            widget.setCurrentText(value)
        else:
            widget.setText(value)
    qtbot.keyClick(dialog.value, Qt.Key.Key_Return)  # Enter is the dialog's OK
    qtbot.waitUntil(lambda: window.figure_dialog is None)


def test_figure_key_stores_the_reading_and_the_panel_shows_it(active, qtbot):
    select(active, PHRASE)
    press(qtbot, active, Qt.Key.Key_F)
    [reading] = stored_figure(active)
    assert reading["value"] == 3000000000 and reading["unit"] == "USD"
    assert reading["qualifier"] == "approximately" and reading["source"] == "auto"
    assert any("≈ 3,000,000,000 USD" in t for t in panel_texts(active))
    assert figure_tooltip(active, active.session.selected_span) == "≈ 3,000,000,000 USD"


def test_correct_a_reading_in_the_editor_then_undo_redo_relabel_and_rebound(active, qtbot):
    start, end = select(active, PHRASE)
    press(qtbot, active, Qt.Key.Key_F)
    span_id = active.session.selected_span
    [auto] = stored_figure(active)
    # From the claims panel: its row is current, the key opens the editor for it.
    active.panel.select_item_for(None, span_id)
    active.panel.tree.setFocus()
    qtbot.waitUntil(lambda: active.panel.tree.hasFocus())
    edit_through_dialog(active, qtbot, value="3,100,000,000", qualifier="more_than", period="year")
    [corrected] = stored_figure(active)
    assert corrected["source"] == "edited" and corrected["value"] == 3100000000
    assert corrected["qualifier"] == "more_than" and corrected["period"] == "year"
    assert corrected["interval"] == [3100000000, 6200000000]
    assert any("> 3,100,000,000 USD a year  ✎" in t for t in panel_texts(active))

    active.view.setFocus()
    press(qtbot, active, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_figure(active) == [auto]
    assert any("≈ 3,000,000,000 USD" in t for t in panel_texts(active))
    press(qtbot, active, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert stored_figure(active) == [corrected]

    # New boundaries: an edited reading stays the reviewer's.
    active.session.do(edits.Rebound(SEED0, span_id, start + len("around "), end))
    assert stored_figure(active) == [corrected]
    # Relabelled away and back, it is still there; an automatic reading would have been dropped.
    active.session.select_span(span_id)
    press(qtbot, active, Qt.Key.Key_E)
    assert stored_figure(active) == []
    press(qtbot, active, Qt.Key.Key_F)
    assert stored_figure(active) == [corrected]


def test_an_automatic_reading_follows_relabels_and_boundaries(active, qtbot):
    start, end = select(active, PHRASE)
    press(qtbot, active, Qt.Key.Key_E)
    span_id = active.session.selected_span
    assert stored_figure(active) == []
    press(qtbot, active, Qt.Key.Key_F)  # relabel the selected span
    [reading] = stored_figure(active)
    assert reading["qualifier"] == "approximately"
    select(active, "$3 billion")  # new boundaries, overlapping the span: B moves it there
    press(qtbot, active, Qt.Key.Key_B)
    conn = sqlite3.connect(active.store.path)
    assert conn.execute('SELECT id, start, "end" FROM spans').fetchall() == [(span_id, start + len("around "), end)]
    conn.close()
    [reading] = stored_figure(active)
    assert reading["qualifier"] is None and reading["value"] == 3000000000
    assert any("3,000,000,000 USD" in t and "≈" not in t for t in panel_texts(active))
    press(qtbot, active, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_figure(active)[0]["qualifier"] == "approximately"


def test_a_wrong_value_is_refused_in_the_editor_and_nothing_is_stored(active, qtbot):
    select(active, PHRASE)
    press(qtbot, active, Qt.Key.Key_F)
    before = stored_figure(active)
    press(qtbot, active, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: isinstance(getattr(active, "figure_dialog", None), FigureDialog))
    dialog = active.figure_dialog
    dialog.value.setText("three-ish")
    qtbot.keyClick(dialog.value, Qt.Key.Key_Return)
    assert "not a number" in dialog.problem.text() and dialog.isVisible()
    qtbot.keyClick(dialog.value, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: active.figure_dialog is None)
    assert stored_figure(active) == before


def test_the_edit_key_on_a_span_that_is_no_figure_says_so(active, qtbot):
    select(active, PHRASE)
    press(qtbot, active, Qt.Key.Key_E)
    press(qtbot, active, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
    assert getattr(active, "figure_dialog", None) is None
    assert "FIGURE span" in active.messages[-1]


def test_a_figure_typed_while_a_claim_is_current_shows_its_reading_under_the_claim(active, qtbot):
    statement = "state-sponsored hacking activities fund 40% of the country’s weapons of mass destruction program"
    select(active, statement)
    press(qtbot, active, Qt.Key.Key_C)
    select(active, "40%")
    press(qtbot, active, Qt.Key.Key_F)
    title, members = active.panel.claim_row_texts(0)
    assert statement[:20] in title
    assert members == ["40%  =  40%"]
    [reading] = stored_figure(active)
    assert reading["unit"] == "percent" and reading["value"] == 40


def test_b_with_a_selection_over_two_spans_changes_nothing(active, qtbot):
    select(active, "around")
    press(qtbot, active, Qt.Key.Key_E)
    select(active, "$3 billion")
    press(qtbot, active, Qt.Key.Key_F)
    before = stored_figure(active)
    select(active, PHRASE)
    press(qtbot, active, Qt.Key.Key_B)
    assert "overlaps 2 spans" in active.messages[-1]
    assert stored_figure(active) == before
