"""Project files that are empty, damaged, special or on read-only media: one clear line, nothing
changed, and the commands that only read work on read-only media (issue 8, point 6)."""

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from annotator.edits import AddSpan
from annotator.project import open_project

from .test_connection_ownership import ENV, cli


def one_error_line(result):
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "unexpected" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text("An article to import.\n", encoding="utf-8")
    return path


def test_an_empty_file_is_not_a_project(tmp_path, article):
    db = tmp_path / "empty.annotator.db"
    db.write_bytes(b"")
    for args in (("docs", "--db", db), ("import", article, "--db", db), ("export", "--db", db)):
        assert "is empty (0 bytes)" in one_error_line(cli(*args))
    assert db.read_bytes() == b"" and not os.path.exists(f"{db}-wal")


def test_a_fifo_as_the_project_is_refused_at_once(tmp_path, article):
    db = tmp_path / "pipe.annotator.db"
    os.mkfifo(db)
    for args in (("docs", "--db", db), ("import", article, "--db", db)):
        assert "not a regular file" in one_error_line(cli(*args, timeout=30))


def damage(db):
    """Overwrite every page after the first with noise, as a failing disk might."""
    size = db.stat().st_size
    with open(db, "r+b") as handle:
        handle.seek(4096)
        handle.write(bytes((i * 37 + 11) % 251 for i in range(size - 4096)))


def test_a_damaged_project_is_one_line_naming_the_file_and_no_text(tmp_path, article):
    db = tmp_path / "p.annotator.db"
    store = open_project(db, seed=True)
    text = store.document(store.document_ids()[0]).text
    store.close()
    damage(db)
    for args in (("docs", "--db", db), ("export", "--db", db), ("agreement", "--db", db),
                 ("import", article, "--db", db)):
        line = one_error_line(cli(*args))
        assert str(db) in line or "project file" in line
        assert text[:40] not in line


def read_only_mount_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        src, mnt = Path(folder, "src"), Path(folder, "mnt")
        src.mkdir()
        mnt.mkdir()
        script = f"mount --bind {src} {mnt} && mount -o remount,bind,ro {mnt} && ! touch {mnt}/x 2>/dev/null"
        probe = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", script], capture_output=True)
        return probe.returncode == 0


needs_ro_mount = pytest.mark.skipif(not read_only_mount_works(), reason="needs unshare and bind mounts")


def on_read_only_media(folder, mount, *args):
    """Run the CLI with ``folder`` mounted read-only at ``mount`` (a private mount namespace)."""
    mount.mkdir(exist_ok=True)
    command = " ".join(shlex.quote(str(a)) for a in (sys.executable, "-m", "annotator.cli", *args))
    script = (f"mount --bind {shlex.quote(str(folder))} {shlex.quote(str(mount))} && "
              f"mount -o remount,bind,ro {shlex.quote(str(mount))} && exec {command}")
    return subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c", script], capture_output=True,
                          text=True, env=ENV, timeout=120)


@needs_ro_mount
def test_read_only_commands_work_on_read_only_media(tmp_path, article):
    media = tmp_path / "media"
    media.mkdir()
    store = open_project(media / "p.annotator.db", seed=True)
    AddSpan(store.document_ids()[0], "alice", 0, 5, "SPEAKER").apply(store)
    store.close()
    assert not os.path.exists(media / "p.annotator.db-wal")
    mount = tmp_path / "ro"
    db = mount / "p.annotator.db"
    docs = on_read_only_media(media, mount, "docs", "--db", db, "--annotator", "alice", "--json")
    assert docs.returncode == 0, docs.stderr
    assert '"spans": 1' in docs.stdout
    out = tmp_path / "out.jsonl"
    export = on_read_only_media(media, mount, "export", "--db", db, "-o", out)
    assert export.returncode == 0, export.stderr
    assert "SPEAKER" in out.read_text(encoding="utf-8")
    assert on_read_only_media(media, mount, "agreement", "--db", db).returncode == 0
    refused = on_read_only_media(media, mount, "import", article, "--db", db)
    line = one_error_line(refused)
    assert "read-only" in line
    assert sorted(os.listdir(media)) == ["p.annotator.db"]


HOLD_OPEN = """
import sys, time
from annotator.edits import AddSpan
from annotator.project import open_project
store = open_project(sys.argv[1], seed=True)
store.db.execute("PRAGMA wal_autocheckpoint = 0")
AddSpan(store.document_ids()[0], "alice", 0, 5, "SPEAKER").apply(store)
AddSpan(store.document_ids()[0], "alice", 6, 9, "FIGURE").apply(store)
print("written", flush=True)
time.sleep(60)
"""


def main_file_alone_spans(db) -> int | None:
    """What a reader ignoring the -wal (``immutable=1``) sees; None when it cannot even read spans."""
    with tempfile.TemporaryDirectory() as folder:
        alone = Path(folder, "alone.db")
        shutil.copyfile(db, alone)
        conn = sqlite3.connect(f"file:{alone}?immutable=1", uri=True)
        try:
            return conn.execute("SELECT count(*) FROM spans").fetchone()[0]
        except sqlite3.Error:
            return None
        finally:
            conn.close()


@needs_ro_mount
def test_read_only_media_with_a_wal_reads_the_newest_committed_work(tmp_path):
    """A project copied to read-only media while it was open: its newest spans are in the -wal."""
    work = tmp_path / "work"
    work.mkdir()
    writer = subprocess.Popen([sys.executable, "-c", HOLD_OPEN, str(work / "p.annotator.db")], stdout=subprocess.PIPE,
                              text=True, env=ENV)
    try:
        assert writer.stdout.readline().strip() == "written"
        media = tmp_path / "media"
        media.mkdir()
        for name in ("p.annotator.db", "p.annotator.db-wal"):
            shutil.copyfile(work / name, media / name)
    finally:
        writer.kill()
        writer.wait(timeout=30)
    assert main_file_alone_spans(media / "p.annotator.db") != 2  # the newest work is only in the -wal
    mount = tmp_path / "ro"
    docs = on_read_only_media(media, mount, "docs", "--db", mount / "p.annotator.db", "--annotator", "alice", "--json")
    assert docs.returncode == 0, docs.stderr
    assert '"spans": 2' in docs.stdout
    assert sorted(os.listdir(media)) == ["p.annotator.db", "p.annotator.db-wal"]
