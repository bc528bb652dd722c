"""Errors a user can act on.

Everything raised as an ``AnnotatorError`` carries a message written for the person at the
keyboard; the CLI prints it as ``error: ...`` and the GUI shows it in a dialog. Anything else
that escapes is a bug.
"""

from __future__ import annotations

import re

_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` as it can be printed: a file name's bytes that are not UTF-8 (which Python holds as
    lone surrogates) shown as ``\\xff``, any other lone surrogate as ``\\ud800``."""
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


class AnnotatorError(Exception):
    """Base class: a problem the user caused or can fix, with a readable message."""


class InputError(AnnotatorError):
    """A file that cannot be read as the format it claims to be."""

    def __init__(self, reason: str, *, path: str | None = None, line: int | None = None):
        self.reason = reason
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = printable(f"{path}")
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(where + printable(reason))


class StoreError(AnnotatorError):
    """The project file cannot be used: not SQLite, corrupt, locked, newer than this app."""


class EditError(AnnotatorError):
    """An annotation change that breaks a rule (offsets out of range, unknown label...)."""
