"""Code point offsets (ours) <-> positions in a Qt text document (the view's).

A ``QTextDocument`` filled by ``setPlainText`` counts UTF-16 code units, so every astral
character (emoji, some CJK) takes two positions, and it turns ``\\r\\n`` into a single block
break, so that pair takes one. Nothing else differs. This is the only module that knows it.

Rather than a table entry per character, we record the few places where the two counts drift
apart (found with one C-speed regex scan) and bisect over them: a 5 MB ASCII text costs nothing.

Display breaks: Qt lays out (and highlights) a block whole, so one 20 MB paragraph freezes the
view. With ``split_long_lines`` the map also cuts every line longer than ``LONGEST_LINE`` code
points into display blocks of about ``DISPLAY_BLOCK``, at a sentence end or a space where there
is one; the view is filled with ``display_text()``, which has a ``\\n`` inserted at each cut. The
stored text never has them: such a break is a Qt position with no code point, so both Qt
positions around it (the end of one display block, the start of the next) map to the code point
that follows it, and code point ranges map back without it.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from itertools import accumulate

# An astral character adds a position; the "\r" of "\r\n" removes one. Two scans, not one
# alternation: a lone character class lets the regex engine skip ahead (5x faster on 5 MB).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CRLF = re.compile("\r\n")

DISPLAY_BLOCK = 2000  # code points: a display block is about this long ...
LONGEST_LINE = 4000  # ... and lines up to this long are left whole (ordinary paragraphs are)
# What setPlainText starts a new block at (QTextCursor::insertText), so where lines end.
_LINE_ENDS = ("\n", "\r", "\u2029", "\ufdd0", "\ufdd1")
# A sentence end (closing quotes and brackets included) and the white space after it, or a
# full-width stop, which needs no space after it.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+|[。！？][”’」』）]*\s*")
_SPACE = re.compile(r"\s+")


class OffsetMap:
    def __init__(
        self, text: str, *, split_long_lines: bool = False, block: int = DISPLAY_BLOCK, longest: int = LONGEST_LINE
    ):
        self.length = len(text)
        drifts = [(m.start(), 1) for m in _ASTRAL.finditer(text)]
        if "\r" in text:
            drifts += [(m.start(), -1) for m in _CRLF.finditer(text)]
            drifts.sort()
        points = [p for p, _d in drifts]  # code point index of each drifting character
        deltas = [d for _p, d in drifts]
        self._cp_points = points
        self._cum = list(accumulate(deltas))
        # The same places in Qt positions: where each drift starts to apply.
        self._qt_points = [p + (self._cum[k - 1] if k else 0) for k, p in enumerate(points)]
        # Display breaks: the code point each inserted break comes before, and the Qt position
        # of the break itself (the end of the display block it closes).
        self.breaks: list[int] = display_breaks(text, block, longest) if split_long_lines else []
        self._break_qt = [self._base_qt(p) + k for k, p in enumerate(self.breaks)]
        self.qt_length = self.length + (self._cum[-1] if self._cum else 0) + len(self.breaks)

    @property
    def is_identity(self) -> bool:
        return not self._cp_points and not self.breaks

    def display_text(self, text: str) -> str:
        """``text`` as the view shows it: with a line break at each display break."""
        if not self.breaks:
            return text
        cuts = [0, *self.breaks, len(text)]
        return "\n".join([text[a:b] for a, b in zip(cuts, cuts[1:])])

    def _base_qt(self, cp: int) -> int:
        k = bisect_left(self._cp_points, cp)  # drifting characters strictly before cp
        return cp + (self._cum[k - 1] if k else 0)

    def to_qt(self, cp: int) -> int:
        """Qt position of code point offset ``cp`` (0 <= cp <= len(text)), where the character
        ``cp`` begins: at a display break, the start of the next display block."""
        return self._base_qt(cp) + bisect_right(self.breaks, cp)

    def to_qt_end(self, cp: int) -> int:
        """Qt position of ``cp`` as the end of a range: at a display break, the end of the
        display block before it, so that a range never takes in an inserted break."""
        return self._base_qt(cp) + bisect_left(self.breaks, cp)

    def to_cp(self, qt: int, *, round_up: bool = False) -> int:
        """Code point offset of Qt position ``qt``.

        A position inside a surrogate pair (only reachable by a bug or a stray API call) rounds
        down to the start of that character, or up to its end with ``round_up``.
        """
        if self.breaks:
            qt -= bisect_left(self._break_qt, qt)  # breaks that lie wholly before qt
        k = bisect_left(self._qt_points, qt)
        cp = qt - (self._cum[k - 1] if k else 0)
        if round_up and self._base_qt(cp) < qt:
            cp += 1
        return max(0, min(cp, self.length))

    def is_display_break(self, qt: int) -> bool:
        """Whether Qt position ``qt`` holds an inserted break (no character of the text)."""
        k = bisect_left(self._break_qt, qt)
        return k < len(self._break_qt) and self._break_qt[k] == qt

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        qt_start = self.to_qt(start)
        return qt_start, max(qt_start, self.to_qt_end(end))

    def range_to_cp(self, qt_start: int, qt_end: int) -> tuple[int, int]:
        return self.to_cp(qt_start), self.to_cp(qt_end, round_up=True)


def display_breaks(text: str, target: int = DISPLAY_BLOCK, longest: int = LONGEST_LINE) -> list[int]:
    """Where to cut lines longer than ``longest`` code points: code points that start a display
    block, about ``target`` apart, after a sentence end, else after white space, else (a run
    with no space at all) between two grapheme clusters as far as a cheap check can tell."""
    n = len(text)
    if n <= longest:
        return []
    seps = [c for c in _LINE_ENDS if c in text]
    breaks: list[int] = []
    pos = 0  # always the start of a line
    # Hop from the last line end in each stretch of ``longest`` to the next: a few C-speed
    # rfind calls per stretch, not a Python step per line (5 MB of paragraphs: ~1,500 hops).
    while n - pos > longest:
        last = max([text.rfind(c, pos, pos + longest + 1) for c in seps], default=-1)
        if last >= 0:
            pos = last + 1
            continue
        found = [i for i in (text.find(c, pos + longest) for c in seps) if i >= 0]
        line_end = min(found, default=n)
        while line_end - pos > longest:
            pos = _cut(text, pos + target, min(pos + longest, line_end - 1))
            breaks.append(pos)
        pos = line_end + 1
    return breaks


def _cut(text: str, lo: int, hi: int) -> int:
    """A soft place to cut in (lo, hi], searched from lo."""
    for pattern in (_SENTENCE_END, _SPACE):
        found = pattern.search(text, lo, hi)
        if found is not None and found.end() <= hi:
            return found.end()
    pos = lo
    while pos < hi and _joins_previous(text, pos):
        pos += 1
    return pos


def _joins_previous(text: str, pos: int) -> bool:
    """Whether ``text[pos]`` belongs to the grapheme cluster of the character before it
    (combining marks, ZWJ sequences, variation selectors, skin tones, flag pairs, tags)."""
    ch, before = text[pos], text[pos - 1]
    code = ord(ch)
    if before == "\u200d" or ch == "\u200d" or unicodedata.category(ch) in ("Mn", "Mc", "Me"):
        return True
    if 0xFE00 <= code <= 0xFE0F or 0x1F3FB <= code <= 0x1F3FF or 0xE0000 <= code <= 0xE01EF:
        return True
    if 0x1F1E6 <= code <= 0x1F1FF and 0x1F1E6 <= ord(before) <= 0x1F1FF:
        run = pos - 1  # regional indicators pair up from the start of their run
        while run > 0 and 0x1F1E6 <= ord(text[run - 1]) <= 0x1F1FF:
            run -= 1
        return (pos - run) % 2 == 1
    return False


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past leading and trailing white space (NBSP and line breaks included)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
