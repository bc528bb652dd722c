"""A figure's reading in formats that have no field for it: one brat ``AnnotatorNotes`` line.

brat shows a note in the annotation's tooltip and keeps it through its editor, so the reading is
written for people first and for the round trip second::

    #3	AnnotatorNotes T5	figure: ≈ 3,000,000,000 USD {"value":3000000000,"unit":"USD",...}

Reading back, a note of exactly this shape whose JSON is a valid reading
(:func:`annotator.figures.stored.reading_problem`) becomes the span's ``attrs.figure`` again (an
edited reading survives the trip); any other note, including one a person wrote that merely
starts with "figure:", stays a note.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

PREFIX = "figure: "
MAX_NOTE = 4000  # a reading's JSON is a few hundred characters; longer is not ours


def worth_writing(reading: Any) -> bool:
    """A reading says something: a value, or a reviewer's word that the span is not a figure."""
    return isinstance(reading, Mapping) and (reading.get("value") is not None or reading.get("source") == "edited")


def figure_note(reading: Mapping[str, Any]) -> str:
    from ..figures import describe

    shown = describe(dict(reading)) + (" (edited)" if reading.get("source") == "edited" else "")
    return PREFIX + shown + " " + json.dumps(dict(reading), ensure_ascii=False, separators=(",", ":"))


def parse_figure_note(note: str) -> dict[str, Any] | None:
    """The reading a note written by :func:`figure_note` carries, or None if it is not one."""
    if not note.startswith(PREFIX) or len(note) > MAX_NOTE or not note.endswith("}"):
        return None
    brace = note.find(' {"')
    if brace < 0:
        return None
    try:
        reading = json.loads(note[brace + 1:])
    except (ValueError, RecursionError):
        return None
    from ..figures.stored import complete, reading_problem

    if reading_problem(reading) is not None:
        return None
    return complete(reading)
