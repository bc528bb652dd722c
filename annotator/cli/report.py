"""What commands tell the user: results and JSON on stdout, warnings and progress on stderr.

Scripts read stdout, people read stderr: a summary or ``--json`` report is the only thing a
command writes to stdout (besides an export to ``-o -``), so ``annotator import … --json | jq``
works, and progress bars appear only when stderr is a terminal, never in pipes or logs.
"""

from __future__ import annotations

import contextlib
import json
import sys
from typing import Any, Callable, Iterator

import click

Progress = Callable[[int, int], None]


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):  # replaced or closed stream
        return False


class Reporter:
    """One command's output settings: ``--quiet`` (nothing but errors and asked-for JSON) and
    ``--json`` (the report as JSON instead of the human summary)."""

    def __init__(self, *, quiet: bool = False, as_json: bool = False):
        self.quiet = quiet
        self.as_json = as_json

    def result(self, summary: str, payload: Any) -> None:
        """The command's report: JSON when asked for (even with ``--quiet``: it was asked for),
        else the human summary unless quiet."""
        if self.as_json:
            print_json(payload)
        elif not self.quiet and summary:
            click.echo(summary)

    def warnings(self, notes: list[str], limit: int = 20) -> None:
        if self.quiet:
            return
        for note in notes[:limit]:
            click.echo(f"warning: {note}", err=True)
        if len(notes) > limit:
            click.echo(f"warning: … and {len(notes) - limit} more", err=True)

    @contextlib.contextmanager
    def progress(self, label: str) -> Iterator[Progress | None]:
        """A ``progress(done, total)`` callback drawing a ``click.progressbar`` on stderr, or None
        when nobody would see it (quiet, JSON for a script, stderr not a terminal)."""
        if self.quiet or self.as_json or not stderr_is_terminal():
            yield None
            return
        bar = None

        def report(done: int, total: int) -> None:
            nonlocal bar
            total = max(total, 1)
            if bar is None:
                bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            # A streaming reader counts bytes, then read_files counts files: the unit may change.
            bar.length = total
            bar.update(min(done, total) - bar.pos)

        try:
            yield report
        finally:
            if bar is not None:
                bar.render_finish()


def print_json(payload: Any) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
