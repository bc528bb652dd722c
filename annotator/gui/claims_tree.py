"""The claims panel's tree view: after rows come or go under a claim, it repaints from the first row
that moved down (and the rows whose data changed), not its whole viewport.

QTreeView answers any row inserted or removed under an open parent by laying every row out again
and repainting everything it shows; a full panel costs about as much to paint as the whole article
view, on every key press. The layout itself is cheap and stays; only its blanket repaint is
replaced by the rows that can have changed, as long as nothing else moved: a change of the scroll
position, of the viewport's size, a row opened or closed, a reset, or rows coming or going at the
top level give the whole repaint as before.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QTreeView, QWidget

_NO_UPDATES = Qt.WidgetAttribute.WA_UpdatesDisabled


class ClaimsTree(QTreeView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._moved: list[tuple[QPersistentModelIndex, int]] = []  # (parent, first row) since the last layout
        self._changed: list[QPersistentModelIndex] = []  # rows whose data changed meanwhile
        self._whole = False  # something happened that needs the whole repaint
        self.expanded.connect(self._repaint_whole)
        self.collapsed.connect(self._repaint_whole)
        self.repaints_narrowed = 0  # layouts followed by a narrower repaint (tests)

    def setModel(self, model) -> None:  # noqa: N802 (Qt's name)
        super().setModel(model)
        model.rowsInserted.connect(self._rows_moved)
        model.rowsRemoved.connect(self._rows_moved)
        model.dataChanged.connect(self._data_changed)
        for signal in (model.modelReset, model.layoutChanged, model.rowsMoved, model.columnsInserted,
                       model.columnsRemoved):
            signal.connect(self._repaint_whole)

    def _rows_moved(self, parent: QModelIndex, first: int, _last: int) -> None:
        if parent.isValid() and parent.column() == 0:
            self._moved.append((QPersistentModelIndex(parent), first))
        else:
            self._whole = True

    def _data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, _roles=()) -> None:
        if top_left.parent() != bottom_right.parent() or top_left.row() != bottom_right.row():
            self._whole = True
        else:
            self._changed.append(QPersistentModelIndex(top_left))

    def _repaint_whole(self, *_args) -> None:
        self._whole = True

    def viewportEvent(self, event) -> bool:  # noqa: N802
        handled = super().viewportEvent(event)
        if event.type() == event.Type.Paint:  # painting lays out what was pending: nothing is left to narrow
            self._moved, self._changed, self._whole = [], [], False
        return handled

    def changeEvent(self, event) -> None:  # noqa: N802 (fonts, styles, palettes)
        self._whole = True
        super().changeEvent(event)

    def doItemsLayout(self) -> None:  # noqa: N802
        moved, changed, whole = self._moved, self._changed, self._whole
        self._moved, self._changed, self._whole = [], [], False
        viewport, header = self.viewport(), self.header().viewport()
        if whole or not moved or not self.isVisible():
            super().doItemsLayout()
            return
        before = (self.verticalScrollBar().value(), self.horizontalScrollBar().value(), viewport.size(), header.size())
        viewport.setAttribute(_NO_UPDATES, True)
        header.setAttribute(_NO_UPDATES, True)  # the header lays out again too, and shows the same
        try:
            super().doItemsLayout()
        finally:
            viewport.setAttribute(_NO_UPDATES, False)
            header.setAttribute(_NO_UPDATES, False)
        after = (self.verticalScrollBar().value(), self.horizontalScrollBar().value(), viewport.size(), header.size())
        if after != before:  # the rows scrolled or the columns changed width: everything moved
            viewport.update()
            header.update()
            return
        region = self._moved_region(moved, changed)
        if region is None:
            viewport.update()
            return
        self.repaints_narrowed += 1
        viewport.update(region)

    def _moved_region(self, moved, changed) -> QRegion | None:
        model = self.model()
        width, height = self.viewport().width(), self.viewport().height()
        region = QRegion()

        def row_rect(index: QModelIndex) -> QRect:
            rect = self.visualRect(index)
            return QRect(0, rect.top(), width, rect.height())

        for persistent, first in moved:
            if not persistent.isValid():
                return None
            parent = model.index(persistent.row(), 0, persistent.parent())
            region += row_rect(parent)  # its count, or its open/closed mark when it gains or loses all
            count = model.rowCount(parent)
            if not self.isExpanded(parent):
                continue
            if first < count:
                top = self.visualRect(model.index(first, 0, parent)).top()
            elif count:
                top = self.visualRect(model.index(count - 1, 0, parent)).bottom() + 1
            else:
                top = self.visualRect(parent).bottom() + 1
            region += QRect(0, max(0, top), width, height)
        for persistent in changed:
            if persistent.isValid():
                region += row_rect(model.index(persistent.row(), persistent.column(), persistent.parent()))
        return region
