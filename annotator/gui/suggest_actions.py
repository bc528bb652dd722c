"""The main window's suggestions (issue 11): worked out in a thread after the reviewer pauses,
drawn apart from spans (``suggestions_view``), stepped through and accepted or rejected from the
keyboard, each change an ordinary undoable edit (``annotator.suggest.edits``).

Keys: ``N`` / ``Shift+N`` next / previous suggestion (selects it and scrolls there), ``Y`` accept,
``X`` reject (both then go on to the next), ``Shift+Y`` accept every suggestion of the current
one's label in the document (one undo step), ``Ctrl+Shift+S`` hide or show them (remembered).
A label key on a suggestion's selection tags it by hand with that label, as any selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from .deferred import Deferred
from .suggest_worker import Request, SuggestionWorker
from .suggestions_view import SuggestionLayer

if TYPE_CHECKING:
    from ..suggest import Suggestion

# The engine and its edits are imported on the first request (after a pause), not before the first paint.
_live = Deferred("annotator.suggest.live")
_edits = Deferred("annotator.suggest.edits")

# Pauses before the layer is read and sent to the thread, restarted by every change or switch, so
# nothing is read (or worked out, competing with the UI thread for the interpreter) while keys come
# fast or the reviewer steps through documents.
AFTER_CHANGE_MS = 150
AFTER_OPEN_MS = 300
PROJECT_AFTER_MS = 2500  # the project's tagged strings are read only once the reviewer pauses this long
POLL_MS = 20


class SuggestActionsMixin:
    """Suggestions for ``MainWindow``: the layer, the worker, the Suggestions menu and status."""

    def _build_suggestions(self) -> None:
        self.suggested: list[Suggestion] = []  # what is shown for the open document, in text order
        self.current_suggestion: Suggestion | None = None
        self._suggest_generation = 0  # bumped by every change: older results are dropped
        self._suggest_shown_generation = -1
        self._project_reviewers: set[str] = set()  # whose project strings the thread may read
        self.suggestion_layer = SuggestionLayer(self.view)
        self.suggestion_worker = SuggestionWorker(self.store)
        self._suggest_timer = self._single_shot(AFTER_CHANGE_MS, self._request_suggestions)
        self._project_timer = self._single_shot(PROJECT_AFTER_MS, self._want_project_strings)
        self._suggest_poll = QTimer(self)
        self._suggest_poll.setInterval(POLL_MS)
        self._suggest_poll.timeout.connect(self._poll_suggestions)
        self.suggestion_label = QLabel(self)
        self.suggestion_label.setObjectName("suggestionLabel")
        self.statusBar().insertPermanentWidget(1, self.suggestion_label)  # after the document label, before the claim label
        self._build_suggestion_menu()
        visible = self.settings.show_suggestions
        self.show_suggestions_action.setChecked(visible)
        self.suggestion_layer.setVisible(visible)
        self.session.changed.connect(self._suggestions_after_change)
        self.view.selectionChanged.connect(self.suggestion_worker.touch)
        self._update_suggestion_status()

    def _single_shot(self, ms: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def _build_suggestion_menu(self) -> None:
        bar = self.menuBar()
        help_action = next((a for a in bar.actions() if a.text() == "&Help"), None)
        menu = self.suggestions_menu = bar.addMenu("S&uggestions")
        if help_action is not None:
            bar.insertMenu(help_action, menu)
        self.next_suggestion_action = self._action("&Next suggestion", lambda: self.step_suggestion(1), ["N"],
                                                   "Select the next suggestion and scroll to it")
        self.prev_suggestion_action = self._action("&Previous suggestion", lambda: self.step_suggestion(-1),
                                                   ["Shift+N"])
        self.accept_suggestion_action = self._action("&Accept suggestion", self.accept_suggestion, ["Y"],
                                                     "Make the current suggestion a span (joins the current claim)")
        self.reject_suggestion_action = self._action("&Reject suggestion", self.reject_suggestion, ["X"],
                                                     "Never offer the current suggestion again")
        self.accept_label_action = self._action("Accept all of this &label", lambda: self.accept_label(), ["Shift+Y"],
                                                "Accept every suggestion of the current one's label in this document")
        for action in (self.next_suggestion_action, self.prev_suggestion_action, self.accept_suggestion_action,
                       self.reject_suggestion_action, self.accept_label_action):
            menu.addAction(action)
        self.accept_label_menu = menu.addMenu("Accept all suggestions &of…")
        for label in self.scheme:
            self.accept_label_menu.addAction(f"{label.name}", lambda _c=False, name=label.name: self.accept_label(name))
        menu.addSeparator()
        self.show_suggestions_action = self._action("&Show suggestions", self.set_suggestions_visible,
                                                    ["Ctrl+Shift+S"], "Show or hide the suggestions (remembered)")
        self.show_suggestions_action.setCheckable(True)
        menu.addAction(self.show_suggestions_action)

    # -- keeping them current ----------------------------------------------------------------

    def suggestions_stale(self) -> None:
        """A document was opened (or the layer reloaded): what is shown belongs to another state."""
        self.suggestion_worker.touch()
        self._suggest_generation += 1
        self.current_suggestion = None
        self.suggested = []
        self.suggestion_layer.show_suggestions([], None)
        self._suggest_timer.start(AFTER_OPEN_MS)
        if self.session.reviewer not in self._project_reviewers:
            self._project_timer.start()
        self._update_suggestion_status()

    def _suggestions_after_change(self, doc_id: str, _touched) -> None:
        self.suggestion_worker.touch()
        if doc_id != self.session.doc_id:
            return
        self._suggest_generation += 1
        self._suggest_timer.start(AFTER_CHANGE_MS)
        if self.session.reviewer not in self._project_reviewers:
            self._project_timer.start()

    def _want_project_strings(self) -> None:
        self._project_reviewers.add(self.session.reviewer)
        self._request_suggestions()

    def _request_suggestions(self) -> None:
        s = self.session
        if s.doc_id is None or not self.show_suggestions_action.isChecked():
            return
        text = self.view.text
        existing, learnt, rejected = _live.layer_now(self.store, s.doc_id, s.reviewer, text)
        self.suggestion_worker.submit(Request(self._suggest_generation, s.reviewer, s.doc_id, text, existing, learnt,
                                              rejected, s.reviewer in self._project_reviewers))
        self._suggest_poll.start()
        self._update_suggestion_status()

    def suggestions_pending(self) -> bool:
        """Whether a newer list is still to come (tests wait on this)."""
        return (self._suggest_timer.isActive() or self.suggestion_worker.busy
                or (self.show_suggestions_action.isChecked() and self.session.doc_id is not None
                    and self._suggest_shown_generation != self._suggest_generation))

    def _poll_suggestions(self) -> None:
        result = self.suggestion_worker.take()
        if not self.suggestion_worker.busy:
            self._suggest_poll.stop()
        if result is None:
            return
        if result.generation != self._suggest_generation or result.doc_id != self.session.doc_id:
            return  # made before the latest change; a newer one is on its way
        if result.error:
            self.show_status(f"Suggestions could not be worked out: {result.error}")
        self._show_suggested(result.suggestions)
        self._suggest_shown_generation = result.generation

    def _show_suggested(self, suggestions: list[Suggestion]) -> None:
        self.suggested = suggestions
        current = self.current_suggestion
        self.current_suggestion = next((x for x in suggestions if current and x.key() == current.key()), None)
        self.suggestion_layer.show_suggestions(suggestions, self.current_suggestion)
        self._update_suggestion_status()

    def set_suggestions_visible(self, visible: bool) -> None:
        self.show_suggestions_action.setChecked(visible)  # when called other than from the action
        self.settings.set_show_suggestions(visible)
        self.suggestion_layer.setVisible(visible)
        if visible:
            self.suggestions_stale()
        else:
            self.current_suggestion = None
            self._suggest_timer.stop()
        self._update_suggestion_status()

    def _stop_suggestions(self) -> None:
        for timer in (self._suggest_timer, self._project_timer, self._suggest_poll):
            timer.stop()
        self.suggestion_worker.stop()

    # -- keys --------------------------------------------------------------------------------

    def _usable(self) -> bool:
        if self.session.doc_id is None:
            return False
        if not self.show_suggestions_action.isChecked():
            self.show_status("Suggestions are hidden; Ctrl+Shift+S shows them.")
            return False
        if not self.suggested:
            self.show_status("No suggestions left in this document." if not self.suggestions_pending()
                             else "Suggestions are still being worked out.")
            return False
        return True

    def _target(self) -> Suggestion | None:
        """The suggestion under the caret (or the selection's start), else the current one: a
        click on a suggestion makes it the one the keys act on."""
        selection = self.view.selection_cp()
        caret = selection[0] if selection else self.view.map.to_cp(self.view.textCursor().position())
        current = self.current_suggestion if self.current_suggestion in self.suggested else None
        if current is not None and current.start <= caret < current.end:
            return current
        return next((x for x in self.suggested if x.start <= caret < x.end), current)

    def go_to_suggestion(self, suggestion: Suggestion | None) -> None:
        self.current_suggestion = suggestion
        self.suggestion_layer.set_current(suggestion)
        if suggestion is not None:
            self.view.select_cp(suggestion.start, suggestion.end)  # also scrolls it into view
        self._update_suggestion_status()

    def step_suggestion(self, step: int) -> None:
        if not self._usable():
            return
        items = self.suggested
        current = self.current_suggestion
        if current is not None and current in items:
            index = (items.index(current) + step) % len(items)
        else:
            selection = self.view.selection_cp()
            caret = selection[0] if selection else self.view.map.to_cp(self.view.textCursor().position())
            after = [k for k, x in enumerate(items) if x.start >= caret]
            before = [k for k, x in enumerate(items) if x.start < caret]
            if step > 0:
                index = after[0] if after else 0
            else:
                index = before[-1] if before else len(items) - 1
        self.go_to_suggestion(items[index])

    def _drop_and_advance(self, gone: list[Suggestion], after: Suggestion) -> None:
        """Take ``gone`` (and offers of their labels they overlap) off the list at once, without
        waiting for the thread, and go on to the first suggestion after ``after``."""
        def overlapped(x: Suggestion) -> bool:
            return any(x.label == g.label and x.start < g.end and g.start < x.end for g in gone)

        self.suggested = [x for x in self.suggested if x not in gone and not overlapped(x)]
        following = [x for x in self.suggested if x.key() > after.key()] or self.suggested
        self.suggestion_layer.show_suggestions(self.suggested, None)
        if following:
            self.go_to_suggestion(following[0])
        else:
            self.current_suggestion = None
            self.view.clear_selection()
            self._update_suggestion_status()

    def _acted_on(self) -> "Suggestion | None":
        """The suggestion the accept and reject keys act on, or None (with a hint) when there is none."""
        if not self._usable():
            return None
        target = self._target()
        if target is None:
            self.show_status("Go to a suggestion first (N).")
        return target

    def accept_suggestion(self) -> None:
        target = self._acted_on()
        if target is None:
            return
        s = self.session
        if self._do(_edits.AcceptSuggestions(s.doc_id, s.reviewer, (target,), join_claim=s.current_claim)) is not None:
            self._drop_and_advance([target], target)

    def reject_suggestion(self) -> None:
        target = self._acted_on()
        if target is None:
            return
        s = self.session
        if self._do(_edits.RejectSuggestion(s.doc_id, s.reviewer, target.start, target.end, target.label)) is not None:
            self._drop_and_advance([target], target)

    def accept_label(self, label: str | None = None) -> None:
        """Accept every suggestion of ``label`` (default: the current one's) in the document, one undo step."""
        if not self._usable():
            return
        target = self._target()
        label = label or (target.label if target else None)
        if label is None:
            self.show_status("Go to a suggestion first (N), or pick a label in Suggestions > Accept all suggestions of.")
            return
        chosen = [x for x in self.suggested if x.label == label]
        if not chosen:
            self.show_status(f"No {label} suggestions in this document.")
            return
        s = self.session
        if self._do(_edits.AcceptSuggestions(s.doc_id, s.reviewer, tuple(chosen))) is not None:
            self.show_status(f"Accepted {len(chosen)} {label} suggestion{'s' if len(chosen) != 1 else ''}.")
            self._drop_and_advance(chosen, target or chosen[0])

    def _update_suggestion_status(self) -> None:
        if not self.show_suggestions_action.isChecked():
            text = "Suggestions hidden"
        elif self.session.doc_id is None:
            text = ""
        elif not self.suggested and self._suggest_shown_generation != self._suggest_generation:
            text = "Suggestions: …"
        elif not self.suggested:
            text = "No suggestions left"
        else:
            text = f"{len(self.suggested)} suggestion{'s' if len(self.suggested) != 1 else ''} left · N next · Y/X"
        self.suggestion_label.setText(text)
