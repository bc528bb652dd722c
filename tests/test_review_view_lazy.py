"""The review view on a long document does the work of what is on screen: the lanes and gold
colours of blocks near the viewport are formatted, the rest when scrolled to, and the items are
computed once per opening. (How fast is measured by bench/review_bench.py.)"""

from __future__ import annotations

import json
import random

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator import review
from annotator.gui.review_window import ReviewTextView, ReviewWindow
from annotator.model import AnnotatedDocument, Claim, Document, Span
from annotator.project import open_project
from annotator.review import items as items_module
from annotator.review.state import RSpan, _digest
from annotator.store import Store

PARAGRAPHS = 2000
SENTENCE = "Officials in Seoul said on Thursday that the report was accurate."


def long_text() -> str:
    return "\n".join(f"{n} {SENTENCE}" for n in range(PARAGRAPHS))


def reviewer_spans(text: str) -> list[RSpan]:
    """Every paragraph: alice and bob mark "Seoul", carol marks "Thursday"."""
    spans, n = [], 0
    for name, word in (("alice", "Seoul"), ("bob", "Seoul"), ("carol", "Thursday")):
        at = text.find(word)
        while at != -1:
            n += 1
            spans.append(RSpan(name, n, at, at + len(word), "ENTITY"))
            at = text.find(word, at + 1)
    return sorted(spans, key=lambda s: (s.start, s.end, s.label, s.id))


def formatted_blocks(view) -> list[int]:
    doc = view.document()
    return [n for n in range(doc.blockCount()) if doc.findBlockByNumber(n).layout().formats()]


@pytest.fixture
def view(qtbot):
    view = ReviewTextView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    text = long_text()
    gold = [Span(s.start, s.end, s.label, id=s.id) for s in reviewer_spans(text) if s.annotator == "alice"]
    view.load_review(text, gold, ("alice", "bob", "carol"), reviewer_spans(text))
    QApplication.processEvents()
    return view


def test_only_blocks_near_the_viewport_are_formatted(view):
    shown = formatted_blocks(view)
    assert shown and len(shown) < 100  # every one of the 2,000 blocks has lanes and a gold span
    assert min(shown) == 0
    assert view.highlighter.blocks_formatted < 200


def test_a_block_scrolled_to_is_formatted_and_its_lanes_are_its_spans(view):
    text = view.text
    last = PARAGRAPHS - 1
    cp = text.index(f"{last} Officials") + len(f"{last} Officials in ")
    view.scroll_to_cp(cp)
    QApplication.processEvents()
    block = view.document().findBlock(view.map.to_qt(cp))
    assert block.blockNumber() == last
    assert block.layout().formats(), "the block scrolled to is not formatted"
    # The cursor (the current item) is on screen, once the lanes made the lines taller.
    rect = view.cursorRect(QTextCursor(block))
    assert 0 <= rect.top() and rect.bottom() <= view.viewport().height()
    # The bars of that block: one per reviewer span in it, in its reviewer's lane.
    a, b = block.position(), block.position() + block.length() - 1
    expected = sorted(
        (("alice", "bob", "carol").index(s.annotator), view.map.to_qt(s.start), view.map.to_qt_end(s.end))
        for s in reviewer_spans(text) if view.map.to_qt(s.start) < b and view.map.to_qt_end(s.end) > a
    )
    assert sorted((lane, qs, qe) for lane, qs, qe, _color in view.lanes.bars(last)) == expected
    assert len(expected) == 3
    # Far from both ends: never formatted.
    assert PARAGRAPHS // 2 not in formatted_blocks(view)


def test_the_lazy_lanes_are_the_lanes_of_every_block(view):
    """Bisecting per block finds what placing every span in its blocks finds."""
    from bisect import bisect_right

    starts = view._block_starts
    placed: dict[int, list] = {}
    for s in reviewer_spans(view.text):
        qs, qe = view.map.range_to_qt(s.start, s.end)
        first = bisect_right(starts, qs) - 1
        last = first if qe - 1 <= qs else bisect_right(starts, qe - 1) - 1
        for n in range(first, last + 1):
            placed.setdefault(n, []).append((("alice", "bob", "carol").index(s.annotator), qs, qe))
    found = {n: [(lane, qs, qe) for lane, qs, qe, _c in bars] for n, bars in view.lane_index.items()}
    assert found == placed


def test_span_basis_is_the_digest_of_its_rows():
    rng = random.Random(3)
    names = ["alice", "bob", "Zoë \"the lead\"", "李"]
    for _ in range(200):
        members = [RSpan(rng.choice(names), n, (s := rng.randrange(10**6)), s + rng.randrange(1, 500),
                         rng.choice(["SPEAKER", "CLAIM", "ÉTIQUETTE"])) for n in range(rng.randrange(1, 6))]
        quoted = {x: json.dumps(x) for x in names + ["SPEAKER", "CLAIM", "ÉTIQUETTE"]}
        rows = sorted((s.annotator, s.start, s.end, s.label) for s in members)
        assert items_module._span_basis(members, quoted) == _digest(rows)


def three_reviewer_project(path, n: int = 300) -> str:
    text = "\n".join(f"{k} {SENTENCE}" for k in range(n))
    doc = Document(id="d1", title="Long", text=text)
    layers = []
    for r, name in enumerate(("alice", "bob", "carol")):
        spans, claims = [], []
        for k, at in enumerate(i for i in range(len(text)) if text.startswith("Seoul", i)):
            label = "ENTITY" if (r == 0 or k % 5) else "SPEAKER"  # every fifth: a label disagreement
            spans.append(Span(at, at + 5, label, id=f"s{k}"))
            if k % 7 == 0:
                sentence = text.rindex("\n", 0, at) + 1 if "\n" in text[:at] else 0
                spans.append(Span(sentence, at + 5, "CLAIM", id=f"c{k}"))
                claims.append(Claim(span=f"c{k}", members=(f"s{k}",), id=f"k{k}"))
        layers.append(AnnotatedDocument(doc, name, spans, claims))
    with open_project(path) as store:
        store.import_items(layers)
    return "d1"


def test_items_are_computed_once_per_opening_and_are_what_a_fresh_reading_gives(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "p.annotator.db"
    doc_id = three_reviewer_project(path)
    made = []

    class Counted(review.ReviewItem):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self.key)

    monkeypatch.setattr(items_module, "ReviewItem", Counted)
    with Store(path) as store:
        win = ReviewWindow(store, doc_id, "lead")  # the first opening: agreed items accepted
        qtbot.addWidget(win)
        win.show()
        QApplication.processEvents()
        assert win.auto_accepted > 100
        assert len(made) == len(win.items), "items were computed more than once"
        fresh = review.review_items(store, doc_id)
        shown = [(it.key, it.state, it.changed, it.decided_by, it.decided_at, it.basis, it.kinds) for it in win.items]
        assert shown == [(it.key, it.state, it.changed, it.decided_by, it.decided_at, it.basis, it.kinds) for it in fresh]
        assert sum(it.is_open for it in win.items) > 0
        win.close()
        made.clear()
        again = ReviewWindow(store, doc_id, "lead")
        qtbot.addWidget(again)
        assert len(made) == len(again.items)
        again.close()


def test_a_project_from_before_the_span_end_index_opens_and_checks_span_ends_by_it(tmp_path):
    import sqlite3

    from annotator.errors import AnnotatorError
    from annotator.store import SCHEMA_VERSION

    path = tmp_path / "old.annotator.db"
    open_project(path, seed=True).close()
    conn = sqlite3.connect(path)  # as the previous version left it: triggers reading the row
    conn.execute("DROP INDEX documents_length")
    for name, op in (("spans_end_in_text_insert", "INSERT"), ("spans_end_in_text_update", 'UPDATE OF start, "end"')):
        conn.execute(f"DROP TRIGGER {name}")
        conn.execute(f"""CREATE TRIGGER {name} BEFORE {op} ON spans
            WHEN NEW."end" > (SELECT length FROM documents WHERE id = NEW.doc_id)
            BEGIN SELECT RAISE(ABORT, 'span end is beyond the end of the document text'); END""")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'reviewview_span_end_check_by_index'")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        triggers = dict(store.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
        for name in ("spans_end_in_text_insert", "spans_end_in_text_update"):
            assert "INDEXED BY documents_length" in triggers[name]
        plan = " ".join(str(r) for r in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT length FROM documents INDEXED BY documents_length WHERE id = 'x'"))
        assert "COVERING INDEX documents_length" in plan
        doc_id = store.document_ids()[0]
        length = len(store.document(doc_id).text)
        with pytest.raises((AnnotatorError, sqlite3.DatabaseError)):
            with store.atomic():
                store.db.execute(
                    'INSERT INTO spans (doc_id, annotator, start, "end", label, attrs, created_at, updated_at)'
                    " VALUES (?, 'alice', 0, ?, 'ENTITY', '{}', '', '')", (doc_id, length + 1))
        assert len(store.document_ids()) == 2
