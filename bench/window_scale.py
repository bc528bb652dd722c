"""The main window on a given project file: launch, key press -> span, document switch, each with
its bare baseline measured in the same run (issue 10's window figures at real sizes).

    .venv/bin/python bench/window_scale.py PROJECT.db [PROJECT.db ...] [--reviewer NAME] [--reps N]
        [--launch-reps N] [--profile launch|key|switch] [--json]

Each project is copied into a temporary folder first (the app may migrate it) and opened once
untimed (so a migration is not counted). Figures, medians:

- ``launch_s``: fresh interpreter -> ``MainWindow`` on the project shown, text view and document
  list painted. Baseline: ``bench/run.py``'s bare QMainWindow + QPlainTextEdit on a seed text.
- ``key_to_span_ms``: ``bench/run.py``'s label key on a selection until committed and repainted,
  on the first document. Baseline: one sqlite3 INSERT + commit and a bare repaint.
- ``switch_ms``: from the first document, ``open_document`` of one near the top, the middle and
  the end of the list until events are processed and the view is painted. Baseline: ``setPlainText`` of the same text
  on a bare editor with a do-nothing highlighter, and a repaint.

Each figure also has a ``_cpu`` twin (CPU seconds of the process, ``time.process_time``): the
machine may be shared, and CPU time shows the work done whatever the load (it leaves out waits,
such as the fsync of a commit).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LAUNCH = r"""
import json, os, sys, time
from PySide6.QtWidgets import QApplication
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from annotator.store import Store
app = QApplication(sys.argv)
window = MainWindow(Store(os.environ["BENCH_DB"]), os.environ["BENCH_REVIEWER"], Settings())
window.show()
QApplication.processEvents()
window.view.viewport().repaint()
window.doc_table.viewport().repaint()
elapsed = time.monotonic() - float(os.environ["BENCH_T0"])
cpu = time.process_time()
assert window.session.doc_id is not None and window.view.text
window.close(); window.store.close()
print(json.dumps({"s": elapsed, "cpu": cpu}))
"""

PROFILED = r"""
import cProfile, os, pstats, sys
profile = cProfile.Profile()
profile.enable()
exec(compile(os.environ["BENCH_CODE"], "launch", "exec"))
profile.disable()
pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
"""


def med(values):
    return statistics.median(values)


def measure(project: Path, args, tmp: Path) -> dict:
    import run as R  # bench/run.py: helpers and baselines

    from annotator.package_data import seed_files

    db = tmp / project.name
    shutil.copy(project, db)
    env = {"BENCH_DB": str(db), "BENCH_REVIEWER": args.reviewer}
    R.run_child(LAUNCH, **env)  # migrations, if any, and a warm file cache
    seed = str(seed_files()[0])
    res: dict = {"project": str(project)}
    launches, bares = [], []
    for _ in range(args.launch_reps):
        launches.append(R.run_child(LAUNCH, **env))
        bares.append(R.run_child(R.LAUNCH_BARE, BENCH_TEXT=seed))
    res["launch_s"], res["launch_s_baseline"] = med([x["s"] for x in launches]), med([x["s"] for x in bares])
    res["launch_s_cpu"], res["launch_s_baseline_cpu"] = med([x["cpu"] for x in launches]), med([x["cpu"] for x in bares])
    if args.profile == "launch":
        full = R.child_env(**env, BENCH_CODE=LAUNCH)
        full["BENCH_T0"] = repr(time.monotonic())
        proc = subprocess.run([sys.executable, "-c", PROFILED], env=full, capture_output=True, text=True)
        print(proc.stderr[-15000:], file=sys.stderr)

    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings
    from annotator.store import Store

    R.qt_app()
    store = Store(db)
    window = MainWindow(store, args.reviewer, Settings())
    window.show()
    window.activateWindow()
    R.settle()
    R.REVIEWER = args.reviewer
    prof = R.Profiler("key" if args.profile == "key" else None)
    c0 = time.process_time()
    keys = R.bench_keys(window, args.reps, prof, "key")
    res["key_to_span_ms_cpu"] = (time.process_time() - c0) / args.reps * 1000  # includes selecting
    c0 = time.process_time()
    bare_keys = R.bench_keys_baseline(tmp, window.view.text, window.view.width(), window.view.height(), args.reps)
    res["key_to_span_ms_baseline_cpu"] = (time.process_time() - c0) / args.reps * 1000
    res["key_to_span_ms"], res["key_to_span_ms_baseline"] = med(keys), med(bare_keys)
    prof.report()

    n = window.documents.rowCount()
    targets = [window.documents.doc_id(r) for r in sorted({1 % n, n // 2, n - 1})]
    switches, cpus, texts = [], [], []
    profile = cProfile.Profile()
    for _ in range(max(1, args.reps // 3)):
        for doc_id in targets:
            window.open_document(window.documents.doc_id(0))  # from another document, always
            R.settle()
            t0, c0 = time.perf_counter(), time.process_time()
            if args.profile == "switch":
                profile.enable()
            window.open_document(doc_id)
            R.settle()
            window.view.viewport().repaint()
            if args.profile == "switch":
                profile.disable()
            switches.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            assert window.session.doc_id == doc_id
            texts.append(window.view.text)
    if args.profile == "switch":
        pstats.Stats(profile, stream=sys.stderr).strip_dirs().sort_stats("cumulative").print_stats(35)
    size = window.view.size()
    R.close_window(window, store)
    edit = R.bare_editor(size.width(), size.height())
    bare, bare_cpu = [], []
    for text in texts:
        edit.setPlainText("another document")
        R.settle()
        t0, c0 = time.perf_counter(), time.process_time()
        edit.setPlainText(text)
        R.settle()
        edit.viewport().repaint()
        bare.append((time.perf_counter() - t0) * 1000)
        bare_cpu.append((time.process_time() - c0) * 1000)
    edit.close()
    edit.deleteLater()
    R.settle()
    res["switch_ms"], res["switch_ms_baseline"] = med(switches), med(bare)
    res["switch_ms_cpu"], res["switch_ms_baseline_cpu"] = med(cpus), med(bare_cpu)
    res["documents"] = n
    return res


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="+", type=Path)
    parser.add_argument("--reviewer", default="bench")
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--launch-reps", type=int, default=5)
    parser.add_argument("--profile", choices=("launch", "key", "switch"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="annotator-window-") as name:
        tmp = Path(name)
        os.environ["ANNOTATOR_HOME"] = str(tmp / "home")
        os.environ["ANNOTATOR_CONFIG"] = str(tmp / "config")
        runtime = tmp / "xdg-runtime"
        runtime.mkdir(mode=0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        for project in args.projects:
            results.append(measure(project, args, tmp))
    for res in results:
        if args.json:
            print(json.dumps(res))
            continue
        print(f"{res['project']} ({res['documents']:,} documents)")
        for key in ("launch_s", "key_to_span_ms", "switch_ms"):
            print(f"  {key:16} {res[key]:9.3f}  bare {res[key + '_baseline']:8.3f}"
                  f"   cpu {res[key + '_cpu']:9.3f}  bare cpu {res[key + '_baseline_cpu']:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
