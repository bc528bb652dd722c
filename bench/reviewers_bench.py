"""Merge, re-merge, agreement and the review view at real sizes, each against a bare baseline.

    .venv/bin/python bench/reviewers_bench.py [--docs 1000] [--reviewers 10] [--agreement-docs 10000]
        [--only merge,agreement,review] [--json] [--cache DIR]

Data (seeded, cached in ``--cache``, default ``/tmp/annotator-reviewers-bench``; copied before use):

- ten reviewer project files of ``--docs`` generated articles (``bench/gen.py``, ~4 KB, 10 spans with
  their claims), each reviewer's layer the shared draft with some spans changed (label, boundary);
  a second set where 20% of every reviewer's spans changed again.
- a project of ``--agreement-docs`` documents x 3 reviewers (10 spans each), for agreement.

Figures (seconds; peak RSS in MB of a fresh process doing only that step):

- ``merge_fresh``: the ten files merged into an empty project; ``remerge_unchanged``: the same files
  again; ``remerge_changed``: the changed set. Baseline: plain sqlite3 reading every row of the ten
  files and inserting them into a fresh database in one transaction, with a ``json`` round trip of
  each attrs value.
- ``agreement``: what ``annotator agreement`` does (read the layers, compute the report).
  Baseline: plain sqlite3 reading every reviewer span, and pairwise set intersections per document.
- ``review_items`` / ``review_progress``: one document of the merged project (ten reviewers), median.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen import generate_document  # noqa: E402

OTHER = {"SPEAKER": "ENTITY", "ENTITY": "FIGURE", "FIGURE": "SPEAKER", "CLAIM": "CLAIM"}


def _layer(rng: random.Random, spans, claims, text: str, change: float):
    from annotator.model import Claim, Span

    layer = []
    for i, s in enumerate(spans):
        start, end, label = s.start, s.end, s.label
        if rng.random() < change:
            if label != "CLAIM" and rng.random() < 0.5:
                label = OTHER[label]
            elif end - start > 2:
                end -= 1
        layer.append(Span(start, end, label, id=f"s{i + 1}"))
    layer_claims = [Claim(span=f"s{c + 1}", members=tuple(f"s{m + 1}" for m in members), id=f"c{n}")
                    for n, (c, members) in enumerate(claims, start=1)]
    return layer, layer_claims


def _documents(n: int):
    from annotator.model import Document

    out = []
    for d in range(n):
        text, spans, claims = generate_document(1000 + d, 4000, 10)
        out.append((Document(id=f"doc-{d:05d}", title=f"Article {d}", text=text), spans, claims))
    return out


def build_reviewer_files(folder: Path, n_docs: int, n_reviewers: int) -> None:
    from annotator.model import AnnotatedDocument
    from annotator.project import open_project

    docs = _documents(n_docs)
    for version, change in (("v1", 0.1), ("v2", None)):
        for r in range(n_reviewers):
            name = f"reviewer{r:02d}"
            path = folder / version / f"{name}.annotator.db"
            path.parent.mkdir(parents=True, exist_ok=True)
            items = []
            for d, (doc, spans, claims) in enumerate(docs):
                rng = random.Random(f"{r}-{d}")
                layer, layer_claims = _layer(rng, spans, claims, doc.text, 0.1)
                if change is None:  # v2: 20% of the v1 spans changed again
                    rng2 = random.Random(f"v2-{r}-{d}")
                    from annotator.model import Span
                    layer = [Span(s.start, s.end - 1 if s.end - s.start > 2 else s.end, s.label, id=s.id)
                             if rng2.random() < 0.2 else s for s in layer]
                items.append(AnnotatedDocument(doc, name, layer, layer_claims, done=True))
            with open_project(path) as store:
                store.import_items(items)


def build_agreement_project(path: Path, n_docs: int) -> None:
    from annotator.model import AnnotatedDocument
    from annotator.project import open_project

    docs = _documents(min(n_docs, 500))
    items = []
    from annotator.model import Document
    for d in range(n_docs):
        base, spans, claims = docs[d % len(docs)]
        doc = Document(id=f"doc-{d:05d}", title=f"Article {d}", text=base.text + f"\n\n({d})")
        for r in range(3):
            rng = random.Random(f"a{r}-{d}")
            layer, layer_claims = _layer(rng, spans, claims, doc.text, 0.2)
            items.append(AnnotatedDocument(doc, f"r{r}", layer, layer_claims))
    with open_project(path) as store:
        store.import_items(items)


def _child(code: str, *args: str) -> tuple[float, float]:
    """Run ``code`` in a fresh interpreter; (the seconds it prints, its peak RSS in MB)."""
    done = subprocess.run([sys.executable, "-c", code + _RSS, *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode:
        raise SystemExit(done.stderr)
    if done.stderr.strip():
        print(done.stderr, file=sys.stderr)
    seconds, rss, cpu = done.stdout.strip().splitlines()[-1].split()
    _child.cpu = float(cpu)  # CPU seconds of the timed part: steadier than wall time on a busy machine
    return float(seconds), float(rss) / 1024


_RSS = ("\nimport resource as _r; _u = _r.getrusage(_r.RUSAGE_SELF)"
        "\nprint(_e, _u.ru_maxrss, _c1 - _c0 if '_c1' in dir() else -1)\n")


MERGE = """
import sys, time, resource
from annotator.project import open_project
from annotator.merge import merge_files
with open_project(sys.argv[1]) as store:
    _c0 = time.process_time()
    t = time.perf_counter()
    merge_files(store, sys.argv[2:])
    _e = time.perf_counter() - t
    _c1 = time.process_time()
"""

MERGE_PROFILE = """
import sys, time, cProfile, pstats
from annotator.project import open_project
from annotator.merge import merge_files
with open_project(sys.argv[1]) as store:
    p = cProfile.Profile(); p.enable()
    t = time.perf_counter()
    merge_files(store, sys.argv[2:])
    e = time.perf_counter() - t
    p.disable(); pstats.Stats(p, stream=sys.stderr).sort_stats('cumulative').print_stats(25)
    _e = e
"""

BARE_MERGE = """
import sys, time, sqlite3, json
_c0 = time.process_time()
t = time.perf_counter()
out = sqlite3.connect(sys.argv[1], isolation_level=None)
out.execute("PRAGMA journal_mode=WAL")
out.execute("CREATE TABLE IF NOT EXISTS documents (id TEXT PRIMARY KEY, text TEXT, meta TEXT)")
out.execute("CREATE TABLE IF NOT EXISTS spans (id INTEGER PRIMARY KEY, doc_id TEXT, annotator TEXT, start INT, end INT, label TEXT, attrs TEXT)")
out.execute("BEGIN")
for path in sys.argv[2:]:
    src = sqlite3.connect(path)
    out.executemany("INSERT OR IGNORE INTO documents VALUES (?, ?, ?)", src.execute("SELECT id, text, meta FROM documents"))
    out.executemany("INSERT INTO spans (doc_id, annotator, start, end, label, attrs) VALUES (?, ?, ?, ?, ?, ?)",
                    ((d, a, s, e, l, json.dumps(json.loads(x))) for d, a, s, e, l, x in
                     src.execute('SELECT doc_id, annotator, start, "end", label, attrs FROM spans')))
    src.close()
out.execute("COMMIT")
_e = time.perf_counter() - t
_c1 = time.process_time()
"""

AGREEMENT = """
import sys, time
from annotator.cli.reviewers import agreement
from click.testing import CliRunner
t = time.perf_counter()
r = CliRunner().invoke(agreement, ["--db", sys.argv[1], "--json", "--quiet"])
assert r.exit_code == 0, r.output
_e = time.perf_counter() - t
"""

BARE_AGREEMENT = """
import sys, time, sqlite3
from itertools import combinations
from collections import defaultdict
t = time.perf_counter()
db = sqlite3.connect(sys.argv[1])
layers = defaultdict(lambda: defaultdict(set))
for d, a, s, e, l in db.execute('SELECT doc_id, annotator, start, "end", label FROM spans WHERE annotator != ?', ("gold",)):
    layers[d][a].add((s, e, l))
m = 0
for doc in layers.values():
    for x, y in combinations(doc.values(), 2):
        m += len(x & y)
_e = time.perf_counter() - t
"""


def median(values):
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--reviewers", type=int, default=10)
    parser.add_argument("--agreement-docs", type=int, default=10000)
    parser.add_argument("--only", default="merge,agreement,review")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile each merge step (stderr)")
    parser.add_argument("--cache", default="/tmp/annotator-reviewers-bench")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    only = set(args.only.split(","))
    cache = Path(args.cache)
    work = cache / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ.setdefault("ANNOTATOR_HOME", str(work))
    os.environ.setdefault("ANNOTATOR_CONFIG", str(work))
    figures: dict[str, float] = {}

    files_dir = cache / f"reviewers-{args.reviewers}x{args.docs}"
    if ("merge" in only or "review" in only) and not (files_dir / "done").exists():
        shutil.rmtree(files_dir, ignore_errors=True)
        build_reviewer_files(files_dir, args.docs, args.reviewers)
        (files_dir / "done").touch()
    lead = work / "lead.annotator.db"
    if "merge" in only or "review" in only:
        v1 = sorted(str(p) for p in (files_dir / "v1").glob("*.annotator.db"))
        v2 = sorted(str(p) for p in (files_dir / "v2").glob("*.annotator.db"))
        code = MERGE_PROFILE if args.profile else MERGE
        for step, files in (("merge_fresh", v1), ("remerge_unchanged", v1), ("remerge_changed", v2)):
            if step == "merge_fresh":
                lead.unlink(missing_ok=True)
            figures[step + "_s"], figures[step + "_rss_mb"] = _child(code, str(lead), *files)
            figures[step + "_cpu_s"] = _child.cpu
        bare = work / "bare.db"
        times = []
        for _ in range(args.repeat):
            bare.unlink(missing_ok=True)
            Path(str(bare) + "-wal").unlink(missing_ok=True)
            seconds, rss = _child(BARE_MERGE, str(bare), *v1)
            times.append((seconds, _child.cpu))
        figures["merge_baseline_s"], figures["merge_baseline_rss_mb"] = median(t for t, _ in times), rss
        figures["merge_baseline_cpu_s"] = median(c for _, c in times)

    if "agreement" in only:
        agreement_db = cache / f"agreement-{args.agreement_docs}x3.annotator.db"
        if not agreement_db.exists():
            build_agreement_project(agreement_db, args.agreement_docs)
        copy = work / "agreement.annotator.db"
        shutil.copy(agreement_db, copy)
        figures["agreement_s"] = median([_child(AGREEMENT, str(copy))[0] for _ in range(args.repeat)])
        figures["agreement_baseline_s"] = median([_child(BARE_AGREEMENT, str(copy))[0] for _ in range(args.repeat)])

    if "review" in only:
        from annotator import review
        from annotator.store import Store

        with Store(lead) as store:
            doc_ids = store.document_ids()
            doc_id = doc_ids[len(doc_ids) // 2]

            def timed(fn, n=20):
                out = []
                for _ in range(n):
                    t = time.perf_counter()
                    fn()
                    out.append(time.perf_counter() - t)
                return median(out)

            figures["review_items_ms"] = 1000 * timed(lambda: review.review_items(store, doc_id))
            figures["review_progress_ms"] = 1000 * timed(lambda: review.review_progress(store, doc_id))
            t = time.perf_counter()
            for d in doc_ids:
                review.review_progress(store, d)
            figures["review_progress_all_docs_s"] = time.perf_counter() - t

            def bare():
                store.db.execute('SELECT annotator, start, "end", label FROM spans WHERE doc_id = ?', (doc_id,)).fetchall()
            figures["review_baseline_ms"] = 1000 * timed(bare)

    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:32s} {value:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
