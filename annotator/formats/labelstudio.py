"""Label Studio JSON: the full export (a list of tasks) and the JSON_MIN export, read; full, written.

Full export, one task per document, one annotation per reviewer:

    [{"id": 1, "data": {"text": ..., "title": ..., "doc_id": ...}, "meta": {...},
      "annotations": [{"completed_by": ..., "result": [
          {"id": "r1", "from_name": "label", "to_name": "text", "type": "labels",
           "value": {"start": 0, "end": 5, "text": "...", "labels": ["SPEAKER"]}},
          {"type": "relation", "from_id": "r4", "to_id": "r1", "direction": "right", "labels": ["SPEAKER"]}]}]}]

JSON_MIN: a list of flat objects ``{"id", "text", "<from_name>": [{"start", "end", "text", "labels"}],
"annotator", ...}``, one per annotation (no relations).

Offsets are code points: Label Studio's frontend has stored code points since the fix for #1008
(heartexlabs/label-studio-frontend#308); exports made before it counted UTF-16 units, which shifts
every span after an emoji. A region whose ``text`` does not match the code-point slice but does
match the UTF-16 reading is converted, with a warning; a region matching neither is refused.
Label Studio also collapses runs of whitespace in a region's ``text`` (#3078, #5338), so ``text``
is compared with whitespace runs collapsed.

``completed_by`` may be an int user id (read as ``"user<N>"``), an object (its ``email``, else
``username``, else ``"user<id>"``) or a string. The writer puts ``{"email": name}`` when the name
looks like an address, else ``{"username": name}``. Claims go out as relations CLAIM -> member
(labels = the member's label) and come back as claims; other relations are kept in the source
span's ``attrs["relations"]``. A region with several labels becomes one span per label. Claim notes,
span attributes and the ``done`` flag are not carried.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterable

from ..atomic import atomic_write
from ..errors import InputError
from ..model import AnnotatedDocument, Document, Span, check_span, text_sha256
from . import checks
from .base import WriteReport, read_text
from .doccano import link_relations, relations_for_write, unique_spans, warn
from .jsonl import default_title

NAME = "label-studio"
EXTENSIONS = (".json",)
DESCRIPTION = "Label Studio JSON export (full or JSON_MIN; claims as relations)"


def _json_array(content: str, path: str | Path) -> list[tuple[int, Any]]:
    """Decode a top-level JSON array into (line where the element starts, element), each element
    checked as one record (depth, numbers, strings: :mod:`annotator.formats.checks`)."""
    decoder = checks.DECODER
    line_at = checks.LineCounter(content)
    pos = 0
    n = len(content)

    def skip() -> None:
        nonlocal pos
        while pos < n and content[pos].isspace():
            pos += 1

    def fail(message: str, at: int) -> InputError:
        return InputError(message, path=str(path), line=line_at(at))

    def decode(at: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(content, at)
        except json.JSONDecodeError as exc:
            raise fail(checks.decode_error(exc), exc.pos) from None
        except (RecursionError, ValueError) as exc:
            raise fail(checks.decode_error(exc), at) from None

    skip()
    if pos >= n or content[pos] != "[":
        decode(pos)
        raise fail("a Label Studio export is a JSON list of tasks ([...])", pos)
    pos += 1
    out: list[tuple[int, Any]] = []
    skip()
    if pos < n and content[pos] == "]":
        pos += 1
    else:
        while True:
            skip()
            start = pos
            value, pos = decode(pos)
            try:
                checks.check_record(value, content[start:pos])
            except ValueError as exc:
                raise fail(str(exc), start) from None
            out.append((line_at(start), value))
            skip()
            if pos < n and content[pos] == ",":
                pos += 1
                continue
            if pos < n and content[pos] == "]":
                pos += 1
                break
            raise fail("not valid JSON (expected ',' or ']' after a task; is the file cut short?)", pos)
    skip()
    if pos < n:
        raise fail("not valid JSON (extra data after the list of tasks)", pos)
    return out


def _utf16_to_cp(text: str) -> list[int | None]:
    """Map UTF-16 offsets to code-point offsets (None inside a surrogate pair)."""
    out: list[int | None] = []
    for index, ch in enumerate(text):
        out.append(index)
        if ord(ch) > 0xFFFF:
            out.append(None)
    out.append(len(text))
    return out


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def annotator_name(value: Any, default: str) -> str:
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, int):
        return f"user{value}"
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, dict):
        for key in ("email", "username"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value[key].strip()
        first, last = value.get("first_name") or "", value.get("last_name") or ""
        if isinstance(first, str) and isinstance(last, str) and (first + last).strip():
            return f"{first} {last}".strip()
        if isinstance(value.get("id"), int):
            return f"user{value['id']}"
    return default


class _Regions:
    """Turns Label Studio regions into spans for one text, converting UTF-16 offsets if needed."""

    def __init__(self, text: str, where: str):
        self.text = text
        self.where = where
        self._utf16: list[int | None] | None = None
        self.converted = 0

    def offsets(self, start: Any, end: Any, label: Any, region_text: Any, name: str) -> tuple[int, int]:
        text = self.text
        problem = check_span(len(text), start, end, label)
        if problem is None and (region_text is None or self._same(text[start:end], region_text)):
            return start, end
        if isinstance(start, int) and isinstance(end, int) and isinstance(region_text, str):
            if self._utf16 is None:
                self._utf16 = _utf16_to_cp(text)
            table = self._utf16
            if 0 <= start < end < len(table) and table[start] is not None and table[end] is not None:
                cp_start, cp_end = table[start], table[end]
                fits = check_span(len(text), cp_start, cp_end, label) is None
                if fits and self._same(text[cp_start:cp_end], region_text):
                    self.converted += 1
                    return cp_start, cp_end
        if problem:
            raise ValueError(f"{name}: {problem}")
        raise ValueError(
            f"{name}: its text {region_text!r} differs from the task's text at [{start}, {end}), {text[start:end]!r}"
        )

    @staticmethod
    def _same(actual: str, given: Any) -> bool:
        return isinstance(given, str) and (actual == given or _squash(actual) == _squash(given))

    def finish(self) -> None:
        if self.converted:
            warn(
                f"{self.where}: {self.converted} region(s) counted UTF-16 units (Label Studio before #1008 "
                "was fixed); converted to code points"
            )


def _value_labels(value: dict, name: str) -> list[str]:
    labels = value.get("labels")
    if labels is None:  # other span tags: hypertextlabels, paragraphlabels...
        labels = next((v for k, v in value.items() if k.endswith("labels") and isinstance(v, list)), None)
    if not isinstance(labels, list) or not labels:
        raise ValueError(f"{name}: 'labels' must be a non-empty list")
    for label in labels:
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"{name}: label must be a non-empty string, not {label!r}")
    return labels


def _document(task: dict, data: dict, text: str) -> Document:
    meta = {k: v for k, v in data.items() if k not in ("text", "title", "doc_id")}
    if isinstance(task.get("meta"), dict):
        meta.update(task["meta"])
    doc_id = data.get("doc_id", task.get("id"))
    doc_id = text_sha256(text)[:16] if doc_id is None or isinstance(doc_id, bool) else str(doc_id)
    title = data.get("title")
    title = title if isinstance(title, str) and title else default_title(text, doc_id)
    return Document(id=doc_id, title=title, text=text, source=str(meta.get("source", "")), meta=meta)


def _parse_result(result: Any, text: str, where: str, name: str) -> tuple[list[Span], list]:
    if not isinstance(result, list):
        raise ValueError(f"{name}: 'result' must be a list")
    regions = _Regions(text, where)
    spans: list[Span] = []
    first_span_of: dict[str, str] = {}
    used: set[str] = set()
    relations = []
    for index, region in enumerate(result, start=1):
        if not isinstance(region, dict):
            raise ValueError(f"{name}: result {index} must be an object")
        if region.get("type") == "relation":
            if "from_id" not in region or "to_id" not in region:
                raise ValueError(f"{name}: relation {index} needs 'from_id' and 'to_id'")
            labels = region.get("labels") or ["related"]
            rel_type = labels[0] if isinstance(labels, list) and labels and isinstance(labels[0], str) else "related"
            relations.append((region.get("id"), str(region["from_id"]), str(region["to_id"]), rel_type))
            continue
        value = region.get("value")
        if not isinstance(value, dict) or "start" not in value:
            continue  # choices, ratings, text areas...: not spans
        region_id = str(region.get("id", f"r{index}"))
        rname = f"{name}, region {region_id!r}"
        labels = _value_labels(value, rname)
        start, end = regions.offsets(value.get("start"), value.get("end"), labels[0], value.get("text"), rname)
        for number, label in enumerate(labels):
            span_id = region_id if number == 0 else f"{region_id}:{label}"
            if span_id in used:
                raise ValueError(f"{rname}: the region id is used twice")
            used.add(span_id)
            spans.append(Span(start=start, end=end, label=label, id=span_id, attrs={}))
        first_span_of[region_id] = region_id
    regions.finish()
    for _, a, b, _ in relations:
        for end_id in (a, b):
            if end_id not in first_span_of:
                raise ValueError(f"{name}: a relation points to region {end_id!r}, which is not in this annotation")
    return spans, relations


def read(path: str | Path, *, default_annotator: str) -> list[AnnotatedDocument]:
    content = read_text(path)
    items: list[AnnotatedDocument] = []
    for lineno, task in _json_array(content, path):
        where = f"{path}, line {lineno}"
        try:
            items.extend(_parse_task(task, default_annotator=default_annotator, where=where))
        except ValueError as exc:
            raise InputError(str(exc), path=str(path), line=lineno) from None
    return items


def _parse_task(task: Any, *, default_annotator: str, where: str) -> list[AnnotatedDocument]:
    if not isinstance(task, dict):
        raise ValueError("each task must be a JSON object")
    task_name = f"task {task.get('id')!r}" if task.get("id") is not None else "the task"
    if "data" not in task:
        return [_parse_min(task, default_annotator=default_annotator, where=where, name=task_name)]
    data = task["data"]
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ValueError(f"{task_name}: 'data' must be an object with a 'text' string")
    text = data["text"]
    if not text:
        raise ValueError(f"{task_name}: the text is empty")
    document = _document(task, data, text)
    annotations = task.get("annotations", task.get("completions")) or []
    if not isinstance(annotations, list):
        raise ValueError(f"{task_name}: 'annotations' must be a list")
    out = []
    for index, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict):
            raise ValueError(f"{task_name}: annotation {index} must be an object")
        name = f"{task_name}, annotation {annotation.get('id', index)!r}"
        if annotation.get("was_cancelled"):
            warn(f"{where}: {name} was cancelled; skipped")
            continue
        spans, relations = _parse_result(annotation.get("result") or [], text, where, name)
        spans, alias = unique_spans(spans, where=f"{where}, {name}")
        relations = [(rid, alias.get(a, a), alias.get(b, b), t) for rid, a, b, t in relations]
        claims = link_relations(spans, relations, where=name)
        annotator = annotator_name(annotation.get("completed_by"), default_annotator)
        out.append(AnnotatedDocument(document=document, annotator=annotator, spans=spans, claims=claims))
    if not out:
        out.append(AnnotatedDocument(document=document, annotator=default_annotator))
    return out


def _parse_min(row: dict, *, default_annotator: str, where: str, name: str) -> AnnotatedDocument:
    text = row.get("text")
    if not isinstance(text, str):
        raise ValueError(f"{name}: neither 'data' (full export) nor 'text' (JSON_MIN) is there")
    if not text:
        raise ValueError(f"{name}: the text is empty")
    regions = _Regions(text, where)
    spans: list[Span] = []
    region_keys = [
        key
        for key, value in row.items()
        if isinstance(value, list) and value and all(isinstance(v, dict) and "start" in v for v in value)
    ]
    for key in region_keys:
        for index, value in enumerate(row[key], start=1):
            rname = f"{name}, {key} {index}"
            labels = _value_labels(value, rname)
            start, end = regions.offsets(value.get("start"), value.get("end"), labels[0], value.get("text"), rname)
            for label in labels:
                spans.append(Span(start=start, end=end, label=label, id=f"s{len(spans) + 1}", attrs={}))
    regions.finish()
    spans, _ = unique_spans(spans, where=f"{where}, {name}")
    skip = set(region_keys) | {"text", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "id"}
    meta = {k: v for k, v in row.items() if k not in skip}
    doc_id = row.get("doc_id", row.get("id"))
    doc_id = text_sha256(text)[:16] if doc_id is None or isinstance(doc_id, bool) else str(doc_id)
    meta.pop("doc_id", None)
    title = meta.pop("title", None)
    title = title if isinstance(title, str) and title else default_title(text, doc_id)
    document = Document(id=doc_id, title=title, text=text, source=str(meta.get("source", "")), meta=meta)
    annotator = annotator_name(row.get("annotator"), default_annotator)
    return AnnotatedDocument(document=document, annotator=annotator, spans=spans)


def _completed_by(name: str) -> dict[str, str]:
    return {"email": name} if "@" in name else {"username": name}


def write(items: Iterable[AnnotatedDocument], path: str | Path) -> WriteReport:
    report = WriteReport()
    tasks: dict[tuple[str, str], dict[str, Any]] = {}
    for item in items:
        doc = item.document
        key = (doc.id, doc.sha256)
        task = tasks.get(key)
        if task is None:
            task = {
                "id": len(tasks) + 1,
                "data": {"text": doc.text, "title": doc.title, "doc_id": doc.id},
                "meta": doc.meta,
                "annotations": [],
            }
            tasks[key] = task
            report.documents += 1
        text = doc.text
        region_ids = {id(span): f"s{number}" for number, span in enumerate(item.spans, start=1)}
        result: list[dict[str, Any]] = [
            {
                "id": region_ids[id(span)],
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {
                    "start": span.start,
                    "end": span.end,
                    "text": text[span.start : span.end],
                    "labels": [span.label],
                },
            }
            for span in item.spans
        ]
        for source, target, rel_type, _ in relations_for_write(item, report):
            result.append(
                {
                    "from_id": region_ids[id(source)],
                    "to_id": region_ids[id(target)],
                    "type": "relation",
                    "direction": "right",
                    "labels": [rel_type],
                }
            )
        task["annotations"].append(
            {
                "id": sum(len(t["annotations"]) for t in tasks.values()) + 1,
                "completed_by": _completed_by(item.annotator),
                "result": result,
            }
        )
        report.spans += len(item.spans)
    with atomic_write(path) as handle:
        json.dump(list(tasks.values()), handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return report
