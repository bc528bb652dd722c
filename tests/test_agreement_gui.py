"""Review > Agreement…: the window over bratiaa's example project, driven offscreen."""

from __future__ import annotations

import gc
import json
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.agreement import compute_agreement, report_to_json
from annotator.gui import agreement_window as aw
from annotator.gui import agreement_worker
from annotator.gui.agreement_window import AgreementWindow, DocumentScoresModel, score_color
from annotator.model import AnnotatedDocument, Document, Span
from annotator.project import agreement_inputs, import_files, open_project

from .conftest import FIXTURES_DIR

BRATIAA = FIXTURES_DIR / "bratiaa" / "example-files" / "example-project"
REVIEWERS = ["Lisa", "Maria", "Max", "Peter"]
LABEL_MEANS = {"LOC": 0.8191061, "MISC": 0.84004593, "ORG": 0.9059579, "PER": 0.93782234}

needs_bratiaa = pytest.mark.skipif(not BRATIAA.is_dir(), reason="bratiaa's example project is not beside the repo")


@pytest.fixture
def bratiaa_path(tmp_path):
    path = tmp_path / "bratiaa.annotator.db"
    store = open_project(path)
    try:
        import_files(store, [BRATIAA], format="brat", annotator="x")
    finally:
        store.close()
    return path


def reference(path, annotators=None, labels=None):
    store = open_project(path)
    try:
        layers, lengths = agreement_inputs(store)
    finally:
        store.close()
    return report_to_json(compute_agreement(layers, lengths, annotators=annotators, labels=labels))


def open_window(qtbot, path, **kwargs):
    """Show the window and wait for the computation it starts on opening."""
    window = AgreementWindow(path, **kwargs)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.computed, timeout=20000):
        window.show()
    return window


def matrix_cells(window):
    """{(row name, column name): (text, value)} for every off-diagonal cell."""
    m = window.matrix
    names = [m.horizontalHeaderItem(c).text() for c in range(m.columnCount())]
    assert names == [m.verticalHeaderItem(r).text() for r in range(m.rowCount())]
    return {
        (names[r], names[c]): (m.item(r, c).text(), m.item(r, c).data(Qt.ItemDataRole.UserRole))
        for r in range(m.rowCount())
        for c in range(m.columnCount())
        if r != c
    }


def label_rows(window):
    t = window.label_table
    return {
        t.item(r, 0).text(): [t.item(r, c).text() for c in range(1, t.columnCount())] for r in range(t.rowCount())
    }


def set_checked(check_list, keys):
    check_list.set_checked(keys)
    assert check_list.checked() == [k for k in check_list.keys() if k in set(keys)]


# ---------------------------------------------------------------------------------------------


@needs_bratiaa
def test_opens_with_everything_chosen_and_shows_the_reference_figures(qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    assert window.objectName() == "agreementWindow"
    assert window.reviewers.checked() == REVIEWERS
    assert window.labels.checked() == ["PER", "LOC", "ORG", "MISC"]  # the scheme's order
    assert len(window.documents.checked()) == 7
    expected = reference(bratiaa_path)
    assert report_to_json(window.report) == expected

    # Six pairs, each shown twice (the matrix is symmetric) with the value of the JSON report.
    cells = matrix_cells(window)
    assert len(cells) == 12
    pairs = {(p["a"], p["b"]): p["f1_exact"] for p in expected["pairs"]}
    assert len(pairs) == 6
    for (a, b), value in pairs.items():
        for key in ((a, b), (b, a)):
            text, shown = cells[key]
            assert shown == pytest.approx(value, abs=1e-12)
            assert text == f"{value:.3f}"
        row, column = REVIEWERS.index(a), REVIEWERS.index(b)
        assert window.matrix.item(row, column).background().color() == score_color(value)
    assert window.matrix.item(0, 0).text() == "—"

    rows = label_rows(window)
    assert list(rows) == ["LOC", "MISC", "ORG", "PER"]
    for label, mean in LABEL_MEANS.items():
        assert rows[label][0].startswith(f"{mean:.3f} ± ")
        summary = expected["per_label"][label]
        assert rows[label][0] == f"{summary['f1_exact_mean']:.3f} ± {summary['f1_exact_sd']:.3f}"
        assert rows[label][1:] == [
            f"{summary[key]:.3f}" for key in ("f1_overlap_mean", "kappa_mean", "alpha_u")
        ]
    assert rows["LOC"][0].startswith("0.819")
    assert "0.890 ± 0.053" in window.overall_label.text()
    assert "7 document(s), 4 reviewer(s), 4 label(s)" in window.status_label.text()
    assert not window.progress_bar.isVisible() and not window.cancel_button.isVisible()


@needs_bratiaa
def test_document_list_is_sorted_worst_first_with_titles(qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    model = window.document_model
    assert model.rowCount() == 7
    ids = [model.doc_id(r) for r in range(7)]
    expected = [d["doc"] for d in reference(bratiaa_path)["per_document"]]
    assert ids == expected
    means = [window.report.per_document[r].f1_exact_mean for r in range(7)]
    assert means == sorted(means)
    assert ids[0] == "esp.train-doc-100"  # bratiaa's worst document
    shown = [float(model.index(r, 1).data()) for r in range(7)]
    assert shown == sorted(shown)
    assert model.index(0, 0).data() == "Por Viruca Atanes Madrid, 24 may (EFE)."
    assert model.index(0, 0).data(Qt.ItemDataRole.UserRole) == "esp.train-doc-100"
    assert model.index(0, 4).data() == "4"


@needs_bratiaa
def test_double_click_on_a_document_emits_its_id(qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    table = window.document_table
    qtbot.waitExposed(window)
    row = 2
    rect = table.visualRect(window.document_model.index(row, 0))
    with qtbot.waitSignal(window.document_activated, timeout=2000) as blocker:
        # A real double-click: Qt 6's QTest.mouseDClick sends only the second press.
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [window.document_model.doc_id(row)]
    assert blocker.args[0] == reference(bratiaa_path)["per_document"][row]["doc"]


@needs_bratiaa
def test_deselecting_reviewers_and_recomputing_changes_the_matrix(qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    before = matrix_cells(window)
    set_checked(window.reviewers, ["Lisa", "Max", "Peter"])
    with qtbot.waitSignal(window.computed, timeout=20000):
        qtbot.mouseClick(window.compute_button, Qt.MouseButton.LeftButton)
    after = matrix_cells(window)
    assert window.matrix.rowCount() == window.matrix.columnCount() == 3
    assert len(after) == 6  # three pairs, both ways
    assert {a for a, _ in after} == {"Lisa", "Max", "Peter"}
    assert after != before
    assert report_to_json(window.report) == reference(bratiaa_path, annotators=["Lisa", "Max", "Peter"])
    for key, cell in after.items():
        assert cell == before[key]  # the remaining pairs keep their figures

    # Labels and documents narrow the study too.
    set_checked(window.labels, ["PER"])
    window.documents.set_all(False)
    set_checked(window.documents, ["esp.train-doc-100", "esp.train-doc-46"])
    with qtbot.waitSignal(window.computed, timeout=20000):
        window.compute()
    assert list(label_rows(window)) == ["PER"]
    assert window.document_model.rowCount() == 2
    assert window.report.annotators == ["Lisa", "Max", "Peter"]


@needs_bratiaa
def test_all_and_none_buttons_and_the_filter(qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    docs = window.documents
    qtbot.mouseClick(docs.none_button, Qt.MouseButton.LeftButton)
    assert docs.checked() == []
    docs.filter.setText("doc-4")  # ids match as well as titles
    visible = [item.data(Qt.ItemDataRole.UserRole) for item in docs.items() if not item.isHidden()]
    assert visible == ["esp.train-doc-423", "esp.train-doc-46"]
    qtbot.mouseClick(docs.all_button, Qt.MouseButton.LeftButton)
    assert docs.checked() == visible
    docs.filter.clear()
    qtbot.mouseClick(docs.all_button, Qt.MouseButton.LeftButton)
    assert len(docs.checked()) == 7
    assert window.request().doc_ids is None  # everything: the domain's default


def two_reviewers_apart(path):
    """Alice and Bob never annotate the same document: nothing to compare."""
    store = open_project(path)
    try:
        texts = {"d1": "Alpha said beta.", "d2": "Gamma said delta.", "d3": "Nobody said anything."}
        items = [
            AnnotatedDocument(Document(id="d1", title="One", text=texts["d1"]), "alice", [Span(0, 5, "SPEAKER")]),
            AnnotatedDocument(Document(id="d2", title="Two", text=texts["d2"]), "bob", [Span(0, 5, "SPEAKER")]),
            # Both have a layer here but neither marked anything: F1 is 0/0.
            AnnotatedDocument(Document(id="d3", title="Three", text=texts["d3"]), "alice", []),
            AnnotatedDocument(Document(id="d3", title="Three", text=texts["d3"]), "bob", []),
        ]
        store.import_items(items)
    finally:
        store.close()


def test_undefined_figures_read_na_never_0_or_1(qtbot, tmp_path):
    path = tmp_path / "apart.annotator.db"
    two_reviewers_apart(path)
    window = open_window(qtbot, path)
    assert window.report.pairs[0].f1_exact is None
    cells = matrix_cells(window)
    assert cells == {("alice", "bob"): ("n/a", None), ("bob", "alice"): ("n/a", None)}
    item = window.matrix.item(0, 1)
    assert item.background().color() == aw.NA_BACKGROUND
    assert item.foreground().color() == aw.NA_FOREGROUND
    rows = label_rows(window)
    assert rows == {"SPEAKER": ["n/a", "n/a", "n/a", "n/a"]}
    model = window.document_model
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == ["n/a"] * 3
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole).color() == aw.NA_BACKGROUND
    assert "F1 exact n/a" in window.overall_label.text()
    for text in [c[0] for c in cells.values()] + [v for row in rows.values() for v in row]:
        assert text not in {"0", "1", "0.000", "1.000"}


def test_fewer_than_two_reviewers_says_so(qtbot, tmp_path):
    path = tmp_path / "apart.annotator.db"
    two_reviewers_apart(path)
    window = open_window(qtbot, path)
    set_checked(window.reviewers, ["alice"])
    with qtbot.waitSignal(window.computed, timeout=20000):
        window.compute()
    assert window.matrix.rowCount() == 1 and window.matrix.item(0, 0).text() == "—"
    assert "at least two reviewers" in window.status_label.text()


@needs_bratiaa
def test_cancel_reports_cancelled_quietly_and_the_window_stays_usable(qtbot, bratiaa_path, monkeypatch):
    window = open_window(qtbot, bratiaa_path)
    shown = report_to_json(window.report)
    loaded = threading.Event()
    release = threading.Event()
    real_inputs = agreement_worker.agreement.agreement_inputs

    def slow_inputs(store, doc_ids=None):
        result = real_inputs(store, doc_ids)
        loaded.set()
        assert release.wait(10)
        return result

    monkeypatch.setattr(agreement_worker.agreement, "agreement_inputs", slow_inputs)
    set_checked(window.reviewers, ["Lisa", "Maria"])
    window.compute()
    assert window.progress_bar.isVisible() and window.cancel_button.isVisible()
    assert window.status_label.text() == "Computing…"
    assert loaded.wait(10)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert window.status_label.text() == "Cancelling…"
    release.set()  # the layers arrive; compute_agreement sees the cancel before the first document
    with qtbot.waitSignal(window.computation_cancelled, timeout=20000):
        pass
    assert window.status_label.text().startswith("Cancelled")
    assert not window.progress_bar.isVisible()
    assert window.findChild(QMessageBox) is None  # no error box
    assert report_to_json(window.report) == shown  # the previous figures stay
    qtbot.waitUntil(lambda: not window._threads)

    monkeypatch.setattr(agreement_worker.agreement, "agreement_inputs", real_inputs)
    with qtbot.waitSignal(window.computed, timeout=20000):
        window.compute()
    assert window.report.annotators == ["Lisa", "Maria"]
    assert window.matrix.rowCount() == 2


@needs_bratiaa
def test_a_new_computation_replaces_a_running_one(qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    cancelled = []
    window.computation_cancelled.connect(lambda: cancelled.append(True))
    set_checked(window.reviewers, ["Lisa", "Maria"])
    window.compute()
    set_checked(window.reviewers, ["Max", "Peter"])
    with qtbot.waitSignal(window.computed, timeout=20000) as blocker:
        window.compute()
    assert blocker.args[0].annotators == ["Max", "Peter"]
    qtbot.waitUntil(lambda: not window._threads)
    assert window.report.annotators == ["Max", "Peter"]
    assert cancelled == []  # the replaced run goes quietly


@needs_bratiaa
def test_closing_while_computing_stops_the_thread(qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    window.compute()
    threads = list(window._threads.values())
    assert threads
    window.close()
    assert all(t.isFinished() for t in threads)
    assert window._threads == {}


@needs_bratiaa
def test_destroying_the_window_while_computing_is_safe(qtbot, bratiaa_path):
    window = AgreementWindow(bratiaa_path)  # no qtbot.addWidget: nothing else holds it
    window.show()  # starts the computation
    threads = list(window._threads.values())
    assert threads and not threads[0].isFinished()
    del window
    gc.collect()  # the window is gone, its thread is not: the reaper holds it
    assert threads[0].is_cancelled()
    qtbot.waitUntil(lambda: not agreement_worker._reaper._threads, timeout=20000)
    assert all(t.isFinished() for t in threads)


def test_opening_again_reads_the_project_again_and_recomputes(qtbot, tmp_path):
    path = tmp_path / "apart.annotator.db"
    two_reviewers_apart(path)
    window = open_window(qtbot, path)
    set_checked(window.reviewers, ["alice"])
    window.close()
    store = open_project(path)
    try:
        text = store.document("d1").text
        store.import_items([AnnotatedDocument(Document(id="d1", title="One", text=text), "carol", [Span(0, 5, "SPEAKER")])])
    finally:
        store.close()
    with qtbot.waitSignal(window.computed, timeout=20000) as blocker:
        window.show()
    assert window.reviewers.keys() == ["alice", "bob", "carol"]
    assert window.reviewers.checked() == ["alice", "carol"]  # choices kept, newcomers chosen
    assert blocker.args[0].annotators == ["alice", "carol"]
    assert matrix_cells(window)[("alice", "carol")] == ("1.000", 1.0)


def test_a_failure_is_shown_in_a_box(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "apart.annotator.db"
    two_reviewers_apart(path)
    window = open_window(qtbot, path)

    def broken(store, doc_ids=None):
        raise aw.AnnotatorError("the disk is on fire")

    monkeypatch.setattr(agreement_worker.agreement, "agreement_inputs", broken)
    with qtbot.waitSignal(window.computation_failed, timeout=20000) as blocker:
        window.compute()
    assert "on fire" in blocker.args[0]
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and "on fire" in box.text()
    box.close()


@needs_bratiaa
def test_save_and_copy_json(qtbot, bratiaa_path, tmp_path):
    window = open_window(qtbot, bratiaa_path)
    out = tmp_path / "agreement.json"
    assert window.save_json(out)
    assert json.loads(out.read_text(encoding="utf-8")) == reference(bratiaa_path)
    window.copy_json()
    assert json.loads(QApplication.clipboard().text()) == reference(bratiaa_path)


@needs_bratiaa
def test_progress_bar_counts_documents(qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    seen = []
    window.progress_bar.valueChanged.connect(seen.append)
    with qtbot.waitSignal(window.computed, timeout=20000):
        window.compute()
    assert window.progress_bar.maximum() == 7
    assert seen and seen[-1] == 7


@needs_bratiaa
def test_layout_is_remembered(qtbot, bratiaa_path):
    from annotator.gui.settings import Settings

    settings = Settings()
    window = open_window(qtbot, bratiaa_path, settings=settings)
    window.resize(700, 500)  # within the offscreen screen, which restoreGeometry clamps to
    window.splitter.setSizes([300, 400])
    sizes = window.splitter.sizes()
    window.close()
    again = open_window(qtbot, bratiaa_path, settings=Settings())
    assert again.size() == window.size()
    assert again.splitter.sizes() == sizes


@needs_bratiaa
def test_document_scores_model_passes_qtmodeltester(qtmodeltester, qtbot, bratiaa_path):
    window = open_window(qtbot, bratiaa_path)
    qtmodeltester.check(window.document_model)
    empty = DocumentScoresModel()
    qtmodeltester.check(empty)
    empty.reset(window.report.per_document, {})
    qtmodeltester.check(empty)
    assert empty.index(0, 0).data() == empty.doc_id(0)  # no title known: the id


def test_score_colours_run_red_yellow_green():
    red, yellow, green = score_color(0.0), score_color(0.5), score_color(1.0)
    assert red.hueF() == pytest.approx(0.0, abs=0.01)
    assert yellow.hueF() == pytest.approx(1 / 6, abs=0.01)
    assert green.hueF() == pytest.approx(1 / 3, abs=0.01)
    assert score_color(-0.4) == red and score_color(1.7) == green
