"""One connection per project file per process, writers that wait for locks, and acknowledged
edits that survive other processes reading the file and a kill -9 (issue 8, points 1 and 2)."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from annotator.edits import AddSpan
from annotator.project import open_project
from annotator.store import Store
from annotator.store import connection

DRIVERS = Path(__file__).resolve().parent / "drivers"
ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def cli(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "annotator.cli", *map(str, args)], capture_output=True, text=True,
                          env=env or ENV, timeout=timeout)


class Steered:
    """A process of ours driven one command a line; each reply is one line."""

    def __init__(self, *argv):
        self.proc = subprocess.Popen([sys.executable, *map(str, argv)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, env=ENV)
        assert self.read() == "ready"

    def read(self) -> str:
        line = self.proc.stdout.readline()
        assert line, f"the process ended (exit {self.proc.poll()})"
        return line.strip()

    def ask(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.read()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.returncode == -signal.SIGKILL


def stored_spans(path):
    # Read only once the writer is dead: no connection of this process lives on the file.
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {r for r in conn.execute('SELECT id, start, "end", label FROM spans')}
    finally:
        conn.close()


def test_every_store_on_one_file_shares_one_connection(tmp_path):
    path = tmp_path / "p.annotator.db"
    first = open_project(path, seed=True)
    os.symlink(path, tmp_path / "link.annotator.db")
    second = Store(tmp_path / "link.annotator.db")
    third = Store(os.path.relpath(path))
    assert second._shared is first._shared is third._shared
    second.close()
    third.close()
    third.close()  # closing a handle twice does not close the others
    assert first.document_count() == 2
    assert connection.live_connection(path) is first._shared
    first.close()
    assert connection.live_connection(path) is None


def test_opening_twice_in_one_process_then_a_reader_then_a_kill_loses_nothing(tmp_path):
    """The headless scenario: a second open and close in the writer's process, another process
    reading, a second span, kill -9: both spans are there."""
    db = tmp_path / "p.annotator.db"
    writer = Steered(DRIVERS / "headless_writer.py", db)
    try:
        first = int(writer.ask("add 0 5 SPEAKER"))
        assert writer.ask("reopen") == "reopened"
        result = cli("docs", "--db", db, "--json")
        assert result.returncode == 0, result.stderr
        assert Path(f"{db}-wal").exists(), "another process deleted the WAL under a live writer"
        second = int(writer.ask("add 10 20 FIGURE"))
    finally:
        writer.kill()
    assert {(first, 0, 5, "SPEAKER"), (second, 10, 20, "FIGURE")} <= stored_spans(db)


def test_window_tag_export_cli_read_tag_kill_keeps_both_spans(tmp_path):
    """The GUI scenario, in a real app process: tag, export from the File menu's code path, run
    `annotator docs` as another process, tag again, SIGKILL the app, reopen."""
    db = tmp_path / "p.annotator.db"
    app = Steered(DRIVERS / "gui_driver.py", db, "alice")
    try:
        assert app.ask("tag 0 5 1") == "1"
        assert app.ask(f"export {tmp_path / 'out.jsonl'}") == "exported"
        assert app.ask("agreement") == "agreement"
        result = cli("docs", "--db", db)
        assert result.returncode == 0, result.stderr
        assert app.ask("tag 10 20 2") == "2"
    finally:
        app.kill()
    labels = sorted((s, e, lab) for _i, s, e, lab in stored_spans(db))
    assert labels == [(0, 5, "SPEAKER"), (10, 20, "FIGURE")]
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("SPEAKER") == 1


EDITOR = """
import sys
from annotator.edits import AddSpan
from annotator.project import open_project

store = open_project(sys.argv[1])
doc_id = store.document_ids()[0]
length = len(store.document(doc_id).text)
worker, n = int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    start = (worker * 7919 + i * 13) % (length - 30)
    inverse = AddSpan(doc_id, f"r{worker}", start, start + 1 + i % 25, "SPEAKER").apply(store)
    print(inverse.span_id, start, start + 1 + i % 25, flush=True)
"""


@pytest.mark.slow
def test_three_processes_writing_at_once_have_every_edit_acknowledged_and_stored(tmp_path):
    db = tmp_path / "p.annotator.db"
    open_project(db, seed=True).close()
    n = 1500
    procs = [subprocess.Popen([sys.executable, "-c", EDITOR, str(db), str(w), str(n)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=ENV) for w in range(3)]
    acknowledged = {}
    for w, proc in enumerate(procs):
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        acknowledged[w] = [tuple(int(x) for x in line.split()) for line in out.splitlines()]
    conn = sqlite3.connect(db)
    try:
        for w in range(3):
            assert len(acknowledged[w]) == n
            stored = set(conn.execute('SELECT id, start, "end" FROM spans WHERE annotator = ?', (f"r{w}",)))
            assert set(acknowledged[w]) == stored
    finally:
        conn.close()


HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("UPDATE documents SET title = title")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


def hold_lock(db, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def import_under_lock(tmp_path, seconds, **env):
    """``annotator import`` of one article while another program holds the write lock."""
    db = tmp_path / "p.annotator.db"
    open_project(db, seed=True).close()
    source = tmp_path / "more.txt"
    source.write_text("A third article, imported while another program holds the lock.\n", encoding="utf-8")
    holder = hold_lock(db, seconds)
    try:
        result = cli("import", source, "--db", db, env={**ENV, **env})
    finally:
        holder.wait(timeout=30)
    with Store(db) as store:
        return result, store.document_count()


def test_an_import_waits_for_a_lock_held_two_seconds(tmp_path):
    result, documents = import_under_lock(tmp_path, 2)
    assert result.returncode == 0, result.stderr
    assert documents == 3


def test_a_lock_held_past_the_busy_timeout_is_one_clear_line(tmp_path):
    result, documents = import_under_lock(tmp_path, 4, ANNOTATOR_BUSY_TIMEOUT="0.5")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "locked by another program" in result.stderr, result.stderr
    assert documents == 2


def test_a_write_from_another_thread_waits_for_the_transaction_in_progress(tmp_path):
    """Threads share the connection: a second thread's edit must not land inside (and be rolled
    back with) a transaction that another thread has open."""
    store = open_project(tmp_path / "p.annotator.db", seed=True)
    doc_id = store.document_ids()[0]
    inside = threading.Event()
    results = []

    def other_thread():
        inside.wait(10)
        results.append(AddSpan(doc_id, "bob", 0, 5, "SPEAKER").apply(store))

    thread = threading.Thread(target=other_thread)
    thread.start()
    with pytest.raises(RuntimeError):
        with store.atomic():
            store._insert_span(doc_id, "alice", 0, 5, "SPEAKER")
            inside.set()
            time.sleep(0.3)  # the other thread tries to write now
            raise RuntimeError("cancelled: roll back")
    thread.join(10)
    assert results, "the other thread's edit never finished"
    assert store.db.execute("SELECT annotator FROM spans").fetchall() == [("bob",)]
    store.close()


def test_transactions_begin_immediate(tmp_path):
    store = open_project(tmp_path / "p.annotator.db")
    statements = []
    store.db.conn.set_trace_callback(statements.append)
    with store.atomic():
        store._ensure_annotator("alice")
    store.db.conn.set_trace_callback(None)
    assert statements[0] == "BEGIN IMMEDIATE" and statements[-1] == "COMMIT"
    store.close()
