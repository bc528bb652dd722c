"""The fast paths of the interchange formats (issue 10) give what the slow ones gave.

Each fast path is checked against the plain way it replaced: the tokenizer's pattern against the cluster rules,
each reader's usual-case path against the checks one by one; and the store's import of rows no
fast path may spoil (a NUL, control characters, claims over a layer that grows).
"""

from __future__ import annotations

import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.formats import checks
from annotator.model import AnnotatedDocument, Claim, Document, Span

def test_a_deep_record_with_many_brackets_is_still_refused():
    record = json.dumps({"text": "abc", "spans": [{"a": [1]} for _ in range(40)], "meta": {"k": [[[[]]]]}})
    deep = record.replace("[[[[]]]]", "[" * 70 + "]" * 70)
    checks.loads(record)
    try:
        checks.loads(deep)
    except ValueError as exc:
        assert "more than 64 levels deep" in str(exc)
    else:
        raise AssertionError("a record 70 levels deep was accepted")


def _layer(doc_id: str, text: str, spans, claims=()) -> AnnotatedDocument:
    return AnnotatedDocument(Document(id=doc_id, title=doc_id, text=text), "alice", list(spans), list(claims))


def test_rows_with_a_nul_or_control_characters_are_stored_exactly(seeded_store):
    store = seeded_store
    text = "Hwang said the budget rose"
    spans = [Span(0, 5, "SPEAKER", id="s1", attrs={"k": "a\x00b\x01"}), Span(6, 10, "CLAIM", id="s2"),
             Span(15, 21, "ENTITY", id="s3", attrs={"q": "\u2028\"\\"})]
    claims = [Claim(span="s2", members=("s1", "s3"), note="note\x01\x00end", id="c1"),
              Claim(span=None, members=("s3",), note="é😀", id="c2", attrs={"x": [1, None]})]
    store.import_items([_layer("d1", text, spans, claims)])
    rows = store.db.execute('SELECT start, "end", label, attrs FROM spans WHERE doc_id = ? ORDER BY start',
                            ("d1",)).fetchall()
    assert rows == [(0, 5, "SPEAKER", json.dumps({"k": "a\x00b\x01"})), (6, 10, "CLAIM", "{}"),
                    (15, 21, "ENTITY", json.dumps({"q": "\u2028\"\\"}, ensure_ascii=False))]
    (layer,) = [item for item in store.iter_layers() if item.document.id == "d1"]
    assert [(c.span, c.members, c.note, c.attrs) for c in layer.claims] == [
        ("s2", ("s1", "s3"), "note\x01\x00end", {}), (None, ("s3",), "é😀", {"x": [1, None]})]


def test_claims_name_the_right_rows_when_the_layer_grows(seeded_store):
    """Claims name their spans' row ids, also when the layer already holds spans and other layers
    were written in between (the import looks new ids up after its bulk insert)."""
    store = seeded_store
    text = "Hwang said the budget rose by 3 percent in 2024"
    first = [Span(0, 5, "SPEAKER", id="a"), Span(6, 10, "CLAIM", id="b")]
    store.import_items([_layer("d1", text, first, [Claim(span="b", members=("a",), id="c")]),
                        _layer("d2", "Other text here", [Span(0, 5, "ENTITY", id="x")])])
    more = [Span(0, 5, "SPEAKER", id="p"), Span(11, 21, "CLAIM", id="q"), Span(29, 38, "FIGURE", id="r"),
            Span(42, 46, "ENTITY", id="t")]
    store.import_items([_layer("d1", text, more, [Claim(span="q", members=("r", "p"), id="c2"),
                                                  Claim(span="q", members=("t",), id="c3")])])
    (layer,) = [item for item in store.iter_layers() if item.document.id == "d1"]
    by_id = {span.id: (span.start, span.end, span.label) for span in layer.spans}
    got = sorted((by_id[c.span], sorted(by_id[m] for m in c.members)) for c in layer.claims)
    assert got == sorted([
        ((6, 10, "CLAIM"), [(0, 5, "SPEAKER")]),
        ((11, 21, "CLAIM"), [(0, 5, "SPEAKER"), (29, 38, "FIGURE")]),
        ((11, 21, "CLAIM"), [(42, 46, "ENTITY")]),
    ])


# --------------------------------------------------------------------------- tokenizer

# Characters each rule of the tokenizer looks at: combining marks, joiners, variation selectors,
# skin tones, tag characters, regional indicators, digits of scripts without spaces (Thai ๕),
# CJK, separators between digits, every kind of white space.
TOKEN_CHARS = st.sampled_from(
    list("ab Z9_0.,:;-'\"\\") + ["\u0301", "\u200d", "\ufe0f", "\U0001F3FD", "\U000E0067", "\U000E007F",
                                 "\U0001F1F0", "\U0001F1F7", "\U0001F600", "\u0e55", "\u0e01", "\u4e2d",
                                 "\u3042", "\u00e9", "\u00b2", "\r", "\n", "\t", "\u00a0", "\u3000", "\x00",
                                 "\u2028", "\x1f", "\u0663"])


@settings(max_examples=400, deadline=None)
@given(st.lists(TOKEN_CHARS, max_size=40).map("".join) | st.text(max_size=30))
def test_fast_token_bounds_are_the_cluster_rules(text):
    from annotator.formats.tokenize import _slow_bounds, token_bounds

    assert token_bounds(text) == _slow_bounds(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(TOKEN_CHARS, min_size=1, max_size=40).map("".join) | st.text(min_size=1, max_size=30))
def test_spacy_tokens_json_is_what_json_dumps_writes(text):
    from annotator.formats.spacy import _tokens_json, spacy_bounds, spacy_tokens

    starts, ends = spacy_bounds(text)
    assert _tokens_json(text, starts, ends) == json.dumps(spacy_tokens(text), ensure_ascii=False)
    assert [t["start"] for t in spacy_tokens(text)] == starts


def test_fast_token_bounds_on_every_short_string():
    """Every string of up to four characters from one of each kind (Hypothesis rarely puts a
    letter, a separator and a digit in a row)."""
    from itertools import product

    from annotator.formats.tokenize import _slow_bounds, token_bounds

    kinds = ["a", "7", ".", "-", " ", "\r", "\u0301", "\u200d", "\U0001F1F0", "\u0e55", "\u4e2d", "\u00b2"]
    for size in range(1, 5):
        for chars in product(kinds, repeat=size):
            text = "".join(chars)
            assert token_bounds(text) == _slow_bounds(text), text


def test_fast_tokens_on_the_seeds_are_the_cluster_rules():
    from annotator.formats.tokenize import _slow_bounds, token_bounds
    from tests.conftest import SEEDS

    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    assert texts
    for text in texts:
        assert token_bounds(text) == _slow_bounds(text)


# --------------------------------------------------------------------------- spaCy tokens read

TOKEN_VALUES = st.one_of(st.integers(min_value=-3, max_value=25), st.booleans(), st.none(), st.just(1.0),
                         st.just("3"))
TEXT = "Hwang said 3.5 percent"


@st.composite
def token_lists(draw):
    """Tokens as our writer makes them, then some changed: a field set to anything or dropped, a
    token replaced by one over any offsets (negative ones too) with the text those slice, or an
    entry that is not a token."""
    from annotator.formats.spacy import spacy_tokens

    tokens = spacy_tokens(TEXT)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(tokens) - 1))
        how = draw(st.sampled_from(["set", "drop", "slice"]))
        key = draw(st.sampled_from(["start", "end", "id", "text", "ws"]))
        if how == "drop":
            tokens[index].pop(key, None)
        elif how == "set":
            tokens[index][key] = draw(TOKEN_VALUES | st.sampled_from(["Hwang", "said", ""]))
        else:
            start, end = draw(st.integers(-3, 25)), draw(st.integers(-3, 25))
            tokens[index] = {"text": TEXT[start:end], "start": start, "end": end, "id": draw(st.integers(0, 8))}
    if draw(st.booleans()):
        tokens.append(draw(st.sampled_from([[], "x", {"start": 0, "end": 5}, 3])))
    return tokens


@settings(max_examples=500, deadline=None)
@given(token_lists())
def test_spacy_tokens_checked_in_bulk_as_one_by_one(tokens):
    """The bulk check accepts only what the one-by-one check accepts, and gives the same tokens."""
    from annotator.formats.spacy import _checked_tokens, _usual_tokens

    fast = _usual_tokens(tokens, TEXT)
    try:
        slow = _checked_tokens(tokens, TEXT)
    except ValueError:
        assert fast is None
    else:
        assert fast is None or fast == slow
        if fast is not None:
            assert list(map(type, fast)) == list(map(type, slow))  # True is not 1 as a token id


# --------------------------------------------------------------------------- doccano records read

ANY_FIELD = st.one_of(st.integers(min_value=-2, max_value=12), st.booleans(), st.none(), st.just(2.0),
                      st.sampled_from(["", " ", "7", "ENTITY", "e1"]))


# Mostly what the fast path takes, so that its edges (a negative offset, an empty id, a bool) are met.
OFFSET = st.one_of(st.integers(min_value=-2, max_value=15), st.integers(min_value=-2, max_value=15), ANY_FIELD)
ID = st.one_of(st.integers(min_value=0, max_value=3), st.sampled_from(["", "e1", "99", True]), ANY_FIELD)
LABEL = st.one_of(st.sampled_from(["ENTITY", "SPEAKER"]), st.sampled_from(["ENTITY", "", " "]), ANY_FIELD)
ENTITY = st.fixed_dictionaries({"id": ID, "start_offset": OFFSET, "end_offset": OFFSET, "label": LABEL},
                               optional={"start": OFFSET, "end": OFFSET})
RELATION = st.fixed_dictionaries({"from_id": ID, "to_id": ID, "type": LABEL}, optional={"id": ID})


@settings(max_examples=1500, deadline=None)
@example({"id": 1, "start_offset": -1, "end_offset": 3, "label": "E"}, {})
@example({"id": "", "start_offset": 0, "end_offset": 3, "label": "E"}, {})
@example({"id": True, "start_offset": 0, "end_offset": 3, "label": "E"}, {})
@example({"id": 1, "start": 0, "end_offset": 3, "label": " "}, {})
@example({}, {"from_id": True, "to_id": 99, "type": "x"})
@example({}, {"from_id": 99, "to_id": 99, "type": "x", "id": False})
@example({}, {"from_id": 99, "to_id": 2.0, "type": "x"})
@given(ENTITY | st.dictionaries(st.sampled_from(["id", "start_offset", "end_offset", "start", "end", "label"]),
                                ANY_FIELD, max_size=6),
       RELATION | st.dictionaries(st.sampled_from(["id", "from_id", "to_id", "type"]), ANY_FIELD, max_size=4))
def test_doccano_usual_entities_and_relations_read_as_the_checks_read_them(entity, relation):
    """A record of one entity and one relation: where the fast path takes them, the record reads
    exactly as with the fast path refusing everything (the checks one by one)."""
    import pytest

    from annotator.formats import doccano

    text = "Hwang said it"
    other = {"id": 99, "start_offset": 0, "end_offset": 5, "label": "SPEAKER"}
    # Each alone, so that a refusal of the other cannot hide a difference.
    for obj in ({"text": text, "entities": [entity, other]},
                {"text": text, "entities": [other, {"id": 1, "start_offset": 6, "end_offset": 10, "label": "CLAIM"}],
                 "relations": [relation]}):
        fast = _doccano_outcome(doccano, obj)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(doccano, "_usual_entity", lambda raw, length: None)
            patch.setattr(doccano, "_usual_relation", lambda raw: None)
            slow = _doccano_outcome(doccano, obj)
        assert fast == slow


def _doccano_outcome(doccano, obj):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            item = doccano._parse(obj, default_annotator="alice", where="f, line 1")
        except ValueError as exc:
            return ("refused", str(exc))
    return ("read", [(s.id, s.start, s.end, s.label, s.attrs) for s in item.spans],
            [(c.span, c.members) for c in item.claims])


# --------------------------------------------------------------------------- export order


def test_layers_read_in_sqlite_order_are_the_layers_sorted_in_python(seeded_store):
    """iter_layers takes the span order from SQLite; annotated_documents sorts in Python. Same
    offsets, labels that sort differently by bytes than by letters in some collations."""
    store = seeded_store
    text = "Hwang said the budget rose by 3 percent"
    labels = ["\u00c9T", "ZED", "abc", "\U0001F600", "ENTITY", "E"]
    spans = [Span(start, end, label, id=f"x{n}")
             for n, (start, end, label) in enumerate((s, e, lab) for lab in labels for s, e in ((6, 10), (0, 5), (0, 10)))]
    store.import_items([_layer("d1", text, list(reversed(spans)),
                               [Claim(span="x0", members=("x1", "x2"), id="c"), Claim(span="x4", members=("x0",))])])
    by_batch = [(i.document.id, i.annotator, i.spans, i.claims) for i in store.iter_layers()]
    whole = [(i.document.id, i.annotator, i.spans, i.claims) for i in store.annotated_documents()]
    assert by_batch == whole
    assert [s.label for s in by_batch[-1][2]][:3] == ["E", "ENTITY", "ZED"]


# --------------------------------------------------------------------------- Label Studio regions read


class _Text(str):
    """A string the fast paths (``type(x) is str``) do not take: the checks one by one read it."""


def _slow(value):
    if isinstance(value, str):
        return _Text(value)
    if isinstance(value, list):
        return [_slow(v) for v in value]
    if isinstance(value, dict):
        return {k: _slow(v) for k, v in value.items()}
    return value


def _ls_outcome(task):
    import warnings

    from annotator.formats import labelstudio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            items = labelstudio._parse_task(task, default_annotator="alice", where="f, line 1")
        except ValueError as exc:
            return ("refused", str(exc))
    return ("read", [[(str(s.id), s.start, s.end, str(s.label), s.attrs) for s in i.spans] for i in items],
            [[(str(c.span), tuple(map(str, c.members))) for c in i.claims] for i in items])


REGION_ID = st.sampled_from(["r1", "r2", "", "c"]) | ANY_FIELD
LS_REGION = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["labels", "relation"]), "id": REGION_ID,
                           "value": st.fixed_dictionaries({"start": OFFSET, "end": OFFSET, "labels": st.lists(LABEL, max_size=2)},
                                                          optional={"text": st.sampled_from(["Hwang", "said", " Hwang"])})}),
    st.fixed_dictionaries({"type": st.just("relation"), "from_id": REGION_ID, "to_id": REGION_ID,
                           "labels": st.lists(LABEL, max_size=2)}, optional={"id": REGION_ID}),
)


@settings(max_examples=800, deadline=None)
@example([{"type": "relation", "from_id": "c", "to_id": "r1", "labels": ["SPEAKER"], "id": ""}])
@example([{"type": "labels", "id": "r1", "value": {"start": 0, "end": 5, "labels": ["E"], "text": " Hwang"}}])
@example([{"type": "relation", "from_id": "c", "to_id": "r1", "labels": [" "]}])
@example([{"type": "relation", "from_id": "r1", "to_id": "r1", "labels": ["X"], "id": True}])
@example([{"type": "relation", "from_id": "r1", "to_id": 3, "labels": ["X"]}])
@example([{"type": "labels", "id": "r2", "value": {"start": 0, "end": 5, "labels": ["E", "F"]}}])
@example([{"type": "labels", "id": "r1", "value": {"start": 0, "end": 5, "labels": ["E"]}}])
@given(st.lists(LS_REGION, max_size=3))
def test_label_studio_fast_regions_read_as_the_checks_read_them(regions):
    """The same task read with plain strings (fast paths) and with a str subclass that only the
    checks one by one take: the same spans, claims or refusal."""
    text = "Hwang said it"
    base = [{"id": "c", "type": "labels", "value": {"start": 6, "end": 10, "labels": ["CLAIM"]}},
            {"id": "r1", "type": "labels", "value": {"start": 0, "end": 5, "labels": ["SPEAKER"]}}]
    task = {"data": {"text": text}, "annotations": [{"id": 1, "result": base + regions}]}
    slow_task = {"data": {"text": text}, "annotations": [{"id": 1, "result": base + _slow(regions)}]}
    assert _ls_outcome(task) == _ls_outcome(slow_task)


def test_the_store_still_refuses_bad_spans_given_to_it_directly(seeded_store):
    """Store.import_items checks spans inline for the usual case; what that lets past must still be
    refused (a blank label it would add to the scheme, offsets out of the text, a bool offset)."""
    import pytest

    from annotator.errors import EditError

    for span in (Span(0, 5, "  "), Span(0, 99, "ENTITY"), Span(True, 5, "ENTITY"), Span(3, 3, "ENTITY")):
        with pytest.raises(EditError):
            seeded_store.import_items([_layer("d9", "Hwang said it", [span])])
    assert "d9" not in seeded_store.document_ids()
