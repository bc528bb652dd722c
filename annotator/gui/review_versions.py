"""The review view's right-hand panel: the current item, each reviewer's version beside the gold one."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from .. import review
from ..model import LabelScheme
from .review_items_model import STATE_COLORS, STATE_TEXT, _snippet


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

