"""Plain values the store hands back (document summaries, stored claims, import and merge
reports), and the check of a span that imports and merges share."""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import EditError
from ..model import check_span


def now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    title: str
    length: int
    spans: int
    claims: int
    done: bool


@dataclass(frozen=True)
class StoredClaim:
    id: int
    span_id: int | None
    members: tuple[int, ...]
    note: str


@dataclass
class MergeResult:
    documents_added: int = 0
    added: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str]] = field(default_factory=list)
    unchanged: list[tuple[str, str]] = field(default_factory=list)
    labels_added: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the merge did differently from asked (one line each)

    def summary(self) -> str:
        text = (
            f"{len(self.added)} layer(s) added, {len(self.replaced)} replaced, {len(self.unchanged)} unchanged; "
            f"{self.documents_added} new document(s)"
        )
        if self.replaced:
            text += "\nreplaced (the old versions are kept in the project's layer history): " + ", ".join(
                f"{who} on {doc}" for doc, who in self.replaced
            )
        if self.labels_added:
            text += f"\nnew labels added to the scheme: {', '.join(self.labels_added)}"
        return "\n".join([text, *self.notes])


@dataclass
class ImportResult:
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    claims_added: int = 0
    labels_added: list[str] | None = None
    layers: int = 0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.documents_added} document(s) added"]
        if self.documents_existing:
            parts.append(f"{self.documents_existing} already in the project")
        parts.append(f"{self.spans_added} span(s) and {self.claims_added} claim(s) added")
        if self.spans_existing:
            parts.append(f"{self.spans_existing} span(s) were already there")
        text = ", ".join(parts)
        if self.labels_added:
            text += f"; new labels added to the scheme: {', '.join(self.labels_added)}"
        return text


def attrs_from_json(stored: str) -> dict[str, Any]:
    return {} if stored == "{}" else json.loads(stored)  # most spans have none: skip the parser


def refuse_bad_span(doc_id: str, length: int, start: object, end: object, label: object, labels: set[str]) -> None:
    """Raise ``EditError`` naming the document unless [start, end) fits a text of ``length`` and
    ``label`` is one of ``labels`` (the import's and the merge's check of every span). The usual
    good span is decided inline, without building check_span's message."""
    if (type(start) is int and type(end) is int and 0 <= start < end <= length  # type: ignore[operator]
            and type(label) is str and label in labels and label.strip()):
        return
    problem = check_span(length, start, end, label)
    if problem:
        raise EditError(f"document {doc_id!r}: {problem}")
    raise EditError(f"document {doc_id!r}: unknown label {label!r}")
