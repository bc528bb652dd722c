"""Annotation changes as plain values: ``apply(store)`` makes the change in one transaction and
returns the edit that undoes it.

The undo stack keeps only what ``apply`` returned, so a redo replays the exact rows an undo
removed (same ids) instead of making new ones, and later edits that name those ids stay valid.
The GUI wraps these in ``QUndoCommand``s; the CLI and tests call them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import EditError
from .model import CLAIM
from .store import Store


class Edit(Protocol):
    doc_id: str

    @property
    def description(self) -> str: ...

    @property
    def touched_spans(self) -> frozenset[int]:
        """Spans whose rows this edit adds, changes or removes (claims aside), for the view."""
        ...

    def apply(self, store: Store) -> "Edit": ...


@dataclass(frozen=True)
class ClaimRow:
    id: int
    span_id: int | None
    note: str
    members: tuple[int, ...]
    attrs: dict[str, Any] = field(default_factory=dict, compare=False)
    created_at: str | None = None


@dataclass(frozen=True)
class SpanRow:
    """A span with everything that hangs on it, enough to put it back exactly."""

    id: int
    doc_id: str
    annotator: str
    start: int
    end: int
    label: str
    attrs: dict[str, Any]
    led_claims: tuple[ClaimRow, ...]  # claims whose statement this span is
    member_of: tuple[int, ...]  # claims this span belongs to
    times: tuple[str, str] | None = None  # created_at, updated_at


@dataclass(frozen=True)
class AddSpan:
    """Create a span; with ``new_claim`` also a claim led by it; with ``join_claim`` join that claim."""

    doc_id: str
    annotator: str
    start: int
    end: int
    label: str
    new_claim: bool = False
    join_claim: int | None = None
    attrs: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def description(self) -> str:
        return f"add {self.label} span" if not self.new_claim else "add claim"

    touched_spans = frozenset()  # the new id is only known afterwards: its inverse names it

    def apply(self, store: Store) -> "RemoveSpan":
        with store.atomic():
            # A FIGURE span is made with its reading (attrs.figure); the inverse's snapshot keeps
            # it, so a redo puts back exactly this reading rather than reading the text again.
            attrs = store.figure_attrs(self.doc_id, self.start, self.end, self.label, self.attrs)
            span_id = store._insert_span(self.doc_id, self.annotator, self.start, self.end, self.label, attrs)
            claim_id = None
            if self.new_claim:
                claim_id = store._insert_claim(self.doc_id, self.annotator, span_id)
            elif self.join_claim is not None:
                store._attach(self.join_claim, span_id)
        return RemoveSpan(self.doc_id, span_id, created_claim=claim_id, label=self.label)


@dataclass(frozen=True)
class RemoveSpan:
    doc_id: str
    span_id: int
    created_claim: int | None = None  # set when the inverse of AddSpan made a claim
    label: str = ""

    @property
    def description(self) -> str:
        return f"delete {self.label or 'span'}"

    @property
    def touched_spans(self) -> frozenset[int]:
        return frozenset({self.span_id})

    def apply(self, store: Store) -> "RestoreSpan":
        with store.atomic():
            row = _snapshot(store, self.span_id)
            store._delete_span(self.span_id)  # claims it leads and memberships go by cascade
        return RestoreSpan(self.doc_id, row)


@dataclass(frozen=True)
class RestoreSpan:
    doc_id: str
    row: SpanRow

    @property
    def description(self) -> str:
        return f"restore {self.row.label}"

    @property
    def touched_spans(self) -> frozenset[int]:
        return frozenset({self.row.id})

    def apply(self, store: Store) -> RemoveSpan:
        row = self.row
        with store.atomic():
            store._insert_span(row.doc_id, row.annotator, row.start, row.end, row.label, row.attrs, span_id=row.id,
                               times=row.times)
            for claim in row.led_claims:
                store._insert_claim(row.doc_id, row.annotator, row.id, claim.note, claim_id=claim.id, attrs=claim.attrs,
                                    created_at=claim.created_at)
                for member in claim.members:
                    store._attach(claim.id, member)
            for claim_id in row.member_of:
                store._attach(claim_id, row.id)
        return RemoveSpan(self.doc_id, row.id, label=row.label)


def _snapshot(store: Store, span_id: int) -> SpanRow:
    doc_id, annotator, span = store.span(span_id)
    return SpanRow(
        id=span_id, doc_id=doc_id, annotator=annotator, start=span.start, end=span.end, label=span.label,
        attrs=dict(span.attrs), led_claims=tuple(_claim_row(store, c) for c in store.claims_led_by(span_id)),
        member_of=tuple(store.claims_with_member(span_id)), times=store.span_times(span_id),
    )


@dataclass(frozen=True)
class Relabel:
    """Change a span's label, keeping claims consistent with labels (undone together):

    - relabelled to CLAIM, the span leads a new claim (and stops being another claim's member);
    - relabelled from CLAIM to anything else, the claims it led are dissolved;
    - relabelled to FIGURE, the span gets the automatic reading of its text (an edited reading it
      still carries is kept); relabelled away from FIGURE, an automatic reading is dropped.

    The inverse carries the exact claims, memberships and attrs to put back (same ids), so later
    history entries that name them stay valid.
    """

    doc_id: str
    span_id: int
    label: str
    claims_before: tuple[ClaimRow, ...] | None = None  # set on inverses: the claims it led
    member_of_before: tuple[int, ...] | None = None  # set on inverses: the claims it belonged to
    attrs_before: dict[str, Any] | None = field(default=None, compare=False)  # set on inverses

    @property
    def description(self) -> str:
        return f"relabel as {self.label}"

    @property
    def touched_spans(self) -> frozenset[int]:
        return frozenset({self.span_id})

    def apply(self, store: Store) -> "Relabel":
        with store.atomic():
            doc_id, annotator, span = store.span(self.span_id)
            led_before = tuple(_claim_row(store, c) for c in store.claims_led_by(self.span_id))
            member_of_before = tuple(store.claims_with_member(self.span_id))
            store._relabel_span(self.span_id, self.label)
            _set_attrs(store, self.span_id, span.attrs, self.attrs_before if self.attrs_before is not None
                       else store.figure_attrs(doc_id, span.start, span.end, self.label, span.attrs))
            if self.claims_before is not None:  # undo or redo: put back exactly what was there
                self._restore(store, doc_id, annotator, led_before, member_of_before)
            elif self.label == CLAIM and not led_before:
                for claim_id in member_of_before:
                    store._detach(claim_id, self.span_id)  # a statement is not also a member
                store._insert_claim(doc_id, annotator, self.span_id)
            elif self.label != CLAIM and span.label == CLAIM:
                for claim in led_before:
                    store.db.execute("DELETE FROM claims WHERE id = ?", (claim.id,))
        return Relabel(self.doc_id, self.span_id, span.label, led_before, member_of_before, dict(span.attrs))

    def _restore(self, store: Store, doc_id: str, annotator: str, led_now, member_of_now) -> None:
        for claim in led_now:
            store.db.execute("DELETE FROM claims WHERE id = ?", (claim.id,))
        for claim in self.claims_before or ():
            store._insert_claim(doc_id, annotator, self.span_id, claim.note, claim_id=claim.id, attrs=claim.attrs,
                                    created_at=claim.created_at)
            for member in claim.members:
                store._attach(claim.id, member)
        wanted = set(self.member_of_before or ())
        for claim_id in set(member_of_now) - wanted:
            store._detach(claim_id, self.span_id)
        for claim_id in wanted - set(member_of_now):
            store._attach(claim_id, self.span_id)


def _set_attrs(store: Store, span_id: int, before: dict[str, Any], after: dict[str, Any] | None) -> None:
    """Write a span's attrs only when they change: most relabels and re-bounds touch no figure."""
    if after is not None and after != before:
        store._set_span_attrs(span_id, after)


@dataclass(frozen=True)
class Rebound:
    """Move a span's boundaries. A FIGURE span's automatic reading is read again from its new
    text; an edited reading is the reviewer's and stays. The inverse puts back the exact attrs."""

    doc_id: str
    span_id: int
    start: int
    end: int
    attrs_before: dict[str, Any] | None = field(default=None, compare=False)  # set on inverses

    @property
    def description(self) -> str:
        return "change span boundaries"

    @property
    def touched_spans(self) -> frozenset[int]:
        return frozenset({self.span_id})

    def apply(self, store: Store) -> "Rebound":
        with store.atomic():
            doc_id, _annotator, span = store.span(self.span_id)
            store._check_new_span(doc_id, self.start, self.end, span.label)
            store._set_span_bounds(self.span_id, self.start, self.end)
            _set_attrs(store, self.span_id, span.attrs, self.attrs_before if self.attrs_before is not None
                       else store.figure_attrs(doc_id, self.start, self.end, span.label, span.attrs))
        return Rebound(self.doc_id, self.span_id, span.start, span.end, dict(span.attrs))


@dataclass(frozen=True)
class SetFigure:
    """Set a span's ``attrs.figure`` to ``figure`` exactly (None: no reading). A reviewer's
    correction is made with ``annotator.figures.edited`` and so carries ``"source": "edited"``."""

    doc_id: str
    span_id: int
    figure: dict[str, Any] | None = field(compare=False)

    @property
    def description(self) -> str:
        return "edit figure reading"

    @property
    def touched_spans(self) -> frozenset[int]:
        return frozenset({self.span_id})

    def apply(self, store: Store) -> "SetFigure":
        if self.figure is not None and not isinstance(self.figure, dict):
            raise EditError("a figure reading is a JSON object")
        with store.atomic():
            _doc, _annotator, span = store.span(self.span_id)
            before = span.attrs.get("figure")
            attrs = dict(span.attrs)  # the key keeps its place, so undo gives back the same JSON
            if self.figure is None:
                attrs.pop("figure", None)
            else:
                attrs["figure"] = dict(self.figure)
            store._set_span_attrs(self.span_id, attrs)
        return SetFigure(self.doc_id, self.span_id, before)


def _claim_row(store: Store, claim_id: int) -> ClaimRow:
    _d, _a, claim = store.claim(claim_id)
    attrs, created_at = store.claim_extras(claim_id)
    return ClaimRow(claim.id, claim.span_id, claim.note, claim.members, attrs, created_at)


@dataclass(frozen=True)
class Attach:
    doc_id: str
    claim_id: int
    span_id: int

    @property
    def description(self) -> str:
        return "attach span to claim"

    touched_spans = frozenset()

    def apply(self, store: Store) -> "Detach":
        with store.atomic():
            store._attach(self.claim_id, self.span_id)
        return Detach(self.doc_id, self.claim_id, self.span_id)


@dataclass(frozen=True)
class Detach:
    doc_id: str
    claim_id: int
    span_id: int

    @property
    def description(self) -> str:
        return "detach span from claim"

    touched_spans = frozenset()

    def apply(self, store: Store) -> Attach:
        with store.atomic():
            store._detach(self.claim_id, self.span_id)
        return Attach(self.doc_id, self.claim_id, self.span_id)


@dataclass(frozen=True)
class SetNote:
    doc_id: str
    claim_id: int
    note: str

    @property
    def description(self) -> str:
        return "edit claim note"

    touched_spans = frozenset()

    def apply(self, store: Store) -> "SetNote":
        with store.atomic():
            _d, _a, claim = store.claim(self.claim_id)
            store._set_note(self.claim_id, self.note)
        return SetNote(self.doc_id, self.claim_id, claim.note)


@dataclass
class EditLog:
    """Apply edits and keep their inverses: the undo stack without Qt, for the CLI and tests."""

    store: Store
    undo_stack: list[Edit] = field(default_factory=list)
    redo_stack: list[Edit] = field(default_factory=list)

    def do(self, edit: Edit) -> Edit:
        inverse = edit.apply(self.store)
        self.undo_stack.append(inverse)
        self.redo_stack.clear()
        return inverse

    def undo(self) -> None:
        self.redo_stack.append(self.undo_stack.pop().apply(self.store))

    def redo(self) -> None:
        self.undo_stack.append(self.redo_stack.pop().apply(self.store))
