"""The regular expressions a figure is found with, built from the tables in ``lexicon``.

Two patterns: ``ENGLISH`` (Latin-script figures: "$3 billion", "more than 50 member states",
"thirty per cent") and ``CJK`` (Korean, Chinese and Japanese numerals and units: "2억5천만 원",
"4.3조", "3亿元"). Both only find candidates; ``reading`` checks them (years, dates, what the
detector accepts) and works out the values.
"""

from __future__ import annotations

import re

from . import lexicon as lx

S = lx.SPACE
alt = lx.alternation


def _case_sensitive(words) -> str:
    return "(?-i:" + alt(words) + ")"


# A number in digits: thousands with commas ("1,200"), European dots when they cannot be a
# decimal point ("1.200.000", "1.200,50"), thin or no-break spaces ("1 200 000"), a decimal comma
# when it cannot be a thousands separator ("3,5"), or plain ("1.7", ".5", "58").
DIGITS = (r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![,.]?\d)"
          r"|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?(?![.,]?\d)"
          r"|\d{1,3}\.\d{3},\d+(?![.,]?\d)"
          r"|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?(?!\d)"
          r"|\d+,\d{1,2}(?![,.]?\d)"
          r"|\d*\.\d+(?![,.]?\d)"
          r"|\d+(?![,.]?\d))")

# "5 000 euros": a plain space between thousands only before a currency or percent sign, where
# it cannot be two numbers side by side.
SPACED = rf"\d{{1,3}}(?:{S}\d{{3}})+(?![,.]?\d)"

_basic = alt(list(lx.UNITS) + list(lx.TENS))
_any = alt(list(lx.UNITS) + list(lx.TENS) + list(lx.WORD_SCALES) + list(lx.DOZEN))
_big = alt(list(lx.WORD_SCALES) + list(lx.DOZEN))
# "and" only after a scale word: "two hundred and forty", never "between two and three".
_and = "|".join(f"(?<={w})" for w in lx.WORD_SCALES)
_sep = rf"(?:{S}+|-|(?:{_and}){S}+and{S}+)"
WORDS = (rf"(?<![^\W_])(?:(?:an?|half{S}+an?|one{S}+and{S}+a{S}+half){S}+{_big}|{_basic}"
         rf"|half{S}+an?(?={S}+(?:{alt(lx.PERCENT_WORDS[2:])})))"
         rf"(?:{_sep}{_any})*(?![^\W_])")

_signs = sorted(lx.CURRENCY_SIGNS, key=len, reverse=True)
CURRENCY_BEFORE = "(?:" + "|".join(
    [re.escape(s) for s in _signs if not s[0].isalpha() or "$" in s or "¥" in s]
    # Codes may touch the number ("USD3bn", "RMB3.5 billion") but not a word ("USDA").
    + ["(?-i:" + alt([s for s in _signs if s[0].isalpha() and "$" not in s and "¥" not in s]
                     + lx.CURRENCY_CODES + list(lx.RMB), word=False) + r")(?![^\W\d_])"]) + ")"
CURRENCY_AFTER = "(?:" + "|".join(
    [alt(lx.CURRENCY_WORDS), _case_sensitive(lx.CURRENCY_CODES + list(lx.RMB)),
     "|".join(re.escape(s) for s in ("US$", "HK$", "A$", "C$", "S$", "NZ$", "€", "$", "£", "¥", "₩", "₹", "₽",
                                     "원", "￦"))]) + ")"
PERCENT = alt(lx.PERCENT_WORDS)


def _scale(n: int) -> str:
    return (rf"(?:{alt(lx.SCALES)}|(?(cb{n}){alt(lx.CURRENCY_SCALES)}|(?!)))")


def amount(n: int) -> str:
    """One amount: currency before, number, scale, currency or percent after. Group names end in n."""
    return (rf"(?:(?P<cb{n}>{CURRENCY_BEFORE}){S}?)?"
            rf"(?P<sg{n}>[-−+](?=\d))?"
            rf"(?:(?P<dg{n}>{SPACED}(?={S}?(?:{CURRENCY_AFTER}|{PERCENT}))|{DIGITS})|(?P<wd{n}>{WORDS}))"
            rf"(?:(?:{S}|-)?(?P<sc{n}>{_scale(n)})(?![^\W_]))?"
            rf"(?:{S}?(?P<ca{n}>{CURRENCY_AFTER})|{S}?(?P<pc{n}>{PERCENT}))?"
            r"(?![^\W_])")


def _named(table: dict, prefix: str, pattern=alt) -> str:
    return "|".join(f"(?P<{prefix}_{key}>{pattern(words)})" for key, words in table.items())


QUALIFIER = rf"(?:{_named(lx.QUALIFIERS, 'q')})"
POST_QUALIFIER = _named({k: [w.strip() for w in v] for k, v in lx.POST_QUALIFIERS.items()}, "p")
_not_after = alt(lx.NOT_PERIOD_AFTER)
PERIOD = "|".join(
    f"(?P<t_{key}>{alt(words)}(?!{S}+{_not_after}))" for key, words in lx.PERIODS.items())
# A word, or an abbreviation with its dots ("U.N."); a sentence's full stop is not part of it.
_word = r"[^\W\d_][\w'’-]*(?:(?:\.[^\W\d_][\w'’-]*)+\.?)?"
# Stop words as written in prose or at a title's start, not in capitals: "IT workers", "US states".
_stop = "(?-i:" + alt(lx.STOP_WORDS | {w.capitalize() for w in lx.STOP_WORDS}) + ")"
COUNTED = rf"(?P<ct>(?:{S}+(?!{_stop}){_word}){{1,3}})"
_range = rf"(?P<rg>{S}*(?:-|–|—|~|to(?![^\W_]))|(?(bt){S}+and(?![^\W_])|(?!))){S}*"
# "nine out of ten", "one in five": a share, read as a percentage.
FRACTION = (rf"(?P<fa>{DIGITS}|{WORDS}){S}+(?:out{S}+of|(?P<fin>in)){S}+(?P<fb>{DIGITS}|{WORDS})"
            r"(?![^\W_])")

# "two-thirds", "a quarter", "one half": a share.
SHARE = (rf"(?P<sa>an?|one|two|three|four|five|six|seven|eight|nine)(?:{S}+|-)"
         rf"(?P<sb>{alt(lx.FRACTIONS)})(?![^\W_])")

_SOURCES: dict[str, tuple[str, int]] = {}
_SOURCES["ENGLISH"] = (
    rf"(?<![\w.,:/+\-–−$€£¥₩])"
    rf"(?:(?:{QUALIFIER})(?:{S}+|(?<=[~≈<>≥≤=]){S}*))?"
    rf"(?:(?P<bt>between|from){S}+)?"
    rf"(?:(?P<frac>{FRACTION})|(?P<share>{SHARE})|{amount(1)}(?:{_range}{amount(2)})?)"
    rf"(?:{S}*(?:{POST_QUALIFIER})(?![\w+]))?"
    rf"{COUNTED}?"
    rf"(?:(?:{S}+|{S}*-|{S}*(?=/))(?:{PERIOD}))?",
    re.IGNORECASE,
)

# ------------------------------------------------------------------------------------------ CJK

_num = r"\d+(?:,\d{3})*(?:\.\d+)?"
_small = "[" + "".join(lx.CJK_SMALL) + "]"
_bigc = "[" + "".join(lx.CJK_BIG) + "]"
_piece = rf"(?:{_num}{S}?{_small}?|(?<![^\W\d_]){_small})"
_seq = rf"(?:{_piece}(?:{_num}{S}?{_small}?|{_small})*)"
# At least one big unit ("2억5천만", "7,000만", "1조 2천억"), or a small one after digits ("3천").
# A space may part groups ("1조 2천억", "1만 2천 명") when a unit follows the digits.
CJK_NUMBER = (rf"(?:(?:{_seq}{_bigc}(?:{S}(?={_seq}{_bigc}))?)+(?:{S}?{_num}{S}?{_small}|{_num}|{_small})*"
              rf"|{_num}{S}?{_small}(?:{_num}{S}?{_small}?)*)")
CJK_UNIT = alt(list(lx.CJK_CURRENCIES) + lx.CJK_PERCENT, word=False)
CJK_COUNTERS = ["명", "건", "개국", "개사", "개", "곳", "회", "번", "차례", "대", "척", "발", "채", "마리",
                "가구", "人", "件", "个国家", "个", "か国", "カ国", "ヶ国", "カ所", "名", "回", "次", "家"]
CJK_COUNTER = alt(CJK_COUNTERS, word=False)

_SOURCES["CJK"] = (
    rf"(?<![\d.,A-Za-z])"
    rf"(?:(?:{_named(lx.CJK_PRE_QUALIFIERS, 'kq', lambda w: alt(w, word=False))}){S}?)?"
    rf"(?:(?:{_named(lx.CJK_PERIODS, 'kt', lambda w: alt(w, word=False))}){S}?(?:평균{S}?)?)?"
    rf"(?:(?:{_named(lx.CJK_PRE_QUALIFIERS, 'kr', lambda w: alt(w, word=False))}){S}?)?"
    rf"(?:(?P<kc>US\$|\$|€|£|¥|₩){S}?)?"
    rf"(?:(?P<kn>{CJK_NUMBER})|(?P<kd>{DIGITS}))"
    rf"(?P<km>여|余|多)?"
    rf"(?:{S}?(?:(?P<ku>{CJK_UNIT})|(?P<kk>{CJK_COUNTER})))?"
    rf"(?:{S}?(?:{_named(lx.CJK_POST_QUALIFIERS, 'kp', lambda w: alt(w, word=False))}))?",
    0,
)

# Where a figure can be: a run of digits or a CJK numeral (one regular expression led by a
# character class, which the engine scans for quickly), or a number word (found with str.find in
# ``reading.anchors``). Patterns are tried only in a window around these: tried at every position
# of a 1 MB article they cost seconds.
DIGIT_ANCHOR = re.compile(rf"[\d{''.join(lx.CJK_SMALL)}](?:[\d.,]*\d)?")
_number_words = sorted(set(lx.UNITS) | set(lx.TENS) | set(lx.WORD_SCALES) | set(lx.DOZEN) | set(lx.FRACTIONS),
                       key=len, reverse=True)
# Over the text encoded as ASCII with "?" for anything else (one byte per code point, so offsets
# hold) and lowercased: four times faster than a case-insensitive str pattern.
# Boundaries are checked again on the text itself: "?" may be "é" (a letter) or "“" (not one).
WORD_ANCHOR = re.compile(rb"(?<![a-z0-9])(?:" + b"|".join(w.encode() for w in _number_words) + rb")(?![a-z0-9])")
# The words that may stand between where a figure starts and its number ("more than", "between",
# "an estimated", "US$"): the window a pattern is tried in reaches back over these only.
PREFIX_WORDS = frozenset(
    w for phrases in lx.QUALIFIERS.values() for phrase in phrases for w in phrase.lower().split()
) | {"between", "from", "u.s.", "us", "$"} | {s.lower() for s in lx.CURRENCY_SIGNS} | {
    c.lower() for c in lx.CURRENCY_CODES} | {"rmb"} | set(lx.CJK_PRE_QUALIFIERS["approximately"]) | {
    w for table in (lx.CJK_PRE_QUALIFIERS, lx.CJK_PERIODS) for ws in table.values() for w in ws} | {"평균"}
LOOK_BEHIND = 48  # longest start before a number: "in the neighbourhood of ", "between U.S. $"
LOOK_AHEAD = 240  # longest figure after its number's start: a range, three counted words, a period

# ---------------------------------------------------------------------------------------- dates

_month = "(?-i:" + "|".join(sorted(lx.MONTHS, key=len, reverse=True)) + r")\.?"
_SOURCES["DATES"] = (
    rf"\b{_month}{S}+\d{{1,2}}(?:st|nd|rd|th)?(?:,?{S}+\d{{4}})?(?!\d)"  # March 3, 2024
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?{S}+(?:of{S}+)?{_month}(?:,?{S}+\d{{4}})?(?!\d)"  # 3 March 2024
    rf"|\b{_month}{S}+\d{{4}}(?!\d)"  # March 2024
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
    r"|\b\d{1,4}/\d{1,4}\b"  # "3/4", "24/7": a date, a schedule or a ratio, too ambiguous to read
    r"|\d+(?:\.\d+)?\s?(?:년|개월|월|일|시간|시|분|초|年|月|日|時)",
    0,
)


def __getattr__(name: str) -> re.Pattern:
    """``ENGLISH``, ``CJK``, ``DATES``, compiled on first use: compiling them takes about a
    quarter of a second, which every command's start would otherwise pay."""
    if name in _SOURCES:
        pattern = globals()[name] = re.compile(*_SOURCES[name])
        return pattern
    raise AttributeError(name)
