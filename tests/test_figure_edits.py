"""FIGURE spans carry attrs.figure from the moment they are made (issue 11): the edits, the store
and gold, without a window."""

from __future__ import annotations

import json

import pytest

from annotator import edits, review
from annotator.figures import edited
from annotator.project import open_project

PHRASE = "around $3 billion"


@pytest.fixture
def store(tmp_path):
    s = open_project(tmp_path / "p.annotator.db", seed=True)
    yield s
    s.close()


@pytest.fixture
def doc(store):
    return next(d for d in store.document_ids() if PHRASE in store.document(d).text)


def at(store, doc, phrase):
    start = store.document(doc).text.index(phrase)
    return start, start + len(phrase)


def attrs_json(store, span_id):
    return store.db.execute("SELECT attrs FROM spans WHERE id = ?", (span_id,)).fetchone()[0]


def figure(store, span_id):
    return json.loads(attrs_json(store, span_id)).get("figure")


def test_a_figure_span_is_made_with_its_reading_and_undo_redo_restore_it(store, doc):
    log = edits.EditLog(store)
    start, end = at(store, doc, PHRASE)
    span_id = log.do(edits.AddSpan(doc, "alice", start, end, "FIGURE")).span_id
    assert figure(store, span_id) == {"value": 3000000000, "unit": "USD", "counted": None,
                                      "qualifier": "approximately", "period": None, "upper": None,
                                      "interval": [2850000000, 3150000000], "source": "auto"}
    made = attrs_json(store, span_id)
    log.undo()
    assert store.db.execute("SELECT count(*) FROM spans WHERE id = ?", (span_id,)).fetchone()[0] == 0
    log.redo()
    assert attrs_json(store, span_id) == made


def test_other_labels_get_no_reading(store, doc):
    start, end = at(store, doc, PHRASE)
    span_id = edits.AddSpan(doc, "alice", start, end, "ENTITY").apply(store).span_id
    assert attrs_json(store, span_id) == "{}"


def test_store_add_span_reads_figures_too(store, doc):
    start, end = at(store, doc, PHRASE)
    span_id = store.add_span(doc, "alice", start, end, "FIGURE")
    assert figure(store, span_id)["value"] == 3000000000


def test_relabelling_adds_and_drops_an_automatic_reading_and_undo_restores_exactly(store, doc):
    log = edits.EditLog(store)
    start, end = at(store, doc, PHRASE)
    span_id = log.do(edits.AddSpan(doc, "alice", start, end, "ENTITY")).span_id
    log.do(edits.Relabel(doc, span_id, "FIGURE"))
    assert figure(store, span_id)["unit"] == "USD"
    as_figure = attrs_json(store, span_id)
    log.do(edits.Relabel(doc, span_id, "SPEAKER"))
    assert attrs_json(store, span_id) == "{}"
    log.undo()
    assert attrs_json(store, span_id) == as_figure
    log.undo()
    assert attrs_json(store, span_id) == "{}"
    log.redo()
    log.redo()
    assert attrs_json(store, span_id) == "{}"


def test_a_correction_is_an_undoable_edit_marked_edited(store, doc):
    log = edits.EditLog(store)
    start, end = at(store, doc, PHRASE)
    span_id = log.do(edits.AddSpan(doc, "alice", start, end, "FIGURE")).span_id
    auto = attrs_json(store, span_id)
    log.do(edits.SetFigure(doc, span_id, edited(figure(store, span_id), value=3100000000, qualifier=None)))
    corrected = figure(store, span_id)
    assert corrected["source"] == "edited" and corrected["value"] == 3100000000 and corrected["qualifier"] is None
    assert corrected["interval"] != [2850000000, 3150000000]  # worked out again from the corrected fields
    log.undo()
    assert attrs_json(store, span_id) == auto
    log.redo()
    assert figure(store, span_id) == corrected


def test_boundary_changes_read_an_automatic_reading_again_but_never_an_edited_one(store, doc):
    log = edits.EditLog(store)
    start, end = at(store, doc, PHRASE)
    span_id = log.do(edits.AddSpan(doc, "alice", start, end, "FIGURE")).span_id
    before = attrs_json(store, span_id)
    log.do(edits.Rebound(doc, span_id, start + len("around "), end))  # "$3 billion"
    assert figure(store, span_id)["qualifier"] is None and figure(store, span_id)["source"] == "auto"
    assert store.span(span_id)[2].start == start + len("around ")
    log.undo()
    assert attrs_json(store, span_id) == before and store.span(span_id)[2].start == start
    log.do(edits.SetFigure(doc, span_id, edited(figure(store, span_id), unit="EUR")))
    corrected = figure(store, span_id)
    log.do(edits.Rebound(doc, span_id, start + len("around "), end))
    assert figure(store, span_id) == corrected
    log.do(edits.Relabel(doc, span_id, "ENTITY"))  # an edited reading is the reviewer's: kept
    log.do(edits.Relabel(doc, span_id, "FIGURE"))
    assert figure(store, span_id) == corrected


def test_a_rebound_outside_the_text_is_refused_and_changes_nothing(store, doc):
    start, end = at(store, doc, PHRASE)
    span_id = edits.AddSpan(doc, "alice", start, end, "FIGURE").apply(store).span_id
    before = attrs_json(store, span_id)
    from annotator.errors import EditError

    with pytest.raises(EditError):
        edits.Rebound(doc, span_id, end, start).apply(store)
    assert attrs_json(store, span_id) == before and store.span(span_id)[2].end == end


def gold_figure(store, doc):
    rows = store.db.execute("SELECT id FROM spans WHERE doc_id = ? AND annotator = 'gold' AND label = 'FIGURE'",
                            (doc,)).fetchall()
    return [figure(store, r[0]) for r in rows]


def test_a_reviewers_edited_reading_travels_into_gold_and_undo_takes_it_back(store, doc):
    start, end = at(store, doc, PHRASE)
    alice = edits.AddSpan(doc, "alice", start, end, "FIGURE").apply(store).span_id
    edits.AddSpan(doc, "bob", start, end, "FIGURE").apply(store)
    edits.SetFigure(doc, alice, edited(figure(store, alice), value=2900000000)).apply(store)
    item = next(it for it in review.review_items(store, doc) if any(s.label == "FIGURE" for s in it.spans))
    undo = review.AcceptVersion(doc, item.key, "lead", "alice").apply(store)
    [gold] = gold_figure(store, doc)
    assert gold == figure(store, alice) and gold["source"] == "edited"
    redo = undo.apply(store)
    assert gold_figure(store, doc) == []
    redo.apply(store)
    assert gold_figure(store, doc) == [figure(store, alice)]


def test_gold_gets_the_automatic_reading_and_a_hand_edit_reads_it_again(store, doc):
    start, end = at(store, doc, PHRASE)
    edits.AddSpan(doc, "alice", start, end, "FIGURE").apply(store)
    edits.AddSpan(doc, "bob", start, end, "FIGURE").apply(store)
    review.AcceptAgreed(doc, "lead").apply(store)
    [gold] = gold_figure(store, doc)
    assert gold["value"] == 3000000000 and gold["qualifier"] == "approximately"
    span_id = store.db.execute("SELECT id FROM spans WHERE annotator = 'gold' AND label = 'FIGURE'").fetchone()[0]
    before = attrs_json(store, span_id)
    undo = review.EditGold(doc, start + len("around "), end, "FIGURE", "lead", None, span_id).apply(store)
    assert figure(store, span_id)["qualifier"] is None
    redo = undo.apply(store)
    assert attrs_json(store, span_id) == before
    redo.apply(store)
    assert figure(store, span_id)["qualifier"] is None
    review.EditGold(doc, start + len("around "), end, "ENTITY", "lead", None, span_id).apply(store)
    assert "figure" not in json.loads(attrs_json(store, span_id))


def test_agreed_figures_accepted_in_bulk_read_each_span_as_alone(store):
    """AcceptAgreed writes every gold span in one statement, reading the reviewers' FIGURE spans
    and the text once: the same text twice gets the same reading, an edited reading travels
    only to its own span, and the order of sources still picks between two edited ones."""
    from annotator.figures import figure_attrs
    from annotator.model import AnnotatedDocument, Document, Span

    text = "Aid of $5 million came. Then $5 million more, and about 40% of it, and 12 trucks."
    phrases = [(7, 17), (29, 39), (text.index("about 40%"), text.index("about 40%") + 9),
               (text.index("12 trucks"), text.index("12 trucks") + 9)]
    assert text[phrases[0][0]:phrases[0][1]] == text[phrases[1][0]:phrases[1][1]] == "$5 million"
    spans = [Span(s, e, "FIGURE") for s, e in phrases]
    store.import_items([AnnotatedDocument(Document(id="bulk", title="t", text=text), who, spans)
                        for who in ("alice", "bob", "carol")])
    ids = {who: {(s, e): i for i, s, e in store.db.execute(
        'SELECT id, start, "end" FROM spans WHERE doc_id = ? AND annotator = ?', ("bulk", who))}
        for who in ("alice", "bob", "carol")}
    first = ids["alice"][phrases[1]]
    edits.SetFigure("bulk", first, edited(figure(store, first), value=5500000)).apply(store)
    for who, value in (("bob", 41), ("carol", 39)):  # two edited readings of the percentage
        span_id = ids[who][phrases[2]]
        edits.SetFigure("bulk", span_id, edited(figure(store, span_id), value=value)).apply(store)
    undo = review.AcceptAgreed("bulk", "lead").apply(store)
    gold = {(s, e): json.loads(a)["figure"] for s, e, a in store.db.execute(
        'SELECT start, "end", attrs FROM spans WHERE doc_id = ? AND annotator = ?', ("bulk", "gold"))}
    assert set(gold) == set(phrases)
    assert gold[phrases[0]] == figure_attrs("FIGURE", "$5 million", {})["figure"]
    assert gold[phrases[1]] == figure(store, first) and gold[phrases[1]]["value"] == 5500000
    assert gold[phrases[2]]["value"] == 41  # bob before carol: the sources in their order
    assert gold[phrases[3]] == figure_attrs("FIGURE", "12 trucks", {})["figure"]
    undo.apply(store)
    assert store.db.execute("SELECT count(*) FROM spans WHERE annotator = 'gold'").fetchone()[0] == 0
