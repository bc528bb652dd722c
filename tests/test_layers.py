"""The core (domain, storage, formats, metrics) must not import Qt: the GUI is a thin face over it."""

import subprocess
import sys
from pathlib import Path

import annotator

CORE = sorted(
    p for p in Path(annotator.__file__).parent.rglob("*.py") if "gui" not in p.relative_to(Path(annotator.__file__).parent).parts
)


def test_core_modules_import_no_qt():
    modules = []
    root = Path(annotator.__file__).parent.parent
    for path in CORE:
        name = ".".join(path.relative_to(root).with_suffix("").parts)
        if name.endswith("__main__"):
            continue
        modules.append(name.removesuffix(".__init__"))
    assert len(modules) >= 8
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"core modules pulled in Qt: {out}"


def test_core_sources_do_not_mention_qt_imports():
    for path in CORE:
        text = path.read_text(encoding="utf-8")
        assert "from PySide6" not in text and "import PySide6" not in text, path
