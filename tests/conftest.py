from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Third-party files the tests read, each folder with its licence (see fixtures/README.md).
FIXTURES_DIR = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "seeds"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Keep the default project and the settings of every test in its own temporary folder."""
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ANNOTATOR_CONFIG", str(tmp_path / "config"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)  # the developer's own must not steer commands
    yield


@pytest.fixture
def project_path(tmp_path) -> Path:
    return tmp_path / "project.annotator.db"


@pytest.fixture
def seeded_store(project_path):
    from annotator.project import open_project

    store = open_project(project_path, seed=True)
    yield store
    store.close()


@pytest.fixture
def window(qtbot, seeded_store):
    from annotator.gui.main_window import MainWindow
    from annotator.gui.settings import Settings

    win = MainWindow(seeded_store, "alice", Settings())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


SEED0 = "000_15135173df733d2c"


def focused(window, qtbot, *, warm: bool = False):
    """The window with keyboard focus on its article view, on seed 000 (where it opens), as a
    reviewer's key presses find it; ``warm`` also waits for the figure readers' warm-up thread."""
    from PySide6.QtWidgets import QApplication

    window.activateWindow()
    window.view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.view)
    assert window.session.doc_id == SEED0
    if warm:
        from annotator.gui.figure_support import figures_ready

        qtbot.waitUntil(figures_ready, timeout=10000)
    return window
