"""Import, export and ``docs --json`` at real sizes, each against a bare baseline of the same run.

    .venv/bin/python bench/io_bench.py import FILE.jsonl [...]      # CLI import: seconds, peak MB
    .venv/bin/python bench/io_bench.py interop PROJECT FILE FORMAT  # import FILE, export PROJECT
    .venv/bin/python bench/io_bench.py docs PROJECT REVIEWER        # annotator docs --json

Every figure runs in a fresh subprocess (peak RSS from its own VmHWM); the baselines are bare
sqlite3 + json doing the same rows (import: documents, spans, claims and members inserted in one
transaction; docs: the same counts and layers grouped and printed with json indent=2; interop:
json.load of the file and the same inserts, and for export a select of the spans with json.dumps
of the tasks). Copy cached projects before use (see bench/run.py's notes): commands write to them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable

_MEASURE = textwrap.dedent("""
    import runpy, sys, time
    t = time.perf_counter()
    sys.argv = sys.argv[1:]
    try:
        if sys.argv[0] == "-m":
            sys.argv = sys.argv[1:]
            runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(sys.argv[0], run_name="__main__")
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise
    elapsed = time.perf_counter() - t
    hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    sys.stderr.write(f"@@ {elapsed} {hwm}\\n")
""")

BARE_IMPORT = textwrap.dedent("""
    import hashlib, json, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1]); conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, title TEXT, text TEXT, sha TEXT UNIQUE, meta TEXT)")
    conn.execute('CREATE TABLE spans (id INTEGER PRIMARY KEY, doc_id TEXT, annotator TEXT, start INT, "end" INT, '
                 'label TEXT, attrs TEXT)')
    conn.execute("CREATE TABLE claims (id INTEGER PRIMARY KEY, doc_id TEXT, annotator TEXT, span_id INT)")
    conn.execute("CREATE TABLE claim_members (claim_id INT, span_id INT, PRIMARY KEY (claim_id, span_id))")
    with conn:
        for path in sys.argv[2:]:
            for line in open(path, encoding="utf-8"):
                o = json.loads(line)
                conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?)", (o["id"], o.get("title"), o["text"],
                             hashlib.sha256(o["text"].encode()).hexdigest(), o.get("meta_json", "{}")))
                first = conn.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0] + 1
                conn.executemany('INSERT INTO spans (doc_id, annotator, start, "end", label, attrs) VALUES (?, ?, ?, ?, ?, ?)',
                                 [(o["id"], o.get("annotator", "x"), s["start"], s["end"], s["label"], "{}") for s in o["spans"]])
                ids = {s["id"]: first + n for n, s in enumerate(o["spans"])}
                for c in o.get("claims") or []:
                    cid = conn.execute("INSERT INTO claims (doc_id, annotator, span_id) VALUES (?, ?, ?)",
                                       (o["id"], o.get("annotator", "x"), ids.get(c.get("span")))).lastrowid
                    conn.executemany("INSERT OR IGNORE INTO claim_members VALUES (?, ?)", [(cid, ids[m]) for m in c["members"]])
""")

BARE_DOCS = textwrap.dedent("""
    import json, sqlite3, sys
    conn = sqlite3.connect(sys.argv[1]); who = sys.argv[2]
    layers = {}
    for d, a, done in conn.execute("SELECT doc_id, annotator, done FROM layers ORDER BY annotator"):
        layers.setdefault(d, []).append({"annotator": a, "done": bool(done)})
    spans = dict(conn.execute("SELECT doc_id, count(*) FROM spans WHERE annotator = ? GROUP BY doc_id", (who,)))
    claims = dict(conn.execute("SELECT doc_id, count(*) FROM claims WHERE annotator = ? GROUP BY doc_id", (who,)))
    out = [{"id": i, "title": t, "length": n, "spans": spans.get(i, 0), "claims": claims.get(i, 0),
            "layers": layers.get(i, [])}
           for i, t, n in conn.execute("SELECT id, title, length FROM documents ORDER BY position")]
    print(json.dumps(out, ensure_ascii=False, indent=2))
""")

BARE_INTEROP = textwrap.dedent("""
    import hashlib, json, sqlite3, sys, time
    source, project, out_db, out_file = sys.argv[1:5]
    t = time.perf_counter()
    tasks = json.load(open(source, encoding="utf-8"))
    conn = sqlite3.connect(out_db); conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, text TEXT, sha TEXT UNIQUE)")
    conn.execute('CREATE TABLE spans (id INTEGER PRIMARY KEY, doc_id TEXT, start INT, "end" INT, label TEXT)')
    with conn:
        for task in tasks:
            d = task["data"]
            conn.execute("INSERT INTO documents VALUES (?, ?, ?)",
                         (d["doc_id"], d["text"], hashlib.sha256(d["text"].encode()).hexdigest()))
            for a in task["annotations"]:
                conn.executemany('INSERT INTO spans (doc_id, start, "end", label) VALUES (?, ?, ?, ?)',
                                 [(d["doc_id"], r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
                                  for r in a["result"] if r.get("type") == "labels"])
    imported = time.perf_counter() - t
    t = time.perf_counter()
    src = sqlite3.connect(project)
    spans = {}
    for doc_id, start, end, label in src.execute('SELECT doc_id, start, "end", label FROM spans ORDER BY doc_id, start'):
        spans.setdefault(doc_id, []).append((start, end, label))
    out = [{"data": {"text": text}, "annotations": [{"result": [
               {"type": "labels", "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]}}
               for s, e, lab in spans.get(doc_id, [])]}]}
           for doc_id, text in src.execute("SELECT id, text FROM documents ORDER BY position")]
    with open(out_file, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(out, ensure_ascii=False))
    print(json.dumps({"import": imported, "export": time.perf_counter() - t}))
""")

OURS_INTEROP = textwrap.dedent("""
    import json, sys, time
    from annotator.project import export, import_files, open_project
    source, project, fmt, out_db, out_file = sys.argv[1:6]
    store = open_project(out_db)
    t = time.perf_counter()
    import_files(store, [source], format=fmt, annotator="x")
    imported = time.perf_counter() - t
    store.close()
    store = open_project(project)
    t = time.perf_counter()
    export(store, out_file, format=fmt)
    print(json.dumps({"import": imported, "export": time.perf_counter() - t}))
""")


def measured(*args: str, env: dict | None = None) -> tuple[float, int, str]:
    proc = subprocess.run([PY, "-c", _MEASURE, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    tail = [line for line in proc.stderr.splitlines() if line.startswith("@@ ")]
    if proc.returncode or not tail:
        raise SystemExit(f"failed: {' '.join(args)}\n{proc.stderr[-2000:]}")
    _, seconds, kib = tail[-1].split()
    return float(seconds), int(kib) // 1024, proc.stdout


def script(tmp: Path, name: str, code: str) -> str:
    path = tmp / name
    path.write_text(code, encoding="utf-8")
    return str(path)


def main(argv: list[str]) -> None:
    what, *rest = argv
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        if what == "import":
            ours = measured("-m", "annotator.cli", "import", *rest, "--db", str(tmp / "p.annotator.db"), "-q")
            bare = measured(script(tmp, "bare.py", BARE_IMPORT), str(tmp / "b.db"), *rest)
            figure = {"import_s": ours[0], "import_peak_mb": ours[1], "import_s_baseline": bare[0],
                      "import_peak_mb_baseline": bare[1]}
        elif what == "docs":
            project, reviewer = rest
            ours = measured("-m", "annotator.cli", "docs", "--json", "--db", project, "--annotator", reviewer)
            bare = measured(script(tmp, "bare.py", BARE_DOCS), project, reviewer)
            figure = {"docs_json_s": ours[0], "docs_json_s_baseline": bare[0]}
        elif what == "interop":
            project, source, fmt = rest
            suffix = ".json" if fmt == "label-studio" else ".jsonl"
            ours = json.loads(measured(script(tmp, "ours.py", OURS_INTEROP), source, project, fmt,
                                       str(tmp / "p.annotator.db"), str(tmp / f"out{suffix}"))[2])
            figure = {f"{fmt}_import_s": ours["import"], f"{fmt}_export_s": ours["export"]}
            if fmt == "label-studio":
                bare = json.loads(measured(script(tmp, "bare.py", BARE_INTEROP), source, project, str(tmp / "b.db"),
                                           str(tmp / "b.json"))[2])
                figure.update({f"{fmt}_import_s_baseline": bare["import"], f"{fmt}_export_s_baseline": bare["export"]})
        else:
            raise SystemExit(__doc__)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figure.items()}))


if __name__ == "__main__":
    main(sys.argv[1:])
