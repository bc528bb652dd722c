"""Opening the window from the command line, and refusing to when there is no display."""

from __future__ import annotations

import os
import sys

import click

# Qt platforms that draw nowhere or on their own device: they need no X11 or Wayland server.
_HEADLESS_PLATFORMS = {"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay", "directfb"}


def display_problem(environ=None, platform: str | None = None) -> str | None:
    """Why no window can be opened here, or None. Checked before Qt starts: without a display
    Qt's xcb plugin aborts the process (exit 134) with a screenful of advice."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin", "cygwin")):  # a desktop session is always there
        return None
    qpa = environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if qpa in _HEADLESS_PLATFORMS:
        return None
    if qpa == "wayland" and not environ.get("WAYLAND_DISPLAY"):
        return "no display to open a window on (set WAYLAND_DISPLAY, or use the commands: annotator --help)"
    if environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return "no display to open a window on (set DISPLAY, or use the commands: annotator --help)"


def open_window(project_file: str | None) -> None:
    problem = display_problem()
    if problem:
        click.echo(f"error: {problem}", err=True)
        sys.exit(1)
    from ..gui.app import run

    sys.exit(run(project_file))


@click.command()
@click.argument("project_file", required=False, metavar="[PROJECT]", type=click.Path(dir_okay=False))
def gui(project_file: str | None) -> None:
    """Open the app on PROJECT (created if missing), else on $ANNOTATOR_DB, else on the default project."""
    open_window(project_file or os.environ.get("ANNOTATOR_DB") or None)
