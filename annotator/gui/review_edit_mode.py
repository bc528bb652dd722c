"""The review window's hand-edit mode (``E``): the lead adjusts a gold span, then labels it with a key."""

from __future__ import annotations

from .. import review
from ..offsets import trim_whitespace


class HandEditMixin:
    """The edit mode of ``ReviewWindow``; decisions and refreshing live on the window."""

    def _label_for_key(self, key: str) -> str | None:
        for label in self.scheme:
            if key in {(label.shortcut or "").upper(), (label.alt_shortcut or "").upper()} - {""}:
                return label.name
        return None

    def start_edit(self) -> None:
        """E: select the current item's gold span (or its extent) for the lead to adjust."""
        item = self.current_item
        if item is None:
            return
        in_item = review.item_gold(self.gold, item)
        if self.edit_target is None or self.edit_target not in {g.id for g in in_item}:
            self.edit_target = in_item[0].id if in_item else None
        target = next((g for g in in_item if g.id == self.edit_target), None)
        start, end = (target.start, target.end) if target else (item.spans[0].start, item.spans[0].end) if item.spans \
            else (item.start, item.end)
        self.edit_mode = True
        self.view.select_cp(start, end)
        self.view.setFocus()
        self.view.show_item((item.start, item.end), self.edit_target)
        what = f"the gold {target.label} span" if target else "a new gold span"
        self.show_status(f"Editing {what}: adjust the selection (Shift+arrows or mouse), then press a label key.")
        self._update_summary()

    def edit_label(self, label: str) -> None:
        selection = self.view.selection_cp()
        if selection is None:
            self.show_status("Select the gold span's text first, then press a label key.")
            return
        start, end = trim_whitespace(self.view.text, *selection)
        if start >= end:
            self.show_status("The selection holds only white space.")
            return
        item = self.current_item
        edit = review.EditGold(self.doc_id, start, end, label, self.lead,
                               item.key if item is not None else None, self.edit_target)
        self._leave_edit()
        self.view.clear_selection()
        self._decide(edit)

    def cancel_edit(self) -> None:
        self._leave_edit()
        self.view.clear_selection()
        self._show_current()

    def _leave_edit(self) -> None:
        if self.edit_mode or self.edit_target is not None:
            self.edit_mode = False
            self.edit_target = None
            self._update_summary()

    def _on_span_clicked(self, span_id) -> None:
        """A click on a gold span makes it the one E edits."""
        self.edit_target = span_id
        item = self.current_item
        self.view.show_item((item.start, item.end) if item else None, span_id)
