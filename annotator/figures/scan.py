"""Finding figures in a text: patterns tried only around its numbers, dates set aside."""

from __future__ import annotations

import re
from decimal import InvalidOperation
from typing import Iterator

from . import patterns as pt
from .figure import Figure
from .reading import cjk, english


def _number_spans(m: re.Match) -> list[tuple[int, int]]:
    return [m.span(g) for g in ("dg1", "wd1", "dg2", "wd2", "fa", "fb", "share", "kn", "kd")
            if g in m.re.groupindex and m.group(g) is not None]


def _is_date(text: str, numbers: list[tuple[int, int]]) -> bool:
    """Whether any of the match's numbers is part of a date or a time."""
    for start, end in numbers:
        for d in pt.DATES.finditer(text, max(0, start - 24), min(len(text), end + 16)):
            if d.start() < end and start < d.end():
                return True
    return False


_HSPACE = " \t\u00a0\u2009\u202f\u3000"
_PUNCT = "([{\"'“‘,;:"


def _window_start(text: str, anchor: int, pos: int) -> int:
    """Where a figure holding the number at ``anchor`` may start: the token it is in ("US$3"),
    reaching back over words that can come before an amount ("more than", "between", "an
    estimated"), on the same line, never before ``pos``."""
    low = max(pos, anchor - pt.LOOK_BEHIND)
    start = anchor
    while start > low and not text[start - 1].isspace():
        start -= 1
    for _ in range(6):
        end = start
        while end > low and text[end - 1] in _HSPACE:
            end -= 1
        if end == start or end <= low:
            break
        begin = end
        while begin > low and not text[begin - 1].isspace():
            begin -= 1
        if text[begin:end].lower().strip(_PUNCT) not in pt.PREFIX_WORDS:
            break
        start = begin
    return max(start, low)


def _window_end(text: str, anchor: int) -> int:
    end = anchor + pt.LOOK_AHEAD
    if end >= len(text):
        return len(text)
    while end < len(text) and not text[end].isspace():  # never cut a word: it would end a match
        end += 1
    return end


_CJK_CHAR = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _maybe_date(figure: Figure) -> bool:
    """Only a small whole number without a unit can be part of a date or a time."""
    return figure.unit is None and isinstance(figure.value, int) and 0 <= figure.value <= 9999


def anchors(text: str) -> list[tuple[int, int]]:
    """Where numbers are: digit runs, CJK numerals, number words (as words, any case), in order."""
    found = [m.span() for m in pt.DIGIT_ANCHOR.finditer(text)]
    folded = text.encode("ascii", "replace").lower()
    n = len(text)
    found += [m.span() for m in pt.WORD_ANCHOR.finditer(folded)
              if (m.start() == 0 or not text[m.start() - 1].isalnum()) and (m.end() == n or not text[m.end()].isalnum())]
    found.sort()
    return found


def _scan(text: str, pattern: re.Pattern, build, detect: bool, spots) -> Iterator[tuple[int, int, Figure]]:
    pos = 0
    cjk_only = pattern is pt.CJK
    for a, a_end in spots:
        if a < pos:
            continue
        if cjk_only and not _CJK_CHAR.search(text, max(0, a - 12), a_end + 40):
            continue  # a CJK figure has a CJK numeral, unit, counter or qualifier next to its number
        m = pattern.search(text, _window_start(text, a, pos), _window_end(text, a))
        if m is None or m.start() > a:
            pos = a_end  # no figure holds this number
            continue
        numbers = _number_spans(m)
        try:
            result = build(m, text, detect)
        except (InvalidOperation, ArithmeticError, ValueError):
            result = None
        if result is not None and _maybe_date(result[2]) and _is_date(text, numbers):
            result = None
        if result is not None and result[1] > result[0]:
            yield result
            pos = result[1]
        else:
            pos = max(numbers[0][1] if numbers else m.end(), a + 1)


def candidates(text: str, detect: bool) -> Iterator[tuple[int, int, Figure]]:
    """Every figure in ``text``, in order, without overlaps; ``detect`` is the article detector's
    stricter test (a bare number in prose is not a figure; a phrase the reviewer tagged may be one)."""
    spots = anchors(text)
    found = [*_scan(text, pt.ENGLISH, english, detect, spots), *_scan(text, pt.CJK, cjk, detect, spots)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    last_end = -1
    for start, end, figure in found:
        if start >= last_end:
            yield start, end, figure
            last_end = end
