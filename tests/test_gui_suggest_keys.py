"""Issue 11's key-press target: seed 000's gold annotation (tests/fixtures/suggest/seed000_gold.json,
made by hand) reproduced in the real window, by hand and with suggestions; the database ends equal
to the gold both times, and suggestions take at least 40% fewer presses (how presses are counted:
tests/drivers/suggest_keys.py)."""

import json

import pytest
from PySide6.QtWidgets import QApplication

from tests.drivers.suggest_keys import by_hand, gold_layer, layer, load_gold, with_suggestions

from .conftest import SEED0, focused

FIGURES = "tests/fixtures/figures/seed_figures.json"


@pytest.fixture
def active(window, qtbot):
    return focused(window, qtbot, warm=True)


def check_equals_gold(window, gold):
    got, want = layer(window), gold_layer(gold)
    assert got["spans"] == want["spans"]
    assert got["count"] == len(gold["spans"])  # no duplicates either
    assert got["claims"] == want["claims"]
    with open(FIGURES, encoding="utf-8") as f:
        readings = {phrase: value for phrase, value, *_ in json.load(f)[SEED0 + ".txt"]}
    text = window.view.text
    for (start, end, _label), figure in got["figures"].items():
        assert figure is not None and figure["value"] == readings[text[start:end]]


def test_gold_by_hand_and_with_suggestions(active, qtbot, tmp_path):
    gold = load_gold()
    assert gold["doc"] == SEED0
    hand = by_hand(active, gold)
    check_equals_gold(active, gold)
    # With suggestions in a project of its own: the string matcher must not learn from the first run.
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings
    from annotator.project import open_project

    store = open_project(tmp_path / "second.annotator.db", seed=True)
    try:
        second = MainWindow(store, "alice", Settings())
        qtbot.addWidget(second)
        second.show()
        second.activateWindow()
        second.view.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is second.view)
        suggested = with_suggestions(second, gold)
        check_equals_gold(second, gold)
        for line in suggested.log:
            print(line)
        print(f"by hand: {hand.presses} ({hand.keys} keys + {hand.selections} selections); with suggestions: "
              f"{suggested.presses} ({suggested.keys} keys + {suggested.selections} selections/clicks)")
        assert suggested.presses <= 0.6 * hand.presses, (hand.presses, suggested.presses, suggested.log)
        second.close()
    finally:
        store.close()
