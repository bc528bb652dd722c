"""Write a file so that readers see either the old file or the whole new one, never half."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Iterator

from .errors import InputError
from .output import cleaned_up_on_failure, fsync_folder, hold, new_file_mode, remove_leftovers, temp_prefix

STDOUT = "-"


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, *, encoding: str = "utf-8", binary: bool = False) -> Iterator[IO]:
    """Yield a handle (text, or bytes with ``binary``) to a temporary file beside ``path``; rename
    it over ``path`` on success.

    On any exception (and on Ctrl+C, SIGTERM, SIGHUP) the temporary file is removed and ``path``
    is left as it was. The new file gets the mode of the one it replaces, or the umask's. ``"-"``
    is standard output; a target that is not a regular file (a FIFO, ``/dev/stdout``, a device) is
    opened and written as it is, never replaced.
    """
    if str(path) == STDOUT:
        with _stdout(encoding, binary) as handle:
            yield handle
        return
    target = Path(path)
    if _write_directly(target):
        with _opened(os.open(target, os.O_WRONLY | os.O_APPEND), encoding, binary) as handle:
            yield handle
        return
    if target.is_symlink():  # replace the file the link points to, not the link
        target = Path(os.path.realpath(target))
    if target.is_dir():
        raise InputError("is a folder; this format writes one file", path=str(path))
    parent = target.parent
    if not parent.is_dir():
        raise InputError("the folder to write it in does not exist", path=str(path))
    remove_leftovers(parent, target.name)
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target.name), dir=parent)
    hold(fd)

    def remove() -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)

    with cleaned_up_on_failure(remove):
        # mkstemp makes the file 0600: give it the mode (and, for root, the owner) it replaces.
        os.fchmod(fd, stat.S_IMODE(old.st_mode) if old else new_file_mode())
        if old is not None and hasattr(os, "geteuid") and os.geteuid() == 0:
            with contextlib.suppress(OSError):
                os.fchown(fd, old.st_uid, old.st_gid)
        with _opened(fd, encoding, binary) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp_name, target)  # while the lock is held: a rival export never removes it
        fsync_folder(parent)


def _write_directly(target: Path) -> bool:
    # /dev/stdout and /dev/fd/N may lead to a regular file the shell opened for us; replacing
    # it (or, as root, the link itself) would not be what `>` redirection promised.
    absolute = os.path.abspath(target)
    if absolute.startswith(("/dev/", "/proc/")):
        return os.path.exists(absolute)
    try:
        mode = target.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _opened(fd: int, encoding: str, binary: bool) -> IO:
    return os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding=encoding, newline="")


@contextlib.contextmanager
def _stdout(encoding: str, binary: bool) -> Iterator[IO]:
    sys.stdout.flush()
    buffer = sys.stdout.buffer
    if binary:
        yield buffer
        buffer.flush()
        return
    with io.TextIOWrapper(_KeepOpen(buffer), encoding=encoding, newline="") as handle:
        yield handle


class _KeepOpen(io.BufferedIOBase):
    """Standard output's buffer, which closing our text layer over it must not close."""

    def __init__(self, buffer: IO[bytes]):
        self._buffer = buffer

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self._buffer.write(data)

    def flush(self) -> None:
        self._buffer.flush()
