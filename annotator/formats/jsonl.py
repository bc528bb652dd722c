"""The native JSONL format ("gold dataset"): one JSON object per document and reviewer layer.

Version 2 (written):

    {"id", "title", "text", "meta_json", "annotator",
     "spans": [{"id", "start", "end", "label", "text", "attrs_json"}],
     "claims": [{"id", "span", "members", "note", "attrs_json"}]}

``meta_json`` and ``attrs_json`` are strings holding a JSON object (``"{}"`` when empty). Meta and
attributes come from whatever files were imported, so their keys and value types differ from one
document to the next; as objects they broke every columnar reader (Arrow infers a struct per
column: ``{}`` is a struct with no fields, which Parquet cannot store, and ``2024`` in one document
and ``"2024"`` in the next is a type clash). As strings the export goes to Parquet through
pyarrow, pandas, polars or ``datasets`` as it is, and nothing is lost: ``json.loads`` gives the
object back.

Version 1 (``"meta"`` and ``"attrs"`` as objects; claims without attrs) is still read; a line holding
both spellings of one field is refused.

Offsets are code points, end-exclusive. It is a superset of the spaCy/Prodigy ``spans`` shape.
Every span's ``text`` must equal ``text[start:end]``; a line where it does not is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from typing import Any, Iterable, Iterator

from ..atomic import atomic_write
from ..errors import InputError
from ..model import AnnotatedDocument, Claim, Document, Span, check_span, text_sha256
from . import checks
from .base import WriteReport, lone_surrogate, read_lines

NAME = "jsonl"
EXTENSIONS = (".jsonl", ".ndjson")
DESCRIPTION = "Annotator JSONL (native; spans, claims, notes, reviewers)"


def default_title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        if line.strip():
            title = " ".join(line.split())
            return title if len(title) <= 120 else title[:119] + "…"
    return fallback


def read(path: str | Path, *, default_annotator: str, progress=None) -> list[AnnotatedDocument]:
    return list(iter_read(path, default_annotator=default_annotator, progress=progress))


def iter_read(path: str | Path, *, default_annotator: str, progress=None) -> Iterator[AnnotatedDocument]:
    """Read line by line (a large file is never held whole), yielding each document once its line
    is checked, reporting progress in bytes."""
    for lineno, line in read_lines(path, progress):
        if not line.strip():
            continue
        try:
            obj = checks.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})", path=str(path), line=lineno) from None
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
        try:
            item = parse_object(obj, default_annotator=default_annotator)
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
        yield item


def _require(obj: dict, key: str, kind: type | tuple, what: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{what} must have {key!r} as {_kind_name(kind)}")
    return value


def _kind_name(kind: type | tuple) -> str:
    names = {str: "a string", int: "an integer", list: "a list", dict: "an object"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def json_object(obj: dict, key: str, what: str) -> dict:
    """``obj[key]`` (version 1: an object) or ``obj[key + "_json"]`` (version 2: a string holding
    one), checked like a record of its own; both at once are refused."""
    packed = f"{key}_json"
    if packed not in obj:
        return checks.optional_dict(obj.get(key), f"{what}{key!r}")
    if key in obj:
        raise ValueError(f"{what}both {key!r} and {packed!r} are given; use one")
    value = obj[packed]
    if not isinstance(value, str):
        raise ValueError(f"{what}{packed!r} must be a string holding a JSON object, not {type(value).__name__}")
    try:
        decoded = checks.loads(value)
    except ValueError as exc:  # JSONDecodeError included
        raise ValueError(f"{what}{packed!r} is not a JSON object ({exc})") from None
    if not isinstance(decoded, dict):
        raise ValueError(f"{what}{packed!r} must hold a JSON object, not {type(decoded).__name__}")
    return decoded


def parse_object(obj: Any, *, default_annotator: str) -> AnnotatedDocument:
    """Turn one decoded JSON line into an ``AnnotatedDocument``; ``ValueError`` says what is wrong.

    Every field's type is checked: a wrong one is refused, never read as something else (a
    ``"done": "false"`` is not done, a ``"meta": []`` is not an empty meta).
    """
    if not isinstance(obj, dict):
        raise ValueError("each line must be a JSON object")
    text = _require(obj, "text", str, "the line")
    if not text:
        raise ValueError("the document text is empty")
    bad = lone_surrogate(text)
    if bad:
        raise ValueError(f"the document text holds {bad}")
    meta = json_object(obj, "meta", "")
    doc_id = checks.id_value(obj.get("id"), "'id'")
    if doc_id is None:
        doc_id = text_sha256(text)[:16]
    title = checks.optional_str(obj.get("title"), "'title'")
    if title is None:
        title = default_title(text, doc_id)
    annotator = obj.get("annotator", default_annotator)
    if not isinstance(annotator, str) or not annotator.strip():
        raise ValueError("'annotator' must be a non-empty string")
    source = meta.get("source", "")
    document = Document(id=doc_id, title=title, text=text, source=source if isinstance(source, str) else str(source),
                        meta=meta)

    raw_spans = checks.optional_list(obj.get("spans"), "'spans'")
    spans: list[Span] = []
    seen_ids: set[str] = set()
    for index, raw in enumerate(raw_spans):
        where = f"span {index + 1}"
        if not isinstance(raw, dict):
            raise ValueError(f"{where} must be an object")
        span_id = checks.id_value(raw.get("id"), f"{where}: 'id'") or f"s{index + 1}"
        where = f"span {span_id!r}"
        if span_id in seen_ids:
            raise ValueError(f"{where}: the id is used twice")
        seen_ids.add(span_id)
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        problem = check_span(len(text), start, end, label)
        if problem:
            raise ValueError(f"{where}: {problem}")
        if "text" in raw and raw["text"] != text[start:end]:
            raise ValueError(
                f"{where}: its text {raw['text']!r} differs from the document's text at "
                f"[{start}, {end}), {text[start:end]!r}"
            )
        attrs = json_object(raw, "attrs", f"{where}: ")
        if "sources" in raw:
            sources = raw["sources"]
            if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
                raise ValueError(f"{where}: 'sources' must be a list of reviewer names")
            attrs = {**attrs, "sources": sources}
        spans.append(Span(start=start, end=end, label=label, id=span_id, attrs=attrs))

    raw_claims = checks.optional_list(obj.get("claims"), "'claims'")
    claims: list[Claim] = []
    for index, raw in enumerate(raw_claims):
        if not isinstance(raw, dict):
            raise ValueError(f"claim {index + 1} must be an object")
        claim_id = checks.id_value(raw.get("id"), f"claim {index + 1}: 'id'") or f"c{index + 1}"
        where = f"claim {claim_id!r}"
        statement = checks.id_value(raw.get("span"), f"{where}: 'span'")
        if statement is not None and statement not in seen_ids:
            raise ValueError(f"{where}: its span {statement!r} is not a span of this line")
        members = checks.optional_list(raw.get("members"), f"{where}: 'members'")
        for member in members:
            if checks.id_value(member, f"{where}: a member") not in seen_ids:
                raise ValueError(f"{where}: member {member!r} is not a span of this line")
        note = checks.optional_str(raw.get("note"), f"{where}: 'note'") or ""
        claim_attrs = json_object(raw, "attrs", f"{where}: ")
        claims.append(
            Claim(
                id=claim_id,
                span=statement,
                members=tuple(str(m) for m in members),
                note=note,
                attrs=claim_attrs,
            )
        )
    done = checks.flag(obj.get("done"), "'done'")
    return AnnotatedDocument(document=document, annotator=annotator, spans=spans, claims=claims, done=done)


def to_object(item: AnnotatedDocument) -> dict[str, Any]:
    """A layer as a version-1 object (meta and attrs as objects): what the store keeps in its layer
    history. Files get ``to_record``."""
    doc = item.document
    text = doc.text
    spans = []
    for span in item.spans:
        entry: dict[str, Any] = {
            "id": str(span.id),
            "start": span.start,
            "end": span.end,
            "label": span.label,
            "text": text[span.start : span.end],
        }
        attrs = dict(span.attrs)
        sources = attrs.pop("sources", None)
        entry["attrs"] = attrs
        if sources is not None:
            entry["sources"] = sources
        spans.append(entry)
    obj: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "text": text,
        "meta": doc.meta,
        "annotator": item.annotator,
        "spans": spans,
        "claims": [_claim_object(claim) for claim in item.claims],
    }
    if item.done:
        obj["done"] = True
    return obj


def _claim_object(claim: Claim) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "id": str(claim.id),
        "span": None if claim.span is None else str(claim.span),
        "members": [str(m) for m in claim.members],
        "note": claim.note,
    }
    if claim.attrs:  # gold provenance; absent for ordinary claims, so their lines stay as they were
        obj["attrs"] = claim.attrs
    return obj


def packed(value: dict) -> str:
    """A meta or attrs object as the compact JSON string version 2 writes (big integers too)."""
    if not value:
        return "{}"  # most spans have no attrs: no encoder call for 100,000 of them
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def to_record(item: AnnotatedDocument) -> dict[str, Any]:
    """The version-2 line of a layer: ``to_object`` with meta and attrs as JSON strings."""
    obj = to_object(item)
    record = {key: (packed(value) if key == "meta" else value) for key, value in obj.items()}
    record = {("meta_json" if key == "meta" else key): value for key, value in record.items()}
    for span in record["spans"]:
        span["attrs_json"] = packed(span.pop("attrs"))
        if "sources" in span:  # after attrs_json, where version 1 had it after attrs
            span["sources"] = span.pop("sources")
    for claim in record["claims"]:
        claim["attrs_json"] = packed(claim.pop("attrs", {}))
    return record


def encode(obj: Any) -> bytes:
    """One JSON line as UTF-8 bytes: orjson (about 4x faster on large exports) where it can,
    the standard library for what orjson refuses (integers beyond 64 bits in meta, say)."""
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps(item: AnnotatedDocument) -> str:
    return encode(to_record(item)).decode("utf-8")


def write(items: Iterable[AnnotatedDocument], path: str | Path) -> WriteReport:
    report = WriteReport()
    with atomic_write(path, binary=True) as handle:
        for item in items:
            handle.write(encode(to_record(item)))
            handle.write(b"\n")
            report.documents += 1
            report.spans += len(item.spans)
            report.claims += len(item.claims)
    return report
