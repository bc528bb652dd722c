"""A figure's reading as a value, the interval rule, and how a reading is shown."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

QUALIFIERS = ("approximately", "more_than", "less_than", "at_least", "at_most")
PERIODS = ("year", "month", "week", "day")
SOURCES = ("auto", "edited")
FIELDS = ("value", "unit", "counted", "qualifier", "period", "upper", "interval", "source")

Number = int | float

FIVE_PERCENT = Decimal("0.05")


@dataclass(frozen=True)
class Figure:
    """The normalised reading of a figure: ``to_dict()`` is what ``attrs.figure`` holds."""

    value: Number
    unit: str | None = None  # ISO 4217 code, "percent", or None for a plain count
    counted: str | None = None
    qualifier: str | None = None
    period: str | None = None
    upper: Number | None = None
    interval: tuple[Number, Number] | None = None
    source: str = "auto"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "counted": self.counted, "qualifier": self.qualifier,
                "period": self.period, "upper": self.upper,
                "interval": list(self.interval) if self.interval is not None else None, "source": self.source}


def no_reading() -> dict[str, Any]:
    """``attrs.figure`` of a FIGURE span whose text is not a figure this module can read."""
    return {field: None for field in FIELDS} | {"source": "auto"}


def number(d: Decimal) -> Number:
    """A JSON number: an int when whole ("$1.7 billion" is 1700000000, not 1.7e9), else a float."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def last_digit_exponent(d: Decimal) -> int:
    """The power of ten of ``d``'s last non-zero digit: 3000 → 3, 1.75 → -2."""
    if d == 0:
        return 0
    return d.normalize().as_tuple().exponent


def interval(value: Decimal, *, upper: Decimal | None = None, qualifier: str | None = None,
             exponent: int | None = None) -> tuple[Decimal, Decimal]:
    """What a figure allows (the rule, also in the package docstring and docs/architecture.md):

    - as written, no qualifier: ± half a unit of the last significant digit ("$3.129 billion" →
      ± 0.0005 billion), at most ± 5% (a round "$3 billion" is itself an approximation, never
      looser than "about");
    - approximately: ± 5%;
    - more_than / at_least X: [X, 2X]; less_than / at_most X: [X/2, X] (a writer who meant more than
      double or less than half would have said so); bounds are closed;
    - a range: [low, high], widened by 5% at each end when approximate, to 2×high for more_than and
      at_least, to low/2 for less_than and at_most.
    """
    if upper is not None:
        low, high = sorted((value, upper))
        if qualifier == "approximately":
            return low - abs(low) * FIVE_PERCENT, high + abs(high) * FIVE_PERCENT
        if qualifier in ("more_than", "at_least"):
            return low, high + abs(high)
        if qualifier in ("less_than", "at_most"):
            return low - abs(low) / 2, high
        return low, high
    if qualifier == "approximately":
        return value - abs(value) * FIVE_PERCENT, value + abs(value) * FIVE_PERCENT
    if qualifier in ("more_than", "at_least"):
        return value, value + abs(value)
    if qualifier in ("less_than", "at_most"):
        return value - abs(value) / 2, value
    if exponent is None:
        exponent = last_digit_exponent(value)
    half = min(Decimal(5).scaleb(exponent - 1), abs(value) * FIVE_PERCENT)
    return value - half, value + half


def make(value: Decimal, *, unit=None, counted=None, qualifier=None, period=None, upper: Decimal | None = None,
         exponent: int | None = None, source: str = "auto") -> Figure:
    low, high = interval(value, upper=upper, qualifier=qualifier, exponent=exponent)
    return Figure(number(value), unit, counted, qualifier, period,
                  number(upper) if upper is not None else None, (number(low), number(high)), source)


def overlap(a: dict | Figure, b: dict | Figure) -> bool:
    """Whether two readings can be the same quantity: same unit and period, intervals meeting."""
    a = a.to_dict() if isinstance(a, Figure) else a
    b = b.to_dict() if isinstance(b, Figure) else b
    if not a.get("interval") or not b.get("interval"):
        return False
    if a.get("unit") != b.get("unit") or a.get("period") != b.get("period"):
        return False
    (alo, ahi), (blo, bhi) = a["interval"], b["interval"]
    return alo <= bhi and blo <= ahi


_SIGNS = {"approximately": "≈ ", "more_than": "> ", "less_than": "< ", "at_least": "≥ ", "at_most": "≤ "}
_PERIOD_WORDS = {"year": "a year", "month": "a month", "week": "a week", "day": "a day"}


def _grouped(n: Number) -> str:
    return f"{n:,}"


def describe(figure: dict | Figure | None) -> str:
    """One line for people: "≈ 3,000,000,000 USD", "> 50 × member states", "40% a year". A count
    shows what it counts after "×", so that the reading of "58 cyberattacks" says what was
    understood (58 of them) rather than repeating the phrase."""
    f = figure.to_dict() if isinstance(figure, Figure) else figure
    if not f or f.get("value") is None:
        return "not a figure"
    amount = _grouped(f["value"])
    if f.get("upper") is not None:
        amount += "–" + _grouped(f["upper"])
    unit = f.get("unit")
    parts = [_SIGNS.get(f.get("qualifier"), "") + amount + ("%" if unit == "percent" else "")]
    if unit and unit != "percent":
        parts.append(unit)
    if f.get("counted"):
        parts.append("× " + f["counted"])
    if f.get("period"):
        parts.append(_PERIOD_WORDS.get(f["period"], f"a {f['period']}"))
    return " ".join(parts)
