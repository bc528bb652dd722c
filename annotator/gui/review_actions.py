"""The review window's menus, toolbar and shortcuts: every command is a QAction with its keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QLabel, QToolBar


class ReviewActionsMixin:
    """Builds the menus and toolbar of ``ReviewWindow``; the slots they call live on the window."""

    def _action(self, text: str, slot, keys=(), menu=None) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        if menu is not None:
            menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        menu = bar.addMenu("&Review")
        self._action("&Next open item", lambda: self.step(1), ["N"], menu)
        self._action("&Previous open item", lambda: self.step(-1), ["P"], menu)
        menu.addSeparator()
        for k in range(1, 10):
            self._action(f"Accept reviewer {k}'s version", lambda _c=False, k=k: self._key(str(k)), [str(k)],
                         menu if k <= 3 else None)
        self._action("Accept &all versions", self.accept_all, ["A"], menu)
        self._action("&Reject (nothing goes to gold)", self.reject, ["R"], menu)
        self._action("&Edit gold span by hand", lambda: self._key("E"), ["E"], menu)
        self._action("&Build gold claim from gold spans", self.build_claim, ["B"], menu)
        self._action("Cancel edit", self.cancel_edit, ["Escape"])
        taken = {"N", "P", "A", "R", "E", "B"} | {str(k) for k in range(1, 10)}
        for label in self.scheme:  # label keys for E mode (S, F, C...) that are not commands
            for key in (label.shortcut, label.alt_shortcut):
                if key and key.upper() not in taken:
                    taken.add(key.upper())
                    self._action(f"Label {label.name}", lambda _c=False, key=key: self._key(key.upper()), [key])
        menu.addSeparator()
        self.accept_agreed_action = self._action("Accept all agreed items now", self.accept_agreed, [], menu)
        self.auto_accept_action = self._action(
            "Accept agreed items automatically on first opening", self._toggle_auto_accept, [], menu
        )
        self.auto_accept_action.setCheckable(True)
        self.auto_accept_action.setChecked(self.auto_accept)
        edit = bar.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
            edit.addAction(action)

        toolbar = QToolBar("Review", self)
        toolbar.setObjectName("reviewToolbar")
        self.addToolBar(toolbar)
        self.auto_accept_box = QCheckBox("Auto-accept agreed items", self)
        self.auto_accept_box.setObjectName("autoAcceptBox")
        self.auto_accept_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.auto_accept_box.setChecked(self.auto_accept)
        self.auto_accept_box.toggled.connect(self._set_auto_accept)
        toolbar.addWidget(self.auto_accept_box)
        toolbar.addSeparator()
        self.summary_label = QLabel(self)
        self.summary_label.setObjectName("reviewSummary")
        toolbar.addWidget(self.summary_label)

    # -- the auto-accept setting, shown both in the menu and on the toolbar ---------------------

    def _set_auto_accept(self, on: bool) -> None:
        self.auto_accept = on
        self.auto_accept_action.setChecked(on)
        self.auto_accept_box.setChecked(on)
        self.auto_accept_changed.emit(on)

    def _toggle_auto_accept(self) -> None:
        self._set_auto_accept(self.auto_accept_action.isChecked())
