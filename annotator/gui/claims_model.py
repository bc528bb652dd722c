"""The claims panel's item model: each claim with its statement and members, then the spans in
no claim, as ids; text is computed only for the rows Qt asks about, so a document with thousands
of claims and tens of thousands of spans opens at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap

from ..model import FIGURE, LabelScheme, Span, SpanRow
from ..store import StoredClaim
from .figure_support import reading_text

CLAIM_ROLE = Qt.ItemDataRole.UserRole
SPAN_ROLE = Qt.ItemDataRole.UserRole + 1
EXPAND_ALL_UP_TO = 50  # claims; beyond this only the current claim is opened
BATCH = 400  # top-level rows handed to the view at a time, more as it scrolls
Index = QModelIndex | QPersistentModelIndex


def _snippet(text: str, limit: int = 70) -> str:
    flat = " ".join(text[: limit * 3].split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass
class _Group:
    """A top-level row: a claim (``claim`` set) or the spans in no claim."""

    claim: StoredClaim | None
    number: int
    members: tuple[int, ...]


def _groups(spans: list[Span | SpanRow], by_id: dict, claims: list[StoredClaim]) -> list[_Group]:
    """The top-level rows: each claim with its members shown, then the spans in no claim."""
    in_claims: set = set()
    groups = []
    for number, claim in enumerate(claims, start=1):
        members = tuple(m for m in claim.members if m in by_id)
        in_claims.update(members)
        in_claims.add(claim.span_id)
        groups.append(_Group(claim, number, members))
    loose = tuple(s.id for s in spans if s.id not in in_claims)
    if loose:
        groups.append(_Group(None, 0, loose))
    return groups


def _key(group: _Group) -> int | None:
    return group.claim.id if group.claim is not None else None


class ClaimsModel(QAbstractItemModel):
    """Top-level rows are claims (then one row for the spans in no claim); children are spans.

    Top-level indexes carry internal id 0; a child carries its parent's row + 1.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.groups: list[_Group] = []
        self.text = ""
        self.spans: dict[object, Span] = {}
        self.scheme = LabelScheme()
        self.current_claim: int | None = None
        self._icons: dict[str, QIcon] = {}
        # span id -> attrs.figure, asked of ``reading_of`` (the window) for rows shown, kept until reset
        self.reading_of = None
        self._readings: dict[object, dict | None] = {}
        self._loaded = 0  # top-level rows the view knows about (Qt's incremental fetching)

    def reset(self, text: str, spans: list[Span | SpanRow], claims: list[StoredClaim], scheme: LabelScheme) -> None:
        self.beginResetModel()
        self.text = text
        self.scheme = scheme
        self.spans = {s.id: s for s in spans}
        self._readings = {}
        self.groups = _groups(spans, self.spans, claims)
        self._loaded = min(len(self.groups), BATCH)
        self.endResetModel()

    def patch(self, text: str, spans: list[Span | SpanRow], claims: list[StoredClaim], scheme: LabelScheme,
              touched: frozenset) -> bool:
        """Bring the model to what ``reset`` would make of the same layer after an edit, by inserting,
        removing and repainting only the rows that differ (``touched``: span ids whose attributes,
        such as a figure's reading, may have changed). Only when the same claims are shown in the
        same order, as after tagging, relabelling, removing, attaching or detaching a span; else
        False, with nothing changed, and the caller resets.

        A reset makes the tree forget which rows were open (and the panel open them again, row by
        row) and the view lay out every row anew; this costs what changed (the tree still repaints
        what it shows after a row comes or goes)."""
        if text is not self.text or scheme is not self.scheme:
            return False
        by_id = {s.id: s for s in spans}
        groups = _groups(spans, by_id, claims)
        if [_key(g) for g in groups] != [_key(g) for g in self.groups]:
            return False
        old_spans, self.spans = self.spans, by_id
        changed = set(touched)
        changed.update(i for i, span in by_id.items() if old_spans.get(i) != span)
        for span_id in changed:
            self._readings.pop(span_id, None)
        for row, (group, new) in enumerate(zip(self.groups, groups)):
            before = group.members
            title_changed = group.claim != new.claim or (group.claim is None and len(before) != len(new.members))
            group.claim = new.claim
            if row >= self._loaded:  # the view knows nothing of this row yet
                group.members = new.members
                continue
            top = self.index(row, 0)
            self._replace_members(top, group, new.members)
            if title_changed or (group.claim is not None and group.claim.span_id in changed):
                self.dataChanged.emit(top, self.index(row, 1))
            shown_before = set(before) & changed  # rows just inserted are painted anyway
            for k, span_id in enumerate(group.members):
                if span_id in shown_before:
                    self.dataChanged.emit(self.index(k, 0, top), self.index(k, 1, top))
        return True

    def _replace_members(self, top: QModelIndex, group: "_Group", members: tuple[int, ...]) -> None:
        """Replace the stretch between the common start and end of the old and new member lists:
        one insertion or removal for the usual edit."""
        old = group.members
        head = 0
        while head < len(old) and head < len(members) and old[head] == members[head]:
            head += 1
        tail = 0
        while tail < len(old) - head and tail < len(members) - head and old[-1 - tail] == members[-1 - tail]:
            tail += 1
        if len(old) - tail > head:
            self.beginRemoveRows(top, head, len(old) - tail - 1)
            group.members = old[:head] + old[len(old) - tail:]
            self.endRemoveRows()
        if len(members) - tail > head:
            self.beginInsertRows(top, head, len(members) - tail - 1)
            group.members = members
            self.endInsertRows()

    # A long article has thousands of claims; laying all of them out costs a Python call per row,
    # so the view gets them in batches as it scrolls (and on demand when one is navigated to).

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self._loaded < len(self.groups)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802
        if parent.isValid():
            return
        self.load_through(min(len(self.groups), self._loaded + BATCH) - 1)

    def load_through(self, row: int) -> None:
        """Make top-level rows up to ``row`` known to the view."""
        if row < self._loaded:
            return
        last = min(row, len(self.groups) - 1)
        self.beginInsertRows(QModelIndex(), self._loaded, last)
        self._loaded = last + 1
        self.endInsertRows()

    def set_current_claim(self, claim_id: int | None) -> None:
        old, self.current_claim = self.current_claim, claim_id
        for row, group in enumerate(self.groups[: self._loaded]):
            if group.claim is not None and group.claim.id in (old, claim_id):
                index = self.index(row, 0)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.FontRole])

    def claim_row(self, claim_id: int) -> int | None:
        """The claim's top-level row, made known to the view if it was not yet."""
        row = next((r for r, g in enumerate(self.groups) if g.claim is not None and g.claim.id == claim_id), None)
        if row is not None:
            self.load_through(row)
        return row

    # -- QAbstractItemModel ------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        if not parent.isValid():
            return self._loaded
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.groups[parent.row()].members)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ("Claim / member", "Label")[section] if 0 <= section < 2 else None
        return None

    _FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # asked for every row shown

    def flags(self, index: Index) -> Qt.ItemFlag:
        return self._FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def _span_of(self, index: Index) -> Span | None:
        if index.internalId() == 0:
            group = self.groups[index.row()]
            return self.spans.get(group.claim.span_id) if group.claim is not None else None
        group = self.groups[index.internalId() - 1]
        return self.spans.get(group.members[index.row()]) if index.row() < len(group.members) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        top = index.internalId() == 0
        group = self.groups[index.row()] if top else self.groups[index.internalId() - 1]
        span = self._span_of(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 1:
                return "CLAIM" if top and group.claim is not None else (span.label if span and not top else "")
            if top and group.claim is None:
                return f"Spans in no claim ({len(group.members)})"
            if top:
                title = f"{group.number}. “{_snippet(self.text[span.start:span.end])}”" if span else f"{group.number}. (no statement)"
                if group.claim.note:
                    title += f"  ✎ {_snippet(group.claim.note, 30)}"
                return title
            if span is None:
                return ""
            reading = self.reading(span)
            return _snippet(self.text[span.start:span.end]) + (f"  =  {reading}" if reading else "")
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0 and span is not None:
            return self._icon(span.label)
        if role == Qt.ItemDataRole.FontRole and top and group.claim is not None and group.claim.id == self.current_claim:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and span is not None:
            reading = self.reading(span)
            return f"{span.label}: {self.text[span.start:span.end][:400]}" + (f"\nreading: {reading}" if reading else "")
        if role == CLAIM_ROLE:
            return group.claim.id if group.claim is not None else None
        if role == SPAN_ROLE:
            return span.id if span is not None else None
        return None

    def reading(self, span: Span | SpanRow) -> str:
        """A FIGURE span's reading as shown ("≈ 3,000,000,000 USD"); empty for other spans."""
        if span.label != FIGURE or self.reading_of is None:
            return ""
        if span.id not in self._readings:
            self._readings[span.id] = self.reading_of(span.id)
        return reading_text(self._readings[span.id])

    def _icon(self, label: str) -> QIcon:
        icon = self._icons.get(label)
        if icon is None:
            found = self.scheme.get(label)
            pixmap = QPixmap(12, 12)
            pixmap.fill(QColor(found.color if found else "#888888"))
            icon = self._icons[label] = QIcon(pixmap)
        return icon
