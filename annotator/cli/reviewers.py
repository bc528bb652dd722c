"""``merge`` and ``agreement``: several reviewers' work on the same documents."""

from __future__ import annotations

import click

from ..errors import AnnotatorError
from .options import json_option, open_for_reading, open_for_writing, project_option, quiet_option, shown
from .report import Reporter, print_json


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
# --into was the option's first name: scripts written for it keep working.
@project_option(writes=True, aliases=("--into",))
@json_option("what was merged")
@quiet_option
def merge(files: tuple[str, ...], db: str | None, as_json: bool, quiet: bool) -> None:
    """Bring the reviewer layers of other project FILES into one project (--db, alias --into).

    Documents are matched by their text. A layer the project lacks is added, an identical one is
    skipped, a different one replaces the project's (which is kept in its layer history).
    """
    from ..merge import merge_files

    out = Reporter(quiet=quiet, as_json=as_json)
    with open_for_writing(db) as store, out.progress("merging") as progress:
        result = merge_files(store, list(files), progress=progress)

    def layers(pairs: list[tuple[str, str]]) -> list[dict]:
        return [{"document": doc, "annotator": who} for doc, who in pairs]

    out.result(result.summary(), {
        "project": shown(db), "files": list(files), "added": layers(result.added),
        "replaced": layers(result.replaced), "unchanged": layers(result.unchanged),
        "documents_added": result.documents_added, "labels_added": result.labels_added, "notes": result.notes,
    })


@click.command()
@project_option(writes=False)
@click.option("--annotators", default=None, help="Comma-separated reviewers (default: all).")
@click.option("--labels", default=None, help="Comma-separated labels (default: all).")
@click.option("--docs", "doc_ids", default=None, help="Comma-separated document ids (default: all).")
@json_option("the report")
@quiet_option
def agreement(db: str | None, annotators: str | None, labels: str | None, doc_ids: str | None, as_json: bool,
              quiet: bool) -> None:
    """Inter-annotator agreement: span F1 (exact, overlap), Cohen's kappa, Krippendorff's alpha_U."""
    from ..agreement import agreement_inputs, compute_agreement, format_table, report_json_text

    def split(value: str | None) -> list[str] | None:
        return None if value is None else [x.strip() for x in value.split(",") if x.strip()]

    from ..collector import paused

    name = shown(db)
    # One pause for the whole command: re-enabled between reading and comparing (or before the
    # output), the collector's first pass walked every one of the 300,000 spans' objects at
    # once (0.1-0.2 s at 10,000 documents x 3 reviewers), and again as the output was built.
    with paused():
        with open_for_reading(db) as store:
            layers, lengths = agreement_inputs(store, split(doc_ids))
            known = set(store.annotators())
            known_labels = set(store.label_scheme().names())
        chosen = split(annotators)
        for who in chosen or []:
            if who not in known:
                raise AnnotatorError(f"no reviewer named {who!r} in {name} (reviewers: {', '.join(sorted(known)) or 'none'})")
        for label in split(labels) or []:
            if label not in known_labels:
                raise AnnotatorError(f"no label named {label!r} in {name} (labels: {', '.join(sorted(known_labels))})")
        with Reporter(quiet=quiet, as_json=as_json).progress("comparing") as progress:
            report = compute_agreement(layers, lengths, annotators=chosen, labels=split(labels), progress=progress)
        del layers  # freed while the collector is still off
        # The table is the result asked for, not a summary: --quiet leaves it.
        if as_json:
            click.echo(report_json_text(report))
        else:
            click.echo(format_table(report))
        del report
