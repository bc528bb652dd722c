"""How long agreement takes on a large generated study, against a bare baseline and bratiaa.

    .venv/bin/python bench/agreement_bench.py [--json] [--bratiaa-python PATH]

The study: 1,000 documents x 3 reviewers x 50 spans (seeded). The budget is 1 s on a 2-core
machine. The baseline, timed in the same run, is the least any exact-match F1 must do: build
each layer's set of (start, end, label) and intersect the sets pairwise. Dividing by it makes the
figure comparable across machines.

bratiaa (kldtz/bratiaa, the reference for our span F1) is timed on its own example project if it
can be imported here, or with ``--bratiaa-python`` pointing at an interpreter that has it. It is
never a project dependency.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.agreement import compute_agreement  # noqa: E402
from annotator.model import Span  # noqa: E402

N_DOCUMENTS = 1000
REVIEWERS = ("alice", "bob", "carol")
SPANS_PER_LAYER = 50
LABELS = ("CLAIM", "SPEAKER", "FIGURE", "ENTITY")
DOC_LENGTH = 4000
BUDGET_S = 1.0
REPEATS = 5
BRATIAA_PROJECT = (
    Path(__file__).resolve().parents[1] / "tests/fixtures/bratiaa/example-files/example-project"
)


def generate_study(seed: int = 20240611):
    """Reviewers who mostly agree: each copies a shared draft and changes some spans, the way
    real reviewers disagree (a shifted boundary, another label, a span of their own)."""
    rng = random.Random(seed)
    layers, lengths = {}, {}
    for d in range(N_DOCUMENTS):
        draft = [_random_span(rng) for _ in range(SPANS_PER_LAYER)]
        layers[f"doc-{d:04d}"] = {name: [_vary(rng, span) for span in draft] for name in REVIEWERS}
        lengths[f"doc-{d:04d}"] = DOC_LENGTH
    return layers, lengths


def _random_span(rng: random.Random) -> Span:
    start = rng.randrange(DOC_LENGTH - 200)
    return Span(start, start + rng.randint(3, 150), rng.choice(LABELS))


def _vary(rng: random.Random, span: Span) -> Span:
    roll = rng.random()
    if roll < 0.75:
        return span
    if roll < 0.88:
        return Span(span.start + rng.randint(-5, 5), span.end + rng.randint(0, 8), span.label)
    if roll < 0.95:
        return Span(span.start, span.end, rng.choice(LABELS))
    return _random_span(rng)


def baseline(layers) -> int:
    matched = 0
    for doc_layers in layers.values():
        sets = [{(s.start, s.end, s.label) for s in spans} for spans in doc_layers.values()]
        for a, b in combinations(sets, 2):
            matched += len(a & b)
    return matched


def best_time(function, *args) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return min(times)


_BRATIAA_SNIPPET = """
import sys, time
from bratiaa.agree import compute_f1_agreement
project = sys.argv[1]
compute_f1_agreement(project)  # warm up: imports, file cache
times = []
for _ in range({repeats}):
    started = time.perf_counter()
    compute_f1_agreement(project).mean_sd_total()
    times.append(time.perf_counter() - started)
print(min(times))
"""


def time_bratiaa(python: str | None) -> tuple[float | None, str]:
    """(seconds, note). Runs in a child interpreter so bratiaa's numpy/matplotlib imports stay
    out of this process and out of the timing."""
    if not BRATIAA_PROJECT.is_dir():
        return None, f"bratiaa example project not found at {BRATIAA_PROJECT}"
    if python is None:
        try:
            import bratiaa  # noqa: F401
        except ImportError:
            python, problem = _bratiaa_env()
            if python is None:
                return None, problem
        else:
            python = sys.executable
    result = subprocess.run(
        [python, "-c", _BRATIAA_SNIPPET.format(repeats=REPEATS), str(BRATIAA_PROJECT)],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"bratiaa failed: {last}"
    return float(result.stdout.strip().splitlines()[-1]), "4 reviewers x 7 documents"


BRATIAA_ENV = Path(__file__).resolve().parent / ".bratiaa-venv"  # git-ignored, made once


def _bratiaa_env() -> tuple[str | None, str]:
    """An interpreter with bratiaa, in a virtualenv of its own beside this script (made on first
    use: bratiaa pins old numpy/matplotlib, which must not enter the project's environment)."""
    python = BRATIAA_ENV / "bin" / "python"
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(BRATIAA_ENV)], capture_output=True, text=True)
        if made.returncode != 0:
            return None, f"could not make a virtualenv for bratiaa: {made.stderr.strip()[-200:]}"
    check = subprocess.run([str(python), "-c", "import bratiaa"], capture_output=True)
    if check.returncode != 0:
        print("installing bratiaa into bench/.bratiaa-venv (once)...", file=sys.stderr)
        installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "bratiaa"], capture_output=True, text=True)
        if installed.returncode != 0:
            return None, f"bratiaa could not be installed: {installed.stderr.strip()[-200:]}"
    return str(python), ""


def time_ours_on_bratiaa_example() -> float | None:
    """Reading the files included, as bratiaa's figure includes them."""
    if not BRATIAA_PROJECT.is_dir():
        return None
    return best_time(lambda: compute_agreement(*_read_brat_project(BRATIAA_PROJECT)))


def _read_brat_project(root: Path):
    layers, lengths = {}, {}
    for reviewer_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for ann in sorted(reviewer_dir.glob("*.ann")):
            lengths[ann.name] = len(ann.with_suffix(".txt").read_text(encoding="utf-8"))
            layers.setdefault(ann.name, {})[reviewer_dir.name] = _read_brat_spans(ann)
    return layers, lengths


def _read_brat_spans(path: Path) -> list[Span]:
    spans = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            label, offsets = line.split("\t")[1].split(" ", 1)
            for fragment in offsets.split(";"):
                start, end = fragment.split()
                spans.append(Span(int(start), int(end), label))
    return spans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--bratiaa-python", help="an interpreter that can import bratiaa")
    args = parser.parse_args()

    layers, lengths = generate_study()
    ours = best_time(compute_agreement, layers, lengths)
    bare = best_time(baseline, layers)
    bratiaa_s, bratiaa_note = time_bratiaa(args.bratiaa_python)
    ours_example = time_ours_on_bratiaa_example()

    if args.json:
        figures = {"agreement_1000docs_s": ours, "agreement_1000docs_s_baseline": bare}
        if bratiaa_s is not None:
            figures["bratiaa_example_s"] = bratiaa_s
            figures["agreement_bratiaa_example_s"] = ours_example
        else:
            print(f"bratiaa: not measured: {bratiaa_note}", file=sys.stderr)
        print(json.dumps(figures))
        return 0 if ours <= BUDGET_S else 1

    study = f"{N_DOCUMENTS} documents x {len(REVIEWERS)} reviewers x {SPANS_PER_LAYER} spans"
    verdict = "within" if ours <= BUDGET_S else "OVER"
    print(f"Agreement over {study} (best of {REPEATS}):")
    print(f"  compute_agreement   {ours:.3f} s  ({verdict} the {BUDGET_S:.1f} s budget)")
    print(f"  bare baseline       {bare:.3f} s  (set building + pairwise intersection)")
    print(f"  ratio               {ours / bare:.1f}x the baseline")
    if bratiaa_s is None:
        print(f"bratiaa: not measured: {bratiaa_note}")
    else:
        print(f"On bratiaa's example project ({bratiaa_note}):")
        print(f"  bratiaa             {bratiaa_s * 1000:.1f} ms  (instance F1)")
        if ours_example is not None:
            print(
                f"  compute_agreement   {ours_example * 1000:.1f} ms"
                "  (F1 exact and overlap, kappa, alpha_U)"
            )
        print("  both read the .ann and .txt files inside the timing")
    return 0 if ours <= BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
