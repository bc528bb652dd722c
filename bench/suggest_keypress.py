"""What suggestions cost a key press: label key -> span committed and drawn, in one window, with
suggestions hidden (as before they existed), shown, and shown while the thread is working them out
(the worst case: a key pressed right as a pause ended).

    PYTHONPATH=$PWD QT_QPA_PLATFORM=offscreen .venv/bin/python bench/suggest_keypress.py [PROJECT] [--reps N]

PROJECT (copied first) defaults to the cached 10,000-document project of ``bench/scale.py``
(reviewer ``bench``), else the seeded project (reviewer ``alice``). The modes alternate in blocks
of ``--reps`` presses, three rounds (the order reversed in the second), each press on a word not
tagged before; medians per mode, of wall time and of the UI thread's own CPU time (what the
window's work costs, without the waits the other processes on a shared machine cause).
The suggestions shown include the project's tagged strings (the window reads them after a pause;
here they are asked for at once).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
CACHED = Path(os.environ.get("ANNOTATOR_BENCH_CACHE", Path.home() / ".cache" / "annotator-bench"))


def default_project() -> Path | None:
    found = sorted(CACHED.glob("gen1-*/project-10000.annotator.db"))
    return found[-1] if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", nargs="?", type=Path)
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    os.environ["ANNOTATOR_CONFIG"] = str(tmp)
    source = args.project or default_project()

    import run  # bench/run.py: settle, pick_words, qt_app
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings
    from annotator.project import open_project
    from annotator.store import Store
    from tests.drivers.suggest_keys import wait_until

    app = run.qt_app()
    if source is not None:
        db = tmp / "project.annotator.db"
        shutil.copy(source, db)
        store, reviewer = Store(db), "bench"
    else:
        store, reviewer = open_project(tmp / "project.annotator.db", seed=True), "alice"
    window = MainWindow(store, reviewer, Settings(tmp / "settings.ini"))
    window.resize(1360, 820)
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window, 2000)
    window.view.setFocus()
    run.settle()
    t0 = time.perf_counter()
    window._want_project_strings()  # as after a pause of PROJECT_AFTER_MS
    wait_until(lambda: not window.suggestions_pending(), timeout=300)
    print(f"project strings read and first suggestions: {time.perf_counter() - t0:.2f} s; "
          f"{len(window.suggested)} suggestions in {window.session.doc_id}")
    modes = ("hidden", "shown", "shown+computing")
    words = iter(run.pick_words(window.view.text, args.reps * len(modes) * 3))
    check = sqlite3.connect(str(store.path))
    profiled = os.environ.get("BENCH_PROFILE")  # a mode: cProfile of its presses on stderr
    profile = None
    if profiled:
        import cProfile

        profile = cProfile.Profile()
    times: dict[str, list[float]] = {m: [] for m in modes}
    cpu: dict[str, list[float]] = {m: [] for m in modes}  # the UI thread's own CPU time: no waiting
    for round_ in range(3):
        # The layer grows by a span a press (the claims panel lists them all): alternate the order
        # so that no mode always comes after the others.
        for mode in (modes if round_ % 2 == 0 else tuple(reversed(modes))):
            window.set_suggestions_visible(mode != "hidden")
            wait_until(lambda: not window.suggestions_pending(), timeout=60)
            for _ in range(args.reps):
                start, end = next(words)
                window.view.select_cp(start, end)
                run.settle()
                if mode == "shown+computing":
                    window._request_suggestions()  # the thread works while the key is handled
                if profile is not None and mode == profiled:
                    profile.enable()
                t0, c0 = time.perf_counter(), time.thread_time()
                QTest.keyClick(window.view, Qt.Key.Key_1)
                run.settle()
                window.view.viewport().repaint()
                if profile is not None:
                    profile.disable()
                times[mode].append((time.perf_counter() - t0) * 1000)
                cpu[mode].append((time.thread_time() - c0) * 1000)
                row = check.execute('SELECT start, "end" FROM spans WHERE annotator = ? ORDER BY id DESC LIMIT 1',
                                    (reviewer,)).fetchone()
                if tuple(row) != (start, end):
                    raise SystemExit(f"the key did not make the span: {window.messages[-3:]}")
                if mode == "shown+computing":
                    wait_until(lambda: not window.suggestions_pending(), timeout=60)
    check.close()
    print(f"key press -> span committed and drawn, {args.reps * 3} presses per mode, ms "
          "(wall median / min; UI thread CPU median / min):")
    for mode in modes:
        print(f"  {mode:16s} {statistics.median(times[mode]):6.1f} / {min(times[mode]):5.1f}   "
              f"{statistics.median(cpu[mode]):6.1f} / {min(cpu[mode]):5.1f}")
    print(f"  (suggestions shown after the run: {len(window.suggested)})")
    if profile is not None:
        import pstats

        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    window.close()
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
