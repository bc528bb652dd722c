"""Figure normalisation (issue 11, section 1): what a FIGURE span's text means, Qt-free.

A reading is the dict ``attrs.figure`` holds::

    {"value": 3000000000, "unit": "USD", "counted": null, "qualifier": "approximately",
     "period": null, "upper": null, "interval": [2850000000, 3150000000], "source": "auto"}

The API the store, the edits, the formats and the suggestion source use:

- ``read_figure(text) -> Figure | None``: the reading of a span's text (None: not a figure);
- ``figure_attrs(label, text, attrs) -> attrs``: a FIGURE span's attrs with its reading, unless it
  carries an edited one (automatic readings never overwrite ``"source": "edited"``);
- ``edited(reading, **changes) -> dict``: a reviewer's correction, interval recomputed;
- ``find_figures(text) -> [(start, end, Figure)]``: the detector over an article (code points,
  end exclusive, ``text[start:end]`` reads back as the same figure);
- ``describe(reading) -> str``: one line for people ("≈ 3,000,000,000 USD");
- ``overlap(a, b)``: whether two readings can be the same quantity.

What is read:

- value fully scaled: digits with thousands commas ("1,200"), a decimal point ("1.7"), European
  dots only where they cannot be a decimal point ("1.200.000", "1.200,50", "5.000 €": no currency
  is quoted to a thousandth without a scale; a bare "1.200" is 1.2), a
  decimal comma only where it cannot be a thousands one ("3,5%" is 3.5; "1,200" is 1200), thin or
  no-break spaces ("1 200"); number words ("two hundred and forty", "a billion", "half a
  million"); scales thousand, million, billion, trillion, k, mn, mln, bn, tn, lakh, crore, and m,
  mm, b after a currency sign only ("$5m"; "5 m" is five metres); Korean and Chinese numerals with
  digits (천 백 십 만 억 조, 千 百 十 万 亿 兆: "2억5천만 원", "7,000만 원", "1조 2천억");
- unit: ISO 4217 from signs ("$" is USD, "¥" is JPY, "CN¥" and "RMB" CNY), codes (case-sensitive)
  and words ("dollars", "won", "원", "euros", "pounds", "yen", "yuan", "위안", "元", ...); "percent"
  for %, per cent, percent, pct, 퍼센트; null for a count. A bare Korean amount in 억 or 조
  ("4.3조") is KRW: Korean news drops 원 after these scales, and counts that large take a counter;
- counted: the words after a count up to a stop word (preposition, verb, article), cut after the
  last plural ("40 people died" → "people"; "1 person" keeps its one noun); Korean counters as
  written ("150개국" → "개국"); null for money and percentages;
- qualifier from the phrases in ``lexicon.QUALIFIERS`` before the amount, "or more", "-odd", "+"
  after it, and 약, 최대, 이상, 미만, 여, 가량, ... in Korean;
- period: year (annually, a year, per year, each year, per annum, 연간, 매년), month, week, day; "a
  year ago" is not a period;
- upper: the top of a range ("between $2 billion and $3 billion", "$2–3 billion", "2 to 3
  million"; the low end takes the high end's scale when it has none and is not larger);
- "nine out of ten", "one in five", "two-thirds", "a quarter": a share, read as a percentage (90,
  20, 66.67, 25); "3/4" is not read (a date, a schedule or a ratio).

Not figures: calendar years (a four-digit 1900–2100 with no separator, currency, percent or
scale, and any four-digit number after "in", "since", "by", ...), dates ("March 3, 2024",
"3 March", "2024-03-03", "03/04/2024", "2024년", "3월 5일"), times ("8:05"), ordinals ("4th").

The interval (what comparisons use; ``figure.interval``): as written, ± half a unit of the last
significant digit, at most ± 5% ("$3.129 billion" → [3.1285, 3.1295] billion, "$3 billion" →
[2.85, 3.15] billion: a round figure is itself an approximation); approximately ± 5%; more_than
and at_least X → [X, 2X]; less_than and at_most X → [X/2, X]; a range [low, high], widened by 5%
at each end when approximate. So "more than 50 member states" [50, 100] and "about 53 member
states" [50.35, 55.65] overlap, "around $3 billion" and "approximately $6 billion" do not.

The detector (``find_figures``) is stricter than ``read_figure``: in an article a bare number is
not suggested (list numbers, "1718 Committee", "Part 2"), nor a duration ("the past three
years", "3년간"), nor a number word under ten without a plural noun ("one of", "two co-hosts" is
kept); counted nouns must start lowercase there.
"""

from __future__ import annotations

from typing import Any, Mapping

from .figure import FIELDS, PERIODS, QUALIFIERS, Figure, describe, make, no_reading, overlap
from .scan import candidates

__all__ = ["Figure", "read_figure", "find_figures", "figure_attrs", "edited", "describe", "overlap",
           "no_reading", "FIGURE_LABEL"]

FIGURE_LABEL = "FIGURE"
MAX_PHRASE = 2000  # a span's text longer than this is not one figure; reading it would be wasted work


def read_figure(text: str) -> Figure | None:
    """The reading of a FIGURE span's text: its first figure (years and dates are not figures)."""
    if not isinstance(text, str) or len(text) > MAX_PHRASE:
        return None
    for _start, _end, figure in candidates(text, detect=False):
        return figure
    return None


def find_figures(text: str) -> list[tuple[int, int, Figure]]:
    """Figures in an article, for suggestions: (start, end, reading), code points, end exclusive."""
    return list(candidates(text, detect=True))


def figure_attrs(label: str, text: str, attrs: Mapping[str, Any] | None) -> dict[str, Any]:
    """A span's attrs with ``figure`` as it should be: the automatic reading of ``text`` on a
    FIGURE span (a no-value reading when the text is not a figure), never replacing an edited one;
    an automatic reading left on a span relabelled to something else is dropped. Returns a new dict."""
    out = dict(attrs or {})
    current = out.get("figure")
    is_edited = isinstance(current, Mapping) and current.get("source") == "edited"
    if label != FIGURE_LABEL:
        if current is not None and not is_edited:
            del out["figure"]
        return out
    if is_edited:
        return out
    reading = read_figure(text)
    out["figure"] = reading.to_dict() if reading is not None else no_reading()
    return out


def edited(reading: Mapping[str, Any] | None, **changes: Any) -> dict[str, Any]:
    """A reviewer's correction of ``reading`` (value, unit, counted, qualifier, period, upper):
    marked ``"source": "edited"``, its interval worked out again from the corrected fields."""
    from decimal import Decimal

    base = dict(reading or no_reading())
    unknown = set(changes) - set(FIELDS) - {"interval"}
    if unknown:
        raise ValueError(f"not a figure field: {', '.join(sorted(unknown))}")
    base.update(changes)
    if base.get("qualifier") not in (None, *QUALIFIERS):
        raise ValueError(f"qualifier must be one of {', '.join(QUALIFIERS)} or null")
    if base.get("period") not in (None, *PERIODS):
        raise ValueError(f"period must be one of {', '.join(PERIODS)} or null")
    value = base.get("value")
    if value is None:
        return {**base, "interval": None, "upper": None, "source": "edited"}
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("value must be a number")
    upper = base.get("upper")
    figure = make(Decimal(str(value)), unit=base.get("unit"), counted=base.get("counted"),
                  qualifier=base.get("qualifier"), period=base.get("period"),
                  upper=Decimal(str(upper)) if upper is not None else None, source="edited")
    out = figure.to_dict()
    if "interval" in changes and changes["interval"] is not None:  # the reviewer said it outright
        out["interval"] = list(changes["interval"])
    return out
