"""The command line: the same domain functions the GUI calls, without a window.

On bad input every command prints one ``error: ...`` line on stderr, exits non-zero and leaves
the project file as it was.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
import sys
from pathlib import Path

import click

from . import formats, project
from .errors import AnnotatorError
from .model import GOLD
from .store.connection import one_line


def default_reviewer() -> str:
    try:
        return getpass.getuser() or "reviewer"
    except Exception:  # getuser raises when no login name can be found (containers)
        return "reviewer"


class Group(click.Group):
    """Turns our errors into one line on stderr instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except AnnotatorError as exc:
            click.echo(f"error: {one_line(str(exc), 2000)}", err=True)
            sys.exit(1)
        except sqlite3.Error as exc:  # read while iterating a damaged file, after the query began
            click.echo(f"error: the project file cannot be read ({one_line(str(exc))})", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # the reader went away (`| head`): nothing to report
            import os

            try:  # the interpreter's last flush of stdout would fail on the closed pipe again
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):  # no real descriptor (tests)
                pass
            sys.exit(141)  # 128 + SIGPIPE: what a shell shows for a tool the pipe ended
        except OSError as exc:  # disk full, permissions, a folder where a file was expected
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            click.echo(f"error: {where}{exc.strerror or exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("error: interrupted; nothing was changed by the unfinished step", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug: still no traceback in the user's face
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (please report this)", err=True)
            sys.exit(2)


def _open_existing(db: str):
    """A project that must exist already, for commands that only read it (read-only media too)."""
    path = Path(db)
    if not path.exists():
        raise AnnotatorError(f"{path}: no such project file")
    return project.open_project(path, read_only=True, create=False)


@click.group(cls=Group, invoke_without_command=True)
@click.version_option(package_name="annotator")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Annotator: tag claims in news articles and export a gold dataset.

    With no command, opens the app on the default project (with the seed articles on first run).
    """
    if ctx.invoked_subcommand is None:
        from .gui.app import run

        sys.exit(run(None))


@cli.command()
@click.argument("project_file", required=False, type=click.Path(dir_okay=False))
def gui(project_file: str | None) -> None:
    """Open the app on PROJECT_FILE (created if missing) or on the default project."""
    from .gui.app import run

    sys.exit(run(project_file))


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--db", "db", required=True, type=click.Path(dir_okay=False), help="Project file (created if missing).")
@click.option("--format", "fmt", default="auto", show_default=True, help="auto, " + ", ".join(sorted(formats.FORMATS)))
@click.option("--annotator", default=None, help="Reviewer for files that do not name one (default: your login name).")
@click.option("--strict-labels", is_flag=True, help="Refuse files with labels the project's scheme lacks.")
def import_(files: tuple[str, ...], db: str, fmt: str, annotator: str | None, strict_labels: bool) -> None:
    """Import FILES into the project: all of them in one transaction, or none."""
    reviewer = annotator or default_reviewer()
    notes: list[str] = []
    origins: dict = {}
    items = project.read_files(files, format=fmt, annotator=reviewer, warnings_out=notes,
                               progress=_stderr_progress("reading"), origins_out=origins)
    with project.open_project(db) as store:
        result = project.store_items(store, items, origins, strict_labels=strict_labels,
                                     progress=_stderr_progress("storing"))
    _print_warnings(notes)
    click.echo(result.summary())


def _print_warnings(notes: list[str], limit: int = 20) -> None:
    for note in notes[:limit]:
        click.echo(f"warning: {note}", err=True)
    if len(notes) > limit:
        click.echo(f"warning: … and {len(notes) - limit} more", err=True)


def _stderr_progress(what: str):
    """Progress on stderr, only when it is a terminal (never in pipes or logs)."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        click.echo(f"\r{what} {done}/{total}", err=True, nl=done == total)

    return report


@cli.command()
@click.option("--db", "db", required=True, type=click.Path(dir_okay=False), help="Project file.")
@click.option("--format", "fmt", default="jsonl", show_default=True, help=", ".join(sorted(formats.FORMATS)))
@click.option("--annotator", default=None, help="Export only this reviewer's layer.")
@click.option("--gold", is_flag=True, help="Export the adjudicated gold layer, with each span's provenance.")
@click.option("-o", "--output", "out", default=None, type=click.Path(),
              help="Output file or folder; - is standard output (the default for jsonl).")
@click.option("--doccano-form", type=click.Choice(["label", "relation"]), default=None,
              help="doccano: spans only (label) or entities and relations (relation); see the README.")
def export(db: str, fmt: str, annotator: str | None, gold: bool, out: str | None, doccano_form: str | None) -> None:
    """Export layers as a dataset (one line per document and reviewer for JSONL).

    Folder formats (brat, txt) build the folder beside OUT and rename it into place; an existing
    OUT is replaced only when it is empty or an earlier export holding nothing else.
    """
    if gold and annotator:
        raise AnnotatorError("--gold and --annotator cannot be used together")
    if out is None and fmt != "jsonl":
        raise AnnotatorError(f"the {fmt} format needs an output path: pass -o (- for standard output)")
    import os

    target = "-" if out in (None, "-") else os.path.abspath(out)  # so that "./-" stays a file
    with _open_existing(db) as store:
        if annotator is not None and annotator not in store.annotators():
            known = ", ".join(store.annotators()) or "none yet"
            raise AnnotatorError(f"no reviewer named {annotator!r} in {db} (reviewers: {known})")
        if gold and GOLD not in store.annotators():
            raise AnnotatorError(f"{db} has no gold layer yet: adjudicate in Review > Review disagreements")
        report = project.export(store, target, format=fmt, annotator=annotator, gold=gold,
                                options={"form": doccano_form} if doccano_form else None)
    if target != "-":
        click.echo(
            f"wrote {report.documents} document(s), {report.spans} span(s), {report.claims} claim(s) to {out}",
            err=True,
        )
    _print_warnings(report.warnings + report.skipped)


@cli.command()
@click.option("--db", "db", required=True, type=click.Path(dir_okay=False), help="Project file.")
@click.option("--annotator", default=None, help="Count this reviewer's layer (default: your login name).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def docs(db: str, annotator: str | None, as_json: bool) -> None:
    """List the project's documents with their span and claim counts."""
    reviewer = annotator or default_reviewer()
    from .review import review_progress

    with _open_existing(db) as store:
        rows = store.document_summaries(reviewer)
        layers = store.layers()
        reviewed = {r.id: review_progress(store, r.id) for r in rows}
    by_doc: dict[str, list[dict]] = {}
    for doc_id, name, done in layers:
        by_doc.setdefault(doc_id, []).append({"annotator": name, "done": done})
    if as_json:
        payload = [
            {
                "id": r.id, "title": r.title, "length": r.length, "annotator": reviewer,
                "spans": r.spans, "claims": r.claims, "done": r.done, "layers": by_doc.get(r.id, []),
                # Adjudication applies where two or more reviewers worked; elsewhere it is not "done".
                "review": {"decided": reviewed[r.id][0], "total": reviewed[r.id][1],
                           "done": _reviewers(by_doc.get(r.id, [])) >= 2 and reviewed[r.id][0] == reviewed[r.id][1]},
            }
            for r in rows
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'id':<28} {'spans':>6} {'claims':>6} {'done':>5} {'adjudicated':>11}  title   (reviewer: {reviewer})")
    for r in rows:
        title = r.title if len(r.title) <= 60 else r.title[:59] + "…"
        decided, total = reviewed[r.id]
        review = f"{decided} of {total}" if total else ""
        click.echo(f"{r.id:<28} {r.spans:>6} {r.claims:>6} {'yes' if r.done else '':>5} {review:>11}  {title}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--into", "into", required=True, type=click.Path(dir_okay=False), help="Project file to merge into (created if missing).")
def merge(files: tuple[str, ...], into: str) -> None:
    """Bring the reviewer layers of other project FILES into one project.

    Documents are matched by their text. A layer the project lacks is added, an identical one is
    skipped, a different one replaces the project's (which is kept in its layer history).
    """
    from .merge import merge_files

    with project.open_project(into) as store:
        result = merge_files(store, list(files))
    click.echo(result.summary())


@cli.command()
@click.option("--db", "db", required=True, type=click.Path(dir_okay=False), help="Project file.")
@click.option("--annotators", default=None, help="Comma-separated reviewers (default: all).")
@click.option("--labels", default=None, help="Comma-separated labels (default: all).")
@click.option("--docs", "doc_ids", default=None, help="Comma-separated document ids (default: all).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def agreement(db: str, annotators: str | None, labels: str | None, doc_ids: str | None, as_json: bool) -> None:
    """Inter-annotator agreement: span F1 (exact, overlap), Cohen's kappa, Krippendorff's alpha_U."""
    from .agreement import compute_agreement, format_table, report_to_json

    def split(value: str | None) -> list[str] | None:
        return None if value is None else [x.strip() for x in value.split(",") if x.strip()]

    with _open_existing(db) as store:
        layers, lengths = project.agreement_inputs(store, split(doc_ids))
        known = set(store.annotators())
        known_labels = set(store.label_scheme().names())
    chosen = split(annotators)
    for name in chosen or []:
        if name not in known:
            raise AnnotatorError(f"no reviewer named {name!r} in {db} (reviewers: {', '.join(sorted(known)) or 'none'})")
    for name in split(labels) or []:
        if name not in known_labels:
            raise AnnotatorError(f"no label named {name!r} in {db} (labels: {', '.join(sorted(known_labels))})")
    report = compute_agreement(layers, lengths, annotators=chosen, labels=split(labels))
    if as_json:
        click.echo(json.dumps(report_to_json(report), ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(report))


def _reviewers(layers: list[dict]) -> int:
    return sum(1 for layer in layers if layer["annotator"] != GOLD)


def main() -> None:
    cli(prog_name="annotator")


if __name__ == "__main__":
    main()
