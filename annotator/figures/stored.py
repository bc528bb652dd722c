"""Readings that come from files: checked before they are stored, filled in where missing.

A reading in someone else's file (``attrs.figure`` of native JSONL, a Label Studio region's
``meta.figure``, a brat note, a reviewer's project file) is trusted no more than the rest of the
file: the claims panel, the exports and the comparison of claims read its fields as numbers and
words, so a string where a number belongs or an interval upside down is refused with the field
named, never stored to fail later. A FIGURE span that arrives without a reading gets the automatic
one, as a span made in the window does.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

from .figure import FIELDS, PERIODS, QUALIFIERS, SOURCES

# Bounds on what a reading may hold: far beyond any figure in the news (the world's GDP is about
# 1e14 USD; 1e30 covers any currency's inflation), small enough that a file cannot plant a number
# that overflows a float in arithmetic, or a "unit" that is really a paragraph.
MAX_MAGNITUDE = 1e30
MAX_UNIT = 16
MAX_COUNTED = 200


def _number_problem(value: Any, name: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"its {name} must be a number"
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        return f"its {name} {value!r:.40} is out of range"
    return None


def reading_problem(reading: Any) -> str | None:
    """Why ``reading`` cannot be stored as a figure's reading (a sentence naming the field), or None."""
    if not isinstance(reading, Mapping):
        return "it must be an object"
    unknown = [key for key in reading if key not in FIELDS]
    if unknown:
        return f"{str(unknown[0])!r:.40} is not a field of a reading (fields: {', '.join(FIELDS)})"
    source = reading.get("source", "auto")
    if source not in SOURCES:
        return f"its source must be {' or '.join(SOURCES)}"
    value = reading.get("value")
    for name in ("value", "upper"):
        if reading.get(name) is not None:
            problem = _number_problem(reading[name], name)
            if problem:
                return problem
    for name, limit in (("unit", MAX_UNIT), ("counted", MAX_COUNTED)):
        text = reading.get(name)
        if text is not None and (not isinstance(text, str) or not text.strip() or len(text) > limit
                                 or any(ch < " " for ch in text)):
            return f"its {name} must be a short line of text (at most {limit} characters) or null"
    if reading.get("qualifier") not in (None, *QUALIFIERS):
        return f"its qualifier must be one of {', '.join(QUALIFIERS)} or null"
    if reading.get("period") not in (None, *PERIODS):
        return f"its period must be one of {', '.join(PERIODS)} or null"
    interval = reading.get("interval")
    if interval is not None:
        if value is None:
            return "it has an interval but no value"
        if not isinstance(interval, (list, tuple)) or len(interval) != 2:
            return "its interval must be a list of two numbers [low, high]"
        for bound in interval:
            problem = _number_problem(bound, "interval")
            if problem:
                return problem
        if interval[0] > interval[1]:
            return f"its interval [{interval[0]}, {interval[1]}] is upside down"
    elif value is not None:
        return "it has a value but no interval (what comparisons use)"
    if value is None and reading.get("upper") is not None:
        return "it has an upper bound but no value"
    return None


def complete(reading: Mapping[str, Any]) -> dict[str, Any]:
    """A checked reading with every field present (a file may leave out the null ones)."""
    return {field: reading.get(field) for field in FIELDS} | {"source": reading.get("source", "auto")}


class Filler:
    """Automatic readings for FIGURE spans that arrive without one, memoised by text for one import:
    news repeats its figures ("$1 billion", "40%"), and a reading costs about 0.1 ms."""

    MEMO = 50_000

    def __init__(self) -> None:
        self._memo: dict[str, dict[str, Any]] = {}
        self._json: dict[str, str] = {}

    def reading(self, text: str) -> dict[str, Any]:
        hit = self._memo.get(text)
        if hit is None:
            from . import no_reading, read_figure

            figure = read_figure(text)
            hit = figure.to_dict() if figure is not None else no_reading()
            if len(self._memo) < self.MEMO:
                self._memo[text] = hit
        return dict(hit, interval=list(hit["interval"]) if hit["interval"] is not None else None)

    def attrs_json(self, text: str) -> str:
        """``json.dumps({"figure": reading})`` of a span with no other attrs, as the store keeps it."""
        hit = self._json.get(text)
        if hit is None:
            import json

            hit = json.dumps({"figure": self.reading(text)}, ensure_ascii=False)
            if len(self._json) < self.MEMO:
                self._json[text] = hit
        return hit
