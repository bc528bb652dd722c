"""Import at real sizes: readers yield documents as they read, the store takes them inside one
transaction (a refusal late in a big file rolls back everything), line numbers deep in a Label
Studio file are right, memory does not grow with the file, and ``docs --json`` says what it said
before it stopped computing review items for single-reviewer documents."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.formats import jsonl, labelstudio
from annotator.model import AnnotatedDocument, Claim, Document, Span
from annotator.project import import_files, iter_files, open_project

from .test_cli import project_state

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def record(n: int, **changes) -> dict:
    text = f"Kim Jong said {n} ships left Nampo, the ministry reported on day {n}."
    obj = {"id": f"d{n}", "text": text, "annotator": "bob",
           "spans": [{"id": "s1", "start": 0, "end": 8, "label": "SPEAKER", "text": "Kim Jong"},
                     {"id": "s2", "start": 0, "end": len(text), "label": "CLAIM", "text": text}],
           "claims": [{"id": "c1", "span": "s2", "members": ["s1"]}]}
    obj.update(changes)
    return obj


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_a_bad_last_line_of_a_big_jsonl_file_rolls_back_everything(tmp_path):
    db = tmp_path / "p.annotator.db"
    write_jsonl(tmp_path / "first.jsonl", [record(n) for n in range(5)])
    assert run("import", tmp_path / "first.jsonl", "--db", db).exit_code == 0
    before = project_state(db)
    bad = record(2000)
    bad["spans"][0]["end"] = 10_000  # beyond the text
    write_jsonl(tmp_path / "big.jsonl", [record(n) for n in range(5, 2000)] + [bad])
    result = run("import", tmp_path / "big.jsonl", "--db", db)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {tmp_path / 'big.jsonl'}, line 1996: span 's1': "), lines
    assert project_state(db) == before
    # The same through the library: nothing of the 1,995 good documents stays.
    store = open_project(db)
    with pytest.raises(Exception, match="line 1996"):
        import_files(store, [tmp_path / "big.jsonl"], format="jsonl", annotator="x")
    assert store.document_count() == 5
    store.close()
    assert project_state(db) == before


def test_a_refusal_at_the_store_late_in_the_second_file_rolls_back_both(tmp_path):
    db = tmp_path / "p.annotator.db"
    write_jsonl(tmp_path / "a.jsonl", [record(n) for n in range(300)])
    # Readable, but its claim names its statement as a member too: the store refuses it.
    write_jsonl(tmp_path / "b.jsonl", [record(n) for n in range(300, 600)]
                + [record(600, claims=[{"id": "c1", "span": "s2", "members": ["s1", "s2"]}])])
    open_project(db).close()
    before = project_state(db)
    result = run("import", tmp_path / "a.jsonl", tmp_path / "b.jsonl", "--db", db)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path / 'b.jsonl'}: document 'd600': "), result.stderr
    assert result.stderr.count("\n") == 1
    assert project_state(db) == before


def label_studio_tasks(count: int) -> list[dict]:
    items = []
    for n in range(count):
        text = f"Kim said {n} ships left.\r\nThe ministry reported it on day {n}."
        items.append(AnnotatedDocument(Document(id=f"d{n}", title=f"t{n}", text=text), "alice",
                                       [Span(0, 3, "SPEAKER", id="s1"), Span(0, 20, "CLAIM", id="s2")],
                                       [Claim(span="s2", members=("s1",), id="c1")]))
    return items


def test_label_studio_line_numbers_deep_in_the_file_and_a_late_refusal(tmp_path):
    source = tmp_path / "ls.json"
    labelstudio.write(label_studio_tasks(1500), source)
    tasks = json.loads(source.read_text(encoding="utf-8"))
    tasks[1400]["annotations"][0]["result"][0]["value"]["end"] = 999
    # Pretty-printed with mixed line endings: tasks start on many different lines.
    content = json.dumps(tasks, indent=2, ensure_ascii=False)
    content = "\r\n".join(content.split("\n")[:4000]) + "\n" + "\n".join(content.split("\n")[4000:])
    source.write_bytes(content.encode("utf-8"))
    # Where task 1400 starts: count the breaks the slow way (\r\n, \r and \n are one break each).
    marker = content.index('"doc_id": "d1400"')
    start = content.rindex("\n  {", 0, marker) + 3
    expected = content.count("\n", 0, start) + 1
    db = tmp_path / "p.annotator.db"
    open_project(db).close()
    before = project_state(db)
    result = run("import", source, "--db", db)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {source}, line {expected}: task 1401, annotation 1401, region 's1': ")
    assert project_state(db) == before
    # Each task read gets the line it starts on.
    lines = [lineno for lineno, _task in labelstudio.iter_json_array(content, source)]
    assert lines[1400] == expected and lines == sorted(lines) and len(set(lines)) == 1500


def test_readers_are_lazy(tmp_path):
    """The first document comes out before the reader reaches a bad line at the end."""
    path = tmp_path / "x.jsonl"
    write_jsonl(path, [record(n) for n in range(50)])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    items = jsonl.iter_read(path, default_annotator="x")
    assert next(items).document.id == "d0"
    with pytest.raises(Exception, match="line 51"):
        list(items)
    stream = iter_files([path], format="jsonl", annotator="x")
    assert next(stream)[1].document.id == "d0"
    assert jsonl.read  # the list API stays for callers that want it
    with pytest.raises(Exception, match="line 51"):
        jsonl.read(path, default_annotator="x")

    source = tmp_path / "ls.json"
    labelstudio.write(label_studio_tasks(20), source)
    content = source.read_text(encoding="utf-8")
    source.write_text(content.rstrip().rstrip("]") + ", 7]\n", encoding="utf-8")
    tasks = labelstudio.iter_read(source, default_annotator="x")
    assert next(tasks).document.id == "d0"
    with pytest.raises(Exception, match="each task must be a JSON object"):
        list(tasks)


# The child's own high-water mark: VmHWM belongs to its address space, while ru_maxrss on Linux
# also carries the peak of the process it was forked from (the test runner) across exec.
_PEAK = textwrap.dedent("""
    import resource, sys
    from annotator.project import import_files, open_project
    store = open_project(sys.argv[2])
    import_files(store, [sys.argv[1]], format="jsonl", annotator="x")
    store.close()
    try:
        with open("/proc/self/status") as status:
            print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except OSError:
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")


def _peak_kib(source: Path, db: Path) -> int:
    proc = subprocess.run([sys.executable, "-c", _PEAK, str(source), str(db)], capture_output=True, text=True,
                          cwd=ROOT, check=True,
                          # SQLite's default page cache: the import's 128 MB one fills with the file
                          # up to its fixed size, which is not what this measures.
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "ANNOTATOR_IMPORT_CACHE_KIB": "2048"})
    return int(proc.stdout.split()[-1])


def test_import_memory_does_not_grow_with_the_file(tmp_path):
    """1,000 documents against 4,000 of ~4 KB with 60 spans each: a reader that kept every
    document took 86 MB more for the larger file; a streamed one takes next to nothing more."""
    sentence = "The delegation met behind closed doors for most of the afternoon. "

    def make(path: Path, count: int) -> None:
        rows = []
        for n in range(count):
            text = sentence * 60 + f"#{n}"
            spans = [{"id": f"s{k}", "start": k * len(sentence), "end": k * len(sentence) + 14,
                      "label": "ENTITY"} for k in range(60)]
            rows.append({"id": f"d{n}", "text": text, "annotator": "bob", "spans": spans})
        write_jsonl(path, rows)

    make(tmp_path / "small.jsonl", 1000)
    make(tmp_path / "large.jsonl", 4000)
    small = _peak_kib(tmp_path / "small.jsonl", tmp_path / "s.annotator.db")
    large = _peak_kib(tmp_path / "large.jsonl", tmp_path / "l.annotator.db")
    assert large - small < 16 * 1024, (small, large)  # KiB


def _old_docs_json(store, reviewer: str) -> list[dict]:
    """What ``docs --json`` printed before: review progress computed for every document."""
    from annotator.model import GOLD
    from annotator.review import review_progress

    layers: dict[str, list[dict]] = {}
    for doc_id, name, done in store.layers():
        layers.setdefault(doc_id, []).append({"annotator": name, "done": done})
    out = []
    for r in store.document_summaries(reviewer):
        decided, total = review_progress(store, r.id)
        mine = layers.get(r.id, [])
        out.append({"id": r.id, "title": r.title, "length": r.length, "annotator": reviewer, "spans": r.spans,
                    "claims": r.claims, "done": r.done, "layers": mine,
                    "review": {"decided": decided, "total": total,
                               "done": sum(1 for x in mine if x["annotator"] != GOLD) >= 2 and decided == total}})
    return out


def test_docs_json_is_unchanged_on_single_and_multi_reviewer_projects(tmp_path):
    from annotator.review import AcceptAgreed

    db = tmp_path / "p.annotator.db"
    texts = [f"Kim said {n} ships left Nampo on Monday, officials said." for n in range(6)]

    def layer(n: int, who: str, spans, claims=()):
        return AnnotatedDocument(Document(id=f"d{n}", title=f"t{n}", text=texts[n]), who, spans, list(claims))

    s = lambda a, b, lab, i: Span(a, b, lab, id=i)  # noqa: E731
    items = [
        # single reviewer: spans, a claim with a statement, a claim without one
        layer(0, "alice", [s(0, 3, "SPEAKER", "s1"), s(0, 20, "CLAIM", "s2"), s(4, 8, "FIGURE", "s3")],
              [Claim(span="s2", members=("s1",), id="c1"), Claim(span=None, members=("s3",), id="c2")]),
        # two reviewers who agree on one span and differ on another
        layer(1, "alice", [s(0, 3, "SPEAKER", "s1"), s(4, 8, "FIGURE", "s2")]),
        layer(1, "bob", [s(0, 3, "SPEAKER", "s1"), s(4, 9, "FIGURE", "s2")]),
        # two reviewers, one of them with nothing marked
        layer(2, "alice", [s(0, 3, "SPEAKER", "s1")]),
        AnnotatedDocument(Document(id="d2", title="t2", text=texts[2]), "bob", [], []),
        # a text nobody annotated
        AnnotatedDocument(Document(id="d3", title="t3", text=texts[3]), "", is_layer=False),
        # three reviewers, later adjudicated
        layer(4, "alice", [s(0, 3, "SPEAKER", "s1")]),
        layer(4, "bob", [s(0, 3, "SPEAKER", "s1")]),
        layer(4, "carol", [s(0, 3, "SPEAKER", "s1"), s(10, 15, "ENTITY", "s2")]),
        # two reviewers, adjudicated, then one layer removed: one reviewer with decisions stored
        layer(5, "alice", [s(0, 3, "SPEAKER", "s1")]),
        layer(5, "bob", [s(0, 3, "SPEAKER", "s1")]),
    ]
    store = open_project(db)
    store.import_items(items)
    for doc in ("d4", "d5"):
        AcceptAgreed(doc, "lead").apply(store)
    with store.atomic():
        store.db.execute("DELETE FROM spans WHERE doc_id = 'd5' AND annotator = 'bob'")
        store.db.execute("DELETE FROM layers WHERE doc_id = 'd5' AND annotator = 'bob'")
    expected = {who: _old_docs_json(store, who) for who in ("alice", "bob", "nobody")}
    store.close()
    assert any(d["review"]["decided"] for d in expected["alice"])  # the decisions are there to count
    assert any(d["review"]["total"] and len(d["layers"]) == 1 for d in expected["alice"])
    for who, old in expected.items():
        result = run("docs", "--db", db, "--json", "--annotator", who)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout) == old
        assert result.stdout == json.dumps(old, ensure_ascii=False, indent=2) + "\n"
