"""How long suggestions take for one article, against a bare baseline, and how good they are on the seeds.

    .venv/bin/python bench/suggest_bench.py [--json] [--strings N]

Articles: the two seeds concatenated and repeated to 10,000 code points and to 1,000,000 (dense in
numbers and attributions). String matching searches N strings (default 500: every name and figure
of the seeds as tagged, plus made-up names) with the label each was given. The baseline, timed in
the same run, is the least any suggester must do: one ``\\w+`` scan of the text. Best of five runs (wall time, and CPU time for the total);
the issue's budget is 50 ms for 10,000 characters and 1 s for 1 MB. The patterns' one-time
compilation (the figure detector's ~0.25 s) is timed apart, as ``first_call_s``.

Quality: FIGURE and SPEAKER precision and recall against the hand-made golds in tests/fixtures
(figures within the article bodies).
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

from annotator.suggest import FIGURES, SPEAKERS, STRINGS, StringMatcher, suggest_text  # noqa: E402
from annotator.suggest import strings as strings_module  # noqa: E402

SEEDS = ("000_15135173df733d2c.txt", "001_86bcf4922bea323b.txt")


def best(fn, runs: int = 5, clock=time.perf_counter) -> float:
    times = []
    for _ in range(runs):
        t = clock()
        fn()
        times.append(clock() - t)
    return min(times)


def tagged_strings(n: int) -> dict[str, str]:
    out = {"North Korea": "ENTITY", "South Korea": "ENTITY", "United Nations": "ENTITY", "Security Council": "ENTITY",
           "Hwang": "SPEAKER", "Linda Thomas-Greenfield": "SPEAKER", "$1 billion": "FIGURE", "40%": "FIGURE",
           "the ambassador": "SPEAKER", "cryptocurrency": "ENTITY"}
    k = 0
    while len(out) < n:  # names that do not occur: the automaton still has to carry them
        out[f"Name{k} Person{k * 7}"] = "SPEAKER"
        k += 1
    return out


def quality() -> dict:
    fixtures = ROOT / "tests" / "fixtures"
    speakers = json.loads((fixtures / "suggest" / "seed_speakers.json").read_text(encoding="utf-8"))
    figures = json.loads((fixtures / "figures" / "seed_figures.json").read_text(encoding="utf-8"))
    tallies = {"FIGURE": [0, 0, 0], "SPEAKER": [0, 0, 0]}  # hits, found, gold
    for name in SEEDS:
        text = (ROOT / "seeds" / name).read_text(encoding="utf-8")
        first, last = speakers["bodies"][name]
        lo, hi = text.index(first), text.index(last)
        gold_fig, pos = set(), 0
        for phrase, *_ in figures[name]:
            s = text.index(phrase, pos)
            pos = s + len(phrase)
            if lo <= s and pos <= hi:
                gold_fig.add((s, pos))
        found = suggest_text(name, text, sources=(FIGURES, SPEAKERS))
        for label, gold, inside in (("FIGURE", gold_fig, True),
                                    ("SPEAKER", {(s, e) for s, e, _ in speakers["speakers"][name]}, False)):
            mine = {(x.start, x.end) for x in found if x.label == label and (not inside or lo <= x.start and x.end <= hi)}
            tallies[label][0] += len(mine & gold)
            tallies[label][1] += len(mine)
            tallies[label][2] += len(gold)
    return {label: {"precision": round(h / f, 3) if f else None, "recall": round(h / g, 3) if g else None,
                    "found": f, "gold": g} for label, (h, f, g) in tallies.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--strings", type=int, default=500)
    args = parser.parse_args()
    base = "".join((ROOT / "seeds" / name).read_text(encoding="utf-8") for name in SEEDS)
    labels = tagged_strings(args.strings)
    t = time.perf_counter()
    matcher = StringMatcher(labels)
    build = time.perf_counter() - t
    t = time.perf_counter()
    suggest_text("d", base[:2000], matcher=matcher)
    first_call = time.perf_counter() - t
    words = re.compile(r"\w+")
    rows = []
    for size in (10_000, 1_000_000):
        text = (base * (size // len(base) + 1))[:size]
        row = {"chars": size, "suggestions": len(suggest_text("d", text, matcher=matcher))}
        row["total_s"] = best(lambda: suggest_text("d", text, matcher=matcher))
        # CPU time too: on a machine shared with other work, wall time includes waiting for a core.
        row["total_cpu_s"] = best(lambda: suggest_text("d", text, matcher=matcher), clock=time.process_time)
        for source in (FIGURES, SPEAKERS, STRINGS):
            row[f"{source}_s"] = best(lambda: suggest_text("d", text, matcher=matcher, sources=(source,)))
        row["baseline_s"] = best(lambda: sum(1 for _ in words.finditer(text)))
        row["ratio"] = round(row["total_s"] / row["baseline_s"], 1)
        rows.append({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()})
    report = {"strings": len(labels), "automaton": strings_module.ahocorasick is not None,
              "matcher_build_s": round(build, 4), "first_call_s": round(first_call, 4), "sizes": rows,
              "quality": quality()}
    if args.json:
        print(json.dumps(report))
        return
    print(f"string matcher: {report['strings']} strings, built in {build * 1000:.1f} ms "
          f"({'pyahocorasick' if report['automaton'] else 'regex fallback'}); first call {first_call * 1000:.0f} ms")
    for r in rows:
        print(f"{r['chars']:>9,} chars: {r['suggestions']:>5} suggestions in {r['total_s'] * 1000:8.1f} ms "
              f"(CPU {r['total_cpu_s'] * 1000:.1f}) "
              f"(figures {r['figures_s'] * 1000:.1f}, speakers {r['speakers_s'] * 1000:.1f}, "
              f"strings {r['strings_s'] * 1000:.1f}; bare \\w+ scan {r['baseline_s'] * 1000:.1f} ms, {r['ratio']}x)")
    for label, q in report["quality"].items():
        print(f"{label} on the seeds: precision {q['precision']}, recall {q['recall']} ({q['found']} found, {q['gold']} gold)")


if __name__ == "__main__":
    main()
