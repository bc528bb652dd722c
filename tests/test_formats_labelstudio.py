"""Label Studio JSON: full export and JSON_MIN, reviewers, claims as relations, offsets."""

import json
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.formats import labelstudio
from annotator.model import AnnotatedDocument, Claim, Document, Span

TEXT = "Hwang Joon-kook said 3.5 million 👩‍👩‍👧 fled Seoul 🇰🇷.\r\n习近平说 café."


def read(path):
    return labelstudio.read(path, default_annotator="me")


def triples(item):
    return sorted((s.start, s.end, s.label) for s in item.spans)


def layer(annotator, claims=True):
    spans = [Span(0, 15, "SPEAKER", "s1"), Span(21, 32, "FIGURE", "s2"), Span(44, 49, "ENTITY", "s3"),
             Span(21, 53, "CLAIM", "s4")]
    doc = Document(id="nk-1", title="Hwang", text=TEXT)
    claim_list = [Claim(span="s4", members=("s1", "s2", "s3"), id="c1")] if claims else []
    return AnnotatedDocument(doc, annotator, spans, claim_list)


def region(rid, start, end, label, text):
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


def test_round_trip_two_reviewers_with_claims(tmp_path):
    items = [layer("alice"), layer("bob@example.org", claims=False)]
    report = labelstudio.write(items, tmp_path / "ls.json")
    assert (report.documents, report.spans, report.claims) == (1, 8, 1)
    tasks = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert len(tasks) == 1 and len(tasks[0]["annotations"]) == 2
    relations = [r for r in tasks[0]["annotations"][0]["result"] if r["type"] == "relation"]
    assert len(relations) == 3 and all(r["direction"] == "right" for r in relations)
    back = read(tmp_path / "ls.json")
    assert [i.annotator for i in back] == ["alice", "bob@example.org"]
    assert all(i.document.text == TEXT and i.document.id == "nk-1" for i in back)
    assert triples(back[0]) == triples(items[0])
    by_id = {s.id: s for s in back[0].spans}
    [claim] = back[0].claims
    assert by_id[claim.span].label == "CLAIM"
    assert sorted(by_id[m].label for m in claim.members) == ["ENTITY", "FIGURE", "SPEAKER"]
    assert back[1].claims == []


def test_full_export_shapes_completed_by_and_multi_labels(tmp_path):
    tasks = [
        {"id": 7, "data": {"text": "Anna met Bob"}, "annotations": [
            {"id": 1, "completed_by": 3, "result": [region("a", 0, 4, "PER", "Anna")]},
            {"id": 2, "completed_by": {"id": 4, "email": "eve@x.org"}, "result": [
                {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": 9, "end": 12, "text": "Bob", "labels": ["PER", "ENTITY"]}},
                {"id": "c", "from_name": "sentiment", "to_name": "text", "type": "choices",
                 "value": {"choices": ["pos"]}}]},
        ]},
        {"id": 8, "data": {"text": "No annotations yet"}, "annotations": []},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    with pytest.warns(UserWarning, match="region 'c' is a choices result, not a span; not imported"):
        items = read(path)
    assert [(i.document.id, i.annotator) for i in items] == [("7", "user3"), ("7", "eve@x.org"), ("8", "me")]
    assert triples(items[1]) == [(9, 12, "ENTITY"), (9, 12, "PER")]


def test_json_min(tmp_path):
    rows = [{"id": 1, "text": "Anna met Bob", "label": [{"start": 0, "end": 4, "text": "Anna", "labels": ["PER"]}],
             "annotator": "ann@x.org", "annotation_id": 5, "lead_time": 3.2}]
    path = tmp_path / "min.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    [item] = read(path)
    assert (item.annotator, triples(item), item.document.id) == ("ann@x.org", [(0, 4, "PER")], "1")


def test_utf16_offsets_from_old_label_studio_are_converted(tmp_path):
    text = "💩This is an annotation."  # Label Studio #1347: exported 13..23 for "annotation"
    tasks = [{"data": {"text": text}, "annotations": [{"result": [region("r", 13, 23, "X", "annotation")]}]}]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    with pytest.warns(UserWarning, match="UTF-16"):
        [item] = read(path)
    assert triples(item) == [(12, 22, "X")] and item.spans[0].text_in(text) == "annotation"


def test_collapsed_whitespace_in_region_text_is_accepted(tmp_path):
    tasks = [{"data": {"text": "Text: Berlin,  Germany."},
              "annotations": [{"result": [region("r", 6, 22, "LOC", "Berlin, Germany")]}]}]
    path = tmp_path / "ws.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    [item] = read(path)
    assert item.spans[0].text_in(item.document.text) == "Berlin,  Germany"


def test_fixture_to_native_and_back(tmp_path):
    labelstudio.write([layer("alice"), layer("bob")], tmp_path / "a.json")
    first = read(tmp_path / "a.json")
    labelstudio.write(first, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == (tmp_path / "b.json").read_text(encoding="utf-8")


GOOD = {"data": {"text": "abc"}, "annotations": []}


@pytest.mark.parametrize(
    "task, words",
    [
        ({"data": {"text": "abc"}, "annotations": [{"result": [region("r", 0, 9, "A", None)]}]}, "out of range"),
        ({"data": {"text": "abc"}, "annotations": [{"result": [region("r", 2, 2, "A", None)]}]}, "less than"),
        ({"data": {"text": "abc"}, "annotations": [{"result": [region("r", 0, 1, "", "a")]}]}, "label"),
        ({"data": {"text": "abc"}, "annotations": [{"result": [region("r", 0, 1, "A", "b")]}]}, "differs"),
        ({"data": {"text": "abc"}, "annotations": [{"result": [
            region("r", 0, 1, "A", "a"), {"type": "relation", "from_id": "r", "to_id": "zz"}]}]}, "zz"),
        ({"annotations": []}, "text"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path, task, words):
    path = tmp_path / "bad.json"
    path.write_text("[\n" + json.dumps(GOOD) + ",\n" + json.dumps(task) + "\n]\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert (info.value.path, info.value.line) == (str(path), 3)
    assert words in info.value.reason


@pytest.mark.parametrize("content, line", [("[\n" + json.dumps(GOOD) + ",\n{\"data\": ", 3), ('{"data": 1}', 1), ("", None)])
def test_truncated_or_not_a_list(tmp_path, content, line):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read(path)
    assert info.value.line == line and info.value.path == str(path)


PIECES = st.sampled_from(["a", "B", "é", "e\u0301", " ", "\r\n", "\n", ".", "习", "👩‍👩‍👧", "🇰🇷", "👍🏽"])


@settings(max_examples=60, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=25).map("".join), st.data())
def test_property_round_trip_is_exact(tmp_path_factory, text, data):
    spans = []
    for index in range(data.draw(st.integers(0, 5))):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, data.draw(st.sampled_from(["CLAIM", "ENTITY"])), f"s{index}"))
    item = AnnotatedDocument(Document(id="d", title="t", text=text), "zoe", spans)
    path = tmp_path_factory.mktemp("p") / "x.json"
    labelstudio.write([item], path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        [back] = read(path)
    assert back.document.text == text
    assert sorted(set(triples(back))) == sorted(set(triples(item)))
    raw = json.loads(path.read_text(encoding="utf-8"))
    texts = {r["id"]: r["value"]["text"] for r in raw[0]["annotations"][0]["result"]}
    for span in back.spans:
        assert span.text_in(text) == texts[span.id]


def _label_studio_accepts(task):
    """What Label Studio's import (tasks/serializers.py, ``_insert_valid_completed_by``) asks of each
    annotation when no user is known: no ``completed_by`` at all (it is then given to the importer);
    an object without ``email`` is an HTTP 400, an unknown email or user id too."""
    for annotation in task["annotations"]:
        if "completed_by" in annotation:
            return False
    return isinstance(task["data"], dict) and isinstance(task.get("meta", {}), dict)


def test_export_imports_into_label_studio_and_names_reviewers_in_the_task_data(tmp_path):
    # issue 9.5: Label Studio 1.23 refused {"username": ...} with "It's expected to have 'email'
    # field in 'completed_by'"; and an email it has no user for is refused as well.
    labelstudio.write([layer("alice"), layer("bob@example.org", claims=False)], tmp_path / "ls.json")
    [task] = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    assert _label_studio_accepts(task)
    assert [a["id"] for a in task["annotations"]] == [1, 2]
    assert task["data"]["annotator_reviewers"] == {"1": "alice", "2": "bob@example.org"}
    back = read(tmp_path / "ls.json")
    assert [i.annotator for i in back] == ["alice", "bob@example.org"]
    assert "annotator_reviewers" not in back[0].document.meta


def test_label_studios_own_export_of_our_import_reads_back_the_reviewers(tmp_path):
    # Label Studio gives the annotations to the importing user, new ids, and our id as import_id.
    labelstudio.write([layer("alice"), layer("bob", claims=False)], tmp_path / "ls.json")
    [task] = json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))
    task["id"] = 41
    for number, annotation in enumerate(task["annotations"]):
        annotation["import_id"] = annotation["id"]
        annotation["id"] = 90 + number
        annotation["completed_by"] = {"id": 1, "email": "admin@example.org", "first_name": "", "last_name": ""}
    task["annotations"].append({"id": 99, "import_id": None, "completed_by": {"id": 2, "email": "carol@example.org"},
                                "result": []})  # made in Label Studio afterwards
    (tmp_path / "back.json").write_text(json.dumps([task]), encoding="utf-8")
    assert [i.annotator for i in read(tmp_path / "back.json")] == ["alice", "bob", "carol@example.org"]


def test_older_exports_with_completed_by_username_still_read(tmp_path):
    tasks = [{"id": 1, "data": {"text": "Anna met Bob", "doc_id": "d"}, "annotations": [
        {"id": 1, "completed_by": {"username": "alice"}, "result": [region("a", 0, 4, "PER", "Anna")]}]}]
    (tmp_path / "old.json").write_text(json.dumps(tasks), encoding="utf-8")
    [item] = read(tmp_path / "old.json")
    assert item.annotator == "alice"


def test_a_reviewer_map_of_the_wrong_type_is_refused(tmp_path):
    tasks = [{"data": {"text": "abc", "annotator_reviewers": {"1": 5}}, "annotations": [{"id": 1, "result": []}]}]
    (tmp_path / "bad.json").write_text(json.dumps(tasks), encoding="utf-8")
    with pytest.raises(InputError, match="annotator_reviewers"):
        read(tmp_path / "bad.json")


def test_real_label_studio_export_of_our_import_names_the_reviewers():
    # Label Studio 1.23.2 by hand (see tests/fixtures/README.md): our export imported as it is
    # (HTTP 201), exported back; the owner is the importing user, our reviewers are in the data.
    from .conftest import FIXTURES_DIR

    items = read(FIXTURES_DIR / "label-studio" / "export_of_our_import_1.23.2.json")
    assert [(i.annotator, len(i.spans), len(i.claims)) for i in items] == [("alice", 3, 1), ("bob", 3, 0)]
    assert items[0].document.meta == {"source": "a.txt", "year": 2024}
