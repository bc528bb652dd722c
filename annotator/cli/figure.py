"""``figure``: what a figure phrase means, as the app reads a FIGURE span's text."""

from __future__ import annotations

import json
import sys

import click

from .options import json_option


@click.command()
@click.argument("phrases", nargs=-1, required=True, metavar="PHRASE...")
@json_option("one reading per line")
def figure(phrases: tuple[str, ...], as_json: bool) -> None:
    """Print the normalisation of each PHRASE ("around $3 billion" → ≈ 3,000,000,000 USD).

    A PHRASE of - reads phrases from standard input, one per line; put -- before a phrase that
    starts with a dash ("annotator figure -- -5%"). With --json, each line is an
    object {"text", "value", "unit", "counted", "qualifier", "period", "upper", "interval",
    "source"}; "value" is null for a phrase that is not a figure. Exits 0 either way.
    """
    from ..figures import describe, no_reading, read_figure  # its patterns: not on every command's start

    for phrase in _phrases(phrases):
        reading = read_figure(phrase)
        if as_json:
            record = {"text": phrase, **(reading.to_dict() if reading is not None else no_reading())}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            line = describe(reading)
            if reading is not None and reading.interval is not None and reading.upper is None:
                low, high = reading.interval
                line += f"  [{low:,} – {high:,}]"
            click.echo(f"{phrase}: {line}")


def _phrases(phrases: tuple[str, ...]):
    for phrase in phrases:
        if phrase == "-":
            for line in sys.stdin:
                line = line.rstrip("\r\n")
                if line.strip():
                    yield line
        else:
            yield phrase
