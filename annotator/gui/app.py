"""Start the app: Qt application, reviewer name, project file, main window."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from .. import project
from ..login import default_reviewer
from ..errors import AnnotatorError
from .instance_lock import claim_project
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


def ask_to_share(project_path: Path, pid: int, host: str) -> bool:
    answer = QMessageBox.question(
        None, "Annotator",
        f"{project_path.name} is already open in another copy of Annotator (process {pid} on {host}).\n\n"
        "You can open it here too: both copies save every change the moment it is made, and each "
        "shows the other's changes within a second.\n\nOpen it here as well?",
    )
    return answer == QMessageBox.StandardButton.Yes


def run(project_path: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Annotator")
    app.setOrganizationName("Annotator")
    settings = Settings()
    reviewer = ask_reviewer(settings)
    if reviewer is None:
        return 0
    target = project.default_project_path() if project_path is None else Path(project_path)
    if project_path is None:
        target.parent.mkdir(parents=True, exist_ok=True)  # the lock file goes beside the project
    go_on, lock = claim_project(target, lambda pid, host: ask_to_share(target, pid, host))
    if not go_on:
        return 0
    try:
        window = open_window(project_path, reviewer, settings)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Annotator", f"Cannot open the project:\n\n{exc}")
        return 1
    window.show()
    code = app.exec()
    window.store.close()
    if lock is not None:
        lock.unlock()
    return code
