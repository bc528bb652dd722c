"""Owning a project file: one SQLite connection per file per process, shared by every ``Store``.

SQLite's POSIX advisory locks belong to the process, not to a connection: closing *any*
descriptor of the database file (a second connection that is closed, a plain ``open()`` to read
the header) drops the locks of every connection of the process. Another process may then take
the file for unused, checkpoint and delete the ``-wal`` under our feet, and later commits go into
a deleted file ("How To Corrupt An SQLite Database File", §2.2). So:

- every ``Store`` made on a file this process already has open shares its connection (found by
  device and inode, whatever the path spelling), and the connection closes with the last handle;
- the header is sniffed with a plain read only before any connection to that file exists;
- the connection is shared by threads (import, export, merge and agreement run in worker
  threads), so every use of it holds ``SharedConnection.lock``: ``execute`` takes it per
  statement, ``Store.atomic()`` for the whole transaction.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sqlite3
import stat
import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

from ..errors import StoreError
from .schema import SQLITE_HEADER

# Writers wait this long for another program's lock before giving up with one clear line
# (ANNOTATOR_BUSY_TIMEOUT, in seconds, changes it: for scripts that prefer to fail fast, and tests).
def _busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("ANNOTATOR_BUSY_TIMEOUT", "10")))
    except ValueError:
        return 10.0


BUSY_TIMEOUT_S = _busy_timeout()


class ProjectFileError(StoreError, sqlite3.OperationalError):
    """A database error put in words for the user; still an ``OperationalError`` for library
    code (sqlite-utils, in migrations) that catches those to try something else."""


_savepoints = itertools.count(1)  # names unique in the process: nested blocks never clash


class LockedDatabase:
    """The connection several threads share, one statement at a time: the part of sqlite-utils'
    ``Database`` the store uses (``execute``, ``atomic``, ``conn``). sqlite-utils itself (about
    0.1 s to import, a fifth of the window's start) is imported only when a migration is due
    (``migration_database``). The connection has ``isolation_level=None``, so a statement never
    opens a transaction by itself and ``execute`` is the connection's, under the lock."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock):
        self._lock = lock
        self.conn = conn
        # As sqlite-utils' Database does on every connection (what this class replaced): a
        # REPLACE's deletes fire delete triggers, and triggers may fire triggers.
        conn.execute("PRAGMA recursive_triggers = ON")

    path: Path | None = None  # for messages; set once the connection is prepared

    def execute(self, sql, parameters=None):
        with self._lock:
            try:
                return self.conn.execute(sql) if parameters is None else self.conn.execute(sql, parameters)
            except sqlite3.IntegrityError:
                raise  # a refused change: Store.atomic() words it
            except sqlite3.DatabaseError as exc:
                # A damaged or vanished file, a lock held too long, a full disk: one line naming
                # the file, never a row of its contents (SQLite can quote whole texts).
                raise ProjectFileError(describe_sqlite_error(exc, self.path or Path("project"))) from None

    @contextlib.contextmanager
    def atomic(self) -> Iterator["LockedDatabase"]:
        """A transaction, or a savepoint inside one (as sqlite-utils' ``Database.atomic``)."""
        with self._lock:
            if self.conn.in_transaction:
                savepoint = f"annotator_{next(_savepoints)}"
                self.conn.execute(f"SAVEPOINT {savepoint}")
                try:
                    yield self
                except BaseException:
                    # A RAISE(ROLLBACK) can end the whole transaction, savepoints included.
                    if self.conn.in_transaction:
                        self.conn.execute(f"ROLLBACK TO SAVEPOINT {savepoint}")
                        self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                    raise
                self.conn.execute(f"RELEASE SAVEPOINT {savepoint}")
                return
            self.conn.execute("BEGIN")
            try:
                yield self
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    @property
    def journal_mode(self) -> str:
        return self.execute("PRAGMA journal_mode").fetchone()[0]

    def enable_wal(self) -> None:
        if self.journal_mode != "wal":
            self.execute("PRAGMA journal_mode = wal")

    def table_names(self) -> list[str]:
        return [r[0] for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def migration_database(db: LockedDatabase):
    """sqlite-utils' ``Database`` over the same connection, for migrations (which may use its
    table API); its statements go through ``db.execute``, so errors read the same."""
    import sqlite_utils

    class _MigrationDatabase(sqlite_utils.Database):
        def execute(self, sql, parameters=None):  # type: ignore[override]
            return db.execute(sql, parameters)

    return _MigrationDatabase(db.conn, execute_plugins=False)


class SharedConnection:
    """This process's one connection to one project file, and who still holds it."""

    def __init__(self, key: tuple[int, int], path: Path, conn: sqlite3.Connection, mode: str,
                 private_folder: Path | None = None):
        self.key = key
        self.path = path
        self.conn = conn
        self.mode = mode  # "rw", or how a read-only file was opened: "ro", "immutable", "copy"
        self.lock = threading.RLock()
        self.db = LockedDatabase(conn, self.lock)
        self.db.path = path
        self.handles = 0
        self._private_folder = private_folder

    @property
    def read_only(self) -> bool:
        return self.mode != "rw"

    def data_version(self, *, wait: bool = True) -> int | None:
        """SQLite's counter of commits by *other* connections (other processes); None when
        ``wait`` is false and another thread is using the connection."""
        if not self.lock.acquire(blocking=wait):
            return None
        try:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]
        finally:
            self.lock.release()

    def _close(self) -> None:
        try:
            self.conn.close()
        finally:
            if self._private_folder is not None:
                shutil.rmtree(self._private_folder, ignore_errors=True)


_live: dict[tuple[int, int], SharedConnection] = {}
_registry_lock = threading.Lock()


def file_identity(path: Path) -> tuple[int, int] | None:
    """(st_dev, st_ino): the same file whatever path (link, relative, ..) names it; None when
    it cannot be stat-ed. Stat only: opening would touch the process's SQLite locks."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def live_connection(path: str | Path) -> SharedConnection | None:
    """The connection this process holds to the file at ``path``, if any (nothing is opened)."""
    key = file_identity(Path(path))
    with _registry_lock:
        return _live.get(key) if key is not None else None


def attach(
    path: Path, *, create: bool, read_only: bool, prepare: Callable[[SharedConnection], None]
) -> SharedConnection:
    """The shared connection to ``path``, opened (and prepared once) if this process has none.

    With ``read_only``, a file that cannot be written (read-only media, no write permission) is
    opened for reading instead of refused.
    """
    with _registry_lock:
        key = file_identity(path)
        shared = _live.get(key) if key is not None else None
        if shared is None:
            check_file_kind(path, create=create)  # plain read: only while no connection of ours exists
            shared = _open(path, read_only=read_only, prepare=prepare)
            _live[shared.key] = shared
        shared.handles += 1
        return shared


def detach(shared: SharedConnection) -> None:
    with _registry_lock:
        shared.handles -= 1
        if shared.handles > 0:
            return
        if _live.get(shared.key) is shared:
            del _live[shared.key]
    with shared.lock:
        shared._close()


def _connect(uri: str) -> sqlite3.Connection:
    # isolation_level=None: the sqlite3 module never opens a transaction by itself (its implicit
    # BEGIN is deferred, which turns a read into a write without waiting for the lock); every
    # write transaction is ours, BEGIN IMMEDIATE, in Store.atomic().
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                           isolation_level=None)


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(path.absolute()))}" + (f"?{query}" if query else "")


def _open(path: Path, *, read_only: bool, prepare: Callable[[SharedConnection], None]) -> SharedConnection:
    attempts: list[tuple[str, Callable[[], tuple[str, Path | None]]]] = [("rw", lambda: (_uri(path), None))]
    if read_only and path.exists():
        attempts += [
            ("ro", lambda: (_uri(path, mode="ro"), None)),
            ("copy" if _has_wal(path) else "immutable", lambda: _read_only_source(path)),
        ]
    last_error: BaseException | None = None
    for mode, source in attempts:
        conn = None
        folder = None
        try:
            uri, folder = source()
            conn = _connect(uri)
            key = file_identity(path)
            if key is None:
                raise StoreError(f"{path}: the project file disappeared while it was being opened")
            shared = SharedConnection(key, path, conn, mode, folder)
            prepare(shared)
            return shared
        except (sqlite3.Error, StoreError, OSError) as exc:
            if conn is not None:
                conn.close()
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            last_error = exc
            if isinstance(exc, StoreError) and not _cannot_write(path):
                raise  # a refusal (newer file, not a project), not a matter of write access
            if mode == "rw" and not read_only and path.exists() and _cannot_write(path):
                raise StoreError(
                    f"{path}: is read-only here (read-only media or no write permission), so nothing can "
                    "be written to it; docs, export and agreement still read it"
                ) from None
            if mode == "rw" and not (read_only and _cannot_write(path)):
                break
    assert last_error is not None
    if isinstance(last_error, StoreError):
        raise last_error
    if isinstance(last_error, sqlite3.Error):
        raise StoreError(describe_sqlite_error(last_error, path)) from None
    raise StoreError(f"{path}: cannot open the project file ({getattr(last_error, 'strerror', None) or last_error})")


def _has_wal(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.exists() and wal.stat().st_size > 0


def _cannot_write(path: Path) -> bool:
    """True when this process cannot change the file or create its -wal/-shm beside it."""
    folder = path.absolute().parent
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
        return True
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _read_only_source(path: Path) -> tuple[str, Path | None]:
    """Where to read a file nobody can write: the file itself (immutable) when it has no -wal,
    else a private copy of file and -wal, so the newest committed work is read."""
    if not _has_wal(path):
        return _uri(path, mode="ro", immutable="1"), None
    folder = Path(tempfile.mkdtemp(prefix="annotator-ro-"))
    copy = folder / path.name
    shutil.copyfile(path, copy)
    shutil.copyfile(f"{path}-wal", f"{copy}-wal")
    return _uri(copy, mode="ro"), folder


def regular_file_stat(path: Path, shown: str | None = None, *, required: bool = True) -> os.stat_result | None:
    """``stat`` of a would-be project file, refusing folders, pipes, sockets and devices by stat
    alone (opening a FIFO blocks, opening a device may do anything); None when it is missing and
    not ``required``."""
    shown = str(path) if shown is None else shown
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if required:
            raise StoreError(f"{shown}: no such project file") from None
        return None
    except OSError as exc:
        raise StoreError(f"{shown}: cannot read the project file ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise StoreError(f"{shown}: is a folder, not a project file")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError(f"{shown}: is not a regular file (a pipe, device or socket), not a project file")
    return info


def check_file_kind(path: Path, *, create: bool) -> None:
    """Refuse folders, special files, empty files and files that are not SQLite, before opening.

    Only ``stat`` is used until the file is known to be a regular one: opening a FIFO would block.
    """
    info = regular_file_stat(path, required=not create)
    if info is None:
        if not path.parent.exists():
            raise StoreError(f"{path}: the folder {path.parent} does not exist")
        return
    if info.st_size == 0:
        raise StoreError(f"{path}: is empty (0 bytes), not an Annotator project; remove it or pick another file")
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the project file ({exc.strerror})") from None
    if header != SQLITE_HEADER:
        raise StoreError(f"{path}: is not an Annotator project (not a SQLite database)")


def one_line(message: str, limit: int = 300) -> str:
    """A message as one line of bounded length: SQLite may quote rows (whole texts) in errors."""
    flat = " ".join(str(message).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe_sqlite_error(exc: sqlite3.Error, path: Path) -> str:
    message = one_line(str(exc))
    lowered = message.lower()
    if "locked" in lowered or "busy" in lowered:
        return (f"{path}: the project file is locked by another program (waited {BUSY_TIMEOUT_S:g} s); "
                "close it and try again")
    if "full" in lowered:
        return f"{path}: the disk is full; free some space, nothing was written"
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"{path}: the project file is damaged ({message})"
    if "readonly" in lowered or "read-only" in lowered:
        return f"{path}: the project file is read-only"
    if "unable to open" in lowered:
        return f"{path}: cannot open the project file ({message})"
    return f"{path}: {message}"


_describe_sqlite_error = describe_sqlite_error  # older name, still used by callers
