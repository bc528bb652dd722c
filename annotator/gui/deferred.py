"""Modules the window uses only once the reader acts (a key press, a menu), imported on first use
rather than before the window is shown.

``edits = Deferred("annotator.edits")`` stands for the module: ``edits.AddSpan(...)`` imports it
the first time (a normal import, so threads are safe) and is a dictionary look-up after that. The
window also imports them itself soon after it is first shown (``preload``), so the first key
press does not pay for them either.
"""

from __future__ import annotations

import importlib
from typing import Any


class Deferred:
    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)

    def preload(self) -> None:
        importlib.import_module(self._name)


# annotator.edits: a dozen frozen dataclasses, 10-20 ms to import (Python 3.11 compiles every
# generated method on its own); nothing before the first edit needs it.
edits = Deferred("annotator.edits")
