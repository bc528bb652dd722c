"""``docs``: what a project holds."""

from __future__ import annotations

import click

from ..model import GOLD
from . import default_reviewer
from .options import json_option, open_for_reading, project_option
from .report import print_json


@click.command()
@project_option(writes=False)
@click.option("--annotator", default=None, help="Count this reviewer's layer (default: your login name).")
@json_option("the list")
def docs(db: str | None, annotator: str | None, as_json: bool) -> None:
    """List the project's documents with their span and claim counts."""
    reviewer = annotator or default_reviewer()
    from ..review import review_progress

    with open_for_reading(db) as store:
        rows = store.document_summaries(reviewer)
        layers = store.layers()
        reviewed = {r.id: review_progress(store, r.id) for r in rows}
    by_doc: dict[str, list[dict]] = {}
    for doc_id, name, done in layers:
        by_doc.setdefault(doc_id, []).append({"annotator": name, "done": done})
    if as_json:
        print_json([
            {
                "id": r.id, "title": r.title, "length": r.length, "annotator": reviewer,
                "spans": r.spans, "claims": r.claims, "done": r.done, "layers": by_doc.get(r.id, []),
                # Adjudication applies where two or more reviewers worked; elsewhere it is not "done".
                "review": {"decided": reviewed[r.id][0], "total": reviewed[r.id][1],
                           "done": _reviewers(by_doc.get(r.id, [])) >= 2 and reviewed[r.id][0] == reviewed[r.id][1]},
            }
            for r in rows
        ])
        return
    click.echo(f"{'id':<28} {'spans':>6} {'claims':>6} {'done':>5} {'adjudicated':>11}  title   (reviewer: {reviewer})")
    for r in rows:
        title = r.title if len(r.title) <= 60 else r.title[:59] + "…"
        decided, total = reviewed[r.id]
        review = f"{decided} of {total}" if total else ""
        click.echo(f"{r.id:<28} {r.spans:>6} {r.claims:>6} {'yes' if r.done else '':>5} {review:>11}  {title}")


def _reviewers(layers: list[dict]) -> int:
    return sum(1 for layer in layers if layer["annotator"] != GOLD)
