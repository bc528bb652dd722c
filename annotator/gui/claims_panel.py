"""The claims panel: each claim with its statement and members, then the spans in no claim."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..model import LabelScheme, Span
from ..store import StoredClaim

CLAIM_ROLE = Qt.ItemDataRole.UserRole
SPAN_ROLE = Qt.ItemDataRole.UserRole + 1


def _snippet(text: str, limit: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ClaimsPanel(QWidget):
    claim_selected = Signal(object)  # claim id
    span_selected = Signal(object)  # span id
    detach_requested = Signal(object, object)  # claim id, span id
    attach_requested = Signal(object)  # claim id: attach the selected span to it
    note_edited = Signal(object, str)  # claim id, note

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("claimsPanel")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("claimsTree")
        self.tree.setHeaderLabels(["Claim / member", "Label"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.note_label = QLabel("Note on the current claim:", self)
        self.note = QLineEdit(self)
        self.note.setObjectName("claimNote")
        self.note.setPlaceholderText("Select a claim to write a note")
        self.note.setEnabled(False)
        self.note.editingFinished.connect(self._note_finished)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.note_label)
        layout.addWidget(self.note)
        self.detach_action = QAction("Detach from claim", self)
        self.detach_action.setShortcut(QKeySequence("Shift+A"))
        self.detach_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.detach_action.triggered.connect(self._detach_current)
        self.tree.addAction(self.detach_action)
        self._icons: dict[str, QIcon] = {}
        self._claims: list[StoredClaim] = []
        self._current_claim: int | None = None
        self._filling = False

    # -- content -----------------------------------------------------------------------------

    def show_layer(self, text: str, spans: list[Span], claims: list[StoredClaim], scheme: LabelScheme) -> None:
        by_id = {s.id: s for s in spans}
        expanded = {self._claim_of(self.tree.topLevelItem(i)) for i in range(self.tree.topLevelItemCount())
                    if self.tree.topLevelItem(i).isExpanded()}
        self._filling = True
        self.tree.clear()
        self._claims = claims
        in_claims: set = set()
        for number, claim in enumerate(claims, start=1):
            statement = by_id.get(claim.span_id)
            title = f"{number}. “{_snippet(text[statement.start:statement.end])}”" if statement else f"{number}. (no statement)"
            if claim.note:
                title += f"  ✎ {_snippet(claim.note, 30)}"
            item = QTreeWidgetItem([title, "CLAIM"])
            item.setData(0, CLAIM_ROLE, claim.id)
            item.setData(0, SPAN_ROLE, claim.span_id)
            if statement:
                item.setIcon(0, self._icon(statement.label, scheme))
                in_claims.add(statement.id)
            self.tree.addTopLevelItem(item)
            for member_id in claim.members:
                member = by_id.get(member_id)
                if member is None:
                    continue
                in_claims.add(member_id)
                child = QTreeWidgetItem([_snippet(text[member.start:member.end]), member.label])
                child.setData(0, CLAIM_ROLE, claim.id)
                child.setData(0, SPAN_ROLE, member_id)
                child.setIcon(0, self._icon(member.label, scheme))
                item.addChild(child)
            item.setExpanded(claim.id in expanded or claim.id == self._current_claim or len(claims) <= 20)
        loose = [s for s in spans if s.id not in in_claims]
        if loose:
            group = QTreeWidgetItem([f"Spans in no claim ({len(loose)})", ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(group)
            for span in loose:
                child = QTreeWidgetItem([_snippet(text[span.start:span.end]), span.label])
                child.setData(0, SPAN_ROLE, span.id)
                child.setIcon(0, self._icon(span.label, scheme))
                group.addChild(child)
            group.setExpanded(True)
        self._filling = False
        self.set_current_claim(self._current_claim)

    def _icon(self, label: str, scheme: LabelScheme) -> QIcon:
        icon = self._icons.get(label)
        if icon is None:
            found = scheme.get(label)
            pixmap = QPixmap(12, 12)
            pixmap.fill(QColor(found.color if found else "#888888"))
            icon = self._icons[label] = QIcon(pixmap)
        return icon

    def set_current_claim(self, claim_id: int | None) -> None:
        self._current_claim = claim_id
        claim = next((c for c in self._claims if c.id == claim_id), None)
        self.note.blockSignals(True)
        self.note.setEnabled(claim is not None)
        self.note.setText(claim.note if claim else "")
        self.note.blockSignals(False)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            font = item.font(0)
            font.setBold(claim_id is not None and item.data(0, CLAIM_ROLE) == claim_id)
            item.setFont(0, font)

    def claim_ids(self) -> list[int]:
        return [c.id for c in self._claims]

    def select_item_for(self, claim_id: int | None, span_id: int | None) -> None:
        """Move the tree's current item to the given claim or member without emitting signals."""
        self._filling = True
        try:
            for i in range(self.tree.topLevelItemCount()):
                top = self.tree.topLevelItem(i)
                for item in [top] + [top.child(k) for k in range(top.childCount())]:
                    if span_id is not None and item.data(0, SPAN_ROLE) == span_id and (
                        claim_id is None or item.data(0, CLAIM_ROLE) == claim_id
                    ):
                        self.tree.setCurrentItem(item)
                        return
                    if span_id is None and claim_id is not None and item is top and top.data(0, CLAIM_ROLE) == claim_id:
                        self.tree.setCurrentItem(item)
                        return
        finally:
            self._filling = False

    # -- user actions ------------------------------------------------------------------------

    @staticmethod
    def _claim_of(item: QTreeWidgetItem | None):
        return None if item is None else item.data(0, CLAIM_ROLE)

    def _current_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        if self._filling or current is None:
            return
        claim_id = current.data(0, CLAIM_ROLE)
        span_id = current.data(0, SPAN_ROLE)
        if current.parent() is None and claim_id is not None:
            self.claim_selected.emit(claim_id)
        elif span_id is not None:
            if claim_id is not None:
                self.claim_selected.emit(claim_id)
            self.span_selected.emit(span_id)

    def _detach_current(self) -> None:
        item = self.tree.currentItem()
        if item is not None and item.parent() is not None and item.data(0, CLAIM_ROLE) is not None:
            self.detach_requested.emit(item.data(0, CLAIM_ROLE), item.data(0, SPAN_ROLE))

    def _context_menu(self, pos) -> None:
        item = self.tree.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        claim_id = item.data(0, CLAIM_ROLE)
        if item.parent() is not None and claim_id is not None:
            menu.addAction(self.detach_action)
        if claim_id is not None:
            attach = menu.addAction("Attach selected span to this claim")
            attach.triggered.connect(lambda: self.attach_requested.emit(claim_id))
        if not menu.isEmpty():
            menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _note_finished(self) -> None:
        if self._current_claim is None:
            return
        claim = next((c for c in self._claims if c.id == self._current_claim), None)
        if claim is not None and self.note.text() != claim.note:
            self.note_edited.emit(claim.id, self.note.text())
