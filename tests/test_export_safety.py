"""Exports write only inside -o, never half a file or folder, with the modes the umask asks for.

Issue 8 ("Nothing lost, nothing escapes"): each reproduction of the issue is a test here.
"""

import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.errors import InputError
from annotator.model import AnnotatedDocument, Document, Span
from annotator.output import NAME_LIMIT, SafeNames, inside, safe_name
from annotator.project import export, open_project

ROOT = Path(__file__).resolve().parent.parent
TMP = re.compile(r"\..*\.tmp-[a-z0-9_]{8}$|\..*\.[a-z0-9_]{8}\.tmp$")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def cli_process(*args, **kwargs):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "annotator.cli", *map(str, args)], env=env, **kwargs)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TMP.match(p.name))


def make_project(db: Path, docs: list[tuple[str, str]], *, text="Kim said 40 ships sailed.") -> Path:
    """A project with one layer per (id, reviewer), each with a SPEAKER span."""
    store = open_project(db)
    store.import_items([AnnotatedDocument(Document(id=doc_id, title="t", text=f"{text} {doc_id!r}"), reviewer,
                                          [Span(0, 3, "SPEAKER", id="s1")]) for doc_id, reviewer in docs])
    store.close()
    return db


def big_project(db: Path, n: int = 3000) -> Path:
    return make_project(db, [(f"doc{i:05d}", "alice") for i in range(n)], text="Kim said 40 ships sailed. " * 200)


# --------------------------------------------------------------------------- names


HOSTILE = ["../../../pwned", "/etc/passwd", "..", ".", "", "a/b", "a\\b", "C:\\x", "a\x00b", "a\nb", "\x1b[31mred",
           "\ud800x", ".hidden", "...", "CON", "con.txt", "Lpt1", "COM\u00b9", "nul.tar.gz", "trailing. ",
           "  spaced  ", "a\u202eexe.txt", "x" * 300, "é" * 200, "👩‍👩‍👧" * 40, "a:b*c?d\"e<f>g|h"]


@pytest.mark.parametrize("original", HOSTILE)
def test_safe_name_is_one_harmless_component(original):
    name = safe_name(original)
    assert name and name not in (".", "..") and not name.startswith(".") and name == name.rstrip(". ")
    assert not re.search('[/\\\\:*?"<>|\x00-\x1f\x7f\u202e]', name)
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "LPT1", "COM\u00b9"}
    assert len(name.encode("utf-8")) <= NAME_LIMIT
    name.encode("utf-8")  # no lone surrogate left
    given = SafeNames().name(original)
    assert given == SafeNames().name(original)  # deterministic
    assert (given == original) == (original == name)  # only unsafe names change
    assert len(given.encode("utf-8")) + len(".ann") <= 255


def test_safe_names_keep_safe_ids_and_part_colliding_ones():
    names = SafeNames()
    given = [names.name(x) for x in ["a_b", "a/b", "a b", "Doc", "doc", "DOC", "caf\u00e9", unicodedata.normalize("NFD", "caf\u00e9")]]
    assert given[0] == "a_b" and given[2] == "a b" and given[3] == "Doc" and given[6] == "caf\u00e9"  # spaces are safe
    assert len({unicodedata.normalize("NFC", g).casefold() for g in given}) == len(given)
    assert all(re.fullmatch(r".+-[0-9a-f]{8}", g) for g in given[1:2] + given[4:6] + given[7:])
    assert [r[0] for r in names.renamed] == ["a/b", "doc", "DOC", unicodedata.normalize("NFD", "caf\u00e9")]
    assert SafeNames(reserved=["annotation.conf"]).name("Annotation.conf") != "Annotation.conf"


def test_inside_refuses_any_way_out(tmp_path):
    for part in ["..", "../x", "/abs", "a/b", "", "a\x00"]:
        with pytest.raises(InputError):
            inside(tmp_path, part)
    (tmp_path / "link").symlink_to("/")
    with pytest.raises(InputError, match="outside"):
        inside(tmp_path, "link")
    assert inside(tmp_path, "ok.txt") == tmp_path / "ok.txt"


# --------------------------------------------------------------------------- nothing escapes


@pytest.mark.parametrize("fmt", ["txt", "brat"])
@pytest.mark.parametrize("evil", ["../../../pwned", "/ABSOLUTE/pwned"])
def test_an_id_cannot_write_outside_the_export(tmp_path, fmt, evil):
    evil = evil.replace("/ABSOLUTE", str(tmp_path))
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": evil, "text": "x"}) + "\n", encoding="utf-8")
    db = tmp_path / "a" / "b" / "c" / "p.annotator.db"
    db.parent.mkdir(parents=True)
    assert run("import", source, "--db", db, "--format", "jsonl", "--annotator", "../../evil").exit_code == 0
    before = sorted(tmp_path.rglob("*"))
    out = db.parent / "out"
    result = run("export", "--db", db, "--format", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    new = [p for p in sorted(tmp_path.rglob("*")) if p not in before]
    assert new and all(p == out or out in p.parents for p in new)
    assert not list(tmp_path.rglob("pwned.txt"))
    assert "written as" in result.stderr and "not a safe file name" in result.stderr
    texts = [p for p in out.rglob("*.txt")]
    assert len(texts) == 1 and texts[0].read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("fmt", ["txt", "brat"])
def test_ids_that_sanitise_alike_get_distinct_files_with_a_warning(tmp_path, fmt):
    ids = ["a/b", "a_b", "a b", "Doc", "doc"]
    db = make_project(tmp_path / "p.annotator.db", [(i, "alice") for i in ids])
    result = run("export", "--db", db, "--format", fmt, "-o", tmp_path / "out")
    assert result.exit_code == 0
    files = tree(tmp_path / "out")
    texts = {name: data for name, data in files.items() if name.endswith(".txt")}
    assert len(texts) == len(ids)
    assert sorted(texts.values()) == sorted(f"Kim said 40 ships sailed. {i!r}".encode() for i in ids)
    assert len({n.casefold() for n in texts}) == len(ids)  # distinct on macOS and Windows too
    assert result.stderr.count("warning: document") == 2  # 'a/b' is unsafe, 'doc' is 'Doc' on macOS
    assert "'a/b': written as" in result.stderr and "'doc': written as" in result.stderr


def test_reviewer_names_become_safe_distinct_folders(tmp_path):
    reviewers = ["../up", "annotation.conf", "Alice", "alice", "r\x00x", ".git"]
    db = make_project(tmp_path / "p.annotator.db", [("d1", r) for r in reviewers])
    result = run("export", "--db", db, "--format", "brat", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == len(reviewers) and all(not p.name.startswith(".") for p in folders)
    assert (out / "annotation.conf").is_file() and not (tmp_path / "up").exists()
    assert all((p / "d1.ann").is_file() for p in folders)
    assert result.stderr.count("warning: reviewer") == 5  # all but 'Alice'


def test_nul_in_an_id_or_reviewer_is_no_unexpected_error(tmp_path):
    # Importers refuse a NUL in an id or a name now; a project made before that may still hold one.
    db = tmp_path / "p.annotator.db"
    store = open_project(db)
    store.import_items([AnnotatedDocument(Document(id="a\x00b", title="t", text="Kim said so."), "r\x00x",
                                          [Span(0, 3, "SPEAKER", id="s1")])])
    store.close()
    for fmt, out in [("txt", "t"), ("brat", "b"), ("jsonl", "o.jsonl"), ("doccano", "o.d.jsonl"),
                     ("spacy", "o.s.jsonl"), ("label-studio", "o.json"), ("conll", "o.conll")]:
        result = run("export", "--db", db, "--format", fmt, "-o", tmp_path / out)
        assert result.exit_code == 0 and "unexpected" not in result.stderr, (fmt, result.stderr)
    [back] = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text().splitlines()]
    assert (back["id"], back["annotator"]) == ("a\x00b", "r\x00x")  # JSON carries NUL as it is
    assert (tmp_path / "b" / "r_x-5b4035e3" / "a_b-59b271ae.ann").is_file()


def test_a_string_no_format_can_write_is_refused_naming_the_document(tmp_path):
    from annotator import project

    class Store:  # a project cannot hold a lone surrogate; only a bug could bring one here
        def iter_layers(self, **_):  # what project.export reads layers through
            yield AnnotatedDocument(Document(id="d\ud800", title="t", text="x"), "bob")

    with pytest.raises(InputError, match=r"document 'd\\ud800': its id holds an unpaired UTF-16 surrogate"):
        project.export(Store(), tmp_path / "o.jsonl")
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- existing targets


def test_an_earlier_export_is_replaced_whole_and_a_foreign_folder_is_refused(tmp_path):
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice"), ("d2", "bob")])
    out = tmp_path / "out"
    assert run("export", "--db", db, "--format", "brat", "-o", out).exit_code == 0
    assert {p.name for p in out.iterdir()} >= {"alice", "bob"}
    # again, with one reviewer: nothing of the earlier export is left mixed in
    assert run("export", "--db", db, "--format", "brat", "--annotator", "bob", "-o", out).exit_code == 0
    assert sorted(tree(out)) == [".annotator-export.json", "annotation.conf", "bob/d2.ann", "bob/d2.txt"]
    assert leftovers(tmp_path) == []
    # a file of the user's inside the export: refused, nothing touched
    (out / "bob" / "my notes.md").write_text("mine")
    before = tree(out)
    result = run("export", "--db", db, "--format", "brat", "-o", out)
    assert result.exit_code == 1 and "bob/my notes.md" in result.stderr and result.stderr.count("\n") == 1
    assert tree(out) == before
    # a folder that is no export of ours: refused, never emptied
    foreign = tmp_path / "Documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("years of work")
    result = run("export", "--db", db, "--format", "txt", "-o", foreign)
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {foreign}: the folder exists, is not empty")
    assert tree(foreign) == {"thesis.txt": b"years of work"} and leftovers(tmp_path) == []
    # an empty folder is fine, and keeps its mode
    empty = tmp_path / "empty"
    empty.mkdir(mode=0o750)
    os.chmod(empty, 0o750)
    assert run("export", "--db", db, "--format", "txt", "-o", empty).exit_code == 0
    assert sorted(tree(empty)) == [".annotator-export.json", "d1.txt", "d2.txt"]
    assert stat.S_IMODE(empty.stat().st_mode) == 0o750
    # a file where a folder should go
    result = run("export", "--db", db, "--format", "txt", "-o", tmp_path / "p.annotator.db")
    assert result.exit_code == 1 and "not one" in result.stderr


def test_a_failing_folder_export_leaves_nothing_and_the_old_export_as_it_was(tmp_path, monkeypatch):
    from annotator.formats import brat_write as brat

    db = make_project(tmp_path / "p.annotator.db", [(f"d{i}", "alice") for i in range(5)])
    out = tmp_path / "out"
    store = open_project(db)
    export(store, out, format="brat")
    before = tree(out)
    real, calls = brat._ann_text, []

    def failing(item, report, conf):
        calls.append(item)
        if len(calls) % 3 == 0:
            raise OSError(28, "No space left on device")
        return real(item, report, conf)

    monkeypatch.setattr(brat, "_ann_text", failing)
    with pytest.raises(OSError):
        export(store, out, format="brat")
    with pytest.raises(OSError):
        export(store, tmp_path / "new", format="brat")
    store.close()
    assert tree(out) == before and not (tmp_path / "new").exists() and leftovers(tmp_path) == []


def test_a_symlinked_target_keeps_its_link(tmp_path):
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice")])
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    assert run("export", "--db", db, "-o", link).exit_code == 0
    assert link.is_symlink() and json.loads(real.read_text())["id"] == "d1"


# --------------------------------------------------------------------------- streams and special files


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "spacy", "label-studio", "conll"])
def test_dash_is_standard_output(tmp_path, fmt):
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice"), ("d2", "bob")])
    assert run("export", "--db", db, "--format", fmt, "-o", tmp_path / "file").exit_code == 0
    result = run("export", "--db", db, "--format", fmt, "-o", "-")
    assert result.exit_code == 0 and result.stdout_bytes == (tmp_path / "file").read_bytes()
    assert not Path("-").exists()


def test_dash_for_a_folder_format_is_a_clear_error(tmp_path):
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice")])
    for fmt in ("brat", "txt"):
        result = run("export", "--db", db, "--format", fmt, "-o", "-")
        assert result.exit_code == 1 and result.stderr == f"error: the {fmt} format writes a folder, not a stream; pass -o FOLDER\n"


def test_dot_slash_dash_is_a_file(tmp_path, monkeypatch):
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice")])
    monkeypatch.chdir(tmp_path)
    result = run("export", "--db", db, "-o", "./-")
    # Standard output holds the summary (issue 9), not the data: that went into the file named -.
    assert result.exit_code == 0 and result.stdout == "wrote 1 document(s), 1 span(s), 0 claim(s) to ./-\n"
    assert json.loads((tmp_path / "-").read_text())["id"] == "d1"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_target_is_written_not_replaced(tmp_path):
    db = make_project(tmp_path / "p.annotator.db", [(f"d{i}", "alice") for i in range(50)])
    expected = run("export", "--db", db).stdout_bytes
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    proc = cli_process("export", "--db", db, "-o", fifo, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=120)
    reader.join(timeout=60)
    assert proc.returncode == 0, err
    assert got == [expected] and stat.S_ISFIFO(fifo.lstat().st_mode) and leftovers(tmp_path) == []


@pytest.fixture
def dev_stdout_guard():
    """Put /dev/stdout and /dev/null back if a regression replaces them (as root the bug did:
    every later `echo > /dev/stdout` on the machine then went into that file)."""
    before = os.readlink("/dev/stdout")
    yield
    if not os.path.islink("/dev/stdout"):
        os.unlink("/dev/stdout")
        os.symlink(before, "/dev/stdout")
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        os.unlink("/dev/null")
        os.mknod("/dev/null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
        os.chmod("/dev/null", 0o666)


@pytest.mark.skipif(not os.path.islink("/dev/stdout"), reason="needs /dev/stdout as a link")
def test_dev_stdout_and_dev_null_are_written_through(tmp_path, dev_stdout_guard):
    db = make_project(tmp_path / "p.annotator.db", [(f"d{i}", "alice") for i in range(5)])
    expected = run("export", "--db", db).stdout_bytes
    link_before = os.lstat("/dev/stdout")
    proc = cli_process("export", "--db", db, "-o", "/dev/stdout", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=120)
    assert os.path.islink("/dev/stdout") and os.lstat("/dev/stdout").st_ino == link_before.st_ino
    assert proc.returncode == 0 and out == expected, err
    with open(tmp_path / "redirected", "wb") as handle:  # `> redirected`: the shell's file, appended to
        proc = cli_process("export", "--db", db, "-o", "/dev/stdout", stdout=handle, stderr=subprocess.PIPE)
        proc.communicate(timeout=120)
    assert proc.returncode == 0 and (tmp_path / "redirected").read_bytes() == expected
    proc = cli_process("export", "--db", db, "-o", "/dev/null", stderr=subprocess.PIPE)
    proc.communicate(timeout=120)
    assert proc.returncode == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert os.path.islink("/dev/stdout") and os.lstat("/dev/stdout").st_ino == link_before.st_ino
    assert not [n for n in os.listdir("/dev") if TMP.match(n)]


@pytest.mark.parametrize("fmt", ["jsonl", "doccano"])
def test_a_broken_pipe_ends_quietly(tmp_path, fmt):
    db = big_project(tmp_path / "p.annotator.db", 1000)  # far more than a pipe buffer holds
    args = ("export", "--db", db) + (("--format", fmt, "-o", "-") if fmt != "jsonl" else ())
    proc = cli_process(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()  # `| head -1`
    proc.stdout.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    assert first.startswith(b"{")
    assert err == b"" and proc.returncode == 141


# --------------------------------------------------------------------------- modes


def _export_with_umask(db, fmt, out, mask):
    proc = cli_process("export", "--db", db, "--format", fmt, "-o", out, stderr=subprocess.PIPE,
                       preexec_fn=lambda: os.umask(mask))
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
@pytest.mark.parametrize("mask, file_mode, dir_mode", [(0o022, 0o644, 0o755), (0o077, 0o600, 0o700), (0o027, 0o640, 0o750)])
def test_modes_follow_the_umask(tmp_path, mask, file_mode, dir_mode):
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice")])
    for fmt, out in [("jsonl", "o.jsonl"), ("label-studio", "o.json"), ("brat", "b"), ("txt", "t")]:
        _export_with_umask(db, fmt, tmp_path / out, mask)
    for name in ("o.jsonl", "o.json", "b/annotation.conf", "b/alice/d1.ann", "t/d1.txt"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == file_mode, name
    for name in ("b", "b/alice", "t"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == dir_mode, name


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_an_existing_file_keeps_its_mode(tmp_path):
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice")])
    for mode in (0o644, 0o640, 0o604):
        target = tmp_path / "o.jsonl"
        target.write_text("old\n")
        os.chmod(target, mode)
        _export_with_umask(db, "jsonl", target, 0o077)
        assert stat.S_IMODE(target.stat().st_mode) == mode and target.read_text().startswith("{")


# --------------------------------------------------------------------------- kills


def _kill_when(proc, ready, signum, what):
    """Send ``signum`` once ``ready()`` holds while the export still runs."""
    try:
        while proc.poll() is None:
            if ready():
                proc.send_signal(signum)
                break
            time.sleep(0.002)
        else:
            pytest.fail(f"the export finished before {what}; make the project larger")
    finally:
        proc.communicate(timeout=120)


def _temp_folder_filling(parent: Path):
    def ready():
        for name in leftovers(parent):
            sub = parent / name / "alice"
            if sub.is_dir() and len(os.listdir(sub)) > 20:
                return True
        return False

    return ready


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("fmt", ["brat", "txt"])
def test_a_kill_mid_folder_export_leaves_no_half_folder_and_the_next_export_cleans_up(tmp_path, fmt):
    db = big_project(tmp_path / "p.annotator.db")
    out = tmp_path / "export" / "out"
    out.parent.mkdir()
    if fmt == "txt":
        ready = lambda: any(len(os.listdir(out.parent / n)) > 20 for n in leftovers(out.parent))  # noqa: E731
    else:
        ready = _temp_folder_filling(out.parent)
    proc = cli_process("export", "--db", db, "--format", fmt, "-o", out, stderr=subprocess.PIPE)
    _kill_when(proc, ready, signal.SIGKILL, "it was killed")
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()  # absent, never half-written
    assert leftovers(out.parent)  # recognisable: hidden .out.tmp-XXXXXXXX beside the target
    assert run("export", "--db", db, "--format", fmt, "-o", out).exit_code == 0
    assert leftovers(out.parent) == [] and os.listdir(out.parent) == ["out"]
    assert len(list(out.rglob("*.txt"))) == 3000


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_kill_mid_file_export_keeps_the_old_file(tmp_path):
    db = big_project(tmp_path / "p.annotator.db")
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"the old export\n")

    def ready():
        return any((tmp_path / n).stat().st_size > 1_000_000 for n in leftovers(tmp_path))

    proc = cli_process("export", "--db", db, "-o", target, stderr=subprocess.PIPE)
    _kill_when(proc, ready, signal.SIGKILL, "it was killed")
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == b"the old export\n" and len(leftovers(tmp_path)) == 1
    assert run("export", "--db", db, "-o", target).exit_code == 0
    assert leftovers(tmp_path) == [] and len(target.read_bytes().splitlines()) == 3000


@pytest.mark.skipif(not hasattr(signal, "SIGTERM"), reason="needs SIGTERM")
@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 130)])
def test_sigterm_or_ctrl_c_mid_export_removes_its_temporaries(tmp_path, signum, code):
    db = big_project(tmp_path / "p.annotator.db")
    out = tmp_path / "out"
    proc = cli_process("export", "--db", db, "--format", "brat", "-o", out, stderr=subprocess.PIPE)
    _kill_when(proc, _temp_folder_filling(tmp_path), signum, signal.Signals(signum).name)
    assert proc.returncode == code
    assert not out.exists() and leftovers(tmp_path) == []


def test_where_folders_cannot_be_swapped_the_old_export_is_renamed_aside(tmp_path, monkeypatch):
    from annotator import output

    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice"), ("d2", "bob")])
    out = tmp_path / "out"
    assert run("export", "--db", db, "--format", "txt", "-o", out).exit_code == 0
    assert run("export", "--db", db, "--format", "brat", "--annotator", "bob", "-o", out).exit_code == 0
    assert sorted(tree(out)) == [".annotator-export.json", "annotation.conf", "bob/d2.ann", "bob/d2.txt"]
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]


@pytest.mark.skipif(sys.platform != "linux", reason="flock semantics")
def test_a_temporary_still_in_use_is_not_removed(tmp_path):
    import fcntl

    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice")])
    busy, stale = tmp_path / ".out.jsonl.tmp-busy0001", tmp_path / ".out.jsonl.tmp-stale001"
    busy.write_text("a rival export is writing this")
    stale.write_text("killed")
    with open(busy) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert run("export", "--db", db, "-o", tmp_path / "out.jsonl").exit_code == 0
        assert leftovers(tmp_path) == [busy.name]
    assert run("export", "--db", db, "-o", tmp_path / "out.jsonl").exit_code == 0
    assert leftovers(tmp_path) == []


def test_targets_that_cannot_be_written_are_one_error_line(tmp_path, monkeypatch):
    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice")])
    result = run("export", "--db", db, "-o", tmp_path / "no" / "such" / "o.jsonl")
    assert result.exit_code == 1 and result.stderr == f"error: {tmp_path / 'no' / 'such' / 'o.jsonl'}: the folder to write it in does not exist\n"
    result = run("export", "--db", db, "-o", tmp_path)
    assert result.exit_code == 1 and result.stderr == f"error: {tmp_path}: is a folder; this format writes one file\n"
    monkeypatch.chdir(tmp_path)
    for target in (".", "/"):
        result = run("export", "--db", db, "--format", "txt", "-o", target)
        assert result.exit_code == 1 and "cannot replace this folder" in result.stderr
    assert leftovers(tmp_path) == [] and not (tmp_path / "no").exists()


def test_a_folder_picked_in_the_window_that_holds_other_files_gets_a_sub_folder(tmp_path):
    from annotator.output import folder_for_export

    db = make_project(tmp_path / "p.annotator.db", [("d1", "alice")])
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "letter.odt").write_bytes(b"mine")
    assert folder_for_export(documents, "annotator-brat") == documents / "annotator-brat"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert folder_for_export(empty, "annotator-brat") == empty
    assert run("export", "--db", db, "--format", "brat", "-o", documents / "annotator-brat").exit_code == 0
    # An earlier export is replaced in place; a foreign folder of that name is stepped around.
    assert folder_for_export(documents / "annotator-brat", "x") == documents / "annotator-brat"
    (documents / "annotator-txt").mkdir()
    (documents / "annotator-txt" / "notes.txt").write_text("mine")
    assert folder_for_export(documents, "annotator-txt") == documents / "annotator-txt-2"
    assert (documents / "letter.odt").read_bytes() == b"mine"
