"""Key presses to reproduce seed 000's gold annotation (tests/fixtures/suggest/seed000_gold.json)
in the real window (offscreen), by hand and with suggestions, and the ratio (issue 11: suggestions
need at least 40% fewer). How presses are counted: tests/drivers/suggest_keys.py. Each run gets a
fresh project in a temporary folder.

    PYTHONPATH=$PWD QT_QPA_PLATFORM=offscreen .venv/bin/python bench/suggest_keys.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def run(kind: str, folder: Path) -> dict:
    from PySide6.QtWidgets import QApplication

    from annotator.gui.figure_support import figures_ready
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings
    from annotator.project import open_project
    from tests.drivers import suggest_keys as drive

    gold = drive.load_gold()
    store = open_project(folder / f"{kind}.annotator.db", seed=True)
    window = MainWindow(store, "alice", Settings(folder / "settings.ini"))
    try:
        window.show()
        window.activateWindow()
        window.view.setFocus()
        drive.wait_until(lambda: QApplication.focusWidget() is window.view and figures_ready())
        if kind == "hand":
            reviewer = drive.by_hand(window, gold)
        else:
            reviewer = drive.with_suggestions(window, gold, accept_all=kind == "suggestions")
        got, want = drive.layer(window), drive.gold_layer(gold)
        if got["spans"] != want["spans"] or got["claims"] != want["claims"] or got["count"] != len(gold["spans"]):
            raise SystemExit(f"{kind}: the layer does not equal the gold")
        return {"presses": reviewer.presses, "keys": reviewer.keys, "selections": reviewer.selections}
    finally:
        window.close()
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])  # noqa: F841 (kept alive)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ANNOTATOR_CONFIG"] = tmp
        results = {kind: run(kind, Path(tmp)) for kind in ("hand", "suggestions", "suggestions_one_by_one")}
    hand = results["hand"]["presses"]
    for kind in ("suggestions", "suggestions_one_by_one"):
        results[kind]["ratio"] = round(results[kind]["presses"] / hand, 3)
        results[kind]["fewer"] = f"{1 - results[kind]['presses'] / hand:.0%}"
    if args.json:
        print(json.dumps(results))
        return
    print("seed 000 gold (42 spans, 2 claims), presses = key presses + selections/clicks")
    for kind, r in results.items():
        extra = f"  ratio {r['ratio']:.2f} ({r['fewer']} fewer)" if "ratio" in r else ""
        print(f"  {kind:24s} {r['presses']:3d}  ({r['keys']} keys + {r['selections']} selections){extra}")
    print("  (suggestions: Shift+Y when every suggestion of a label shown is right; one_by_one: Y each)")


if __name__ == "__main__":
    main()
