"""Options every command spells the same way, and the project they name."""

from __future__ import annotations

import click

from .. import project
from ..store import Store

_DB_HELP = ("Project file{created} (default: $ANNOTATOR_DB, else the default project the window opens, "
            "created with the seed articles on first use).")


def project_option(*, writes: bool, aliases: tuple[str, ...] = ()):
    """``--db PROJECT``, with ``ANNOTATOR_DB`` as its default, on every command."""
    return click.option(
        "--db", *aliases, "db", default=None, envvar="ANNOTATOR_DB", show_envvar=False, metavar="PROJECT",
        type=click.Path(dir_okay=False),
        help=_DB_HELP.format(created=" (created if missing)" if writes else ""),
    )


def open_for_reading(db: str | None) -> Store:
    """For commands that only read: a named file must exist; read-only media are fine."""
    return project.open_named_or_default(db, read_only=True)


def open_for_writing(db: str | None) -> Store:
    return project.open_named_or_default(db)


def shown(db: str | None) -> str:
    """The project as messages name it."""
    return str(db) if db is not None else str(project.default_project_path())


quiet_option = click.option("-q", "--quiet", is_flag=True,
                            help="No summary, warnings or progress; errors are still printed.")


def json_option(what: str = "the summary"):
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON on standard output.")
