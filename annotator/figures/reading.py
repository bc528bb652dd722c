"""From a pattern's match to a ``Figure``: units, qualifiers, counted nouns, and what is not a figure."""

from __future__ import annotations

import re
from decimal import Decimal

from . import lexicon as lx
from .figure import Figure, last_digit_exponent, make
from .numbers import cjk_number, digits, words

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_PREPOSITION_BEFORE = re.compile(r"(?<![^\W_])(?:in|since|by|until|till|from|before|after|circa|early|late|mid|"
                                 r"of|during|around|through)[\s-]+$", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")
_KOREAN_TIME = re.compile(r"\s?(?:년|개월|주일|일|시간|分|年|月|日)")


def _currency_before(sign: str) -> str:
    sign = _SPACES.sub(" ", sign)
    return lx.CURRENCY_SIGNS.get(sign) or lx.CURRENCY_SIGNS.get(sign.upper()) or lx.RMB.get(sign) or sign


def _currency_after(word: str) -> str | None:
    w = _SPACES.sub(" ", word)
    if w in lx.CURRENCY_CODES:
        return w
    if w in lx.RMB:
        return lx.RMB[w]
    if w in lx.CURRENCY_SIGNS:
        return lx.CURRENCY_SIGNS[w]
    if w in lx.CJK_CURRENCIES:
        return lx.CJK_CURRENCIES[w]
    return lx.CURRENCY_WORDS.get(w.lower())


_GROUPS: dict[tuple[str, str], tuple[str, ...]] = {}
_SIGNALS: dict[str, tuple[int, ...]] = {}


def _has_signal(m: re.Match) -> bool:
    """Whether the match has one of what the detector needs: a currency, percent, scale, counted
    noun, share or qualifier."""
    indices = _SIGNALS.get(m.re.pattern)
    if indices is None:
        indices = _SIGNALS[m.re.pattern] = tuple(
            i - 1 for n, i in m.re.groupindex.items()
            if n in ("ct", "frac", "share") or n[:2] in ("cb", "ca", "pc", "sc") or n.startswith(("q_", "p_")))
    groups = m.groups()
    for i in indices:
        if groups[i] is not None:
            return True
    return False


def _first(m: re.Match, prefix: str) -> tuple[str | None, int]:
    """Which of the groups named PREFIX_<key> matched: (key, its start)."""
    key = (m.re.pattern, prefix)
    names = _GROUPS.get(key)
    if names is None:
        names = _GROUPS[key] = tuple(n for n in m.re.groupindex if n.startswith(prefix + "_"))
    for name in names:
        if m.group(name) is not None:
            return name[len(prefix) + 1:], m.start(name)
    return None, -1


class Amount:
    """One amount of an English match: its value before scaling, scale, currency, percent."""

    def __init__(self, m: re.Match, n: int):
        self.span = m.span(f"dg{n}") if m.group(f"dg{n}") is not None else m.span(f"wd{n}")
        first = next((g for g in (f"cb{n}", f"sg{n}") if m.group(g)), None)
        self.start = m.start(first) if first else self.span[0]
        self.end = m.end(f"ca{n}") if m.group(f"ca{n}") else max(m.end(f"sc{n}"), m.end(f"pc{n}"), self.span[1])
        self.in_words = m.group(f"dg{n}") is None
        if self.in_words:
            self.raw, self.written = words(m.group(f"wd{n}")), None
        else:
            self.raw, self.written = digits(m.group(f"dg{n}"))
        if self.raw is not None and m.group(f"sg{n}") in ("-", "−"):
            self.raw = -self.raw
        scale = m.group(f"sc{n}")
        self.scale = (lx.SCALES.get(scale.lower()) or lx.CURRENCY_SCALES.get(scale.lower())) if scale else None
        self.currency = None
        if m.group(f"cb{n}"):
            self.currency = _currency_before(m.group(f"cb{n}"))
        elif m.group(f"ca{n}"):
            self.currency = _currency_after(m.group(f"ca{n}"))
        self.percent = m.group(f"pc{n}") is not None
        if (self.currency and self.scale is None and self.written == -3
                and re.fullmatch(r"\d{1,3}\.\d{3}", m.group(f"dg{n}") or "")):
            # "5.000 €", "€1.200": no currency is quoted to a thousandth without a scale, so the
            # dot is a European thousands separator ("$3.129 billion" keeps its decimals).
            self.raw, self.written = self.raw * 1000, None
        self.year_like = (not self.in_words and self.scale is None and self.currency is None and not self.percent
                          and bool(_YEAR.match(m.group(f"dg{n}"))) and 1900 <= self.raw <= 2100)

    def value(self, scale: int | None) -> Decimal:
        return self.raw * (scale or 1)


def _plural(word: str) -> bool:
    w = word.lower().rstrip("'’")
    return w in lx.IRREGULAR_PLURALS or (w.endswith("s") and not w.endswith(("ss", "'s", "’s")) and len(w) > 2)


def _counted(m: re.Match, value: Decimal, detect: bool) -> tuple[str | None, int]:
    """The counted noun phrase, cut after its last plural word, and where it ends."""
    text = m.group("ct")
    if not text:
        return None, -1
    found = [(w.group(), w.end()) for w in re.finditer(r"\S+", text)]
    keep = [i for i, (w, _) in enumerate(found) if _plural(w)]
    if keep:
        last = keep[-1]
    elif value == 1:
        last = 0
    else:
        return None, -1
    if detect and not found[last][0][0].islower():
        return None, -1  # "1718 Committee", a list number before a headline; "3 Chinese firms" is kept
    return " ".join(w for w, _ in found[:last + 1]), m.start("ct") + found[last][1]


def english(m: re.Match, text: str, detect: bool) -> tuple[int, int, Figure] | None:
    """The figure of a match of ``patterns.ENGLISH``, or None when it is not one (a year, a bare
    number in an article, a small number word without a plural noun)."""
    if detect and not _has_signal(m):
        return None  # a bare number: a list item, a page count, a name ("1718 Committee")
    qualifier, qstart = _first(m, "q")
    post, _ = _first(m, "p")
    period, _ = _first(m, "t")
    if m.group("frac"):
        a, b = (_fraction_part(m.group(g)) for g in ("fa", "fb"))
        in_words = m.group("fa")[0].isalpha() and m.group("fb")[0].isalpha()
        if a is None or not b or a > b or (m.group("fin") and not in_words and b > 1000):
            return None  # "one in five", "1 in 3"; not "5 in 2023"
        value = a * 100 / b
        if value != value.to_integral_value():
            value = value.quantize(Decimal("0.01"))  # "one in three": 33.33
        start = qstart if qualifier else m.start("frac")
        return start, m.end("frac"), make(value, unit="percent", qualifier=qualifier or _POST.get(post))
    if m.group("share"):
        if detect and not re.match(rf"{lx.SPACE}+of(?![^\W_])", text[m.end("share"):m.end("share") + 8]):
            return None  # "a third country", "the first quarter": only "two-thirds of ..." is a share
        count = Decimal(1) if m.group("sa").lower() in ("a", "an") else words(m.group("sa"))
        value = count * 100 / lx.FRACTIONS[m.group("sb").lower()]
        if value != value.to_integral_value():
            value = value.quantize(Decimal("0.01"))
        start = qstart if qualifier else m.start("share")
        return start, m.end("share"), make(value, unit="percent", qualifier=qualifier or _POST.get(post))
    one = Amount(m, 1)
    two = Amount(m, 2) if m.group("rg") is not None else None
    if one.raw is None or (two is not None and two.raw is None):
        return None
    if one.year_like or (two is not None and two.year_like):
        if not (two is None and one.raw % 100 == 0 and _counted(m, one.raw, detect)[0]):
            return None  # a year ("in 2023", "the 2024 elections"); "2000 troops" is a count
    if not one.in_words and re.fullmatch(r"\d{4}", m.group("dg1")) and one.currency is None and not one.percent \
            and one.scale is None and _PREPOSITION_BEFORE.search(text, max(0, m.start() - 12), m.start()) and 1000 <= one.raw <= 2100:
        return None
    scale1, scale2 = one.scale, two.scale if two else None
    if two is not None and scale1 is None and scale2 and abs(one.raw) <= abs(two.raw):
        scale1 = scale2  # "$2–3 billion", "2 to 3 million"
    value = one.value(scale1)
    upper = two.value(scale2) if two else None
    currency = one.currency or (two.currency if two else None)
    percent = one.percent or bool(two and two.percent)
    unit = currency or ("percent" if percent else None)
    qualifier = qualifier or _POST.get(post)
    counted, counted_end = (None, -1) if unit else _counted(m, value, detect)
    if m.group("ct") and counted is None:
        period = None  # the period belonged to words that are not part of the figure
    starts = [one.start]
    if qualifier and qstart >= 0:
        starts.append(qstart)
    if two is not None and m.group("bt"):
        starts.append(m.start("bt"))
    ends = [(two or one).end]
    if post:
        ends.append(max(m.end(g) for g in m.groupdict() if g.startswith("p_") and m.group(g) is not None))
    if counted:
        ends.append(counted_end)
    if period:
        ends.append(m.end(f"t_{period}"))
    if detect:
        scaled = scale1 is not None or scale2 is not None
        head = counted.split()[-1].lower() if counted else None
        if head in lx.TIME_UNITS and not unit and not scaled:
            return None  # a duration: "the past three years"
        if one.in_words and abs(value) < 10 and not unit and not scaled and not (counted and _plural(head) and value >= 2):
            return None  # "one of", "two sides": prose, not a figure
        if not (unit or scaled or counted or qualifier or m.group("frac")):
            return None  # a bare number: a list item, a page count, a name ("1718 Committee")
    exponent = None
    if one.written is not None:
        exponent = one.written + len(str(scale1 or 1)) - 1
        exponent = min(exponent, _last(value))
    return min(starts), max(ends), make(value, unit=unit, counted=counted, qualifier=qualifier, period=period,
                                        upper=upper, exponent=exponent)


def _last(d: Decimal) -> int:
    return last_digit_exponent(d)


_POST = {"at_least": "at_least", "approximately": "approximately", "at_most": "at_most"}


def _fraction_part(s: str) -> Decimal | None:
    if s[0].isalpha():
        return words(s)
    return digits(s)[0]


def cjk(m: re.Match, text: str, detect: bool) -> tuple[int, int, Figure] | None:
    """The figure of a match of ``patterns.CJK`` ("2억5천만 원", "150개국", "약 3조 원 이상")."""
    pre, _ = _first(m, "kq")
    pre2, _ = _first(m, "kr")
    post, _ = _first(m, "kp")
    period, _ = _first(m, "kt")
    unit_word, counter = m.group("ku"), m.group("kk")
    cjk_element = bool(m.group("kn") or counter or pre or pre2 or post or period or m.group("km")
                       or (unit_word and unit_word not in ("%", "％")))
    if not cjk_element:
        return None  # the English pattern reads it
    if m.group("kn"):
        value, exponent = cjk_number(m.group("kn")), None
    else:
        value, written = digits(m.group("kd"))
        exponent = written
        if counter is None and unit_word is None and not m.group("kc") and _YEAR.match(m.group("kd")) \
                and 1900 <= value <= 2100:
            return None
    unit = None
    if m.group("kc"):
        unit = _currency_before(m.group("kc"))
    elif unit_word:
        unit = "percent" if unit_word in lx.CJK_PERCENT else lx.CJK_CURRENCIES[unit_word]
    elif counter is None and m.group("kn") and set(m.group("kn")) & lx.KOREAN_MONEY_SCALES:
        unit = "KRW"
    qualifier = pre or pre2 or post or ("more_than" if m.group("km") else None)
    if detect and not (unit or counter or m.group("kn") or qualifier):
        return None
    if detect and not (unit or counter) and _KOREAN_TIME.match(text, m.end()):
        return None  # "10여 년간": a duration
    end = m.end()
    while end > m.start() and text[end - 1].isspace():
        end -= 1
    return m.start(), end, make(value, unit=unit, counted=counter, qualifier=qualifier, period=period,
                                exponent=exponent)
