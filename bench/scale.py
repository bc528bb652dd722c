"""The app at real project sizes (issue 10): 1,000, 10,000 and 100,000 documents, ten reviewers.

    .venv/bin/python bench/scale.py                 # every figure at 1k, 10k and 100k documents
    .venv/bin/python bench/scale.py --quick         # 1k and 10k only, fewer repetitions
    .venv/bin/python bench/scale.py --json          # one JSON object on stdout (the table goes to stderr)
    .venv/bin/python bench/scale.py --only key_to_span_10k_docs_ms,remerge_10x1k_s
    .venv/bin/python bench/scale.py --sizes 1k,10k  # the per-size figures at these sizes
    .venv/bin/python bench/scale.py --generate-only [--quick]   # make the cached data and stop
    .venv/bin/python bench/scale.py --profile key   # cProfile of in-window figures (key|switch|review)
    .venv/bin/python bench/scale.py --table a.json,b.json   # reprint earlier --json outputs as one table

A full run takes about half an hour on 2 cores (the two re-merges each run into the 300 s timeout
with today's code, the 100k import about 5 minutes); the first run also generates the data (about
8 minutes, 2.5 GB).

Run it from a worktree with ``PYTHONPATH`` at the worktree (the children inherit it). Benchmarks,
not tests: every figure is printed beside a bare baseline measured in the same run, the ratio
figure / baseline, the growth factor per 10x more documents (figure at N / figure at N/10), and the
issue's target. Figures are medians of the repetitions. A child that runs longer than
``--timeout`` seconds (300; three times that for the 100k import) is killed and its figure printed
as a timeout (``null`` in JSON, the reason under ``notes``); its baseline is still measured.

The data (``bench/scale_data.py``) is generated once by ``bench/gen.py`` (seeded news-like articles
of 3-8 KB with ~10 spans and their claims), imported through ``annotator import`` and cached under
``${ANNOTATOR_BENCH_CACHE:-~/.cache/annotator-bench}``; every measurement works on a fresh copy.

Figures (JSON keys; each has a ``<key>_baseline`` twin; N is 1k, 10k or 100k):

- ``key_to_span_N_docs_ms``: in the main window (offscreen Qt, real widgets, a fresh interpreter
  per project: ``bench/scale_gui.py``), label key ``1`` on a selected word -> span committed (seen
  by a second sqlite3 connection) and viewport repainted. Baseline: one sqlite3 INSERT + commit
  (WAL, synchronous=FULL) plus a bare viewport repaint (``bench/run.py``'s ``key_to_span_ms``).
- ``doc_switch_N_docs_ms``: ``MainWindow.open_document`` to documents spread over the whole
  project, until processed and painted. Baseline: ``setPlainText`` of the same texts into a bare
  QPlainTextEdit with a do-nothing highlighter, processed and painted.
- ``launch_N_docs_s``: fresh interpreter -> main window shown on an existing project of N
  documents, first document loaded and painted. ``launch_lead_1k_x10_s``: the same on the lead's
  project (1k documents x 10 reviewers), reviewer ``lead``. Baseline: an interpreter showing a bare
  QMainWindow + QPlainTextEdit with the first document's text (``bench/run.py``'s ``launch_s``).
- ``docs_json_N_s``: ``annotator docs --json`` as a process, output to a file. Baseline: a bare
  Python process dumping the documents' id/title/length and per-document span counts as JSON.
- ``import_N_s`` / ``import_N_peak_mb``: ``annotator import`` of the N-document JSONL into a new
  project (100k: ten files of 10k documents in one command, since the CLI reads no file over
  512 MiB): wall time and peak RSS of the process. Baseline: a bare Python process inserting the same
  rows with sqlite3 in one transaction, line by line.
- ``merge_fresh_10x1k_s``: ``annotator merge`` of 10 reviewer project files x 1k documents into a
  new project; ``remerge_10x1k_s``: the same files again into that result; ``remerge_changed_10x1k_s``:
  into that result, files where 20% of each reviewer's spans changed; each with ``_peak_mb``.
  Baseline: a bare sqlite3 process copying the files' rows into one database.
- ``ls_import_1k_x100_s`` / ``ls_export_1k_x100_s`` (and ``doccano_``, ``spacy_``): ``annotator
  import`` into a new project / ``annotator export`` of 1,000 documents x 100 spans as Label Studio
  JSON (doccano JSONL, spaCy JSONL). Baseline: json.load (per line for JSONL) and sqlite3 inserts of
  the same rows / sqlite3 reads and json.dump of the same records (spaCy: without the tokens).
- ``agreement_10k_x3_s``: ``annotator agreement --json`` over 10k documents x 3 reviewers. Baseline:
  a bare process building each layer's set of (start, end, label) and intersecting them pairwise.
- ``review_view_ms``: ``ReviewWindow`` on documents of the lead project (10 reviewers), first opening
  each, until shown, processed and painted. Baseline: bare ``setPlainText`` of the same texts.

Process figures are timed by a small launcher (``python -S``) around the command, which also reads
the command's peak RSS (``RUSAGE_CHILDREN``: the launcher is small, and Linux carries ``ru_maxrss``
across ``exec``). Baselines are run by the same launcher (``bench/scale_bare.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import scale_data as data  # noqa: E402
from scale_report import FIXED, k, output, reprint  # noqa: E402

BARE = str(HERE / "scale_bare.py")
GUI = str(HERE / "scale_gui.py")
INTEROP = {"ls": "label-studio", "doccano": "doccano", "spacy": "spacy"}


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------------------
# Children

LAUNCHER = r"""
import json, resource, subprocess, sys, time
cmd = json.loads(sys.argv[1])
with open(sys.argv[2], "wb") as out:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"s": elapsed, "peak_mb": peak, "rc": proc.returncode,
                  "stderr": proc.stderr.decode("utf-8", "replace")[-3000:]}))
"""


class Timeout(Exception):
    pass


def _run(command: list[str], timeout: float, env: dict | None = None) -> str:
    """Run ``command`` in its own session; kill the whole group after ``timeout`` seconds."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or data.child_env(), cwd=str(data.ROOT), start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise Timeout(f"> {timeout:.0f} s (killed)") from None
    if proc.returncode != 0:
        raise RuntimeError(f"{command[:4]}... failed ({proc.returncode}): {err[-3000:]}")
    if err.strip() and os.environ.get("BENCH_PROFILE"):
        log(err)
    return out


def measure(command: list[str], timeout: float, out: Path | None = None) -> dict:
    """Wall time and peak RSS (MB) of ``command`` (stdout to ``out``)."""
    sink = str(out) if out else os.devnull
    result = json.loads(_run([sys.executable, "-S", "-c", LAUNCHER, json.dumps(command), sink], timeout + 5)
                        .strip().splitlines()[-1])
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(command[:6])}... exited {result['rc']}: {result['stderr']}")
    return result


def cli(*args: str) -> list[str]:
    return data.annotator_cmd() + list(args)


def bare(*args: str) -> list[str]:
    return [sys.executable, BARE] + list(args)


LAUNCH_APP = r"""
import json, os, sys, time
from PySide6.QtWidgets import QApplication
from annotator.gui.app import open_window
app = QApplication(sys.argv)
window = open_window(os.environ["BENCH_DB"], os.environ["BENCH_REVIEWER"])
window.show()
QApplication.processEvents()
window.view.viewport().repaint()
elapsed = time.monotonic() - float(os.environ["BENCH_T0"])
assert window.session.doc_id is not None and window.view.text, "no document open"
window.close()
window.store.close()
print(json.dumps({"s": elapsed}))
"""


def launch_once(code: str, timeout: float, **env: str) -> float:
    env_all = data.child_env()
    env_all.update(env)
    env_all["BENCH_T0"] = repr(time.monotonic())
    return json.loads(_run([sys.executable, "-c", code], timeout, env_all).strip().splitlines()[-1])["s"]


# ------------------------------------------------------------------------------------------------
# Measurements (each a group of keys; results[key] = median, or None with a note)


class Bench:
    def __init__(self, args, tmp: Path):
        self.args = args
        self.tmp = tmp
        self.timeout = args.timeout
        self.results: dict = {}
        self.notes: dict[str, str] = {}
        self.samples: dict[str, list] = {}
        self.wanted = set(args.only.split(",")) if args.only else None
        self.counter = 0

    def want(self, *keys: str) -> bool:
        return self.wanted is None or any(key in self.wanted for key in keys)

    def reps(self, quick: int, full: int) -> int:
        return quick if self.args.quick else full

    def scratch(self) -> Path:
        self.counter += 1
        folder = self.tmp / f"m{self.counter}"
        folder.mkdir()
        return folder

    def record(self, key: str, values: list[float], base: list[float]) -> None:
        self.results[key] = statistics.median(values)
        self.results[f"{key}_baseline"] = statistics.median(base) if base else None
        self.samples[key] = [round(v, 4) for v in values]
        log(f"  {key} = {self.results[key]:.4g}  (bare {self.results[f'{key}_baseline'] or 0:.4g})")

    def failed(self, keys: list[str], why: str) -> None:
        for key in keys:
            self.results[key] = None
            self.results.setdefault(f"{key}_baseline", None)  # a baseline measured first is kept
            self.notes[key] = why
        log(f"  {', '.join(keys)}: {why}")

    def guarded(self, keys: list[str], fn) -> None:
        if not self.want(*keys):
            return
        log(f"{', '.join(keys)}...")
        try:
            fn()
        except Timeout as exc:
            self.failed([key for key in keys if key not in self.results], f"timeout {exc}")
        except Exception as exc:  # noqa: BLE001 -- a figure that fails is reported, the rest go on
            self.failed([key for key in keys if key not in self.results], f"failed: {str(exc).strip()[-400:]}")

    # -- per size ---------------------------------------------------------------------------

    def window(self, n: int) -> None:
        db = data.fresh_copy(data.project(n), self.scratch())
        env = data.child_env()
        env["BENCH_TMP"] = str(db.parent)
        reps = self.reps(8, 20)
        out = json.loads(_run([sys.executable, GUI, "window", str(db), str(reps)], self.timeout, env).strip().splitlines()[-1])
        self.record(f"key_to_span_{k(n)}_docs_ms", out["key_ms"], out["key_ms_baseline"])
        self.record(f"doc_switch_{k(n)}_docs_ms", out["switch_ms"], out["switch_ms_baseline"])

    def launch(self, key: str, project: Path, reviewer: str) -> None:
        folder = self.scratch()
        db = data.fresh_copy(project, folder)
        text_file = folder / "first.txt"
        import sqlite3

        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        text_file.write_text(conn.execute("SELECT text FROM documents ORDER BY position LIMIT 1").fetchone()[0], encoding="utf-8")
        conn.close()
        import run  # bench/run.py: its bare launch

        launch_once(run.LAUNCH_BARE, self.timeout, BENCH_TEXT=str(text_file))  # warm the file cache
        launch_once(LAUNCH_APP, self.timeout, BENCH_DB=str(db), BENCH_REVIEWER=reviewer)
        times, base = [], []
        for _ in range(self.reps(2, 5)):
            times.append(launch_once(LAUNCH_APP, self.timeout, BENCH_DB=str(db), BENCH_REVIEWER=reviewer))
            base.append(launch_once(run.LAUNCH_BARE, self.timeout, BENCH_TEXT=str(text_file)))
        self.record(key, times, base)

    def docs_json(self, n: int) -> None:
        folder = self.scratch()
        db = data.fresh_copy(data.project(n), folder)
        times, base = [], []
        for _ in range(self.reps(1, 2 if n >= 100_000 else 3)):
            times.append(measure(cli("docs", "--db", str(db), "--annotator", "bench", "--json"), self.timeout, folder / "a.json")["s"])
            rows = json.loads((folder / "a.json").read_text(encoding="utf-8"))
            assert len(rows) == n, f"docs --json listed {len(rows)} documents"
            base.append(measure(bare("docs", str(db), "bench"), self.timeout, folder / "b.json")["s"])
        self.record(f"docs_json_{k(n)}_s", times, base)

    def import_(self, n: int) -> None:
        sources = [str(p) for p in data.docs_parts(n)]  # the CLI reads files up to 512 MiB: 100k is 10 files
        times, peaks, base, base_peaks = [], [], [], []
        # 100k documents through today's import take minutes: allow it three times the timeout
        timeout = self.timeout * (3 if n >= 100_000 else 1)
        for _ in range(self.reps(1, 1 if n >= 100_000 else 3)):
            folder = self.scratch()
            b = measure(bare("import-jsonl", ",".join(sources), str(folder / "bare.db")), timeout)
            base.append(b["s"])
            base_peaks.append(b["peak_mb"])
            self.results[f"import_{k(n)}_s_baseline"] = statistics.median(base)
            self.results[f"import_{k(n)}_peak_mb_baseline"] = statistics.median(base_peaks)
            r = measure(cli("import", "--db", str(folder / "new.annotator.db"), "--quiet", "--format", "jsonl", *sources),
                        timeout)
            times.append(r["s"])
            peaks.append(r["peak_mb"])
        self.record(f"import_{k(n)}_s", times, base)
        self.record(f"import_{k(n)}_peak_mb", peaks, base_peaks)

    # -- fixed sizes ------------------------------------------------------------------------

    def merge(self) -> None:
        folder = self.scratch()
        files = [data.fresh_copy(data.reviewer_project(r), folder / f"r{r}") for r in range(data.N_REVIEWERS)]
        changed = [data.fresh_copy(data.reviewer_project(r, changed=True), folder / f"c{r}") for r in range(data.N_REVIEWERS)]
        merged = folder / "merged.annotator.db"
        bare_merged = folder / "merged-bare.db"
        b = measure(bare("merge", str(bare_merged), *map(str, files)), self.timeout)
        r = measure(cli("merge", "--db", str(merged), "--quiet", *map(str, files)), self.timeout)
        self.record("merge_fresh_10x1k_s", [r["s"]], [b["s"]])
        self.record("merge_fresh_10x1k_peak_mb", [r["peak_mb"]], [b["peak_mb"]])
        data._checkpoint(merged)
        for key, inputs in (("remerge_10x1k", files), ("remerge_changed_10x1k", changed)):
            if not self.want(f"{key}_s", f"{key}_peak_mb") and self.wanted is not None:
                continue
            try:
                target_db = data.fresh_copy(merged, folder / key)
                target_bare = data.fresh_copy(bare_merged, folder / key)
                b = measure(bare("merge", str(target_bare), *map(str, inputs)), self.timeout)
                self.results[f"{key}_s_baseline"], self.results[f"{key}_peak_mb_baseline"] = b["s"], b["peak_mb"]
                r = measure(cli("merge", "--db", str(target_db), "--quiet", *map(str, inputs)), self.timeout)
                self.record(f"{key}_s", [r["s"]], [b["s"]])
                self.record(f"{key}_peak_mb", [r["peak_mb"]], [b["peak_mb"]])
            except Timeout as exc:
                self.failed([f"{key}_s", f"{key}_peak_mb"], f"timeout {exc}")

    def interop(self, short: str) -> None:
        fmt = INTEROP[short]
        source = data.interop_file(fmt)
        project = data.interop_project()
        times, base = [], []
        if self.want(f"{short}_import_1k_x100_s"):
            for _ in range(self.reps(1, 3)):
                folder = self.scratch()
                times.append(measure(cli("import", "--db", str(folder / "new.annotator.db"), "--quiet", "--format", fmt,
                                         str(source)), self.timeout)["s"])
                base.append(measure(bare(f"import-{fmt}", str(source), str(folder / "bare.db")), self.timeout)["s"])
            self.record(f"{short}_import_1k_x100_s", times, base)
        if self.want(f"{short}_export_1k_x100_s"):
            times, base = [], []
            folder = self.scratch()
            db = data.fresh_copy(project, folder)
            suffix = data.INTEROP_FORMATS[fmt]
            for i in range(self.reps(1, 3)):
                times.append(measure(cli("export", "--db", str(db), "--format", fmt, "--quiet", "-o",
                                         str(folder / f"out{i}{suffix}")), self.timeout)["s"])
                base.append(measure(bare(f"export-{fmt}", str(db), str(folder / f"bare{i}{suffix}")), self.timeout)["s"])
            self.record(f"{short}_export_1k_x100_s", times, base)

    def agreement(self) -> None:
        folder = self.scratch()
        db = data.fresh_copy(data.agree_project(), folder)
        times, base = [], []
        for _ in range(self.reps(1, 3)):
            times.append(measure(cli("agreement", "--db", str(db), "--json", "--quiet"), self.timeout, folder / "a.json")["s"])
            base.append(measure(bare("agreement", str(db)), self.timeout, folder / "b.json")["s"])
        self.record("agreement_10k_x3_s", times, base)

    def review(self) -> None:
        db = data.fresh_copy(data.lead_project(), self.scratch())
        out = json.loads(_run([sys.executable, GUI, "review", str(db), str(self.reps(3, 8))], self.timeout).strip().splitlines()[-1])
        self.record("review_view_ms", out["review_ms"], out["review_ms_baseline"])

    def run_all(self, sizes: list[int]) -> None:
        for n in sizes:
            self.guarded([f"key_to_span_{k(n)}_docs_ms", f"doc_switch_{k(n)}_docs_ms"], lambda: self.window(n))
            self.guarded([f"launch_{k(n)}_docs_s"], lambda: self.launch(f"launch_{k(n)}_docs_s", data.project(n), "bench"))
            self.guarded([f"docs_json_{k(n)}_s"], lambda: self.docs_json(n))
            self.guarded([f"import_{k(n)}_s", f"import_{k(n)}_peak_mb"], lambda: self.import_(n))
        self.guarded(["launch_lead_1k_x10_s"], lambda: self.launch("launch_lead_1k_x10_s", data.lead_project(), "lead"))
        self.guarded([key for key, _ in FIXED if "merge" in key], self.merge)
        for short in INTEROP:
            self.guarded([f"{short}_import_1k_x100_s", f"{short}_export_1k_x100_s"], lambda: self.interop(short))
        self.guarded(["agreement_10k_x3_s"], self.agreement)
        self.guarded(["review_view_ms"], self.review)


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k documents only, fewer repetitions")
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout (the table on stderr)")
    parser.add_argument("--only", help="comma-separated figure keys to measure (default: all)")
    parser.add_argument("--sizes", help="comma-separated sizes for the per-size figures (1k,10k,100k)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a child is killed (300)")
    parser.add_argument("--generate-only", action="store_true", help="make the cached data, print its paths, stop")
    parser.add_argument("--profile", choices=("key", "switch", "review"),
                        help="cProfile report of an in-window figure on stderr")
    parser.add_argument("--table", metavar="JSON[,JSON]",
                        help="measure nothing: print the table of earlier --json outputs (later ones win)")
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.sizes) if args.sizes else list(data.SIZES[:2] if args.quick else data.SIZES)
    if args.table:
        return reprint(args.table.split(","), args.json)

    if args.generate_only:
        for key, path in data.generate_all(tuple(sizes)).items():
            print(f"{key}\t{path}")
        return 0
    if args.profile:
        os.environ["BENCH_PROFILE"] = args.profile

    with tempfile.TemporaryDirectory(prefix="annotator-scale-") as tmp_name:
        tmp = Path(tmp_name)
        from run import private_environment  # bench/run.py (imported late: it loads Qt helpers)
        private_environment(tmp)
        bench = Bench(args, tmp)
        started = time.perf_counter()
        bench.run_all(sizes)
        log(f"measured in {time.perf_counter() - started:.0f} s")
    output(bench.results, bench.notes, bench.samples, sizes, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
