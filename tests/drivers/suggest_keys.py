"""Reproduce a gold annotation in the real main window twice, counting what the reviewer does:
once by selecting text and pressing label keys only, once with suggestions (N / Y / X / Shift+Y,
then selections and label keys for what they miss or get wrong). Shared by
``tests/test_gui_suggest_keys.py`` and ``bench/suggest_keys.py``.

How presses are counted: every key press is one (``QTest.keyClick`` on the focused widget, so the
window's shortcuts fire as for a person); every selection of a stretch of text (a drag, or a run
of Shift+arrows, done with ``select_cp``) is one; putting the caret on a suggestion (a click) is
one. Waiting for suggestions to be worked out costs nothing.

The reviewer with suggestions knows the gold (as a person knows what they want): on the current
suggestion they press Y if it is right, Shift+Y if every suggestion of its label shown is right,
the right label key if the gold has another label over the same text (then X for the wrong one),
else X; with no suggestion left they tag the first missing gold span by hand (which may teach the
string matcher, so more suggestions appear). Claims come first in both runs: the statement
(selection + CLAIM key), its members while it is current (a suggestion: click + Y; else
selection + label key), then Escape.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

GOLD = Path(__file__).resolve().parent.parent / "fixtures" / "suggest" / "seed000_gold.json"
LABEL_KEYS = {"SPEAKER": Qt.Key.Key_1, "FIGURE": Qt.Key.Key_2, "ENTITY": Qt.Key.Key_3, "CLAIM": Qt.Key.Key_4}
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def load_gold(path: Path = GOLD) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def wait_until(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out waiting for the window")
        QApplication.processEvents()
        time.sleep(0.005)


class Reviewer:
    """Drives ``window`` and counts: ``keys`` key presses, ``selections`` selections and clicks."""

    def __init__(self, window):
        self.window = window
        self.keys = 0
        self.selections = 0
        self.log: list[str] = []

    @property
    def presses(self) -> int:
        return self.keys + self.selections

    def press(self, key, modifier=NONE, why: str = "") -> None:
        QTest.keyClick(QApplication.focusWidget() or self.window.view, key, modifier)
        self.keys += 1
        self.log.append(f"key {key.name}{'+shift' if modifier == SHIFT else ''} {why}")
        QApplication.processEvents()

    def select(self, start: int, end: int) -> None:
        self.window.view.select_cp(start, end)
        self.selections += 1
        self.log.append(f"select {start}-{end}")

    def click(self, cp: int) -> None:
        from PySide6.QtGui import QTextCursor

        view = self.window.view
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.map.to_qt(cp))
        view.setTextCursor(cursor)
        self.selections += 1
        self.log.append(f"click {cp}")

    def tag(self, start: int, end: int, label: str) -> None:
        self.select(start, end)
        self.press(LABEL_KEYS[label], why=label)

    def settle(self) -> None:
        wait_until(lambda: not self.window.suggestions_pending())


def have(window) -> set[tuple[int, int, str]]:
    s = window.session
    return {(r.start, r.end, r.label) for r in window.store.span_rows(s.doc_id, s.reviewer)}


def by_hand(window, gold: dict) -> Reviewer:
    r = Reviewer(window)
    claimed: set[tuple] = set()
    for claim in gold["claims"]:
        r.tag(*claim["statement"])
        for member in claim["members"]:
            r.tag(*member)
            claimed.add(tuple(member))
        r.press(Qt.Key.Key_Escape, why="end of claim")
        claimed.add(tuple(claim["statement"]))
    for start, end, label, _text in sorted(gold["spans"]):
        if (start, end, label) not in claimed:
            r.tag(start, end, label)
    return r


def with_suggestions(window, gold: dict, *, accept_all: bool = True, limit: int = 500) -> Reviewer:
    r = Reviewer(window)
    wanted = {tuple(s[:3]) for s in gold["spans"]}
    r.settle()
    for claim in gold["claims"]:
        r.tag(*claim["statement"])
        for member in claim["members"]:
            r.settle()
            offered = next((x for x in window.suggested if x.key() == tuple(member)), None)
            if offered is not None:
                r.click(offered.start)
                r.press(Qt.Key.Key_Y, why=f"accept {member} into the claim")
            else:
                r.tag(*member)
        r.press(Qt.Key.Key_Escape, why="end of claim")
    for _ in range(limit):
        r.settle()
        missing = wanted - have(window)
        offers = window.suggested
        if not offers and not missing:
            return r
        current = window.current_suggestion if window.current_suggestion in offers else None
        if offers and current is None:
            r.press(Qt.Key.Key_N, why="next suggestion")
            continue
        if current is not None:
            if current.key() in missing:
                same = [x for x in offers if x.label == current.label]
                if accept_all and len(same) > 1 and all(x.key() in missing for x in same):
                    r.press(Qt.Key.Key_Y, SHIFT, why=f"accept all {current.label}")
                else:
                    r.press(Qt.Key.Key_Y, why=f"accept {current.key()}")
                continue
            other = next((k for k in missing if k[:2] == (current.start, current.end)), None)
            if other is not None:
                if window.view.selection_cp() != (current.start, current.end):
                    r.select(current.start, current.end)
                r.press(LABEL_KEYS[other[2]], why=f"retag {current.key()} as {other[2]}")
                continue
            r.press(Qt.Key.Key_X, why=f"reject {current.key()}")
            continue
        r.tag(*min(missing))
    raise RuntimeError("the reviewer with suggestions did not finish: " + "; ".join(r.log[-10:]))


def layer(window) -> dict:
    """The reviewer's layer as the database holds it: span keys, claims by keys, figure readings."""
    s = window.session
    db = window.store.db
    rows = db.execute('SELECT id, start, "end", label, attrs FROM spans WHERE doc_id = ? AND annotator = ?',
                      (s.doc_id, s.reviewer)).fetchall()
    key_of = {row[0]: (row[1], row[2], row[3]) for row in rows}
    claims = set()
    for claim in window.store.claims(s.doc_id, s.reviewer):
        claims.add((key_of[claim.span_id], frozenset(key_of[m] for m in claim.members)))
    figures = {key_of[row[0]]: json.loads(row[4]).get("figure") for row in rows if row[3] == "FIGURE"}
    return {"spans": set(key_of.values()), "claims": claims, "figures": figures, "count": len(rows)}


def gold_layer(gold: dict) -> dict:
    return {"spans": {tuple(s[:3]) for s in gold["spans"]},
            "claims": {(tuple(c["statement"]), frozenset(tuple(m) for m in c["members"])) for c in gold["claims"]}}
