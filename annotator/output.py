"""Safe output: file names made from ids, folders built aside and renamed into place.

Ids, titles and reviewer names come from files other people made (imports, merged reviewer
files), so nothing an export writes may be steered by them: every name goes through
``SafeNames``, every path is checked to lie inside the output, and nothing is ever overwritten
in place. A folder export is built in a hidden ``.<name>.tmp-XXXXXXXX`` folder beside the target
and renamed onto it at the end, so the target is absent, the old export, or the whole new one.

After a SIGKILL nothing of ours can run, so temporary files and folders are named so that the
next export to the same target recognises and removes them; one that another process still holds
(it keeps an ``flock`` on it while writing) is left alone.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import itertools
import json
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
import unicodedata
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .errors import InputError

try:
    import fcntl
except ImportError:  # Windows: no flock; leftovers are then only removed once they are old
    fcntl = None  # type: ignore[assignment]

MARKER = ".annotator-export.json"
NAME_LIMIT = 150  # bytes of a sanitised name before its hash suffix and extension (NAME_MAX is 255)

# Path separators, what Windows forbids, controls (NUL, C0, DEL, C1), lone surrogates, line and
# paragraph separators, bidirectional controls and the BOM (they make names that lie on screen).
_UNSAFE = re.compile('[/\\\\:*?"<>|\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029'
                     "\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{dev}{n}" for dev in ("COM", "LPT") for n in "0123456789\u00b9\u00b2\u00b3"}


def safe_name(original: str, fallback: str = "document") -> str:
    """``original`` as one path component that means the same on Linux, macOS and Windows.

    The result is ``original`` itself when that is already safe; callers tell a changed name by
    comparing (``SafeNames`` then adds a hash of the original so that the change stays distinct).
    """
    name = _UNSAFE.sub("_", original).strip(" ").lstrip(".").rstrip(". ")
    if name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        name = "_" + name  # CON.txt is the console on Windows, whatever its extension
    encoded = name.encode("utf-8")
    if len(encoded) > NAME_LIMIT:
        name = encoded[:NAME_LIMIT].decode("utf-8", "ignore").rstrip(". ")
    return name or fallback


def _digest(original: str, length: int) -> str:
    return hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _key(name: str) -> str:
    # Names that one file system tells apart may be one file on another: macOS and Windows fold
    # case, macOS also Unicode normalisation. Treat those as colliding everywhere.
    return unicodedata.normalize("NFC", name).casefold()


class SafeNames:
    """Hands out distinct safe names within one folder, the same ones for the same ids in the
    same order. A changed name ends in ``-`` and 8 hex digits of the original's SHA-256."""

    def __init__(self, *, fallback: str = "document", reserved: Iterable[str] = ()):
        self.fallback = fallback
        self._taken = {_key(name) for name in reserved}
        self.renamed: list[tuple[str, str, str]] = []  # (original, name, why)

    def name(self, original: str) -> str:
        safe = safe_name(original, self.fallback)
        candidates = itertools.chain(
            [safe] if safe == original else [],
            [f"{safe}-{_digest(original, 8)}", f"{safe}-{_digest(original, 16)}"],
            (f"{safe}-{_digest(original, 16)}-{n}" for n in itertools.count(2)),
        )
        for chosen in candidates:
            if _key(chosen) not in self._taken:
                break
        self._taken.add(_key(chosen))
        if chosen != original:
            why = ("it is not a safe file name" if safe != original
                   else "another name in the folder is the same file on some systems")
            self.renamed.append((original, chosen, why))
        return chosen


def inside(root: Path, *parts: str) -> Path:
    """``root/parts...``, refusing any part that is not one plain component (defence in depth:
    names come from ``SafeNames``, but a bug there must not write outside the export)."""
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or "\x00" in part \
                or (os.altsep and os.altsep in part):
            raise InputError(f"refusing to write {part!r}: not a plain file name", path=str(root))
    path = root.joinpath(*parts)
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
        raise InputError(f"refusing to write {path}: it lies outside the export", path=str(root))
    return path


# --------------------------------------------------------------------------- modes


_umask_lock = threading.Lock()


def umask() -> int:
    """The process umask, read without changing it where the system allows (``os.umask`` can
    only be read by setting it, which races with other threads creating files)."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    with _umask_lock:
        old = os.umask(0o077)
        os.umask(old)
    return old


def new_file_mode() -> int:
    return 0o666 & ~umask()


def new_folder_mode() -> int:
    return 0o777 & ~umask()


# --------------------------------------------------------------------------- temporaries


def temp_prefix(name: str) -> str:
    """The hidden prefix of temporaries for a target named ``name`` (cut so that the whole
    temporary name stays within NAME_MAX)."""
    short = name.encode("utf-8")[:100].decode("utf-8", "ignore")
    return f".{short}.tmp-"


def _leftover_pattern(name: str) -> re.Pattern:
    # tempfile's random part: 8 characters of [a-z0-9_]; the second form is the one atomic_write
    # used before (".<name>.XXXXXXXX.tmp").
    short = re.escape(temp_prefix(name)[1:-5])
    return re.compile(rf"\.{short}\.(tmp-[a-z0-9_]{{8}}|[a-z0-9_]{{8}}\.tmp)")


def hold(fd: int) -> None:
    """Mark a temporary as in use for as long as ``fd`` is open (see ``remove_leftovers``)."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _in_use(path: Path) -> bool:
    if fcntl is None:
        import time

        with contextlib.suppress(OSError):
            return time.time() - path.lstat().st_mtime < 3600
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True  # cannot look: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _ours(path: Path) -> bool:
    """A temporary folder we made: empty (killed before the marker) or marked."""
    try:
        entries = os.listdir(path)
        if not entries:
            return True
        with open(path / MARKER, encoding="utf-8") as handle:
            return json.load(handle).get("written_by") == "annotator"
    except (OSError, ValueError, AttributeError):
        return False


def remove_leftovers(parent: Path, name: str) -> None:
    """Remove what an earlier export to ``parent/name`` left when it was killed."""
    pattern = _leftover_pattern(name)
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            if not pattern.fullmatch(entry.name) or entry.is_symlink():
                continue
            path = Path(entry.path)
            with contextlib.suppress(OSError):
                if entry.is_dir():
                    if _ours(path) and not _in_use(path):
                        shutil.rmtree(path)
                elif entry.is_file() and not _in_use(path):
                    os.unlink(path)


class _Terminated(BaseException):
    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum, _frame):
    raise _Terminated(signum)


@contextlib.contextmanager
def cleaned_up_on_failure(cleanup: Callable[[], None]) -> Iterator[None]:
    """Run ``cleanup`` on any exception, Ctrl+C, SIGTERM or SIGHUP; after a signal, die of it
    as the default action would have, once the temporaries are gone."""
    installed: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)):
            if signum is not None and signal.getsignal(signum) == signal.SIG_DFL:
                installed[signum] = signal.signal(signum, _raise_terminated)

    def restore() -> None:
        for signum, previous in installed.items():
            signal.signal(signum, previous)
        installed.clear()

    try:
        yield
    except _Terminated as exc:
        cleanup()
        restore()
        os.kill(os.getpid(), exc.signum)
        raise  # only reached where the signal does not end the process
    except BaseException:
        cleanup()
        raise
    finally:
        restore()


def fsync_folder(path: Path) -> None:
    """Make a rename in ``path`` durable (where folders can be opened; not on Windows)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- folder exports


class Folder:
    """The temporary folder an export writes into; files are created, never overwritten."""

    def __init__(self, root: Path):
        self.root = root
        self.files: list[str] = []
        self.folders: list[str] = []

    def mkdir(self, *parts: str) -> Path:
        path = inside(self.root, *parts)
        path.mkdir()
        self.folders.append("/".join(parts))
        return path

    def write_text(self, parts: tuple[str, ...], text: str) -> None:
        path = inside(self.root, *parts)
        with open(path, "x", encoding="utf-8", newline="") as handle:  # "x": a clash is an error
            handle.write(text)
        self.files.append("/".join(parts))

    def sync(self, fd: int) -> None:
        """Make every file durable before the rename that publishes them: one ``syncfs`` of the
        file system where Linux has it (an fsync per file costs milliseconds each), else fsyncs."""
        syncfs = getattr(_libc(), "syncfs", None)
        if syncfs is not None and syncfs(fd) == 0:
            return
        for rel in self.files:
            with open(self.root / rel, "rb") as handle:
                os.fsync(handle.fileno())


def _check_replaceable(target: Path) -> bool:
    """Whether ``target`` (an existing folder) holds anything; refuse one that is not an
    earlier export of ours, or that holds files the earlier export did not write."""
    entries = os.listdir(target)
    if not entries:
        return False
    try:
        with open(target / MARKER, encoding="utf-8") as handle:
            marker = json.load(handle)
        written = set(marker["files"]) | set(marker["folders"])
        if marker.get("written_by") != "annotator":
            written = None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        written = None
    if written is None:
        raise InputError("the folder exists, is not empty and is not an earlier Annotator export; "
                         "choose a new or empty folder", path=str(target))
    for dirpath, dirnames, filenames in os.walk(target):
        rel = os.path.relpath(dirpath, target).replace(os.sep, "/")
        for entry in dirnames + filenames:
            path = entry if rel == "." else f"{rel}/{entry}"
            if path != MARKER and path not in written:
                raise InputError(f"the folder holds {path!r}, which the earlier export did not write; "
                                 "move it away or choose another folder", path=str(target))
    return True


def folder_for_export(chosen: Path, name: str) -> Path:
    """Where a folder export into a folder the user picked goes: the folder itself when it is
    empty or an earlier export of ours, else a new sub-folder ``name`` (``name-2``, ... if taken)."""
    candidates = [chosen] + [chosen / (name if n == 1 else f"{name}-{n}") for n in range(1, 100)]
    for candidate in candidates:
        if not candidate.exists():
            return candidate
        if candidate.is_dir():
            try:
                _check_replaceable(candidate)  # raises when it holds what we did not write
            except (InputError, OSError):
                continue
            return candidate
    return chosen / name  # the export itself will say why it cannot write there


@functools.lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # no C library to load by that name (Windows)
        return None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    errno = ctypes.get_errno()
    if errno in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system cannot swap
        return False
    raise OSError(errno, os.strerror(errno), str(b))


@contextlib.contextmanager
def folder_export(target: str | os.PathLike, *, format: str) -> Iterator[Folder]:
    """Yield a ``Folder`` to fill; on success it replaces ``target`` in one rename.

    ``target`` may be absent, an empty folder, or an earlier export of ours holding only what
    that export wrote (it is then replaced whole: old and new files are never mixed); anything
    else is refused before a file is written. On failure nothing is left behind.
    """
    if str(target) == "-":
        raise InputError(f"the {format} format writes a folder, not a stream; pass -o FOLDER")
    target = Path(os.path.realpath(os.path.abspath(target)))  # through a symlink: keep the link
    if target.parent == target or target == Path.cwd():
        raise InputError(f"the {format} export cannot replace this folder; name a folder inside it",
                         path=str(target))
    if target.exists() and not target.is_dir():
        raise InputError(f"the {format} format writes a folder, and this is not one", path=str(target))
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(parent, target.name)
    replace = target.is_dir() and _check_replaceable(target)
    mode = stat.S_IMODE(target.stat().st_mode) if target.is_dir() else new_folder_mode()
    root = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), dir=parent))
    fd = os.open(root, os.O_RDONLY)
    hold(fd)
    folder = Folder(root)
    try:
        with cleaned_up_on_failure(lambda: shutil.rmtree(root, ignore_errors=True)):
            with open(root / MARKER, "w", encoding="utf-8") as handle:
                json.dump({"written_by": "annotator", "format": format, "files": None}, handle)
            yield folder
            with open(root / MARKER, "w", encoding="utf-8") as handle:
                json.dump({"written_by": "annotator", "format": format, "files": folder.files,
                           "folders": folder.folders}, handle, ensure_ascii=False, indent=0)
            folder.files.append(MARKER)
            folder.sync(fd)
            os.chmod(root, mode)
            if replace and _exchange(root, target):
                shutil.rmtree(root)  # now the old export
            elif replace:
                aside = Path(tempfile.mkdtemp(prefix=temp_prefix(target.name), dir=parent))
                os.replace(target, aside)
                os.replace(root, target)
                shutil.rmtree(aside, ignore_errors=True)
            else:
                try:
                    os.rename(root, target)  # over an empty folder too (POSIX)
                except OSError as exc:
                    raise InputError(f"cannot put the export in place ({exc.strerror}); "
                                     "did something else write there meanwhile?", path=str(target)) from None
            fsync_folder(parent)
    finally:
        os.close(fd)


def note_renames(names: SafeNames, what: str, where: Callable[[str], str], warnings: list[str]) -> None:
    """One warning per renamed item; ``where(name)`` shows the path it went to."""
    for original, name, why in names.renamed:
        warnings.append(f"{what} {original!r}: written as {where(name)} ({why})")
