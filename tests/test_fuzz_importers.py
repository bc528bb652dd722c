"""Issue 8, point 7: a fuzz test over every importer.

Hostile files are built by mutating valid ones of each format: wrong types in any field, huge,
negative and float offsets, keys removed, odd nesting, lone surrogates (JSON ``\\ud800`` escapes),
NUL, BOMs, CR/CRLF/LF mixes, truncation and random bytes. Each is imported through the real code
path (``import_files`` on a project; some through the CLI) and must either

- fail with an ``AnnotatorError`` whose message names the file, leaving the project's logical
  content unchanged, or
- succeed with every stored span inside its document (0 <= start < end <= len(text)), every span
  the file gave a text for matching the document there, and the project still exportable.

The budget is ``ANNOTATOR_FUZZ_EXAMPLES`` examples per test (default 30, a few seconds each);
run it large locally, e.g. ``ANNOTATOR_FUZZ_EXAMPLES=5000 bash scripts/test tests/test_fuzz_importers.py``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotator.cli import cli
from annotator.errors import AnnotatorError, printable
from annotator.project import export, import_files, open_project

from .test_cli import project_state

EXAMPLES = int(os.environ.get("ANNOTATOR_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])

TEXT = "Hwang said 40% came from North Korea.\nKim denied it."

# --------------------------------------------------------------------------- valid seeds

SPANS = [(0, 5, "SPEAKER"), (11, 14, "FIGURE"), (25, 36, "ENTITY"), (0, 37, "CLAIM")]

NATIVE = {"id": "d1", "title": "T", "text": TEXT, "meta": {"source": "x", "n": [1, {"a": None}]},
          "annotator": "alice", "done": True,
          "spans": [{"id": f"s{i}", "start": s, "end": e, "label": lab, "text": TEXT[s:e], "attrs": {}}
                    for i, (s, e, lab) in enumerate(SPANS, 1)],
          "claims": [{"id": "c1", "span": "s4", "members": ["s1", "s2", "s3"], "note": "n"}]}
DOCCANO = {"id": 7, "text": TEXT, "annotator": "bob", "meta": {"k": "v"},
           "entities": [{"id": i, "label": lab, "start_offset": s, "end_offset": e}
                        for i, (s, e, lab) in enumerate(SPANS, 1)],
           "relations": [{"id": 1, "from_id": 4, "to_id": 1, "type": "SPEAKER"}]}
DOCCANO_LABEL = {"text": TEXT, "label": [[s, e, lab] for s, e, lab in SPANS]}
SPACY = {"text": TEXT, "_annotator_id": "ds-carol", "answer": "accept",
         "tokens": [{"text": "Hwang", "start": 0, "end": 5, "id": 0, "ws": True},
                    {"text": "said", "start": 6, "end": 10, "id": 1, "ws": True}],
         "spans": [{"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "SPEAKER", "text": "Hwang"}]}
LS_FULL = [{"id": 1, "data": {"text": TEXT, "title": "T", "doc_id": "d1"}, "meta": {"m": 1}, "annotations": [
    {"id": 1, "completed_by": {"email": "a@x"}, "was_cancelled": False, "result": [
        {"id": f"r{i}", "type": "labels", "from_name": "label", "to_name": "text",
         "value": {"start": s, "end": e, "text": TEXT[s:e], "labels": [lab]}} for i, (s, e, lab) in enumerate(SPANS, 1)
    ] + [{"type": "relation", "from_id": "r4", "to_id": "r1", "labels": ["SPEAKER"]},
         {"id": "c", "type": "choices", "value": {"choices": ["yes"]}}]}]}]
LS_MIN = [{"id": 3, "text": TEXT, "annotator": 2,
           "label": [{"start": s, "end": e, "text": TEXT[s:e], "labels": [lab]} for s, e, lab in SPANS]}]
CONLL = "-DOCSTART-\tO\n\nHwang\tB-PER\nsaid\tO\n40%\tB-FIG\n\nKim\tB-PER\ndenied\tO\n"
BRAT_ANN = ("T1\tSPEAKER 0 5\tHwang\nT2\tFIGURE 11 14\t40%\nT3\tENTITY 25 36\tNorth Korea\n"
            "T4\tCLAIM 0 37\t" + TEXT[:37] + "\nR1\tSPEAKER Arg1:T4 Arg2:T1\t\nA1\tNegated T2\n"
            "#1\tAnnotatorNotes T4\tchecked\nN1\tReference T3 Wikidata:Q423\tNK\nT5\tENTITY 38 41;45 51\tKim denied\n")

JSON_SEEDS = {  # format -> (file name, value, one record per line?)
    "jsonl": ("a.jsonl", NATIVE, True),
    "doccano": ("a.jsonl", DOCCANO, True),
    "doccano-label": ("a.jsonl", DOCCANO_LABEL, True),
    "spacy": ("a.jsonl", SPACY, True),
    "label-studio": ("a.json", LS_FULL, False),
    "label-studio-min": ("a.json", LS_MIN, False),
}

# --------------------------------------------------------------------------- hostile values

NASTY_STRINGS = ["", " ", "\ud800", "a\udfffb", "\x00", "x\x00", "\ufeff", "\r", "\r\n", "😀", "e\u0301",
                 "\u2028", "gold", "CLAIM", "s1", "T1", "-1", "1e5", "NaN", "true", "false", "no", "0"]
scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(-3, 60), st.sampled_from([-(2**63), 2**63, 2**64 + 1, 10**30, len(TEXT), len(TEXT) + 1]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0.0, 5.0, -1.5, 1e308]),
    st.sampled_from(NASTY_STRINGS), st.text(max_size=8),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.sampled_from(NASTY_STRINGS + ["start", "end", "label", "id"]),
                                             inner, max_size=3), max_leaves=10)


def deep(n: int):
    value: object = "x"
    for _ in range(n):
        value = [value]
    return value


hostile = st.one_of(json_values, json_values, st.builds(deep, st.sampled_from([62, 63, 64, 65, 300])))


def paths_of(value, prefix=()):
    """Every place in a JSON value: (path to the container, key)."""
    out: list = []
    if len(prefix) > 12:  # the deep values planted earlier: their inside is not worth mutating
        return out
    if isinstance(value, dict):
        for key, child in value.items():
            out.append((prefix, key))
            out.extend(paths_of(child, prefix + (key,)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out.append((prefix, index))
            out.extend(paths_of(child, prefix + (index,)))
    return out


@st.composite
def mutated_json(draw, seed):
    value = json.loads(json.dumps(seed))
    for _ in range(draw(st.integers(1, 4))):
        places = paths_of(value)
        if not places:
            break
        where, key = draw(st.sampled_from(places))
        container = value
        for step in where:
            container = container[step]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add", "wrap"]))
        if action == "replace":
            container[key] = draw(hostile)
        elif action == "delete":
            del container[key]
        elif action == "wrap":
            container[key] = [container[key]] if draw(st.booleans()) else {"v": container[key]}
        elif isinstance(container, dict):
            container[draw(st.sampled_from(NASTY_STRINGS + ["done", "meta", "spans", "claims", "id"]))] = draw(hostile)
        else:
            container.append(draw(hostile))
    return value


@st.composite
def byte_noise(draw, data: bytes) -> bytes:
    """Line-ending mixes, BOMs, NUL, random bytes, truncation: applied to an encoded file."""
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["endings", "endings", "bom", "insert", "truncate", "nul"]))
        if action == "endings":
            ending = draw(st.sampled_from([b"\r", b"\r\n", b"\n", b"\r\r\n"]))
            lines = data.split(b"\n")
            cut = draw(st.integers(0, len(lines)))
            data = b"\n".join(lines[:cut]) + (b"\n" if cut else b"") + ending.join(lines[cut:])
        elif action == "bom":
            data = b"\xef\xbb\xbf" + data
        elif action == "nul":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + b"\x00" + data[at:]
        elif action == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=6)) + data[at:]
        elif data:
            data = data[: draw(st.integers(0, len(data) - 1))]
    return data


def encode_json(value, per_line: bool, draw) -> bytes:
    # ensure_ascii spells lone surrogates as \\ud800 escapes, the only way JSON can carry them.
    ascii_ = draw(st.booleans())
    if per_line:
        records = value if isinstance(value, list) and draw(st.booleans()) else [value]
        text = "\n".join(json.dumps(r, ensure_ascii=ascii_, indent=draw(st.sampled_from([None, None, 2])))
                         for r in records)
    else:
        text = json.dumps(value, ensure_ascii=ascii_, indent=draw(st.sampled_from([None, 1])))
    return text.encode("utf-8", "surrogatepass") if not ascii_ else text.encode("ascii")


@st.composite
def json_file(draw, kind):
    name, seed, per_line = JSON_SEEDS[kind]
    value = draw(mutated_json(seed)) if draw(st.integers(0, 5)) else seed
    return name, draw(byte_noise(encode_json(value, per_line, draw)))


NASTY_LINES = ["", "\t", "T1\tSPEAKER 0 5\tHwang", "T9\tX 5 0\t", "T9\tX -1 3\tab", "T9\tX 0 99999\t",
               "T9\tX 1.5 3\tx", "T9\tX 0 " + "9" * 40 + "\tx", "T9\tX 0 5;3\tx", "R9\tR Arg1:T1", "R9\tR Arg1:T1 Arg2:T77",
               "A9\tNeg", "E9\tCLAIM:T4 Who:T1", "*\tEquiv T1", "#9\tAnnotatorNotes T77\tx", "N9\tRef T1 nocolon",
               "T4\tCLAIM 0 3\tHwa", "T9\tX 0 5\tHwang  ", "T9\tX 0 5\thwang", "X\tY", "EU\tB-ORG", "x\tI-", "x\tQ-ORG",
               "-DOCSTART-", "tok\tB-X\textra\tI-Y", "é\tB-X", "\u2028\tO", "a b c"]


@st.composite
def line_file(draw, content: str) -> bytes:
    lines = content.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(lines)))
        piece = draw(st.one_of(st.sampled_from(NASTY_LINES), st.text(max_size=20)))
        if draw(st.booleans()) and at < len(lines):
            lines[at] = piece
        else:
            lines.insert(at, piece)
    return draw(byte_noise("\n".join(lines).encode("utf-8", "surrogatepass")))


# --------------------------------------------------------------------------- the property


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A project with one document in it, copied afresh for every example (faster than creating one)."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "p.annotator.db"
    store = open_project(path)
    seed = folder / "seed.txt"
    seed.write_text("An article already in the project.", encoding="utf-8")
    import_files(store, [seed], annotator="lead")
    store.close()
    return path


def check_import(template: Path, files: dict[str, bytes], target: str, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "p.annotator.db"
        shutil.copy(template, db)
        for name, data in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_bytes(data)
        path = tmp / target
        before = project_state(db)
        store = open_project(db)
        try:
            try:
                import_files(store, [path], format=fmt, annotator="fuzz")
            except AnnotatorError as exc:
                assert printable(str(path)) in str(exc) or str(path.parent) in str(exc), str(exc)
                assert "\n" not in str(exc)
                store.close()
                assert project_state(db) == before
                return
            export(store, tmp / "out.jsonl", format="jsonl")  # what was accepted can be written out
        finally:
            store.close()
        check_stored_spans(db)


def check_stored_spans(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        for text, start, end in conn.execute(
                'SELECT d.text, s.start, s."end" FROM spans s JOIN documents d ON d.id = s.doc_id'):
            assert 0 <= start < end <= len(text)
    finally:
        conn.close()


def check_span_texts(out: Path) -> None:
    # split at \n only: str.splitlines would also split at a U+2028 inside a JSON string
    for line in out.read_text(encoding="utf-8").split("\n"):
        if not line:
            continue
        record = json.loads(line)
        for span in record["spans"]:
            assert record["text"][span["start"]:span["end"]] == span["text"]


FORMAT_OF = {"doccano-label": "doccano", "label-studio-min": "label-studio"}


@pytest.mark.parametrize("kind", sorted(JSON_SEEDS))
@FUZZ
@given(data=st.data())
def test_json_importers_survive_hostile_files(template, kind, data):
    name, content = data.draw(json_file(kind))
    fmt = FORMAT_OF.get(kind, kind)
    check_import(template, {name: content}, name, data.draw(st.sampled_from([fmt, fmt, "auto"])))


@FUZZ
@given(content=line_file(CONLL))
@example(content=b"EU\tB-ORG\rrejects\tO\rGerman\tB-MISC\r")
def test_conll_importer_survives_hostile_files(template, content):
    check_import(template, {"a.conll": content}, "a.conll", "conll")


@FUZZ
@given(ann=line_file(BRAT_ANN), txt=st.sampled_from([TEXT, TEXT.replace("\n", "\r\n"), TEXT.replace("\n", "\r")])
       .map(lambda t: t.encode()), layout=st.sampled_from(["folder", "sub", "ann"]))
@example(ann=b"T1\tSPEAKER 0 5\tHwang\rT2\tFIGURE 11 14\t40%\rT3\tENTITY 0 5\tHwang\r", txt=TEXT.encode(), layout="folder")
@example(ann=b"T1\tSPEAKER 0 5\tHwang Joon-kook\n", txt=TEXT.encode(), layout="ann")
def test_brat_importer_survives_hostile_files(template, ann, txt, layout):
    prefix = {"folder": "b/", "sub": "b/alice/", "ann": "b/"}[layout]
    files = {f"{prefix}x.ann": ann, f"{prefix}x.txt": txt}
    check_import(template, files, "b" if layout != "ann" else "b/x.ann", "brat")


@FUZZ
@given(content=st.one_of(st.binary(max_size=200), line_file(TEXT)))
def test_txt_importer_survives_hostile_files(template, content):
    check_import(template, {"a.txt": content}, "a.txt", "txt")


@FUZZ
@given(data=st.data())
def test_accepted_span_texts_match_the_document(template, data):
    """Native JSONL that gets in: each span's text, read back, is the document's text there."""
    name, content = data.draw(json_file("jsonl"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / name).write_bytes(content)
        db = tmp / "p.annotator.db"
        shutil.copy(template, db)
        with open_project(db) as store:
            try:
                import_files(store, [tmp / name], format="jsonl", annotator="fuzz")
            except AnnotatorError:
                return
            export(store, tmp / "out.jsonl", format="jsonl")
        check_span_texts(tmp / "out.jsonl")


@settings(FUZZ, max_examples=max(EXAMPLES // 3, 10))
@given(data=st.data())
def test_cli_import_gives_one_line_and_exit_1(template, data):
    kind = data.draw(st.sampled_from(sorted(JSON_SEEDS)))
    name, content = data.draw(json_file(kind))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / name).write_bytes(content)
        db = tmp / "p.annotator.db"
        shutil.copy(template, db)
        before = project_state(db)
        result = CliRunner().invoke(cli, ["import", str(tmp / name), "--db", str(db), "--annotator", "fuzz"],
                                    catch_exceptions=False)
        assert result.exit_code in (0, 1), result.stderr
        if result.exit_code == 1:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"error: {tmp / name}"), result.stderr
            assert "unexpected" not in lines[0]
            assert project_state(db) == before
