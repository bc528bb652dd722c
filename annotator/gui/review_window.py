"""The review view: walk through the places where reviewers disagree and build the gold layer.

Left, the disagreement items coloured by state (as INCEpTION does). Centre, the document with the
gold layer drawn as in annotation (backgrounds, CLAIM underlined) and, under every line, one lane
per reviewer: a bar in the label's colour where that reviewer has a span. Right, the current
item: each reviewer's version side by side (numbered: the key that accepts it) and the gold one.

Keys: ``N``/``P`` next/previous open item, ``1``..``9`` accept reviewer k's version, ``A`` accept
every distinct version, ``R`` reject, ``E`` edit the gold span by hand (select, then a label key),
``B`` build a claim item's gold claim from the gold spans, ``Ctrl+Z``/``Ctrl+Shift+Z`` undo/redo.
Decisions are the plain edits of :mod:`annotator.review`, wrapped by ``EditCommand``.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections import defaultdict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QTextCursor,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QTableView,
    QTextEdit,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import review
from ..errors import AnnotatorError
from ..model import GOLD, LabelScheme
from ..offsets import trim_whitespace
from ..store import Store
from .commands import EditCommand
from .highlighter import SpanHighlighter
from .text_view import AnnotationView

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
LANE_HEIGHT = 3
LANE_GAP = 1


def _snippet(text: str, start: int, end: int, limit: int = 48) -> str:
    s = " ".join(text[start:end].split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


# -- the items list -----------------------------------------------------------------------------


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


# -- the text view: gold layer + one lane per reviewer ------------------------------------------


_SPACES = re.compile(r"[ \t\u00a0]+")


class LaneHighlighter(SpanHighlighter):
    """The gold spans as AnnotationView draws them; in blocks with reviewer lanes, white space in
    a taller font (its extra width taken back by letter spacing) so that every line has room above
    its text for the lanes. QPlainTextEdit ignores line-height block formats, so this is the way."""

    lazy = False  # lanes change line heights: every block must be formatted for the layout

    def highlightBlock(self, text: str) -> None:  # noqa: N802
        super().highlightBlock(text)
        view = self._view
        if view.lane_room is None or self.currentBlock().blockNumber() not in view.lane_index:
            return
        size, spacing = view.lane_room
        for match in _SPACES.finditer(text):
            for i in range(match.start(), match.end()):
                fmt = self.format(i)
                fmt.setFontPointSize(size)
                fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
                fmt.setFontLetterSpacing(spacing)
                self.setFormat(i, 1, fmt)


class ReviewTextView(AnnotationView):
    """The gold layer as an AnnotationView draws it, and a lane per reviewer above each line of
    text (brat and INCEpTION draw annotations above the text too): a bar in the label's colour
    where that reviewer has a span."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reviewTextView")
        self.highlighter.setDocument(None)
        self.highlighter = LaneHighlighter(self)
        self.lane_count = 0
        self.lane_room: tuple[float, float] | None = None  # (point size, letter spacing) of white space
        self.lane_index: dict[int, list[tuple[int, int, int, QColor]]] = {}  # block -> (lane, qt start, qt end, colour)
        self._item_extent: tuple[int, int] | None = None
        self._edit_target: int | None = None

    def load_review(self, text: str, gold: list, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        """Show ``text`` with the gold spans and the reviewers' lanes, formatted in one pass."""
        self._marks = (None, ())
        self.setExtraSelections([])
        self.highlighter.setDocument(None)
        self._show_text(text)
        self._block_starts = self._read_block_starts()
        self._index(gold)
        self._index_lanes(reviewers, spans)
        self.highlighter.setDocument(self.document())
        # The lane highlighter formats every block itself (lanes change line heights, so the
        # whole layout must know them); nothing is left for the lazy pass of AnnotationView.
        self._formatted = set(range(len(self._block_starts)))

    def set_lanes(self, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        self._index_lanes(reviewers, spans)
        self.highlighter.rehighlight()
        self.viewport().update()

    def _index_lanes(self, reviewers: tuple[str, ...], spans: list[review.RSpan]) -> None:
        lane_of = {name: k for k, name in enumerate(reviewers)}
        self.lane_count = len(reviewers)
        self.lane_room = self._room(self.lane_count) if self.lane_count else None
        range_to_qt = self.map.range_to_qt
        colors: dict[str, QColor] = {}
        index: dict[int, list] = defaultdict(list)
        for span in spans:
            lane = lane_of.get(span.annotator)
            if lane is None:
                continue
            color = colors.get(span.label)
            if color is None:
                color = colors[span.label] = QColor(self._color(span.label))
            qs, qe = range_to_qt(span.start, span.end)
            first = bisect_right(self._block_starts, qs) - 1
            last = first if qe - 1 <= qs else bisect_right(self._block_starts, qe - 1) - 1
            for number in range(first, last + 1):
                index[number].append((lane, qs, qe, color))
        self.lane_index = dict(index)

    def _room(self, lanes: int) -> tuple[float, float]:
        font = self.font()
        base = QFontMetricsF(font)
        wanted = base.ascent() + lanes * (LANE_HEIGHT + LANE_GAP) + 1
        size = font.pointSizeF() * wanted / base.ascent()
        big = QFont(font)
        big.setPointSizeF(size)
        spacing = base.horizontalAdvance(" ") - QFontMetricsF(big).horizontalAdvance(" ")
        return size, spacing

    def show_item(self, extent: tuple[int, int] | None, edit_target: int | None = None) -> None:
        """Outline the current item's extent (and the gold span being edited)."""
        self._item_extent = extent
        self._edit_target = edit_target
        selections = []
        if extent is not None:
            sel = QTextEdit.ExtraSelection()
            qt_start, qt_end = self.map.range_to_qt(*extent)
            cursor = QTextCursor(self.document())
            cursor.setPosition(qt_start)
            cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            fmt = sel.format
            fmt.setBackground(QColor(120, 120, 120, 45))
            sel.format = fmt
            selections.append(sel)
        if edit_target is not None:
            selections.extend(self._selection(edit_target, alpha=190, outline=True))
        self.setExtraSelections(selections)

    def scroll_to_cp(self, cp: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.map.to_qt(cp))
        self.setTextCursor(cursor)
        self.centerCursor()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.lane_count or not self.lane_index:
            return
        painter = QPainter(self.viewport())
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        height = self.viewport().height()
        step = LANE_HEIGHT + LANE_GAP
        band = self.lane_count * step
        glyph_ascent = QFontMetricsF(self.font()).ascent()
        while block.isValid():
            geometry = self.blockBoundingGeometry(block).translated(offset)
            if geometry.top() > height:
                break
            entries = self.lane_index.get(block.blockNumber())
            if entries and block.isVisible():
                layout = block.layout()
                base = block.position()
                for n in range(layout.lineCount()):
                    line = layout.lineAt(n)
                    a, b = base + line.textStart(), base + line.textStart() + line.textLength()
                    top = geometry.top() + line.y() + line.ascent() - glyph_ascent - band
                    for lane, qs, qe, color in entries:
                        if qs >= b or qe <= a:
                            continue
                        x1 = line.cursorToX(max(qs, a) - base)[0]
                        x2 = line.cursorToX(min(qe, b) - base)[0]
                        painter.fillRect(QRectF(geometry.left() + x1, top + lane * step, max(x2 - x1, 2.0), LANE_HEIGHT), color)
            block = block.next()
        painter.end()


# -- the current item, version by version -------------------------------------------------------


def _highlight_html(text: str, start: int, end: int, spans: list[tuple[int, int, str]], scheme: LabelScheme) -> str:
    """``text[start:end]`` as HTML with ``spans`` coloured: background for SPEAKER/FIGURE/ENTITY,
    underline for CLAIM (the scheme's styles), the innermost span's colour where they nest."""
    cuts = {start, end}
    for s, e, _label in spans:
        cuts.add(min(max(s, start), end))
        cuts.add(min(max(e, start), end))
    edges = sorted(cuts)
    parts = []
    for a, b in zip(edges, edges[1:]):
        chunk = html.escape(text[a:b]).replace("\n", " ")
        covering = sorted((sp for sp in spans if sp[0] < b and sp[1] > a), key=lambda sp: sp[1] - sp[0])
        style = []
        backgrounds = [sp for sp in covering if (scheme.get(sp[2]) and scheme.get(sp[2]).style) != "underline"]
        underlines = [sp for sp in covering if (scheme.get(sp[2]) and scheme.get(sp[2]).style) == "underline"]
        if backgrounds:
            color = QColor(scheme.get(backgrounds[0][2]).color if scheme.get(backgrounds[0][2]) else "#888888")
            style.append(f"background-color: rgba({color.red()},{color.green()},{color.blue()},0.35)")
        if underlines:
            style.append("text-decoration: underline")
        if style:
            chunk = f'<span style="{"; ".join(style)}">{chunk}</span>'
        parts.append(chunk)
    return "".join(parts)


def _context(text: str, start: int, end: int, pad: int = 70) -> tuple[int, int]:
    a = max(0, start - pad)
    b = min(len(text), end + pad)
    newline = text.rfind("\n", a, start)
    if newline != -1:
        a = newline + 1
    newline = text.find("\n", end, b)
    if newline != -1:
        b = newline
    return a, b


class VersionsPanel(QWidget):
    """Each reviewer's version of the current item (numbered: its accept key) and the gold one."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("versionsPanel")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel(self)
        self.title.setObjectName("itemTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.title)
        self.body = QLabel(self)
        self.body.setObjectName("versionsBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        outer.addWidget(scroll, 1)
        self.keys = QLabel(
            "<b>N</b>/<b>P</b> next/previous open item · <b>1</b>–<b>9</b> accept reviewer k · "
            "<b>A</b> accept all · <b>R</b> reject · <b>E</b> edit gold (select, then label key) · "
            "<b>B</b> build claim from gold · <b>Ctrl+Z</b> undo",
            self,
        )
        self.keys.setWordWrap(True)
        outer.addWidget(self.keys)
        self.rows: list[str] = []  # plain text of each row, for tests

    def show_item(self, item: review.ReviewItem | None, number: int, total: int, text: str,
                  scheme: LabelScheme, gold: list, colors: dict[str, str], gold_claims: list | None = None) -> None:
        if item is None:
            self.title.setText("<b>No item</b>: the reviewers marked nothing on this document." if total == 0 else "")
            self.body.setText("")
            self.rows = []
            return
        state = "changed since decided — decide again" if item.changed else STATE_TEXT[item.state]
        decided = f" · decided by {html.escape(item.decided_by)}" if item.decided_by else ""
        self.title.setText(
            f"<b>Item {number} of {total}</b> · {html.escape(item.kind)} · "
            f"<span style='background-color:{STATE_COLORS[item.state]}; color:#111'>&nbsp;{state}&nbsp;</span>"
            f" · {html.escape(item.kind_text)}{decided}"
        )
        a, b = _context(text, item.start, item.end)
        blocks = []
        self.rows = []
        for k, reviewer in enumerate(item.reviewers, start=1):
            version = item.version(reviewer)
            chip = colors.get(reviewer, "#666")
            head = f"<span style='color:{chip}'>■</span> <b>{k}</b> {html.escape(reviewer)}"
            body, plain = self._version_html(item, version, text, a, b, scheme)
            blocks.append(f"<p style='margin:0 0 10px 0'>{head}<br>{body}</p>")
            self.rows.append(f"{k} {reviewer}: {plain}")
        if item.kind == "claim":
            gold_body, gold_plain = self._version_html(item, tuple(gold_claims or ()), text, a, b, scheme)
        else:
            gold_spans = [g.tup for g in review.item_gold(gold, item)]
            gold_body, gold_plain = self._spans_html(gold_spans, text, a, b, scheme)
        blocks.insert(0, f"<p style='margin:0 0 12px 0'><b>gold</b><br>{gold_body}</p><hr>")
        self.rows.insert(0, f"gold: {gold_plain}")
        self.body.setText("".join(blocks))

    def _version_html(self, item, version, text, a, b, scheme):
        if item.kind == "span":
            return self._spans_html(list(version), text, a, b, scheme)
        if not version:
            return "<i>no claim here</i>", "no claim here"
        out, plain = [], []
        for statement, members in version:
            # The statement's sentence or paragraph; members elsewhere are listed below it.
            ctx_a, ctx_b = _context(text, statement[0], statement[1])
            shown = [statement, *(m for m in members if m[0] < ctx_b and ctx_a < m[1])]
            line = _highlight_html(text, ctx_a, ctx_b, shown, scheme)
            listed = "; ".join(f"{m[2]} «{html.escape(_snippet(text, m[0], m[1], 40))}»" for m in members) or "no members"
            out.append(f"{line}<br><small>members: {listed}</small>")
            plain.append(f"claim «{_snippet(text, statement[0], statement[1], 40)}» with {len(members)} member(s)")
        return "<br>".join(out), "; ".join(plain)

    @staticmethod
    def _spans_html(spans, text, a, b, scheme):
        if not spans:
            return "<i>nothing here</i>", "nothing here"
        a, b = min(a, *(s[0] for s in spans)), max(b, *(s[1] for s in spans))
        line = _highlight_html(text, a, b, spans, scheme)
        listed = ", ".join(
            f"<span style='color:{(scheme.get(s[2]).color if scheme.get(s[2]) else '#888')}'>■</span> {s[2]} "
            f"[{s[0]}, {s[1]}) «{html.escape(_snippet(text, s[0], s[1], 40))}»"
            for s in sorted(spans)
        )
        plain = ", ".join(f"{s[2]} [{s[0]}, {s[1]})" for s in sorted(spans))
        return f"{line}<br><small>{listed}</small>", plain


# -- the window ---------------------------------------------------------------------------------

REVIEWER_COLORS = ("#7c3aed", "#0891b2", "#c2410c", "#4d7c0f", "#be185d", "#1d4ed8", "#a16207", "#0f766e", "#9f1239")


class ReviewWindow(QMainWindow):
    """Adjudicate one document. Every change is committed at once and is undoable."""

    changed = Signal(str)  # doc_id whose gold layer or review decisions changed
    auto_accept_changed = Signal(bool)

    def __init__(self, store: Store, doc_id: str, lead_name: str, parent: QWidget | None = None, *, auto_accept: bool = True):
        super().__init__(parent)
        self.setObjectName("reviewWindow")
        self.store = store
        self.doc_id = doc_id
        self.lead = lead_name
        self.auto_accept = auto_accept
        self.scheme = store.label_scheme()
        self.document = store.document(doc_id)
        self.undo_stack = QUndoStack(self)
        self.items: list[review.ReviewItem] = []
        self.current_key: str | None = None
        self.edit_mode = False
        self.edit_target: int | None = None  # gold span id the E key is editing
        self.gold: list = []
        self.messages: list[str] = []
        self.auto_accepted = 0
        self._build()
        self._build_actions()
        self.setWindowTitle(f"Review: {self.document.title} — Annotator")
        self.resize(1360, 820)
        self._open()

    # -- construction ------------------------------------------------------------------------

    def _build(self) -> None:
        self.model = ItemsModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("reviewItems")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # Fixed widths: ResizeToContents would read every row of a long list on each reset.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((44, 112, 150)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)

        self.view = ReviewTextView(self)
        self.view.set_scheme(self.scheme)
        self.view.span_clicked.connect(self._on_span_clicked)
        self.legend = QLabel(self)
        self.legend.setObjectName("laneLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        center = QWidget(self)
        layout = QVBoxLayout(center)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.legend)
        layout.addWidget(self.view, 1)

        self.panel = VersionsPanel(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("reviewSplitter")
        for widget in (self.table, center, self.panel):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([380, 600, 380])
        self.setCentralWidget(self.splitter)

        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("reviewProgress")
        self.mode_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.mode_label)
        self.statusBar().addPermanentWidget(self.progress_label)

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

    # -- opening and refreshing ----------------------------------------------------------------

    def _open(self) -> None:
        if self.auto_accept and review.needs_auto_accept(self.store, self.doc_id):
            wanted = review.AcceptAgreed(self.doc_id, self.lead)
            inverse = self._apply(wanted)
            if inverse is not None:
                self.auto_accepted = sum(1 for _k, row in inverse.items if row is None)
                if self.auto_accepted:
                    self.undo_stack.push(EditCommand(self, inverse, inverse.description))
        state = review.load_state(self.store, self.doc_id)
        self.view.load_review(self.document.text, self.store.spans(self.doc_id, GOLD), state.reviewers, state.spans)
        self.reviewers = state.reviewers
        self.colors = {r: REVIEWER_COLORS[k % len(REVIEWER_COLORS)] for k, r in enumerate(state.reviewers)}
        self.legend.setText(
            "Gold: coloured backgrounds (CLAIM underlined). Lanes above each line, top to bottom: "
            + ", ".join(f"<b>{k}</b>&nbsp;<span style='color:{self.colors[r]}'>{html.escape(r)}</span>"
                        for k, r in enumerate(state.reviewers, start=1))
            + " (bar colour = label)."
        )
        self._set_items(review.compute_items(state), state.gold)
        first_open = next((row for row, item in enumerate(self.items) if item.is_open), 0 if self.items else None)
        if first_open is not None:
            self.select_row(first_open)
        if self.auto_accepted:
            self.show_status(f"{self.auto_accepted} agreed item(s) were accepted into gold automatically.")
        self._update_summary()

    def refresh(self) -> None:
        """Re-read items and gold after a change (or an undo) and keep the current item."""
        state = review.load_state(self.store, self.doc_id)
        self.view.set_spans(self.store.spans(self.doc_id, GOLD))
        if state.reviewers != self.reviewers:
            self.reviewers = state.reviewers
            self.view.set_lanes(state.reviewers, state.spans)
        current = self.current_item
        self._set_items(review.compute_items(state), state.gold)
        row = self.model.row_of(self.current_key)
        if row is None and current is not None:  # the key moved: nearest item by position
            row = next((r for r, it in enumerate(self.items) if it.end > current.start), len(self.items) - 1)
        if row is not None and row >= 0:
            self.select_row(row)
        else:
            self._show_current()
        self._update_summary()

    def _set_items(self, items: list[review.ReviewItem], gold) -> None:
        self.items = items
        self.gold = gold
        self.model.reset(items, self.document.text)

    @property
    def current_item(self) -> review.ReviewItem | None:
        row = self.model.row_of(self.current_key)
        return self.items[row] if row is not None else None

    def select_row(self, row: int) -> None:
        if not (0 <= row < len(self.items)):
            return
        self.current_key = self.items[row].key
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self._show_current(scroll=True)

    def _on_row(self, current, _previous) -> None:
        if current.isValid() and 0 <= current.row() < len(self.items):
            if self.items[current.row()].key != self.current_key:
                self.current_key = self.items[current.row()].key
                self._leave_edit()
                self._show_current(scroll=True)

    def _show_current(self, scroll: bool = False) -> None:
        item = self.current_item
        row = self.model.row_of(self.current_key)
        self.panel.show_item(item, (row or 0) + 1, len(self.items), self.document.text, self.scheme, self.gold,
                             self.colors, self._gold_claims(item) if item is not None and item.kind == "claim" else None)
        self.view.show_item((item.start, item.end) if item else None, self.edit_target)
        if scroll and item is not None:
            self.view.scroll_to_cp(item.start)
            self.view.clear_selection()

    def _gold_claims(self, item: review.ReviewItem) -> list[tuple]:
        """The gold claims of a claim item, shaped like a reviewer's version."""
        statements = {g.id: g.tup for g in review.item_gold(self.gold, item)}
        tups = {g.id: g.tup for g in self.gold}
        return [
            (statements[c.span_id], tuple(sorted(tups[m] for m in c.members if m in tups)))
            for c in self.store.claims(self.doc_id, GOLD) if c.span_id in statements
        ]

    def _update_summary(self) -> None:
        decided = sum(not it.is_open for it in self.items)
        self.progress_label.setText(f"Adjudicated {decided} of {len(self.items)} items")
        parts = [f"Adjudicated {decided} of {len(self.items)} items"]
        if self.auto_accepted:
            parts.append(f"{self.auto_accepted} accepted automatically")
        changed = sum(it.changed for it in self.items)
        if changed:
            parts.append(f"{changed} changed since decided")
        self.summary_label.setText(" · ".join(parts))
        self.mode_label.setText("EDIT: select the gold span's text, then a label key (Esc cancels)" if self.edit_mode else "")

    # -- navigation ----------------------------------------------------------------------------

    def step(self, direction: int) -> None:
        """Next/previous open item (accepted and rejected ones are skipped)."""
        self._leave_edit()
        row = self.model.row_of(self.current_key)
        start = row if row is not None else (-1 if direction > 0 else len(self.items))
        r = start + direction
        while 0 <= r < len(self.items):
            if self.items[r].is_open:
                self.select_row(r)
                return
            r += direction
        self.show_status("No more open items in this direction." if any(it.is_open for it in self.items)
                         else "Every item is decided: the document is adjudicated.")

    def _advance(self) -> None:
        """After a decision, move to the next open item (wrapping), if any."""
        item = self.current_item
        if item is not None and item.is_open:
            return
        row = self.model.row_of(self.current_key) or 0
        order = list(range(row + 1, len(self.items))) + list(range(0, row))
        for r in order:
            if self.items[r].is_open:
                self.select_row(r)
                return
        self.show_status("Every item is decided: the document is adjudicated.")

    # -- decisions -----------------------------------------------------------------------------

    def _key(self, key: str) -> None:
        """Digits accept a reviewer's version, E starts an edit; in edit mode label keys label."""
        if self.edit_mode:
            label = self._label_for_key(key)
            if label is not None:
                self.edit_label(label)
                return
        if key.isdigit():
            self.accept_reviewer(int(key))
        elif key == "E":
            self.start_edit()
        else:
            self.show_status(f"{key} is a label key: press E first to edit the gold span by hand.")

    def _label_for_key(self, key: str) -> str | None:
        for label in self.scheme:
            if key in {(label.shortcut or "").upper(), (label.alt_shortcut or "").upper()} - {""}:
                return label.name
        return None

    def accept_reviewer(self, k: int) -> None:
        item = self.current_item
        if item is None:
            return
        if not (1 <= k <= len(item.reviewers)):
            self.show_status(f"There is no reviewer {k} on this document (reviewers: {len(item.reviewers)}).")
            return
        self._decide(review.AcceptVersion(self.doc_id, item.key, self.lead, item.reviewers[k - 1]))

    def accept_all(self) -> None:
        self._leave_edit()
        item = self.current_item
        if item is not None:
            self._decide(review.AcceptVersion(self.doc_id, item.key, self.lead, None))

    def reject(self) -> None:
        self._leave_edit()
        item = self.current_item
        if item is not None:
            self._decide(review.Reject(self.doc_id, item.key, self.lead))

    def build_claim(self) -> None:
        self._leave_edit()
        item = self.current_item
        if item is not None:
            self._decide(review.BuildClaim(self.doc_id, item.key, self.lead))

    def accept_agreed(self) -> None:
        inverse = self.do(review.AcceptAgreed(self.doc_id, self.lead))
        if inverse is not None:
            n = sum(1 for _k, row in inverse.items if row is None)
            self.show_status(f"{n} agreed item(s) accepted.")

    def _decide(self, edit) -> None:
        if self.do(edit) is not None:
            self._advance()

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

    # -- applying edits ------------------------------------------------------------------------

    def _apply(self, edit):
        try:
            return edit.apply(self.store)
        except AnnotatorError as exc:
            self.show_status(f"Not done: {exc}")
            return None

    def do(self, edit):
        """Apply a decision now and record its inverse for undo; refresh the view."""
        inverse = self._apply(edit)
        if inverse is None:
            return None
        self.undo_stack.push(EditCommand(self, inverse, edit.description))
        self.refresh()
        self.changed.emit(self.doc_id)
        return inverse

    def apply_from_history(self, edit):
        """Called by EditCommand on undo/redo."""
        following = self._apply(edit)
        if following is None:
            # The file no longer matches the history: keep the file as the truth, drop the history.
            QTimer.singleShot(0, self.undo_stack.clear)
            return None
        self.refresh()
        self.changed.emit(self.doc_id)
        return following

    # -- settings and messages -----------------------------------------------------------------

    def _set_auto_accept(self, on: bool) -> None:
        self.auto_accept = on
        self.auto_accept_action.setChecked(on)
        self.auto_accept_box.setChecked(on)
        self.auto_accept_changed.emit(on)

    def _toggle_auto_accept(self) -> None:
        self._set_auto_accept(self.auto_accept_action.isChecked())

    def show_status(self, text: str) -> None:
        self.messages.append(text)
        self.statusBar().showMessage(text, 8000)


__all__ = ["ReviewWindow", "ItemsModel", "ReviewTextView", "VersionsPanel"]
