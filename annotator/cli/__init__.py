"""The command line: the same domain functions the GUI calls, without a window.

On bad input every command prints one ``error: ...`` line on stderr, exits 1 and leaves the
project file as it was; usage mistakes keep click's exit 2. Commands live in modules of their own
(``window``, ``transfer``, ``listing``, ``reviewers``, ``figure``, ``suggest``), their shared options in ``options`` and
what they print in ``report``.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
import sys

import click

from ..errors import AnnotatorError
from ..login import default_reviewer  # noqa: F401  (the commands' reviewer when none is named)
from ..project import PROJECT_SUFFIX
from ..store.connection import one_line

# Each command's module and function, imported when the command is looked up: a command (and the
# window's start) pays only for its own imports, not for every other command's formats, merge,
# review and agreement code.
COMMANDS = {
    "gui": ("window", "gui"), "import": ("transfer", "import_"), "export": ("transfer", "export"),
    "docs": ("listing", "docs"), "merge": ("reviewers", "merge"), "agreement": ("reviewers", "agreement"),
    "figure": ("figure", "figure"), "suggest": ("suggest", "suggest"),
}


class Group(click.Group):
    """Turns our errors into one line on stderr instead of a traceback, takes a project path
    in place of a command (``annotator my.annotator.db``) as ``gui`` on it, and imports a
    command's module only when the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            module, attr = COMMANDS[name]
            self.add_command(getattr(importlib.import_module(f"{__name__}.{module}"), attr), name)
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in COMMANDS and _names_a_project(args[0]):
            args = ["gui", *args]
        return super().parse_args(ctx, args)

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


def _names_a_project(arg: str) -> bool:
    """A path rather than a mistyped command: an existing file, a project or SQLite file name,
    or anything with a folder in it. A typo (``annotator exprot``) stays "No such command"
    instead of creating a project file of that name."""
    if arg.startswith("-"):
        return False
    return (arg.endswith((PROJECT_SUFFIX, ".db", ".sqlite")) or os.sep in arg or "/" in arg
            or (os.altsep is not None and os.altsep in arg) or os.path.isfile(arg))


CONTEXT = {"help_option_names": ["-h", "--help"]}


@click.group(cls=Group, invoke_without_command=True, context_settings=CONTEXT)
@click.version_option(package_name="annotator")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Annotator: tag claims in news articles and export a gold dataset.

    With no command (or with a PROJECT file in its place), opens the app on that project, else on
    $ANNOTATOR_DB, else on the default project (with the seed articles on first run). Every
    command takes its project as --db PROJECT, with the same defaults.

    Shell completion: eval "$(_ANNOTATOR_COMPLETE=bash_source annotator)" (zsh_source, fish_source).
    """
    if ctx.invoked_subcommand is None:
        from .window import open_window

        open_window(os.environ.get("ANNOTATOR_DB") or None)


def main() -> None:
    cli(prog_name="annotator")


if __name__ == "__main__":
    main()
