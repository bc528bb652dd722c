"""After an edit the window changes only what the edit changed (issue 10: a key press must not cost
more on a full claims panel or a long article): the claims panel inserts or removes the one row,
the article view restyles the span's block and repaints only it. Each check compares with what a
fresh fill shows, so an incremental step that drifts from the stored layer fails here."""

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QApplication

from annotator import edits
from annotator.gui.claims_model import ClaimsModel


def _rows(model) -> list:
    """Everything the model shows: each top row's cells, then each child's cells."""
    model.load_through(len(model.groups) - 1)
    out = []
    for row in range(model.rowCount()):
        top = model.index(row, 0)
        cells = (top.data(), model.index(row, 1).data(), top.data(Qt.ItemDataRole.ToolTipRole))
        children = [(model.index(k, 0, top).data(), model.index(k, 1, top).data(),
                     model.index(k, 0, top).data(Qt.ItemDataRole.ToolTipRole))
                    for k in range(model.rowCount(top))]
        out.append((cells, children))
    return out


def _fresh(window) -> list:
    """What the panel would show if it were filled anew from the store."""
    s = window.session
    model = ClaimsModel()
    model.reading_of = window.span_reading
    model.reset(window.view.text, window.store.span_rows(s.doc_id, s.reviewer),
                window.store.claims(s.doc_id, s.reviewer), window.scheme)
    return _rows(model)


def _shown_is_fresh(widget) -> bool:
    """Whether the pixels on screen (the offscreen platform's backing store: what was painted and
    flushed) are what painting the widget anew gives: false when a change was not repainted."""
    for _ in range(3):
        QApplication.processEvents()
    top = widget.mapTo(widget.window(), QPoint(0, 0))
    shown = widget.screen().grabWindow(widget.window().winId(), top.x(), top.y(), widget.width(), widget.height())
    shown = shown.toImage()
    return shown == widget.grab().toImage().convertToFormat(shown.format())


def _tag(window, words, label, occurrence=0):
    text = window.view.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(words, start + 1)
    window.view.select_cp(start, start + len(words))
    window.apply_label(label)
    return window.session.selected_span


def test_every_edit_leaves_the_panel_as_a_fresh_fill_would(window, qtbot, qtmodeltester):
    from annotator.gui.figure_support import figures_ready

    qtbot.waitUntil(figures_ready, timeout=10000)
    # the window repaints the whole panel when it hears of it: not during the checks below
    # (the warm-up starts shortly after the window is shown; the readers may be warm already)
    qtbot.waitUntil(lambda: window.figure_warmup is not None and not window.figure_warmup._timer.isActive())
    model = window.panel.model
    qtmodeltester.check(model)  # and it keeps watching every insertion and removal that follows
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    s = window.session
    checks = 0

    def check():
        nonlocal checks
        assert _rows(model) == _fresh(window)
        assert _shown_is_fresh(window.panel.tree.viewport())
        checks += 1

    claim_span = _tag(window, "Illicit cyber activities", "CLAIM")
    claim_id = s.current_claim
    check()
    resets.clear()
    _tag(window, "North Korea", "ENTITY")  # joins the current claim
    check()
    _tag(window, "South Korea", "ENTITY")
    check()
    window.clear_current()
    loose = _tag(window, "Hwang Joon-kook", "SPEAKER")  # in no claim: the group appears (a reset)
    check()
    resets.clear()
    second = _tag(window, "Kuksung Nam", "SPEAKER")  # one more in no claim
    check()
    window.apply_label("FIGURE")  # relabel the selected span
    check()
    window._do(edits.Attach(s.doc_id, claim_id, loose))
    check()
    window._do(edits.Detach(s.doc_id, claim_id, loose))
    check()
    window._do(edits.SetNote(s.doc_id, claim_id, "checked against the ministry's release"))
    check()
    s.select_span(second)
    window.delete_selected_span()
    check()
    assert not resets, "edits within the same claims must not reset the panel"
    assert window.panel.tree.repaints_narrowed >= 5  # and each of them repainted only the rows below
    for _ in range(4):
        window.undo_action.trigger()
        check()
    for _ in range(2):
        window.redo_action.trigger()
        check()
    s.select_span(claim_span)
    window.delete_selected_span()  # the claim goes with its statement: a reset, still the same rows
    check()
    assert checks == 17


def test_a_figure_reading_edited_shows_in_its_row(window, qtbot):
    from annotator.figures import edited
    from annotator.gui.figure_support import figures_ready

    qtbot.waitUntil(figures_ready, timeout=10000)  # readings are shown once the readers are loaded
    s = window.session
    span_id = _tag(window, "40%", "FIGURE")
    model = window.panel.model
    _rows(model)  # the reading is read (and kept) for the row shown
    attrs = window.store.span(span_id)[2].attrs
    window._do(edits.SetFigure(s.doc_id, span_id, edited(attrs["figure"], value=55)))
    assert _rows(model) == _fresh(window)
    assert _shown_is_fresh(window.panel.tree.viewport())
    assert any(child[0] == "40%  =  55%  ✎" for _cells, children in _rows(model) for child in children)


def test_tagging_keeps_the_panel_scrolled_and_closed_rows_closed(window, qtbot):
    text = window.view.text
    words = sorted({w for w in text.split() if w.isalpha() and len(w) > 5})[:80]
    assert len(words) == 80
    for word in words:  # enough spans in no claim to scroll the panel
        _tag(window, word, "ENTITY")
        window.clear_current()
    tree = window.panel.tree
    model = window.panel.model
    assert len(model.groups[-1].members) == 80
    qtbot.waitUntil(lambda: tree.verticalScrollBar().maximum() > 0)
    bar = tree.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    value = bar.value()
    _tag(window, "Hwang Joon-kook", "SPEAKER")
    qtbot.wait(20)  # the tree lays itself out on a timer
    assert bar.value() == value
    loose_row = len(model.groups) - 1
    tree.setExpanded(model.index(loose_row, 0), False)
    window.clear_current()
    _tag(window, "Kuksung Nam", "SPEAKER")
    assert not tree.isExpanded(model.index(loose_row, 0))
    assert _rows(model) == _fresh(window)


class _Paints(QObject):
    def __init__(self, widget):
        super().__init__()
        self.rects = []
        widget.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def test_a_new_span_repaints_its_block_not_the_article(window, qtbot):
    view = window.view
    s = window.session
    qtbot.wait(20)
    viewport = view.viewport()
    paints = _Paints(viewport)
    text = view.text
    start = text.index("South Korea")
    view.select_cp(start, start + len("South Korea"))
    qtbot.wait(20)
    paints.rects.clear()
    window.apply_label("ENTITY")
    qtbot.wait(20)
    assert paints.rects, "the new span was not drawn"
    assert all(r.height() < viewport.height() // 2 for r in paints.rects), [r for r in paints.rects]
    # and what is drawn is what the highlighter would give the block from scratch
    span = window.store.span(s.selected_span)[2]
    block = view.document().findBlock(view.map.to_qt(span.start))
    qt_start = view.map.to_qt(span.start) - block.position()
    formats = [(r.start, r.length, r.format.background().color().name()) for r in block.layout().formats()]
    assert any(a <= qt_start < a + n for a, n, _c in formats)
    mine = sorted(formats)
    view._formatted.discard(block.blockNumber())
    view.highlighter.allowed = {block.blockNumber()}
    view.highlighter.rehighlightBlock(block)
    view.highlighter.allowed = set()
    view._formatted.add(block.blockNumber())
    assert sorted((r.start, r.length, r.format.background().color().name()) for r in block.layout().formats()) == mine



def test_what_the_article_shows_after_each_edit_is_what_a_fresh_paint_shows(window, qtbot):
    QApplication.setCursorFlashTime(0)  # a blinking caret would differ between the two pictures
    try:
        view = window.view
        qtbot.wait(20)
        steps = [
            lambda: _tag(window, "South Korea", "ENTITY"),
            lambda: _tag(window, "Hwang Joon-kook", "SPEAKER"),
            lambda: window.apply_label("FIGURE"),  # relabel the selected span
            lambda: _tag(window, "South Korea called on the international", "CLAIM"),  # over the ENTITY
            window.delete_selected_span,
            window.undo_action.trigger,
            window.undo_action.trigger,
            window.redo_action.trigger,
        ]
        for step in steps:
            step()
            assert _shown_is_fresh(view.viewport())
    finally:
        QApplication.setCursorFlashTime(1000)


def test_a_document_opened_shows_its_spans_as_a_fresh_paint_would(window, qtbot):
    QApplication.setCursorFlashTime(0)
    try:
        first = window.session.doc_id
        _tag(window, "South Korea", "ENTITY")
        other = next(window.documents.doc_id(r) for r in range(window.documents.rowCount())
                     if window.documents.doc_id(r) != first)
        window.open_document(other)
        assert _shown_is_fresh(window.view.viewport())
        window.open_document(first)  # back to the tagged one: its colours drawn at once
        assert window.view.document().findBlock(window.view.map.to_qt(window.view.text.index("South Korea"))).layout().formats()
        assert _shown_is_fresh(window.view.viewport())
        assert _shown_is_fresh(window.panel.tree.viewport())
    finally:
        QApplication.setCursorFlashTime(1000)
