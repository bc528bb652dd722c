"""A small, dependency-free word tokenizer for the token-based formats (spaCy/Prodigy, CoNLL).

Rules, in order:

- The text is first cut into *clusters*, an approximation of Unicode extended grapheme clusters:
  a character together with the combining marks, variation selectors, emoji modifiers and tag
  characters that follow it, with ZWJ sequences (``👩‍👩‍👧``) and regional-indicator pairs (flags,
  ``🇰🇷``) kept whole. A token boundary never falls inside a cluster, so an emoji, a flag or a
  letter with its accents always stays in one token.
- Whitespace (``str.isspace``) separates tokens and is never part of one.
- A run of word clusters (letters, digits, ``_``, and the marks that ride on them) is one token;
  digits joined by ``.``, ``,`` or ``:`` stay one token (``3.5``, ``1,000``, ``10:30``).
- Letters of scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) are one token
  per cluster, so spans in CJK text can still align to tokens.
- Every other cluster (punctuation, symbols, emoji) is a token on its own.

Offsets are code points (Python ``str`` indices), end-exclusive.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, islice
from operator import itemgetter

ZWJ = "\u200d"


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str


@lru_cache(maxsize=None)  # per distinct character: a text asks about the same few hundred again and again
def _is_extender(ch: str) -> bool:
    """A character that belongs to the cluster of the character before it."""
    cp = ord(ch)
    if unicodedata.category(ch) in ("Mn", "Mc", "Me"):  # combining marks, incl. FE0F and keycap 20E3
        return True
    return (
        0x1F3FB <= cp <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0xE0100 <= cp <= 0xE01EF
    )


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def clusters(text: str) -> list[tuple[int, int]]:
    """Cut ``text`` into (start, end) clusters that a token boundary may not split."""
    out: list[tuple[int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        start = i
        ch = text[i]
        i += 1
        if ch == "\r" and i < n and text[i] == "\n":
            out.append((start, i + 1))
            i += 1
            continue
        if ch.isspace():
            out.append((start, i))
            continue
        if _is_regional_indicator(ch) and i < n and _is_regional_indicator(text[i]):
            i += 1
        while i < n:
            nxt = text[i]
            if _is_extender(nxt):
                i += 1
            elif nxt == ZWJ:
                i += 1
                if i < n and not text[i].isspace():
                    i += 1  # the character the joiner joins
            else:
                break
        out.append((start, i))
    return out


_NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3FFFF),  # CJK extensions B..
)


@lru_cache(maxsize=None)
def _kind(ch: str) -> str:
    """'space', 'solo' (a token of its own), 'word' or 'other' for a cluster's first character."""
    if ch.isspace():
        return "space"
    cp = ord(ch)
    for low, high in _NO_SPACE_RANGES:
        if low <= cp <= high:
            return "solo"
    category = unicodedata.category(ch)
    if category[0] in ("L", "N") or ch == "_":
        return "word"
    return "other"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens (no whitespace tokens); see the module docstring for the rules."""
    return [Token(start, end, text[start:end]) for start, end in token_bounds(text)]


# The fast path. Each character is given a one-letter code by str.translate, and one compiled
# pattern over the codes finds the tokens: s space, w word, d word and a digit, p one of . , :
# (which joins digits), o a token of its own; x a character that may join a cluster (a combining
# mark, a joiner, a regional indicator) or a digit of a script without spaces, where the rules
# above are followed character by character. Neither a cluster nor a token crosses white space,
# so a run of non-space characters holding an x is cut by ``_slow_bounds`` alone and the rest by
# the pattern: the same tokens, at C speed (the loops above took 7 s of a 1,000-document spaCy
# export, this 1 s).
_CODES: dict[int, str] = {}
_CODED: set[str] = set()
_FAST_PIECES = re.compile(r"s+|[wd]+(?:(?<=d)pd[wd]*)*|[op]")


def _code(ch: str) -> str:
    if ch.isspace():
        return "s"
    if _is_extender(ch) or ch == ZWJ or _is_regional_indicator(ch):
        return "x"
    kind = _kind(ch)
    if kind == "word":
        return "d" if ch.isdigit() else "w"
    if kind == "solo":
        return "x" if ch.isdigit() else "o"  # a digit there may join digits before it: the slow rules
    return "p" if ch in ".,:" else "o"


def token_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token of ``text``, as ``tokenize`` gives them."""
    for ch in set(text).difference(_CODED):  # each character once per process
        _CODES[ord(ch)] = _code(ch)
        _CODED.add(ch)
    codes = text.translate(_CODES)
    out: list[tuple[int, int]] = []
    position = 0
    x = codes.find("x")
    while x >= 0:
        run_start = codes.rfind("s", 0, x) + 1
        run_end = codes.find("s", x)
        run_end = len(codes) if run_end < 0 else run_end
        _fast_bounds(codes, position, run_start, out)
        out.extend((start + run_start, end + run_start) for start, end in _slow_bounds(text[run_start:run_end]))
        position = run_end
        x = codes.find("x", run_end)
    _fast_bounds(codes, position, len(codes), out)
    return out


def _fast_bounds(codes: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    pieces = _FAST_PIECES.findall(codes, start, end)  # they cover codes[start:end] one after another
    edges = list(accumulate(map(len, pieces), initial=start))
    out.extend(compress(zip(edges, islice(edges, 1, None)), map("s".__ne__, map(itemgetter(0), pieces))))


def _slow_bounds(text: str) -> list[tuple[int, int]]:
    """The rules above followed cluster by cluster."""
    cls = clusters(text)
    kinds = [_kind(text[s]) for s, _ in cls]
    tokens: list[tuple[int, int]] = []
    i = 0
    n = len(cls)
    while i < n:
        kind = kinds[i]
        if kind == "space":
            i += 1
            continue
        start = cls[i][0]
        j = i + 1
        if kind == "word":
            while j < n:
                if kinds[j] == "word":
                    j += 1
                elif (
                    j + 1 < n
                    and text[cls[j][0] : cls[j][1]] in (".", ",", ":")
                    and text[cls[j - 1][1] - 1].isdigit()
                    and text[cls[j + 1][0]].isdigit()
                ):
                    j += 2  # a separator inside a number: 3.5, 1,000, 10:30
                else:
                    break
        tokens.append((start, cls[j - 1][1]))
        i = j
    return tokens


class Aligner:
    """Map character spans onto token indices for one tokenized text."""

    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self._by_start = {token.start: index for index, token in enumerate(tokens)}
        self._by_end = {token.end: index for index, token in enumerate(tokens)}

    @classmethod
    def of(cls, starts: list[int], ends: list[int]) -> "Aligner":
        """The aligner of tokens given as their starts and ends, in order."""
        aligner = cls.__new__(cls)
        aligner.tokens = None
        aligner._by_start = dict(zip(starts, count()))
        aligner._by_end = dict(zip(ends, count()))
        return aligner

    def align(self, start: int, end: int) -> tuple[int, int] | None:
        """(first, last) token indices, last inclusive, whose edges are exactly ``start``/``end``.

        None when an edge falls inside a token or on whitespace, or when the span covers no token.
        """
        first = self._by_start.get(start)
        last = self._by_end.get(end)
        if first is None or last is None or first > last:
            return None
        return first, last
