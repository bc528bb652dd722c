"""Opening large documents in the review view, against a bare baseline timed in the same run.

    .venv/bin/python bench/review_bench.py [--json] [--repeat N] [--quick]

Documents: generated articles (``bench/gen.py``) annotated by three reviewers (alice, bob, carol)
who mostly agree: about 80% of the spans are shared by all three, the rest differ by label or by
boundary, and the claims follow the spans. Cases: ``2k`` (2,000 spans per reviewer, 90 KB),
``10k`` (10,000 spans per reviewer, 1 MB) and ``longline`` (20 MB on one line, 5,000 spans per
reviewer: shown as display blocks); ``--quick`` runs ``2k`` only.

``open_s`` is ``ReviewWindow(store, doc, lead)`` until the window is shown and its events
processed, on the first opening (items computed, agreed items auto-accepted into gold, text and
lanes drawn) on a fresh copy of the project each time; ``reopen_s`` opens it again (gold already
there). ``scroll_s`` scrolls a reopened window to its last item (the lanes there formatted and
painted). Baseline: a bare ``QPlainTextEdit.setPlainText`` of the same text, shown and processed.
``compute_items_s`` is ``review.compute_items`` alone on the loaded state. Figures are medians;
``blocks_formatted`` counts the blocks the lane highlighter formatted during one reopening.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from gen import generate_document  # noqa: E402

REVIEWERS = ("alice", "bob", "carol")


def build_review_project(path: Path, n_spans: int = 2000, seed: int = 7, chars: int | None = None,
                         one_line: bool = False) -> tuple[str, str]:
    """A project with one generated document annotated by three reviewers; returns (doc_id, text)."""
    from annotator.model import AnnotatedDocument, Claim, Document, Span
    from annotator.project import open_project

    text, spans, claims = generate_document(seed, chars or n_spans * 45, n_spans, one_line)
    doc = Document(id="big-review", title="Generated article for the review view", text=text)
    rng = random.Random(seed)
    items = []
    for r, name in enumerate(REVIEWERS):
        layer: list[Span] = []
        kept: dict[int, str] = {}
        for i, s in enumerate(spans):
            start, end, label = s.start, s.end, s.label
            roll = rng.random()
            if roll < 0.80 or r == 0:
                pass  # alice is the reference; the others mostly agree with her
            elif roll < 0.87 and label != "CLAIM":
                label = rng.choice([x for x in ("SPEAKER", "FIGURE", "ENTITY") if x != label])
            elif roll < 0.94 and end - start > 3:
                end -= 1 + rng.randrange(min(3, end - start - 1))
                while end > start + 1 and text[end - 1].isspace():
                    end -= 1
            # else: the same span (a missing one would change the span count per reviewer)
            sid = f"s{i + 1}"
            kept[i] = sid
            layer.append(Span(start, end, label, id=sid))
        layer_claims = [
            Claim(span=kept[c], members=tuple(kept[m] for m in members if m in kept), id=f"c{n}")
            for n, (c, members) in enumerate(claims, start=1) if c in kept
        ]
        items.append(AnnotatedDocument(doc, name, layer, layer_claims))
    with open_project(path) as store:
        store.import_items(items)
        doc_id = store.document_ids()[0]
    return doc_id, text


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        times.append(fn())
    return statistics.median(times)


CASES = {  # name: (spans per reviewer, characters, one line)
    "2k": (2000, None, False),
    "10k": (10_000, 1_000_000, False),
    "longline": (5000, 20_000_000, True),
}


def run_case(app, tmp: Path, name: str, repeat: int) -> dict:
    from PySide6.QtWidgets import QPlainTextEdit

    from annotator import review
    from annotator.gui.review_window import ReviewWindow
    from annotator.store import Store

    n_spans, chars, one_line = CASES[name]
    master = tmp / f"{name}-master.annotator.db"
    doc_id, text = build_review_project(master, n_spans, chars=chars, one_line=one_line)
    counter = [0]

    def fresh_copy() -> Path:
        counter[0] += 1
        target = tmp / f"{name}-copy{counter[0]}.annotator.db"
        shutil.copy(master, target)
        return target

    def open_review(path: Path, after=None) -> float:
        store = Store(path)
        app.processEvents()
        t0 = time.perf_counter()
        window = ReviewWindow(store, doc_id, "lead")
        window.show()
        app.processEvents()
        elapsed = time.perf_counter() - t0
        if after is not None:
            elapsed = after(window)
        window.close()
        window.deleteLater()
        app.processEvents()
        store.close()
        for suffix in ("", "-wal", "-shm"):
            if path != reopen_path:
                Path(str(path) + suffix).unlink(missing_ok=True)
        return elapsed

    reopen_path = fresh_copy()
    open_review(reopen_path)  # the first opening (auto-accept) happens here, untimed
    formatted = []

    def count_blocks(window) -> float:
        formatted.append(getattr(window.view.highlighter, "blocks_formatted", -1))  # -1: code before the count
        return 0.0

    open_review(reopen_path, count_blocks)

    def scroll(window) -> float:
        t0 = time.perf_counter()
        window.select_row(len(window.items) - 1)
        window.view.viewport().repaint()
        app.processEvents()
        return time.perf_counter() - t0

    def baseline() -> float:
        app.processEvents()
        t0 = time.perf_counter()
        edit = QPlainTextEdit()
        edit.resize(1360, 820)
        edit.setPlainText(text)
        edit.show()
        app.processEvents()
        elapsed = time.perf_counter() - t0
        edit.close()
        edit.deleteLater()
        app.processEvents()
        return elapsed

    def items_alone() -> float:
        with Store(reopen_path) as store:
            state = review.load_state(store, doc_id)
            t0 = time.perf_counter()
            review.compute_items(state)
            return time.perf_counter() - t0

    baseline()  # warm up fonts and the platform plugin
    figures = {}
    # Interleaved, so that a change in the machine's load shows in the baseline too.
    runs: dict[str, list[float]] = {"open_s": [], "reopen_s": [], "scroll_s": [], "baseline_s": [], "compute_items_s": []}
    for _ in range(repeat):
        runs["baseline_s"].append(baseline())
        runs["open_s"].append(open_review(fresh_copy()))
        runs["reopen_s"].append(open_review(reopen_path))
        runs["scroll_s"].append(open_review(reopen_path, scroll))
        runs["compute_items_s"].append(items_alone())
    figures.update({k: statistics.median(v) for k, v in runs.items()})
    with Store(reopen_path) as store:
        items = review.review_items(store, doc_id)
        figures["items"] = len(items)
        figures["auto_accepted"] = sum(1 for it in items if it.state == review.ACCEPTED)
        figures["spans_per_reviewer"] = store.db.execute(
            "SELECT count(*) FROM spans WHERE annotator = 'alice'").fetchone()[0]
        figures["text_chars"] = len(text)
        figures["blocks"] = text.count("\n") + 1
    figures["blocks_formatted"] = formatted[0]
    figures["open_ratio"] = figures["open_s"] / figures["baseline_s"]
    figures["reopen_ratio"] = figures["reopen_s"] / figures["baseline_s"]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="the 2k case only")
    parser.add_argument("--case", action="append", choices=sorted(CASES), help="run only these cases")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    cases = args.case or (["2k"] if args.quick else list(CASES))
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ANNOTATOR_HOME"] = tmp
        os.environ["ANNOTATOR_CONFIG"] = tmp
        os.environ.setdefault("XDG_RUNTIME_DIR", tmp)
        for name in cases:
            results[name] = run_case(app, Path(tmp), name, args.repeat)
            if not args.json:
                f = results[name]
                print(f"[{name}] {f['text_chars']:,} characters, {f['spans_per_reviewer']:,} spans x 3 reviewers, "
                      f"{f['items']:,} items ({f['auto_accepted']:,} auto-accepted)")
                print(f"  first opening (auto-accept): {f['open_s'] * 1000:8.1f} ms   ratio {f['open_ratio']:.1f}x")
                print(f"  opening again:               {f['reopen_s'] * 1000:8.1f} ms   ratio {f['reopen_ratio']:.1f}x")
                print(f"  to the last item, painted:   {f['scroll_s'] * 1000:8.1f} ms")
                print(f"  compute_items alone:         {f['compute_items_s'] * 1000:8.1f} ms")
                print(f"  baseline (bare setPlainText): {f['baseline_s'] * 1000:7.1f} ms")
                print(f"  blocks formatted on opening: {f['blocks_formatted']:,} of {f['blocks']:,}", flush=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
