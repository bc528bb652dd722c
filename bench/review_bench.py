"""Opening a large document in the review view, against a bare baseline timed in the same run.

    .venv/bin/python bench/review_bench.py [--json] [--repeat N]

The document: a generated article (``bench/gen.py``) with 2,000 spans per reviewer and three
reviewers (alice, bob, carol) who mostly agree: about 80% of the spans are shared by all three,
the rest differ by label, by boundary or are missing in some layers, and the claims follow the
spans. ``review_open_s`` is ``ReviewWindow(store, doc, lead)`` until the window is shown and its
events processed, on the first opening (items computed, agreed items auto-accepted into gold,
text and lanes drawn) on a fresh copy of the project each time; ``review_reopen_s`` opens it again
(gold already there). Baseline: a bare ``QPlainTextEdit.setPlainText`` of the same text, shown and
processed. Figures are medians.
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


def build_review_project(path: Path, n_spans: int = 2000, seed: int = 7) -> tuple[str, str]:
    """A project with one generated document annotated by three reviewers; returns (doc_id, text)."""
    from annotator.model import AnnotatedDocument, Claim, Document, Span
    from annotator.project import open_project

    text, spans, claims = generate_document(seed, n_spans * 45, n_spans)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication, QPlainTextEdit

    app = QApplication.instance() or QApplication([])
    from annotator.gui.review_window import ReviewWindow
    from annotator.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ANNOTATOR_HOME"] = tmp
        os.environ["ANNOTATOR_CONFIG"] = tmp
        os.environ.setdefault("XDG_RUNTIME_DIR", tmp)
        master = Path(tmp) / "master.annotator.db"
        doc_id, text = build_review_project(master)
        counter = [0]

        def fresh_copy() -> Path:
            counter[0] += 1
            target = Path(tmp) / f"copy{counter[0]}.annotator.db"
            shutil.copy(master, target)
            return target

        def open_review(path: Path) -> float:
            store = Store(path)
            app.processEvents()
            t0 = time.perf_counter()
            window = ReviewWindow(store, doc_id, "lead")
            window.show()
            app.processEvents()
            elapsed = time.perf_counter() - t0
            window.close()
            window.deleteLater()
            app.processEvents()
            store.close()
            return elapsed

        def first_open() -> float:
            return open_review(fresh_copy())

        reopen_path = fresh_copy()
        open_review(reopen_path)  # the first opening (auto-accept) happens here, untimed

        def reopen() -> float:
            return open_review(reopen_path)

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

        baseline()  # warm up fonts and the platform plugin
        figures = {
            "review_open_s": _median_time(first_open, args.repeat),
            "review_reopen_s": _median_time(reopen, args.repeat),
            "baseline_s": _median_time(baseline, args.repeat),
        }
        with Store(reopen_path) as store:
            from annotator import review

            items = review.review_items(store, doc_id)
            figures["items"] = len(items)
            figures["auto_accepted"] = sum(1 for it in items if it.state == review.ACCEPTED)
            figures["spans_per_reviewer"] = store.db.execute(
                "SELECT count(*) FROM spans WHERE annotator = 'alice'").fetchone()[0]
            figures["text_chars"] = len(text)
        figures["open_ratio"] = figures["review_open_s"] / figures["baseline_s"]
        figures["reopen_ratio"] = figures["review_reopen_s"] / figures["baseline_s"]

    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"document: {figures['text_chars']:,} characters, {figures['spans_per_reviewer']:,} spans x 3 reviewers, "
          f"{figures['items']:,} items ({figures['auto_accepted']:,} auto-accepted)")
    print(f"review view, first opening (auto-accept): {figures['review_open_s'] * 1000:8.1f} ms"
          f"   ratio {figures['open_ratio']:.1f}x")
    print(f"review view, opening again:               {figures['review_reopen_s'] * 1000:8.1f} ms"
          f"   ratio {figures['reopen_ratio']:.1f}x")
    print(f"baseline (bare QPlainTextEdit.setPlainText): {figures['baseline_s'] * 1000:5.1f} ms")


if __name__ == "__main__":
    main()
