"""The review view driven from the keyboard offscreen; decisions checked in the SQLite file."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator import review
from annotator.gui.review_window import ReviewWindow

SEED0 = "000_15135173df733d2c"
STATEMENT = "state-sponsored hacking activities fund 40% of the country’s weapons of mass destruction program"
LAYERS = {  # (text, label, occurrence)
    "alice": [("Hwang Joon-kook", "SPEAKER", 0), ("Kuksung Nam", "ENTITY", 0), ("South Korea", "ENTITY", 0),
              (STATEMENT, "CLAIM", 0), ("U.N. expert report", "SPEAKER", 0), ("40%", "FIGURE", 0)],
    "bob": [("Hwang Joon-kook", "SPEAKER", 0), ("Kuksung Nam", "SPEAKER", 0),
            (STATEMENT, "CLAIM", 0), ("U.N. expert report", "SPEAKER", 0), ("40% of", "FIGURE", 0)],
}
MEMBERS = {"alice": ["U.N. expert report", "40%"], "bob": ["U.N. expert report"]}


def find(text: str, sub: str, occurrence: int = 0) -> int:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(sub, start + 1)
    return start


@pytest.fixture
def two_reviewers(seeded_store):
    store = seeded_store
    text = store.document(SEED0).text
    for who, spans in LAYERS.items():
        ids = {}
        for sub, label, occ in spans:
            start = find(text, sub, occ)
            ids[sub] = store.add_span(SEED0, who, start, start + len(sub), label)
        with store.atomic():
            claim = store._insert_claim(SEED0, who, ids[STATEMENT])
            for member in MEMBERS[who]:
                store._attach(claim, ids[member])
    return store


def rows(store, sql, *params):
    """Read through a separate connection: what another process would see."""
    conn = sqlite3.connect(store.path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def gold(store):
    return rows(store, 'SELECT s.start, s."end", s.label, p.sources, p.decision, p.decided_by FROM spans s'
                       " LEFT JOIN gold_provenance p ON p.span_id = s.id WHERE s.annotator = 'gold'"
                       ' ORDER BY s.start, s."end", s.label')


def span_of(store, sub, label, occurrence=0):
    text = store.document(SEED0).text
    start = find(text, sub, occurrence)
    return (start, start + len(sub), label)


@pytest.fixture
def rw(qtbot, two_reviewers):
    win = ReviewWindow(two_reviewers, SEED0, "lead")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is win.view)
    return win


def press(qtbot, win, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(win.view, key, modifier)


def current_text(win):
    item = win.current_item
    return win.document.text[item.start:item.end]


def test_opening_accepts_agreed_items_and_lists_the_rest(rw, qtmodeltester):
    store = rw.store
    qtmodeltester.check(rw.model)
    assert rw.auto_accepted == 3
    assert "3 agreed item(s) were accepted into gold automatically" in rw.messages[0]
    assert "3 accepted automatically" in rw.summary_label.text()
    assert rw.progress_label.text() == "Adjudicated 3 of 7 items"
    both = '["alice", "bob"]'
    assert gold(store) == sorted([
        (*span_of(store, "Hwang Joon-kook", "SPEAKER"), both, "unanimous", "lead"),
        (*span_of(store, STATEMENT, "CLAIM"), both, "unanimous", "lead"),
        (*span_of(store, "U.N. expert report", "SPEAKER"), both, "unanimous", "lead"),
    ])
    states = [(it.kind, it.state, it.kind_text) for it in rw.items]
    assert states == [
        ("span", "incomplete", "missing"),
        ("span", "accepted", "agree"),
        ("span", "disagreement", "label"),
        ("span", "accepted", "agree"),
        ("claim", "disagreement", "members"),
        ("span", "accepted", "agree"),
        ("span", "disagreement", "boundary"),
    ]
    # The first open item is current; its versions are shown per reviewer, numbered.
    assert current_text(rw) == "South Korea"
    assert rw.panel.rows[1].startswith("1 alice: ENTITY") and rw.panel.rows[2] == "2 bob: nothing here"
    assert rw.view.lane_count == 2 and rw.view.lane_index


def test_keyboard_review_session_with_undo(rw, qtbot):
    store = rw.store
    press(qtbot, rw, Qt.Key.Key_N)
    assert current_text(rw) == "Kuksung Nam"  # the accepted Hwang item was skipped
    press(qtbot, rw, Qt.Key.Key_P)
    assert current_text(rw) == "South Korea"
    press(qtbot, rw, Qt.Key.Key_N)
    press(qtbot, rw, Qt.Key.Key_2)  # bob's version: SPEAKER
    assert (*span_of(store, "Kuksung Nam", "SPEAKER"), '["bob"]', "adjudicated", "lead") in gold(store)
    assert rw.current_item.kind == "claim"  # moved on to the next open item
    press(qtbot, rw, Qt.Key.Key_N)
    assert current_text(rw) == "40% of"
    press(qtbot, rw, Qt.Key.Key_2)  # bob's "40% of"
    assert (*span_of(store, "40% of", "FIGURE"), '["bob"]', "adjudicated", "lead") in gold(store)
    assert current_text(rw) == "South Korea"  # wrapped round to the first open item
    press(qtbot, rw, Qt.Key.Key_R)
    assert not any(g[:3] == span_of(store, "South Korea", "ENTITY") for g in gold(store))
    assert rows(store, "SELECT state, decided_by FROM review_items WHERE item_key LIKE 'spans:%' AND state = 'rejected'") == [
        ("rejected", "lead")
    ]
    assert rw.current_item.kind == "claim"
    press(qtbot, rw, Qt.Key.Key_1)  # alice's claim: statement + U.N. expert report + 40%
    [(claim_id, statement)] = rows(store, "SELECT id, span_id FROM claims WHERE annotator = 'gold'")
    members = rows(store, 'SELECT s.start, s."end", s.label FROM claim_members m JOIN spans s ON s.id = m.span_id'
                          " WHERE m.claim_id = ? ORDER BY s.start", claim_id)
    assert members == sorted([span_of(store, "U.N. expert report", "SPEAKER"), span_of(store, "40%", "FIGURE")])
    assert rows(store, "SELECT sources, decision, decided_by FROM gold_claim_provenance") == [('["alice"]', "adjudicated", "lead")]
    assert rw.current_item.kind == "claim" and rw.panel.rows[0].startswith("gold: claim «state-sponsored")
    assert rw.panel.rows[0].endswith("with 2 member(s)")
    assert rw.progress_label.text() == "Adjudicated 7 of 7 items"
    assert "adjudicated" in rw.messages[-1]

    # Ctrl+Z takes the claim decision back (and the 40% gold span it had to make).
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert rows(store, "SELECT count(*) FROM claims WHERE annotator = 'gold'") == [(0,)]
    assert not any(g[:3] == span_of(store, "40%", "FIGURE") for g in gold(store))
    assert rw.progress_label.text() == "Adjudicated 6 of 7 items"
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert rows(store, "SELECT id FROM claims WHERE annotator = 'gold'") == [(claim_id,)]  # redo: same row
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    # A: both versions of Kuksung Nam go to gold (overlaps allowed), replacing bob's.
    rw.select_row(rw.model.row_of(next(it.key for it in rw.items if current_text_of(rw, it) == "Kuksung Nam")))
    press(qtbot, rw, Qt.Key.Key_A)
    kuksung = [g for g in gold(store) if g[:2] == span_of(store, "Kuksung Nam", "X")[:2]]
    assert [(g[2], g[3]) for g in kuksung] == [("ENTITY", '["alice"]'), ("SPEAKER", '["bob"]')]


def current_text_of(win, item):
    return win.document.text[item.start:item.end]


def test_edit_gold_span_by_hand_then_undo(rw, qtbot):
    store = rw.store
    boundary = next(r for r, it in enumerate(rw.items) if it.kinds == {"boundary"})
    rw.select_row(boundary)
    press(qtbot, rw, Qt.Key.Key_2)  # bob's "40% of"
    rw.select_row(boundary)
    press(qtbot, rw, Qt.Key.Key_E)
    assert rw.edit_mode and "EDIT" in rw.mode_label.text()
    start, end, _ = span_of(store, "40% of", "FIGURE")
    assert rw.view.selection_cp() == (start, end)  # the gold span is selected to adjust
    for _ in range(3):
        press(qtbot, rw, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, rw, Qt.Key.Key_F)  # a label key in edit mode: FIGURE
    assert not rw.edit_mode
    assert (start, start + 3, "FIGURE", '["alice"]', "edited", "lead") in gold(store)
    assert not any(g[:3] == (start, end, "FIGURE") for g in gold(store))
    press(qtbot, rw, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (start, end, "FIGURE", '["bob"]', "adjudicated", "lead") in gold(store)
    # Escape leaves edit mode without a change; a digit is a label key only in edit mode.
    rw.select_row(boundary)
    press(qtbot, rw, Qt.Key.Key_E)
    press(qtbot, rw, Qt.Key.Key_Escape)
    assert not rw.edit_mode
    press(qtbot, rw, Qt.Key.Key_S)
    assert "press E first" in rw.messages[-1]


def test_auto_accept_can_be_turned_off(qtbot, two_reviewers):
    win = ReviewWindow(two_reviewers, SEED0, "lead", auto_accept=False)
    qtbot.addWidget(win)
    assert gold(two_reviewers) == [] and win.auto_accepted == 0
    assert not win.auto_accept_box.isChecked() and not win.auto_accept_action.isChecked()
    assert win.progress_label.text() == "Adjudicated 0 of 7 items"
    with qtbot.waitSignal(win.auto_accept_changed):
        win.auto_accept_box.setChecked(True)
    assert win.auto_accept and win.auto_accept_action.isChecked()
    win.accept_agreed()
    assert len(gold(two_reviewers)) == 3 and win.progress_label.text() == "Adjudicated 3 of 7 items"


def test_a_changed_layer_shows_items_as_changed(qtbot, two_reviewers):
    store = two_reviewers
    review.AcceptAgreed(SEED0, "lead").apply(store)
    bob = next(store.annotated_documents(annotator="bob", doc_ids=[SEED0]))
    hwang = span_of(store, "Hwang Joon-kook", "SPEAKER")
    from annotator.model import Span

    bob.spans = [Span(s.start, s.end, "ENTITY" if (s.start, s.end, s.label) == hwang else s.label, id=s.id) for s in bob.spans]
    store.merge_layers([bob], source="bob.db")
    win = ReviewWindow(store, SEED0, "lead")
    qtbot.addWidget(win)
    changed = [it for it in win.items if it.changed]
    assert len(changed) == 1 and current_text_of(win, changed[0]) == "Hwang Joon-kook"
    row = win.model.row_of(changed[0].key)
    assert win.model.data(win.model.index(row, 1)) == "⟳ changed since decided"
    assert "1 changed since decided" in win.summary_label.text()
    assert (*hwang, '["alice", "bob"]', "unanimous", "lead") in gold(store)  # kept until decided again


@pytest.mark.slow
def test_large_document_opens_with_every_item(qtbot, tmp_path):
    # How fast it opens is measured by bench/review_bench.py; a test asserts no wall-clock time.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from review_bench import build_review_project

    from annotator.store import Store

    doc_id, _text = build_review_project(tmp_path / "big.annotator.db")
    with Store(tmp_path / "big.annotator.db") as store:
        assert rows(store, "SELECT annotator, count(*) FROM spans GROUP BY annotator") == [
            ("alice", 2000), ("bob", 2000), ("carol", 2000)
        ]
        win = ReviewWindow(store, doc_id, "lead")
        qtbot.addWidget(win)
        win.show()
        QApplication.processEvents()
        assert len(win.items) > 2000 and win.auto_accepted > 1000
        win.close()
