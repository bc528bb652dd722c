"""Numbers as written: digits with their separators, English number words, CJK numerals."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from . import lexicon as lx

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_EURO_DOTS = re.compile(r"^\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?$|^\d{1,3}\.\d{3},\d+$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")


def ascii_digits(s: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in s)


def digits(text: str) -> tuple[Decimal, int | None]:
    """A number written in digits and its written decimal exponent ("1.70" → -2; None for whole)."""
    s = ascii_digits(_SPACES.sub("", text))
    if _EURO_DOTS.match(s):
        s = s.replace(".", "").replace(",", ".")
    elif _DECIMAL_COMMA.match(s):
        s = s.replace(",", ".")
    else:
        s = s.replace(",", "")
    written = -len(s.split(".")[1]) if "." in s else None
    return Decimal(s), written


def words(text: str) -> Decimal | None:
    """A number in English words: "twelve", "two hundred and forty", "a billion", "half a million"."""
    s = _SPACES.sub(" ", text.lower()).replace("-", " ")
    s = re.sub(r"\bhalf an?\b", "half", s.replace("one and a half", "oneandahalf"))
    total, current = Decimal(0), Decimal(0)
    for token in s.split():
        if token == "and":
            continue
        if token in ("a", "an"):
            current += 1
        elif token == "oneandahalf":
            current += Decimal("1.5")
        elif token == "half":
            current += lx.HALF
        elif token in lx.UNITS:
            current += lx.UNITS[token]
        elif token in lx.TENS:
            current += lx.TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token == "dozen":
            current = (current or 1) * 12
        elif token in lx.WORD_SCALES:
            total += (current or 1) * lx.WORD_SCALES[token]
            current = Decimal(0)
        else:
            return None
    return total + current


def cjk_number(text: str) -> Decimal:
    """Korean and Chinese numerals with digits: "2억5천만" → 250000000, "7,000만", "1조 2천억"."""
    total, section, current = Decimal(0), Decimal(0), None
    for token in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?|\S", ascii_digits(text)):
        if token[0].isdigit():
            current = Decimal(token.replace(",", ""))
        elif token in lx.CJK_SMALL:
            section += (current if current is not None else 1) * lx.CJK_SMALL[token]
            current = None
        elif token in lx.CJK_BIG:
            section += current if current is not None else 0
            total += (section or 1) * lx.CJK_BIG[token]
            section, current = Decimal(0), None
    return total + section + (current or 0)
