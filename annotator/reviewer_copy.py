"""A private copy of a reviewer's project file: reading it never writes beside it.

SQLite writes next to any database it opens: even a read-only connection to a WAL file creates
its ``-shm`` (and fails when the folder is read-only), and ``immutable=1``, the only way to open
such a file in a read-only folder, ignores the ``-wal`` and with it the reviewer's newest
committed work. So the file is copied with its ``-wal`` (and a hot ``-journal``, which SQLite
then rolls back on the copy) into a folder only this user can read, and only the copy is opened.

One trap: POSIX locks belong to the process, and closing *any* descriptor of a file drops every
lock this process holds on it, SQLite's included. A file this process already has open through
SQLite is therefore never read with plain file reads: it is copied through SQLite's backup API
from that connection instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
import tempfile
from pathlib import Path
from typing import Iterator

from .store.connection import live_connection, regular_file_stat
from .errors import StoreError

GiB = 1024**3
# The most a reviewer's file (main file + -wal + -journal together) may hold: far above any real
# project (10,000 articles with 100,000 spans is about 60 MB), low enough that a merge cannot fill
# the temporary folder's disk by surprise.
COPY_CAP = 2 * GiB
SUFFIXES = ("", "-wal", "-journal")
_CHUNK = 1024 * 1024
_ATTEMPTS = 3


def _stat(path: Path, shown: str, *, required: bool) -> os.stat_result | None:
    return regular_file_stat(path, shown, required=required)


def _snapshot(path: Path, shown: str) -> dict[str, os.stat_result]:
    found = {}
    for suffix in SUFFIXES:
        st = _stat(Path(f"{path}{suffix}"), f"{shown}{suffix}", required=not suffix)
        if st is not None:
            found[suffix] = st
    return found


def _same(a: dict[str, os.stat_result], b: dict[str, os.stat_result]) -> bool:
    key = lambda st: (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)  # noqa: E731
    return a.keys() == b.keys() and all(key(a[s]) == key(b[s]) for s in a)


class _Changed(Exception):
    """The file changed while it was copied; the copy is discarded and taken again."""


def _copy_one(src: Path, dest: Path, expected: os.stat_result, budget: int) -> int:
    # O_NONBLOCK: if the path was swapped for a FIFO since the stat, open must not hang on it.
    try:
        fd = os.open(src, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise _Changed from None  # a -wal checkpointed away meanwhile
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) != (expected.st_dev, expected.st_ino):
            raise _Changed
        out = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        copied = 0
        try:
            while chunk := os.read(fd, _CHUNK):
                copied += len(chunk)
                if copied > budget:
                    raise _TooBig
                os.write(out, chunk)
        finally:
            os.close(out)
        return copied
    finally:
        os.close(fd)


class _TooBig(Exception):
    pass


def _too_big(shown: str) -> StoreError:
    return StoreError(
        f"{shown}: is larger than {COPY_CAP // GiB} GiB with its -wal, more than a reviewer's project file can be; refused"
    )


def _plain_copy(path: Path, shown: str, dest: Path) -> None:
    for _attempt in range(_ATTEMPTS):
        before = _snapshot(path, shown)
        if sum(st.st_size for st in before.values()) > COPY_CAP:
            raise _too_big(shown)
        budget = COPY_CAP
        try:
            for suffix, st in before.items():
                budget -= _copy_one(Path(f"{path}{suffix}"), Path(f"{dest}{suffix}"), st, budget)
            if _same(before, _snapshot(path, shown)):
                return
        except _TooBig:
            raise _too_big(shown) from None
        except _Changed:
            pass
        except OSError as exc:
            raise StoreError(f"{shown}: cannot copy it to read it ({exc.strerror or exc})") from None
        for suffix in SUFFIXES:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{dest}{suffix}")
    raise StoreError(f"{shown}: kept changing while it was being read (is a reviewer still working in it?); try again")


def _backup_copy(live, shown: str, dest: Path) -> None:
    target = sqlite3.connect(dest)
    try:
        with live.lock:  # the connection is shared with the window and its workers
            live.db.conn.backup(target)
    except sqlite3.Error as exc:
        raise StoreError(f"{shown}: cannot be copied to read it ({exc})") from None
    finally:
        target.close()


def _live_store(path: Path):
    # Stats only: this process's own connection to the file, if it has one.
    return live_connection(path)


@contextlib.contextmanager
def private_copy(path: str | Path) -> Iterator[Path]:
    """Copy the reviewer's file into a fresh 0700 folder; yield the copy; delete it all afterwards."""
    shown = str(path)
    path = Path(path)
    before = _snapshot(path, shown)  # refuses folders, FIFOs and devices before anything is opened
    if sum(st.st_size for st in before.values()) > COPY_CAP:
        raise _too_big(shown)
    folder = tempfile.mkdtemp(prefix="annotator-merge-")  # mode 0700: nobody else reads the copy
    try:
        dest = Path(folder) / "reviewer.annotator.db"
        live = _live_store(path)
        if live is not None:
            _backup_copy(live, shown, dest)
        else:
            _plain_copy(path, shown, dest)
        yield dest
    finally:
        shutil.rmtree(folder, ignore_errors=True)
