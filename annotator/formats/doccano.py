"""doccano JSONL: sequence labelling and relation extraction.

Two shapes per line, both read:

    {"text": ..., "label": [[start, end, "LABEL"], ...]}                      (sequence labelling)
    {"text": ..., "entities": [{"id", "label", "start_offset", "end_offset"}],
     "relations": [{"id", "from_id", "to_id", "type"}]}                      (relation extraction)

Offsets are code points (doccano is Python). ``id``, ``title`` and ``annotator`` are read when
present; every other key (and the contents of a ``meta`` object) lands in the document's ``meta``.
doccano's own relation export is pretty-printed over several lines, so a file may hold JSON values
that span lines; both one-object-per-line and concatenated pretty-printed objects are read.

Claims travel as relations from the CLAIM span to each member, typed with the member's label;
a relation with a CLAIM span at either end reads back into a claim. Other relations are kept in the
source span's ``attrs["relations"]`` and written back out.

``write(items, path, form=...)`` (``annotator export --doccano-form``) picks the shape for the whole
file. doccano's importer (1.8.4, run by hand), without "Allow overlapping spans", drops a span that
overlaps another (every member nested in its CLAIM) and then fails on a relation whose entity it
dropped (``KeyError`` in ``RelationLabel.create``: ``id_to_span[from_id]``), after storing the
examples and the spans it kept, with no relations; its task retries three times, so each example is
stored four times. Without "Use relation labeling" it offers no "JSONL(Relation)", and "JSONL"
stores the texts with no spans at all ("Column label not found in the file"):

- ``form="label"``: spans only (``label``: ``[[start, end, label]]``); CLAIM spans and claims are
  left out, with a count in the warnings, so it imports into a "Sequence Labeling" project with the
  default settings (import as "JSONL"). Other spans that overlap are counted in the warnings: doccano
  keeps them only with "Allow overlapping spans" on.
- ``form="relation"``: every span (``entities`` with integer ids) and claims as ``relations``;
  imports into a "Sequence Labeling" project with "Allow overlapping spans" and "Use relation
  labeling" both on (import as "JSONL(Relation)").
- no form: the relation form when any document has claims or relations (so a claim is never
  silently lost), else the label form.

The file is ASCII, every other character as a JSON ``\\u`` escape: doccano reads a
"JSONL(Relation)" upload in the encoding chardet guesses, and a short UTF-8 file is guessed as
Windows-1252 (``Korea’s`` stored as ``Koreaâ€™s``, every later offset off by two) or fails to decode.

It writes ``annotator`` on each line so reviewer identity survives a round trip (doccano #1015). Claim notes, span ids and span attributes other than relations are not carried.

The relation/claim and JSON-lines helpers the formats share are in :mod:`annotator.formats.shared`
(and importable from here as before).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from .. import collector
from ..atomic import atomic_write
from ..errors import InputError
from ..model import CLAIM, AnnotatedDocument, Document, Span, check_span, text_sha256
from . import checks
from .base import WriteReport
from .jsonl import default_title
from .shared import (  # noqa: F401  (re-exported: formats import these from here too)
    iter_records, json_records, link_relations, read_records, relations_for_write, resolve_ref, span_ref,
    unique_spans, warn,
)

NAME = "doccano"
EXTENSIONS = (".jsonl",)
DESCRIPTION = "doccano JSONL (sequence labelling or entities + relations; claims as relations)"


# --------------------------------------------------------------------------- reading

_KNOWN_KEYS = {"id", "text", "title", "annotator", "label", "entities", "relations", "meta"}
_ID_TYPES = (int, str)  # type(...) in: a bool is neither


def read(path: str | Path, *, default_annotator: str, progress=None) -> list[AnnotatedDocument]:
    return list(iter_read(path, default_annotator=default_annotator, progress=progress))


def iter_read(path: str | Path, *, default_annotator: str, progress=None) -> Iterator[AnnotatedDocument]:
    """Each record's document as soon as its line is read and checked."""
    for lineno, obj in iter_records(path, progress):
        try:
            item = _parse(obj, default_annotator=default_annotator, where=f"{path}, line {lineno}")
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
        yield item


def _raw_span(raw: Any, index: int) -> tuple[Any, Any, Any, Any]:
    """(id, start, end, label) from ``[start, end, label]`` or a doccano entity object."""
    if isinstance(raw, (list, tuple)):
        if len(raw) != 3:
            raise ValueError(f"span {index} must be [start, end, label], not {raw!r}")
        return None, raw[0], raw[1], raw[2]
    if isinstance(raw, dict):
        start = raw.get("start_offset", raw.get("start"))
        end = raw.get("end_offset", raw.get("end"))
        return raw.get("id"), start, end, raw.get("label")
    raise ValueError(f"span {index} must be [start, end, label] or an object, not {raw!r}")


def _usual_entity(raw: Any, length: int) -> Span | None:
    """The usual entity (an integer or string id, integer offsets inside the text, a label) as the
    checks in ``_parse`` would take it, without the names they quote (half of a 100,000-entity
    import's reading); None for anything else, which they then judge."""
    if type(raw) is not dict:
        return None
    span_id, label = raw.get("id"), raw.get("label")
    start, end = raw.get("start_offset", raw.get("start")), raw.get("end_offset", raw.get("end"))
    if ((type(span_id) is int or type(span_id) is str and span_id) and type(start) is int and type(end) is int
            and 0 <= start < end <= length and type(label) is str and label.strip()):
        return Span(start=start, end=end, label=label, id=str(span_id), attrs={})
    return None


def _usual_relation(raw: Any) -> tuple[str | None, str, str, str] | None:
    """The usual relation (integer or string ids, a type) as ``_parse`` takes it; None for others."""
    if type(raw) is not dict:
        return None
    rel_id, from_id, to_id, rel_type = raw.get("id"), raw.get("from_id"), raw.get("to_id"), raw.get("type")
    if (type(from_id) in _ID_TYPES and type(to_id) in _ID_TYPES and (rel_id is None or type(rel_id) in _ID_TYPES)
            and type(rel_type) is str and rel_type.strip()):
        return None if rel_id is None else str(rel_id), str(from_id), str(to_id), rel_type
    return None


def _parse(obj: Any, *, default_annotator: str, where: str) -> AnnotatedDocument:
    if not isinstance(obj, dict):
        raise ValueError("each record must be a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        raise ValueError("the record has no 'text' string")
    if not text:
        raise ValueError("the document text is empty")
    meta: dict[str, Any] = {}
    if "meta" in obj:
        if not isinstance(obj["meta"], dict):
            raise ValueError("'meta' must be an object")
        meta.update(obj["meta"])
    meta.update({key: value for key, value in obj.items() if key not in _KNOWN_KEYS})
    doc_id = checks.id_value(obj.get("id", meta.get("id")), "'id'") or text_sha256(text)[:16]
    title = checks.optional_str(obj.get("title", meta.get("title")), "'title'") or default_title(text, doc_id)
    annotator = obj.get("annotator", default_annotator)
    if not isinstance(annotator, str) or not annotator.strip():
        raise ValueError("'annotator' must be a non-empty string")

    if "entities" in obj and "label" in obj:
        raise ValueError("the record has both 'label' and 'entities'; use one")
    raw_spans = checks.optional_list(obj.get("entities", obj.get("label")), "'label'/'entities'")
    spans: list[Span] = []
    seen: set[str] = set()
    length = len(text)
    for index, raw in enumerate(raw_spans, start=1):
        usual = _usual_entity(raw, length)
        if usual is not None and usual.id not in seen:
            seen.add(usual.id)
            spans.append(usual)
            continue
        span_id, start, end, label = _raw_span(raw, index)
        span_id = checks.id_value(span_id, f"span {index}: 'id'") or f"s{index}"
        name = f"span {span_id!r}" if isinstance(raw, dict) and raw.get("id") is not None else f"span {index}"
        if span_id in seen:
            raise ValueError(f"{name}: the id is used twice")
        seen.add(span_id)
        problem = check_span(len(text), start, end, label)
        if problem:
            raise ValueError(f"{name}: {problem}")
        spans.append(Span(start=start, end=end, label=label, id=span_id, attrs={}))

    raw_relations = checks.optional_list(obj.get("relations"), "'relations'")
    relations = []
    for index, raw in enumerate(raw_relations, start=1):
        usual_relation = _usual_relation(raw)
        if usual_relation is not None:
            relations.append(usual_relation)
            continue
        if not isinstance(raw, dict) or "from_id" not in raw or "to_id" not in raw:
            raise ValueError(f"relation {index} must be an object with 'from_id' and 'to_id'")
        name = f"relation {raw.get('id', index)!r:.60}"
        rel_type = raw.get("type")
        if not isinstance(rel_type, str) or not rel_type.strip():
            raise ValueError(f"{name}: 'type' must be a non-empty string")
        ends = [checks.id_value(raw[key], f"{name}: {key!r}") for key in ("from_id", "to_id")]
        relations.append((checks.id_value(raw.get("id"), f"{name}: 'id'"), ends[0], ends[1], rel_type))
    for _, from_id, to_id, _ in relations:
        for end_id in (from_id, to_id):
            if end_id not in seen:
                raise ValueError(f"a relation points to {end_id!r}, which is not an entity of this record")
    spans, alias = unique_spans(spans, where=where)
    relations = [(rid, alias.get(a, a), alias.get(b, b), t) for rid, a, b, t in relations]
    claims = link_relations(spans, relations, where="the record")
    source = meta.get("source", "")
    document = Document(id=doc_id, title=title, text=text, source=source if isinstance(source, str) else str(source),
                        meta=meta)
    return AnnotatedDocument(document=document, annotator=annotator, spans=spans, claims=claims)


# --------------------------------------------------------------------------- writing


FORMS = ("label", "relation")


def _overlapping(spans: list[Span]) -> int:
    """How many spans overlap an earlier one (by start): what doccano drops without "Allow overlapping"."""
    count, reach = 0, -1
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if span.start < reach:
            count += 1
        reach = max(reach, span.end)
    return count


def write(items: Iterable[AnnotatedDocument], path: str | Path, *, form: str | None = None) -> WriteReport:
    if form not in (None, *FORMS):
        raise InputError(f"the doccano form is 'label' or 'relation', not {form!r}")
    # Without a form every item is held (below), a million small objects in no cycle: the
    # collector walked them again and again (0.5-1 s of a 1,000 x 100 export).
    with collector.paused():
        return _write(items, path, form)


def _write(items: Iterable[AnnotatedDocument], path: str | Path, form: str | None) -> WriteReport:
    report = WriteReport()
    left_out = [0, 0]  # claims, CLAIM spans (label form)
    overlaps = 0

    def prepare(items: Iterable[AnnotatedDocument]) -> Iterator[tuple[AnnotatedDocument, list]]:
        nonlocal overlaps
        for item in items:
            if form == "label":
                left_out[0] += len(item.claims)
                kept = [span for span in item.spans if span.label != CLAIM]
                left_out[1] += len(item.spans) - len(kept)
                item = AnnotatedDocument(item.document, item.annotator, kept, [], done=item.done)
                pairs = []
            else:
                pairs = relations_for_write(item, report)
            overlaps += _overlapping(item.spans)
            yield item, pairs

    if form is None:
        # The form follows from every item (relations anywhere): only then are they all held.
        prepared: Iterable[tuple[AnnotatedDocument, list]] = list(prepare(items))
        relation_form = any(pairs for _, pairs in prepared)
    else:
        prepared = prepare(items)  # written as they come
        relation_form = form == "relation"
    with atomic_write(path) as handle:
        for item, pairs in prepared:
            doc = item.document
            obj: dict[str, Any] = {"id": doc.id, "text": doc.text}
            if relation_form:
                numbers = {id(span): number for number, span in enumerate(item.spans)}
                obj["entities"] = [
                    {"id": numbers[id(span)], "label": span.label, "start_offset": span.start, "end_offset": span.end}
                    for span in item.spans
                ]
                obj["relations"] = [
                    # a stored relation keeps its id; doccano needs none (its import example has none)
                    {**({"id": _id_value(rel["id"])} if rel.get("id") is not None else {}),
                     "from_id": numbers[id(source)], "to_id": numbers[id(target)], "type": rel_type}
                    for source, target, rel_type, rel in pairs
                ]
            else:
                obj["label"] = [[span.start, span.end, span.label] for span in item.spans]
            obj["title"] = doc.title
            obj["annotator"] = item.annotator
            obj["meta"] = doc.meta
            # ASCII only (non-ASCII as \u escapes): doccano's "JSONL(Relation)" import takes no encoding
            # and guesses one with chardet, which calls a short UTF-8 file Windows-1252 or -1254 and
            # stores mojibake with every later offset shifted, or fails; ASCII reads the same in all.
            handle.write(json.dumps(obj, ensure_ascii=True))
            handle.write("\n")
            report.documents += 1
            report.spans += len(item.spans)
    if any(left_out):
        report.warnings.append(f"the doccano label form leaves out {left_out[0]} claim(s) and {left_out[1]} "
                               f"{CLAIM} span(s); --doccano-form relation keeps them")
    if overlaps:
        report.warnings.append(f"{overlaps} span(s) overlap another span: doccano keeps them only in a project "
                               "with \"Allow overlapping spans\" on")
    return report


def _id_value(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isdigit() else value
