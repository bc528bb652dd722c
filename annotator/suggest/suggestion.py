"""A suggestion: a span a suggester offers a reviewer, not a span until they accept it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FIGURES, SPEAKERS, STRINGS = "figures", "speakers", "strings"
SOURCES = (FIGURES, SPEAKERS, STRINGS)  # also the order in which overlapping offers are kept


@dataclass(frozen=True)
class Suggestion:
    """``text == document text[start:end]`` (code points, end exclusive); ``figure`` is the
    reading (``attrs.figure``) of a figure suggestion, else None."""

    doc: str
    start: int
    end: int
    label: str
    text: str
    source: str
    figure: dict[str, Any] | None = None

    @property
    def origin(self) -> str:
        """What ``attrs.origin`` of an accepted suggestion says: which suggester made it."""
        return f"suggest/{self.source}"

    def key(self) -> tuple[int, int, str]:
        return self.start, self.end, self.label

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc": self.doc, "start": self.start, "end": self.end, "label": self.label,
                               "text": self.text, "source": self.source}
        if self.figure is not None:
            out["figure"] = self.figure
        return out

    def attrs(self) -> dict[str, Any]:
        """The attrs of the span accepting this suggestion makes."""
        out: dict[str, Any] = {"origin": self.origin}
        if self.figure is not None:
            out["figure"] = dict(self.figure)
        return out
