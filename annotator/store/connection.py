"""Opening a project file: what may be opened, and SQLite errors told in words a user can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import StoreError
from .schema import SQLITE_HEADER


def check_file_kind(path: Path, *, create: bool) -> None:
    """Refuse folders, unreadable files and files that are not SQLite, before opening them."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a project file")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no such project file")
        if not path.parent.exists():
            raise StoreError(f"{path}: the folder {path.parent} does not exist")
        return
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the project file ({exc.strerror})") from None
    if header and header != SQLITE_HEADER:
        raise StoreError(f"{path}: is not an Annotator project (not a SQLite database)")


def _describe_sqlite_error(exc: sqlite3.Error, path: Path) -> str:
    message = str(exc)
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return f"{path}: the project file is locked by another program; close it and try again"
    if "full" in lowered:
        return f"{path}: the disk is full; free some space, nothing was written"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{path}: the project file is damaged ({message})"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path}: the project file is read-only"
    if "unable to open" in lowered:
        return f"{path}: cannot open the project file ({message})"
    return f"{path}: {message}"
