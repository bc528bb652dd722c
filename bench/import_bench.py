"""Import 10,000 documents with 100,000 spans (native JSONL) against a bare baseline.

    .venv/bin/python bench/import_bench.py [--json]

Baseline: the same lines parsed with json.loads and inserted with bare sqlite3 executemany into
tables of the same shape, in one transaction, in WAL mode. Budget: <= 3 s for the import.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from annotator.project import import_files, open_project  # noqa: E402

LABELS = ["SPEAKER", "FIGURE", "ENTITY", "CLAIM"]
WORDS = "the ministry said that north korea stole billions through cyber attacks on banks and exchanges in 2023".split()


def make_file(path: Path, docs: int = 10_000, spans_per_doc: int = 10) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        for d in range(docs):
            text = " ".join(rng.choice(WORDS) for _ in range(60)) + f" #{d}"
            spans = []
            for n in range(spans_per_doc):
                start = rng.randrange(0, len(text) - 30)
                end = start + rng.randrange(1, 30)
                spans.append({"id": f"s{n}", "start": start, "end": end, "label": rng.choice(LABELS), "text": text[start:end]})
            out.write(json.dumps({"id": f"d{d}", "text": text, "annotator": "bench", "spans": spans}) + "\n")


def baseline(path: Path, db_path: Path) -> float:
    started = time.perf_counter()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE documents (id TEXT PRIMARY KEY, text TEXT)")
    conn.execute('CREATE TABLE spans (id INTEGER PRIMARY KEY, doc_id TEXT, start INT, "end" INT, label TEXT)')
    docs, spans = [], []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            obj = json.loads(line)
            docs.append((obj["id"], obj["text"]))
            spans.extend((obj["id"], s["start"], s["end"], s["label"]) for s in obj["spans"])
    with conn:
        conn.executemany("INSERT INTO documents VALUES (?, ?)", docs)
        conn.executemany('INSERT INTO spans (doc_id, start, "end", label) VALUES (?, ?, ?, ?)', spans)
    conn.close()
    return time.perf_counter() - started


def ours(path: Path, db_path: Path) -> float:
    store = open_project(db_path)
    started = time.perf_counter()
    result = import_files(store, [path], format="jsonl", annotator="bench")
    elapsed = time.perf_counter() - started
    assert result.documents_added == 10_000 and result.spans_added + result.spans_existing == 100_000, result.summary()
    store.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = tmp / "big.jsonl"
        make_file(source)
        figure = min(ours(source, tmp / f"p{i}.db") for i in range(2))
        base = min(baseline(source, tmp / f"b{i}.db") for i in range(2))
    result = {"import_10k_docs_100k_spans_s": round(figure, 3), "import_10k_docs_100k_spans_s_baseline": round(base, 3)}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"import 10,000 docs / 100,000 spans: {figure:.3f} s  baseline {base:.3f} s  ratio {figure / base:.1f}x  "
              f"budget 3 s: {'met' if figure <= 3 else 'MISSED'}")


if __name__ == "__main__":
    main()
