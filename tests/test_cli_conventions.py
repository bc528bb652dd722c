"""Issue 9, points 3 and 4: one project convention on every command, and the conventions of the
click tools people use beside this one (-h, - for stdin, --format choices with completion,
--json, progress only on a terminal, --quiet)."""

import json
import os
import pty
import select
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.cli.window import display_problem

from .conftest import SEEDS

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))
GOOD = ('{"id": "d1", "text": "Hwang said 40% came from hacking.", "annotator": "bob", '
        '"spans": [{"start": 0, "end": 5, "label": "SPEAKER", "text": "Hwang"}]}\n')

DUPLICATE = '{"text": "Hwang said 40%.", "label": [[0, 5, "SPEAKER"], [0, 5, "SPEAKER"]]}\n'


def run(*args, input=None, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, env=env, catch_exceptions=False)


def process(*args, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], env=env, text=True,
                          timeout=120, **kwargs)


def headless_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    return {**env, **extra}


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.jsonl"
    path.write_text(GOOD, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- point 3: the project


def test_docs_without_db_lists_the_seeded_default_project(tmp_path):
    result = run("docs", "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(doc["id"] for doc in json.loads(result.stdout)) == SEED_IDS
    assert (tmp_path / "home" / "default.annotator.db").exists()


def test_every_command_takes_the_default_project(tmp_path, good):
    assert "1 document(s) added" in run("import", good).stdout
    assert {json.loads(x)["id"] for x in run("export").stdout.splitlines()} == {"d1"}  # seeds have no layer
    assert len(json.loads(run("docs", "--json").stdout)) == 3
    assert run("agreement", "--json").exit_code == 0
    other = tmp_path / "other.annotator.db"
    run("import", good, "--db", other, "--annotator", "alice")
    result = run("merge", other, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["project"].endswith("default.annotator.db")


def test_annotator_db_variable_names_the_project(tmp_path, good):
    db = tmp_path / "env.annotator.db"
    assert run("import", good, env={"ANNOTATOR_DB": str(db)}).exit_code == 0
    [doc] = json.loads(run("docs", "--json", env={"ANNOTATOR_DB": str(db)}).stdout)
    assert doc["id"] == "d1"
    assert not (tmp_path / "home" / "default.annotator.db").exists()
    # --db wins over the variable.
    assert run("docs", "--db", db, env={"ANNOTATOR_DB": str(tmp_path / "nope.db")}).exit_code == 0


@pytest.mark.parametrize("command", [["docs"], ["export"], ["agreement"]])
def test_commands_that_read_never_create_a_named_project(tmp_path, command):
    missing = tmp_path / "typo.annotator.db"
    result = run(*command, "--db", missing)
    assert result.exit_code == 1 and result.stderr == f"error: {missing}: no such project file\n"
    assert not missing.exists()


def test_merge_takes_db_and_still_into(tmp_path, good):
    reviewer = tmp_path / "alice.annotator.db"
    run("import", good, "--db", reviewer, "--annotator", "alice")
    for option, lead in (("--db", "a.annotator.db"), ("--into", "b.annotator.db")):
        result = run("merge", reviewer, option, tmp_path / lead)
        assert result.exit_code == 0 and "1 layer(s) added" in result.stdout, result.stderr


def test_no_display_is_one_line_and_exit_1(tmp_path):
    for args in ([], ["gui"], [tmp_path / "new.annotator.db"]):
        proc = process(*args, env=headless_env(), capture_output=True)
        assert proc.returncode == 1, (args, proc.stderr)
        assert proc.stderr == ("error: no display to open a window on (set DISPLAY, or use the commands: "
                               "annotator --help)\n"), args
    assert not (tmp_path / "new.annotator.db").exists()


def test_display_check():
    assert display_problem({}, "linux")
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "vnc:size=800x600"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert display_problem({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, "linux")
    assert display_problem({}, "darwin") is None and display_problem({}, "win32") is None


def test_a_path_in_place_of_a_command_opens_the_window_on_it(tmp_path, monkeypatch):
    import annotator.gui.app as app

    opened = []
    monkeypatch.setattr(app, "run", lambda path: opened.append(path) or 0)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    for arg in ("test.annotator.db", str(tmp_path / "x.db"), "folder/p"):
        assert run(arg).exit_code == 0
    assert opened == ["test.annotator.db", str(tmp_path / "x.db"), "folder/p"]
    # A mistyped command stays a usage error, not a new project file named after the typo.
    result = run("exprot")
    assert result.exit_code == 2 and "No such command 'exprot'" in result.stderr and opened[-1] == "folder/p"
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.db"))
    assert run().exit_code == 0 and run("gui").exit_code == 0
    assert opened[-2:] == [str(tmp_path / "env.db")] * 2


# --------------------------------------------------------------------------- point 4: conventions


@pytest.mark.parametrize("args", [[], ["import"], ["export"], ["docs"], ["merge"], ["agreement"], ["gui"]])
def test_dash_h_is_help(args):
    result = run(*args, "-h")
    assert result.exit_code == 0 and result.stdout.startswith("Usage: ")
    if args:
        assert "PROJECT" in result.stdout and ("--db" in result.stdout or args == ["gui"])


def test_import_from_standard_input(tmp_path):
    db = tmp_path / "p.annotator.db"
    result = run("import", "-", "--db", db, "--json", input=GOOD)  # auto: JSONL told by content
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["documents_added"], report["spans_added"], report["files"]) == (1, 1, ["-"])
    result = run("import", "-", "--db", db, "--format", "txt", "--annotator", "x", input="Plain text.\n")
    assert result.exit_code == 0 and "1 document(s) added" in result.stdout


@pytest.mark.parametrize("content, fmt, expected", [
    ("Plain text.\n", "auto", "error: standard input, line 1: not valid JSON"),
    ('{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}\n', "jsonl",
     "error: standard input, line 1: "),
])
def test_bad_standard_input_is_one_line_naming_it(tmp_path, content, fmt, expected):
    db = tmp_path / "p.annotator.db"
    result = run("import", "-", "--db", db, "--format", fmt, input=content)
    assert result.exit_code == 1 and result.stderr.startswith(expected), result.stderr
    assert result.stderr.count("\n") == 1 and "annotator-stdin" not in result.stderr
    if fmt == "auto":
        assert "pass --format" in result.stderr


def test_standard_input_is_capped_and_usage_mistakes_exit_2(tmp_path, monkeypatch):
    import annotator.cli.transfer as transfer

    monkeypatch.setattr(transfer, "MAX_FILE_BYTES", 100)
    result = run("import", "-", "--db", tmp_path / "p.db", input=GOOD * 5)
    assert result.exit_code == 1 and result.stderr == "error: standard input: holds more than 0 MiB; not read\n"
    assert run("import", "-", "-", "--db", tmp_path / "p.db", input=GOOD).exit_code == 2
    assert run("import", "-", "--format", "brat", "--db", tmp_path / "p.db", input=GOOD).exit_code == 2
    assert run("import", "-", "--format", "nope", "--db", tmp_path / "p.db", input=GOOD).exit_code == 2
    assert not (tmp_path / "p.db").exists()


def test_json_reports_on_stdout_and_messages_on_stderr(tmp_path, good):
    db = tmp_path / "p.annotator.db"
    # Two identical spans: the reader drops one and says so (a warning).
    result = run("import", "-", "--db", db, "--json", "--format", "doccano", input=DUPLICATE)
    report = json.loads(result.stdout)
    assert report["warnings"] and all(f"warning: {w}" in result.stderr for w in report["warnings"])
    assert "standard input" in report["warnings"][0] and "annotator-stdin" not in result.stderr
    result = run("export", "--db", db, "-o", tmp_path / "out.jsonl", "--json")
    report = json.loads(result.stdout)
    assert (report["documents"], report["spans"], report["claims"]) == (1, 1, 0)
    assert report["file"] == str(tmp_path / "out.jsonl") and report["skipped"] == []
    result = run("export", "--db", db, "--json")  # stdout is the data: no room for the report
    assert result.exit_code == 2 and "pass -o FILE" in result.stderr
    reviewer = tmp_path / "r.annotator.db"
    run("import", good, "--db", reviewer)  # its text is not in db yet: a new document comes with the layer
    report = json.loads(run("merge", reviewer, "--db", db, "--json").stdout)
    assert report["added"] == [{"document": "d1", "annotator": "bob"}] and report["documents_added"] == 1
    assert {"replaced", "unchanged", "labels_added", "notes"} <= set(report)


def test_quiet_prints_only_errors(tmp_path, good):
    db = tmp_path / "p.annotator.db"
    result = run("import", "-", "--db", db, "--format", "doccano", "-q", input=DUPLICATE)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = run("export", "--db", db, "-o", tmp_path / "o.jsonl", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = run("merge", db, "--db", tmp_path / "lead.db", "-q")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    result = run("import", tmp_path / "missing.jsonl", "--db", db, "-q")
    assert result.exit_code == 1 and result.stderr.startswith("error: ")


def test_format_completion_offers_the_format_names():
    env = {**os.environ, "_ANNOTATOR_COMPLETE": "bash_complete", "COMP_WORDS": "annotator export --format ",
           "COMP_CWORD": "3"}
    proc = process(env=env, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    offered = {line.split(",", 1)[1] for line in proc.stdout.splitlines()}
    from annotator import formats

    assert offered == set(formats.FORMATS)
    env.update(COMP_WORDS="annotator import --format ")
    assert "auto" in process(env=env, capture_output=True).stdout
    for shell in ("bash", "zsh", "fish"):
        proc = process(env={**os.environ, "_ANNOTATOR_COMPLETE": f"{shell}_source"}, capture_output=True)
        assert proc.returncode == 0 and "_ANNOTATOR_COMPLETE" in proc.stdout, shell


def _stderr_through_terminal(*args):
    """Run the CLI with stderr on a pseudo-terminal; return (exit code, stdout, what the terminal got)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "annotator", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=follower, stdin=subprocess.DEVNULL)
    os.close(follower)
    seen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process closed the terminal
                chunk = b""
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read()
    proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, out.decode(), seen.decode(errors="replace")


def test_progress_bar_on_a_terminal_only(tmp_path):
    db = tmp_path / "p.annotator.db"
    code, out, terminal = _stderr_through_terminal("import", *sorted(SEEDS.glob("*.txt")), "--db", db)
    assert code == 0 and out.startswith("2 document(s) added")
    # One bar: documents are stored as they are read (one phase, "importing").
    assert "importing" in terminal and "2/2" in terminal, terminal
    code, out, terminal = _stderr_through_terminal("export", "--db", db, "--format", "txt", "-o", tmp_path / "t")
    assert code == 0 and "exporting" in terminal and out.startswith("wrote 2 document(s)")
    code, out, terminal = _stderr_through_terminal("import", SEEDS / f"{SEED_IDS[0]}.txt", "--db", db, "-q")
    assert code == 0 and out == "" and terminal == ""
    # In a pipe, nothing but the summary.
    proc = process("import", *sorted(SEEDS.glob("*.txt")), "--db", tmp_path / "q.db", capture_output=True)
    assert proc.returncode == 0 and proc.stderr == "" and proc.stdout.count("\n") == 1


def test_merge_and_agreement_draw_progress(tmp_path, good):
    reviewer = tmp_path / "r.annotator.db"
    run("import", good, "--db", reviewer, "--annotator", "alice")
    db = tmp_path / "p.annotator.db"
    code, out, terminal = _stderr_through_terminal("merge", reviewer, "--db", db)
    assert code == 0 and "merging" in terminal and "1 layer(s) added" in out
    code, out, terminal = _stderr_through_terminal("agreement", "--db", db)
    assert code == 0 and "comparing" in terminal
    code, out, terminal = _stderr_through_terminal("agreement", "--db", db, "--json")
    assert code == 0 and terminal == "" and json.loads(out)
