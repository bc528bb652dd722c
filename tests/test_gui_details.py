"""The window's parts: offsets at the view's edge, highlighting, models, first run."""

import sqlite3

from hypothesis import HealthCheck, given, settings
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QApplication, QInputDialog

from annotator.gui.app import ask_reviewer, open_window
from annotator.gui.documents_model import DocumentsModel
from annotator.gui.settings import Settings
from annotator.model import AnnotatedDocument, Document, Span
from annotator.offsets import trim_whitespace

from .strategies import text_and_range


def qt_position(text: str, cp: int) -> int:
    """Where Qt puts code point ``cp``, computed independently of annotator.offsets."""
    return len(text[:cp].replace("\r\n", "\n").encode("utf-16-le")) // 2


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60, deadline=None)
@given(data=text_and_range())
def test_span_made_in_the_widget_has_the_substrings_offsets(window, qtbot, data):
    text, start, end = data
    if text[start - 1 : start + 1] == "\r\n" or text[end - 1 : end + 1] == "\r\n":
        return  # a selection cannot begin or end between \r and \n in the widget
    store = window.store
    store.import_items([AnnotatedDocument(Document(id="t", title="t", text=text), "alice", is_layer=False)])
    doc_id = next(d for d in store.document_ids() if store.document(d).text == text)
    window.reload_documents()
    window.open_document(doc_id)
    shown = text.replace("\r\n", "\u2029").replace("\n", "\u2029").replace("\r", "\u2029")
    assert window.view.document().toRawText() == shown
    cursor = QTextCursor(window.view.document())
    cursor.setPosition(qt_position(text, start))
    cursor.setPosition(qt_position(text, end), QTextCursor.MoveMode.KeepAnchor)
    window.view.setTextCursor(cursor)
    before = {s.id for s in store.spans(doc_id, "alice")}
    window.apply_label("ENTITY")
    want_start, want_end = trim_whitespace(text, start, end)
    new = [s for s in store.spans(doc_id, "alice") if s.id not in before]
    if want_start == want_end:
        assert new == []
        return
    if (want_start, want_end) in {(s.start, s.end) for s in store.spans(doc_id, "alice") if s.id in before}:
        return  # the same span was made in an earlier example
    assert [(s.start, s.end) for s in new] == [(want_start, want_end)]
    assert text[new[0].start : new[0].end] == text[want_start:want_end]


def test_spans_are_coloured_in_the_layout_not_the_document(window, qtbot):
    view = window.view
    text = view.text
    start = text.index("Hwang Joon-kook")
    view.select_cp(start, start + len("Hwang Joon-kook"))
    window.apply_label("SPEAKER")
    view.clear_selection()
    block = view.document().findBlock(view.map.to_qt(start))
    ranges = block.layout().formats()
    offset = view.map.to_qt(start) - block.position()
    [fmt] = [r for r in ranges if r.start == offset]
    assert fmt.length == len("Hwang Joon-kook")
    color = fmt.format.background().color()
    expected = QColor(window.scheme.get("SPEAKER").color)
    assert (color.red(), color.green(), color.blue()) == (expected.red(), expected.green(), expected.blue())
    assert not view.document().isUndoAvailable()  # colouring made no document edits


def test_nested_spans_are_both_visible(window):
    view = window.view
    text = view.text
    outer = text.index("Hwang Joon-kook, South Korea’s U.N. ambassador")
    inner = text.index("South Korea", outer)
    view.select_cp(outer, outer + len("Hwang Joon-kook, South Korea’s U.N. ambassador"))
    window.apply_label("CLAIM")
    view.select_cp(inner, inner + len("South Korea"))
    window.apply_label("ENTITY")
    block = view.document().findBlock(view.map.to_qt(inner))
    ranges = block.layout().formats()  # keep the list alive: its formats belong to it
    formats = {r.start: r.format for r in ranges}
    at_inner = formats[view.map.to_qt(inner) - block.position()]
    at_outer = formats[view.map.to_qt(outer) - block.position()]
    assert at_inner.fontUnderline() and at_inner.background().style() != Qt.BrushStyle.NoBrush  # claim + entity
    assert at_outer.fontUnderline() and at_outer.background().style() == Qt.BrushStyle.NoBrush  # claim only


def test_documents_model_passes_the_model_tester(qtmodeltester, seeded_store):
    model = DocumentsModel()
    model.reset(seeded_store.document_summaries("alice"))
    qtmodeltester.check(model)
    assert model.rowCount() == 2


def test_first_run_asks_the_reviewer_once_and_remembers(qtbot):
    settings = Settings()
    assert settings.reviewer == ""

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QInputDialog) and w.isVisible())
        assert dialog.textValue()  # the login name is offered
        dialog.setTextValue("Mina")
        dialog.accept()

    QTimer.singleShot(50, answer)
    assert ask_reviewer(settings) == "Mina"
    assert Settings().reviewer == "Mina"
    assert ask_reviewer(Settings()) == "Mina"  # no dialog the second time


def test_default_project_opens_with_the_seeds(qtbot, tmp_path):
    window = open_window(None, "alice")
    qtbot.addWidget(window)
    assert window.store.path == tmp_path / "home" / "default.annotator.db"
    assert window.documents.rowCount() == 2
    assert window.session.doc_id == "000_15135173df733d2c"
    assert "Hwang Joon-kook" in window.view.toPlainText()
    conn = sqlite3.connect(window.store.path)
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    conn.close()


def test_article_text_is_shown_as_plain_text_never_html(window):
    store = window.store
    html = "<b>bold</b> &amp; <script>x</script>\n<img src=x>"
    store.import_items([AnnotatedDocument(Document(id="h", title="h", text=html), "alice", is_layer=False)])
    window.reload_documents()
    window.open_document("h")
    assert window.view.toPlainText() == html


def _shown(view):
    return sorted((p.span.start, p.span.end, p.span.label) for p in view.placed.values())


def test_incremental_updates_match_the_store(window, qtbot):
    store, view, doc = window.store, window.view, window.session.doc_id
    text = view.text
    for words, label in [("Hwang Joon-kook", "SPEAKER"), ("South Korea", "ENTITY"), ("40%", "FIGURE")]:
        start = text.index(words)
        view.select_cp(start, start + len(words))
        window.apply_label(label)
    window.apply_label("ENTITY")  # relabel the selected FIGURE
    window.delete_selected_span()
    for _ in range(3):
        window.undo_action.trigger()
    window.redo_action.trigger()
    expected = sorted((s.start, s.end, s.label) for s in store.spans(doc, "alice"))
    assert _shown(view) == expected
    for placed in view.placed.values():  # each span is indexed under exactly the blocks it covers
        for number in range(placed.first_block, placed.last_block + 1):
            assert any(p is placed for p in view.block_index[number])
    indexed = {id(p) for entries in view.block_index.values() for p in entries}
    assert indexed == {id(p) for p in view.placed.values()}


def test_only_blocks_on_screen_are_formatted(window, qtbot):
    paragraphs = [f"Paragraph {n}: the minister said {n} ships were seized." for n in range(3000)]
    text = "\n".join(paragraphs)
    store = window.store
    spans = []
    offset = 0
    for paragraph in paragraphs:
        spans.append(Span(offset, offset + 9, "ENTITY"))
        offset += len(paragraph) + 1
    store.import_items([AnnotatedDocument(Document(id="long", title="long", text=text), "alice", spans=spans)])
    window.reload_documents()
    window.open_document("long")
    qtbot.wait(10)
    view = window.view
    assert len(view.placed) == 3000
    assert view.highlighter.blocks_highlighted < 200  # not 3000
    last = view.document().lastBlock()
    assert not last.layout().formats()
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: bool(view.document().lastBlock().layout().formats()))
    [fmt] = [r for r in view.document().lastBlock().layout().formats() if r.start == 0]
    assert fmt.length == 9


def test_claims_model_passes_the_model_tester(qtmodeltester, window):
    view = window.view
    text = view.text
    start = text.index("Illicit cyber activities")
    view.select_cp(start, start + 60)
    window.apply_label("CLAIM")
    for words in ("North Korea", "South Korea"):
        s = text.index(words)
        view.select_cp(s, s + len(words))
        window.apply_label("ENTITY")
    window.clear_current()
    s = text.index("Kuksung Nam")
    view.select_cp(s, s + 11)
    window.apply_label("SPEAKER")  # in no claim
    model = window.panel.model
    qtmodeltester.check(model)
    assert model.rowCount() == 2  # the claim, then the spans in no claim
    assert window.panel.claim_row_texts(1) == ("Spans in no claim (1)", ["Kuksung Nam"])


def test_a_project_that_cannot_be_opened_gets_a_dialog_not_a_traceback(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from annotator.gui import app as app_module

    Settings().reviewer = "alice"
    junk = tmp_path / "junk.annotator.db"
    junk.write_bytes(b"not a database" * 20)
    shown = []

    def close_box():
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        shown.append(box.text())
        box.accept()

    QTimer.singleShot(100, close_box)
    assert app_module.run(str(junk)) == 1
    assert shown and "not an Annotator project" in shown[0]
    assert junk.read_bytes() == b"not a database" * 20


def test_a_write_that_fails_is_reported_and_the_view_stays_true_to_the_file(window, qtbot):
    view, store = window.view, window.store
    start = view.text.index("Hwang Joon-kook")
    # Another program holds the write lock: our insert times out instead of succeeding.
    import sqlite3 as sql

    store.db.execute("PRAGMA busy_timeout = 100")
    other = sql.connect(store.path, timeout=0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        view.select_cp(start, start + 15)
        window.apply_label("SPEAKER")
    finally:
        other.rollback()
        other.close()
    assert "locked" in window.messages[-1]
    assert window.saved_label.text() == "✗ not saved"
    assert store.spans(window.session.doc_id, "alice") == []
    assert view.placed == {}  # nothing is drawn that is not in the file
    assert not window.undo_action.isEnabled()  # and nothing to undo
    for box in QApplication.topLevelWidgets():
        if box.objectName() == "errorBox":
            box.close()
    window.apply_label("SPEAKER")  # the selection is still there: trying again works
    assert [(s.start, s.end) for s in store.spans(window.session.doc_id, "alice")] == [(start, start + 15)]


def test_a_thousand_claims_reach_the_view_in_batches_and_navigation_reaches_any(window, qtbot, qtmodeltester):
    from annotator.gui.claims_panel import BATCH
    from annotator.model import Claim

    paragraphs = [f"Minister {n} said {n} ships were seized." for n in range(1000)]
    text = "\n".join(paragraphs)
    spans, claims, offset = [], [], 0
    for n, paragraph in enumerate(paragraphs):
        spans += [Span(offset, offset + len(paragraph), "CLAIM", id=f"c{n}"),
                  Span(offset, offset + len(f"Minister {n}"), "SPEAKER", id=f"s{n}")]
        claims.append(Claim(span=f"c{n}", members=(f"s{n}",), id=f"k{n}"))
        offset += len(paragraph) + 1
    window.store.import_items([AnnotatedDocument(Document(id="many", title="many", text=text), "alice", spans, claims)])
    window.reload_documents()
    window.open_document("many")
    model = window.panel.model
    assert model.rowCount() == BATCH < 1000
    qtmodeltester.check(model)
    last = window.panel.claim_ids()[-1]
    window._focus_claim(last)  # as ] would, from the far end
    assert model.rowCount() == 1000
    current = window.panel.tree.currentIndex()
    assert current.row() == 999 and "Minister 999" in current.data()
