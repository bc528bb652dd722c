"""Bare baselines of ``bench/scale.py``: what a plain Python program with sqlite3 and json must do
for the same job. Each runs as its own process (``python bench/scale_bare.py JOB ARGS...``), timed
and measured the same way as the ``annotator`` command it stands beside, and imports nothing but
the standard library.

    docs PROJECT REVIEWER          documents' id/title/length + per-document span counts, as JSON
    import-jsonl FILE[,FILE] DB    native JSONL lines -> rows (documents, layers, spans, claims)
    import-label-studio FILE DB    json.load of the task array -> the same rows
    import-doccano FILE DB         doccano JSONL (entities) -> the same rows
    import-spacy FILE DB           spaCy JSONL (spans) -> the same rows
    export-FORMAT PROJECT OUT      the rows -> json.dump of the format's records (no tokenising)
    merge DB FILE...               copy every reviewer file's documents, layers, spans, claims into DB
    agreement PROJECT              per document, each reviewer's set of (start, end, label), pairwise
                                   intersections
"""

from __future__ import annotations

import json
import sqlite3
import sys
from itertools import combinations

SCHEMA = """
PRAGMA journal_mode = WAL;
CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, title TEXT, text TEXT, meta TEXT, length INTEGER,
    position INTEGER);
CREATE TABLE IF NOT EXISTS layers (doc_id TEXT, annotator TEXT, done INTEGER, PRIMARY KEY (doc_id, annotator));
CREATE TABLE IF NOT EXISTS spans (id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT, annotator TEXT, start INTEGER,
    "end" INTEGER, label TEXT, attrs TEXT);
CREATE INDEX IF NOT EXISTS spans_doc ON spans(doc_id, annotator);
CREATE TABLE IF NOT EXISTS claims (id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT, annotator TEXT, span_id INTEGER,
    note TEXT);
CREATE TABLE IF NOT EXISTS claim_members (claim_id INTEGER, span_id INTEGER);
"""


def connect(db: str) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(SCHEMA)
    conn.execute("BEGIN IMMEDIATE")
    return conn


def add(conn: sqlite3.Connection, position: int, doc_id: str, title: str, text: str, annotator: str,
        spans: list[tuple[int, int, str]]) -> None:
    conn.execute("INSERT OR IGNORE INTO documents VALUES (?, ?, ?, '{}', ?, ?)", (doc_id, title, text, len(text), position))
    conn.execute("INSERT OR REPLACE INTO layers VALUES (?, ?, 0)", (doc_id, annotator))
    conn.executemany(
        'INSERT INTO spans (doc_id, annotator, start, "end", label, attrs) VALUES (?, ?, ?, ?, ?, \'{}\')',
        [(doc_id, annotator, s, e, lab) for s, e, lab in spans],
    )


def import_jsonl(paths: str, db: str) -> None:
    """``paths``: one file, or several joined by commas (all in one transaction)."""
    conn = connect(db)
    n = 0
    for path in paths.split(","):
        with open(path, encoding="utf-8") as handle:
            n = _import_lines(conn, handle, n)
    conn.execute("COMMIT")


def _import_lines(conn: sqlite3.Connection, handle, n: int) -> int:
    for line in handle:
        n += 1
        obj = json.loads(line)
        spans = obj["spans"]
        add(conn, n, obj["id"], obj.get("title", ""), obj["text"], obj["annotator"],
            [(s["start"], s["end"], s["label"]) for s in spans])
        ids = {s["id"]: i for i, s in enumerate(spans)}
        first = conn.execute("SELECT max(id) FROM spans").fetchone()[0] - len(spans) + 1
        for c in obj.get("claims", ()):
            cur = conn.execute("INSERT INTO claims (doc_id, annotator, span_id, note) VALUES (?, ?, ?, ?)",
                               (obj["id"], obj["annotator"], first + ids[c["span"]], c.get("note", "")))
            conn.executemany("INSERT INTO claim_members VALUES (?, ?)",
                             [(cur.lastrowid, first + ids[m]) for m in c["members"]])
    return n


def import_label_studio(path: str, db: str) -> None:
    conn = connect(db)
    with open(path, encoding="utf-8") as handle:
        tasks = json.load(handle)
    for n, task in enumerate(tasks):
        data = task["data"]
        for ann in task.get("annotations", ()):
            spans = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                     for r in ann["result"] if "start" in r.get("value", {})]
            add(conn, n, str(data.get("doc_id", task["id"])), data.get("title", ""), data["text"], "bench", spans)
    conn.execute("COMMIT")


def import_doccano(path: str, db: str) -> None:
    conn = connect(db)
    with open(path, encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            obj = json.loads(line)
            spans = [(e["start_offset"], e["end_offset"], e["label"]) for e in obj.get("entities", ())]
            add(conn, n, str(obj["id"]), obj.get("title", ""), obj["text"], obj.get("annotator", "bench"), spans)
    conn.execute("COMMIT")


def import_spacy(path: str, db: str) -> None:
    conn = connect(db)
    with open(path, encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            obj = json.loads(line)
            spans = [(s["start"], s["end"], s["label"]) for s in obj.get("spans", ())]
            add(conn, n, str(obj["id"]), obj.get("title", ""), obj["text"], obj.get("_annotator_id", "bench"), spans)
    conn.execute("COMMIT")


def _layers(project: str):
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    spans: dict[tuple, list] = {}
    for d, a, s, e, lab in conn.execute('SELECT doc_id, annotator, start, "end", label FROM spans ORDER BY doc_id, annotator, start'):
        spans.setdefault((d, a), []).append((s, e, lab))
    rows = conn.execute("SELECT d.id, d.title, d.text, l.annotator FROM layers l JOIN documents d ON d.id = l.doc_id"
                        " ORDER BY d.position, l.annotator")
    for doc_id, title, text, annotator in rows:
        yield doc_id, title, text, annotator, spans.get((doc_id, annotator), [])
    conn.close()


def export(fmt: str, project: str, out: str) -> None:
    with open(out, "w", encoding="utf-8") as handle:
        if fmt == "label-studio":
            tasks = [
                {"id": n, "data": {"text": text, "title": title, "doc_id": doc_id}, "annotations": [{"id": n, "result": [
                    {"id": f"s{k}", "from_name": "label", "to_name": "text", "type": "labels",
                     "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]}}
                    for k, (s, e, lab) in enumerate(spans, start=1)]}]}
                for n, (doc_id, title, text, annotator, spans) in enumerate(_layers(project), start=1)
            ]
            handle.write(json.dumps(tasks, ensure_ascii=False))  # one-shot: the C encoder (json.dump is pure Python)
            return
        for doc_id, title, text, annotator, spans in _layers(project):
            if fmt == "doccano":
                obj = {"id": doc_id, "text": text, "entities": [
                    {"id": k, "label": lab, "start_offset": s, "end_offset": e} for k, (s, e, lab) in enumerate(spans)],
                    "relations": [], "title": title, "annotator": annotator}
            else:  # spacy: the spans as spaCy's JSONL gives them, without tokens
                obj = {"id": doc_id, "title": title, "text": text, "_annotator_id": annotator, "answer": "accept",
                       "spans": [{"start": s, "end": e, "label": lab, "text": text[s:e]} for s, e, lab in spans]}
            handle.write(json.dumps(obj, ensure_ascii=False))
            handle.write("\n")


def docs(project: str, reviewer: str) -> None:
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    counts = dict(conn.execute("SELECT doc_id, count(*) FROM spans WHERE annotator = ? GROUP BY doc_id", (reviewer,)))
    rows = [{"id": i, "title": t, "length": n, "spans": counts.get(i, 0)}
            for i, t, n in conn.execute("SELECT id, title, length FROM documents ORDER BY position")]
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
    conn.close()


def merge(db: str, files: list[str]) -> None:
    conn = connect(db)
    position = conn.execute("SELECT coalesce(max(position), 0) FROM documents").fetchone()[0]
    for path in files:
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        for doc_id, title, text in src.execute("SELECT id, title, text FROM documents ORDER BY position"):
            position += 1
            conn.execute("INSERT OR IGNORE INTO documents VALUES (?, ?, ?, '{}', ?, ?)",
                         (doc_id, title, text, len(text), position))
        conn.executemany("INSERT OR REPLACE INTO layers VALUES (?, ?, ?)",
                         src.execute("SELECT doc_id, annotator, done FROM layers"))
        ids = {}
        for old, d, a, s, e, lab, attrs in src.execute('SELECT id, doc_id, annotator, start, "end", label, attrs FROM spans'):
            ids[old] = conn.execute('INSERT INTO spans (doc_id, annotator, start, "end", label, attrs) VALUES (?, ?, ?, ?, ?, ?)',
                                    (d, a, s, e, lab, attrs)).lastrowid
        claims = {}
        for old, d, a, span, note in src.execute("SELECT id, doc_id, annotator, span_id, note FROM claims"):
            claims[old] = conn.execute("INSERT INTO claims (doc_id, annotator, span_id, note) VALUES (?, ?, ?, ?)",
                                       (d, a, ids[span], note)).lastrowid
        conn.executemany("INSERT INTO claim_members VALUES (?, ?)",
                         [(claims[c], ids[s]) for c, s in src.execute("SELECT claim_id, span_id FROM claim_members")])
        src.close()
    conn.execute("COMMIT")


def agreement(project: str) -> None:
    conn = sqlite3.connect(f"file:{project}?mode=ro", uri=True)
    layers: dict[str, dict[str, set]] = {}
    for d, a, s, e, lab in conn.execute('SELECT doc_id, annotator, start, "end", label FROM spans'):
        layers.setdefault(d, {}).setdefault(a, set()).add((s, e, lab))
    matched = 0
    for per_doc in layers.values():
        for x, y in combinations(per_doc.values(), 2):
            matched += len(x & y)
    print(json.dumps({"matched": matched, "documents": len(layers)}))


def main(argv: list[str]) -> int:
    job, *rest = argv
    if job == "docs":
        docs(*rest)
    elif job.startswith("import-"):
        {"jsonl": import_jsonl, "label-studio": import_label_studio, "doccano": import_doccano,
         "spacy": import_spacy}[job[len("import-"):]](*rest)
    elif job.startswith("export-"):
        export(job[len("export-"):], *rest)
    elif job == "merge":
        merge(rest[0], rest[1:])
    elif job == "agreement":
        agreement(*rest)
    else:
        raise SystemExit(f"unknown job {job}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
