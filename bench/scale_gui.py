"""The in-window figures of ``bench/scale.py``, run in a fresh interpreter per project (so a hang
can be timed out and one project's caches never help the next).

    python bench/scale_gui.py window PROJECT REPS    # key press -> span, document switch
    python bench/scale_gui.py review PROJECT REPS    # review window on multi-reviewer documents

Prints one JSON line (milliseconds: lists of per-repetition times, figure and baseline).
Helpers come from ``bench/run.py`` (key presses, the bare key baseline, settling Qt).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import run  # noqa: E402  (bench/run.py)


def _spread_ids(db: Path, count: int, multi_reviewer: bool = False) -> list[tuple[str, str]]:
    """``count`` (doc id, text) pairs spread over the whole project, read by plain sqlite3."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    if multi_reviewer:
        ids = [r[0] for r in conn.execute(
            "SELECT doc_id FROM layers GROUP BY doc_id HAVING count(*) >= 2 ORDER BY doc_id")]
    else:
        ids = [r[0] for r in conn.execute("SELECT id FROM documents ORDER BY position")]
    step = max(1, len(ids) // (count + 1))
    chosen = ids[step::step][:count]
    out = [(i, conn.execute("SELECT text FROM documents WHERE id = ?", (i,)).fetchone()[0]) for i in chosen]
    conn.close()
    return out


def bare_open_times(texts: list[str], width: int, height: int) -> list[float]:
    """Bare Qt: ``setPlainText`` of the same texts into a QPlainTextEdit with a do-nothing
    highlighter, until processed and painted (as ``run.bench_open``'s baseline)."""
    edit = run.bare_editor(width, height)
    times = []
    for text in texts:
        edit.setPlainText("another document")
        run.settle()
        t0 = time.perf_counter()
        edit.setPlainText(text)
        run.settle()
        edit.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
    edit.close()
    edit.deleteLater()
    run.settle()
    return times


def window_figures(db: Path, reps: int, tmp: Path) -> dict:
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings
    from annotator.store import Store

    app = run.qt_app()
    app.setApplicationName("Annotator-bench")
    targets = _spread_ids(db, reps)
    store = Store(db)
    window = MainWindow(store, run.REVIEWER, Settings())
    window.resize(1360, 820)
    window.show()
    window.activateWindow()
    run.settle()
    prof = run.Profiler(os.environ.get("BENCH_PROFILE"))  # "switch" or "key": cProfile report on stderr
    # document switch: to documents spread over the project, each opened once
    switch = []
    for doc_id, _text in targets:
        t0 = time.perf_counter()
        with prof.region("switch"):
            window.open_document(doc_id)
            run.settle()
            window.view.viewport().repaint()
        switch.append((time.perf_counter() - t0) * 1000)
        if window.session.doc_id != doc_id:
            raise RuntimeError(f"open_document({doc_id!r}) did not open it")
    switch_bare = bare_open_times([t for _, t in targets], window.view.width(), window.view.height())
    # key press -> span committed and drawn, on the last document opened
    keys = run.bench_keys(window, reps, prof, "key")
    keys_bare = run.bench_keys_baseline(tmp, window.view.text, window.view.width(), window.view.height(), reps)
    run.close_window(window, store)
    prof.report()
    return {"key_ms": keys, "key_ms_baseline": keys_bare, "switch_ms": switch, "switch_ms_baseline": switch_bare}


def review_figures(db: Path, reps: int) -> dict:
    from annotator.gui.review_window import ReviewWindow
    from annotator.store import Store

    app = run.qt_app()
    app.setApplicationName("Annotator-bench")
    targets = _spread_ids(db, reps, multi_reviewer=True)
    store = Store(db)
    prof = run.Profiler(os.environ.get("BENCH_PROFILE"))  # "review"
    times = []
    for doc_id, _text in targets:  # each document opened for the first time (items, auto-accept)
        run.settle()
        t0 = time.perf_counter()
        with prof.region("review"):
            window = ReviewWindow(store, doc_id, "lead")
            window.resize(1360, 820)
            window.show()
            run.settle()
            window.repaint()
        times.append((time.perf_counter() - t0) * 1000)
        window.close()
        window.deleteLater()
        run.settle()
    store.close()
    prof.report()
    bare = bare_open_times([t for _, t in targets], 1360, 820)
    return {"review_ms": times, "review_ms_baseline": bare}


def main(argv: list[str]) -> int:
    mode, db, reps = argv[0], Path(argv[1]), int(argv[2])
    tmp = Path(os.environ.get("BENCH_TMP", db.parent))
    result = window_figures(db, reps, tmp) if mode == "window" else review_figures(db, reps)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
