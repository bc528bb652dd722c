"""QUndoCommand wrapper around the plain edits of ``annotator.edits``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from ..edits import Edit
    from .session import Session


class EditCommand(QUndoCommand):
    """Holds the edit that reverses the last step; each step returns the next reverse.

    It is pushed after its first application succeeded, so its first ``redo`` (which
    ``QUndoStack.push`` calls) does nothing.
    """

    def __init__(self, session: "Session", inverse: Edit, text: str):
        super().__init__(text)
        self._session = session
        self._pending: Edit = inverse
        self._fresh = True

    def redo(self) -> None:
        if self._fresh:
            self._fresh = False
            return
        self._step()

    def undo(self) -> None:
        self._step()

    def _step(self) -> None:
        next_edit = self._session.apply_from_history(self._pending)
        if next_edit is not None:
            self._pending = next_edit
