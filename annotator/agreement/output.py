"""The report as JSON or as a plain-text table."""

from __future__ import annotations

import json
import math
import secrets
from typing import Any

from .report import AgreementReport


# ---------------------------------------------------------------------------------------------
# Output


def report_to_json(report: AgreementReport) -> dict[str, Any]:
    """The report as JSON-ready values; undefined figures are None (JSON null)."""
    return {
        "annotators": list(report.annotators),
        "pairs": [
            {
                "a": pair.a,
                "b": pair.b,
                "f1_exact": pair.f1_exact,
                "f1_overlap": pair.f1_overlap,
                "per_label": {
                    label: {"f1_exact": s.f1_exact, "f1_overlap": s.f1_overlap, "kappa": s.kappa}
                    for label, s in pair.per_label.items()
                },
            }
            for pair in report.pairs
        ],
        "per_label": {
            label: {
                "f1_exact_mean": s.f1_exact_mean,
                "f1_exact_sd": s.f1_exact_sd,
                "f1_overlap_mean": s.f1_overlap_mean,
                "kappa_mean": s.kappa_mean,
                "alpha_u": s.alpha_u,
            }
            for label, s in report.per_label.items()
        },
        "per_document": [
            {
                "doc": d.doc,
                "f1_exact_mean": d.f1_exact_mean,
                "f1_overlap_mean": d.f1_overlap_mean,
                "n_annotators": d.n_annotators,
            }
            for d in report.per_document
        ],
        "overall": {
            "f1_exact_mean": report.f1_exact_mean,
            "f1_exact_sd": report.f1_exact_sd,
            "f1_overlap_mean": report.f1_overlap_mean,
            "alpha_u": report.alpha_u,
        },
    }


def report_json_text(report: AgreementReport) -> str:
    """``json.dumps(report_to_json(report), ensure_ascii=False, indent=2)``, the same text. With
    an indent the standard library encodes in Python, and the per-document list (one object per
    document: 10,000 of them) took most of it; those objects are written here, the rest as it was."""
    payload = report_to_json(report)
    documents = payload["per_document"]
    if not documents or not all(_plain_document(d) for d in documents):
        return json.dumps(payload, ensure_ascii=False, indent=2)
    marker = f"per-document list {secrets.token_hex(16)}"
    payload["per_document"] = marker
    head, tail = json.dumps(payload, ensure_ascii=False, indent=2).split(json.dumps(marker), 1)
    quote = json.encoder.encode_basestring  # what ensure_ascii=False writes a string with
    scalar = {type(None): lambda _v: "null", int: int.__repr__, float: float.__repr__, str: quote}
    objects = ",\n".join([
        f'    {{\n      "doc": {scalar[type(d["doc"])](d["doc"])},\n'
        f'      "f1_exact_mean": {scalar[type(d["f1_exact_mean"])](d["f1_exact_mean"])},\n'
        f'      "f1_overlap_mean": {scalar[type(d["f1_overlap_mean"])](d["f1_overlap_mean"])},\n'
        f'      "n_annotators": {int.__repr__(d["n_annotators"])}\n    }}'
        for d in documents
    ])
    return f"{head}[\n{objects}\n  ]{tail}"


def _plain_document(entry: dict[str, Any]) -> bool:
    """An entry the fast writer spells as the standard library does: a str, int or None id,
    finite floats or None, an int count (anything else goes through ``json.dumps``)."""
    doc = entry["doc"]
    return (type(doc) in (str, int, type(None)) and type(entry["n_annotators"]) is int
            and all(v is None or (type(v) is float and math.isfinite(v))
                    for v in (entry["f1_exact_mean"], entry["f1_overlap_mean"])))


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _documents(count: int) -> str:
    return f"{count} document" if count == 1 else f"{count} documents"


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows)]
    line = lambda cells: "  ".join(  # noqa: E731
        cell.ljust(w) if k == 0 else cell.rjust(w) for k, (cell, w) in enumerate(zip(cells, widths))
    )
    return [line(headers), "  ".join("-" * w for w in widths), *map(line, rows or [["(none)"]])]


def format_table(report: AgreementReport) -> str:
    """A plain-text summary: pairs, labels, overall. Undefined figures read "n/a"."""
    out = [f"Reviewers: {', '.join(report.annotators) or '(none)'}", "", "Pairs"]
    out += _table(
        ["A", "B", "docs", "F1 exact", "F1 overlap"],
        [
            [p.a, p.b, str(p.documents), _fmt(p.f1_exact), _fmt(p.f1_overlap)]
            for p in report.pairs
        ],
    )
    out += ["", "Labels"]
    out += _table(
        ["Label", "F1 exact", "SD", "F1 overlap", "kappa", "alpha_U"],
        [
            [
                label,
                _fmt(s.f1_exact_mean),
                _fmt(s.f1_exact_sd),
                _fmt(s.f1_overlap_mean),
                _fmt(s.kappa_mean),
                _fmt(s.alpha_u),
            ]
            for label, s in report.per_label.items()
        ],
    )
    out += [
        "",
        "Overall",
        f"  F1 exact:   {_fmt(report.f1_exact_mean)} (SD {_fmt(report.f1_exact_sd)})",
        f"  F1 overlap: {_fmt(report.f1_overlap_mean)}",
        f"  alpha_U:    {_fmt(report.alpha_u)} (over the {_documents(report.alpha_u_documents)} "
        "every reviewer annotated)",
    ]
    return "\n".join(out)
