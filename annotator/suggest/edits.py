"""Accepting and rejecting suggestions as undoable edits (``annotator.edits``' protocol: ``apply``
returns the inverse), so the window's undo stack and the Qt-free ``EditLog`` take them as they take
a typed span.

Accepting stores ordinary spans with the attrs ``accept_all`` gives them (``attrs.origin`` naming
the suggester, ``attrs.figure`` the reading), several in one transaction and one undo step;
rejecting writes ``suggest_rejections``, and its undo forgets the rejection again.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..edits import RemoveSpan, RestoreSpan, SpanRow
from ..errors import EditError
from ..store import Store
from .suggestion import Suggestion


@dataclass(frozen=True)
class AcceptSuggestions:
    """Make ``suggestions`` ``annotator``'s spans; with ``join_claim`` they join that claim (as a
    span typed while a claim is current does). One the reviewer already has is skipped."""

    doc_id: str
    annotator: str
    suggestions: tuple[Suggestion, ...]
    join_claim: int | None = None

    @property
    def description(self) -> str:
        labels = sorted({s.label for s in self.suggestions})
        what = "/".join(labels) or "no"
        return f"accept {what} suggestion" + ("s" if len(self.suggestions) != 1 else "")

    touched_spans = frozenset()  # the new ids are only known afterwards: the inverse names them

    def apply(self, store: Store) -> "RemoveSpans":
        made: list[int] = []
        with store.atomic():
            have = {(r.start, r.end, r.label) for r in store.span_rows(self.doc_id, self.annotator)}
            for s in self.suggestions:
                if s.doc != self.doc_id:
                    raise EditError(f"a suggestion for {s.doc!r} cannot be accepted in {self.doc_id!r}")
                if s.key() in have:
                    continue
                span_id = store._insert_span(self.doc_id, self.annotator, s.start, s.end, s.label, s.attrs())
                if self.join_claim is not None:
                    store._attach(self.join_claim, span_id)
                have.add(s.key())
                made.append(span_id)
        return RemoveSpans(self.doc_id, tuple(made), self.description)


@dataclass(frozen=True)
class RemoveSpans:
    """Delete several spans in one transaction (the undo of accepting suggestions)."""

    doc_id: str
    span_ids: tuple[int, ...]
    what: str = "accept suggestions"

    @property
    def description(self) -> str:
        return self.what

    @property
    def touched_spans(self) -> frozenset[int]:
        return frozenset(self.span_ids)

    def apply(self, store: Store) -> "RestoreSpans":
        with store.atomic():
            rows = tuple(RemoveSpan(self.doc_id, span_id).apply(store).row for span_id in self.span_ids)
        return RestoreSpans(self.doc_id, rows, self.what)


@dataclass(frozen=True)
class RestoreSpans:
    """Put back spans exactly as they were (same ids, attrs, claims): the redo of an accept."""

    doc_id: str
    rows: tuple[SpanRow, ...]
    what: str = "accept suggestions"

    @property
    def description(self) -> str:
        return self.what

    @property
    def touched_spans(self) -> frozenset[int]:
        return frozenset(r.id for r in self.rows)

    def apply(self, store: Store) -> RemoveSpans:
        with store.atomic():
            for row in self.rows:
                RestoreSpan(self.doc_id, row).apply(store)
        return RemoveSpans(self.doc_id, tuple(r.id for r in self.rows), self.what)


@dataclass(frozen=True)
class RejectSuggestion:
    """Remember that ``annotator`` rejected (start, end, label) here: it is not offered again."""

    doc_id: str
    annotator: str
    start: int
    end: int
    label: str

    @property
    def description(self) -> str:
        return f"reject {self.label} suggestion"

    touched_spans = frozenset()

    def apply(self, store: Store) -> "ForgetRejection | NoChange":
        with store.atomic():
            if (self.start, self.end, self.label) in store.rejections(self.doc_id, self.annotator):
                return NoChange(self.doc_id, self)  # rejected before: undo must not forget the older one
            store.reject_suggestion(self.doc_id, self.annotator, self.start, self.end, self.label)
        return ForgetRejection(self.doc_id, self.annotator, self.start, self.end, self.label)


@dataclass(frozen=True)
class ForgetRejection:
    doc_id: str
    annotator: str
    start: int
    end: int
    label: str

    @property
    def description(self) -> str:
        return f"reject {self.label} suggestion"

    touched_spans = frozenset()

    def apply(self, store: Store) -> RejectSuggestion:
        store.forget_rejection(self.doc_id, self.annotator, self.start, self.end, self.label)
        return RejectSuggestion(self.doc_id, self.annotator, self.start, self.end, self.label)


@dataclass(frozen=True)
class NoChange:
    """The inverse of an edit that changed nothing; applying it gives back ``redo``."""

    doc_id: str
    redo: object

    @property
    def description(self) -> str:
        return getattr(self.redo, "description", "nothing")

    touched_spans = frozenset()

    def apply(self, store: Store):
        return NoChange(self.doc_id, self.redo)
