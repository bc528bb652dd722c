"""Working with several reviewers from the main window: switching reviewer, another reviewer's
spans as an overlay, and the review and agreement windows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from ..model import GOLD


class ReviewerActionsMixin:
    """Reviewer switching, overlays, review and agreement for ``MainWindow``."""

    def switch_reviewer(self, name: str) -> None:
        name = name.strip()
        if not name or name == self.session.reviewer:
            return
        if name == GOLD:
            self.show_error("'gold' is the adjudicated layer; it is built in Review > Review disagreements.")
            return
        self.session.set_reviewer(name)
        if self.overlay_reviewer == name:
            self.overlay_reviewer = None  # one's own spans are not an overlay
        self._reload_current()
        self.show_status(f"Now annotating as {name}")

    def _switch_reviewer_dialog(self) -> None:
        names = [n for n in self.store.annotators() if n != GOLD]
        if self.session.reviewer not in names:
            names.insert(0, self.session.reviewer)
        name, ok = QInputDialog.getItem(self, "Switch reviewer", "Annotate as (pick or type a new name):",
                                        names, names.index(self.session.reviewer), True)
        if ok:
            self.switch_reviewer(name)

    def set_overlay(self, name: str | None) -> None:
        """Show another reviewer's spans faintly under this reviewer's own (None hides them)."""
        if name is not None and name == self.session.reviewer:
            self.show_status(f"{name} is the reviewer annotating now; pick another reviewer to compare.")
            return
        self.overlay_reviewer = name
        if self.session.doc_id:
            self.view.set_spans(self.store.span_rows(self.session.doc_id, self.session.reviewer), self._overlay_spans(self.session.doc_id))
        self.show_status(f"Showing {name}'s spans as dotted underlines" if name else "Other reviewer's spans hidden")

    def _overlay_dialog(self) -> None:
        names = [n for n in self.store.annotators() if n != self.session.reviewer]
        if not names:
            self.show_status("No other reviewer has annotated in this project yet.")
            return
        name, ok = QInputDialog.getItem(self, "Show another reviewer", "Reviewer:", names, 0, False)
        if ok:
            self.set_overlay(name)

    # -- review ------------------------------------------------------------------------------

    def _review_progress(self, doc_id: str):
        from ..review import review_progress

        reviewers = {a for _d, a, _done in self.store.layers(doc_id) if a != GOLD}
        return review_progress(self.store, doc_id) if len(reviewers) >= 2 else None

    def open_review(self):
        """The adjudication view for the open document; the lead is the current reviewer."""
        from .review_window import ReviewWindow

        if self.session.doc_id is None:
            return None
        reviewers = {a for _d, a, _done in self.store.layers(self.session.doc_id) if a != GOLD}
        if len(reviewers) < 2:
            self.show_status("Reviewing needs at least two reviewers' layers on this document (File > Merge reviewer files).")
            return None
        window = ReviewWindow(self.store, self.session.doc_id, self.session.reviewer, self,
                              auto_accept=self.settings.auto_accept)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.changed.connect(lambda _doc: self.documents.forget_review_progress())
        self.documents.forget_review_progress()  # opening may have accepted agreed items already
        window.auto_accept_changed.connect(self.settings.set_auto_accept)
        self.watcher.changed_elsewhere.connect(window.follow_changes_elsewhere)
        window.show()
        return window

    def show_agreement(self):
        from .agreement_window import AgreementWindow

        window = self.agreement_window
        if window is None:
            window = AgreementWindow(self.store.path, self, settings=self.settings)
            window.document_activated.connect(self._open_from_agreement)
            self.agreement_window = window
        window.show()  # computes on every opening
        window.raise_()
        window.activateWindow()
        return window

    def _open_from_agreement(self, doc_id: str) -> None:
        self.open_document(doc_id)
        self.raise_()
        self.activateWindow()
