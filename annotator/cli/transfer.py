"""``import`` and ``export``: files in and out of a project."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import itertools
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import click

from .. import formats, project
from ..errors import AnnotatorError, InputError
from ..formats.checks import MAX_FILE_BYTES
from ..model import GOLD
from . import default_reviewer
from .options import json_option, open_for_reading, open_for_writing, project_option, quiet_option, shown
from .report import Reporter

STDIN_NAME = "standard input"  # how messages name "-"


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@project_option(writes=True)
@click.option("--format", "fmt", default="auto", show_default=True,
              type=click.Choice(["auto", *sorted(formats.FORMATS)]),
              help="auto tells the format by extension (and JSONL flavour by content; for - by content alone).")
@click.option("--annotator", default=None, help="Reviewer for files that do not name one (default: your login name).")
@click.option("--strict-labels", is_flag=True, help="Refuse files with labels the project's scheme lacks.")
@json_option("what was imported")
@quiet_option
def import_(files: tuple[str, ...], db: str | None, fmt: str, annotator: str | None, strict_labels: bool,
            as_json: bool, quiet: bool) -> None:
    """Import FILES (- is standard input) into the project: all of them in one transaction, or none."""
    out = Reporter(quiet=quiet, as_json=as_json)
    reviewer = annotator or default_reviewer()
    notes: list[str] = []
    with _stdin_spooled(files, fmt) as (paths, spool):
        try:
            with out.progress("importing") as progress, project.collect_warnings(notes):
                stream = project.iter_files(paths, format=_stdin_format(fmt, spool), annotator=reviewer,
                                            progress=progress)
                # The first document is read and checked before the project is opened, so a file
                # refused from its first line never creates a project; the rest is stored as it
                # is read, in one transaction that a later refusal rolls back whole.
                first = next(stream)
                with open_for_writing(db) as store:
                    result = project.store_stream(store, itertools.chain([first], stream),
                                                  strict_labels=strict_labels)
        except InputError as exc:
            raise _named_stdin(exc, spool) from None
        except AnnotatorError as exc:
            raise _renamed(exc, spool) from None
    if spool is not None:
        notes = [note.replace(str(spool), STDIN_NAME) for note in notes]
    out.warnings(notes)
    payload = {"project": shown(db), "files": list(files), **dataclasses.asdict(result), "warnings": notes}
    payload["labels_added"] = payload["labels_added"] or []
    out.result(result.summary(), payload)


@contextlib.contextmanager
def _stdin_spooled(files: tuple[str, ...], fmt: str) -> Iterator[tuple[list[str], Path | None]]:
    """``files`` with ``-`` replaced by a private copy of standard input, so that the readers,
    which take paths (and check sizes, and seek), read it unchanged."""
    if files.count("-") > 1:
        raise click.UsageError("- (standard input) can be given only once")
    if "-" not in files:
        yield list(files), None
        return
    if fmt == formats.brat.NAME:
        raise click.UsageError(f"the {fmt} format reads a folder, not standard input")
    # The extension lets --format auto sniff JSONL flavours by content, as it does for files.
    suffix = ".jsonl" if fmt == "auto" else formats.get(fmt).EXTENSIONS[0]
    folder = Path(tempfile.mkdtemp(prefix="annotator-stdin-"))  # 0700: nobody else reads the input
    spool = folder / f"stdin{suffix}"
    try:
        source = sys.stdin.buffer
        written = 0
        with open(spool, "xb") as handle:
            while chunk := source.read(1 << 20):
                written += len(chunk)
                if written > MAX_FILE_BYTES:  # the cap every file has: stdin may never end
                    raise InputError(f"holds more than {MAX_FILE_BYTES // 2**20} MiB; not read", path=STDIN_NAME)
                handle.write(chunk)
        yield [str(spool) if f == "-" else f for f in files], spool
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _stdin_format(fmt: str, spool: Path | None) -> str:
    """With ``-`` and ``--format auto``, the JSONL flavour told by content, as for a .jsonl file;
    anything else on standard input needs --format (there is no extension to go by)."""
    if spool is None or fmt != "auto":
        return fmt
    try:
        return formats.detect(spool)
    except InputError as exc:
        reason = exc.reason if "--format" in exc.reason else (
            f"{exc.reason}; --format auto reads only JSONL from standard input: pass --format")
        raise InputError(reason, path=STDIN_NAME, line=exc.line) from None


def _named_stdin(exc: InputError, spool: Path | None) -> AnnotatorError:
    """The refusal naming "standard input" rather than the private copy nobody knows of."""
    if spool is None:
        return exc
    if exc.path == str(spool):
        return InputError(exc.reason, path=STDIN_NAME, line=exc.line)
    return _renamed(exc, spool)


def _renamed(exc: AnnotatorError, spool: Path | None) -> AnnotatorError:
    if spool is None or str(spool) not in str(exc):
        return exc
    message = str(exc).replace(str(spool), STDIN_NAME)
    try:
        return type(exc)(message)  # StoreError, EditError: one message, as raised
    except TypeError:
        return AnnotatorError(message)


@click.command()
@project_option(writes=False)
@click.option("--format", "fmt", default="jsonl", show_default=True, type=click.Choice(sorted(formats.FORMATS)),
              help="The format to write.")
@click.option("--annotator", default=None, help="Export only this reviewer's layer.")
@click.option("--gold", is_flag=True, help="Export the adjudicated gold layer, with each span's provenance.")
# Options of one format go here, passed on in `writer_options` below.
@click.option("--doccano-form", type=click.Choice(["label", "relation"]), default=None,
              help="doccano: spans only (label) or entities and relations (relation); see the README.")
@click.option("-o", "--output", "out", default=None, type=click.Path(allow_dash=True),
              help="Output file or folder; - is standard output (the default for jsonl).")
@json_option("what was written (needs -o FILE)")
@quiet_option
def export(db: str | None, fmt: str, annotator: str | None, gold: bool, out: str | None, as_json: bool,
           quiet: bool, doccano_form: str | None) -> None:
    """Export layers as a dataset (one line per document and reviewer for JSONL).

    Folder formats (brat, txt) build the folder beside OUT and rename it into place; an existing
    OUT is replaced only when it is empty or an earlier export holding nothing else.
    """
    if gold and annotator:
        raise AnnotatorError("--gold and --annotator cannot be used together")
    if out is None and fmt != "jsonl":
        raise AnnotatorError(f"the {fmt} format needs an output path: pass -o (- for standard output)")
    to_stdout = out in (None, "-") or _is_stdout(out)
    if as_json and to_stdout:
        raise click.UsageError("--json reports on standard output, which the export is written to: pass -o FILE")
    reporter = Reporter(quiet=quiet, as_json=as_json)
    writer_options: dict = {}  # format-specific options, for project.export
    if doccano_form:
        writer_options["options"] = {"form": doccano_form}
    target = "-" if out in (None, "-") else os.path.abspath(out)  # so that "./-" stays a file
    with open_for_reading(db) as store:
        name = shown(db)
        if annotator is not None and annotator not in store.annotators():
            known = ", ".join(store.annotators()) or "none yet"
            raise AnnotatorError(f"no reviewer named {annotator!r} in {name} (reviewers: {known})")
        if gold and GOLD not in store.annotators():
            raise AnnotatorError(f"{name} has no gold layer yet: adjudicate in Review > Review disagreements")
        with reporter.progress("exporting") as progress:
            report = project.export(store, target, format=fmt, annotator=annotator, gold=gold, progress=progress,
                                    **writer_options)
    reporter.warnings(report.warnings + report.skipped)
    if to_stdout:  # stdout holds the data: no summary after it
        return
    summary = f"wrote {report.documents} document(s), {report.spans} span(s), {report.claims} claim(s) to {out}"
    reporter.result(summary, {
        "project": name, "format": fmt, "file": out, "documents": report.documents, "spans": report.spans,
        "claims": report.claims, "warnings": report.warnings, "skipped": report.skipped,
    })


def _is_stdout(out: str) -> bool:
    """``-o /dev/stdout`` or ``-o /dev/fd/1``, or the file stdout is redirected to: the summary
    must not land in the data."""
    try:
        target, ours = os.stat(out), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return (target.st_dev, target.st_ino) == (ours.st_dev, ours.st_ino)
