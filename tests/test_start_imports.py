"""Issue 10, launch: the window's start imports only what the window needs before it is shown, and
an older project file still migrates before use (sqlite-utils is imported for that alone)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner

from annotator.cli import COMMANDS, cli
from annotator.store import SCHEMA_VERSION, Store, migrations

# Nothing the first paint of the window uses; each costs start-up time when imported at the top.
NOT_AT_START = ("sqlite_utils", "click", "annotator.cli", "annotator.edits", "annotator.formats", "annotator.importing", "annotator.merge",
                "annotator.review", "annotator.agreement", "annotator.figures", "annotator.suggest",
                "annotator.gui.export_dialog", "annotator.gui.figure_dialog", "annotator.gui.review_window",
                "annotator.gui.agreement_window")


# The window on the project in argv[1], shown and painted; its warm-up (which imports more, on a
# timer) held off, so that what is checked is what the first paint needed however slow the machine.
_WINDOW = ("import sys\nfrom PySide6.QtWidgets import QApplication\nimport annotator.gui.main_window as mw\n"
           "mw.WARM_UP_AFTER_MS = 600_000\nfrom annotator.gui.app import open_window\n"
           "app = QApplication([])\nw = open_window(sys.argv[1], 'alice')\nw.show()\nQApplication.processEvents()\n")


def _modules_after(code: str, *args: str) -> set[str]:
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def _loaded(modules: set[str], prefixes) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


def test_opening_a_current_project_imports_neither_sqlite_utils_nor_the_formats(seeded_store):
    path = str(seeded_store.path)
    seeded_store.close()
    modules = _modules_after(
        "import sys\nfrom annotator.project import open_project\ns = open_project(sys.argv[1])\n"
        "assert s.document_count() == 2\ns.close()", path)
    assert _loaded(modules, ("sqlite_utils", "annotator.formats", "annotator.importing")) == []


def test_the_window_module_imports_only_what_the_first_paint_needs():
    modules = _modules_after("import annotator.gui.app")
    assert _loaded(modules, NOT_AT_START) == []


def test_the_window_on_a_project_leaves_the_rest_for_later(seeded_store, tmp_path):
    path = str(seeded_store.path)
    seeded_store.close()
    modules = _modules_after(_WINDOW + "assert w.session.doc_id is not None and w.view.text\nw.close()\nw.store.close()", path)
    assert _loaded(modules, NOT_AT_START) == []


def test_the_warm_up_after_the_first_paint_loads_the_rest(seeded_store):
    path = str(seeded_store.path)
    seeded_store.close()
    modules = _modules_after(
        "import sys, time\nfrom PySide6.QtWidgets import QApplication\n"
        "from annotator.gui.app import open_window\nfrom annotator.gui.figure_support import figures_ready\n"
        "app = QApplication([])\nw = open_window(sys.argv[1], 'alice')\nw.show()\n"
        "deadline = time.monotonic() + 30\n"
        "while not figures_ready() and time.monotonic() < deadline:\n    QApplication.processEvents()\n    time.sleep(0.01)\n"
        "assert figures_ready()\nw.close()\nw.store.close()", path)
    assert {"annotator.edits", "annotator.figures"} <= modules


def test_a_label_key_before_the_warm_up_imports_what_it_needs(seeded_store, tmp_path):
    path = str(seeded_store.path)
    seeded_store.close()
    modules = _modules_after(
        _WINDOW + "assert 'annotator.edits' not in sys.modules\nw.view.select_cp(0, 5)\nw.apply_label('ENTITY')\n"
        "assert [(s.start, s.end, s.label) for s in w.store.spans(w.session.doc_id, 'alice')] == [(0, 5, 'ENTITY')]\n"
        "w.close()\nw.store.close()", path)
    assert "annotator.edits" in modules


def _old_project(path, keep: int) -> None:
    """A project file as an Annotator with only the first ``keep`` migrations made it (through
    sqlite-utils itself), with a document and a span."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    old = Migrations(migrations.name)
    for m in migrations._migrations[:keep]:
        old(name=m.name)(m.fn)
    db = Database(path)
    old.apply(db)
    db.execute(f"PRAGMA user_version = {keep}")
    now = "2024-01-01T00:00:00.000+00:00"
    db.execute("INSERT INTO labels (name, color, shortcut, position) VALUES ('ENTITY', '#aabbcc', '1', 0)")
    db.execute("INSERT INTO annotators (name, created_at) VALUES ('alice', ?)", [now])
    length = ", length" if keep >= 5 else ""  # m005 added the column
    db.execute(f"INSERT INTO documents (id, title, text, sha256, position, imported_at{length})"
               f" VALUES ('d1', 'One', 'Seoul said so.', 'x', 0, ?{', 14' if length else ''})", [now])
    db.execute("INSERT INTO layers (doc_id, annotator, done, updated_at) VALUES ('d1', 'alice', 0, ?)", [now])
    db.execute("INSERT INTO spans (doc_id, annotator, start, \"end\", label, created_at, updated_at)"
               " VALUES ('d1', 'alice', 0, 5, 'ENTITY', ?, ?)", [now, now])
    db.conn.commit()
    db.close()


def test_an_older_project_file_is_migrated_before_use(tmp_path):
    path = tmp_path / "old.annotator.db"
    _old_project(path, 5)
    with Store(path) as store:
        names = [r[0] for r in store.db.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        assert names == [m.name for m in migrations._migrations]
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not migrations.pending(store.db)
        indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"documents_list", "documents_length", "claims_span"} <= indexes
        assert [(s.start, s.end, s.label) for s in store.spans("d1", "alice")] == [(0, 5, "ENTITY")]
        with pytest.raises(Exception):  # the span-end trigger of the last migration is in place
            store.add_span("d1", "alice", 0, 99, "ENTITY")
    with Store(path) as store:  # opened again: nothing left to do, nothing applied twice
        assert store.db.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(migrations._migrations)


def test_migrating_imports_sqlite_utils_and_a_current_file_does_not(tmp_path):
    path = tmp_path / "old.annotator.db"
    _old_project(path, 3)
    code = "import sys\nfrom annotator.store import Store\nStore(sys.argv[1]).close()"
    assert "sqlite_utils" in _modules_after(code, str(path))
    assert "sqlite_utils" not in _modules_after(code, str(path))  # now up to date
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT length FROM documents WHERE id = 'd1'").fetchone()[0] == 14  # m005 ran
    conn.close()


def test_nested_transactions_are_savepoints(seeded_store):
    store = seeded_store
    doc = store.document_ids()[0]
    with store.atomic():
        store.add_span(doc, "alice", 0, 3, "ENTITY")
        with pytest.raises(RuntimeError):
            with store.db.atomic():
                store.add_span(doc, "alice", 4, 6, "ENTITY")
                raise RuntimeError("inner block fails")
    assert [(s.start, s.end) for s in store.spans(doc, "alice")] == [(0, 3)]


def test_every_command_is_found_and_listed():
    listed = CliRunner().invoke(cli, ["--help"]).stdout
    for name in COMMANDS:
        command = cli.get_command(None, name)
        assert command is not None and command.name == name
        assert f"\n  {name} " in listed
    assert CliRunner().invoke(cli, ["nope"]).exit_code == 2


def test_a_command_imports_its_own_module_only():
    modules = _modules_after("from annotator.cli import cli\ncli.get_command(None, 'docs')")
    assert "annotator.cli.listing" in modules
    assert _loaded(modules, ("annotator.cli.transfer", "annotator.cli.reviewers", "annotator.merge",
                             "annotator.formats", "sqlite_utils")) == []


def test_connections_are_set_up_as_sqlite_utils_set_them_up(seeded_store):
    # recursive_triggers: what sqlite-utils' Database turned on for every connection, kept without it.
    assert seeded_store.db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    assert seeded_store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert seeded_store.db.conn.isolation_level is None
