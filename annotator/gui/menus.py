"""The main window's menus, toolbar and shortcuts: every command is a QAction with its keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import QToolBar

from ..model import Label


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class MenusMixin:
    """Builds the menus of ``MainWindow``; the slots they call live on the window."""

    def _action(self, text: str, slot, shortcuts=(), tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self._action("&Import…", self._import_dialog, [QKeySequence.StandardKey.Open], "Import documents and annotations"))
        file_menu.addAction(self._action("Import &brat folder…", self._import_folder_dialog, [], "Import a brat standoff folder"))
        file_menu.addAction(self._action("&Merge reviewer files…", self._merge_dialog, [], "Bring in other reviewers' project files"))
        file_menu.addAction(self._action("&Export gold dataset…", self._export_dialog, ["Ctrl+E"], "Write the dataset in a format of your choice"))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Switch reviewer…", self._switch_reviewer_dialog, ["Ctrl+Shift+R"]))
        file_menu.addSeparator()
        file_menu.addAction(self._action("&Quit", self.close, [QKeySequence.StandardKey.Quit]))

        edit_menu = bar.addMenu("&Edit")
        group = self.session.undo_group
        self.undo_action = group.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_action = group.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
            edit_menu.addAction(action)

        annotate = self.annotate_menu = bar.addMenu("&Annotate")
        self.toolbar = QToolBar("Labels", self)
        self.toolbar.setObjectName("labelToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        self.label_actions: dict[str, QAction] = {}
        for label in self.scheme:
            self._add_label_action(label, annotate)
        annotate.addSeparator()
        self.delete_action = self._action("&Delete span", self.delete_selected_span, ["Delete", "Backspace"])
        self.rebound_action = self._action("Set span &boundaries to selection", self.rebound_to_selection, ["B"],
                                           "The span the selection overlaps takes its boundaries")
        self.attach_action = self._action("&Attach span to current claim", self.attach_selected_span, ["A"])
        self.detach_action = self._action("Detac&h span from current claim", self.detach_selected_span, ["Shift+A"])
        self.next_claim_action = self._action("&Next claim", lambda: self.step_claim(1), ["]", "Alt+Down"])
        self.prev_claim_action = self._action("&Previous claim", lambda: self.step_claim(-1), ["[", "Alt+Up"])
        self.clear_claim_action = self._action("&Clear current claim", self.clear_current, ["Escape"])
        self.figure_action = self._action("Edit &figure reading…", lambda: self.edit_figure_reading(), ["Shift+F"],
                                          "Correct what the selected FIGURE span means (value, unit, qualifier, period)")
        for action in (self.delete_action, self.rebound_action, self.attach_action, self.detach_action, self.figure_action, None,
                       self.next_claim_action, self.prev_claim_action, self.clear_claim_action):
            annotate.addSeparator() if action is None else annotate.addAction(action)

        view_menu = bar.addMenu("&View")
        self.overlay_action = self._action("Show another reviewer's spans…", self._overlay_dialog, ["Ctrl+Shift+O"])
        view_menu.addAction(self.overlay_action)
        view_menu.addAction(self._action("Hide the other reviewer's spans", lambda: self.set_overlay(None)))

        documents_menu = bar.addMenu("&Document")
        self.done_action = self._action("Mark &done", self.toggle_done, ["Ctrl+D"])
        self.done_action.setCheckable(True)
        documents_menu.addAction(self.done_action)
        documents_menu.addAction(self._action("Done and &next", self.done_and_next, ["Ctrl+Return"]))
        documents_menu.addAction(self._action("Next document", lambda: self.step_document(1), ["Ctrl+PgDown"]))
        documents_menu.addAction(self._action("Previous document", lambda: self.step_document(-1), ["Ctrl+PgUp"]))

        self.review_menu = bar.addMenu("&Review")
        self.review_menu.addAction(self._action("Review &disagreements…", self.open_review, ["Ctrl+R"],
                                                "Walk through where reviewers disagree and build the gold layer"))
        self.agreement_action = self._action("&Agreement…", self.show_agreement, ["Ctrl+Shift+G"],
                                             "How far the reviewers agree: by pair, label and document")
        self.review_menu.addAction(self.agreement_action)

        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self._show_shortcuts, ["F1"]))

    def _add_label_action(self, label: Label, menu) -> None:
        keys = [k for k in (label.shortcut, label.alt_shortcut) if k]
        shown = " / ".join(keys)
        action = self._action(
            f"{label.name}" + (f"  [{shown}]" if shown else ""),
            lambda _checked=False, name=label.name: self.apply_label(name),
            keys,
            label.description,
        )
        action.setIcon(_swatch(label.color))
        action.setToolTip(f"{label.name} ({shown or 'no key'}): {label.description}")
        self.label_actions[label.name] = action
        menu.addAction(action)
        self.toolbar.addAction(action)

    def _labels_changed(self) -> None:
        """The project's scheme grew (an import, a merge, another program): show the new labels."""
        self.scheme = self.store.label_scheme()
        self.view.set_scheme(self.scheme)
        for label in self.scheme:
            if label.name not in self.label_actions:
                self._add_label_action(label, self.annotate_menu)
                self.accept_label_menu.addAction(label.name, lambda _c=False, name=label.name: self.accept_label(name))
