"""Plain values the whole program passes around: documents, spans, claims, labels.

Offsets are Unicode code points into ``Document.text`` (Python ``str`` indices), end-exclusive.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

GOLD = "gold"  # reserved layer name for adjudicated annotations

CLAIM = "CLAIM"  # the label whose span is a claim's statement
FIGURE = "FIGURE"  # the label whose spans carry attrs.figure (annotator.figures)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Label:
    name: str
    color: str  # "#rrggbb"
    shortcut: str | None = None  # single key, e.g. "1"; None for labels added on import
    description: str = ""
    style: str = "background"  # "background" or "underline": how the view draws it
    alt_shortcut: str | None = None  # a second key, e.g. the label's initial


@dataclass
class LabelScheme:
    labels: list[Label] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_name = {label.name: label for label in self.labels}

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self):
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)

    def get(self, name: str) -> Label | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return [label.name for label in self.labels]


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @cached_property  # the text never changes; a merge asks for it once per reviewer file and document
    def sha256(self) -> str:
        return text_sha256(self.text)


@dataclass(frozen=True)
class Span:
    """A labelled stretch of a document. ``id`` is the store's row id (or a file's own id)."""

    start: int
    end: int
    label: str
    id: str | int | None = None
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def text_in(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


class SpanRow(NamedTuple):
    """Where a span is and what it is called, without its attributes: what a view of tens of
    thousands of spans needs, at a third of the cost of building ``Span`` objects."""

    start: int
    end: int
    label: str
    id: int


@dataclass(frozen=True)
class Claim:
    """A statement span together with the SPEAKER/FIGURE/ENTITY spans that belong to it.

    ``span`` and ``members`` name span ids of the same layer.
    """

    span: str | int | None
    members: tuple[str | int, ...] = ()
    note: str = ""
    id: str | int | None = None
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class AnnotatedDocument:
    """One document as one reviewer annotated it: the unit of the native JSONL format."""

    document: Document
    annotator: str
    spans: list[Span] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    done: bool = False
    # False for a bare text (a .txt file): importing it creates no reviewer layer.
    is_layer: bool = True


def check_span(text_length: int, start: Any, end: Any, label: Any) -> str | None:
    """Return why a span is invalid for a text of ``text_length`` code points, or None."""
    if not isinstance(start, int) or isinstance(start, bool):
        return f"start must be an integer, not {start!r}"
    if not isinstance(end, int) or isinstance(end, bool):
        return f"end must be an integer, not {end!r}"
    if not isinstance(label, str) or not label.strip():
        return f"label must be a non-empty string, not {label!r}"
    if start < 0 or end > text_length:
        return f"offsets [{start}, {end}) are out of range for a text of {text_length} characters"
    if start >= end:
        return f"start ({start}) must be less than end ({end})"
    return None
