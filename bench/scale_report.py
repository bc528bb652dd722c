"""The table and JSON of ``bench/scale.py``: its figures, the issue's targets, ratios and the
growth per 10x more documents; ``--table`` reprints earlier ``--json`` outputs through it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def k(n: int) -> str:
    return f"{n // 1000}k"


# ------------------------------------------------------------------------------------------------
# Figures and targets

SIZED = [  # (key pattern, what, unit)
    ("key_to_span_{}_docs_ms", "key press -> span committed and drawn", "ms"),
    ("doc_switch_{}_docs_ms", "document switch", "ms"),
    ("launch_{}_docs_s", "launch to a usable window", "s"),
    ("docs_json_{}_s", "annotator docs --json", "s"),
    ("import_{}_s", "import (CLI, native JSONL)", "s"),
    ("import_{}_peak_mb", "import, peak memory", "MB"),
]
FIXED = [
    ("launch_lead_1k_x10_s", "launch, lead project 1k docs x 10 reviewers"),
    ("merge_fresh_10x1k_s", "merge 10 reviewer files x 1k docs, fresh"),
    ("merge_fresh_10x1k_peak_mb", "  peak memory"),
    ("remerge_10x1k_s", "merge again, unchanged"),
    ("remerge_10x1k_peak_mb", "  peak memory"),
    ("remerge_changed_10x1k_s", "merge again, 20% of spans changed"),
    ("remerge_changed_10x1k_peak_mb", "  peak memory"),
    ("ls_import_1k_x100_s", "Label Studio JSON import, 1k docs x 100 spans"),
    ("ls_export_1k_x100_s", "Label Studio JSON export"),
    ("doccano_import_1k_x100_s", "doccano JSONL import"),
    ("doccano_export_1k_x100_s", "doccano JSONL export"),
    ("spacy_import_1k_x100_s", "spaCy JSONL import"),
    ("spacy_export_1k_x100_s", "spaCy JSONL export"),
    ("agreement_10k_x3_s", "agreement, 10k docs x 3 reviewers"),
    ("review_view_ms", "review view of a 10-reviewer document"),
]


def target(key: str) -> tuple[str, float | None, float | None]:
    """(shown, absolute limit, limit as a multiple of the baseline) from the issue."""
    if key.startswith("key_to_span"):
        return "<= 16 ms", 16.0, None
    if key.startswith("doc_switch"):
        return "<= 30 ms", 30.0, None
    if key.startswith("launch_lead"):
        return "<= 0.6 s", 0.6, None
    if key.startswith("launch_100k"):
        return "<= 0.8 s", 0.8, None
    if key.startswith("launch_"):
        return "<= 0.5 s", 0.5, None
    if key == "docs_json_100k_s":
        return "<= 3x bare, <= 5 s", 5.0, 3.0
    if key.startswith("docs_json") or (key.startswith("import_") and key.endswith("_s")):
        return "<= 3x bare", None, 3.0
    if key.endswith("_peak_mb"):
        return "<= 400 MB", 400.0, None
    if "merge" in key:
        return "<= 5 s", 5.0, None
    if key.endswith("_import_1k_x100_s"):
        return "<= 0.9 s", 0.9, None
    if key.endswith("_export_1k_x100_s"):
        return "<= 0.5 s", 0.5, None
    if key == "agreement_10k_x3_s":
        return "<= 2 s", 2.0, None
    if key == "review_view_ms":
        return "<= 300 ms", 300.0, None
    return "-", None, None


def met(key: str, value: float | None, base: float | None) -> str:
    shown, limit, times = target(key)
    if shown == "-":
        return "-"
    if value is None:
        return "NO"
    ok = (limit is None or value <= limit) and (times is None or base is None or value <= times * base)
    return "yes" if ok else "NO"


# ------------------------------------------------------------------------------------------------
# Output


def fmt(key: str, value: float | None) -> str:
    if value is None:
        return "-"
    if key.endswith("_mb"):
        return f"{value:.0f} MB"
    if key.endswith("_ms"):
        return f"{value:.1f} ms"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def rows(results: dict, notes: dict, sizes: list[int]) -> list[tuple[str, ...]]:
    out = [("figure", "docs", "value", "bare", "ratio", "x per 10x", "target", "met")]

    def row(key: str, what: str, size: str, growth: str) -> tuple[str, ...]:
        value, base = results.get(key), results.get(f"{key}_baseline")
        ratio = f"{value / base:.1f}x" if value is not None and base else "-"
        shown = fmt(key, value) if value is not None else notes.get(key, "-")[:40]
        return (what, size, shown, fmt(key, base), ratio, growth, target(key)[0], met(key, value, base))

    for pattern, what, _unit in SIZED:
        previous = None
        for n in sizes:
            key = pattern.format(k(n))
            if key not in results:
                previous = None
                continue
            value = results[key]
            growth = f"{value / previous:.1f}x" if value is not None and previous and n // 10 in sizes else "-"
            out.append(row(key, what, k(n), growth))
            previous = value
    for key, what in FIXED:
        if key in results:
            out.append(row(key, what, "", "-"))
    return out


def growth(results: dict, sizes: list[int]) -> dict:
    out = {}
    for pattern, _what, _unit in SIZED:
        for n in sizes:
            if n // 10 in sizes:
                a, b = results.get(pattern.format(k(n // 10))), results.get(pattern.format(k(n)))
                if a and b is not None:
                    out[f"{pattern.format(k(n))}_per_10x"] = b / a
    return out


def print_table(table: list[tuple[str, ...]], stream) -> None:
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for n, r in enumerate(table):
        print("  ".join(c.ljust(w) if i in (0, 1) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))), file=stream)
        if n == 0:
            print("  ".join("-" * w for w in widths), file=stream)


META = ("growth_per_10x", "ratios", "met", "notes", "samples", "sizes")


def output(results: dict, notes: dict, samples: dict, sizes: list[int], as_json: bool) -> None:
    print_table(rows(results, notes, sizes), sys.stderr if as_json else sys.stdout)
    summary = (f"CPUs: {os.cpu_count()} (usable: {len(os.sched_getaffinity(0))}); python {sys.version.split()[0]}; "
               "medians; ratio = figure / bare baseline; x per 10x = figure at N / figure at N/10")
    print(summary, file=sys.stderr if as_json else sys.stdout)
    if as_json:
        out = dict(results)
        out["growth_per_10x"] = growth(results, sizes)
        out["ratios"] = {key: v / results[f"{key}_baseline"] for key, v in results.items()
                         if not key.endswith("_baseline") and v is not None and results.get(f"{key}_baseline")}
        out["met"] = {key: met(key, v, results.get(f"{key}_baseline")) == "yes"
                      for key, v in results.items() if not key.endswith("_baseline")}
        out["notes"] = notes
        out["samples"] = samples
        out["sizes"] = sizes
        print(json.dumps(out))


def reprint(paths: list[str], as_json: bool) -> int:
    results, notes, samples, sizes = {}, {}, {}, set()
    for path in paths:
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
        for key in [k for k in saved if k not in META and not k.endswith("_baseline")]:
            results[key], results[f"{key}_baseline"] = saved[key], saved.get(f"{key}_baseline")
            notes.pop(key, None)
        notes.update(saved.get("notes", {}))
        samples.update(saved.get("samples", {}))
        sizes.update(saved.get("sizes", []))
    output(results, notes, samples, sorted(sizes), as_json)
    return 0
