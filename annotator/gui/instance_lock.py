"""Telling a second copy of the app that a project is already open elsewhere.

Two copies on one project are safe (every write is a transaction, and each window follows the
other's commits), but a reviewer should know: a ``QLockFile`` beside the project says which
process has it. The user may go on regardless.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QLockFile


def lock_path(project: Path) -> str:
    return f"{project}.lock"


def claim_project(project: Path, ask: Callable[[int, str], bool]) -> tuple[bool, QLockFile | None]:
    """(go on?, the lock held by this copy or None). ``ask(pid, host)`` is called when another
    live copy holds the project; a lock left by a copy that died is taken over silently."""
    lock = QLockFile(lock_path(project))
    # Never stale by age: a window stays open all day. Qt still takes over a lock whose process
    # is gone (same host, PID not running).
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return True, lock
    if lock.error() != QLockFile.LockError.LockFailedError:
        return True, None  # cannot write a lock file there (read-only folder): nothing to tell
    info = lock.getLockInfo()  # PySide6: (pid, host, app name); zeros when the file cannot be read
    pid, host = (info[0], info[1]) if isinstance(info, tuple) and len(info) >= 2 else (0, "")
    return ask(int(pid or 0), str(host or "this computer")), None
