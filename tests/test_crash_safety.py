"""An acknowledged annotation survives a kill: a writer process is SIGKILLed mid-stream."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

WRITER = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QCoreApplication
    from annotator.edits import AddSpan
    from annotator.gui.session import Session
    from annotator.project import open_project

    app = QCoreApplication([])
    store = open_project(sys.argv[1], seed=True)
    session = Session(store, "alice")
    doc_id = store.document_ids()[0]
    session.open_document(doc_id)
    length = len(store.document(doc_id).text)
    i = 0
    while True:  # until killed
        start = (i * 7) % (length - 20)
        inverse = session.do(AddSpan(doc_id, "alice", start, start + 1 + i % 15, "SPEAKER"))
        # The GUI shows a span as done once do() returned: that is the acknowledgement.
        print(inverse.span_id, start, start + 1 + i % 15, flush=True)
        i += 1
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_committed_spans_survive_sigkill(tmp_path):
    db = tmp_path / "p.annotator.db"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True, env=env)
    acknowledged = []
    try:
        for line in proc.stdout:
            acknowledged.append(tuple(int(x) for x in line.split()))
            if len(acknowledged) >= 300:
                os.kill(proc.pid, signal.SIGKILL)  # mid-stream: it is writing the next span now
                break
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 300
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {tuple(r) for r in conn.execute('SELECT id, start, "end" FROM spans')}
    finally:
        conn.close()
    missing = [a for a in acknowledged if a not in stored]
    assert not missing, f"{len(missing)} acknowledged spans lost, e.g. {missing[:3]}"
