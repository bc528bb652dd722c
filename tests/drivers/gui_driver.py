"""The real main window in a process of its own, steered through stdin, one reply a line:

    tag START END KEY     select code points START..END in the view, press KEY (e.g. 1 or S)
    export PATH           File > Export gold dataset…, its dialogs answered (native JSONL to PATH)
    agreement             open Review > Agreement… and wait for its figures
    drawn                 how many of this reviewer's spans the view draws
    claims                how many claims the claims panel lists

Run: QT_QPA_PLATFORM=offscreen python gui_driver.py PROJECT REVIEWER
"""

import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui.main_window import MainWindow
from annotator.gui.settings import Settings
from annotator.project import open_project

KEYS = {"1": Qt.Key.Key_1, "2": Qt.Key.Key_2, "3": Qt.Key.Key_3, "4": Qt.Key.Key_4,
        "S": Qt.Key.Key_S, "F": Qt.Key.Key_F, "E": Qt.Key.Key_E, "C": Qt.Key.Key_C}


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        QApplication.processEvents()
        time.sleep(0.01)


def export_from_the_menu(window, path: str) -> None:
    """File > Export gold dataset…, its two dialogs answered as a user would (first format, the
    current reviewer; the file name typed)."""
    from annotator.gui import file_actions
    from annotator.gui.export_dialog import ExportDialog

    ExportDialog.exec = lambda self: ExportDialog.DialogCode.Accepted
    file_actions.QFileDialog.getSaveFileName = staticmethod(lambda *args, **kwargs: (path, ""))
    [action] = [a for a in window.actions() if a.text() == "&Export gold dataset…"]
    action.trigger()


def main() -> None:
    app = QApplication(sys.argv[:1])
    window = MainWindow(open_project(sys.argv[1], seed=True), sys.argv[2], Settings())
    window.show()
    window.activateWindow()
    window.view.setFocus()
    QApplication.processEvents()
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        QApplication.processEvents()
        if not words:
            continue
        command = words[0]
        if command == "tag":
            window.activateWindow()  # label keys are window shortcuts: the main window must be active
            window.view.setFocus()
            wait_for(lambda: QApplication.activeWindow() is window)
            window.view.select_cp(int(words[1]), int(words[2]))
            QTest.keyClick(window.view, KEYS[words[3]])
            QApplication.processEvents()
            print(len(window.view.own_spans()), flush=True)
        elif command == "export":
            export_from_the_menu(window, words[1])
            wait_for(lambda: not window._tasks)
            print("exported", flush=True)
        elif command == "agreement":
            agreement = window.show_agreement()
            wait_for(lambda: not agreement.is_computing())
            print("agreement", flush=True)
        elif command == "drawn":
            print(len(window.view.own_spans()), flush=True)
        elif command == "claims":
            print(len(window.panel.claim_ids()), flush=True)
        elif command == "messages":
            print(" | ".join(window.messages).replace("\n", " "), flush=True)
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
