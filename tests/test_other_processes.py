"""The window follows what other processes do to its project, and a second copy of the app is
told the project is open elsewhere (issue 8, point 3)."""

import os
import signal
import subprocess
import sys
import time

from PySide6.QtWidgets import QApplication

from annotator.gui.instance_lock import claim_project, lock_path

from .test_connection_ownership import DRIVERS, ENV, Steered

ADD = """
import sys
from annotator.edits import AddSpan
from annotator.project import open_project
store = open_project(sys.argv[1])
doc_id = store.document_ids()[0]
label = sys.argv[4]
AddSpan(doc_id, "alice", int(sys.argv[2]), int(sys.argv[3]), label, new_claim=label == "CLAIM").apply(store)
"""


def add_elsewhere(db, start, end, label):
    result = subprocess.run([sys.executable, "-c", ADD, str(db), str(start), str(end), label],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 0, result.stderr


def test_spans_and_claims_added_by_another_process_appear_within_a_second(window, qtbot):
    window.activateWindow()
    db = window.store.path
    doc_id = window.session.doc_id
    text = window.store.document(doc_id).text
    add_elsewhere(db, 0, 15, "SPEAKER")
    qtbot.waitUntil(lambda: len(window.view.own_spans()) == 1, timeout=1000)
    assert window.documents.summary(doc_id).spans == 1
    end = text.index(".") + 1
    add_elsewhere(db, 0, end, "CLAIM")
    qtbot.waitUntil(lambda: len(window.panel.claim_ids()) == 1, timeout=1000)
    # Tagging what the other process tagged selects the span that is now drawn.
    window.view.select_cp(0, 15)
    window.apply_label("SPEAKER")
    assert window.session.selected_span is not None
    assert window.store.db.execute("SELECT count(*) FROM spans").fetchone()[0] == 2


def test_a_change_elsewhere_keeps_the_reader_where_they_were(window, qtbot):
    window.activateWindow()
    window.view.select_cp(20, 30)
    add_elsewhere(window.store.path, 0, 5, "ENTITY")
    qtbot.waitUntil(lambda: len(window.view.own_spans()) == 1, timeout=1000)
    assert window.view.selection_cp() == (20, 30)


def wait_for_reply(process, command, expected, within=1.5):
    deadline = time.monotonic() + within
    while (reply := process.ask(command)) != expected:
        assert time.monotonic() < deadline, f"{command!r} still says {reply!r}, not {expected!r}"
        time.sleep(0.05)


def test_two_copies_of_the_app_see_each_other_within_a_second(tmp_path):
    db = tmp_path / "p.annotator.db"
    first = Steered(DRIVERS / "gui_driver.py", db, "alice")
    second = Steered(DRIVERS / "gui_driver.py", db, "alice")
    try:
        assert first.ask("tag 0 5 1") == "1"
        wait_for_reply(second, "drawn", "1")
        assert second.ask("tag 10 20 2") == "2"
        wait_for_reply(first, "drawn", "2")
    finally:
        first.kill()
        second.kill()


HOLD = """
import sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
lock.setStaleLockTime(0)
assert lock.tryLock(0)
print("held", flush=True)
time.sleep(60)
"""


def test_a_second_copy_is_told_who_has_the_project_and_may_go_on(tmp_path, qapp):
    project = tmp_path / "p.annotator.db"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, lock_path(project)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        asked = []
        go_on, lock = claim_project(project, lambda pid, host: asked.append((pid, host)) or True)
        assert go_on and lock is None and asked and asked[0][0] == holder.pid
        go_on, _lock = claim_project(project, lambda pid, host: False)
        assert not go_on
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    # The copy that held it died: its lock is taken over without a question.
    go_on, lock = claim_project(project, lambda pid, host: (_ for _ in ()).throw(AssertionError("asked")))
    assert go_on and lock is not None and lock.isLocked()
    lock.unlock()
    QApplication.processEvents()


def test_the_review_window_follows_another_process(window, qtbot):
    """A reviewer's span added elsewhere (a merge run from a terminal) shows up in the open
    review window's lanes and items."""
    from annotator.edits import AddSpan

    store = window.store
    doc_id = window.session.doc_id
    for who in ("alice", "bob"):
        AddSpan(doc_id, who, 0, 15, "SPEAKER").apply(store)
    window.reload_documents()
    review = window.open_review()
    qtbot.addWidget(review)
    before = len(review.items)
    text = store.document(doc_id).text
    start = text.index("South Korea")
    add_elsewhere(store.path, start, start + len("South Korea"), "ENTITY")  # alice's layer
    qtbot.waitUntil(lambda: len(review.items) == before + 1, timeout=1500)
    qt_start = review.view.map.to_qt(start)
    lanes = [entry for entries in review.view.lane_index.values() for entry in entries]
    assert any(qs == qt_start for _lane, qs, _qe, _color in lanes), "the new span is not in a lane"
