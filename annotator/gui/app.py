"""Start the app: Qt application, reviewer name, project file, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from .. import project
from ..cli import default_reviewer
from ..errors import AnnotatorError
from .main_window import MainWindow
from .settings import Settings


def ask_reviewer(settings: Settings) -> str | None:
    """The reviewer's name: remembered after the first run, asked for (login name offered) once."""
    name = settings.reviewer.strip()
    if name:
        return name
    name, ok = QInputDialog.getText(None, "Welcome to Annotator", "Your name as a reviewer:", text=default_reviewer())
    name = name.strip()
    if not ok or not name:
        return None
    settings.reviewer = name
    return name


def open_window(project_path: str | Path | None, reviewer: str | None = None, settings: Settings | None = None) -> MainWindow:
    settings = settings or Settings()
    store = project.open_default_project() if project_path is None else project.open_project(project_path)
    return MainWindow(store, reviewer or settings.reviewer or default_reviewer(), settings)


def run(project_path: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    settings = Settings()
    reviewer = ask_reviewer(settings)
    if reviewer is None:
        return 0
    try:
        window = open_window(project_path, reviewer, settings)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Annotator", f"Cannot open the project:\n\n{exc}")
        return 1
    window.show()
    code = app.exec()
    window.store.close()
    return code
