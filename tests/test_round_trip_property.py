"""Import -> export of the native format gives back the very same bytes, whatever the text."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.figures import figure_attrs
from annotator.formats import jsonl
from annotator.project import import_files, open_project

from .strategies import tricky_text

LABELS = ["SPEAKER", "FIGURE", "ENTITY", "CLAIM"]


def _packed(attrs):
    """attrs_json as the export writes it; a FIGURE span's reading, which an import gives it."""
    return json.dumps(attrs, ensure_ascii=False, separators=(",", ":")) if attrs else "{}"


@st.composite
def annotated_lines(draw):
    text = draw(tricky_text)
    n = len(text)
    raw = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, n), st.sampled_from(LABELS)), max_size=8))
    spans = sorted({(min(a, b - 1), max(a + 1, b), lab) for a, b, lab in raw if min(a, b - 1) < max(a + 1, b) <= n})
    return {
        "id": "doc", "title": "t", "text": text, "meta_json": '{"source":"😀 test"}', "annotator": "ann",
        "spans": [{"id": f"s{k}", "start": a, "end": b, "label": lab, "text": text[a:b],
                   "attrs_json": _packed(figure_attrs(lab, text[a:b], {}))}
                  for k, (a, b, lab) in enumerate(spans, start=1)],
        "claims": [],
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=annotated_lines())
def test_native_jsonl_round_trips_byte_identical(tmp_path_factory, record):
    folder = tmp_path_factory.mktemp("rt")
    source = folder / "in.jsonl"
    source.write_bytes(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
    store = open_project(folder / "p.annotator.db")
    import_files(store, [source], format="jsonl", annotator="x")
    out = folder / "out.jsonl"
    jsonl.write(store.annotated_documents(), out)
    store.close()
    assert out.read_bytes() == source.read_bytes()
    for span in json.loads(out.read_text(encoding="utf-8"))["spans"]:
        assert span["text"] == record["text"][span["start"]:span["end"]]
