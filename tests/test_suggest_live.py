"""The window's side of suggestions without Qt: accepting and rejecting as undoable edits
(``annotator.suggest.edits``), and the suggester that learns from the open layer
(``annotator.suggest.live``) giving what ``Suggester`` gives."""

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.edits import AddSpan, EditLog
from annotator.model import CLAIM
from annotator.project import open_project
from annotator.suggest import StringMatcher, Suggester, accept_all
from annotator.suggest.edits import AcceptSuggestions, NoChange, RejectSuggestion
from annotator.suggest.live import LayeredMatcher, build, layer_now

from .conftest import SEEDS

SEED_000 = "000_15135173df733d2c"
SEED_001 = "001_86bcf4922bea323b"


@pytest.fixture
def store(tmp_path):
    s = open_project(tmp_path / "p.annotator.db", seed=True)
    yield s
    s.close()


def layer(store, annotator="alice"):
    return sorted((r[0], r[1], r[2], r[3], json.loads(r[4])) for r in store.db.execute(
        'SELECT id, start, "end", label, attrs FROM spans WHERE annotator = ?', (annotator,)))


def test_accept_is_one_undoable_step_with_accept_alls_attrs(store, tmp_path):
    offers = Suggester(store, "alice").suggest(SEED_000)
    figures = tuple(s for s in offers if s.label == "FIGURE")
    log = EditLog(store)
    inverse = log.do(AcceptSuggestions(SEED_000, "alice", figures))
    made = layer(store)
    assert len(made) == len(figures) == 8 and set(inverse.span_ids) == {r[0] for r in made}
    # The same attrs as the CLI's bulk accept gives.
    other = open_project(tmp_path / "other.annotator.db", seed=True)
    try:
        accept_all(other, "alice", figures)
        assert [r[1:] for r in layer(other)] == [r[1:] for r in made]
    finally:
        other.close()
    log.undo()
    assert layer(store) == []
    log.redo()
    assert layer(store) == made  # the same rows, the same ids


def test_accept_joins_the_claim_and_skips_what_is_there(store):
    text = store.document(SEED_000).text
    start = text.index("state-sponsored")
    log = EditLog(store)
    claim_id = log.do(AddSpan(SEED_000, "alice", start, start + 90, CLAIM, new_claim=True)).created_claim
    figure = next(s for s in Suggester(store, "alice").suggest(SEED_000) if s.text == "40%")
    log.do(AcceptSuggestions(SEED_000, "alice", (figure, figure), join_claim=claim_id))
    [claim] = store.claims(SEED_000, "alice")
    assert len(claim.members) == 1 and len(layer(store)) == 2
    log.undo()
    [claim] = store.claims(SEED_000, "alice")
    assert claim.members == ()
    log.redo()
    [claim] = store.claims(SEED_000, "alice")
    assert len(claim.members) == 1


def test_reject_undo_and_a_second_rejection(store):
    log = EditLog(store)
    log.do(RejectSuggestion(SEED_000, "alice", 10, 20, "SPEAKER"))
    assert store.rejections(SEED_000, "alice") == {(10, 20, "SPEAKER")}
    assert isinstance(log.do(RejectSuggestion(SEED_000, "alice", 10, 20, "SPEAKER")), NoChange)
    log.undo()  # the second changed nothing: undoing it keeps the first
    assert store.rejections(SEED_000, "alice") == {(10, 20, "SPEAKER")}
    log.undo()
    assert store.rejections(SEED_000, "alice") == set()
    log.redo()
    assert store.rejections(SEED_000, "alice") == {(10, 20, "SPEAKER")}


def test_layer_strings_read_with_the_text_given(store):
    text = store.document(SEED_000).text
    store.add_span(SEED_000, "alice", 429, 440, "SPEAKER")
    store.add_span(SEED_000, "bob", 66, 77, "ENTITY")
    mine = list(store.tagged_strings_by_doc(doc_id=SEED_000, annotator="alice", text=text))
    assert mine == [(SEED_000, "alice", "SPEAKER", "South Korea")]
    assert sorted(store.tagged_strings()) == [("alice", "SPEAKER", "South Korea"), ("bob", "ENTITY", "South Korea")]


def test_live_suggester_follows_the_layer_as_suggester_does(store):
    """Tag, relabel, accept and reject in an order drawn at random; after each step the live
    suggester (built once, learning from the open layer) equals a Suggester built afresh."""
    texts = {d: store.document(d).text for d in (SEED_000, SEED_001)}
    rng = random.Random(11)
    words = {d: [(m.start(), m.end()) for m in __import__("re").finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", t)]
             for d, t in texts.items()}
    for doc in (SEED_001,):  # another document's tags, by two reviewers, before the build
        for s, e in rng.sample(words[doc], 8):
            store.add_span(doc, rng.choice(["alice", "bob"]), s, e, rng.choice(["ENTITY", "SPEAKER"]))
    live = build(store, "alice")
    log = EditLog(store)
    for step in range(25):
        doc = SEED_000
        text = texts[doc]
        existing, learnt, rejected = layer_now(store, doc, "alice", text)
        got = live.suggest(doc, text, existing, learnt, rejected)
        assert got == Suggester(store, "alice").suggest(doc), step
        action = rng.choice(["tag", "tag", "accept", "reject", "undo"])
        if action == "tag":
            s, e = rng.choice(words[doc])
            if store.find_span(doc, "alice", s, e, "ENTITY") is None:
                log.do(AddSpan(doc, "alice", s, e, rng.choice(["ENTITY", "SPEAKER"])))
        elif action == "accept" and got:
            log.do(AcceptSuggestions(doc, "alice", (rng.choice(got),)))
        elif action == "reject" and got:
            x = rng.choice(got)
            log.do(RejectSuggestion(doc, "alice", x.start, x.end, x.label))
        elif action == "undo" and log.undo_stack:
            log.undo()


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_layered_matcher_equals_a_matcher_built_afresh(data):
    text = (SEEDS / f"{SEED_001}.txt").read_text(encoding="utf-8")
    pool = ["North Korea", "Korea", "North", "the ambassador", "ambassador", "U.N.", "Kim", "cyber", "the",
            "Lazarus Group", "Lazarus", "United States", "hackers", "$1.3 Billion"]
    labels = ["ENTITY", "SPEAKER"]
    base = {t: data.draw(st.sampled_from(labels)) for t in data.draw(st.lists(st.sampled_from(pool), unique=True))}
    changed = set(data.draw(st.lists(st.sampled_from(pool), unique=True)))
    now = dict(base)
    for t in changed:
        choice = data.draw(st.sampled_from(labels + [None]))
        if choice is None:
            now.pop(t, None)
        else:
            now[t] = choice
    layered = LayeredMatcher(StringMatcher(base), now, changed)
    assert layered.find(text) == StringMatcher(now).find(text)
