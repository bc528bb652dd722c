"""Undo and redo of every annotation change, without a window."""

from annotator import edits
from annotator.edits import EditLog


def state(store, doc_id):
    spans = [(s.id, s.start, s.end, s.label) for s in store.spans(doc_id, "alice")]
    claims = [(c.id, c.span_id, c.members, c.note) for c in store.claims(doc_id, "alice")]
    return spans, claims


def test_every_edit_undoes_and_redoes_exactly(seeded_store):
    store = seeded_store
    doc_id = store.document_ids()[0]
    log = EditLog(store)
    snapshots = [state(store, doc_id)]
    claim = log.do(edits.AddSpan(doc_id, "alice", 559, 736, "CLAIM", new_claim=True))
    snapshots.append(state(store, doc_id))
    speaker = log.do(edits.AddSpan(doc_id, "alice", 246, 261, "SPEAKER", join_claim=claim.created_claim))
    snapshots.append(state(store, doc_id))
    log.do(edits.Relabel(doc_id, speaker.span_id, "ENTITY"))
    snapshots.append(state(store, doc_id))
    log.do(edits.SetNote(doc_id, claim.created_claim, "needs a source"))
    snapshots.append(state(store, doc_id))
    log.do(edits.Detach(doc_id, claim.created_claim, speaker.span_id))
    snapshots.append(state(store, doc_id))
    log.do(edits.Attach(doc_id, claim.created_claim, speaker.span_id))
    snapshots.append(state(store, doc_id))
    log.do(edits.RemoveSpan(doc_id, claim.span_id))  # deleting the statement removes the claim
    snapshots.append(state(store, doc_id))
    assert snapshots[-1][1] == []

    for expected in reversed(snapshots[:-1]):
        log.undo()
        assert state(store, doc_id) == expected
    for expected in snapshots[1:]:
        log.redo()
        assert state(store, doc_id) == expected


def test_relabel_to_claim_creates_a_claim_and_undo_removes_it(seeded_store):
    store = seeded_store
    doc_id = store.document_ids()[0]
    log = EditLog(store)
    span = log.do(edits.AddSpan(doc_id, "alice", 0, 10, "ENTITY"))
    log.do(edits.Relabel(doc_id, span.span_id, "CLAIM"))
    [claim] = store.claims(doc_id, "alice")
    assert claim.span_id == span.span_id
    log.undo()
    assert store.claims(doc_id, "alice") == []
    log.redo()
    assert [c.id for c in store.claims(doc_id, "alice")] == [claim.id]  # same id on redo


def test_relabelling_keeps_claims_consistent_and_undoes_exactly(seeded_store):
    store = seeded_store
    doc_id = store.document_ids()[0]
    log = EditLog(store)
    claim = log.do(edits.AddSpan(doc_id, "alice", 559, 736, "CLAIM", new_claim=True))
    figure = log.do(edits.AddSpan(doc_id, "alice", 600, 610, "FIGURE", join_claim=claim.created_claim))
    log.do(edits.SetNote(doc_id, claim.created_claim, "a note"))
    before = state(store, doc_id)
    # The statement relabelled away from CLAIM: its claim is dissolved, not left pointing at a SPEAKER.
    log.do(edits.Relabel(doc_id, claim.span_id, "SPEAKER"))
    assert store.claims(doc_id, "alice") == []
    log.undo()
    assert state(store, doc_id) == before
    # A member relabelled to CLAIM leads a claim of its own and leaves the other one.
    log.do(edits.Relabel(doc_id, figure.span_id, "CLAIM"))
    claims = {c.span_id: c for c in store.claims(doc_id, "alice")}
    assert claims[claim.span_id].members == () and claims[figure.span_id].members == ()
    after = state(store, doc_id)
    log.undo()
    assert state(store, doc_id) == before
    log.redo()
    assert state(store, doc_id) == after  # the same claim ids come back


def test_undo_puts_back_claim_and_span_attributes(project_path):
    from annotator.model import AnnotatedDocument, Claim, Document, Span
    from annotator.project import open_project

    store = open_project(project_path)
    text = "Hwang said 40% of funds came from hacking."
    store.import_items([AnnotatedDocument(
        Document(id="d", title="t", text=text), "alice",
        spans=[Span(0, 42, "CLAIM", id="c", attrs={"checked": True}), Span(0, 5, "SPEAKER", id="s")],
        claims=[Claim(span="c", members=("s",), note="n", attrs={"k": "v"})],
    )])
    log = EditLog(store)
    # Every column but updated_at, which records that an undo happened.
    spans_sql = 'SELECT id, doc_id, annotator, start, "end", label, attrs, created_at FROM spans'
    rows_before = store.db.execute("SELECT * FROM claims").fetchall(), store.db.execute(spans_sql).fetchall()
    statement = next(s for s in store.spans("d", "alice") if s.label == "CLAIM")
    for edit in (edits.Relabel("d", statement.id, "SPEAKER"), edits.RemoveSpan("d", statement.id)):
        log.do(edit)
        log.undo()
        after = store.db.execute("SELECT * FROM claims").fetchall(), store.db.execute(spans_sql).fetchall()
        assert after == rows_before
