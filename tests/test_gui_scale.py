"""The main window on projects of thousands of documents (issue 10): nothing a key press does may
depend on the number of documents, and the document list reads only what it shows.

No timings here (they go in bench/): these tests count what the window asks of SQLite and of its
models, which on the old code grew with the project (a full scan of the documents table per key
press, 1,000 rows measured by the list's resize-to-contents columns, review items worked out for
the first 1,000 documents at start-up)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator import review
from annotator.gui import documents_model, reviewer_actions
from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from annotator.labels import load_scheme
from annotator.model import AnnotatedDocument, Document, Span
from annotator.store import Store

from .test_connection_ownership import ENV

BIG = 3000  # documents in the "big" project: more than the 1,000 rows Qt measured before
REVIEWERS = ("ann", "ben", "cat")


def _text(k: int) -> str:
    return (f"Article {k}. The minister said on Tuesday that 12 percent of funds were traced to Geneva. "
            f"Officials in Seoul declined to comment on report number {k}.")


def _spans(text: str, reviewer_index: int = 0, k: int = 0) -> list[Span]:
    minister = text.index("The minister")
    figure = text.index("12 percent")
    spans = [Span(minister, minister + len("The minister"), "SPEAKER", id="s1"),
             Span(figure, figure + len("12 percent"), "FIGURE", id="s2")]
    if (k + reviewer_index) % 3 == 0:  # reviewers disagree on some documents, not on others
        seoul = text.index("Seoul")
        spans.append(Span(seoul, seoul + len("Seoul"), "ENTITY", id="s3"))
    if reviewer_index == 1 and k % 2:
        spans[1] = Span(figure, figure + len("12"), "FIGURE", id="s2")  # a boundary disagreement
    return spans


def _build(path, n: int, reviewers=("alice",)) -> None:
    items = []
    for k in range(n):
        text = _text(k)
        doc = Document(id=f"d{k:05d}", title=f"Article {k:05d}", text=text)
        for r, reviewer in enumerate(reviewers):
            items.append(AnnotatedDocument(doc, reviewer, _spans(text, r, k), []))
    with Store(path) as store:
        store.add_labels(load_scheme())
        store.import_items(items)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    made = {"small": folder / "small.annotator.db", "big": folder / "big.annotator.db",
            "lead": folder / "lead.annotator.db"}
    _build(made["small"], 3)
    _build(made["big"], BIG)
    _build(made["lead"], 1000, REVIEWERS)
    return made


def _open(qtbot, templates, name, tmp_path, reviewer="alice") -> MainWindow:
    path = tmp_path / f"{name}.annotator.db"
    shutil.copy(templates[name], path)
    window = MainWindow(Store(path), reviewer, Settings())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    QApplication.processEvents()
    return window


def _visible_rows(window) -> range:
    table = window.doc_table
    first = table.rowAt(0)
    last = table.rowAt(table.viewport().height() - 1)
    if last < 0:
        last = window.documents.rowCount() - 1
    return range(first, last + 1)


class Counting:
    """SQL statements the window's connection runs, and DocumentsModel.data calls."""

    def __init__(self, monkeypatch):
        # Installed before the window exists: PySide looks a Python override up when the object
        # is made, so patching the class later would count nothing.
        self.window = None
        self.statements: list[str] = []
        self.data_calls = 0
        original = documents_model.DocumentsModel.data

        def data(model, index, role=Qt.ItemDataRole.DisplayRole):
            self.data_calls += 1
            return original(model, index, role)

        monkeypatch.setattr(documents_model.DocumentsModel, "data", data)

    def __enter__(self):
        self.statements.clear()
        self.data_calls = 0
        self.window.store.db.conn.set_trace_callback(self.statements.append)
        return self

    def __exit__(self, *exc):
        self.window.store.db.conn.set_trace_callback(None)

    def full_scans(self) -> list[str]:
        """Statements whose plan reads every row of documents (a scan of the table itself, not
        of an index holding no text)."""
        conn = self.window.store.db.conn
        scans = []
        for sql in self.statements:
            head = sql.lstrip().split(None, 1)[0].upper()
            if head not in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
                continue
            for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
                detail = row[-1]
                if detail.startswith("SCAN") and ("documents" in detail or detail.split()[1] == "d") \
                        and "COVERING INDEX" not in detail:
                    scans.append(f"{detail}: {sql}")
        return scans


def _press_label_key(qtbot, window, k: int) -> None:
    text = window.view.text
    start = text.index("Officials")
    window.view.select_cp(start, start + len("Officials"))
    QApplication.processEvents()
    qtbot.keyClick(window.view, Qt.Key.Key_1)
    QApplication.processEvents()
    window.view.viewport().repaint()


def _shape(sql: str) -> str:
    """A statement without its values, to compare what runs on two projects."""
    import re

    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def test_a_key_press_runs_the_same_statements_on_3_and_3000_documents(qtbot, templates, tmp_path, monkeypatch):
    counts = {}
    for name in ("small", "big"):
        counter = Counting(monkeypatch)
        window = counter.window = _open(qtbot, templates, name, tmp_path)
        # Open a document far down the list on the big project, near the top on the small one.
        window.select_document_row(window.documents.rowCount() - 2)
        QApplication.processEvents()
        before = window.documents.summary(window.session.doc_id).spans
        with counter:
            _press_label_key(qtbot, window, 0)
        assert window.documents.summary(window.session.doc_id).spans == before + 1
        assert counter.full_scans() == [], name
        # The watcher's poll runs on a timer, whenever it falls due: not part of the key press.
        statements = [_shape(s) for s in counter.statements if s != "PRAGMA data_version"]
        counts[name] = (statements, counter.data_calls)
        window.close()
        window.store.close()
    assert counts["small"][0] == counts["big"][0]  # the same statements, whatever the project's size
    # The list repaints the row that changed (four cells shown, seven roles each), not 1,000 rows.
    assert 0 < counts["big"][1] <= 60 and counts["small"][1] <= 60, counts


def test_start_up_reads_no_document_row_and_only_a_page_of_summaries(qtbot, templates, tmp_path, monkeypatch):
    fetched: list[int] = []
    original = getattr(Store, "document_summaries_of", None)  # the old store had none

    def summaries_of(store, annotator, ids):
        fetched.append(len(ids))
        return original(store, annotator, ids)

    monkeypatch.setattr(Store, "document_summaries_of", summaries_of, raising=False)
    monkeypatch.setattr(Store, "document_summaries",
                        lambda *a, **k: pytest.fail("the whole list of summaries was read"))
    window = _open(qtbot, templates, "big", tmp_path)
    assert window.documents.rowCount() == BIG
    assert sum(fetched) <= 2 * documents_model.PAGE  # the rows on screen (and the open one's page)
    # Scrolling to the end reads that page, not the ones in between.
    fetched.clear()
    window.doc_table.scrollToBottom()
    QApplication.processEvents()
    window.doc_table.viewport().repaint()
    assert 0 < sum(fetched) <= 2 * documents_model.PAGE
    last = window.documents.rowCount() - 1
    assert window.documents.data(window.documents.index(last, 0)) == f"Article {BIG - 1:05d}"


def _progress_pending(model) -> bool:
    # A model that works every count out at once (the old one) never has any pending.
    return getattr(model, "progress_pending", lambda: False)()


def test_the_adjudicated_column_is_worked_out_for_rows_on_screen_only(qtbot, templates, tmp_path, monkeypatch):
    asked: list[str] = []
    original = reviewer_actions.ReviewerActionsMixin._review_progress

    def counting(self, doc_id):
        asked.append(doc_id)
        return original(self, doc_id)

    monkeypatch.setattr(reviewer_actions.ReviewerActionsMixin, "_review_progress", counting)
    window = _open(qtbot, templates, "lead", tmp_path, reviewer="ann")
    model = window.documents
    assert not window.doc_table.isColumnHidden(documents_model.REVIEW_COLUMN)
    qtbot.waitUntil(lambda: not _progress_pending(model), timeout=10000)
    shown = {model.doc_id(r) for r in _visible_rows(window)}
    assert asked and set(asked) <= shown, (len(asked), len(shown))
    assert len(asked) == len(set(asked))  # each worked out once

    def check_shown_counts():
        for row in _visible_rows(window):
            doc_id = model.doc_id(row)
            decided, total = review.review_progress(window.store, doc_id)
            assert model.data(model.index(row, documents_model.REVIEW_COLUMN)) == f"{decided} of {total}", doc_id

    check_shown_counts()
    # Scrolled to: those rows are worked out then, and show the right counts.
    asked.clear()
    window.doc_table.scrollTo(model.index(700, 0), window.doc_table.ScrollHint.PositionAtTop)
    QApplication.processEvents()
    window.doc_table.viewport().repaint()
    qtbot.waitUntil(lambda: not _progress_pending(model), timeout=10000)
    shown = {model.doc_id(r) for r in _visible_rows(window)}
    assert model.doc_id(700) in shown
    assert asked and set(asked) <= shown
    check_shown_counts()
    # A key press in the open document does not work any count out again.
    asked.clear()
    _press_label_key(qtbot, window, 0)
    QApplication.processEvents()
    assert asked == []


ADD_ELSEWHERE = """
import sys
from annotator.edits import AddSpan
from annotator.model import AnnotatedDocument, Document
from annotator.project import open_project
store = open_project(sys.argv[1])
doc_id = sys.argv[2]
text = store.document(doc_id).text
AddSpan(doc_id, "alice", 0, 7, "ENTITY").apply(store)
store.set_title(doc_id, "Renamed elsewhere")
if len(sys.argv) > 3:
    store.import_items([AnnotatedDocument(Document(id="new", title="Brand new", text="A new article."), "alice",
                                          is_layer=False)])
"""


def _elsewhere(path, doc_id, *more):
    result = subprocess.run([sys.executable, "-c", ADD_ELSEWHERE, str(path), doc_id, *more],
                            capture_output=True, text=True, env=ENV, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_list_stays_right_after_a_key_press_undo_rename_and_changes_elsewhere(qtbot, templates, tmp_path):
    window = _open(qtbot, templates, "big", tmp_path)
    model = window.documents
    row = 2500
    window.select_document_row(row)
    QApplication.processEvents()
    doc_id = window.session.doc_id
    assert doc_id == f"d{row:05d}" and model.row_of(doc_id) == row

    def cell(r, column):
        return model.data(model.index(r, column))

    assert cell(row, 1) == 2
    _press_label_key(qtbot, window, 0)
    assert cell(row, 1) == 3 and window.store.document_summaries("alice", doc_id)[0].spans == 3
    window.undo_action.trigger()
    QApplication.processEvents()
    assert cell(row, 1) == 2
    window.redo_action.trigger()
    QApplication.processEvents()
    assert cell(row, 1) == 3
    # Rename in the list.
    assert model.setData(model.index(row, 0), "  A   new  title ")
    assert cell(row, 0) == "A new title" and window.store.document_summaries("alice", doc_id)[0].title == "A new title"
    # Another program adds a span to, and renames, a document on screen elsewhere in the list.
    other_row = row + 3
    other = model.doc_id(other_row)
    _elsewhere(window.store.path, other)
    qtbot.waitUntil(lambda: cell(other_row, 0) == "Renamed elsewhere", timeout=2000)
    assert cell(other_row, 1) == 3
    assert cell(row, 1) == 3 and cell(row, 0) == "A new title"  # ours is as we left it
    assert window.session.doc_id == doc_id
    # Another program adds a document: the list grows, the open document stays open and selected.
    _elsewhere(window.store.path, model.doc_id(10), "add")
    qtbot.waitUntil(lambda: model.rowCount() == BIG + 1, timeout=2000)
    assert model.doc_id(BIG) == "new" and cell(BIG, 0) == "Brand new"
    assert cell(10, 0) == "Renamed elsewhere"
    assert window.session.doc_id == doc_id
    assert window.doc_table.currentIndex().row() == row
    # Stepping through the list still works from a row far down.
    window.step_document(1)
    assert window.session.doc_id == model.doc_id(row + 1)


def test_an_older_project_file_gets_the_document_list_index(tmp_path):
    import sqlite3

    from annotator.store import SCHEMA_VERSION

    path = tmp_path / "old.annotator.db"
    _build(path, 5)
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX documents_list")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'gui_m006_document_list_index'")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents_list'").fetchone()
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.document_order() == [f"d{k:05d}" for k in range(5)]
        assert store.document_order(3, 10) == ["d00003", "d00004"]
        assert store.document_row("d00004") == 4 and store.document_row("nope") is None


def test_switching_documents_writes_the_settings_file_once_the_reader_stays(qtbot, templates, tmp_path, monkeypatch):
    written: list[str] = []
    original = Settings.set_last_document

    def counting(settings, project, doc_id):
        written.append(doc_id)
        original(settings, project, doc_id)

    monkeypatch.setattr(Settings, "set_last_document", counting)
    window = _open(qtbot, templates, "big", tmp_path)
    for row in range(1, 6):  # stepping through: no settings write (two fdatasync calls) per step
        window.step_document(1)
    assert window.session.doc_id == "d00005"
    assert written == []
    qtbot.waitUntil(lambda: written == ["d00005"], timeout=5000)
    window.step_document(1)
    window.close()  # closing writes it at once
    assert written[-1] == "d00006"
    window.store.close()
    again = MainWindow(Store(tmp_path / "big.annotator.db"), "alice", Settings())
    qtbot.addWidget(again)
    assert again.session.doc_id == "d00006"
    again.close()
    again.store.close()


@pytest.mark.parametrize("renumber", [None, "position * 2", "position / 2"])
def test_a_far_document_is_found_without_counting_the_rows_before_it(qtbot, tmp_path, monkeypatch, renumber):
    """Imports number documents 0, 1, 2, ...: then (once the list has checked, after start-up) a row
    is its position and a page a range of positions (no count or OFFSET over the documents before it). Gaps or ties in the positions
    (a file from elsewhere) fall back to counting, with the same rows."""
    import sqlite3

    path = tmp_path / "p.annotator.db"
    _build(path, 300)
    if renumber:
        conn = sqlite3.connect(path)
        conn.execute(f"UPDATE documents SET position = {renumber}")  # gaps, or ties broken by id
        conn.commit()
        conn.close()
    with Store(path) as store:
        expected = store.document_order()  # the list order, counted the old way
        counted: list = []
        original_row, original_order = Store.document_row, Store.document_order

        def document_row(store, doc_id):
            counted.append(doc_id)
            return original_row(store, doc_id)

        def document_order(store, offset=0, limit=-1):
            if offset:  # an OFFSET walks the rows before it
                counted.append(offset)
            return original_order(store, offset, limit)

        monkeypatch.setattr(Store, "document_row", document_row)
        monkeypatch.setattr(Store, "document_order", document_order)
        model = documents_model.DocumentsModel()
        source = documents_model.StoreSource(store, lambda: "alice")
        model.set_source(source)
        qtbot.waitUntil(lambda: source._dense is not None, timeout=5000)  # checked once, after start-up
        if renumber != "position / 2":  # ties: rows by counting are ambiguous, as before
            assert [model.row_of(doc_id) for doc_id in expected[::37]] == list(range(0, 300, 37))
        assert [model.doc_id(row) for row in range(300)] == expected
        assert bool(counted) == (renumber is not None)
