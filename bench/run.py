"""Performance figures of the app, each against a bare baseline timed in the same run.

    .venv/bin/python bench/run.py [--json] [--quick] [--only KEY,...] [--profile FIGURE] [--faithful-import]

``--only open_20mb_one_line_s,key_20mb_one_line_ms`` measures just those figures (any keys below).

Benchmarks, not tests: the machine is noisy and absolute times drift, so every figure is printed
with a baseline measured in the same run (the least a bare PySide6/sqlite3/json program must do for
the same job) and the ratio figure/baseline. Figures are medians of several repetitions.

Figures (JSON keys; each has a ``<key>_baseline`` twin):

- ``launch_s`` / ``first_launch_s``: fresh interpreter -> main window shown with the first seed
  article loaded and painted (second launch, existing project / first launch, creating the project
  and importing the seeds). Baseline: an interpreter that shows a bare QMainWindow+QPlainTextEdit.
- ``open_1mb_10k_s`` / ``open_5mb_50k_s``: with the window showing another document, switch to a
  generated 1 MB/10k-span (5 MB/50k-span) article through ``MainWindow.open_document`` until the
  events are processed and the viewport painted. Baseline: ``QPlainTextEdit.setPlainText`` with a
  do-nothing ``QSyntaxHighlighter``. ``open_5mb_50k_rss_mb``: peak RSS of a fresh process doing it.
- ``key_to_span_ms`` / ``key_to_span_1mb_ms``: label key (``1``) on a selection -> span committed
  and viewport repainted, on a seed article / on the 1 MB article. Baseline: one sqlite3 INSERT +
  commit (WAL, synchronous=FULL) into a table like ``spans`` plus a bare viewport repaint.
- ``open_20mb_one_line_s`` / ``key_20mb_one_line_ms`` / ``open_20mb_one_line_rss_mb``: the same
  three measurements on a generated 20 MB article with no line break at all (pasted web text:
  paragraphs run together, emoji and Chinese sentences here and there) and 5,000 spans spread over
  it. Baseline: what bare Qt does with the same text *split into lines* (every ~2,000 characters a
  space becomes a line break), since bare Qt on the one line itself freezes for minutes; for the
  key press, the sqlite3 INSERT + repaint of that bare editor. ``scroll_20mb_one_line_ms``: jump
  the scroll bar to a random place and repaint (baseline: the same on the bare editor);
  ``click_20mb_one_line_ms``: a mouse click on a span until it is selected and drawn (baseline: a
  click on the bare editor).
- ``export_100k_s``: ``project.export(store, out, format="jsonl")`` of 1,000 documents holding
  100,000 spans. Baseline: the same rows by plain sqlite3 queries, ``json.dumps`` of the same
  dicts, written and fsynced.

Everything runs on the offscreen Qt platform (unless QT_QPA_PLATFORM is set) inside one
``TemporaryDirectory``: the projects, ANNOTATOR_HOME, ANNOTATOR_CONFIG and XDG_RUNTIME_DIR.

The generated 5 MB project is written with ``Store.import_items`` for its documents, but its 50,000
spans go in by one bulk SQL insert (same rows, same schema; the ``end <= length(text)`` insert
trigger is dropped for that insert and re-created verbatim): ``import_items`` checks every span
against ``length(text)`` twice, which makes it O(spans x text length) -- minutes for 5 MB.
``--faithful-import`` uses ``import_items`` for it as well.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gen import generate_document  # noqa: E402

BUDGETS = {  # key: (budget, unit)
    "launch_s": (0.5, "s"),
    "open_1mb_10k_s": (0.150, "s"),
    "open_5mb_50k_s": (0.400, "s"),
    "open_5mb_50k_rss_mb": (250.0, "MB"),
    "key_to_span_ms": (16.0, "ms"),
    "export_100k_s": (0.5, "s"),
    "open_20mb_one_line_s": (2.0, "s"),
    "key_20mb_one_line_ms": (100.0, "ms"),
}
ORDER = [
    "launch_s", "first_launch_s", "open_1mb_10k_s", "open_5mb_50k_s", "open_5mb_50k_rss_mb",
    "key_to_span_ms", "key_to_span_1mb_ms", "export_100k_s",
    "open_20mb_one_line_s", "open_20mb_one_line_rss_mb", "key_20mb_one_line_ms", "scroll_20mb_one_line_ms",
    "click_20mb_one_line_ms",
]
REVIEWER = "bench"


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


# ------------------------------------------------------------------------------------------------
# Subprocess helpers


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


# Linux carries ru_maxrss across exec(): a child spawned by this (large) process starts with our
# peak RSS as its own. A tiny launcher in between gives the measured child a small starting point.
LAUNCHER = "import subprocess, sys; sys.exit(subprocess.run([sys.executable, '-c', sys.argv[1]]).returncode)"


def run_child(code: str, *, via_launcher: bool = False, **env: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line last. ``BENCH_T0`` is the
    parent's CLOCK_MONOTONIC just before the spawn (the same clock in both processes on Linux)."""
    env_all = child_env(**env)
    command = [sys.executable, "-S", "-c", LAUNCHER, code] if via_launcher else [sys.executable, "-c", code]
    env_all["BENCH_T0"] = repr(time.monotonic())
    proc = subprocess.run(command, env=env_all, cwd=str(ROOT), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


LAUNCH_APP = r"""
import json, os, sys, time
from PySide6.QtWidgets import QApplication
from annotator.gui.app import open_window
app = QApplication(sys.argv)
window = open_window(None, "bench")
window.show()
QApplication.processEvents()
window.view.viewport().repaint()
elapsed = time.monotonic() - float(os.environ["BENCH_T0"])
assert window.session.doc_id is not None and window.view.text, "no document open"
doc = window.session.doc_id
window.close()
window.store.close()
print(json.dumps({"s": elapsed, "doc": doc}))
"""

def private_environment(tmp: Path) -> None:
    """Point Qt's runtime folder and the app's data and settings into ``tmp``, for this process and
    the children it starts, so a benchmark never touches the user's own project or settings."""
    runtime = tmp / "xdg-runtime"
    runtime.mkdir(mode=0o700)
    os.environ["XDG_RUNTIME_DIR"] = str(runtime)  # else Qt makes /tmp/runtime-$USER
    os.environ["ANNOTATOR_HOME"] = str(tmp / "home")
    os.environ["ANNOTATOR_CONFIG"] = str(tmp / "config")


LAUNCH_BARE = r"""
import json, os, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication(sys.argv)
window = QMainWindow()
edit = QPlainTextEdit(window)
window.setCentralWidget(edit)
window.resize(1360, 820)
edit.setPlainText(open(os.environ["BENCH_TEXT"], encoding="utf-8").read())
window.show()
QApplication.processEvents()
edit.viewport().repaint()
elapsed = time.monotonic() - float(os.environ["BENCH_T0"])
print(json.dumps({"s": elapsed, "cpu": time.process_time()}))
"""

RSS_APP = r"""
import json, os, resource, sys
from PySide6.QtWidgets import QApplication
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from annotator.store import Store
app = QApplication(sys.argv)
window = MainWindow(Store(os.environ["BENCH_DB"]), "bench", Settings())
window.show()
QApplication.processEvents()
window.open_document(os.environ["BENCH_DOC"])
for _ in range(3):
    QApplication.processEvents()
window.view.viewport().repaint()
assert window.session.doc_id == os.environ["BENCH_DOC"]
def _hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "hwm_mb": _hwm()}))
"""

RSS_BARE = r"""
import json, os, resource, sys
from PySide6.QtGui import QSyntaxHighlighter
from PySide6.QtWidgets import QApplication, QPlainTextEdit
class Trivial(QSyntaxHighlighter):
    def highlightBlock(self, text):
        self.currentBlock()
app = QApplication(sys.argv)
edit = QPlainTextEdit()
edit.setReadOnly(True)
edit.resize(640, 760)
highlighter = Trivial(edit.document())
edit.show()
QApplication.processEvents()
edit.setPlainText(open(os.environ["BENCH_TEXT"], encoding="utf-8").read())
for _ in range(3):
    QApplication.processEvents()
edit.viewport().repaint()
def _hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "hwm_mb": _hwm()}))
"""


# ------------------------------------------------------------------------------------------------
# Projects


def make_item(doc_id: str, text: str, spans, claims, annotator: str = REVIEWER):
    from annotator.model import AnnotatedDocument, Claim, Document, Span

    return AnnotatedDocument(
        Document(id=doc_id, title=f"Generated article {doc_id}", text=text, source="bench", meta={"source": "bench"}),
        annotator,
        [Span(s.start, s.end, s.label, id=f"s{i}") for i, s in enumerate(spans)],
        [Claim(span=f"s{i}", members=tuple(f"s{m}" for m in members), id=f"c{k}") for k, (i, members) in enumerate(claims)],
    )


def bulk_insert_layer(store, doc_id: str, spans, claims, annotator: str = REVIEWER) -> None:
    """The rows ``import_items`` would write for one layer, in one transaction, without the
    per-row ``length(text)`` checks (the spans are generated inside the text)."""
    from annotator.store import now

    db = store.db
    trigger_sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'spans_end_in_text_insert'").fetchone()[0]
    stamp = now()
    with store.atomic():
        store._touch_layer(doc_id, annotator)
        db.execute("DROP TRIGGER spans_end_in_text_insert")
        first = (db.execute("SELECT coalesce(max(id), 0) FROM spans").fetchone()[0]) + 1
        ids = list(range(first, first + len(spans)))
        db.conn.executemany(
            'INSERT INTO spans (id, doc_id, annotator, start, "end", label, attrs, created_at, updated_at)'
            " VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?)",
            [(i, doc_id, annotator, s.start, s.end, s.label, stamp, stamp) for i, s in zip(ids, spans)],
        )
        db.execute(trigger_sql)
        for statement, members in claims:
            cur = db.execute(
                "INSERT INTO claims (doc_id, annotator, span_id, note, created_at) VALUES (?, ?, ?, '', ?)",
                (doc_id, annotator, ids[statement], stamp),
            )
            db.conn.executemany(
                "INSERT INTO claim_members (claim_id, span_id) VALUES (?, ?)", [(cur.lastrowid, ids[m]) for m in members]
            )


def build_big_project(
    path: Path, size: int, n_spans: int, seed: int, faithful: bool, one_line: bool = False
) -> tuple[str, str, str]:
    """A project with a small generated article first (opened at start) and the big one second."""
    from annotator.labels import load_scheme
    from annotator.store import Store

    small_text, small_spans, small_claims = generate_document(seed + 1000, 5000, 60)
    text, spans, claims = generate_document(seed, size, n_spans, one_line=one_line)
    with Store(path) as store:
        store.add_labels(load_scheme())
        items = [make_item("small", small_text, small_spans, small_claims)]
        if faithful:
            items.append(make_item("big", text, spans, claims))
            store.import_items(items)
        else:
            items.append(make_item("big", text, [], []))
            store.import_items(items)
            bulk_insert_layer(store, "big", spans, claims)
        assert store.db.execute("SELECT count(*) FROM spans WHERE doc_id = 'big'").fetchone()[0] == n_spans
    return "small", "big", text


def build_export_project(path: Path, n_docs: int, spans_per_doc: int) -> int:
    from annotator.labels import load_scheme
    from annotator.store import Store

    items = []
    for k in range(n_docs):
        text, spans, claims = generate_document(50_000 + k, 4500, spans_per_doc)
        items.append(make_item(f"doc{k:04d}", text, spans, claims))
    with Store(path) as store:
        store.add_labels(load_scheme())
        result = store.import_items(items)
    return result.spans_added


# ------------------------------------------------------------------------------------------------
# Qt helpers


def qt_app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([sys.argv[0]])


def close_window(window, store) -> None:
    window.close()
    store.close()
    window.deleteLater()
    settle()


def settle() -> None:
    """Process events until Qt has nothing queued (posted events, zero timers, layout)."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)


def trivial_highlighter_class():
    from PySide6.QtGui import QSyntaxHighlighter

    class Trivial(QSyntaxHighlighter):
        def highlightBlock(self, text):  # noqa: N802
            self.currentBlock()

    return Trivial


def bare_editor(width: int, height: int):
    from PySide6.QtWidgets import QPlainTextEdit

    edit = QPlainTextEdit()
    edit.setReadOnly(True)
    edit.resize(width, height)
    edit.highlighter = trivial_highlighter_class()(edit.document())
    edit.show()
    settle()
    return edit


class Profiler:
    """cProfile around the timed regions of one figure (``--profile``); report to stderr."""

    def __init__(self, wanted: str | None):
        self.wanted = wanted
        self.profiles: dict[str, cProfile.Profile] = {}

    @contextlib.contextmanager
    def region(self, figure: str):
        if self.wanted != figure:
            yield
            return
        prof = self.profiles.setdefault(figure, cProfile.Profile())
        prof.enable()
        try:
            yield
        finally:
            prof.disable()

    def report(self) -> None:
        for figure, prof in self.profiles.items():
            out = io.StringIO()
            stats = pstats.Stats(prof, stream=out).strip_dirs()
            stats.sort_stats("cumulative").print_stats(35)
            stats.sort_stats("tottime").print_stats(25)
            log(f"\n===== profile of {figure} (all timed repetitions) =====\n{out.getvalue()}")


# ------------------------------------------------------------------------------------------------
# Figures


def bench_launch(tmp: Path, reps: int) -> dict:
    from annotator.package_data import seed_files

    seed_text = seed_files()[0]  # a source checkout: a plain Path
    firsts, seconds, bare = [], [], []
    run_child(LAUNCH_BARE, BENCH_TEXT=str(seed_text))  # warm the file cache
    for r in range(reps):
        home = tmp / f"launch-home-{r}"
        config = tmp / f"launch-config-{r}"
        firsts.append(run_child(LAUNCH_APP, ANNOTATOR_HOME=str(home), ANNOTATOR_CONFIG=str(config))["s"])
        seconds.append(run_child(LAUNCH_APP, ANNOTATOR_HOME=str(home), ANNOTATOR_CONFIG=str(config))["s"])
        bare.append(run_child(LAUNCH_BARE, BENCH_TEXT=str(seed_text))["s"])
    return {
        "launch_s": median(seconds), "launch_s_baseline": median(bare),
        "first_launch_s": median(firsts), "first_launch_s_baseline": median(bare),
    }


def bench_open(
    window, small: str, big: str, text: str, reps: int, prof: Profiler, figure: str, bare_text: str | None = None
) -> tuple[float, float]:
    times = []
    for _ in range(reps):
        window.open_document(small)
        settle()
        t0 = time.perf_counter()
        with prof.region(figure):
            window.open_document(big)
            settle()
            window.view.viewport().repaint()
        times.append(time.perf_counter() - t0)
        assert window.session.doc_id == big and len(window.view.placed) > 0
    size = window.view.size()
    edit = bare_editor(size.width(), size.height())
    bare = []
    for _ in range(reps):
        edit.setPlainText("another document")
        settle()
        t0 = time.perf_counter()
        edit.setPlainText(text if bare_text is None else bare_text)
        settle()
        edit.viewport().repaint()
        bare.append(time.perf_counter() - t0)
    edit.close()
    edit.deleteLater()
    settle()
    return median(times), median(bare)


def pick_words(text: str, count: int, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """``count`` words of 4+ letters spread over text[lo:hi], no two the same."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\w{4,}", text[lo:hi])]
    if len(words) < count:
        raise RuntimeError("the text has too few words to select")
    step = len(words) / count
    return [(words[int(k * step)][0] + lo, words[int(k * step)][1] + lo) for k in range(count)]


def bench_keys(window, reps: int, prof: Profiler, figure: str) -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    window.raise_()
    window.activateWindow()
    if not QTest.qWaitForWindowActive(window, 2000):
        raise RuntimeError("the main window did not become active: its shortcuts would not fire")
    store = window.store
    doc_id = window.session.doc_id
    check = sqlite3.connect(str(store.path))  # a second connection sees only committed rows
    count_sql = "SELECT count(*) FROM spans WHERE doc_id = ? AND annotator = ?"
    before = check.execute(count_sql, (doc_id, REVIEWER)).fetchone()[0]
    times = []
    for n, (start, end) in enumerate(pick_words(window.view.text, reps), start=1):
        window.view.select_cp(start, end)
        settle()
        t0 = time.perf_counter()
        with prof.region(figure):
            QTest.keyClick(window.view, Qt.Key.Key_1)
            settle()
            window.view.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
        row = check.execute(
            'SELECT start, "end", label FROM spans WHERE doc_id = ? AND annotator = ? ORDER BY id DESC LIMIT 1',
            (doc_id, REVIEWER),
        ).fetchone()
        if check.execute(count_sql, (doc_id, REVIEWER)).fetchone()[0] != before + n or row != (start, end, "SPEAKER"):
            raise RuntimeError(f"the label key did not commit the span ({row}); messages: {window.messages[-3:]}")
    check.close()
    return times


def bench_keys_baseline(tmp: Path, text: str, width: int, height: int, reps: int) -> list[float]:
    """One INSERT + commit in WAL/synchronous=FULL into a spans-like table, plus a bare repaint."""
    path = tmp / f"bare-{len(text)}.db"
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute(
        'CREATE TABLE spans (id INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, annotator TEXT NOT NULL,'
        ' start INTEGER NOT NULL, "end" INTEGER NOT NULL, label TEXT NOT NULL, attrs TEXT NOT NULL DEFAULT \'{}\','
        ' created_at TEXT NOT NULL, updated_at TEXT NOT NULL)'
    )
    conn.execute("CREATE INDEX spans_doc_annotator ON spans(doc_id, annotator)")
    edit = bare_editor(width, height)
    edit.setPlainText(text)
    settle()
    times = []
    for start, end in pick_words(text, reps):
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(
            'INSERT INTO spans (doc_id, annotator, start, "end", label, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
            ("doc", REVIEWER, start, end, "SPEAKER", "2024-01-01T00:00:00.000+00:00", "2024-01-01T00:00:00.000+00:00"),
        )
        conn.execute("COMMIT")
        edit.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
    conn.close()
    edit.close()
    edit.deleteLater()
    settle()
    return times


def split_into_lines(text: str, every: int = 2000) -> str:
    """The text with a space turned into a line break every ``every`` characters or so: the same
    length (so the same words can be selected), in lines bare Qt can lay out one at a time."""
    return re.sub(r"(.{%d}\S*) " % every, "\\1\n", text, flags=re.DOTALL)


def bench_scroll(view, reps: int) -> list[float]:
    """Jump the scroll bar to ``reps`` seeded places and repaint; milliseconds each."""
    rng = random.Random(7)
    bar = view.verticalScrollBar()
    times = []
    for _ in range(reps):
        value = rng.randint(0, bar.maximum())
        t0 = time.perf_counter()
        bar.setValue(value)
        settle()
        view.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def bench_clicks(window, reps: int) -> tuple[list[float], list[float]]:
    """Click the middle of a span on screen until it is selected and drawn; the same click on a
    bare editor showing the same lines is the baseline. Milliseconds each."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    view = window.view
    rng = random.Random(11)
    times, bare = [], []
    # Only spans alone under their middle: a click on nested spans opens a menu, which waits.
    spans = [s for s in view.own_spans() if s.end - s.start > 3]
    spans = [s for s in rng.sample(spans, min(len(spans), 20 * reps)) if len(view.spans_at((s.start + s.end) // 2)) == 1]
    edit = bare_editor(view.width(), view.height())
    edit.setPlainText(split_into_lines(view.text))
    settle()
    for span in spans[:reps]:
        window.session.select_span(None)
        window.view.scroll_to_span(span.id)
        settle()
        rect = view.cursorRect(_cursor_at(view, view.map.to_qt((span.start + span.end) // 2)))
        point = QPoint(rect.left() + 2, rect.center().y())
        t0 = time.perf_counter()
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        settle()
        view.viewport().repaint()
        times.append((time.perf_counter() - t0) * 1000)
        if window.session.selected_span != span.id:
            raise RuntimeError(f"the click did not select span {span.id}")
        t0 = time.perf_counter()
        QTest.mouseClick(edit.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
        settle()
        edit.viewport().repaint()
        bare.append((time.perf_counter() - t0) * 1000)
    edit.close()
    edit.deleteLater()
    settle()
    return times, bare


def _cursor_at(view, qt: int):
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(view.document())
    cursor.setPosition(qt)
    return cursor


def bench_one_line(tmp: Path, args, prof: Profiler, want) -> dict:
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings
    from annotator.store import Store

    quick = args.quick
    results: dict = {}
    log("20 MB on one line / 5k spans: building the project (not timed)...")
    path = tmp / "big20-one-line.annotator.db"
    t0 = time.perf_counter()
    small, big, text = build_big_project(path, 20_000_000, 5_000, seed=20, faithful=False, one_line=True)
    assert "\n" not in text and "\r" not in text
    lines = split_into_lines(text)
    log(f"  built in {time.perf_counter() - t0:.1f} s ({len(text):,} code points)")
    if want("open_20mb_one_line_rss_mb"):
        log("  peak RSS in fresh processes...")
        text_file = tmp / "big20-lines.txt"
        text_file.write_text(lines, encoding="utf-8")
        app_runs, bare_runs = peak_rss_runs(path, big, text_file, quick)
        results["open_20mb_one_line_rss_mb"] = median([r["rss_mb"] for r in app_runs])
        results["open_20mb_one_line_rss_mb_baseline"] = median([r["rss_mb"] for r in bare_runs])
    store = Store(path)
    window = MainWindow(store, REVIEWER, Settings())
    window.show()
    window.activateWindow()
    settle()
    if want("open_20mb_one_line_s"):
        log("  opening...")
        fig, base = bench_open(window, small, big, text, 2 if quick else 5, prof, "open_20mb_one_line_s", bare_text=lines)
        results["open_20mb_one_line_s"], results["open_20mb_one_line_s_baseline"] = fig, base
    window.open_document(big)
    settle()
    if want("key_20mb_one_line_ms"):
        log("  key to span...")
        reps = 10 if quick else 30
        times = bench_keys(window, reps, prof, "key_20mb_one_line_ms")
        bare = bench_keys_baseline(tmp, lines, window.view.width(), window.view.height(), reps)
        results["key_20mb_one_line_ms"], results["key_20mb_one_line_ms_baseline"] = median(times), median(bare)
    if want("scroll_20mb_one_line_ms"):
        log("  scrolling...")
        reps = 10 if quick else 30
        times = bench_scroll(window.view, reps)
        edit = bare_editor(window.view.width(), window.view.height())
        edit.setPlainText(lines)
        settle()
        bare = bench_scroll(edit, reps)
        edit.close()
        edit.deleteLater()
        settle()
        results["scroll_20mb_one_line_ms"], results["scroll_20mb_one_line_ms_baseline"] = median(times), median(bare)
    if want("click_20mb_one_line_ms"):
        log("  clicking spans...")
        times, bare = bench_clicks(window, 10 if quick else 30)
        results["click_20mb_one_line_ms"], results["click_20mb_one_line_ms_baseline"] = median(times), median(bare)
    close_window(window, store)
    return results


def export_baseline(db_path: Path, out: Path) -> int:
    """Plain sqlite3 + json: the same rows as the JSONL export, as the same dicts, fsynced."""
    conn = sqlite3.connect(str(db_path))
    spans: dict[tuple, list] = {}
    for d, a, i, s, e, lab, attrs in conn.execute(
        'SELECT doc_id, annotator, id, start, "end", label, attrs FROM spans ORDER BY doc_id, annotator, start, "end", label, id'
    ):
        spans.setdefault((d, a), []).append((i, s, e, lab, attrs))
    claims: dict[tuple, list] = {}
    for d, a, i, span_id, note in conn.execute("SELECT doc_id, annotator, id, span_id, note FROM claims ORDER BY id"):
        claims.setdefault((d, a), []).append((i, span_id, note))
    members: dict[int, list] = {}
    for c, s in conn.execute("SELECT claim_id, span_id FROM claim_members"):
        members.setdefault(c, []).append(s)
    lines = 0
    with open(out, "w", encoding="utf-8") as handle:
        for doc_id, title, text, meta, annotator, done in conn.execute(
            "SELECT d.id, d.title, d.text, d.meta, l.annotator, l.done FROM layers l JOIN documents d ON d.id = l.doc_id"
            " ORDER BY d.position, l.annotator"
        ):
            rows = spans.get((doc_id, annotator), [])
            local = {row[0]: f"s{n}" for n, row in enumerate(rows, start=1)}
            obj = {
                "id": doc_id, "title": title, "text": text, "meta": json.loads(meta), "annotator": annotator,
                "spans": [
                    {"id": local[i], "start": s, "end": e, "label": lab, "text": text[s:e], "attrs": json.loads(attrs)}
                    for i, s, e, lab, attrs in rows
                ],
                "claims": [
                    {"id": f"c{n}", "span": local.get(span_id), "members": [local[m] for m in members.get(i, ())], "note": note}
                    for n, (i, span_id, note) in enumerate(claims.get((doc_id, annotator), []), start=1)
                ],
            }
            if done:
                obj["done"] = True
            handle.write(json.dumps(obj, ensure_ascii=False))
            handle.write("\n")
            lines += 1
        handle.flush()
        os.fsync(handle.fileno())
    conn.close()
    return lines


def bench_export(tmp: Path, reps: int, prof: Profiler) -> dict:
    from annotator import project
    from annotator.store import Store

    db_path = tmp / "export.annotator.db"
    log("  building the export project (1,000 documents, 100,000 spans; not timed)...")
    t0 = time.perf_counter()
    added = build_export_project(db_path, 1000, 100)
    log(f"  built in {time.perf_counter() - t0:.1f} s")
    assert added == 100_000
    out = tmp / "export.jsonl"
    times, bare = [], []
    for _ in range(reps):
        with Store(db_path) as store:
            t0 = time.perf_counter()
            with prof.region("export_100k_s"):
                report = project.export(store, out, format="jsonl")
            times.append(time.perf_counter() - t0)
        assert report.spans == 100_000 and report.documents == 1000
        t0 = time.perf_counter()
        lines = export_baseline(db_path, tmp / "export-bare.jsonl")
        bare.append(time.perf_counter() - t0)
        assert lines == 1000
    return {"export_100k_s": median(times), "export_100k_s_baseline": median(bare)}


# ------------------------------------------------------------------------------------------------


def run_all(args, tmp: Path) -> dict:
    prof = Profiler(args.profile)
    quick = args.quick
    results: dict = {"cpu_count": os.cpu_count(), "cpu_affinity": len(os.sched_getaffinity(0))}
    wanted = set(args.only.split(",")) if args.only else None

    def want(*keys: str) -> bool:
        return wanted is None or any(k in wanted for k in keys)

    if want("launch_s", "first_launch_s"):
        log("launch...")
        results.update(bench_launch(tmp, 2 if quick else 5))

    from annotator import project
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings
    from annotator.store import Store

    app = qt_app()
    app.setApplicationName("Annotator-bench")

    if want("key_to_span_ms"):
        log("key to span on a seed article...")
        store = project.open_default_project()  # ANNOTATOR_HOME is a temporary folder
        window = MainWindow(store, REVIEWER, Settings())
        window.show()
        window.activateWindow()
        settle()
        reps = 15 if quick else 50
        times = bench_keys(window, reps, prof, "key_to_span_ms")
        size = window.view.viewport().size()
        bare = bench_keys_baseline(tmp, window.view.text, window.view.width(), window.view.height(), reps)
        results["key_to_span_ms"], results["key_to_span_ms_baseline"] = median(times), median(bare)
        del size
        close_window(window, store)

    if want("open_1mb_10k_s", "key_to_span_1mb_ms"):
        log("1 MB / 10k spans: building the project (import_items, not timed)...")
        path1 = tmp / "big1.annotator.db"
        t0 = time.perf_counter()
        small, big, text1 = build_big_project(path1, 1_000_000, 10_000, seed=1, faithful=True)
        log(f"  built in {time.perf_counter() - t0:.1f} s; opening...")
        store = Store(path1)
        window = MainWindow(store, REVIEWER, Settings())
        window.show()
        window.activateWindow()
        settle()
        assert window.session.doc_id == small
        if want("open_1mb_10k_s"):
            fig, base = bench_open(window, small, big, text1, 3 if quick else 7, prof, "open_1mb_10k_s")
            results["open_1mb_10k_s"], results["open_1mb_10k_s_baseline"] = fig, base
        if want("key_to_span_1mb_ms"):
            log("key to span on the 1 MB article...")
            window.open_document(big)
            settle()
            reps = 10 if quick else 30
            times = bench_keys(window, reps, prof, "key_to_span_1mb_ms")
            bare = bench_keys_baseline(tmp, text1, window.view.width(), window.view.height(), reps)
            results["key_to_span_1mb_ms"], results["key_to_span_1mb_ms_baseline"] = median(times), median(bare)
        close_window(window, store)

    if want("open_5mb_50k_s", "open_5mb_50k_rss_mb"):
        log("5 MB / 50k spans: building the project (not timed)...")
        path5 = tmp / "big5.annotator.db"
        t0 = time.perf_counter()
        small, big, text5 = build_big_project(path5, 5_000_000, 50_000, seed=5, faithful=args.faithful_import)
        log(f"  built in {time.perf_counter() - t0:.1f} s")
        if want("open_5mb_50k_rss_mb"):
            log("  peak RSS in fresh processes...")
            text_file = tmp / "big5.txt"
            text_file.write_text(text5, encoding="utf-8")
            app_runs, bare_runs = peak_rss_runs(path5, big, text_file, quick)
            log(f"  ru_maxrss / VmHWM (MB): app {[(round(r['rss_mb']), round(r['hwm_mb'])) for r in app_runs]}, "
                f"bare {[(round(r['rss_mb']), round(r['hwm_mb'])) for r in bare_runs]}")
            rss = [r["rss_mb"] for r in app_runs]
            rss_bare = [r["rss_mb"] for r in bare_runs]
            results["open_5mb_50k_rss_mb"], results["open_5mb_50k_rss_mb_baseline"] = median(rss), median(rss_bare)
        if want("open_5mb_50k_s"):
            log("  opening...")
            store = Store(path5)
            window = MainWindow(store, REVIEWER, Settings())
            window.show()
            settle()
            fig, base = bench_open(window, small, big, text5, 2 if quick else 5, prof, "open_5mb_50k_s")
            results["open_5mb_50k_s"], results["open_5mb_50k_s_baseline"] = fig, base
            window.close()
            store.close()
            window.deleteLater()
            settle()

    if want("export_100k_s"):
        log("export of 100,000 spans in 1,000 documents...")
        results.update(bench_export(tmp, 2 if quick else 5, prof))

    one_line = [k for k in ORDER if "20mb_one_line" in k]
    if want(*one_line):
        results.update(bench_one_line(tmp, args, prof, want))

    prof.report()
    return results


def budget_of(key: str) -> tuple[float, str] | None:
    return BUDGETS.get(key)


def fmt(key: str, value: float) -> str:
    if key.endswith("_mb"):
        return f"{value:.0f} MB"
    if key.endswith("_ms"):
        return f"{value:.2f} ms"
    return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"


def print_table(results: dict) -> None:
    rows = [("figure", "value", "baseline", "ratio", "budget", "within budget")]
    for key in ORDER:
        if key not in results:
            continue
        value, base = results[key], results.get(f"{key}_baseline")
        ratio = f"{value / base:.2f}x" if base else "-"
        budget = budget_of(key)
        if budget:
            limit = budget[0]
            shown = fmt(key, limit)
            ok = "yes" if value <= limit else "NO"
        else:
            shown, ok = "-", "-"
        rows.append((key, fmt(key, value), fmt(key, base) if base is not None else "-", ratio, shown, ok))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nCPUs: {results['cpu_count']} (usable by this process: {results['cpu_affinity']}); "
          f"python {sys.version.split()[0]}; medians of several repetitions; ratio = figure / baseline")



def peak_rss_runs(db: Path, doc: str, text_file: Path, quick: bool) -> tuple[list[dict], list[dict]]:
    """Peak memory of the app opening ``doc`` and of bare Qt showing ``text_file``, each in fresh
    processes (1 run each with --quick, else 3)."""
    runs = 1 if quick else 3
    app = [run_child(RSS_APP, via_launcher=True, BENCH_DB=str(db), BENCH_DOC=doc) for _ in range(runs)]
    bare = [run_child(RSS_BARE, via_launcher=True, BENCH_TEXT=str(text_file)) for _ in range(runs)]
    return app, bare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure on stdout")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run)")
    parser.add_argument("--only", help="comma-separated figure keys to measure (default: all)")
    parser.add_argument("--profile", metavar="FIGURE", help="cProfile the timed regions of this figure key (stderr)")
    parser.add_argument("--faithful-import", action="store_true",
                        help="build the 5 MB project with Store.import_items too (slow: minutes)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="annotator-bench-") as tmp_name:
        tmp = Path(tmp_name)
        private_environment(tmp)
        random.seed(0)
        results = run_all(args, tmp)
        results["budgets"] = {k: v[0] for k, v in BUDGETS.items()}
        results["within_budget"] = {k: results[k] <= v[0] for k, v in BUDGETS.items() if k in results}
        results["ratios"] = {
            k: results[k] / results[f"{k}_baseline"] for k in ORDER if k in results and results.get(f"{k}_baseline")
        }
    if args.json:
        print(json.dumps(results, indent=None, sort_keys=False))
    else:
        print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
