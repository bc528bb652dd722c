"""What a FIGURE key press costs in the window, against an ENTITY key press (the bare baseline).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/figure_keypress.py [--cold] [--json]

Each run opens a fresh process (the figure readers load once per process): the window on the
seeded project, then key presses on seed 000, timed from the key to the span being stored and the
view and panel updated. By default the window's warm-up thread is waited for, as a reviewer who
reads before tagging would; ``--cold`` presses FIGURE first thing, while it may still be running
(the worst case: the press then waits for the readers).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys, tempfile, time, os
sys.path.insert(0, sys.argv[1])
cold = sys.argv[2] == "cold"
tmp = tempfile.mkdtemp()
os.environ["HOME"] = os.environ["XDG_CONFIG_HOME"] = tmp
from PySide6.QtWidgets import QApplication
app = QApplication([])
from annotator.project import open_project
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from annotator.gui import figure_support
store = open_project(os.path.join(tmp, "p.annotator.db"), seed=True)
win = MainWindow(store, "alice", Settings())
win.show()
app.processEvents()
if not cold:
    deadline = time.perf_counter() + 10
    while not figure_support.figures_ready() and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
def press(phrase, label):
    start = win.view.text.index(phrase)
    win.view.select_cp(start, start + len(phrase))
    t = time.perf_counter()
    win.apply_label(label)
    app.processEvents()
    return (time.perf_counter() - t) * 1000
warm_before = figure_support.figures_ready()
out = {"first_figure_ms": press("around $3 billion", "FIGURE"),
       "second_figure_ms": press("58 cyberattacks", "FIGURE"),
       "entity_ms": press("South Korea", "ENTITY"),
       "warm_at_first_press": warm_before}
print(json.dumps(out))
"""


def run(mode: str) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), mode], capture_output=True, text=True, check=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    mode = "cold" if args.cold else "warm"
    results = [run(mode) for _ in range(args.runs)]
    summary = {key: round(min(r[key] for r in results), 2) for key in ("first_figure_ms", "second_figure_ms", "entity_ms")}
    summary["mode"] = mode
    summary["warm_at_first_press"] = [r["warm_at_first_press"] for r in results]
    if args.json:
        print(json.dumps(summary))
        return
    print(f"{mode}: first FIGURE press {summary['first_figure_ms']} ms, second {summary['second_figure_ms']} ms, "
          f"ENTITY (baseline) {summary['entity_ms']} ms; best of {args.runs} processes; "
          f"readers loaded at the first press: {summary['warm_at_first_press']}")


if __name__ == "__main__":
    time.sleep(0)
    main()
