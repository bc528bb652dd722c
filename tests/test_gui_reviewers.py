"""Several reviewers in the window: switching, overlay, merging files, import/export formats."""

import json
import sqlite3

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from annotator.edits import AddSpan, EditLog
from annotator.project import open_project

SEED0 = "000_15135173df733d2c"


def wait(qtbot, window, start):
    """Start background work and wait for the message it ends with (done or refused)."""
    count = len(window.messages)
    start()
    qtbot.waitUntil(lambda: len(window.messages) > count, timeout=15000)


def close_boxes():
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox):
            w.close()


def test_switch_reviewer_shows_their_layer_and_overlay_shows_another(window, qtbot):
    start = window.view.text.index("Hwang Joon-kook")
    window.view.select_cp(start, start + 15)
    window.apply_label("SPEAKER")
    window.switch_reviewer("bob")
    assert window.session.reviewer == "bob" and "bob" in window.reviewer_label.text()
    assert window.view.placed == {}  # bob has not tagged anything
    assert window.documents.summary(SEED0).spans == 0
    window.view.select_cp(start, start + 5)
    window.apply_label("ENTITY")
    conn = sqlite3.connect(window.store.path)
    assert sorted(conn.execute("SELECT annotator, start, \"end\", label FROM spans")) == [
        ("alice", start, start + 15, "SPEAKER"), ("bob", start, start + 5, "ENTITY")]
    window.set_overlay("alice")
    overlaid = [p for entries in window.view.block_index.values() for p in entries if p.overlay]
    assert {(p.span.start, p.span.end, p.span.label) for p in overlaid} == {(start, start + 15, "SPEAKER")}
    assert len(window.view.placed) == 1  # overlay spans cannot be clicked or deleted
    window.set_overlay(None)
    assert not any(p.overlay for entries in window.view.block_index.values() for p in entries)
    window.switch_reviewer("alice")
    assert [p.span.label for p in window.view.placed.values()] == ["SPEAKER"]


def test_merge_from_the_window(window, qtbot, tmp_path):
    other = open_project(tmp_path / "bob.annotator.db", seed=True)
    EditLog(other).do(AddSpan(other.document_ids()[0], "bob", 134, 149, "SPEAKER"))
    other.close()
    wait(qtbot, window, lambda: window.merge_paths([str(tmp_path / "bob.annotator.db")]))
    assert "1 layer(s) added" in window.messages[-1]
    assert ("bob",) in sqlite3.connect(window.store.path).execute("SELECT DISTINCT annotator FROM spans").fetchall()
    close_boxes()
    bad = tmp_path / "junk.db"
    bad.write_bytes(b"junk" * 100)
    wait(qtbot, window, lambda: window.merge_paths([str(bad)]))
    assert "not an Annotator project" in window.messages[-1]
    close_boxes()


def test_import_and_export_other_formats_from_the_window(window, qtbot, tmp_path):
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(json.dumps({"text": "Kim Jong Un said 3 missiles.", "label": [[0, 11, "PER"], [17, 18, "NUM"]]}) + "\n",
                       encoding="utf-8")
    wait(qtbot, window, lambda: window.import_paths([str(doccano)]))
    assert {"PER", "NUM"} <= set(window.label_actions)  # new labels get a toolbar entry
    close_boxes()
    out = tmp_path / "export.json"
    wait(qtbot, window, lambda: window.export_to(str(out), format="label-studio", annotator="alice"))
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert any(t["data"]["text"] == "Kim Jong Un said 3 missiles." for t in tasks)
    close_boxes()


def test_a_long_import_can_be_cancelled_and_changes_nothing(window, qtbot, tmp_path):
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for n in range(3000):
            text = f"Document {n}: the ministry said {n} ships were seized."
            out.write(json.dumps({"id": f"d{n}", "text": text, "annotator": "bob",
                                  "spans": [{"start": 0, "end": 8, "label": "ENTITY"}]}) + "\n")
    before = sqlite3.connect(window.store.path).execute("SELECT count(*) FROM documents").fetchone()
    # The user presses Cancel in the progress dialog as soon as it starts.
    def start_and_cancel():
        task = window.import_paths([str(big)])
        task.dialog.findChild(QPushButton).click()

    wait(qtbot, window, start_and_cancel)
    assert "cancelled" in window.messages[-1]
    assert sqlite3.connect(window.store.path).execute("SELECT count(*) FROM documents").fetchone() == before
    close_boxes()


def test_review_and_agreement_open_from_the_menus(window, qtbot, tmp_path):
    assert window.open_review() is None  # one reviewer only: nothing to review yet
    assert "two reviewers" in window.messages[-1]
    other = open_project(tmp_path / "bob.annotator.db", seed=True)
    EditLog(other).do(AddSpan(other.document_ids()[0], "bob", 134, 149, "SPEAKER"))
    other.close()
    start = window.view.text.index("Hwang Joon-kook")
    window.view.select_cp(start, start + 15)
    window.apply_label("SPEAKER")
    wait(qtbot, window, lambda: window.merge_paths([str(tmp_path / "bob.annotator.db")]))
    close_boxes()
    review = window.open_review()
    qtbot.addWidget(review)
    assert review.isVisible()
    gold = sqlite3.connect(window.store.path).execute(
        "SELECT start, \"end\", label FROM spans WHERE annotator = 'gold'").fetchall()
    assert gold == [(start, start + 15, "SPEAKER")]  # the agreed item went to gold automatically
    row = window.documents.row_of(SEED0)
    qtbot.waitUntil(lambda: window.documents.index(row, 4).data() == "1 of 1")  # adjudicated k of n
    assert window.documents.index(1, 4).data() == ""  # one reviewer there: nothing to adjudicate
    review.close()
    agreement = window.show_agreement()
    assert agreement.objectName() == "agreementWindow" and agreement.isVisible()
    agreement.close()


def test_closing_the_window_during_an_import_waits_and_keeps_the_project_whole(window, qtbot, tmp_path):
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for n in range(3000):
            out.write(json.dumps({"id": f"d{n}", "text": f"Document {n} about ships.", "annotator": "bob"}) + "\n")
    before = sqlite3.connect(window.store.path).execute("SELECT count(*) FROM documents").fetchone()
    task = window.import_paths([str(big)])
    window.close()  # at once, before the import could finish
    assert not task._thread.isRunning()
    after = sqlite3.connect(window.store.path).execute("SELECT count(*) FROM documents").fetchone()
    assert after in (before, (before[0] + 3000,))  # rolled back whole, or finished whole
    assert sqlite3.connect(window.store.path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_merge_that_replaces_a_layer_clears_its_undo_history(window, qtbot, tmp_path):
    start = window.view.text.index("Hwang Joon-kook")
    window.view.select_cp(start, start + 15)
    window.apply_label("SPEAKER")
    assert window.undo_action.isEnabled()
    other = open_project(tmp_path / "alice-elsewhere.annotator.db", seed=True)
    EditLog(other).do(AddSpan(other.document_ids()[0], "alice", 0, 5, "ENTITY"))
    other.close()
    wait(qtbot, window, lambda: window.merge_paths([str(tmp_path / "alice-elsewhere.annotator.db")]))
    close_boxes()
    assert "1 replaced" in window.messages[-1]
    assert not window.undo_action.isEnabled()  # the history no longer matches the layer
    rows = sqlite3.connect(window.store.path).execute(
        "SELECT start, \"end\", label FROM spans WHERE annotator = 'alice'").fetchall()
    assert rows == [(0, 5, "ENTITY")]
