"""The last check of what a reader returns, before the store sees it.

Each reader checks its own file as it reads (naming the line); this looks once more at the
``AnnotatedDocument`` values themselves, the same way for every format, so that whatever a reader
let through is refused here with the file and document named -- rather than failing in SQLite
(a NUL shortens ``length(text)``, a lone surrogate cannot be encoded as UTF-8) or being stored
wrong. It checks what the store relies on: types, offsets within the text, labels and reviewer
names that are non-empty text, claims that name spans of their own layer, and meta and attrs
that are JSON the exports can write (:func:`annotator.formats.checks.json_problem`), and figure
readings (``attrs.figure``) whose fields are what a reading holds (:mod:`annotator.figures.stored`).
"""

from __future__ import annotations

from typing import Any

from ..model import AnnotatedDocument, check_span
from .checks import is_int, json_problem, string_problem


def item_problem(item: AnnotatedDocument) -> str | None:
    """Why ``item`` cannot be stored as it is, as a sentence naming the field; None if it can."""
    doc = item.document
    for what, value in (("id", doc.id), ("text", doc.text), ("title", doc.title), ("source", doc.source)):
        if not isinstance(value, str):
            return f"its {what} is not a string"
        bad = string_problem(value)
        if bad:
            return f"its {what} holds {bad}"
    if not doc.text:
        return "its text is empty"
    if not isinstance(doc.meta, dict):
        return "its meta is not an object"
    problem = json_problem(doc.meta, root="its meta")
    if problem:
        return problem
    if not isinstance(item.done, bool):
        return f"its done flag is {item.done!r}, not true or false"
    if not (item.is_layer or item.spans or item.claims):
        return None  # a bare text: no reviewer, nothing else to check
    annotator = item.annotator
    if not isinstance(annotator, str) or not annotator.strip():
        return f"its reviewer name {annotator!r} is empty"
    bad = string_problem(annotator)
    if bad:
        return f"its reviewer name holds {bad}"
    length = len(doc.text)
    spans = item.spans
    # Checked in bulk first (a layer may hold tens of thousands of spans): one look at the offsets,
    # each distinct label once, all ids in one search; the span at fault is found only on failure.
    labels = {span.label for span in spans if type(span.label) is str}
    ids = [span.id for span in spans]
    bulk_ok = (
        all(type(s.label) is str and type(s.start) is int and type(s.end) is int and 0 <= s.start < s.end <= length
            for s in spans)
        and all(label.strip() and not string_problem(label) for label in labels)
        and all(i is None or type(i) is str or type(i) is int for i in ids)
        and not string_problem("".join(i for i in ids if type(i) is str))
    )
    for span in spans if not bulk_ok else ():
        problem = _id_problem(span.id) or check_span(length, span.start, span.end, span.label)
        if problem:
            return f"span {span.id!r}: {problem}"
        bad = string_problem(span.label)
        if bad:
            return f"span {span.id!r}: its label holds {bad}"
    for span in spans:
        if type(span.attrs) is not dict:
            return f"span {span.id!r}: its attrs are not an object"
        problem = json_problem(span.attrs, root=f"the attrs of span {span.id!r}") if span.attrs else None
        if problem:
            return problem
        if "figure" in span.attrs:
            problem = _reading_problem(span.attrs["figure"])
            if problem:
                return f"span {span.id!r}: its figure reading: {problem}"
    span_ids = {str(i) for i in ids}
    for claim in item.claims:
        name = f"claim {claim.id!r}"
        problem = _id_problem(claim.id)
        if problem:
            return f"{name}: {problem}"
        if claim.span is not None and str(claim.span) not in span_ids:
            return f"{name}: its statement {claim.span!r} is not a span of this layer"
        for member in claim.members:
            if str(member) not in span_ids:
                return f"{name}: its member {member!r} is not a span of this layer"
        if not isinstance(claim.note, str):
            return f"{name}: its note is not a string"
        bad = string_problem(claim.note)
        if bad:
            return f"{name}: its note holds {bad}"
        if not isinstance(claim.attrs, dict):
            return f"{name}: its attrs are not an object"
        problem = json_problem(claim.attrs, root=f"the attrs of {name}") if claim.attrs else None
        if problem:
            return problem
    return None


def _reading_problem(reading: Any) -> str | None:
    from ..figures.stored import reading_problem  # only files that carry readings pay for the import

    return reading_problem(reading)


def _id_problem(value: Any) -> str | None:
    if value is None or is_int(value):
        return None
    if not isinstance(value, str):
        return f"its id {value!r} is not a string"
    bad = string_problem(value)
    return f"its id holds {bad}" if bad else None
