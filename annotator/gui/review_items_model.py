"""The review view's items list: one row per disagreement item, coloured by its state."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from .. import review

STATE_COLORS = {  # light backgrounds with dark text: readable on light and dark palettes alike
    review.AGREED: "#cfe3ff",
    review.DISAGREEMENT: "#ffc9c9",
    review.INCOMPLETE: "#ffe3a3",
    review.ACCEPTED: "#c3f0cf",
    review.REJECTED: "#dcdcdc",
}
STATE_TEXT = {
    review.AGREED: "agreed",
    review.DISAGREEMENT: "disagreement",
    review.INCOMPLETE: "incomplete",
    review.ACCEPTED: "accepted",
    review.REJECTED: "rejected",
}


def _snippet(text: str, start: int, end: int, limit: int = 48) -> str:
    s = " ".join(text[start:end].split())
    return s if len(s) <= limit else s[: limit - 1] + "…"



class ItemsModel(QAbstractTableModel):
    HEADERS = ("#", "State", "Kind", "Text")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[review.ReviewItem] = []
        self.text = ""
        self._rows: dict[str, int] = {}

    def reset(self, items: list[review.ReviewItem], text: str) -> None:
        self.beginResetModel()
        self.items = items
        self.text = text
        self._rows = {item.key: row for row, item in enumerate(items)}
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.items)):
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(index.row() + 1)
            if column == 1:
                return ("⟳ changed since decided" if item.changed else "") or STATE_TEXT[item.state]
            if column == 2:
                return f"{item.kind}: {item.kind_text}"
            return _snippet(self.text, item.start, item.end)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STATE_COLORS[item.state])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#111111")
        if role == Qt.ItemDataRole.ToolTipRole:
            who = ", ".join(f"{k}={len(v)}" for k, v in item.versions().items())
            extra = f"\ndecided by {item.decided_by} at {item.decided_at}" if item.decided_by else ""
            changed = "\nchanged since decided: the reviewers' spans differ from what was decided on" if item.changed else ""
            return f"{STATE_TEXT[item.state]} · {item.kind_text} · [{item.start}, {item.end})\n{who}{extra}{changed}"
        return None

    def row_of(self, key: str | None) -> int | None:
        return self._rows.get(key) if key is not None else None
