"""``suggest``: spans the suggesters offer a reviewer, printed or stored (bulk pre-annotation)."""

from __future__ import annotations

import json
from collections import Counter

import click

from ..errors import AnnotatorError
from . import default_reviewer
from .options import json_option, open_for_reading, open_for_writing, project_option, quiet_option, shown
from .report import Reporter


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [x.strip() for x in value.split(",") if x.strip()]


@click.command()
@project_option(writes=False)
@click.option("--docs", "doc_ids", default=None, help="Comma-separated document ids (default: all).")
@click.option("--annotator", default=None, help="The reviewer suggestions are for (default: your login name).")
@click.option("--labels", default=None, help="Comma-separated labels to suggest (default: all).")
@click.option("--accept", is_flag=True, help="Store the suggestions as the reviewer's spans, in one transaction.")
@json_option("one suggestion per line")
@quiet_option
def suggest(db: str | None, doc_ids: str | None, annotator: str | None, labels: str | None, accept: bool,
            as_json: bool, quiet: bool) -> None:
    """Suggest spans a reviewer does not have yet: figures, speakers, other occurrences of tagged strings.

    Prints one line per suggestion (document, offsets, label, text, source), then a summary; with
    --json one object per line {"doc", "start", "end", "label", "text", "source", "figure"?}. With
    --accept they are stored as the reviewer's spans (attrs.origin names the suggester), all in one
    transaction; running it again adds nothing. Rejected suggestions never come back.
    """
    from ..suggest import Suggester, accept_all

    reviewer = annotator or default_reviewer()
    out = Reporter(quiet=quiet, as_json=as_json)
    opener = open_for_writing if accept else open_for_reading
    with opener(db) as store:
        chosen = _split(doc_ids)
        known_labels = store.label_scheme().names()
        for label in _split(labels) or []:
            if label not in known_labels:
                raise AnnotatorError(f"no label named {label!r} in {shown(db)} (labels: {', '.join(known_labels)})")
        if chosen is None:
            ids = store.document_ids()
        else:
            present = {s.id for s in store.document_summaries_of(reviewer, chosen)}
            missing = [d for d in chosen if d not in present]
            if missing:
                raise AnnotatorError(f"no document with id {missing[0]!r} in {shown(db)}")
            ids = list(dict.fromkeys(chosen))
        found = []
        with out.progress("suggesting") as progress:
            suggester = Suggester(store, reviewer, labels=_split(labels))
            for n, doc_id in enumerate(ids, 1):
                found.extend(suggester.suggest(doc_id))
                if progress:
                    progress(n, len(ids))
        added = accept_all(store, reviewer, found) if accept else 0
    if as_json:
        for s in found:
            click.echo(json.dumps(s.to_json(), ensure_ascii=False))
        return
    if not accept:
        for s in found:
            click.echo(f"{s.doc}\t{s.start}\t{s.end}\t{s.label}\t{json.dumps(s.text, ensure_ascii=False)}\t{s.source}")
    by_label = ", ".join(f"{label} {n}" for label, n in sorted(Counter(s.label for s in found).items()))
    docs = len({s.doc for s in found})
    if accept:
        summary = f"{added} span(s) added for {reviewer} in {docs} document(s)" + (f" ({by_label})" if by_label else "")
    else:
        summary = f"{len(found)} suggestion(s) for {reviewer} in {docs} document(s)" + (f" ({by_label})" if by_label else "")
    if not quiet:
        click.echo(summary, err=not accept)
