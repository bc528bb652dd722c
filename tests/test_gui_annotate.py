"""A reviewer's session, driven through the real widgets offscreen, checked in the SQLite file."""

import json
import sqlite3

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QLineEdit, QMenu, QMessageBox

from .conftest import SEED0, focused


def rows(window, sql, *params):
    """Read through a separate connection: what another process (or a restart) would see."""
    conn = sqlite3.connect(window.store.path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def span_rows(window):
    return rows(window, 'SELECT start, "end", label FROM spans WHERE annotator = ? ORDER BY id', "alice")


def select(window, substring, occurrence=0):
    text = window.view.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(substring, start + 1)
    window.view.select_cp(start, start + len(substring))
    return start, start + len(substring)


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(window.view, key, modifier)


@pytest.fixture
def active(window, qtbot):
    return focused(window, qtbot)


def test_select_and_press_label_key_stores_exact_offsets(active, qtbot):
    start, end = select(active, "Hwang Joon-kook")
    press(qtbot, active, Qt.Key.Key_1)
    assert span_rows(active) == [(start, end, "SPEAKER")]
    text = rows(active, "SELECT text FROM documents WHERE id = ?", SEED0)[0][0]
    assert text[start:end] == "Hwang Joon-kook"
    assert active.saved_label.text() == "✓ saved"
    assert "alice" in active.reviewer_label.text()


def test_letter_keys_and_shift_arrow_selection_with_trimming(active, qtbot):
    text = active.view.text
    start = text.index("South Korea highlighted")
    cursor = active.view.textCursor()
    cursor.setPosition(active.view.map.to_qt(start - 1))  # begin on the space before
    active.view.setTextCursor(cursor)
    for _ in range(len(" South Korea ")):
        press(qtbot, active, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, active, Qt.Key.Key_E)
    assert span_rows(active) == [(start, start + len("South Korea"), "ENTITY")]


def test_build_claim_with_three_members_then_undo_redo(active, qtbot):
    claim_text = "state-sponsored hacking activities fund 40% of the country’s weapons of mass destruction program"
    c_start, c_end = select(active, claim_text)
    press(qtbot, active, Qt.Key.Key_C)
    claim_id = active.session.current_claim
    assert claim_id is not None
    select(active, "U.N. expert report")
    press(qtbot, active, Qt.Key.Key_S)
    select(active, "40%")
    press(qtbot, active, Qt.Key.Key_F)
    select(active, "weapons of mass destruction program")
    press(qtbot, active, Qt.Key.Key_E)
    members = rows(active, "SELECT s.label FROM claim_members m JOIN spans s ON s.id = m.span_id WHERE m.claim_id = ? ORDER BY s.start", claim_id)
    assert [m[0] for m in members] == ["SPEAKER", "FIGURE", "ENTITY"]
    assert rows(active, 'SELECT s.start, s."end" FROM claims c JOIN spans s ON s.id = c.span_id')[0] == (c_start, c_end)
    # The panel shows the claim with its three members.
    title, members = active.panel.claim_row_texts(0)
    # A FIGURE member also shows its reading ("40%  =  40%") once the figure readers are loaded.
    assert [m.split("  =  ")[0] for m in members] == ["U.N. expert report", "40%", "weapons of mass destruction program"]
    assert "state-sponsored" in title
    assert "Undo" in active.undo_action.text() and "ENTITY" in active.undo_action.text()

    full = span_rows(active)
    for expected_count in (3, 2, 1, 0):
        press(qtbot, active, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert len(span_rows(active)) == expected_count
    assert rows(active, "SELECT count(*) FROM claims")[0][0] == 0
    for _ in range(4):
        press(qtbot, active, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert span_rows(active) == full
    assert len(rows(active, "SELECT * FROM claim_members WHERE claim_id = ?", claim_id)) == 3


def click_text(qtbot, window, cp):
    view = window.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.map.to_qt(cp))
    rect = view.cursorRect(cursor)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 3, rect.center().y()))


def test_click_relabel_delete(active, qtbot):
    start, end = select(active, "Kuksung Nam")
    press(qtbot, active, Qt.Key.Key_1)
    active.view.clear_selection()
    active.session.select_span(None)
    click_text(qtbot, active, start + 2)
    assert active.session.selected_span is not None
    press(qtbot, active, Qt.Key.Key_3)
    assert span_rows(active) == [(start, end, "ENTITY")]
    press(qtbot, active, Qt.Key.Key_Delete)
    assert span_rows(active) == []
    press(qtbot, active, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert span_rows(active) == [(start, end, "ENTITY")]


def test_click_on_overlap_offers_both_spans(active, qtbot):
    start, end = select(active, "South Korea’s U.N. ambassador")
    press(qtbot, active, Qt.Key.Key_1)
    inner = active.view.text.index("South Korea", start)
    active.view.select_cp(inner, inner + len("South Korea"))
    press(qtbot, active, Qt.Key.Key_3)
    active.view.clear_selection()
    offered = []

    def pick_second():
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        offered.extend(a.text() for a in menu.actions())
        menu.setActiveAction(menu.actions()[1])
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(100, pick_second)
    click_text(qtbot, active, inner + 1)
    qtbot.waitUntil(lambda: len(offered) == 2)
    assert offered[0].startswith("ENTITY") and offered[1].startswith("SPEAKER")
    _d, _a, chosen = active.store.span(active.session.selected_span)
    assert (chosen.start, chosen.end, chosen.label) == (start, end, "SPEAKER")


def test_claim_navigation_notes_attach_detach(active, qtbot):
    select(active, "South Korea highlighted concerns on Thursday regarding North Korea’s cyber activities")
    press(qtbot, active, Qt.Key.Key_4)
    first = active.session.current_claim
    select(active, "Illicit cyber activities pose significant challenges to the global non-proliferation framework")
    press(qtbot, active, Qt.Key.Key_4)
    second = active.session.current_claim
    press(qtbot, active, Qt.Key.Key_Escape)
    assert active.session.current_claim is None
    # A span made with no current claim belongs to none; attach it with A after choosing a claim.
    select(active, "North Korea", 1)
    press(qtbot, active, Qt.Key.Key_E)
    entity = active.session.selected_span
    assert rows(active, "SELECT count(*) FROM claim_members")[0][0] == 0
    press(qtbot, active, Qt.Key.Key_BracketRight)
    assert active.session.current_claim == first
    active.session.select_span(entity)
    press(qtbot, active, Qt.Key.Key_A)
    assert rows(active, "SELECT claim_id, span_id FROM claim_members") == [(first, entity)]
    press(qtbot, active, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert rows(active, "SELECT count(*) FROM claim_members")[0][0] == 0
    press(qtbot, active, Qt.Key.Key_BracketRight)
    assert active.session.current_claim == second
    # The note field takes letters as text, not as label keys.
    active.panel.note.setFocus()
    qtbot.keyClicks(active.panel.note, "Source: UN")
    qtbot.keyClick(active.panel.note, Qt.Key.Key_Return)
    assert rows(active, "SELECT note FROM claims WHERE id = ?", second) == [("Source: UN",)]
    assert len(span_rows(active)) == 3  # typing S, U, N... created no spans
    active.view.setFocus()
    press(qtbot, active, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(active, "SELECT note FROM claims WHERE id = ?", second) == [("",)]


def test_whitespace_only_selection_is_not_tagged(active, qtbot):
    text = active.view.text
    gap = text.index("\n\n")
    active.view.select_cp(gap, gap + 2)
    press(qtbot, active, Qt.Key.Key_1)
    assert span_rows(active) == []
    assert "white space" in active.messages[-1]


def test_done_flag_and_document_switching(active, qtbot):
    press(qtbot, active, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert rows(active, "SELECT done FROM layers WHERE doc_id = ?", SEED0) == [(1,)]
    assert active.documents.summary(SEED0).done
    press(qtbot, active, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert active.session.doc_id == "001_86bcf4922bea323b"
    assert "북" not in active.view.text[:10]
    select(active, "Linda Thomas-Greenfield")
    press(qtbot, active, Qt.Key.Key_S)
    assert active.documents.summary("001_86bcf4922bea323b").spans == 1


def test_import_and_export_from_the_window(active, qtbot, tmp_path):
    good = tmp_path / "new.txt"
    good.write_text("A new article\n\nMinister Kim said 12 ships were seized.", encoding="utf-8")
    task = active.import_paths([str(good)])
    with qtbot.waitSignal(task.done, timeout=10000):
        pass
    qtbot.waitUntil(lambda: active.documents.rowCount() == 3)
    assert "1 document(s) added" in active.messages[-1]

    select(active, "Hwang Joon-kook")
    press(qtbot, active, Qt.Key.Key_1)
    out = tmp_path / "gold.jsonl"
    task = active.export_to(str(out))
    with qtbot.waitSignal(task.done, timeout=10000):
        pass
    [record] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert record["annotator"] == "alice"
    assert [s["text"] for s in record["spans"]] == ["Hwang Joon-kook"]


def test_bad_import_shows_a_dialog_and_changes_nothing(active, qtbot, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "X", "text": "zz"}]}\n', encoding="utf-8")
    before = rows(active, "SELECT count(*) FROM documents")
    task = active.import_paths([str(bad)])
    with qtbot.waitSignal(task.error, timeout=10000):
        pass
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "bad.jsonl, line 1" in boxes[-1].text()
    assert rows(active, "SELECT count(*) FROM documents") == before
    for box in boxes:
        box.close()


def test_nothing_is_lost_when_the_window_closes(active, qtbot, project_path):
    start, end = select(active, "Hwang Joon-kook")
    press(qtbot, active, Qt.Key.Key_1)
    active.close()
    from annotator.store import Store

    with Store(project_path) as store:
        assert [(s.start, s.end) for s in store.spans(SEED0, "alice")] == [(start, end)]


def test_label_keys_work_wherever_the_focus_is_but_the_note_field(active, qtbot):
    start, end = select(active, "Kuksung Nam")
    active.doc_table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is active.doc_table)
    qtbot.keyClick(active.doc_table, Qt.Key.Key_1)
    assert span_rows(active) == [(start, end, "SPEAKER")]
    assert active.session.doc_id == SEED0  # the key did not jump the list to another document


def test_rename_a_document_in_the_list(active, qtbot):
    index = active.documents.index(0, 0)
    active.doc_table.setFocus()
    active.doc_table.edit(index)
    editor = active.doc_table.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, "South Korea warns the UN about North Korean cyber threats")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn of the event loop
    qtbot.waitUntil(lambda: index.data() != "Cybersecurity News that Matters")
    assert rows(active, "SELECT title FROM documents WHERE id = ?", SEED0) == [
        ("South Korea warns the UN about North Korean cyber threats",)]
    assert index.data() == "South Korea warns the UN about North Korean cyber threats"
    assert rows(active, "SELECT count(*) FROM spans")[0][0] == 0  # typing S, K... tagged nothing


def test_a_note_being_typed_is_kept_when_moving_on(active, qtbot):
    select(active, "Illicit cyber activities pose significant challenges")
    press(qtbot, active, Qt.Key.Key_4)
    claim = active.session.current_claim
    active.panel.note.setFocus()
    qtbot.keyClicks(active.panel.note, "check the UN report")  # no Return
    press(qtbot, active, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # next document
    assert active.session.doc_id != SEED0
    assert rows(active, "SELECT note FROM claims WHERE id = ?", claim) == [("check the UN report",)]


def test_a_click_on_plain_text_deselects_so_a_key_cannot_relabel_a_far_span(active, qtbot):
    start, end = select(active, "Kuksung Nam")
    press(qtbot, active, Qt.Key.Key_1)
    assert active.session.selected_span is not None
    click_text(qtbot, active, active.view.text.index("GMT+9"))
    assert active.session.selected_span is None
    press(qtbot, active, Qt.Key.Key_2)
    assert span_rows(active) == [(start, end, "SPEAKER")]


def test_tagging_the_same_span_twice_makes_one_span(active, qtbot):
    select(active, "Hwang Joon-kook")
    press(qtbot, active, Qt.Key.Key_1)
    first = active.session.selected_span
    active.session.select_span(None)
    start, end = select(active, "Hwang Joon-kook")
    press(qtbot, active, Qt.Key.Key_1)
    assert span_rows(active) == [(start, end, "SPEAKER")]
    assert active.session.selected_span == first and "Already tagged" in active.messages[-1]


def test_moving_the_caret_away_deselects_the_clicked_span(active, qtbot):
    start, end = select(active, "Kuksung Nam")
    press(qtbot, active, Qt.Key.Key_1)
    active.view.clear_selection()
    click_text(qtbot, active, start + 2)
    assert active.session.selected_span is not None
    for _ in range(30):
        press(qtbot, active, Qt.Key.Key_Right)
    assert active.session.selected_span is None
    press(qtbot, active, Qt.Key.Key_2)
    assert span_rows(active) == [(start, end, "SPEAKER")]  # nothing far away was relabelled
