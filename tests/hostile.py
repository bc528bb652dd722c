"""Helpers for the hostile-reviewer-file tests: building files, running merges, checking refusals."""

from __future__ import annotations

import ctypes
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.project import open_project

ROOT = Path(__file__).resolve().parent.parent
SPANS = [(0, 5, "ENTITY"), (10, 20, "ENTITY"), (30, 40, "FIGURE"), (134, 149, "SPEAKER")]

# Runs the CLI and reports its own peak resident memory (KiB on Linux) on the last stderr line.
# VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across fork and exec, so a child of a
# large test process would report the parent's peak as its own.
_MEASURED = """
import resource, sys
from annotator.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="annotator")
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"peak-kib {peak}", file=sys.stderr)
sys.exit(code)
"""


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def make_reviewer(path: Path, name: str = "alice", spans=SPANS[:2], *, done: bool = True) -> Path:
    """A reviewer's project: the two seed articles, ``spans`` on the first one."""
    store = open_project(path, seed=True)
    first = store.document_ids()[0]
    for start, end, label in spans:
        store.add_span(first, name, start, end, label)
    store.set_done(first, name, done)
    store.close()
    return path


def edit(path: Path, *statements: str) -> None:
    """Raw SQL on a file, as a hostile author would write it (no checks, no triggers of ours)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def folder_state(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file in ``folder`` with its mtime and bytes: a write of any kind changes it."""
    return {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(folder.iterdir())}


def first_doc(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT id FROM documents ORDER BY position LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def span_rows(lead: Path, annotator: str) -> list[tuple]:
    conn = sqlite3.connect(lead)
    try:
        return conn.execute(
            'SELECT start, "end", label, attrs FROM spans WHERE annotator = ? ORDER BY start', (annotator,)
        ).fetchall()
    finally:
        conn.close()


def assert_refused(result, path, *phrases: str) -> None:
    """One line ``error: FILE: reason``, exit status 1, and never the 'unexpected' bug line."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    err = result.stderr
    assert err.startswith(f"error: {path}") and err.count("\n") == 1, err
    assert "unexpected" not in err and "please report" not in err, err
    for phrase in phrases:
        assert phrase in err, err


def _drop_file_permission_override() -> None:
    # Root ignores permission bits through CAP_DAC_OVERRIDE (and friends); dropped from the
    # bounding set before exec, the child is a root that a chmod 0555 folder really stops. Where
    # that is not allowed, the callers' before/after comparison of the folder still holds.
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP


def run_subprocess(*args, honour_permissions: bool = False, timeout: float = 300) -> tuple[int, str, str, int]:
    """The CLI in a real process: (exit status, stdout, stderr without the last line, peak KiB)."""
    preexec = _drop_file_permission_override if honour_permissions and os.geteuid() == 0 else None
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, *map(str, args)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, preexec_fn=preexec,
    )
    lines = proc.stderr.splitlines()
    assert lines and lines[-1].startswith("peak-kib "), proc.stderr
    return proc.returncode, proc.stdout, "\n".join(lines[:-1]), int(lines[-1].split()[1])
