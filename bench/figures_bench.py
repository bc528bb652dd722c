"""How long the figure detector takes on an article, against a bare baseline.

    .venv/bin/python bench/figures_bench.py [--json]

Articles: the two seeds concatenated and repeated to 10,000 code points and to 1,000,000 (dense
in numbers: about 7,600 per MB, 2,000 of them figures). The baseline, timed in the same run, is
the least any detector must do: one ``\\d+`` scan of the text. Best of five runs each; the issue's
budget for all suggestions is 50 ms for 10,000 characters and 1 s for 1 MB.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.figures import find_figures  # noqa: E402


def best(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    base = "".join((ROOT / "seeds" / name).read_text(encoding="utf-8") for name in
                   ("000_15135173df733d2c.txt", "001_86bcf4922bea323b.txt"))
    digits = re.compile(r"\d+")
    rows = []
    for size in (10_000, 1_000_000):
        text = (base * (size // len(base) + 1))[:size]
        found = len(find_figures(text))
        detector = best(lambda: find_figures(text))
        bare = best(lambda: sum(1 for _ in digits.finditer(text)))
        rows.append({"chars": size, "figures": found, "detector_s": round(detector, 4), "baseline_s": round(bare, 4),
                     "ratio": round(detector / bare, 1)})
    if args.json:
        print(json.dumps(rows))
        return
    for r in rows:
        print(f"{r['chars']:>9,} chars: {r['figures']:>5} figures in {r['detector_s'] * 1000:8.1f} ms "
              f"(bare \\d+ scan {r['baseline_s'] * 1000:.1f} ms, {r['ratio']}x)")


if __name__ == "__main__":
    main()
