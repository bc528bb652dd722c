"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every call of a void method and
aborts after a few thousand calls (Fatal Python error: none_dealloc). pyproject.toml pins around
it; this test fails if a broken build slips back in."""

import subprocess
import sys
import textwrap


def test_void_qt_calls_keep_none_alive():
    code = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QObject
        from PySide6.QtWidgets import QApplication, QPlainTextEdit
        app = QApplication([])
        edit = QPlainTextEdit()
        obj = QObject()
        before = sys.getrefcount(None)
        for i in range(20_000):
            obj.setObjectName("x")      # void C++ method
            edit.setReadOnly(i % 2 == 0)  # void C++ method on a widget
        after = sys.getrefcount(None)
        print("alive", before, after)
        assert after >= before - 100, (before, after)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "alive" in result.stdout
