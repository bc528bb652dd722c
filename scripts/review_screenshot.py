"""Screenshot of the review view on a seed article annotated by three reviewers.

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1400x860x24" .venv/bin/python scripts/review_screenshot.py docs/review.png
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshot import shoot_when_drawn  # noqa: E402  (the sibling script)

SEED0 = "000_15135173df733d2c"

STATEMENT = "state-sponsored hacking activities fund 40% of the country’s weapons of mass destruction program"
LAYERS = {
    "alice": [
        ("Hwang Joon-kook", "SPEAKER", 0), ("Kuksung Nam", "ENTITY", 0), ("U.N. expert report", "SPEAKER", 0),
        ("40%", "FIGURE", 0), ("weapons of mass destruction program", "ENTITY", 0), (STATEMENT, "CLAIM", 0),
        ("South Korea", "ENTITY", 0), ("North Korea", "ENTITY", 1),
    ],
    "bob": [
        ("Hwang Joon-kook", "SPEAKER", 0), ("Kuksung Nam", "SPEAKER", 0), ("U.N. expert report", "ENTITY", 0),
        ("40%", "FIGURE", 0), ("mass destruction program", "ENTITY", 0), (STATEMENT, "CLAIM", 0),
        ("North Korea", "ENTITY", 1),
    ],
    "carol": [
        ("Hwang Joon-kook", "SPEAKER", 0), ("Kuksung Nam", "ENTITY", 0), ("U.N. expert report", "SPEAKER", 0),
        ("40% of", "FIGURE", 0), (STATEMENT, "CLAIM", 0), ("South Korea", "ENTITY", 0), ("North Korea", "ENTITY", 1),
    ],
}
CLAIM_MEMBERS = {
    "alice": ["U.N. expert report", "40%", "weapons of mass destruction program"],
    "bob": ["U.N. expert report", "40%", "mass destruction program"],
    "carol": ["U.N. expert report", "40% of"],
}


def build(store) -> None:
    text = store.document(SEED0).text

    def find(sub: str, occurrence: int) -> int:
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(sub, start + 1)
        return start

    for who, spans in LAYERS.items():
        ids = {}
        for sub, label, occ in spans:
            start = find(sub, occ)
            ids[sub] = store.add_span(SEED0, who, start, start + len(sub), label)
        with store.atomic():
            claim = store._insert_claim(SEED0, who, ids[STATEMENT])
            for member in CLAIM_MEMBERS[who]:
                store._attach(claim, ids[member])


def main(out: str) -> None:
    tmp = tempfile.mkdtemp()
    os.environ["ANNOTATOR_HOME"] = tmp
    os.environ["ANNOTATOR_CONFIG"] = tmp
    app = QApplication(sys.argv)
    from annotator.gui.review_window import ReviewWindow
    from annotator.project import open_project

    store = open_project(Path(tmp) / "review.annotator.db", seed=True)
    build(store)
    window = ReviewWindow(store, SEED0, "lead")
    window.resize(1400, 860)
    window.move(0, 0)
    window.show()
    # The claim item: the three reviewers' claims side by side, with their members.
    window.select_row(next(row for row, item in enumerate(window.items) if item.kind == "claim"))

    shoot_when_drawn(app, window, out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/review.png")
