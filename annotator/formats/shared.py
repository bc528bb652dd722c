"""Helpers the formats share: JSON-lines records read and checked (doccano, spaCy), claims and
relations between spans (doccano, Label Studio, brat), duplicate spans dropped, warnings."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Iterator

from ..errors import InputError
from ..model import CLAIM, AnnotatedDocument, Claim, Span
from . import checks
from .base import WriteReport, read_lines, read_text


def warn(message: str) -> None:
    """Tell the caller about something read or written that is worth a look (not an error)."""
    warnings.warn(message, UserWarning, stacklevel=3)


def json_records(content: str, path: str | Path) -> list[tuple[int, Any]]:
    """Decode a JSONL file into (line number, value) pairs, each value checked (depth, numbers,
    strings: :func:`annotator.formats.checks.loads`).

    Accepts one value per line and also concatenated, pretty-printed values (doccano's relation
    export). A decoding error names the line where it happened; lines end at ``\\n``, ``\\r\\n``
    or ``\\r``.
    """
    records: list[tuple[int, Any]] = []
    first_error: tuple[int, str] | None = None
    for lineno, line in enumerate(checks.split_lines(content), start=1):
        if not line.strip():
            continue
        try:
            records.append((lineno, checks.loads(line)))
        except json.JSONDecodeError as exc:
            first_error = (lineno, checks.decode_error(exc))
            break
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
    if first_error is None:
        return records
    # Not one value per line: try a stream of (possibly multi-line) values.
    stream: list[tuple[int, Any]] = []
    line_at = checks.LineCounter(content)
    pos = 0
    n = len(content)
    while True:
        while pos < n and content[pos].isspace():
            pos += 1
        if pos >= n:
            return stream
        lineno = line_at(pos)
        try:
            value, end = checks.DECODER.raw_decode(content, pos)
        except json.JSONDecodeError as exc:
            if records:  # the first line(s) were whole values: report the line-based error
                raise InputError(first_error[1], path=str(path), line=first_error[0]) from None
            raise InputError(checks.decode_error(exc), path=str(path), line=checks.line_at(content, exc.pos)) from None
        except (RecursionError, ValueError) as exc:
            raise InputError(checks.decode_error(exc), path=str(path), line=lineno) from None
        try:
            checks.check_record(value, content[pos:end])
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
        stream.append((lineno, value))
        pos = end


def read_records(path: str | Path, progress=None) -> list[tuple[int, Any]]:
    return list(iter_records(path, progress))


def iter_records(path: str | Path, progress=None) -> Iterator[tuple[int, Any]]:
    """(line number, value) of a JSONL file, read and yielded line by line with progress in bytes;
    a file of multi-line values (doccano's pretty-printed relation export) is decoded whole instead,
    going on after the values already yielded."""
    yielded = 0
    for lineno, line in read_lines(path, progress):
        if not line.strip():
            continue
        try:
            record = (lineno, checks.loads(line))
        except json.JSONDecodeError:
            # The values before this line were one per line, so the whole file's values begin
            # with them: go on after them. Names the line of the first real error.
            yield from json_records(read_text(path), path)[yielded:]
            return
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
        yielded += 1
        yield record


def span_ref(span: Span) -> dict[str, Any]:
    """How a relation names its target span: by id, and by offsets and label as a fallback."""
    return {"id": None if span.id is None else str(span.id), "start": span.start, "end": span.end, "label": span.label}


def link_relations(
    spans: list[Span], relations: list[tuple[Any, str, str, str]], *, where: str
) -> list[Claim]:
    """Turn (relation id, from span id, to span id, type) into claims or span relations.

    A relation with a CLAIM span at one end makes the other end a member of that span's claim
    (if both ends are CLAIM spans, the ``from`` end is the claim). Any other relation is appended to
    the source span's ``attrs["relations"]``. Unknown span ids raise ``ValueError``.
    """
    by_id = {str(span.id): span for span in spans}
    members: dict[str, list[str]] = {}
    for rel_id, from_id, to_id, rel_type in relations:
        source, target = by_id.get(str(from_id)), by_id.get(str(to_id))
        if source is None or target is None:
            name = f"relation {rel_id!r}" if rel_id is not None else "a relation"
            missing = from_id if source is None else to_id
            raise ValueError(f"{where}: {name} points to {missing!r}, which is not a span here")
        if source.label == CLAIM or target.label == CLAIM:
            claim_span, member = (source, target) if source.label == CLAIM else (target, source)
            listed = members.setdefault(str(claim_span.id), [])
            if str(member.id) not in listed and member.id != claim_span.id:
                listed.append(str(member.id))
            continue
        entry: dict[str, Any] = {"type": rel_type, "target": span_ref(target)}
        if rel_id is not None:
            entry["id"] = str(rel_id)
        source.attrs.setdefault("relations", []).append(entry)
    return [
        Claim(span=span_id, members=tuple(listed), id=f"c{index}")
        for index, (span_id, listed) in enumerate(members.items(), start=1)
    ]


def resolve_ref(ref: Any, spans: list[Span]) -> Span | None:
    """Find the span a stored relation target names, by id first, then by offsets and label."""
    if not isinstance(ref, dict):
        return None
    for span in spans:
        if ref.get("id") is not None and str(span.id) == str(ref["id"]):
            if ref.get("start") in (None, span.start) and ref.get("end") in (None, span.end):
                return span
    for span in spans:
        if (span.start, span.end, span.label) == (ref.get("start"), ref.get("end"), ref.get("label")):
            return span
    return None


def relations_for_write(
    item: AnnotatedDocument, report: WriteReport, *, carries_notes: bool = False
) -> list[tuple[Span, Span, str, dict]]:
    """The (source, target, type, stored relation) pairs a relation-capable format writes.

    Claims become CLAIM-span -> member pairs typed with the member's label; stored non-claim
    relations (``attrs["relations"]``) are written back when their target is still present.
    Claims that cannot be expressed are described in ``report.skipped``; ``report.claims`` counts
    the ones written.
    """
    doc = item.document
    by_id = {str(span.id): span for span in item.spans}
    pairs: list[tuple[Span, Span, str, dict]] = []
    claim_spans_seen: set[str] = set()
    for claim in item.claims:
        statement = by_id.get(str(claim.span)) if claim.span is not None else None
        members = [by_id[str(m)] for m in claim.members if str(m) in by_id]
        if (statement is not None and statement.label == CLAIM and members and len(members) == len(claim.members)
                and str(statement.id) not in claim_spans_seen and not (claim.note and not carries_notes)):
            # The usual claim: nothing to report, so no name built for a report.
            claim_spans_seen.add(str(statement.id))
            pairs.extend((statement, member, member.label, {}) for member in members)
            report.claims += 1
            continue
        label = f"{doc.id}: claim {claim.id!r}"
        if statement is None:
            report.skipped.append(f"{label}: it has no statement span, so it cannot be written as relations")
            continue
        if statement.label != CLAIM:
            report.skipped.append(f"{label}: its statement span is labelled {statement.label!r}, not {CLAIM}")
            continue
        if len(members) < len(claim.members):
            report.warnings.append(f"{label}: some members are not spans of this document; left out")
        if not members:
            report.skipped.append(f"{label}: it has no members; only its {CLAIM} span is written")
            continue
        if str(statement.id) in claim_spans_seen:
            report.warnings.append(f"{label}: shares its {CLAIM} span with another claim; they read back as one")
        claim_spans_seen.add(str(statement.id))
        if claim.note and not carries_notes:
            report.warnings.append(f"{label}: the claim note is not carried by this format")
        for member in members:
            pairs.append((statement, member, member.label, {}))
        report.claims += 1
    for span in item.spans:
        for rel in span.attrs.get("relations") or []:
            target = resolve_ref(rel.get("target"), item.spans) if isinstance(rel, dict) else None
            if target is None:
                report.warnings.append(f"{doc.id}: a {rel.get('type') if isinstance(rel, dict) else ''!s} relation "
                                       f"from span {span.id!r} points to a span that is gone; not written")
                continue
            pairs.append((span, target, str(rel.get("type") or "related"), rel))
    return pairs


def unique_spans(spans: list[Span], *, where: str) -> tuple[list[Span], dict[str, str]]:
    """Drop exact duplicates (same offsets and label), with a warning.

    Returns the spans kept and a map from each dropped span's id to the id of the one kept.
    """
    kept: dict[tuple[int, int, str], Span] = {}
    alias: dict[str, str] = {}
    out = []
    for span in spans:
        key = (span.start, span.end, span.label)
        if key in kept:
            warn(f"{where}: span [{span.start}, {span.end}) {span.label} appears twice; kept once")
            alias[str(span.id)] = str(kept[key].id)
            continue
        kept[key] = span
        out.append(span)
    return out, alias


