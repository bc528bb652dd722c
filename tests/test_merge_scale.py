"""Merging reviewers' files is linear and exact: an unchanged re-merge changes nothing, a re-merge
after changes replaces exactly the changed layers (the old ones in the layer history), and the
work SQLite does grows with the documents, not with their square."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.jsonl import encode, to_object
from annotator.merge import merge_files
from annotator.project import open_project
from annotator.store.merge_io import layer_key

from .hostile import dump
from .scale_project import REVIEWERS, project_items


def reviewer_files(folder: Path, n_docs: int = 40, seed: int = 11) -> list[Path]:
    items = project_items(n_docs, seed)
    paths = []
    for name in REVIEWERS:
        path = folder / f"{name}.annotator.db"
        with open_project(path) as store:
            store.import_items([item for item in items if item.annotator == name])
        paths.append(path)
    return paths


def layers_of(store, annotator=None) -> dict:
    return {(item.document.id, item.annotator): item for item in store.annotated_documents(annotator=annotator)}


def test_re_merging_unchanged_files_changes_nothing_and_says_so(tmp_path):
    files = reviewer_files(tmp_path)
    lead = tmp_path / "lead.annotator.db"
    with open_project(lead) as store:
        first = merge_files(store, files)
        assert first.added and not first.replaced and not first.unchanged
        merged = layers_of(store)
        with open_project(files[1]) as reviewer:  # every layer arrived as it was
            for key, item in layers_of(reviewer).items():
                assert layer_key(merged[key]) == layer_key(item)
        top_span = store.db.execute("SELECT max(id) FROM spans").fetchone()[0]
    before = dump(lead)
    with open_project(lead) as store:
        again = merge_files(store, files)
        assert sorted(again.unchanged) == sorted(first.added)
        assert not again.added and not again.replaced and again.documents_added == 0
        assert "0 layer(s) added, 0 replaced" in again.summary()
    assert dump(lead) == before
    with open_project(lead) as store:  # ids chosen by the merge are never handed out again
        doc_id = store.document_ids()[0]
        new_id = store.add_span(doc_id, "someone", 0, 1, "ENTITY")
        assert new_id > top_span


def test_re_merging_after_changes_replaces_exactly_the_changed_layers(tmp_path):
    files = reviewer_files(tmp_path)
    lead = tmp_path / "lead.annotator.db"
    with open_project(lead) as store:
        merge_files(store, files)
        before = layers_of(store)
    changed = []
    with open_project(files[2]) as reviewer:  # cleo changes four of her layers
        for doc_id in reviewer.document_ids()[3:7]:
            if any(a == "cleo" for _d, a, _done in reviewer.layers(doc_id)):
                reviewer.add_span(doc_id, "cleo", 1, 4, "FIGURE")
                changed.append((doc_id, "cleo"))
        wanted = layers_of(reviewer, "cleo")
    assert changed
    with open_project(lead) as store:
        history_before = len(store.layer_history())
        result = merge_files(store, files)
        assert sorted(result.replaced) == sorted(changed)
        assert not result.added and len(result.unchanged) == len(before) - len(changed)
        after = layers_of(store)
        history = store.layer_history()[history_before:]
        assert sorted((h["doc_id"], h["annotator"]) for h in history) == sorted(changed)
        for entry in history:  # the replaced layer, kept exactly as an export would have written it
            assert entry["layer"] == to_object(before[entry["doc_id"], entry["annotator"]])
            # byte for byte, key order too (the history is built from rows, not from the model)
            raw = store.db.execute("SELECT layer FROM layer_history WHERE id = ?", (entry["id"],)).fetchone()[0]
            assert raw == encode(to_object(before[entry["doc_id"], entry["annotator"]])).decode("utf-8")
    for key in before:
        if key in changed:
            assert layer_key(after[key]) == layer_key(wanted[key])
        else:
            assert to_object(after[key]) == to_object(before[key])


class _Counter:
    """SQL statements and SQLite virtual-machine steps (in thousands) on the lead's connection."""

    def __init__(self, conn):
        self.conn, self.statements, self.steps = conn, 0, 0

    def __enter__(self):
        self.conn.set_trace_callback(self._statement)
        self.conn.set_progress_handler(self._step, 1000)
        return self

    def __exit__(self, *exc):
        self.conn.set_trace_callback(None)
        self.conn.set_progress_handler(None, 0)

    def _statement(self, _sql):
        self.statements += 1

    def _step(self):
        self.steps += 1
        return 0


def _merge_work(tmp_path: Path, n_docs: int) -> dict[str, tuple[int, int]]:
    folder = tmp_path / f"n{n_docs}"
    folder.mkdir()
    files = reviewer_files(folder, n_docs)
    work = {}
    with open_project(folder / "lead.annotator.db") as store:
        for step in ("fresh", "unchanged"):
            with _Counter(store.db.conn) as counted:
                merge_files(store, files)
            work[step] = (counted.statements, counted.steps)
    return work


def test_the_work_of_a_merge_grows_linearly_with_the_documents(tmp_path):
    small, large = _merge_work(tmp_path, 40), _merge_work(tmp_path, 160)
    for step in ("fresh", "unchanged"):
        statements = large[step][0] / small[step][0]
        steps = large[step][1] / max(small[step][1], 1)
        # four times the documents: about four times the work (quadratic would be sixteen)
        assert statements < 5.5, (step, small, large)
        assert steps < 6, (step, small, large)


def test_a_project_from_before_the_claims_span_index_opens_and_gets_it(tmp_path):
    import sqlite3

    from annotator.store import SCHEMA_VERSION, Store

    path = tmp_path / "old.annotator.db"
    open_project(path, seed=True).close()
    conn = sqlite3.connect(path)  # as the previous version left it: no index, schema 5
    conn.execute("DROP INDEX claims_span")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'review_claims_span_index'")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Store(path) as store:
        indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "claims_span" in indexes
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        plan = " ".join(str(r) for r in store.db.execute("EXPLAIN QUERY PLAN SELECT id FROM claims WHERE span_id = 1"))
        assert "claims_span" in plan
        assert len(store.document_ids()) == 2  # the seeds are still there


def test_history_of_a_replaced_layer_with_attrs_sources_and_claims_is_byte_exact(tmp_path):
    """The history is built from the rows: span attrs (with ``sources`` moved after them), a
    claim without members, done, meta, all as ``to_object`` writes them."""
    from annotator.model import AnnotatedDocument, Claim, Document, Span

    doc = Document(id="d1", title="T ü", text="Alpha said 3 million people, “beta” gamma.", meta={"k": [1, "ü"]})
    spans = [Span(0, 5, "SPEAKER", id="a", attrs={"sources": ["x", "y"], "z": 1, "note": "ü"}),
             Span(11, 27, "FIGURE", id="b"), Span(0, 27, "CLAIM", id="c", attrs={"q": None}),
             Span(29, 35, "ENTITY", id="d")]
    claims = [Claim(span="c", members=("b", "a"), note="n", id="k1", attrs={"w": 2}), Claim(span="d", id="k2")]
    first, second = tmp_path / "one.annotator.db", tmp_path / "two.annotator.db"
    with open_project(first) as store:
        store.import_items([AnnotatedDocument(doc, "ana", spans, claims, done=True)])
    with open_project(second) as store:
        store.import_items([AnnotatedDocument(doc, "ana", spans[:2])])
    lead = tmp_path / "lead.annotator.db"
    with open_project(lead) as store:
        merge_files(store, [first])
        [before] = list(store.annotated_documents(annotator="ana"))
        result = merge_files(store, [second])
        assert result.replaced == [("d1", "ana")]
        [raw] = [r[0] for r in store.db.execute("SELECT layer FROM layer_history")]
        assert raw == encode(to_object(before)).decode("utf-8")
        assert '"sources":["x","y"]' in raw and '"done":true' in raw and '"members":[]' in raw


def test_files_of_one_merge_share_their_equal_texts(tmp_path):
    """Ten reviewers' files hold the same articles: read for one merge, each text is kept once."""
    from annotator.reviewer_file import read_reviewer_layers

    files = reviewer_files(tmp_path, n_docs=6)
    shared: dict[str, str] = {}
    first, second = (read_reviewer_layers(path, shared).items for path in files[:2])
    by_text = {item.document.text: item.document.text for item in first}
    assert by_text and all(by_text[item.document.text] is item.document.text for item in second)
    alone = read_reviewer_layers(files[1]).items  # without the dict: its own copies, equal
    assert [i.document.text for i in alone] == [i.document.text for i in second]
    assert all(a.document.text is not b.document.text for a, b in zip(alone, second))
