"""bench/scale.py's generator at a tiny size: the projects it caches are what the figures assume
(no timing here; the figures themselves are bench/scale.py's)."""

import json
import sys
from pathlib import Path

import pytest

from annotator.store import Store

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import scale_data  # noqa: E402


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_BENCH_CACHE", str(tmp_path / "cache"))
    return tmp_path


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_generated_project_holds_the_documents_and_spans_inside_their_texts(cache, monkeypatch):
    monkeypatch.setattr(scale_data, "CHUNK", 7)  # 20 documents in three imports, as 100k in ten
    source = scale_data.docs_jsonl(20)
    lines = _lines(source)
    assert len(lines) == 20 and len({obj["text"] for obj in lines}) == 20
    for obj in lines:
        assert 3000 <= len(obj["text"].encode("utf-8")) <= 8500
        assert 8 <= len(obj["spans"]) <= 12
    project = scale_data.project(20)
    assert project == scale_data.project(20)  # cached: the same file, not made again
    assert not list(project.parent.glob(".*tmp*")) and not list(project.parent.glob(".parts-*"))
    with Store(project) as store:
        assert store.document_count() == 20
        by_id = {obj["id"]: obj for obj in lines}
        assert sorted(store.document_ids()) == sorted(by_id)
        for doc_id, obj in by_id.items():
            text = store.document(doc_id).text
            assert text == obj["text"]
            rows = store.span_rows(doc_id, scale_data.REVIEWER)
            assert len(rows) == len(obj["spans"])
            for row in rows:
                assert 0 <= row.start < row.end <= len(text)
            assert sorted((r.start, r.end, r.label) for r in rows) == sorted(
                (s["start"], s["end"], s["label"]) for s in obj["spans"])


def test_reviewer_layers_differ_but_stay_inside_the_text(cache):
    import random

    text, spans, claims = scale_data.article(3)
    layer = scale_data.vary(text, spans, random.Random(1), 0.5)
    assert len(layer) == len(spans)
    assert any((a.start, a.end, a.label) != (b.start, b.end, b.label) for a, b in zip(layer, spans))
    for s in layer:
        assert 0 <= s.start < s.end <= len(text)
    obj = scale_data.record("d1", text, layer, claims, "rev01")
    assert all(sp["text"] == text[sp["start"]:sp["end"]] for sp in obj["spans"])
    ids = {sp["id"] for sp in obj["spans"]}
    assert all(c["span"] in ids and set(c["members"]) <= ids for c in obj["claims"])


def test_parts_hold_the_documents_in_order(cache, monkeypatch):
    monkeypatch.setattr(scale_data, "CHUNK", 7)
    parts = scale_data.docs_parts(20)
    assert len(parts) == 3
    joined = "".join(p.read_text(encoding="utf-8") for p in parts)
    assert joined == scale_data.docs_jsonl(20).read_text(encoding="utf-8")
