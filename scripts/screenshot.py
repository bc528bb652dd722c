"""Take the README's screenshot: the real window on a real (virtual) X screen, a seed tagged.

    xvfb-run -s "-screen 0 1400x860x24" .venv/bin/python scripts/screenshot.py docs/screenshot.png
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def tag(window, text: str, label: str, occurrence: int = 0) -> None:
    start = -1
    for _ in range(occurrence + 1):
        start = window.view.text.index(text, start + 1)
    window.view.select_cp(start, start + len(text))
    window.apply_label(label)


def main(out: str) -> None:
    tmp = tempfile.mkdtemp()
    os.environ["ANNOTATOR_HOME"] = tmp
    os.environ["ANNOTATOR_CONFIG"] = tmp
    app = QApplication(sys.argv)
    from annotator.gui.app import open_window

    window = open_window(None, "alice")
    window.resize(1400, 860)
    window.move(0, 0)
    window.show()
    tag(window, "Illicit cyber activities pose significant challenges to the global non-proliferation framework", "CLAIM")
    tag(window, "Hwang Joon-kook, South Korea’s ambassador to the United Nations", "SPEAKER")
    tag(window, "North Korea", "ENTITY", 2)
    window.clear_current()
    tag(window, "state-sponsored hacking activities fund 40% of the country’s weapons of mass destruction program", "CLAIM")
    tag(window, "U.N. expert report", "SPEAKER")
    tag(window, "40%", "FIGURE")
    tag(window, "weapons of mass destruction program", "ENTITY")
    window.panel.note.setText("Figure from the UN Panel of Experts report, March 2024")
    window.panel.note.editingFinished.emit()
    window.clear_current()
    tag(window, "South Korea", "ENTITY", 2)
    window.view.clear_selection()
    window._focus_claim(window.panel.claim_ids()[1])
    window.view.verticalScrollBar().setValue(0)

    shoot_when_drawn(app, window, out)


def shoot_when_drawn(app: QApplication, window, out: str, delay_ms: int = 1200) -> None:
    """Grab the screen where ``window`` is once the event loop has drawn it, save a PNG, quit."""

    def shoot() -> None:
        screen = QApplication.primaryScreen()
        pixmap = screen.grabWindow(0, 0, 0, window.frameGeometry().width(), window.frameGeometry().height())
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        pixmap.save(out)
        app.quit()

    QTimer.singleShot(delay_ms, shoot)
    app.exec()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png")
