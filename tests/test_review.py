"""Disagreement items, adjudication into gold, provenance, undo, reopening and gold export (no Qt)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator import review
from annotator.cli import cli
from annotator.formats import jsonl
from annotator.model import AnnotatedDocument, Document, Span
from annotator.project import open_project

TEXT = (
    "Minister Kim said 12 ships were seized in Busan.\n\n"
    "The UN panel reported that Pyongyang stole $3 billion from banks. "
    "Analysts at the IMF disagreed."
)


def at(sub: str, label: str, occurrence: int = 0) -> tuple[int, int, str]:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(sub, start + 1)
    return (start, start + len(sub), label)


# What each reviewer marked, chosen so that every kind of item appears once.
AGREE = at("Minister Kim", "SPEAKER")  # all three
LABEL = [at("Busan", "ENTITY"), at("Busan", "ENTITY"), at("Busan", "SPEAKER")]  # carol relabels
BOUNDARY = [at("$3 billion", "FIGURE"), at("3 billion", "FIGURE"), at("$3 billion", "FIGURE")]  # bob's is shorter
MISSING = at("IMF", "ENTITY")  # alice only
MIX = [at("The UN panel", "SPEAKER"), at("UN panel", "ENTITY"), None]  # label+boundary, carol missing
STATEMENT = at("Pyongyang stole $3 billion from banks", "CLAIM")
PYONGYANG = at("Pyongyang", "ENTITY")

LAYERS = {
    "alice": [AGREE, LABEL[0], BOUNDARY[0], MISSING, MIX[0], STATEMENT, PYONGYANG],
    "bob": [AGREE, LABEL[1], BOUNDARY[1], MIX[1], STATEMENT, PYONGYANG],
    "carol": [AGREE, LABEL[2], BOUNDARY[2], STATEMENT, PYONGYANG],
}
# Claims: alice and carol agree on statement and members; bob leaves out the figure.
CLAIMS = {
    "alice": (STATEMENT, [BOUNDARY[0], PYONGYANG]),
    "bob": (STATEMENT, [PYONGYANG]),
    "carol": (STATEMENT, [BOUNDARY[2], PYONGYANG]),
}


def build(store) -> str:
    doc = Document(id="doc1", title="Test", text=TEXT)
    items = []
    for who, spans in LAYERS.items():
        layer = [Span(s, e, lab, id=f"s{n}") for n, (s, e, lab) in enumerate(spans, start=1)]
        ids = {(s.start, s.end, s.label): s.id for s in layer}
        statement, members = CLAIMS[who]
        from annotator.model import Claim

        claims = [Claim(span=ids[statement], members=tuple(ids[m] for m in members), id="c1")]
        items.append(AnnotatedDocument(doc, who, layer, claims))
    store.import_items(items)
    return store.document_ids()[-1]


@pytest.fixture
def store(tmp_path):
    s = open_project(tmp_path / "p.annotator.db")
    yield s
    s.close()


@pytest.fixture
def doc(store):
    return build(store)


def item_at(items, tup, kind="span"):
    return next(it for it in items if it.kind == kind and it.start <= tup[0] and tup[1] <= it.end
                and any(s.tup == tup for s in it.spans) | (kind == "claim"))


def gold_rows(store, doc_id):
    return store.db.execute(
        'SELECT s.start, s."end", s.label, p.sources, p.decision, p.decided_by FROM spans s'
        " LEFT JOIN gold_provenance p ON p.span_id = s.id WHERE s.doc_id = ? AND s.annotator = 'gold'"
        ' ORDER BY s.start, s."end", s.label',
        (doc_id,),
    ).fetchall()


def test_every_kind_is_detected(store, doc):
    items = review.review_items(store, doc)
    spans = {it.key: it for it in items if it.kind == "span"}
    assert all(it.reviewers == ("alice", "bob", "carol") for it in items)
    kinds = {tuple(sorted(it.kinds)) for it in spans.values()}
    assert ("agree",) in kinds
    assert item_at(items, AGREE).kinds == {"agree"} and item_at(items, AGREE).state == review.AGREED
    assert item_at(items, LABEL[0]).kinds == {"label"} and item_at(items, LABEL[0]).state == review.DISAGREEMENT
    assert item_at(items, BOUNDARY[0]).kinds == {"boundary"}
    assert item_at(items, MISSING).kinds == {"missing"} and item_at(items, MISSING).state == review.INCOMPLETE
    assert item_at(items, MIX[0]).kinds == {"label", "boundary", "missing"}
    # The statement is nesting, not a disagreement with the spans inside it.
    statement = item_at(items, STATEMENT)
    assert statement.kinds == {"agree"} and statement.key.startswith("statements:")
    assert {s.label for s in statement.spans} == {"CLAIM"}
    claim = next(it for it in items if it.kind == "claim")
    assert claim.kinds == {"members"} and len(claim.claims) == 3
    assert item_at(items, BOUNDARY[0]).version("bob") == (BOUNDARY[1],)
    assert len(items) == 8


def test_same_reviewer_spans_joined_through_another_reviewer(store):
    doc_id = store.import_items([
        AnnotatedDocument(Document("d2", "t", TEXT), "alice", [Span(*at("Minister", "SPEAKER")), Span(*at("Kim", "SPEAKER"))]),
        AnnotatedDocument(Document("d2", "t", TEXT), "bob", [Span(*at("Minister Kim", "SPEAKER"))]),
    ]) and "d2"
    [item] = review.review_items(store, doc_id)
    assert item.version("alice") == (at("Minister", "SPEAKER"), at("Kim", "SPEAKER"))
    assert item.kinds == {"boundary"}


def test_item_keys_are_stable_and_basis_tracks_content(store, doc):
    first = {it.key: it.basis for it in review.review_items(store, doc)}
    second = {it.key: it.basis for it in review.review_items(store, doc)}
    assert first == second
    assert all(review.key_extent(k) for k in first)


def test_accept_reviewer_version_writes_gold_and_provenance(store, doc):
    item = item_at(review.review_items(store, doc), LABEL[0])
    inverse = review.AcceptVersion(doc, item.key, "lead", "carol").apply(store)
    rows = gold_rows(store, doc)
    assert rows == [(*LABEL[2], '["carol"]', "adjudicated", "lead")]
    decided = store.db.execute("SELECT state, basis, decided_by FROM review_items WHERE item_key = ?", (item.key,)).fetchall()
    assert decided == [("accepted", item.basis, "lead")]
    assert review.review_progress(store, doc) == (1, 8)
    # Deciding again replaces the item's gold span; undo puts carol's back, with the same id.
    span_id = store.db.execute("SELECT id FROM spans WHERE annotator = 'gold'").fetchone()[0]
    second = review.AcceptVersion(doc, item.key, "lead", "alice").apply(store)
    assert gold_rows(store, doc) == [(*LABEL[0], '["alice", "bob"]', "adjudicated", "lead")]
    second.apply(store)
    assert store.db.execute("SELECT id FROM spans WHERE annotator = 'gold'").fetchone()[0] == span_id
    redo = inverse.apply(store)  # undo the first decision too
    assert gold_rows(store, doc) == [] and review.review_progress(store, doc) == (0, 8)
    assert store.db.execute("SELECT count(*) FROM review_items").fetchone()[0] == 0
    redo.apply(store)
    assert store.db.execute("SELECT id FROM spans WHERE annotator = 'gold'").fetchone()[0] == span_id
    assert gold_rows(store, doc) == [(*LABEL[2], '["carol"]', "adjudicated", "lead")]


def test_accept_all_allows_overlaps_and_reject_writes_nothing(store, doc):
    items = review.review_items(store, doc)
    boundary, missing = item_at(items, BOUNDARY[0]), item_at(items, MISSING)
    review.AcceptVersion(doc, boundary.key, "lead", None).apply(store)
    assert gold_rows(store, doc) == [
        (*BOUNDARY[0], '["alice", "carol"]', "adjudicated", "lead"),
        (*BOUNDARY[1], '["bob"]', "adjudicated", "lead"),
    ]
    undo = review.Reject(doc, missing.key, "lead").apply(store)
    assert len(gold_rows(store, doc)) == 2
    state = {it.key: it.state for it in review.review_items(store, doc)}
    assert state[missing.key] == review.REJECTED and state[boundary.key] == review.ACCEPTED
    undo.apply(store)
    assert {it.key: it.state for it in review.review_items(store, doc)}[missing.key] == review.INCOMPLETE
    # Rejecting an accepted item takes its gold spans out again.
    review.Reject(doc, boundary.key, "lead").apply(store)
    assert gold_rows(store, doc) == []


def test_auto_accept_of_agreed_items(store, doc):
    assert review.needs_auto_accept(store, doc)
    inverse = review.AcceptAgreed(doc, "lead").apply(store)
    assert not review.needs_auto_accept(store, doc)
    rows = gold_rows(store, doc)
    everyone = '["alice", "bob", "carol"]'
    assert (*AGREE, everyone, "unanimous", "lead") in rows
    assert (*STATEMENT, everyone, "unanimous", "lead") in rows
    assert (*PYONGYANG, everyone, "unanimous", "lead") in rows
    assert len(rows) == 3  # the claim item disagrees on members: left to the lead
    decided, total = review.review_progress(store, doc)
    assert (decided, total) == (3, 8)
    # Opening again does not accept again (first opening only), and nothing is left to accept.
    assert review.AcceptAgreed(doc, "lead").count(store) == 0
    inverse.apply(store)
    assert gold_rows(store, doc) == [] and review.review_progress(store, doc) == (0, 8)


def test_claims_accept_one_and_build_from_gold(store, doc):
    items = review.review_items(store, doc)
    claim = next(it for it in items if it.kind == "claim")
    undo = review.AcceptVersion(doc, claim.key, "lead", "alice").apply(store)
    [(claim_id, statement)] = store.db.execute("SELECT id, span_id FROM claims WHERE annotator = 'gold'").fetchall()
    _d, _a, span = store.span(statement)
    assert (span.start, span.end, span.label) == STATEMENT
    members = sorted(store.span(m)[2].label for m in store.claim(claim_id)[2].members)
    assert members == ["ENTITY", "FIGURE"]
    prov = review.claim_provenance(store, claim_id)
    assert prov.sources == ("alice", "carol") and prov.decision == "adjudicated" and prov.decided_by == "lead"
    # The gold spans the claim needed were made, with where they came from.
    assert (*BOUNDARY[0], '["alice", "carol"]', "adjudicated", "lead") in gold_rows(store, doc)
    undo.apply(store)
    assert store.db.execute("SELECT count(*) FROM claims WHERE annotator = 'gold'").fetchone()[0] == 0
    assert gold_rows(store, doc) == []

    # Build it instead from the gold spans accepted so far: the statement and the entity (the
    # figure's item is still open), which is bob's version.
    review.AcceptAgreed(doc, "lead").apply(store)
    review.BuildClaim(doc, claim.key, "lead").apply(store)
    [(claim_id,)] = store.db.execute("SELECT id FROM claims WHERE annotator = 'gold'").fetchall()
    members = [store.span(m)[2] for m in store.claim(claim_id)[2].members]
    assert [(m.start, m.end, m.label) for m in members] == [PYONGYANG]
    prov = review.claim_provenance(store, claim_id)
    assert prov.decision == "edited" and prov.sources == ("bob",)
    assert review.review_progress(store, doc)[0] == 4


def test_edit_gold_by_hand(store, doc):
    item = item_at(review.review_items(store, doc), BOUNDARY[0])
    review.AcceptVersion(doc, item.key, "lead", "bob").apply(store)
    span_id = store.db.execute("SELECT id FROM spans WHERE annotator = 'gold'").fetchone()[0]
    start = TEXT.index("$3 billion")
    undo = review.EditGold(doc, start, start + len("$3 billion from banks"), "FIGURE", "lead", item.key, span_id).apply(store)
    assert gold_rows(store, doc) == [(start, start + len("$3 billion from banks"), "FIGURE", "[]", "edited", "lead")]
    undo.apply(store)
    assert gold_rows(store, doc) == [(*BOUNDARY[1], '["bob"]', "adjudicated", "lead")]


def test_a_changed_layer_reopens_items_and_keeps_gold(store, doc):
    review.AcceptAgreed(doc, "lead").apply(store)
    items = review.review_items(store, doc)
    label = item_at(items, LABEL[0])
    review.AcceptVersion(doc, label.key, "lead", "alice").apply(store)
    before = gold_rows(store, doc)
    assert review.review_progress(store, doc) == (4, 8)
    # bob's layer comes back from a merge: relabels Busan (same extent) and stretches "Minister Kim".
    bob = next(store.annotated_documents(annotator="bob", doc_ids=[doc]))
    changed = {LABEL[1]: (*LABEL[1][:2], "SPEAKER"), AGREE: (AGREE[0], AGREE[1] + len(" said"), "SPEAKER")}
    bob.spans = [Span(*changed.get((s.start, s.end, s.label), (s.start, s.end, s.label)), id=s.id) for s in bob.spans]
    result = store.merge_layers([bob], source="bob.db")
    assert result.replaced == [(doc, "bob")]
    items = review.review_items(store, doc)
    reopened = [it for it in items if it.changed]
    assert {(it.start, it.end) for it in reopened} == {(LABEL[0][0], LABEL[0][1]), (AGREE[0], AGREE[1] + len(" said"))}
    assert all(it.is_open for it in reopened)
    assert gold_rows(store, doc) == before  # never silently dropped
    assert review.review_progress(store, doc) == (2, 8)  # the statement and Pyongyang still are
    # Deciding again works on the new content and replaces the old gold span of the item.
    agree = next(it for it in reopened if it.start == AGREE[0])
    review.AcceptVersion(doc, agree.key, "lead", "bob").apply(store)
    assert (AGREE[0], AGREE[1] + len(" said"), "SPEAKER", '["bob"]', "adjudicated", "lead") in gold_rows(store, doc)
    assert (*AGREE, '["alice", "carol"]', "unanimous", "lead") not in gold_rows(store, doc)


def write_reviewer_lines(tmp_path):
    path = tmp_path / "reviewers.jsonl"
    lines = []
    for who, spans in LAYERS.items():
        entries = [{"id": f"s{n}", "start": s, "end": e, "label": lab, "text": TEXT[s:e]}
                   for n, (s, e, lab) in enumerate(spans, start=1)]
        ids = {(x["start"], x["end"], x["label"]): x["id"] for x in entries}
        statement, members = CLAIMS[who]
        lines.append(json.dumps({
            "id": "doc1", "title": "Test", "text": TEXT, "annotator": who, "spans": entries,
            "claims": [{"id": "c1", "span": ids[statement], "members": [ids[m] for m in members]}],
        }, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_three_annotators_then_adjudicate_and_round_trip_gold(tmp_path):
    runner = CliRunner()
    db = tmp_path / "project.annotator.db"
    result = runner.invoke(cli, ["import", str(write_reviewer_lines(tmp_path)), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with open_project(db) as store:
        [doc] = store.document_ids()
        items = review.review_items(store, doc)
        assert sorted(tuple(sorted(it.kinds)) for it in items) == sorted([
            ("agree",), ("label",), ("boundary",), ("missing",), ("boundary", "label", "missing"),
            ("agree",), ("agree",), ("members",),
        ])
        review.AcceptAgreed(doc, "lead").apply(store)
        for it in review.review_items(store, doc):
            if it.is_open and it.kind == "span":
                review.AcceptVersion(doc, it.key, "lead", None).apply(store)
        claim = next(it for it in review.review_items(store, doc) if it.kind == "claim")
        review.AcceptVersion(doc, claim.key, "lead", "carol").apply(store)
        assert review.review_progress(store, doc) == (8, 8)
        exported = list(review.gold_export_items(store))
        expected = {(s.start, s.end, s.label): s.attrs for s in exported[0].spans}
    out = tmp_path / "gold.jsonl"
    result = runner.invoke(cli, ["export", "--db", str(db), "--gold", "-o", str(out)])
    assert result.exit_code == 0, result.output
    docs = json.loads(runner.invoke(cli, ["docs", "--db", str(db), "--json"]).output)
    assert docs[0]["review"] == {"decided": 8, "total": 8, "done": True}

    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["annotator"] for r in records] == ["gold"]
    for span in records[0]["spans"]:
        assert span["text"] == records[0]["text"][span["start"]:span["end"]]
        attrs = json.loads(span["attrs_json"])
        assert isinstance(span["sources"], list) and attrs["decision"] in ("unanimous", "adjudicated", "edited")
        assert attrs["decided_by"] == "lead" and attrs["decided_at"]
    assert {tuple(s["sources"]) for s in records[0]["spans"]} >= {("alice", "bob", "carol"), ("alice",)}
    assert len(records[0]["claims"]) == 1
    claim_attrs = json.loads(records[0]["claims"][0]["attrs_json"])
    assert claim_attrs["decision"] == "adjudicated" and "carol" in claim_attrs["sources"]

    fresh = tmp_path / "fresh.annotator.db"
    result = runner.invoke(cli, ["import", str(out), "--db", str(fresh)])
    assert result.exit_code == 0, result.output
    with open_project(fresh) as store:
        [item] = list(review.gold_export_items(store))
        assert {(s.start, s.end, s.label): s.attrs for s in item.spans} == expected
        for span in item.spans:
            assert item.document.text[span.start:span.end] == TEXT[span.start:span.end]
        gold_id = store.db.execute("SELECT id FROM spans WHERE annotator = 'gold' LIMIT 1").fetchone()[0]
        assert review.span_provenance(store, gold_id).decided_by == "lead"
        claim_id = store.db.execute("SELECT id FROM claims WHERE annotator = 'gold'").fetchone()[0]
        assert review.claim_provenance(store, claim_id).sources == tuple(claim_attrs["sources"])
        again = tmp_path / "again.jsonl"
        jsonl.write([item], again)
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_review_module_imports_no_qt():
    code = "import sys, annotator.review; print(any(n.startswith('PySide6') for n in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def two_reviewers_with_a_claim(tmp_path, alice_member_label: str, bob_member_label: str):
    """alice and bob each have the same claim; its one member differs only by label."""
    from annotator.model import Claim

    store = open_project(tmp_path / "two.annotator.db")
    doc = Document(id="d", title="t", text=TEXT)
    statement, member = at("Pyongyang stole $3 billion from banks", "CLAIM"), at("Pyongyang", "ENTITY")
    items = []
    for who, label in (("alice", alice_member_label), ("bob", bob_member_label)):
        spans = [Span(*statement, id="a"), Span(member[0], member[1], label, id="b")]
        items.append(AnnotatedDocument(doc, who, spans, [Claim(span="a", members=("b",), id="c")]))
    store.import_items(items)
    [doc_id] = store.document_ids()
    return store, doc_id, member[:2]


def decide_member_then_claim(store, doc_id, place, member_reviewer, claim_reviewer):
    span_item = next(it for it in review.review_items(store, doc_id) if it.kind == "span" and (it.start, it.end) == place)
    review.AcceptVersion(doc_id, span_item.key, "lead", member_reviewer).apply(store)
    claim_item = next(it for it in review.review_items(store, doc_id) if it.kind == "claim")
    review.AcceptVersion(doc_id, claim_item.key, "lead", claim_reviewer).apply(store)
    [(claim_id,)] = store.db.execute("SELECT id FROM claims WHERE annotator = 'gold'").fetchall()
    return claim_id


def test_accepting_a_claim_keeps_the_label_chosen_on_a_member_item(tmp_path):
    store, doc_id, place = two_reviewers_with_a_claim(tmp_path, "ENTITY", "SPEAKER")
    review.AcceptAgreed(doc_id, "lead").apply(store)
    claim_id = decide_member_then_claim(store, doc_id, place, "alice", None)  # ENTITY, then "A"
    labels_there = [r[2] for r in gold_rows(store, doc_id) if r[:2] == place]
    assert labels_there == ["ENTITY"]  # bob's SPEAKER did not come back through his claim
    members = store.db.execute(
        "SELECT s.label FROM claim_members m JOIN spans s ON s.id = m.span_id WHERE m.claim_id = ?", (claim_id,)
    ).fetchall()
    assert members == [("ENTITY",)]  # and the versions that came out the same are one gold claim
    store.close()


def test_gold_claim_sources_are_the_reviewers_whose_claim_went_to_gold(tmp_path):
    store, doc_id, place = two_reviewers_with_a_claim(tmp_path, "SPEAKER", "ENTITY")
    claim_id = decide_member_then_claim(store, doc_id, place, "bob", "alice")  # bob's ENTITY, alice's claim
    # alice's claim lands in gold with bob's member label, so it is exactly bob's claim.
    assert review.claim_provenance(store, claim_id).sources == ("bob",)
    store.close()
